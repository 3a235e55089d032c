"""Text normalisation for search (the rule lives in db/text.py: the central store computes the same key)."""

from db.text import normalise_name

__all__ = ["normalise_name"]
