"""Pure tests of sonae.core.crypto: AES-256-GCM values, records, keyrings and blind indexes."""

from __future__ import annotations

import base64
import json
import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.core.crypto import (
    DecryptionError,
    Keyring,
    KeyringError,
    MalformedCiphertext,
    UnknownKeyError,
    add_key_json,
    encode_record,
    generate_keyring_json,
    header_for,
    key_id_of,
)

K1 = bytes(range(32))
K2 = bytes(range(32, 64))
INDEX = bytes(range(64, 96))
AAD = b"victims_victim.record:" + bytes(16)


@pytest.fixture(scope="module")
def keyring() -> Keyring:
    return Keyring({"k1": K1}, "k1", INDEX)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# -- values ---------------------------------------------------------------------------------------------------


@given(plaintext=st.binary(max_size=300), aad=st.binary(max_size=80))
def test_decrypt_returns_what_was_encrypted(keyring, plaintext, aad):
    assert keyring.decrypt(keyring.encrypt(plaintext, aad), aad) == plaintext


def test_ciphertext_carries_version_and_key_id_in_front(keyring):
    ciphertext = keyring.encrypt(b"x", AAD)
    assert ciphertext.startswith(b"\x01\x02k1")
    assert key_id_of(ciphertext) == "k1"


def test_ciphertext_overhead_is_thirty_bytes_plus_key_id(keyring):
    assert len(keyring.encrypt(b"abc", AAD)) == 3 + 30 + len("k1")


def test_same_value_encrypts_differently_each_time(keyring):
    assert keyring.encrypt(b"same", AAD) != keyring.encrypt(b"same", AAD)


def test_wrong_associated_data_fails(keyring):
    ciphertext = keyring.encrypt(b"yamada", b"t.c:" + bytes(16))
    with pytest.raises(DecryptionError, match="another row or field"):
        keyring.decrypt(ciphertext, b"t.c:" + bytes(15) + b"\x01")


