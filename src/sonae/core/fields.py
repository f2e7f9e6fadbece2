"""Model fields for personal data: encrypted values and blind indexes to find them.

How a value is bound to its row: every model with encrypted fields subclasses ``EncryptedModel``, which adds
``row_key``, a random UUID set in Python when the object is created, before any insert. A value is sealed with
associated data ``"<db_table>.<column>:" + row_key.bytes`` (``EncryptedField.aad_for``), so a ciphertext copied
into another row, column or table does not decrypt. A UUID row key rather than the primary key: an auto-increment
pk is unknown until after the INSERT (binding it would cost a second write per row), and bulk loaders (the victims
import writes with COPY) can make the row key themselves. It needs no index; two rows sharing a row key (e.g. a
clone made with ``pk = None``) only allows moving values between those two rows.

Reading: the database column holds the ciphertext; ``from_db_value`` wraps it in ``Ciphertext`` and the model
attribute decrypts it on first access (with the instance's ``row_key``), so rows that are listed but not shown
cost no decryption. ``values()``/``values_list()`` return the ``Ciphertext`` itself. Writing: ``save()`` and
``bulk_create()`` encrypt in ``pre_save`` where the instance is known; a value that was not changed since it was
read keeps its ciphertext (no new encryption, no change of key). ``QuerySet.update()``, ``bulk_update()`` and raw
saves (loaddata) pass no instance, so plaintext written that way is refused with an error.

Searching: filtering on an encrypted field raises ``FieldError`` (only ``isnull`` works); look values up with a
``BlindIndexField`` that holds the HMAC of a normalised value and supports exact matches only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core import checks, validators
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sonae.core.crypto import DecryptionError, decode_record, encode_record
from sonae.core.keyring import get_keyring

ROW_KEY_FIELD = "row_key"
# ASCII unit separator between the parts of a blind index: absent from normalised text, so parts never run together.
INDEX_PART_SEPARATOR = "\x1f"
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Ciphertext(bytes):
    """Bytes of an encrypted column as read from the database, not yet decrypted."""

    __slots__ = ()


class EncryptedModel(models.Model):
    """Abstract base of every model with encrypted fields: supplies the row identity values are bound to."""

    row_key = models.UUIDField(_("暗号化の行キー"), default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields:
            # A blind index derived from other fields must follow them on partial saves too; its source is code,
            # so which fields it reads is unknown: recompute every derived index.
            derived = [
                field.name
                for field in self._meta.concrete_fields
                if isinstance(field, BlindIndexField) and field.source is not None
            ]
            update_fields = {*update_fields, *derived}
        super().save(*args, update_fields=update_fields, **kwargs)


class _EncryptedAttribute(DeferredAttribute):
    """Decrypts on first access and keeps the plaintext on the instance.

    A data descriptor (it defines ``__set__``) so that ``__get__`` runs even once the instance dict has a value.
    """

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = self.field.open(instance, value)
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.Field):
    """Base of the encrypted fields: stores AES-256-GCM ciphertext (BLOB/bytea) of ``encode(value)``."""

    descriptor_class = _EncryptedAttribute
    empty_strings_allowed = False

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    def get_internal_type(self) -> str:
        return "BinaryField"

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._sealed_key = f"_sealed_{self.attname}"
        # Fields are copied onto other models (abstract inheritance, history tables): recompute the binding there.
        self.__dict__.pop("_aad_prefix", None)

    @cached_property
    def _aad_prefix(self) -> bytes:
        return f"{self.model._meta.db_table}.{self.column}:".encode()

    def aad_for(self, row_key: uuid.UUID) -> bytes:
        """Associated data binding a value of this field to the row with ``row_key`` (for bulk loaders too)."""
        return self._aad_prefix + row_key.bytes

    def _aad_for_instance(self, instance) -> bytes:
        row_key = getattr(instance, ROW_KEY_FIELD)
        if row_key is None:
            raise ValueError(f"{self._label}: the row has no row_key, so its values cannot be bound to it")
        return self.aad_for(row_key)

    @property
    def _label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    # -- reading --------------------------------------------------------------------------------------------------

    def from_db_value(self, value, expression, connection):
        return None if value is None else Ciphertext(value)

    def open(self, instance, ciphertext: bytes) -> Any:
        """Decrypt this field's ciphertext of ``instance`` and keep the plaintext on the instance."""
        aad = self._aad_for_instance(instance)
        value, plaintext = self.decrypt_bound(ciphertext, aad, instance.pk)
        instance.__dict__[self.attname] = value
        instance.__dict__[self._sealed_key] = (ciphertext, plaintext, aad)
        return value

    def decrypt_bound(self, ciphertext: bytes, aad: bytes, pk) -> tuple[Any, bytes]:
        """(value, plaintext) of this field's ``ciphertext`` bound to a row by ``aad`` (``aad_for``); ``pk`` names
        the row in the error. For readers that hold the row's columns without a model instance."""
        try:
            plaintext = get_keyring().decrypt(ciphertext, aad)
        except DecryptionError as exc:
            raise type(exc)(f"{self._label} of row pk={pk}: {exc}") from None
        return self.decode(plaintext), plaintext

    # -- writing --------------------------------------------------------------------------------------------------

    def pre_save(self, instance, add):
        data = instance.__dict__
        value = data[self.attname] if self.attname in data else getattr(instance, self.attname)
        if value is None or isinstance(value, Ciphertext):
            return value  # Ciphertext: read and never accessed, so unchanged
        plaintext = self.encode(value)
        aad = self._aad_for_instance(instance)
        sealed = data.get(self._sealed_key)
        if sealed is not None and sealed[1] == plaintext and sealed[2] == aad:
            return sealed[0]  # unchanged since read or last save: keep its ciphertext
        ciphertext = get_keyring().encrypt(plaintext, aad)
        data[self._sealed_key] = (ciphertext, plaintext, aad)
        return ciphertext

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, bytes | bytearray | memoryview):
            return connection.Database.Binary(value)
        raise TypeError(
            f"{self._label} is encrypted: set the attribute and call save() or bulk_create(). "
            "QuerySet.update(), bulk_update() and raw saves (loaddata) cannot encrypt and are refused."
        )

    # -- querying -------------------------------------------------------------------------------------------------

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self._label} is encrypted and cannot be filtered with '{lookup_name}'; "
            "look rows up through a BlindIndexField instead."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self._label} is encrypted: '{lookup_name}' cannot be applied to it in a query.")

    # -- checks ---------------------------------------------------------------------------------------------------

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: its encryption is randomised.",
                    hint="Add a BlindIndexField for look-ups.",
                    obj=self,
                    id="sonae.E101",
                )
            )
        if not self.model._meta.abstract:
            try:
                self.model._meta.get_field(ROW_KEY_FIELD)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(
                        f"{self.model._meta.label} has encrypted fields but no '{ROW_KEY_FIELD}' field.",
                        hint="Subclass sonae.core.fields.EncryptedModel.",
                        obj=self,
                        id="sonae.E102",
                    )
                )
        return errors


