from datetime import date

import pytest

from sonae.core.errors import DeadlinePassed, InvalidInput, NotEligible, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.enrolment.models import Quote
from sonae.enrolment.services import quote_create

from .conftest import QUOTE_INPUT, jst, roster_entry

pytestmark = pytest.mark.django_db

IN_TIME = jst(2025, 8, 20, 10, 0)


def test_a_business_not_on_the_roster_is_refused_with_the_reason(year_2025, outsider):
    from .conftest import member

    actor = member(outsider)
    with pytest.raises(NotEligible) as exc:
        quote_create(actor=actor, organisation=outsider, year=year_2025, at=IN_TIME, **QUOTE_INPUT)
    assert "認定事業者名簿に登録されていない" in exc.value.message
    assert exc.value.code == "not_eligible"


def test_a_certification_expiring_before_the_cover_start_is_not_eligible(year_2025, aoba, aoba_actor):
    roster_entry(
        "1" * 13, "x", "x", ("patient_transport", date(2022, 10, 1), date(2025, 9, 30)), organisation=aoba
    )
    aoba.corporate_number = ""
    aoba.save()
    with pytest.raises(NotEligible) as exc:
        quote_create(actor=aoba_actor, organisation=aoba, year=year_2025, at=IN_TIME, **QUOTE_INPUT)
    assert "2025年10月1日時点で有効な" in exc.value.message
    assert "2025年9月30日" in exc.value.message


def test_quote_premium_follows_the_shipped_table(year_2025, sakura, sakura_actor, sakura_entry):
    quote = quote_create(actor=sakura_actor, organisation=sakura, year=year_2025, at=IN_TIME, **QUOTE_INPUT)
    # 104,000 (≤10億円) × 1.5 (衛生検査所) × plan × 0.90 (75点) × 0.80 (団体割引), 10円未満切り捨て
    assert quote.premium_for("A") == 112_320
    assert quote.premium_for("B") == 193_190
    assert quote.number == "Q-2025-00001"
    assert quote.joining == "main"
    assert quote.cover_start == jst(2025, 10, 1, 16, 0)
    assert quote.valid_until == date(2025, 9, 16)
    assert quote.business_codes == ["clinical_lab"]
    assert quote.security_score_source == Quote.ScoreSource.ENTERED
    assert [s["code"] for s in quote.premiums["A"]["steps"]] == [
        "base",
        "business",
        "plan",
        "security",
        "group",
    ]
    assert AuditEvent.objects.filter(action="quote.issued", target_id=str(quote.pk)).exists()


def test_after_the_quote_deadline_a_quote_is_for_mid_term_joining(
    year_2025, sakura, sakura_actor, sakura_entry
):
    quote = quote_create(
        actor=sakura_actor, organisation=sakura, year=year_2025, at=jst(2025, 10, 25, 9), **QUOTE_INPUT
    )
    assert quote.joining == "mid_term"
    assert quote.cover_start == jst(2025, 12, 1, 16, 0)
    assert quote.application_deadline == date(2025, 11, 20)
    assert quote.months == 10
    assert quote.premium_for("A") == 93_600  # 112,320 × 10/12


def test_quoting_before_the_window_opens_is_refused(year_2025, sakura, sakura_actor, sakura_entry):
    with pytest.raises(DeadlinePassed) as exc:
        quote_create(
            actor=sakura_actor, organisation=sakura, year=year_2025, at=jst(2025, 6, 1, 9), **QUOTE_INPUT
        )
    assert exc.value.code == "not_open_yet"


def test_quoting_when_no_cover_is_left_is_refused(year_2025, sakura, sakura_actor, sakura_entry):
    with pytest.raises(DeadlinePassed):
        quote_create(
            actor=sakura_actor, organisation=sakura, year=year_2025, at=jst(2026, 9, 1, 9), **QUOTE_INPUT
        )


def test_a_business_without_certification_for_a_chosen_service_is_refused(
    year_2025, sakura, sakura_actor, sakura_entry
):
    with pytest.raises(InvalidInput) as exc:
        quote_create(
            actor=sakura_actor,
            organisation=sakura,
            year=year_2025,
            at=IN_TIME,
            business_codes=["cleaning"],
            **QUOTE_INPUT,
        )
    assert exc.value.field == "business_codes"


def test_the_self_check_score_is_used_when_the_self_check_has_one(
    year_2025, sakura, sakura_actor, sakura_entry, monkeypatch
):
    from sonae.enrolment import selectors

    monkeypatch.setattr(selectors, "security_score_for", lambda org: 100)
    from sonae.enrolment.services import quotes

    monkeypatch.setattr(quotes, "security_score_for", lambda org: 100)
    quote = quote_create(actor=sakura_actor, organisation=sakura, year=year_2025, at=IN_TIME, **QUOTE_INPUT)
    assert quote.security_score == 100
    assert quote.security_score_source == Quote.ScoreSource.SELFCHECK
    assert quote.premium_for("A") == 106_080  # 156,000 × 0.85 × 0.8


def test_the_agency_quotes_on_behalf_of_a_provider(year_2025, sakura, agency_actor, sakura_entry):
    quote = quote_create(actor=agency_actor, organisation=sakura, year=year_2025, at=IN_TIME, **QUOTE_INPUT)
    assert quote.organisation == sakura
    assert quote.created_by_organisation == agency_actor.organisation


def test_a_provider_cannot_quote_for_another_provider(year_2025, sakura, aoba_actor, sakura_entry):
    with pytest.raises(PermissionDenied):
        quote_create(actor=aoba_actor, organisation=sakura, year=year_2025, at=IN_TIME, **QUOTE_INPUT)


def test_a_provider_viewer_cannot_quote(year_2025, sakura, sakura_entry):
    from .conftest import member

    viewer = member(sakura, "viewer")
    with pytest.raises(PermissionDenied):
        quote_create(actor=viewer, organisation=sakura, year=year_2025, at=IN_TIME, **QUOTE_INPUT)


@pytest.mark.parametrize(
    ("returned", "expected"),
    [((84, "mostly", None), 84), (None, None), (90, 90)],
)
def test_security_score_is_read_from_the_self_check_app(sakura, monkeypatch, returned, expected):
    from sonae.enrolment.selectors import security_score_for
    from sonae.selfcheck import selectors as selfcheck_selectors

    monkeypatch.setattr(selfcheck_selectors, "latest_score", lambda org: returned)
    assert security_score_for(sakura) == expected
