"""Files with personal data at rest (uploaded lists, print files, mailing lists), encrypted in segments.

Format: a sequence of ``[4-byte big-endian length][ciphertext]`` segments, each ``Keyring.encrypt`` of up to 1 MiB
bound to the file's context, its index and whether it is the last segment: segments cannot be reordered, mixed
between files or cut off at the end without the read failing. Written and read as streams, so a 200 MB list
never sits in memory whole. Stored through Django's default storage (local or S3-compatible, DESIGN §5).
"""

from __future__ import annotations

import io
import struct

from django.core.files.base import File
from django.core.files.storage import default_storage

from sonae.core.crypto import DecryptionError
from sonae.core.keyring import get_keyring

SEGMENT = 1 << 20
_LENGTH = struct.Struct("!I")


def _aad(context: str, index: int, last: bool) -> bytes:
    return b"sonae.victims.sealed:" + context.encode() + struct.pack("!Q?", index, last)


class _SealedFile(File):
    """What ``storage.save`` reads: the sealed segments of ``source``, produced as they are asked for."""

    def __init__(self, source, context: str, name: str):
        super().__init__(None, name)
        self.source = source
        self.context = context

    def chunks(self, chunk_size=None):
        keyring = get_keyring()
        index = 0
        current = self.source.read(SEGMENT)
        while True:
            following = self.source.read(SEGMENT) if current else b""
            last = not following
            sealed = keyring.encrypt(current, _aad(self.context, index, last))
            yield _LENGTH.pack(len(sealed)) + sealed
            if last:
                return
            index += 1
            current = following

    def __iter__(self):
        return self.chunks()

    @property
    def size(self):
        return None

    def open(self, mode=None):
        return self

    def close(self):
        pass


def save_sealed(name: str, source, context: str) -> str:
    """Seal the readable binary stream ``source`` into storage under ``name``; returns the stored name."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    return default_storage.save(name, _SealedFile(source, context, name))


class SealedReader(io.RawIOBase):
    """A readable binary stream of a sealed file's plaintext."""

    def __init__(self, raw, context: str):
        self.raw = raw
        self.context = context
        self.index = 0
        self.buffer = b""
        self.finished = False
        self.keyring = get_keyring()
        self._head = raw.read(4)

    def readable(self) -> bool:
        return True

    def _next_segment(self) -> bytes:
        if len(self._head) < 4:
            raise DecryptionError("sealed file is truncated")
        (length,) = _LENGTH.unpack(self._head)
        sealed = self.raw.read(length)
        if len(sealed) < length:
            raise DecryptionError("sealed file is truncated")
        self._head = self.raw.read(4)
        last = not self._head
        plain = self.keyring.decrypt(sealed, _aad(self.context, self.index, last))
        self.index += 1
        self.finished = last
        return plain

    def read(self, size: int = -1) -> bytes:
        while not self.finished and (size is None or size < 0 or len(self.buffer) < size):
            self.buffer += self._next_segment()
        if size is None or size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def close(self):
        try:
            self.raw.close()
        finally:
            super().close()


def open_sealed(name: str, context: str) -> SealedReader:
    """Open a sealed file from storage for reading its plaintext."""
    return SealedReader(default_storage.open(name, "rb"), context)


def read_sealed(name: str, context: str) -> bytes:
    reader = open_sealed(name, context)
    try:
        return reader.read()
    finally:
        reader.close()
