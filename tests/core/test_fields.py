"""Encrypted model fields, blind indexes, the settings keyring and ``sonae keys`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection, models
from django.forms import modelform_factory
from django.test.utils import isolate_apps

from sonae.core.crypto import DecryptionError, Keyring, add_key_json, generate_keyring_json, key_id_of
from sonae.core.fields import Ciphertext, EncryptedModel, EncryptedTextField
from sonae.core.keyring import get_keyring
from sonae.core.management.commands import keys as keys_command
from tests.testapp.models import SecretNote, TrackedNote

pytestmark = pytest.mark.django_db

NAME = "秘密の山田太郎"
PHONE = "SECRET-PHONE-0312345678"


@pytest.fixture(autouse=True)
def keys(settings) -> str:
    """A fresh keyring with one key (k1) for each test."""
    settings.SONAE_DATA_KEYS = generate_keyring_json()
    return settings.SONAE_DATA_KEYS


def _note(body: str | None = NAME, **kwargs) -> SecretNote:
    record = kwargs.pop("record", {"name": NAME, "phone": PHONE})
    return SecretNote.objects.create(title=kwargs.pop("title", "note"), body=body, record=record, **kwargs)


def _reload(note: SecretNote) -> SecretNote:
    return SecretNote.objects.get(pk=note.pk)


def _table_dump() -> bytes:
    """Every byte the database holds for the test table (SQLite: the whole database image)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()  # raw database pages, free pages included
    table = connection.ops.quote_name(SecretNote._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY (SELECT * FROM {table}) TO STDOUT (FORMAT binary)") as copy,
    ):
        return b"".join(bytes(chunk) for chunk in copy)


# -- storage --------------------------------------------------------------------------------------------------


def test_values_round_trip_through_the_database():
    note = _reload(_note())
    assert note.body == NAME
    assert note.record == {"name": NAME, "phone": PHONE}


def test_plaintext_appears_nowhere_in_the_database():
    _note(title="PLAIN-TITLE-MARKER")
    dump = _table_dump()
    assert b"PLAIN-TITLE-MARKER" in dump  # the dump does hold the row
    for secret in (NAME, PHONE):
        assert secret.encode("utf-8") not in dump
        assert secret.encode("utf-16-le") not in dump


def test_stored_value_is_a_ciphertext_on_the_current_key():
    note = _note()
    stored = SecretNote.objects.values_list("body", flat=True).get(pk=note.pk)
    assert isinstance(stored, Ciphertext)
    assert key_id_of(stored) == "k1"


def test_null_is_stored_as_null():
    note = _note(body=None)
    assert SecretNote.objects.values_list("body", flat=True).get(pk=note.pk) is None
    assert _reload(note).body is None


def test_bulk_create_encrypts():
    SecretNote.objects.bulk_create([SecretNote(body=NAME), SecretNote(body="二人目")])
    assert sorted(note.body for note in SecretNote.objects.all()) == sorted([NAME, "二人目"])
    assert all(isinstance(v, Ciphertext) for v in SecretNote.objects.values_list("body", flat=True))


def test_ciphertext_moved_to_another_row_does_not_decrypt():
    source, target = _note(), _note(body="別人")
    stolen = SecretNote.objects.values_list("body", flat=True).get(pk=source.pk)
    SecretNote.objects.filter(pk=target.pk).update(body=stolen)
    with pytest.raises(DecryptionError, match="another row or field"):
        _ = _reload(target).body


def test_ciphertext_moved_to_another_field_does_not_decrypt():
    note = _note()
    stolen = SecretNote.objects.values_list("body", flat=True).get(pk=note.pk)
    SecretNote.objects.filter(pk=note.pk).update(record=stolen)
    with pytest.raises(DecryptionError):
        _ = _reload(note).record


def test_reading_a_row_decrypts_nothing_until_the_field_is_used():
    note = _note()
    SecretNote.objects.filter(pk=note.pk).update(body=b"\x01\x02k1" + bytes(40))  # corrupt, not readable
    loaded = _reload(note)
    assert loaded.title == "note"
    with pytest.raises(DecryptionError):
        _ = loaded.body


def test_saving_an_unchanged_value_keeps_its_ciphertext():
    note = _note()
    before = SecretNote.objects.values_list("body", flat=True).get(pk=note.pk)
    loaded = _reload(note)
    assert loaded.body == NAME
    loaded.title = "renamed"
    loaded.save()
    assert SecretNote.objects.values_list("body", flat=True).get(pk=note.pk) == before


def test_saving_a_changed_value_encrypts_it_again():
    note = _reload(_note())
    note.body = "新しい氏名"
    note.save()
    assert _reload(note).body == "新しい氏名"


