"""Encryption of personal numbers at rest, and keyed hashes to find duplicates without decrypting.

The keys are HONOREE_SECRET_KEY or, if unset, the key file in the data dir. Either holds one
key, or during a key rotation several: the first is the current key (it encrypts and hashes),
the others are older keys that are still tried when decrypting. In the key file each key is a
line of its own (lines starting with `#` are comments); in HONOREE_SECRET_KEY they are
separated by spaces. Two independent subkeys are derived from each key with HKDF: one for
AES-GCM, one for HMAC-SHA256; a third derivation names the key (its key id) without revealing
it. Ciphertexts carry the key id of the key that sealed them (format 2); format 1, from before
key ids, is still read. Nothing here ever puts key material into a message, a repr or a log line.
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
_FORMAT_V1 = b"\x01"  # leading byte of a ciphertext without a key id
_FORMAT_V2 = b"\x02"  # leading byte of a ciphertext followed by the sealing key's id
KEY_ID_BYTES = 8
_NONCE_BYTES = 12
_TAG_BYTES = 16
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
    """The current key's bytes (the first of the key ring)."""
    return read_keyring(settings)[0]


def read_keyring(settings: Settings) -> list[bytes]:
    """Every configured key, current first, from the environment first, then the key file."""
    if settings.secret_key is not None:
        source = "HONOREE_SECRET_KEY"
        keys = settings.secret_key.get_secret_value().split()
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
        keys = parse_key_file(text)
    if not keys or any(len(key) < MIN_SECRET_CHARS for key in keys):
        raise InvalidKeyError(f"The {source} must be at least {MIN_SECRET_CHARS} characters long")
    return [key.encode("utf-8") for key in keys]


def parse_key_file(text: str) -> list[str]:
    """The keys of a key file: one a line, current first; blank lines and `#` comments skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def write_key_file(path: Path, keys: list[bytes], comment: str) -> None:
    """Replace the key file atomically (mode 0600): a kill never leaves it half-written."""
    body = "".join(f"# {line}\n" for line in comment.splitlines())
    body += "".join(key.decode("utf-8") + "\n" for key in keys)
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def key_id(secret: bytes) -> bytes:
    """A key's public name: stored in front of what it seals, reveals nothing of the key."""
    return _derive(secret, b"key-id/v1")[:KEY_ID_BYTES]


def normalise_id_number(id_number: str) -> str:
    """Full-width digits, spaces and a lower-case x must not defeat duplicate detection."""
    return "".join(unicodedata.normalize("NFKC", id_number).split()).upper()


def hash_token(token: str) -> str:
    """SHA-256 of an invite token: the database keeps only this, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(master)


class _Key:
    __slots__ = ("aead", "hash_key", "id")

    def __init__(self, secret: bytes) -> None:
        self.aead = AESGCM(_derive(secret, b"field-encryption/v1"))
        self.hash_key = _derive(secret, b"id-hash/v1")
        self.id = key_id(secret)


class FieldCipher:
    """AES-GCM for JSON dicts of sensitive answers, HMAC-SHA256 for ID-number look-ups.

    Seals and hashes with the current key; unseals with whichever key sealed the blob."""

    __slots__ = ("_keys",)

    def __init__(self, master_secret: bytes, *older_secrets: bytes) -> None:
        self._keys = [_Key(secret) for secret in (master_secret, *older_secrets)]

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldCipher:
        return cls(*read_keyring(settings))

    def __repr__(self) -> str:
        return "FieldCipher(<key hidden>)"

    @property
    def key_id(self) -> bytes:
        """The current key's id."""
        return self._keys[0].id

    @property
    def key_ids(self) -> tuple[bytes, ...]:
        return tuple(key.id for key in self._keys)

    def encrypt_json(self, data: dict[str, Any]) -> bytes:
        return self.seal(json_codec.dumps(data))

    def decrypt_json(self, blob: bytes) -> dict[str, Any]:
        return json.loads(self.unseal(blob))

    def seal(self, plain: bytes) -> bytes:
        key = self._keys[0]
        header = _FORMAT_V2 + key.id
        nonce = os.urandom(_NONCE_BYTES)
        return header + nonce + key.aead.encrypt(nonce, plain, header)

    def is_current(self, blob: bytes) -> bool:
        """Was `blob` sealed with the current key? (Known from its header, without decrypting.)"""
        return blob[:1] == _FORMAT_V2 and blob[1 : 1 + KEY_ID_BYTES] == self._keys[0].id

    def unseal(self, blob: bytes) -> bytes:
        if blob[:1] == _FORMAT_V2 and len(blob) >= 1 + KEY_ID_BYTES + _NONCE_BYTES + _TAG_BYTES:
            header, rest = blob[: 1 + KEY_ID_BYTES], blob[1 + KEY_ID_BYTES :]
            candidates = [k for k in self._keys if k.id == header[1:]] or self._keys
        elif blob[:1] == _FORMAT_V1 and len(blob) >= 1 + _NONCE_BYTES + _TAG_BYTES:
            header, rest = _FORMAT_V1, blob[1:]
            candidates = self._keys  # no key id: new key first, then the older ones
        else:
            raise DecryptionError("Stored personal data has an unknown format")
        nonce, body = rest[:_NONCE_BYTES], rest[_NONCE_BYTES:]
        for key in candidates:
            try:
                return key.aead.decrypt(nonce, body, header)
            except InvalidTag:
                continue
        raise DecryptionError(
            "Stored personal data cannot be decrypted: the encryption key differs from "
            "the one it was saved with"
        )

    def id_hash(self, id_number: str) -> str:
        """The look-up hash under the current key."""
        return self._hash(self._keys[0], id_number)

    def id_hashes(self, id_number: str) -> list[str]:
        """The look-up hash under every key: during a rotation a row may still carry an old one."""
        return [self._hash(key, id_number) for key in self._keys]

    @staticmethod
    def _hash(key: _Key, id_number: str) -> str:
        digest = hmac.new(key.hash_key, normalise_id_number(id_number).encode(), hashlib.sha256)
        return digest.hexdigest()
