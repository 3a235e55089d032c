"""Errors from the application rules, each with a message a cashier or manager can act on."""


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
