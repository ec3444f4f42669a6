"""Encryption of personal numbers at rest, and keyed hashes to find duplicates without decrypting.

The master secret is HONOREE_SECRET_KEY or, if unset, the key file in the data dir. Two
independent subkeys are derived from it with HKDF: one for AES-GCM, one for HMAC-SHA256.
Nothing here ever puts key material into a message, a repr or a log line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage import json_codec
from storage.errors import DecryptionError, InvalidKeyError, KeyMissingError
from storage.settings import Settings

MIN_SECRET_CHARS = 32
_FORMAT_V1 = b"\x01"  # leading byte of every ciphertext, room for key rotation later
_NONCE_BYTES = 12
_SALT = b"honoree-registration"


def generate_secret() -> str:
    """A fresh 256-bit secret as text (fits both the key file and HONOREE_SECRET_KEY)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def ensure_key_file(path: Path) -> bool:
    """Create the key file with mode 0600 unless it exists; True if it was created.

    Written to a private temporary file and hard-linked into place, so the key file is never
    seen half-written and two concurrent `init`s cannot both create one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return False
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(generate_secret() + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def read_master_secret(settings: Settings) -> bytes:
    """The master secret bytes, from the environment first, then from the key file."""
    if settings.secret_key is not None:
        source = "HONOREE_SECRET_KEY"
        text = settings.secret_key.get_secret_value()
    else:
        source = f"key file {settings.key_file}"
        try:
            text = settings.key_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyMissingError(
                "No encryption key: set HONOREE_SECRET_KEY or run `honoree-admin init` "
                f"to create {settings.key_file}"
            ) from None
        except (OSError, UnicodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not valid text"
            raise InvalidKeyError(f"Cannot read the {source}: {reason}") from None
    text = text.strip()
    if len(text) < MIN_SECRET_CHARS:
        raise InvalidKeyError(f"The {source} must be at least {MIN_SECRET_CHARS} characters long")
    return text.encode("utf-8")


def normalise_id_number(id_number: str) -> str:
    """Full-width digits, spaces and a lower-case x must not defeat duplicate detection."""
    return "".join(unicodedata.normalize("NFKC", id_number).split()).upper()


def hash_token(token: str) -> str:
    """SHA-256 of an invite token: the database keeps only this, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(master)


class FieldCipher:
    """AES-GCM for JSON dicts of sensitive answers, HMAC-SHA256 for ID-number look-ups."""

    __slots__ = ("_aead", "_hash_key")

    def __init__(self, master_secret: bytes) -> None:
        self._aead = AESGCM(_derive(master_secret, b"field-encryption/v1"))
        self._hash_key = _derive(master_secret, b"id-hash/v1")

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldCipher:
        return cls(read_master_secret(settings))

    def __repr__(self) -> str:
        return "FieldCipher(<key hidden>)"

    def encrypt_json(self, data: dict[str, Any]) -> bytes:
        return self.seal(json_codec.dumps(data))

    def decrypt_json(self, blob: bytes) -> dict[str, Any]:
        return json.loads(self.unseal(blob))

    def seal(self, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT_V1 + nonce + self._aead.encrypt(nonce, plain, _FORMAT_V1)

    def unseal(self, blob: bytes) -> bytes:
        if blob[:1] != _FORMAT_V1 or len(blob) < 1 + _NONCE_BYTES + 16:
            raise DecryptionError("Stored personal data has an unknown format")
        nonce, body = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            plain = self._aead.decrypt(nonce, body, _FORMAT_V1)
        except InvalidTag:
            raise DecryptionError(
                "Stored personal data cannot be decrypted: the encryption key differs from "
                "the one it was saved with"
            ) from None
        return plain

    def id_hash(self, id_number: str) -> str:
        digest = hmac.new(self._hash_key, normalise_id_number(id_number).encode(), hashlib.sha256)
        return digest.hexdigest()
