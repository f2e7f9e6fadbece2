"""Inquiry codes printed on letters: ``SN-7527-8785-0002``. Pure module (no Django).

Twelve digits after ``SN``: eleven that identify the letter and a check digit (Damm algorithm: catches every
single wrong digit and every swap of two neighbours, the usual slips when a code is read out on the phone).

The eleven digits are the letter's sequence number within its case passed through a keyed pseudo-random
permutation of 0..10^11-1 (a four-round Feistel network on 38 bits with HMAC round functions, cycle-walked into
range). So codes are unique within a case by construction — no retry on collision, no uniqueness race between
batches — and cannot be guessed or enumerated from one another without the key: the self-service page's
protection against enumeration rests on this and on the birth date asked with it.
"""

from __future__ import annotations

import re
import unicodedata

from sonae.core.crypto import Keyring

PREFIX = "SN"
DOMAIN = 10**11
_HALF_BITS = 19
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 4
_PRP_DOMAIN = "victims.inquiry_prp"
_CODE = re.compile(r"(?:SN)?([0-9]{12})")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc]+")

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_digit(digits: str) -> str:
    """The Damm check digit of a string of digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return chr(48 + interim)


def damm_valid(digits: str) -> bool:
    """True when the last digit is the check digit of the others."""
    return damm_digit(digits) == "0"


def _round(keyring: Keyring, incident_id: int, number: int, half: int) -> int:
    digest = keyring.blind_index(f"{incident_id}:{number}:{half}", domain=_PRP_DOMAIN)
    return int(digest[:8], 16) & _HALF_MASK


def _permute_once(keyring: Keyring, incident_id: int, value: int) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(keyring, incident_id, number, right)
    return left << _HALF_BITS | right


def _unpermute_once(keyring: Keyring, incident_id: int, value: int) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for number in reversed(range(_ROUNDS)):
        left, right = right ^ _round(keyring, incident_id, number, left), left
    return left << _HALF_BITS | right


def permute(keyring: Keyring, incident_id: int, sequence: int) -> int:
    """The letter number for ``sequence`` (0 ≤ sequence < 10^11): a keyed bijection onto the same range."""
    if not 0 <= sequence < DOMAIN:
        raise ValueError("sequence out of range")
    value = _permute_once(keyring, incident_id, sequence)
    while value >= DOMAIN:  # cycle-walking keeps the permutation inside 0..10^11-1
        value = _permute_once(keyring, incident_id, value)
    return value


def unpermute(keyring: Keyring, incident_id: int, number: int) -> int:
    """Inverse of ``permute``."""
    value = _unpermute_once(keyring, incident_id, number)
    while value >= DOMAIN:
        value = _unpermute_once(keyring, incident_id, value)
    return value


def inquiry_digits(keyring: Keyring, incident_id: int, sequence: int) -> str:
    """The twelve digits of the ``sequence``-th letter's code (eleven and the check digit)."""
    body = f"{permute(keyring, incident_id, sequence):011d}"
    return body + damm_digit(body)


def inquiry_code(keyring: Keyring, incident_id: int, sequence: int) -> str:
    """The code printed on the ``sequence``-th letter of a case: SN-dddd-dddd-dddc."""
    return format_code(inquiry_digits(keyring, incident_id, sequence))


def parse_code(text: str) -> str | None:
    """The twelve digits of a code as typed ("SN-7527-8785-0002", "ｓｎ７５２７８７８５０００２", spaces), or None
    when the shape or the check digit is wrong."""
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "").upper())
    match = _CODE.fullmatch(cleaned)
    if match is None:
        return None
    digits = match[1]
    return digits if damm_valid(digits) else None


def format_code(digits: str) -> str:
    return f"{PREFIX}-{digits[:4]}-{digits[4:8]}-{digits[8:]}"
