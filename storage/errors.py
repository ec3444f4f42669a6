"""Errors the storage layer raises on purpose, so callers can turn them into friendly messages."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

# The database itself failed (unreachable, refused, full): callers show `.orig` and the URL.
DatabaseError = DBAPIError


def printable_url(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class StorageError(Exception):
    """Base class of the errors below."""


class KeyMissingError(StorageError):
    """Neither HONOREE_SECRET_KEY nor the key file exists."""


class InvalidKeyError(StorageError):
    """The configured key cannot be used (too short, unreadable); the message never shows it."""


class DecryptionError(StorageError):
    """Stored personal data does not decrypt with the current key (wrong key or tampering)."""


class NotFoundError(StorageError):
    """The referenced row does not exist."""


class NotACommitteeLevel(StorageError):
    """Committees exist for villages/communities and townships only, not for this level."""

    def __init__(self, code: str, level: str) -> None:
        super().__init__(f"{code} is a {level}: committees exist only for villages and townships")
        self.level = level


class InvalidStateError(StorageError):
    """The registration's status does not allow this change (e.g. editing a submitted entry)."""
