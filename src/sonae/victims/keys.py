"""Look-up keys of victims: blind indexes (HMAC-SHA256 of normalised values) cut to 63 bits. Pure module.

A victim is found by normalised kana + birth date, by patient ID, or by the inquiry code on its letter. Each is
``Keyring.blind_index`` of the value in its own domain, with the incident's id as the first part: the same person
in two cases has unrelated keys (no linking across cases by the index), and keys only ever match within a case.

Why 63-bit integers, not a 64-hex ``BlindIndexField`` on the victim row: a million-row import must index two
random keys per person, and random inserts into two large B-trees of 64-character strings cost ~25 s per million
rows here (7× a plain COPY). Keys of one bigint are laid out in buckets instead (below). 63 bits leave a chance of
1 in 10^7 of any accidental equality among a million persons of one case, and a look-up always confirms the match
against the decrypted record, so an accidental equality can only flag a false duplicate for a human decision,
never show the wrong person.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

from sonae.core.crypto import Keyring

KANA_BIRTH = "victims.kana_birth"
PATIENT_ID = "victims.patient_id"
INQUIRY_CODE = "victims.inquiry_code"
_SEPARATOR = "\x1f"  # absent from normalised text, as in sonae.core.fields


def lookup_key(keyring: Keyring, domain: str, incident_id: int, *parts: str) -> int:
    """The 63-bit key of normalised ``parts`` within one incident (non-negative, fits a signed bigint)."""
    digest = keyring.blind_index(_SEPARATOR.join((str(incident_id), *parts)), domain=domain)
    return int(digest[:16], 16) >> 1


def kana_birth_key(keyring: Keyring, incident_id: int, kana_key: str, birth_iso: str) -> int:
    return lookup_key(keyring, KANA_BIRTH, incident_id, kana_key, birth_iso)


def patient_key(keyring: Keyring, incident_id: int, patient_id: str) -> int:
    return lookup_key(keyring, PATIENT_ID, incident_id, patient_id)


def inquiry_key(keyring: Keyring, incident_id: int, code_digits: str) -> int:
    return lookup_key(keyring, INQUIRY_CODE, incident_id, code_digits)


# Victim ids carry their import: id = job id << 24 | line. The primary key then doubles as the unique
# (job, line) constraint that makes a re-run of a killed import unable to insert a row twice, and needs no
# sequence (rows are written with COPY). A file may have up to 16,777,215 lines.
LINE_BITS = 24
MAX_LINE = (1 << LINE_BITS) - 1


def victim_id(job_id: int, line: int) -> int:
    if not 0 < line <= MAX_LINE:
        raise ValueError("line out of range")
    return job_id << LINE_BITS | line


def job_and_line(victim_pk: int) -> tuple[int, int]:
    return victim_pk >> LINE_BITS, victim_pk & MAX_LINE


def job_range(job_id: int) -> tuple[int, int]:
    """Inclusive id range of the victims of one import job."""
    return job_id << LINE_BITS, job_id << LINE_BITS | MAX_LINE


def subkey_of(keyring: Keyring, domain: str) -> bytes:
    # Keyring.blind_index's documented derivation: subkey(domain) = HMAC-SHA256(index_key, "sonae-blind-index:" +
    # domain); index = HMAC-SHA256(subkey, value). Recomputed here so a whole column is keyed at once; tests
    # check that the result equals ``lookup_key``.
    return hmac.digest(keyring.index_key, b"sonae-blind-index:" + domain.encode(), "sha256")


def lookup_keys(keyring: Keyring, domain: str, messages: list[str]) -> list[int]:
    """``lookup_key`` of many values at once; ``messages`` are the joined parts ("<incident>\\x1f<part>…").

    HMAC-SHA256 by its definition (RFC 2104) from hash states prepared once: copying the inner and outer states
    costs a third of OpenSSL 3's one-shot HMAC, which looks the algorithm up again for every message.
    """
    return lookup_keys_of(keyring, domain, list(map(str.encode, messages)))


def lookup_keys_of(keyring: Keyring, domain: str, messages: list[bytes]) -> list[int]:
    """``lookup_keys`` of messages already encoded (UTF-8)."""
    key = subkey_of(keyring, domain).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    append = out.append
    for message in messages:
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        append(int.from_bytes(o.digest()[:8]) >> 1)
    return out


# -- key buckets: the look-up index of imported persons ---------------------------------------------------------
#
# The kana+birth and patient-ID keys of an import are stored in buckets, not one row per key: bucket = the key's
# top 16 bits, one row per (case, bucket, import) holding the bucket's keys (8 bytes each, sorted) and the
# line of each key's person (4 bytes, id = job << 24 | line). A million-person import writes 65,536 rows of ~30
# keys once, at the end of its commit pass, instead of two million key rows into a B-tree (measured: the key
# rows cost PostgreSQL about 10 of the import's 14 CPU-seconds; a B-tree insert of a random key is a random page
# write). A look-up reads the bucket of its key for each import of the case (one primary-key probe each) and
# scans ~30 keys. Inquiry codes, added a few at a time by letter runs, stay one row per key (``VictimKey``).

BUCKET_BITS = 16
_BUCKET_SHIFT = 63 - BUCKET_BITS
KEY_BYTES = 8
LINE_BYTES = 4


def bucket_of(key: int) -> int:
    return key >> _BUCKET_SHIFT


def lines_in_bucket(keys: bytes, lines: bytes, key: int) -> list[int]:
    """Lines of the persons holding ``key`` in one bucket (usually one; more when duplicates were imported)."""
    wanted = key.to_bytes(KEY_BYTES)
    found = []
    start = keys.find(wanted)
    while start >= 0:
        if start % KEY_BYTES == 0:
            i = start // KEY_BYTES * LINE_BYTES
            found.append(int.from_bytes(lines[i : i + LINE_BYTES]))
        start = keys.find(wanted, start + 1)
    return found


def bucket_entries(keys: bytes, lines: bytes) -> list[tuple[int, int]]:
    """(key, line) of every entry of a bucket."""
    count = len(keys) // KEY_BYTES
    return [
        (
            int.from_bytes(keys[i * KEY_BYTES : (i + 1) * KEY_BYTES]),
            int.from_bytes(lines[i * LINE_BYTES : (i + 1) * LINE_BYTES]),
        )
        for i in range(count)
    ]


def bucket_without(keys: bytes, lines: bytes, line: int) -> tuple[bytes, bytes]:
    """A bucket's keys and lines without the entries of ``line`` (an erased person)."""
    kept = [(k, n) for k, n in bucket_entries(keys, lines) if n != line]
    return (
        b"".join(k.to_bytes(KEY_BYTES) for k, _n in kept),
        b"".join(n.to_bytes(LINE_BYTES) for _k, n in kept),
    )


