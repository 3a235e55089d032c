"""Errors from the application rules, each with a message a cashier or manager can act on.

``TillDatabaseError`` (the database file cannot be opened: wrong key, damaged, newer schema) is db/'s own and
re-exported here: opening the till (app.till.open_till) raises it, and callers of app/ catch it from app/."""

from db.errors import TillDatabaseError  # noqa: F401  re-exported (see above)


class TillError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(TillError):
    """Bad input: the field it concerns (if any) and why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class PermissionDenied(TillError):
    pass


class NotFound(TillError):
    pass