class EncryptedTextField(EncryptedField):
    """A text value (``str | None``) stored encrypted. ``max_length`` limits the plaintext (validation only)."""

    description = _("暗号化されたテキスト")
    empty_strings_allowed = True  # like TextField: a non-null field without a default starts as ""

    def encode(self, value: Any) -> bytes:
        return str(value).encode()

    def decode(self, data: bytes) -> str:
        return data.decode()

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)

    @cached_property
    def validators(self):
        found = super().validators
        if self.max_length is not None:
            found = [*found, validators.MaxLengthValidator(self.max_length)]
        return found

    def formfield(self, **kwargs):
        defaults = {"max_length": self.max_length}
        if self.null:
            defaults["empty_value"] = None
        return super().formfield(**{**defaults, **kwargs})


class EncryptedJSONField(EncryptedField):
    """A JSON-native value (typically a dict of many fields read together) sealed as one record.

    The plaintext is ``crypto.encode_record(value)``, so ``Keyring.encrypt_record(record, field.aad_for(row_key))``
    made by a bulk loader reads back through this field. Dates must be given as ISO strings.
    """

    description = _("暗号化されたJSON")

    def encode(self, value: Any) -> bytes:
        return encode_record(value)

    def decode(self, data: bytes) -> Any:
        return decode_record(data)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


class BlindIndexField(models.CharField):
    """HMAC-SHA256 (64 hex chars) of a normalised value, for exact look-ups of encrypted data.

    ``domain`` separates indexes (``"victim.kana_birth"``, ``"victim.patient_id"``): equal text in two domains
    gives two different indexes. With ``source`` (a callable taking the instance and returning the normalised
    value, a tuple of normalised parts, or None) the index is recomputed on every save, partial saves of an
    ``EncryptedModel`` included; otherwise set it with ``compute``. Query with ``filter(kana_index=field.compute(kana_key(kana), birth.isoformat()))``.
    """

    description = _("ブラインドインデックス")
    _DEFAULTS = {"max_length": 64, "db_index": True, "null": True, "blank": True, "editable": False}

    def __init__(
        self,
        *args,
        domain: str,
        source: Callable[[models.Model], str | tuple[str, ...] | None] | None = None,
        **kwargs,
    ):
        self.domain = domain
        self.source = source
        super().__init__(*args, **{**self._DEFAULTS, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["domain"] = self.domain  # source is code, not schema: migrations do not need it
        for key, default in self._DEFAULTS.items():
            value = getattr(self, key)
            if value == default:
                kwargs.pop(key, None)
            else:
                kwargs[key] = value
        return name, path, args, kwargs

    def compute(self, *parts: str | None) -> str | None:
        """The index of normalised ``parts`` (joined by U+001F); None when any part is None or empty."""
        if not parts or any(part is None or part == "" for part in parts):
            return None
        return get_keyring().blind_index(INDEX_PART_SEPARATOR.join(parts), domain=self.domain)

    def pre_save(self, instance, add):
        if self.source is None:
            return super().pre_save(instance, add)
        value = self.source(instance)
        value = self.compute(*value) if isinstance(value, tuple) else self.compute(value)
        setattr(instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is not None and not _HEX64.fullmatch(value):
            # A plain value here would silently match nothing (or store an unusable index).
            raise ValueError(
                f"{self.model._meta.label}.{self.name} takes a computed blind index; "
                f"pass field.compute(normalised value), not the value itself"
            )
        return value

    def get_lookup(self, lookup_name):
        if lookup_name in ("exact", "in", "isnull"):
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model._meta.label}.{self.name} is a blind index: only exact, in and isnull look-ups work, "
            f"not '{lookup_name}'."
        )

    def get_transform(self, lookup_name):
        raise FieldError(
            f"{self.model._meta.label}.{self.name} is a blind index: '{lookup_name}' cannot apply."
        )


def encrypted_fields_of(model: type[models.Model]) -> list[EncryptedField]:
    """The encrypted fields stored in ``model``'s own table (concrete, local)."""
    return [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedField)]
