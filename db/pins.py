"""The staff PIN rule and the cost of its stored hash (argon2id), shared by the till (app/auth.py) and the
central store's head-office staff edits (central/staff.py), so both accept the same PINs and hash alike."""

TIME_COST, MEMORY_KIB = 2, 19456
PIN_RULE = "A PIN is 4 to 8 digits."


def pin_or_none(pin: str) -> str | None:
    """The PIN without surrounding spaces when it follows the rule, else None."""
    pin = (pin or "").strip()
    return pin if pin.isdigit() and 4 <= len(pin) <= 8 else None
