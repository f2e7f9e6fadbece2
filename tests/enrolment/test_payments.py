import pytest

from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.enrolment.models import Deposit
from sonae.enrolment.services import (
    ImportRejected,
    application_accept,
    application_resolve_overpayment,
    deposit_ignore,
    deposit_import,
    deposit_match,
    deposit_unmatch,
)

from .conftest import jst
from .helpers import deposit_csv, submitted

pytestmark = pytest.mark.django_db
AT = jst(2025, 9, 12, 10)


@pytest.fixture
def sakura_application(year_2025, sakura, sakura_actor, sakura_entry):
    return submitted(sakura_actor, sakura, year_2025)


def test_a_cp932_deposit_list_is_matched_by_payer_kana_and_amount(agency_actor, sakura_application):
    upload = deposit_import(
        actor=agency_actor,
        file_name="bank.csv",
        data=deposit_csv(("2025-09-10", "ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=AT,
    )
    assert (upload.encoding, upload.rows_new, upload.rows_matched) == ("cp932", 1, 1)
    deposit = Deposit.objects.get()
    assert deposit.application == sakura_application
    assert deposit.match_kind == Deposit.Match.EXACT and deposit.matched_automatically
    sakura_application.refresh_from_db()
    assert sakura_application.payment_status == "paid"


def test_a_partial_payment_is_not_matched_automatically(agency_actor, sakura_application):
    deposit_import(
        actor=agency_actor,
        file_name="bank.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 100000)),
        at=AT,
    )
    assert Deposit.objects.get().status == Deposit.Status.UNMATCHED
    assert sakura_application.payment_status == "unpaid"


def test_matching_a_partial_payment_needs_confirmation_and_a_note_and_is_flagged(
    agency_actor, sakura_application
):
    deposit_import(
        actor=agency_actor, file_name="bank.csv", data=deposit_csv(("2025-09-10", "ｻｸﾗ", 100000)), at=AT
    )
    deposit = Deposit.objects.get()
    with pytest.raises(InvalidInput) as exc:
        deposit_match(actor=agency_actor, deposit=deposit, application=sakura_application)
    assert "12,320円の不足" in exc.value.message
    with pytest.raises(InvalidInput):
        deposit_match(
            actor=agency_actor, deposit=deposit, application=sakura_application, accept_difference=True
        )
    deposit = deposit_match(
        actor=agency_actor,
        deposit=deposit,
        application=sakura_application,
        accept_difference=True,
        note="振込手数料差引の可能性。残額を依頼済み",
    )
    assert deposit.match_kind == Deposit.Match.PARTIAL
    sakura_application.refresh_from_db()
    assert sakura_application.payment_status == "partial"
    assert sakura_application.outstanding == 12_320


def test_an_over_payment_blocks_the_policy_until_it_is_resolved(agency_actor, sakura_application):
    application_accept(actor=agency_actor, application=sakura_application, at=AT)
    deposit_import(
        actor=agency_actor, file_name="bank.csv", data=deposit_csv(("2025-09-10", "ｻｸﾗ", 120000)), at=AT
    )
    deposit_match(
        actor=agency_actor,
        deposit=Deposit.objects.get(),
        application=sakura_application,
        accept_difference=True,
        note="過入金。差額返金予定",
    )
    sakura_application.refresh_from_db()
    assert sakura_application.payment_status == "overpaid"
    assert not hasattr(sakura_application, "policy")
    application_resolve_overpayment(
        actor=agency_actor, application=sakura_application, note="差額7,680円を9/20返金"
    )
    sakura_application.refresh_from_db()
    assert sakura_application.policy.premium == 112_320


def test_the_same_list_uploaded_twice_adds_nothing(agency_actor, sakura_application):
    data = deposit_csv(("2025-09-10", "ﾍﾞﾂｼﾔ", 5000), ("2025-09-10", "ﾍﾞﾂｼﾔ", 5000))
    first = deposit_import(actor=agency_actor, file_name="bank.csv", data=data, at=AT)
    second = deposit_import(actor=agency_actor, file_name="bank.csv", data=data, at=AT)
    assert (first.rows_new, second.rows_new, second.rows_duplicate) == (2, 0, 2)
    assert Deposit.objects.count() == 2


def test_a_list_with_bad_rows_is_refused_unless_asked(agency_actor, sakura_application):
    data = deposit_csv(("2025-09-10", "ｻｸﾗ", 5000), ("2025-09-31", "ｻｸﾗ", 5000))
    with pytest.raises(ImportRejected) as exc:
        deposit_import(actor=agency_actor, file_name="bank.csv", data=data, at=AT)
    assert [e["line"] for e in exc.value.errors] == [3]
    assert Deposit.objects.count() == 0
    deposit_import(actor=agency_actor, file_name="bank.csv", data=data, accept_valid_only=True, at=AT)
    assert Deposit.objects.count() == 1


def test_a_deposit_after_the_deadline_needs_a_note(agency_actor, sakura_application):
    deposit_import(
        actor=agency_actor,
        file_name="bank.csv",
        data=deposit_csv(("2025-09-18", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=AT,
    )
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.UNMATCHED  # late deposits are never matched automatically
    with pytest.raises(InvalidInput) as exc:
        deposit_match(actor=agency_actor, deposit=deposit, application=sakura_application)
    assert exc.value.field == "note"


def test_unmatch_and_ignore_need_reasons(agency_actor, sakura_application):
    deposit_import(
        actor=agency_actor,
        file_name="bank.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320), ("2025-09-10", "ﾅｿﾞ", 1)),
        at=AT,
    )
    matched = Deposit.objects.get(status=Deposit.Status.MATCHED)
    with pytest.raises(InvalidInput):
        deposit_unmatch(actor=agency_actor, deposit=matched, reason="")
    assert (
        deposit_unmatch(actor=agency_actor, deposit=matched, reason="同名別社").status
        == Deposit.Status.UNMATCHED
    )
    stray = Deposit.objects.get(amount=1)
    assert (
        deposit_ignore(actor=agency_actor, deposit=stray, reason="保険料以外").status
        == Deposit.Status.IGNORED
    )
    with pytest.raises(IllegalTransition):
        deposit_match(actor=agency_actor, deposit=stray, application=sakura_application)


def test_providers_cannot_import_deposits(sakura_actor, sakura_application):
    with pytest.raises(PermissionDenied):
        deposit_import(
            actor=sakura_actor, file_name="bank.csv", data=deposit_csv(("2025-09-10", "ｻｸﾗ", 1)), at=AT
        )
