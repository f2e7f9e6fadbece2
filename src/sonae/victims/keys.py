"""Look-up keys of victims: blind indexes (HMAC-SHA256 of normalised values) cut to 63 bits. Pure module.

A victim is found by normalised kana + birth date, by patient ID, or by the inquiry code on its letter. Each is
``Keyring.blind_index`` of the value in its own domain, with the incident's id as the first part: the same person
in two cases has unrelated keys (no linking across cases by the index), and keys only ever match within a case.

Why 63 bits and a separate key table (``VictimKey``) instead of a 64-hex ``BlindIndexField`` on the victim row:
a million-row import must index two random keys per person. Random inserts into two large B-trees of 64-character
strings cost ~25 s per million rows here (7× a plain COPY); keys of one bigint, written to one table sorted by
key, cost a fraction of that. 63 bits leave a chance of 1 in 10^7 of any accidental equality among a million
persons of one case, and a look-up always confirms the match against the decrypted record, so an accidental
equality can only flag a false duplicate for a human decision, never show the wrong person.
"""

from __future__ import annotations

import hashlib
import hmac

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


def _subkey(keyring: Keyring, domain: str) -> bytes:
    # Keyring.blind_index's documented derivation: subkey(domain) = HMAC-SHA256(index_key, "sonae-blind-index:" +
    # domain); index = HMAC-SHA256(subkey, value). Recomputed here so a whole column is keyed at once; tests
    # check that the result equals ``lookup_key``.
    return hmac.digest(keyring.index_key, b"sonae-blind-index:" + domain.encode(), "sha256")


def lookup_keys(keyring: Keyring, domain: str, messages: list[str]) -> list[int]:
    """``lookup_key`` of many values at once; ``messages`` are the joined parts ("<incident>\\x1f<part>…").

    HMAC-SHA256 by its definition (RFC 2104) from hash states prepared once: copying the inner and outer states
    costs a third of OpenSSL 3's one-shot HMAC, which looks the algorithm up again for every message.
    """
    key = _subkey(keyring, domain).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    append = out.append
    for message in map(str.encode, messages):
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        append(int.from_bytes(o.digest()[:8]) >> 1)
    return out
