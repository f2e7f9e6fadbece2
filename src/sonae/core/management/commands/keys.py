"""``sonae keys generate|add|status|rotate``: operations on the data keys (docs/operations.md).

- ``generate``: print a new keyring JSON (for ``SONAE_DATA_KEYS`` or the key file).
- ``add [FILE|-]``: print the keyring (the configured one, or FILE / stdin) with a new current key added.
- ``status``: print, as JSON, how many stored values of each encrypted field are on each key.
- ``rotate [--batch-size N]``: re-encrypt every value that is not on the current key, batch by batch, each batch
  in its own transaction. Values already on the current key are skipped, so a re-run after a crash or kill
  continues where it stopped. Progress goes to stderr; the summary JSON to stdout.

Rotation procedure: ``sonae keys add > new.json``, deploy ``new.json`` as the keyring on every process, run
``sonae keys rotate``, check ``sonae keys status`` shows nothing on the old key, then drop the old key.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, router, transaction
from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import Substr

from sonae.core.crypto import CryptoError, Keyring, add_key_json, generate_keyring_json, header_for
from sonae.core.fields import ROW_KEY_FIELD, EncryptedField, encrypted_fields_of
from sonae.core.keyring import get_keyring

UNKNOWN_KEY = "(unknown)"  # parentheses cannot occur in key ids


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedField]]]:
    """Every installed model whose table holds encrypted fields, with those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields = encrypted_fields_of(model)
        if fields:
            found.append((model, fields))
    return found


def _header(field: EncryptedField, key_id: str) -> Substr:
    # The first bytes of the stored ciphertext: version, key-id length, key id (see crypto's format).
    return Substr(field.attname, 1, len(header_for(key_id)), output_field=models.BinaryField())


def key_status(keyring: Keyring) -> dict[str, dict[str, dict[str, int]]]:
    """``{model label: {field: {key id: stored values}}}``; values on keys absent from the keyring count as
    ``"(unknown)"``. One aggregate query per field."""
    status: dict[str, dict[str, dict[str, int]]] = {}
    for model, fields in encrypted_models():
        per_field = {}
        for field in fields:
            key_ids = list(keyring.keys)  # aliases are numbered: key ids may hold characters aliases may not
            heads = {f"_head{i}": _header(field, key_id) for i, key_id in enumerate(key_ids)}
            counts = {
                f"_n{i}": Count("pk", filter=Q(**{f"_head{i}": header_for(key_id)}))
                for i, key_id in enumerate(key_ids)
            }
            row = (
                model._base_manager.using(router.db_for_read(model))
                .alias(**heads)
                .aggregate(_total=Count(field.attname), **counts)
            )
            total = row["_total"]
            found = {key_id: row[f"_n{i}"] for i, key_id in enumerate(key_ids) if row[f"_n{i}"]}
            if total - sum(found.values()):
                found[UNKNOWN_KEY] = total - sum(found.values())
            per_field[field.name] = found
        status[model._meta.label] = per_field
    return status


def rotate_model(
    model: type[models.Model],
    fields: list[EncryptedField],
    *,
    keyring: Keyring,
    batch_size: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Re-encrypt ``model``'s values that are not on the current key; returns the number of rows changed."""
    current = keyring.current
    using = router.db_for_write(model)
    stale = Q()
    for field in fields:
        stale |= Q(**{f"{field.attname}__isnull": False}) & ~Q(
            **{f"_head_{field.attname}": header_for(current)}
        )
    pending = (
        model._base_manager.using(using)
        .alias(**{f"_head_{field.attname}": _header(field, current) for field in fields})
        .filter(stale)
    )
    total = pending.count()
    columns = ["pk", ROW_KEY_FIELD, *(field.attname for field in fields)]
    done = 0
    last_pk = None
    while True:
        # One transaction per batch: a crash loses at most the batch in hand, and the rows are locked
        # (PostgreSQL) between reading and rewriting them, so a concurrent save cannot be overwritten.
        with transaction.atomic(using=using, durable=True):
            batch = pending if last_pk is None else pending.filter(pk__gt=last_pk)
            rows = list(batch.order_by("pk").select_for_update().values_list(*columns)[:batch_size])
            if rows:
                _rotate_batch(model, fields, rows, keyring=keyring, using=using)
        if not rows:
            return done
        last_pk = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress(model._meta.label, done, total)


def _rotate_batch(model, fields, rows, *, keyring: Keyring, using: str) -> None:
    new_values: dict[str, dict] = {field.attname: {} for field in fields}
    for pk, row_key, *ciphertexts in rows:
        for field, ciphertext in zip(fields, ciphertexts, strict=True):
            if ciphertext is None or not keyring.needs_rotation(ciphertext):
                continue
            aad = field.aad_for(row_key)
            try:
                plaintext = keyring.decrypt(ciphertext, aad)
            except CryptoError as exc:
                raise CommandError(f"{model._meta.label}.{field.name} pk={pk}: {exc}") from None
            new_values[field.attname][pk] = keyring.encrypt(plaintext, aad)
    binary = models.BinaryField()
    for attname, by_pk in new_values.items():
        if by_pk:
            # One UPDATE per field and batch (what bulk_update does), writing ciphertext bytes directly.
            whens = [When(pk=pk, then=Value(value, output_field=binary)) for pk, value in by_pk.items()]
            model._base_manager.using(using).filter(pk__in=list(by_pk)).update(
                **{attname: Case(*whens, output_field=binary)}
            )


class Command(BaseCommand):
    help = "Data-key operations: generate, add, status, rotate."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "add", "status", "rotate"])
        parser.add_argument(
            "file", nargs="?", help="add: keyring JSON to extend (- for stdin); default: configured"
        )
        parser.add_argument("--batch-size", type=int, default=500, help="rotate: rows per transaction")

    def handle(self, *args, action: str, file: str | None, batch_size: int, **options):
        if action == "generate":
            self.stdout.write(generate_keyring_json())
        elif action == "add":
            self.stdout.write(self._add(file))
        elif action == "status":
            keyring = get_keyring()
            result = {"current": keyring.current, "models": key_status(keyring)}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            if batch_size < 1:
                raise CommandError("--batch-size must be at least 1")
            self.stdout.write(json.dumps(self._rotate(batch_size), ensure_ascii=False))

    def _add(self, file: str | None) -> str:
        if file is None:
            existing = settings.SONAE_DATA_KEYS
        elif file == "-":
            existing = sys.stdin.read()
        else:
            try:
                with open(file, encoding="utf-8") as handle:
                    existing = handle.read()
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            return add_key_json(existing)
        except CryptoError as exc:
            raise CommandError(f"the keyring is invalid: {exc}") from None

    def _rotate(self, batch_size: int) -> dict:
        keyring = get_keyring()

        def progress(label: str, done: int, total: int) -> None:
            self.stderr.write(f"{label}: {done}/{total} rows re-encrypted to {keyring.current}")

        rotated = {}
        for model, fields in encrypted_models():
            count = rotate_model(model, fields, keyring=keyring, batch_size=batch_size, progress=progress)
            if count:
                rotated[model._meta.label] = count
        return {"current": keyring.current, "rotated": rotated, "rows": sum(rotated.values())}