def test_record_mutated_in_place_is_saved():
    note = _reload(_note())
    note.record["phone"] = "0000"
    note.save()
    assert _reload(note).record["phone"] == "0000"


def test_deferred_encrypted_field_loads_and_decrypts_on_access():
    note = _note()
    assert SecretNote.objects.defer("body").get(pk=note.pk).body == NAME


def test_model_form_shows_and_saves_the_plaintext():
    form_class = modelform_factory(SecretNote, fields=["body"])
    note = _reload(_note())
    assert form_class(instance=note).initial["body"] == NAME
    form = form_class({"body": "フォーム入力"}, instance=note)
    assert form.is_valid(), form.errors
    form.save()
    assert _reload(note).body == "フォーム入力"


def test_max_length_limits_the_plaintext():
    note = SecretNote(body="あ" * 201)
    with pytest.raises(ValidationError) as caught:
        note.full_clean()
    assert "body" in caught.value.message_dict


# -- querying -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookup",
    [
        {"body": NAME},
        {"body__icontains": "山田"},
        {"body__in": [NAME]},
        {"body__startswith": "秘"},
        {"record__name": NAME},
    ],
)
def test_filtering_on_an_encrypted_field_raises(lookup):
    with pytest.raises(FieldError, match="encrypted"):
        SecretNote.objects.filter(**lookup)


def test_isnull_works_on_an_encrypted_field():
    _note(body=None)
    _note()
    assert SecretNote.objects.filter(body__isnull=True).count() == 1


def test_update_with_plaintext_is_refused():
    _note()
    with pytest.raises(TypeError, match="save"):
        SecretNote.objects.update(body="平文")


def test_blind_index_is_computed_from_its_source_on_save():
    note = _note(body="  hello ")
    field = SecretNote._meta.get_field("body_index")
    assert note.body_index == field.compute("HELLO")
    assert SecretNote.objects.filter(body_index=field.compute("HELLO")).get() == note


def test_blind_index_follows_its_source_on_a_partial_save():
    note = _note(body="old")
    note.body = "new"
    note.save(update_fields=["body"])
    field = SecretNote._meta.get_field("body_index")
    assert SecretNote.objects.get(body_index=field.compute("NEW")) == note


def test_blind_index_is_null_when_the_source_is_empty():
    assert _note(body=None).body_index is None


def test_blind_index_set_by_hand_finds_the_row():
    field = SecretNote._meta.get_field("code_index")
    note = _note(code_index=field.compute("ヤマダタロウ", "1970-03-02"))
    assert SecretNote.objects.get(code_index=field.compute("ヤマダタロウ", "1970-03-02")) == note
    assert not SecretNote.objects.filter(code_index=field.compute("ヤマダタロウ", "1970-03-03")).exists()


def test_blind_index_of_parts_differs_from_the_index_of_their_concatenation():
    field = SecretNote._meta.get_field("code_index")
    assert field.compute("ab", "c") != field.compute("a", "bc")


def test_blind_indexes_of_two_fields_differ_for_the_same_value():
    body_index = SecretNote._meta.get_field("body_index")
    code_index = SecretNote._meta.get_field("code_index")
    assert body_index.compute("X") != code_index.compute("X")


def test_filtering_a_blind_index_with_the_plain_value_raises():
    with pytest.raises(ValueError, match="compute"):
        list(SecretNote.objects.filter(code_index="ヤマダタロウ"))


def test_blind_index_refuses_partial_lookups():
    with pytest.raises(FieldError, match="blind index"):
        SecretNote.objects.filter(code_index__startswith="ab")


# -- checks ---------------------------------------------------------------------------------------------------


@isolate_apps("tests.testapp")
def test_model_without_row_key_fails_the_check():
    class Plain(models.Model):  # noqa: DJ008
        secret = EncryptedTextField()

        class Meta:
            app_label = "testapp"

    assert [error.id for error in Plain._meta.get_field("secret").check()] == ["sonae.E102"]


@isolate_apps("tests.testapp")
def test_unique_encrypted_field_fails_the_check():
    class Unique(EncryptedModel):  # noqa: DJ008
        secret = EncryptedTextField(unique=True)

        class Meta:
            app_label = "testapp"

    assert [error.id for error in Unique._meta.get_field("secret").check()] == ["sonae.E101"]


def test_test_model_passes_the_checks():
    assert [error for field in SecretNote._meta.local_fields for error in field.check()] == []


# -- keyring from settings ------------------------------------------------------------------------------------


def test_keyring_follows_the_setting(settings):
    first = get_keyring()
    assert get_keyring() is first
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)
    assert get_keyring().current == "k2"