_BUCKET_HEAD = struct.Struct("!hiqiqiii")  # COPY: field count, incident, job, bucket, len(keys)


class BucketBuilder:
    """Collects the (key, line) pairs of one import, chunk by chunk, and lays them out in buckets at the end.

    Memory: 12 bytes per key (24 MB for a million persons with two keys each) plus numpy's sort at the end.
    """

    def __init__(self):
        self._keys: list = []
        self._lines: list = []

    def add(self, keys, lines, drop=()) -> None:
        """Add one chunk: ``keys`` (int64 array, -1 for "no key") of the rows on ``lines``; rows at positions
        ``drop`` are not imported."""
        import numpy as np

        k = np.frombuffer(keys, dtype=np.int64)
        if not len(k):
            return
        keep = k >= 0
        if drop:
            keep[list(drop)] = False
        self._keys.append(k[keep])
        self._lines.append(np.frombuffer(lines, dtype=np.int64)[keep])

    def _taken(self):
        import numpy as np

        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, dtype=np.int64)
        lines = np.concatenate(self._lines) if self._lines else np.zeros(0, dtype=np.int64)
        self._keys, self._lines = [], []
        return keys, lines

    def copy_rows(self, incident_id: int, job_id: int, native=None) -> bytes:
        """Every bucket as a binary COPY tuple of ``VictimKeyBucket`` (incident, job, bucket, keys, lines), in
        bucket order, from ``buckets``; or, the same bytes, from the C loops (``native``:
        ``importing.native.loops()``), which sort by bucket in linear time instead of sorting every pair."""
        if native is not None:
            keys, lines = self._taken()
            return native.bucket_copy(keys, lines, incident_id, job_id, _BUCKET_SHIFT)
        head = _BUCKET_HEAD.pack
        parts = []
        for number, keys, lines in self.buckets():
            parts += (
                head(5, 8, incident_id, 8, job_id, 4, number, len(keys)),
                keys,
                len(lines).to_bytes(4),
                lines,
            )
        return b"".join(parts)

    def buckets(self):
        """(bucket, keys, lines) of every non-empty bucket, in bucket order; keys sorted within a bucket."""
        import numpy as np

        keys, lines = self._taken()
        if not len(keys):
            return
        order = np.lexsort((lines, keys))
        keys, lines = keys[order], lines[order]
        numbers = keys >> _BUCKET_SHIFT
        starts = np.flatnonzero(np.diff(numbers)) + 1
        bounds = [0, *starts.tolist(), len(keys)]
        key_bytes = keys.astype(">i8").tobytes()
        line_bytes = lines.astype(">u4").tobytes()
        for start, end in zip(bounds, bounds[1:], strict=False):
            yield (
                int(numbers[start]),
                key_bytes[start * KEY_BYTES : end * KEY_BYTES],
                line_bytes[start * LINE_BYTES : end * LINE_BYTES],
            )


