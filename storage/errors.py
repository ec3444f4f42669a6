"""Errors the storage layer raises on purpose, so callers can turn them into friendly messages."""

from __future__ import annotations


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


class InvalidStateError(StorageError):
    """The registration's status does not allow this change (e.g. editing a submitted entry)."""
