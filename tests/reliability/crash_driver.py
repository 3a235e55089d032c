"""A till process that completes sales back to back and acknowledges each one on stdout.

Run by test_crash_safety.py, which SIGKILLs it at random moments. A line ``ACK <bill id> <receipt>
<total>`` is printed only after complete_sale has returned, i.e. after the sale's transaction committed
with synchronous=FULL: that is the moment a real till tells the cashier the sale is done.
"""

from __future__ import annotations

import random
import sys

from memory_keyring import FileKeyring  # tests/ is on sys.path (PYTHONPATH)


def main(db_path: str, seed: int, limit: int) -> None:
    import keyring

    keyring.set_keyring(FileKeyring())
    from app import auth, settings
    from app.billing import Tender, complete_sale
    from app.cart import Cart, load_customer
    from app.till import open_till
    from db.models import Customer

    till = open_till(db_path)
    cashier = auth.sign_in("1111")
    customers = [c.id for c in Customer.select(Customer.id).where(Customer.status == "active").limit(50)]
    codes = ["1001", "1003", "2*1001", "1004", "1005", "3*1006", "1010"]
    rng = random.Random(seed)
    print("READY", flush=True)
    for _ in range(limit):
        cart = Cart(settings.all_settings())
        for _ in range(rng.randrange(1, 6)):
            cart.add_entry(rng.choice(codes))
        if rng.random() < 0.5:
            cart.set_customer(load_customer(rng.choice(customers)))
        total = cart.price().total
        method = rng.choice(["card", "cash"])
        tendered = total if method == "card" else total + rng.randrange(0, 500)
        result = complete_sale(cart, [Tender(method, tendered)], cashier)
        print(f"ACK {result.bill_id} {result.receipt_no} {result.total}", flush=True)
    till.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
