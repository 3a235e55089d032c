"""Errors a person at the till can act on. Each carries a one-line message fit for a dialog or a CLI."""


class TillDatabaseError(Exception):
    """Base class: opening or writing the local database failed in a way the user must hear about."""

    title = "Database problem"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WrongKeyError(TillDatabaseError):
    title = "Cannot open the till database"


class NotATillDatabaseError(TillDatabaseError):
    title = "Not a till database"


class KeyMissingError(TillDatabaseError):
    title = "Database key not found"


class KeyringUnavailableError(TillDatabaseError):
    title = "No keyring available"


class DatabaseLockedError(TillDatabaseError):
    title = "Database in use"


class NewerSchemaError(TillDatabaseError):
    title = "Database is from a newer Till"


class DiskFullError(TillDatabaseError):
    title = "Disk full"


class MigrationError(TillDatabaseError):
    title = "Database upgrade failed"
