"""Domain error types. Each carries one clear Vietnamese sentence for the user."""

from __future__ import annotations


class CchcError(Exception):
    """Base of every error the user may see; ``str(err)`` is the Vietnamese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseError(CchcError):
    """The database cannot be opened or used (missing, not ours, newer, locked, full, corrupt)."""


class ValidationError(CchcError):
    """A value the user entered is refused; ``field`` names the attribute it concerns."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ValidationError({self.field!r}, {self.message!r})"


class NotFoundError(CchcError):
    """A record asked for by id or code does not exist."""


class ConflictError(CchcError):
    """A save based on an older read of a record that someone else has changed since (or deleted):
    refused, nothing overwritten; the message says what the other person changed."""

    def __init__(self, message: str, *, table: str | None = None, record_id: int | None = None) -> None:
        super().__init__(message)
        self.table = table
        self.record_id = record_id