@given(data=st.data())
def test_altering_any_byte_fails(keyring, data):
    ciphertext = bytearray(keyring.encrypt(b"patient 0001", AAD))
    position = data.draw(st.integers(0, len(ciphertext) - 1))
    ciphertext[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(DecryptionError):
        keyring.decrypt(bytes(ciphertext), AAD)


@pytest.mark.parametrize("length", [0, 1, 4, 4 + 12 + 15])
def test_truncated_ciphertext_is_malformed(keyring, length):
    ciphertext = keyring.encrypt(b"", AAD)
    with pytest.raises(MalformedCiphertext):
        keyring.decrypt(ciphertext[:length], AAD)


def test_unknown_key_id_fails_naming_the_key(keyring):
    other = Keyring({"k9": K2}, "k9", INDEX)
    with pytest.raises(UnknownKeyError, match=r"'k9'.*known: k1"):
        keyring.decrypt(other.encrypt(b"x", AAD), AAD)


def test_decrypt_accepts_memoryview(keyring):
    assert keyring.decrypt(memoryview(keyring.encrypt(b"x", AAD)), AAD) == b"x"


def test_key_id_of_rejects_other_bytes():
    with pytest.raises(MalformedCiphertext):
        key_id_of(b"plain text, not a ciphertext at all")


# -- rotation -------------------------------------------------------------------------------------------------


def test_rotated_keyring_decrypts_ciphertexts_of_the_old_key(keyring):
    old = keyring.encrypt(b"old row", AAD)
    rotated = Keyring.from_json(add_key_json(keyring.to_json()))
    assert rotated.decrypt(old, AAD) == b"old row"


def test_rotated_keyring_encrypts_with_the_new_key(keyring):
    rotated = Keyring.from_json(add_key_json(keyring.to_json()))
    assert rotated.current == "k2"
    assert key_id_of(rotated.encrypt(b"x", AAD)) == "k2"


def test_needs_rotation_is_true_only_off_the_current_key(keyring):
    rotated = Keyring.from_json(add_key_json(keyring.to_json()))
    assert rotated.needs_rotation(keyring.encrypt(b"x", AAD))
    assert not rotated.needs_rotation(rotated.encrypt(b"x", AAD))


def test_add_key_keeps_old_keys_and_the_index_key(keyring):
    data = json.loads(add_key_json(keyring.to_json()))
    assert data["keys"]["k1"] == _b64(K1)
    assert data["index_key"] == _b64(INDEX)
    assert data["current"] == "k2"


def test_add_key_numbers_after_the_highest_key():
    existing = json.dumps(
        {"current": "k7", "keys": {"k7": _b64(K1), "k3": _b64(K2)}, "index_key": _b64(INDEX)}
    )
    assert json.loads(add_key_json(existing))["current"] == "k8"


def test_header_for_is_the_prefix_of_that_keys_ciphertexts(keyring):
    assert keyring.encrypt(b"x", AAD).startswith(header_for("k1"))


# -- records --------------------------------------------------------------------------------------------------

RECORD = {
    "name": "山田 太郎",
    "kana": "ヤマダ タロウ",
    "birth_date": "1970-03-02",
    "postal_code": "1000001",
    "address": "東京都千代田区千代田1-1",
    "phone": "0312345678",
}


def test_record_round_trips(keyring):
    assert keyring.decrypt_record(keyring.encrypt_record(RECORD, AAD), AAD) == RECORD


def test_record_is_one_compact_utf8_json_under_one_tag(keyring):
    ciphertext = keyring.encrypt_record(RECORD, AAD)
    compact = json.dumps(RECORD, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(ciphertext) == len(compact) + 30 + len("k1")


def test_record_with_wrong_associated_data_fails(keyring):
    ciphertext = keyring.encrypt_record(RECORD, AAD)
    with pytest.raises(DecryptionError):
        keyring.decrypt_record(ciphertext, AAD + b"x")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(record=st.dictionaries(st.text(), _json_values, max_size=8))
def test_encode_record_is_compact_json(record):
    assert encode_record(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    ("value", "error"), [(date(2025, 10, 1), TypeError), (float("nan"), ValueError), (b"bytes", TypeError)]
)
def test_encode_record_refuses_values_json_cannot_hold(value, error):
    with pytest.raises(error):
        encode_record({"field": value})


# -- blind indexes --------------------------------------------------------------------------------------------


def test_blind_index_is_deterministic_64_hex(keyring):
    first = keyring.blind_index("ヤマダタロウ\x1f1970-03-02", domain="victim.kana_birth")
    again = Keyring({"k1": K1}, "k1", INDEX).blind_index(
        "ヤマダタロウ\x1f1970-03-02", domain="victim.kana_birth"
    )
    assert first == again
    assert len(first) == 64 and int(first, 16) >= 0


def test_blind_index_differs_between_domains(keyring):
    assert keyring.blind_index("12345", domain="victim.patient_id") != keyring.blind_index(
        "12345", domain="victim.phone"
    )


def test_blind_index_differs_between_values(keyring):
    assert keyring.blind_index("ヤマダ", domain="d") != keyring.blind_index("ヤマタ", domain="d")


def test_blind_index_depends_on_the_index_key_only(keyring):
    other_index = Keyring({"k1": K1}, "k1", K2)
    other_data = Keyring({"k5": K2}, "k5", INDEX)
    assert keyring.blind_index("x", domain="d") != other_index.blind_index("x", domain="d")
    assert keyring.blind_index("x", domain="d") == other_data.blind_index("x", domain="d")


@pytest.mark.parametrize("domain", ["", "Victim", "victim kana", "x" * 101])
def test_blind_index_refuses_malformed_domains(keyring, domain):
    with pytest.raises(ValueError, match="domain"):
        keyring.blind_index("x", domain=domain)


# -- keyring configuration ------------------------------------------------------------------------------------


def test_generated_keyring_is_valid_with_one_current_key():
    keyring = Keyring.from_json(generate_keyring_json())
    assert keyring.current == "k1"
    assert list(keyring.keys) == ["k1"]


def test_generated_keyrings_differ():
    assert generate_keyring_json() != generate_keyring_json()


def test_keyring_json_round_trips(keyring):
    again = Keyring.from_json(keyring.to_json())
    assert (again.keys, again.current, again.index_key) == (keyring.keys, keyring.current, keyring.index_key)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        (json.dumps({"keys": {"k1": _b64(K1)}, "index_key": _b64(INDEX)}), "lacks current"),
        (
            json.dumps({"current": "k2", "keys": {"k1": _b64(K1)}, "index_key": _b64(INDEX)}),
            "not among the keys",
        ),
        (json.dumps({"current": "k1", "keys": {"k1": "%%%"}, "index_key": _b64(INDEX)}), "not valid base64"),
        (json.dumps({"current": "k1", "keys": {"k1": _b64(K1[:16])}, "index_key": _b64(INDEX)}), "32 bytes"),
        (json.dumps({"current": "k1", "keys": {"k1": _b64(K1)}, "index_key": _b64(K1)}), "differ"),
        (
            json.dumps({"current": "k 1", "keys": {"k 1": _b64(K1)}, "index_key": _b64(INDEX)}),
            "invalid key id",
        ),
        (json.dumps({"current": "k1", "keys": {}, "index_key": _b64(INDEX)}), "no data keys"),
    ],
)
def test_invalid_keyring_is_refused_with_the_reason(text, message):
    with pytest.raises(KeyringError, match=message):
        Keyring.from_json(text)


def test_keyring_repr_shows_no_key_material(keyring):
    assert _b64(K1) not in repr(keyring) and repr(K1) not in repr(keyring)


def test_keyring_survives_pickling_for_worker_processes(keyring):
    copy = pickle.loads(pickle.dumps(keyring))
    assert copy.decrypt(keyring.encrypt(b"x", AAD), AAD) == b"x"
