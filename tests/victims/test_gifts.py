"""Condolence gifts: amount capped by the plan, recipients, shipping, returns and corrections, totals."""

from __future__ import annotations

from datetime import date

import pytest

from sonae.core.errors import InvalidInput
from sonae.core.keyring import get_keyring
from sonae.victims import codes, selectors
from sonae.victims.models import GiftStatus, LetterStatus, Victim
from sonae.victims.services import gifts, letters


def test_amount_above_the_plans_cap_is_refused(world, incident, monkeypatch):
    monkeypatch.setattr(selectors, "plan_caps", lambda incident: (1000, 50000))
    with pytest.raises(InvalidInput) as raised:
        gifts.gift_settings_update(
            actor=world.actor("provider"), incident=incident, kind="QUOカード", amount=1500
        )
    assert "1,000円" in raised.value.message


def test_without_terms_there_is_no_cap(world, incident):
    case = gifts.gift_settings_update(
        actor=world.actor("provider"), incident=incident, kind="QUOカード", amount=3000
    )
    assert case.gift_amount == 3000


def test_recipients_shipped_and_counted_for_the_claim(world, incident, imported, monkeypatch):
    monkeypatch.setattr(selectors, "plan_caps", lambda incident: (1000, 50000))
    imported()
    Victim.objects.filter(line=4).update(excluded=True)
    gifts.gift_settings_update(actor=world.actor("provider"), incident=incident, kind="QUOカード", amount=500)

    assert gifts.gift_plan(actor=world.actor("provider"), incident=incident) == 2
    assert (
        gifts.gift_mark_shipped(
            actor=world.actor("provider"), incident=incident, shipped_on=date(2025, 10, 5)
        )
        == 2
    )
    assert selectors.condolence_counts(incident) == (2, 0)
    totals = selectors.condolence_totals(incident)
    assert (totals.total_yen, totals.covered_yen, totals.cap_individual) == (1000, 1000, 1000)


def test_returns_and_address_corrections_are_read_back(world, incident, imported):
    imported()
    letters.letter_run_execute(
        letters.letter_run_start(
            actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 1)
        ).pk
    )
    gifts.gift_settings_update(actor=world.actor("provider"), incident=incident, kind="QUOカード", amount=500)
    gifts.gift_plan(actor=world.actor("provider"), incident=incident)
    gifts.gift_mark_shipped(actor=world.actor("provider"), incident=incident, shipped_on=date(2025, 10, 5))
    keyring = get_keyring()
    first, second, third = Victim.objects.order_by("line")
    code = {v.pk: codes.inquiry_code(keyring, incident.pk, v.letter_sequence) for v in (first, second, third)}
    csv_text = (
        "お問い合わせ番号,区分,郵便番号,住所,日付\r\n"
        f"{code[first.pk]},返送,,,2025-10-10\r\n"
        f"{code[second.pk]},住所訂正,150-0001,東京都渋谷区神宮前1-1-1,\r\n"
        f"{code[third.pk]},辞退,,,\r\n"
        "SN-0000-0000-0000,返送,,,\r\n"
    )

    result = gifts.returns_import(
        actor=world.actor("provider"), incident=incident, data=csv_text.encode("cp932")
    )

    assert (result.returned, result.corrected, result.declined) == (1, 1, 1)
    assert [line for line, _m in result.errors] == [5]
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.letter_status, first.gift_status, first.gift_returned_on) == (
        LetterStatus.RETURNED, GiftStatus.RETURNED, date(2025, 10, 10),
    )  # fmt: skip
    assert second.record["postal"] == "1500001" and second.record["address"] == "東京都渋谷区神宮前1-1-1"
    assert second.address_corrected
    assert third.gift_status == GiftStatus.DECLINED
    assert selectors.condolence_counts(incident) == (1, 0)
