"""End-to-end (issue 6, "as a new user would"): a provider's admin uploads a CP932 victim list with bad rows and a
column the automatic mapping does not know, assigns it, sees every error, confirms, makes the letters and gets
their print file and mailing list, looks a person up by kana and birth date, and finds that look-up, with its
reason, in the organisation's audit log — in headless Chromium against the live server."""

import csv
import io

import pytest

from sonae.core.demo.loader import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN = "admin@midori-food.example.jp"
# 読み仮名 is no heading the mapping recognises: the user assigns it to フリガナ.
HEADER = "氏名,読み仮名,生年月日,郵便番号,住所,電話番号,患者ID,漏えい項目"
ROWS = [
    "鈴木　花子,ｽｽﾞｷ ﾊﾅｺ,昭和45年3月2日,100-0001,東京都千代田区千代田１丁目１番１号,03-1234-5678,P0001,氏名;生年月日;病歴",
    "山田 太郎,やまだ たろう,S50.4.1,1600023,東京都新宿区西新宿2丁目8番1号,090-1111-2222,P0002,氏名;住所",
    "佐藤 一郎,サトウ イチロウ,1980/12/24,2200012,神奈川県横浜市西区みなとみらい1-1-1,045-222-3333,P0003,氏名",
    ",タナカ ジロウ,1990-01-01,100-0002,東京都千代田区皇居外苑1-1,03-0000-0000,P0004,氏名",
    "高橋 三郎,タカハシ サブロウ,1970-13-45,100-0003,東京都千代田区丸の内1-1,03-1111-0000,P0005,氏名",
]


def _login(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", ADMIN)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _incident():
    from sonae.core.actors import Actor
    from sonae.core.models import Membership
    from sonae.incidents.services import incident_report

    membership = Membership.objects.select_related("organisation", "user").get(user__email=ADMIN)
    return incident_report(
        actor=Actor.from_membership(membership),
        channel="web",
        provider=membership.organisation,
        symptoms=["ransom_message"],
        title="配膳システムがランサムウェアに感染",
        data_items=["name", "medical_history"],
        persons_estimate=5,
        data_owner="own",
    )


def test_a_provider_imports_a_list_sends_letters_looks_a_person_up_and_finds_it_in_the_audit_log(
    page, live_server, tmp_path
):
    load_demo()
    incident = _incident()
    base = live_server.url
    path = tmp_path / "対象者一覧.csv"
    path.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp932"))
    _login(page, base)

    # Upload, then assign the column the mapping did not know.
    page.goto(f"{base}/victims/{incident.reference}/imports/")
    page.get_by_label("対象者リスト（CSV または Excel）").set_input_files(str(path))
    page.get_by_role("button", name="アップロードする").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label("読み仮名").input_value() == ""
    assert page.locator("select[name=col_0]").input_value() == "name"  # 氏名: recognised
    page.get_by_label("読み仮名").select_option(label="フリガナ")
    page.get_by_role("button", name="この割り当てで全行を検証する").click()
    page.wait_for_load_state("networkidle")

    # Every bad row, with its line, column and reason in Japanese; nothing imported yet.
    issues = page.get_by_role("region", name="エラーと重複（2件）").inner_text()
    assert "5\t氏名\t氏名が入力されていません。" in issues
    assert "6\t生年月日\t生年月日が存在しない日付です。" in issues
    from sonae.victims.models import Victim

    assert not Victim.objects.filter(incident=incident).exists()  # (the demo has cases of its own)
    page.get_by_role("button", name="確認して取り込む（3件＋チェックした重複）").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text("取り込み済み").first.wait_for()
    assert Victim.objects.filter(incident=incident).count() == 3

    # Letters: the print file (PDF) and the mailing list for the print vendor.
    page.goto(f"{base}/victims/{incident.reference}/letters/")
    page.get_by_role("button", name="作成を始める").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="取得").first.wait_for()
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="取得").first.click()
    with open(pdf_download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.select_option("select[name=kind]", "csv")
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="取得").first.click()
    with open(csv_download.value.path(), "rb") as handle:
        raw = handle.read()
    mailing = list(
        csv.reader(io.StringIO(raw.decode("utf-8-sig" if raw[:3] == b"\xef\xbb\xbf" else "cp932")))
    )
    listed = "\n".join(",".join(row) for row in mailing)
    assert (
        "鈴木 花子" in listed
        and "東京都千代田区千代田1丁目1番1号" in listed
        and "1000001" in listed.replace("-", "")
    )
    assert len(mailing) == 1 + 3

    # The call centre: a person found by kana (half-width, as the caller spells it) and a 和暦 birth date.
    page.goto(f"{base}/victims/{incident.reference}/lookup/")
    page.get_by_label("フリガナと生年月日").check()
    page.get_by_label("フリガナ", exact=True).fill("すずき はなこ")
    page.get_by_label("生年月日", exact=True).fill("S45.3.2")
    page.get_by_label("照会の理由").fill("本人からの電話（折り返し希望）")
    page.get_by_role("button", name="照会する").click()
    page.wait_for_load_state("networkidle")
    answer = page.get_by_role("region", name="結果").inner_text()
    assert "対象者です" in answer and "病歴" in answer

    # The look-up in the audit log, with its reason.
    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="監査ログ（操作と個人データへのアクセスの記録）").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("種類").select_option(label="個人データへのアクセス")
    page.get_by_role("button", name="表示").click()
    page.wait_for_load_state("networkidle")
    log = page.get_by_role("region", name="記録（", exact=False).inner_text()
    assert "個人データの照会（対象者の照会）" in log
    assert "本人からの電話（折り返し希望）" in log
    assert f"事案: {incident.reference}、方法: フリガナと生年月日、該当: 1" in log