class FirstSeen:
    """The first value seen for each key: ``dict.setdefault`` over whole arrays, in numpy.

    Duplicate detection of an import asks, for every row in file order, which line (or earlier person) first had
    its key. A dict of two million Python ints took 250 MB and 2 µs a key in the parent process; this table is an
    open-addressing hash (linear probing, at most half full) of two int64 arrays: 16 bytes a slot, 32 per key,
    and a chunk's keys are found and inserted with a few vectorised passes. Keys are non-negative (63-bit HMAC
    outputs, uniformly spread: their low bits are the slot); a negative key means "no key" and is never stored.
    """

    _EMPTY = -1

    def __init__(self, capacity: int = 1 << 16, native=None):
        """``native``: the C loops (``importing.native.loops()``) that do the same work, or None for numpy."""
        import numpy as np

        self._native = native
        size = 1 << max(4, (capacity - 1).bit_length())
        self._keys = np.full(size, self._EMPTY, dtype=np.int64)
        self._values = np.zeros(size, dtype=np.int64)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def setdefault_many(self, keys, values):
        """For each position in order: the value already stored for ``keys[i]`` (earlier call or earlier position),
        else ``values[i]``, which is stored. Positions whose key is negative get ``values[i]`` and store nothing.
        ``keys`` and ``values``: int64 sequences of one length (arrays, buffers). Returns an int64 array."""
        import numpy as np

        keys = np.ascontiguousarray(keys, dtype=np.int64)
        values = np.ascontiguousarray(values, dtype=np.int64)
        if self._native is not None:
            if (self._count + len(keys)) * 2 > len(self._keys):
                self._grow(self._count + len(keys))
            firsts, stored = self._native.first_seen(self._keys, self._values, keys, values)
            self._count += stored
            return np.frombuffer(firsts, dtype=np.int64).copy()
        out = values.copy()
        present = np.flatnonzero(keys >= 0)
        if not len(present):
            return out
        unique, first, inverse = np.unique(keys[present], return_index=True, return_inverse=True)
        firsts = values[present[first]]  # the first position's value of each distinct key
        slots, found = self._find(unique)
        result = np.where(found, self._values[slots], firsts)
        new = ~found
        if new.any():
            self._insert(unique[new], firsts[new])
        out[present] = result[inverse.reshape(-1)]
        return out

    def _find(self, keys):
        """(slot, found) of distinct keys: the key's slot, or the empty slot where its probe ends."""
        import numpy as np

        mask = len(self._keys) - 1
        slots = keys & mask
        found = np.zeros(len(keys), dtype=bool)
        pending = np.arange(len(keys))
        probe = slots.copy()
        while len(pending):
            held = self._keys[probe]
            hit = held == keys[pending]
            done = hit | (held == self._EMPTY)
            slots[pending[done]] = probe[done]
            found[pending[hit]] = True
            pending, probe = pending[~done], (probe[~done] + 1) & mask
        return slots, found

    def _insert(self, keys, values) -> None:
        """Store distinct keys that are not in the table."""
        import numpy as np

        if (self._count + len(keys)) * 2 > len(self._keys):
            self._grow(self._count + len(keys))
        while len(keys):
            slots, _found = self._find(keys)
            taken, winner = np.unique(slots, return_index=True)  # two keys may end at one empty slot
            self._keys[taken] = keys[winner]
            self._values[taken] = values[winner]
            self._count += len(winner)
            rest = np.ones(len(keys), dtype=bool)
            rest[winner] = False
            keys, values = keys[rest], values[rest]

    def _grow(self, needed: int) -> None:
        import numpy as np

        held = np.flatnonzero(self._keys != self._EMPTY)
        keys, values = self._keys[held], self._values[held]
        size = len(self._keys)
        while needed * 2 > size:
            size *= 2
        self._keys = np.full(size, self._EMPTY, dtype=np.int64)
        self._values = np.zeros(size, dtype=np.int64)
        self._count = 0
        if self._native is not None:
            _firsts, self._count = self._native.first_seen(self._keys, self._values, keys, values)
            return
        self._insert(keys, values)
