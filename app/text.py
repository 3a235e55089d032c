"""Text normalisation for search: casefolded, accents removed, spaces collapsed."""

import unicodedata


def normalise_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
