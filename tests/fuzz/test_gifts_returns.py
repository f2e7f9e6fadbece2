"""Fuzzing the read-back of returned mail and address corrections (gifts returns CSV, issue 9 point 4).

Whatever the file: a clear Japanese error and no person changed, or every non-blank line accounted for — applied
(returned, corrected, declined) or reported with a Japanese reason. The file's codes include real inquiry codes
of the case, so lines do get applied. Each example runs in a savepoint rolled back afterwards.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings

from sonae.core.errors import InvalidInput
from sonae.core.keyring import get_keyring
from sonae.victims import codes
from sonae.victims.models import Victim
from sonae.victims.services import gifts, letters
from tests.fuzz.files import Sample, hostile_file, is_japanese, read_csv

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
HEADER = ["お問い合わせ番号", "区分", "郵便番号", "住所", "日付"]


def _state() -> list[tuple]:
    return list(
        Victim.objects.order_by("pk").values_list(
            "pk", "letter_status", "gift_status", "mail_returned", "address_corrected", "record"
        )
    )


def _lines_with_content(text: str) -> int:
    rows = read_csv(text)
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


@pytest.mark.django_db
def test_a_returns_file_is_refused_clearly_or_every_line_is_accounted_for(world, incident, imported):
    actor = world.actor("provider")
    imported()
    letters.letter_run_execute(
        letters.letter_run_start(actor=actor, incident=incident, letter_date=date(2025, 10, 1)).pk
    )
    keyring = get_keyring()
    real_codes = [
        codes.inquiry_code(keyring, incident.pk, v.letter_sequence) for v in Victim.objects.order_by("line")
    ]
    values = [
        [*real_codes, "SN-0000-0000-0000", "sn00000000000"],
        ["返送", "住所訂正", "辞退", "返戻", "謎"],
        ["150-0001", "1500001", "12-34", ""],
        ["東京都渋谷区神宮前1-1-1", "", "住" * 400],
        ["2025-10-10", "令和7年10月10日", "2025-13-01", ""],
    ]
    outcomes: set[str] = set()

    def read_back(sample: Sample) -> None:
        before = _state()
        try:
            result = gifts.returns_import(actor=actor, incident=incident, data=sample.data)
        except InvalidInput as exc:
            assert is_japanese(exc.message), exc.message
            assert _state() == before
            outcomes.add("refused")
            return
        assert all(is_japanese(message) for _line, message in result.errors)
        applied = result.returned + result.corrected + result.declined
        if sample.text is not None:
            assert applied + len(result.errors) == _lines_with_content(sample.text)
        outcomes.add("applied" if applied else "read")

    valid = "\r\n".join(
        [",".join(HEADER), f"{real_codes[0]},返送,,,", f"{real_codes[1]},住所訂正,150-0001,東京都渋谷区1-1,"]
    )
    sure = Sample(valid.encode("cp932"), "valid", valid, len(HEADER))  # the applying path, whatever is drawn

    @FUZZ
    @example(sample=sure)
    @given(sample=hostile_file(HEADER, values))
    def check(sample: Sample):
        with transaction.atomic():
            read_back(sample)
            transaction.set_rollback(True)

    check()
    assert outcomes == {"refused", "read", "applied"}, outcomes


# -- what the fuzzing found (failed before its fix) ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_cell_past_csvs_field_limit_is_a_line_error_not_a_crash(world, incident, imported):
    # Before: csv's "field larger than field limit" escaped from the service (a 500 on the upload page).
    imported()
    data = (
        "お問い合わせ番号,区分,郵便番号,住所\r\nSN-0000-0000-0000,住所訂正,150-0001," + "住" * 140_000
    ).encode()

    result = gifts.returns_import(actor=world.actor("provider"), incident=incident, data=data)

    assert result.errors == [(2, "このお問い合わせ番号の対象者は見つかりません。")]


@pytest.mark.django_db
def test_a_corrected_address_longer_than_an_imported_one_is_refused(world, incident, imported):
    actor = world.actor("provider")
    imported()
    letters.letter_run_execute(
        letters.letter_run_start(actor=actor, incident=incident, letter_date=date(2025, 10, 1)).pk
    )
    victim = Victim.objects.order_by("line").first()
    code = codes.inquiry_code(get_keyring(), incident.pk, victim.letter_sequence)
    data = f"お問い合わせ番号,区分,郵便番号,住所\r\n{code},住所訂正,150-0001,{'住' * 301}".encode()

    result = gifts.returns_import(actor=actor, incident=incident, data=data)

    assert result.errors == [(2, "訂正後の住所が長すぎます（300文字まで）。")]
    victim.refresh_from_db()
    assert not victim.address_corrected
