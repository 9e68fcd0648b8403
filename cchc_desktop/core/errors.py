"""Domain error types. Each carries one clear Vietnamese sentence for the user."""

from __future__ import annotations

from collections.abc import Sequence


class CchcError(Exception):
    """Base of every error the user may see; ``str(err)`` is the Vietnamese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseError(CchcError):
    """The database cannot be opened or used (missing, not ours, newer, locked, full, corrupt)."""


class ValidationError(CchcError):
    """A value the user entered is refused; ``field`` names the attribute it concerns.

    A save that finds several refused fields raises one error whose ``errors`` lists each (field, message)
    pair, so a form shows them all at once; ``field`` and ``message`` stay the first one (callers that
    report a single reason, such as an import row, are unchanged)."""

    def __init__(self, field: str | None, message: str, *, errors: Sequence[tuple[str | None, str]] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.errors: list[tuple[str | None, str]] = list(errors) or [(field, message)]

    @classmethod
    def combine(cls, found: Sequence[ValidationError]) -> ValidationError:
        """One error carrying every refusal of ``found`` (one per field, in order)."""
        if len(found) == 1:
            return found[0]
        pairs: list[tuple[str | None, str]] = []
        for error in found:
            for key, message in error.errors:
                if key is None or all(k != key for k, _ in pairs):
                    pairs.append((key, message))
        return cls(pairs[0][0], pairs[0][1], errors=pairs)

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
