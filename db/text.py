"""How the stored search key ``name_norm`` is made from a name: casefolded, accents removed, spaces collapsed.

Shared by the till (app/) and the central store (central/), which must compute the same key for a row."""

import unicodedata


def normalise_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
