from datetime import date

import pytest

from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.enrolment.models import Certification, RosterEntry, RosterImport
from sonae.enrolment.rules import with_check_digit
from sonae.enrolment.services import roster_import_commit, roster_import_discard, roster_import_validate

from .conftest import SAKURA_NUMBER

pytestmark = pytest.mark.django_db

HEADER = "法人番号,事業者名,事業者名カナ,所在地,認定業務,認定単位,施設名,認定日,有効期限,認定番号"
SECOND = with_check_digit("020001234567")
WRONG_DIGIT = ("1" if SECOND[0] != "1" else "2") + SECOND[1:]


def roster_csv(*rows: str, encoding: str = "cp932") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


GOOD_ROWS = (
    f"{SAKURA_NUMBER},株式会社さくら臨床検査,サクラリンショウケンサ,東京都千代田区1-1,衛生検査所業務,施設,本社ラボ,2024-10-01,2026-09-30,L-001",
    f"{SAKURA_NUMBER},株式会社さくら臨床検査,サクラリンショウケンサ,東京都千代田区1-1,医療機器の保守点検業務,事業者,,2024-06-01,2026-05-31,M-002",
    f"{SECOND},あおば患者搬送株式会社,アオバカンジャハンソウ,大阪府大阪市北区1-1,患者搬送業務,事業者,,2023-06-01,2026-05-31,T-003",
)
BAD_ROWS = (
    f"{WRONG_DIGIT},株式会社まちがい,マチガイ,東京都港区,院内清掃業務,事業者,,2024-10-01,2027-09-30,",
    f"{with_check_digit('030001234567')},みどり,ミドリ,京都府,院内物品管理業務,事業者,,2024-10-01,2027-09-30,",
    f"{with_check_digit('040001234567')},ひかり,ヒカリ,福岡県,院内清掃業務,事業者,,2024-02-30,2027-09-30,",
)


def test_a_file_with_bad_rows_reports_each_with_its_line_and_commits_nothing(foundation_actor):
    upload = roster_import_validate(
        actor=foundation_actor, file_name="roster.csv", data=roster_csv(*GOOD_ROWS, *BAD_ROWS)
    )
    assert upload.encoding == "cp932"
    assert [e["line"] for e in upload.errors] == [5, 6, 7]
    assert "検査用数字" in upload.errors[0]["messages"][0]
    assert "院内物品管理業務" in upload.errors[1]["messages"][0]
    assert "2024年2月30日は存在しない日付" in upload.errors[2]["messages"][0]
    with pytest.raises(InvalidInput) as exc:
        roster_import_commit(actor=foundation_actor, roster_import=upload)
    assert "3行" in exc.value.message
    assert RosterEntry.objects.count() == 0
    assert Certification.objects.count() == 0


def test_the_valid_rows_are_committed_when_the_user_accepts_explicitly(foundation_actor):
    upload = roster_import_validate(
        actor=foundation_actor, file_name="roster.csv", data=roster_csv(*GOOD_ROWS, *BAD_ROWS)
    )
    upload = roster_import_commit(actor=foundation_actor, roster_import=upload, accept_valid_only=True)
    assert upload.status == RosterImport.Status.COMMITTED
    assert upload.accepted_valid_only
    assert RosterEntry.objects.count() == 2
    assert Certification.objects.count() == 3
    event = AuditEvent.objects.filter(action="roster.import_committed").get()
    assert event.data["skipped_lines"] == [5, 6, 7]


def test_a_valid_file_commits_and_links_the_organisation_by_corporate_number(foundation_actor, sakura):
    upload = roster_import_validate(actor=foundation_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS))
    roster_import_commit(actor=foundation_actor, roster_import=upload)
    entry = RosterEntry.objects.get(corporate_number=SAKURA_NUMBER)
    assert entry.organisation == sakura
    assert entry.prefecture == "東京都"
    assert sorted(entry.certifications.values_list("business", flat=True)) == [
        "clinical_lab",
        "medical_device_maintenance",
    ]


def test_re_upload_updates_by_corporate_number_and_keeps_history(foundation_actor):
    first = roster_import_validate(actor=foundation_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS))
    roster_import_commit(actor=foundation_actor, roster_import=first)
    renewed = (
        f"{SAKURA_NUMBER},株式会社さくら臨床検査センター,サクラリンショウケンサセンター,東京都千代田区1-1,衛生検査所業務,施設,本社ラボ,2026-10-01,2028-09-30,L-001",
    )
    second = roster_import_validate(actor=foundation_actor, file_name="r2.csv", data=roster_csv(*renewed))
    result = roster_import_commit(actor=foundation_actor, roster_import=second).result
    assert result["updated"] == 1 and result["removed_certifications"] == 1
    entry = RosterEntry.objects.get(corporate_number=SAKURA_NUMBER)
    assert entry.name == "株式会社さくら臨床検査センター"
    (cert,) = entry.certifications.all()
    assert cert.valid_until == date(2028, 9, 30)
    assert entry.history.count() == 2
    assert [h.name for h in entry.history.order_by("history_date")] == [
        "株式会社さくら臨床検査",
        "株式会社さくら臨床検査センター",
    ]
    assert Certification.history.filter(history_type="-").count() == 1
    # the business not in the second file is untouched
    assert RosterEntry.objects.filter(corporate_number=SECOND).exists()


def test_an_upload_can_be_committed_only_once(foundation_actor):
    upload = roster_import_validate(actor=foundation_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS))
    roster_import_commit(actor=foundation_actor, roster_import=upload)
    with pytest.raises(IllegalTransition):
        roster_import_commit(actor=foundation_actor, roster_import=upload)


def test_a_discarded_upload_writes_nothing(foundation_actor):
    upload = roster_import_validate(actor=foundation_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS))
    roster_import_discard(actor=foundation_actor, roster_import=upload)
    with pytest.raises(IllegalTransition):
        roster_import_commit(actor=foundation_actor, roster_import=upload)
    assert RosterEntry.objects.count() == 0


def test_providers_cannot_upload_a_roster(sakura_actor):
    with pytest.raises(PermissionDenied):
        roster_import_validate(actor=sakura_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS))


def test_utf8_xlsx_like_upload_is_read_too(foundation_actor):
    upload = roster_import_validate(
        actor=foundation_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS, encoding="utf-8")
    )
    assert upload.encoding == "utf-8" and not upload.errors
