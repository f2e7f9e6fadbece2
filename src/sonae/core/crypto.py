"""Encryption at rest: AES-256-GCM values with the key id inside, and HMAC-SHA256 blind indexes.

Pure module (no Django import) so settings, the victims importer's worker processes and tests can use it alone.
The Django side (reading ``settings.SONAE_DATA_KEYS``, model fields, rotation) lives in ``keyring.py``,
``fields.py`` and the ``keys`` management command.

Ciphertext format, version 1 (raw bytes; stored in BLOB on SQLite and bytea on PostgreSQL)::

    0x01 | len(key_id) (1 byte) | key_id (ASCII, 1-32 chars) | nonce (12 random bytes) | AES-GCM ciphertext+tag (16)

Raw bytes rather than base64 text: 25 % smaller, no encode/decode on every row, and both databases store them
natively (psycopg's COPY takes ``bytes`` as is). The header (version, key id) is authenticated too: it is
prepended to the caller's associated data, so a ciphertext cannot be re-labelled. Overhead is 30 bytes plus the
key id's length.

Associated data is the caller's business; the model fields bind ``"<db_table>.<column>:" + row identity``, so a
ciphertext copied into another row or column fails to decrypt (see ``fields.py``).

Nonces are 96 random bits from ``os.urandom`` per value: safe across forked worker processes (no shared
counter) and far below the 2**32 messages per key that random GCM nonces allow; rotate keys long before that.

Blind indexes: ``HMAC-SHA256(subkey(domain), value)`` with ``subkey(domain) = HMAC-SHA256(index_key,
"sonae-blind-index:" + domain)``, hex-encoded in full (64 chars). The per-domain subkey separates domains (a
kana+birth index never equals a patient-ID index of the same text); the full 256 bits keep exact look-ups free
of false matches at any table size. The index key is separate from the data keys and is not rotated by
``sonae keys rotate`` (rotating it would mean recomputing every index from the decrypted values).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
DOMAIN_PATTERN = re.compile(r"[a-z0-9_.:-]{1,100}")


def _not_json(value: Any) -> Any:
    raise TypeError(
        f"a record value must be JSON-native (str, int, float, bool, None, list, dict), not {type(value).__name__}"
    )


# Records are compact UTF-8 JSON (Japanese stays 3 bytes a character instead of 6 as \uXXXX). json.dumps builds
# a new C encoder on every call; building it once saves ~1.3 us of ~6 us per record (measured), which matters
# for million-row imports. Fallback: the public encoder where the C accelerator is absent.
_RECORD_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_not_json
)
try:
    _c_encode = json.encoder.c_make_encoder(
        None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
except TypeError:  # pragma: no cover - other Python builds
    _c_encode = None
_RECORD_DECODER = json.JSONDecoder()


class CryptoError(Exception):
    """Base class of every error raised by this module."""


class KeyringError(CryptoError, ValueError):
    """The keyring configuration is missing or invalid."""


class DecryptionError(CryptoError):
    """A ciphertext did not authenticate: wrong row/field (associated data), tampered, or wrong key."""


class MalformedCiphertext(DecryptionError):
    """The bytes are not a Sonae ciphertext (wrong version byte or too short)."""


class UnknownKeyError(DecryptionError):
    """The ciphertext names a key id that is not in the keyring."""


def header_for(key_id: str) -> bytes:
    """The ciphertext prefix for ``key_id``: rows on that key start with exactly these bytes."""
    raw = key_id.encode("ascii")
    return bytes((FORMAT_VERSION, len(raw))) + raw


def key_id_of(ciphertext: bytes) -> str:
    """The key id a ciphertext was made with, read from its header without decrypting."""
    data = bytes(ciphertext)
    if len(data) < 2 or data[0] != FORMAT_VERSION:
        raise MalformedCiphertext("not a Sonae ciphertext (unknown format version)")
    end = 2 + data[1]
    if len(data) < end + NONCE_BYTES + TAG_BYTES:
        raise MalformedCiphertext("ciphertext is truncated")
    return data[2:end].decode("ascii")


def encode_record(record: Any) -> bytes:
    """Compact UTF-8 JSON of a record, the plaintext that ``encrypt_record`` seals."""
    if _c_encode is not None and isinstance(record, dict | list):
        return "".join(_c_encode(record, 0)).encode()
    return _RECORD_ENCODER.encode(record).encode()


def decode_record(data: bytes) -> Any:
    """Inverse of ``encode_record``."""
    text = data.decode()
    # raw_decode skips decode()'s whitespace regex (half the cost); encode_record never emits whitespace.
    value, end = _RECORD_DECODER.raw_decode(text)
    if end != len(text):
        raise ValueError("trailing data after the JSON record")
    return value


class Keyring:
    """Data keys by id (one is current, used to encrypt) plus the blind-index key.

    Encrypt with the current key; decrypt with whichever key the ciphertext names, so old rows stay readable
    during and after a rotation until their key is retired.
    """

    __slots__ = ("keys", "current", "index_key", "_aeads", "_current_header", "_current_aead", "_subkeys")

    def __init__(self, keys: Mapping[str, bytes], current: str, index_key: bytes):
        if not keys:
            raise KeyringError("the keyring has no data keys")
        for key_id, key in keys.items():
            if not isinstance(key_id, str) or not KEY_ID_PATTERN.fullmatch(key_id):
                raise KeyringError(f"invalid key id {key_id!r}: use 1-32 characters of A-Z a-z 0-9 _ -")
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} must be exactly {KEY_BYTES} bytes")
        if current not in keys:
            raise KeyringError(
                f"current key id {current!r} is not among the keys ({', '.join(sorted(keys))})"
            )
        if not isinstance(index_key, bytes) or len(index_key) != KEY_BYTES:
            raise KeyringError(f"the index key must be exactly {KEY_BYTES} bytes")
        if index_key in keys.values():
            # One key for two purposes would tie blind indexes to data-key rotation and weaken both.
            raise KeyringError("the index key must differ from every data key")
        self.keys = dict(keys)
        self.current = current
        self.index_key = index_key
        # AESGCM objects are built once per key: constructing one per value would dominate small encryptions.
        self._aeads = {key_id.encode("ascii"): AESGCM(key) for key_id, key in self.keys.items()}
        self._current_header = header_for(current)
        self._current_aead = self._aeads[current.encode("ascii")]
        self._subkeys: dict[str, bytes] = {}

    def __repr__(self) -> str:  # never show key material
        return f"<Keyring current={self.current!r} keys={sorted(self.keys)!r}>"

    def __reduce__(self):  # picklable for worker processes (AESGCM objects are rebuilt)
        return (Keyring, (self.keys, self.current, self.index_key))

    # -- construction -------------------------------------------------------------------------------------------

    @classmethod
    def from_json(cls, text: str | bytes | Mapping[str, Any]) -> Keyring:
        """Parse ``{"current": id, "keys": {id: base64}, "index_key": base64}`` (a string or a parsed dict)."""
        if isinstance(text, Mapping):
            data = text
        else:
            try:
                data = json.loads(text)
            except (TypeError, ValueError) as exc:
                raise KeyringError(f"the keyring is not valid JSON ({exc})") from None
        if not isinstance(data, Mapping):
            raise KeyringError("the keyring must be a JSON object")
        missing = [name for name in ("current", "keys", "index_key") if name not in data]
        if missing:
            raise KeyringError(f"the keyring lacks {', '.join(missing)}")
        if not isinstance(data["keys"], Mapping):
            raise KeyringError('"keys" must be an object of key id to base64 key')
        keys = {str(key_id): _b64_key(value, f"key {key_id!r}") for key_id, value in data["keys"].items()}
        return cls(keys, str(data["current"]), _b64_key(data["index_key"], "index_key"))

    def to_json(self) -> str:
        """The keyring as the JSON text ``from_json`` reads (contains secrets: for the key file only)."""
        return json.dumps(
            {
                "current": self.current,
                "keys": {key_id: _b64(key) for key_id, key in self.keys.items()},
                "index_key": _b64(self.index_key),
            },
            indent=2,
        )

    # -- values ---------------------------------------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """Seal ``plaintext`` with the current key, bound to ``aad`` (the row's identity)."""
        nonce = os.urandom(NONCE_BYTES)
        header = self._current_header
        return header + nonce + self._current_aead.encrypt(nonce, plaintext, header + aad)

    def decrypt(self, ciphertext: bytes, aad: bytes) -> bytes:
        """Open a ciphertext made by ``encrypt`` with any key of this keyring and the same ``aad``."""
        data = ciphertext if type(ciphertext) is bytes else bytes(ciphertext)
        if len(data) < 2 or data[0] != FORMAT_VERSION:
            raise MalformedCiphertext("not a Sonae ciphertext (unknown format version)")
        end = 2 + data[1]
        if len(data) < end + NONCE_BYTES + TAG_BYTES:
            raise MalformedCiphertext("ciphertext is truncated")
        aead = self._aeads.get(data[2:end])
        if aead is None:
            key_id = data[2:end].decode("ascii", "replace")
            raise UnknownKeyError(
                f"ciphertext was made with key {key_id!r}, which is not in the keyring "
                f"(known: {', '.join(sorted(self.keys))}); a key was removed before every row was rotated"
            )
        try:
            return aead.decrypt(data[end : end + NONCE_BYTES], data[end + NONCE_BYTES :], data[:end] + aad)
        except InvalidTag:
            raise DecryptionError(
                "ciphertext does not authenticate: it belongs to another row or field, or was altered"
            ) from None

    def encrypt_record(self, record: Mapping[str, Any], aad: bytes) -> bytes:
        """One AEAD over a compact JSON of many fields: one nonce and one tag per record, not per field."""
        return self.encrypt(encode_record(record), aad)

    def decrypt_record(self, ciphertext: bytes, aad: bytes) -> Any:
        """Inverse of ``encrypt_record``."""
        return decode_record(self.decrypt(ciphertext, aad))

    def needs_rotation(self, ciphertext: bytes) -> bool:
        """True when the ciphertext is not on the current key."""
        return bytes(ciphertext[: len(self._current_header)]) != self._current_header

    # -- blind indexes --------------------------------------------------------------------------------------------

    def blind_index(self, value: str, *, domain: str) -> str:
        """Deterministic 64-hex-char HMAC of an already normalised value, separated by ``domain``.

        Equal inputs in the same domain give equal indexes (exact look-ups); the value cannot be recovered
        without the index key. Normalise first (NFKC, kana, digits): the index matches bytes, not meaning.
        """
        subkey = self._subkeys.get(domain)
        if subkey is None:
            if not DOMAIN_PATTERN.fullmatch(domain):
                raise ValueError(f"invalid blind-index domain {domain!r}: use 1-100 of a-z 0-9 _ . : -")
            subkey = hmac.digest(self.index_key, b"sonae-blind-index:" + domain.encode(), hashlib.sha256)
            self._subkeys[domain] = subkey
        return hmac.digest(subkey, value.encode(), hashlib.sha256).hex()


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _b64_key(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise KeyringError(f"{what} must be a base64 string")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{what} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(f"{what} must decode to {KEY_BYTES} bytes, not {len(key)}")
    return key


def generate_keyring_json() -> str:
    """A new keyring (one data key ``k1``, current, and an index key) as JSON text for a key file."""
    keyring = Keyring({"k1": secrets.token_bytes(KEY_BYTES)}, "k1", secrets.token_bytes(KEY_BYTES))
    return keyring.to_json()


def add_key_json(existing_json: str) -> str:
    """The keyring with a new data key added and made current (the first step of a rotation).

    Old keys stay so existing rows remain readable until ``sonae keys rotate`` has moved them; the index key is
    kept (blind indexes do not change).
    """
    keyring = Keyring.from_json(existing_json)
    numbers = [int(key_id[1:]) for key_id in keyring.keys if re.fullmatch(r"k[0-9]+", key_id)]
    new_id = f"k{max(numbers, default=0) + 1}"
    keys = {**keyring.keys, new_id: secrets.token_bytes(KEY_BYTES)}
    return Keyring(keys, new_id, keyring.index_key).to_json()