@pytest.mark.parametrize(("value", "message"), [("", "not set"), ("{}", "invalid: the keyring lacks")])
def test_missing_or_invalid_keyring_is_improperly_configured(settings, value, message):
    settings.SONAE_DATA_KEYS = value
    with pytest.raises(ImproperlyConfigured, match=message):
        get_keyring()


# -- sonae keys -----------------------------------------------------------------------------------------------


def _keys(*args: str) -> dict | str:
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", *args, stdout=out, stderr=err)
    text = out.getvalue()
    return json.loads(text) if args[0] in ("status", "rotate") else text


def _on_key(key_id: str) -> int:
    status = _keys("status")["models"]["testapp.SecretNote"]
    return status["body"].get(key_id, 0)


def test_generate_prints_a_new_keyring():
    assert Keyring.from_json(_keys("generate")).current == "k1"


def test_add_prints_the_configured_keyring_with_a_new_current_key(keys):
    added = Keyring.from_json(_keys("add"))
    assert added.current == "k2"
    assert added.keys["k1"] == Keyring.from_json(keys).keys["k1"]


def test_status_counts_values_per_key(settings):
    _note(), _note(body=None)
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)
    _note()
    status = _keys("status")
    assert status["current"] == "k2"
    assert status["models"]["testapp.SecretNote"] == {
        "body": {"k1": 1, "k2": 1},
        "record": {"k1": 2, "k2": 1},
    }


def test_status_counts_values_on_keys_missing_from_the_keyring(settings):
    _note()
    data = json.loads(add_key_json(settings.SONAE_DATA_KEYS))
    del data["keys"]["k1"]
    settings.SONAE_DATA_KEYS = json.dumps(data)
    assert _keys("status")["models"]["testapp.SecretNote"]["body"] == {"(unknown)": 1}


def test_rotate_moves_every_value_to_the_current_key_and_keeps_it(settings):
    notes = [_note(body=f"氏名{i}", record={"i": i}) for i in range(5)] + [_note(body=None)]
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)
    summary = _keys("rotate", "--batch-size", "2")
    assert summary == {"current": "k2", "rotated": {"testapp.SecretNote": 6}, "rows": 6}
    assert _keys("status")["models"]["testapp.SecretNote"] == {"body": {"k2": 5}, "record": {"k2": 6}}
    assert [(n.body, n.record) for n in SecretNote.objects.order_by("pk")] == [
        (n.body, n.record) for n in notes
    ]


def test_rotate_resumes_after_a_crash(settings, monkeypatch):
    notes = [_note(body=f"氏名{i}") for i in range(5)]
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)
    real_batch, calls = keys_command._rotate_batch, []

    def crash_in_second_batch(*args, **kwargs):
        calls.append(1)
        real_batch(*args, **kwargs)  # the batch's writes happen, then the process "dies"
        if len(calls) == 2:
            raise RuntimeError("killed")

    monkeypatch.setattr(keys_command, "_rotate_batch", crash_in_second_batch)
    with pytest.raises(RuntimeError, match="killed"):
        _keys("rotate", "--batch-size", "2")
    assert (_on_key("k1"), _on_key("k2")) == (3, 2)  # first batch committed, second rolled back

    monkeypatch.setattr(keys_command, "_rotate_batch", real_batch)
    assert _keys("rotate", "--batch-size", "2")["rows"] == 3
    assert (_on_key("k1"), _on_key("k2")) == (0, 5)
    assert [n.body for n in SecretNote.objects.order_by("pk")] == [n.body for n in notes]


def test_rotate_with_nothing_to_do_changes_nothing():
    _note()
    assert _keys("rotate") == {"current": "k1", "rotated": {}, "rows": 0}


def test_rotate_names_the_row_it_cannot_decrypt(settings):
    note = _note()
    SecretNote.objects.filter(pk=note.pk).update(body=b"\x01\x02k1" + bytes(40))
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)
    with pytest.raises(Exception, match=f"testapp.SecretNote.body pk={note.pk}"):
        _keys("rotate")


# -- history tables -------------------------------------------------------------------------------------------


def test_history_rows_are_encrypted_and_read_back():
    note = TrackedNote.objects.create(secret=NAME)
    note.secret = "改名後"
    note.save()
    stored = list(TrackedNote.history.model.objects.values_list("secret", flat=True))
    assert all(isinstance(value, Ciphertext) for value in stored)
    assert sorted(record.secret for record in note.history.all()) == sorted([NAME, "改名後"])


def test_rotate_covers_history_tables(settings):
    TrackedNote.objects.create(secret=NAME)
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)
    assert _keys("rotate")["rotated"] == {"testapp.TrackedNote": 1, "testapp.HistoricalTrackedNote": 1}
    assert TrackedNote.history.get().secret == NAME
