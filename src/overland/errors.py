"""Errors a user can act on. The CLI prints their message on one line, never a traceback."""

from __future__ import annotations


class OverlandError(Exception):
    """Base of every error meant for the user."""

    exit_code = 2


class UnknownIdError(OverlandError, KeyError):
    """An id that names nothing; the message suggests close matches."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class InputError(OverlandError, ValueError):
    """A malformed argument (a time without an offset, a bad number of days)."""


class DataError(OverlandError):
    """The crossing data does not validate; one line per problem."""

    exit_code = 1

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


class KeyReused(InputError):
    """An idempotency key sent again by the same sender with another request body."""


class StoreError(OverlandError):
    """The reports database cannot be opened, migrated or written (exit 1)."""

    exit_code = 1


class Unauthorized(OverlandError):
    """A reporting token that is missing, unknown or revoked."""


class Forbidden(OverlandError):
    """A known token that may not do this (moderating needs a moderator's token)."""


class RateLimited(OverlandError):
    """Too many requests from one sender; ``retry_after`` says when to try again (seconds)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
