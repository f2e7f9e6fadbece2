"""The checklist, the citations in Japanese and the version diff (pure: no database)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sonae.duties.checklist import checklist_lines, headline
from sonae.duties.diff import diff_facts, diff_results
from sonae.duties.explain import READINGS, all_anchors
from sonae.duties.labels import basis_label, format_value
from sonae.duties.rules import CAUSES, DATA_ITEMS, assess_json_payload
from sonae.duties.specs import DUTY_ANCHORS, duty_specs
from sonae.jp.calendar import TOKYO
from tests.duties.conftest import FAX, LOST_BAG


def _result(facts: dict) -> dict:
    output, ok = assess_json_payload(facts)
    assert ok, output
    return output


def _texts(facts: dict, party: str = "みなと総合病院") -> list[str]:
    return [line.text for line in checklist_lines(_result(facts), facts, party)]


@pytest.mark.parametrize(
    ("basis", "label", "anchor"),
    [
        ("APPI art. 26(1)", "個人情報保護法26条1項", "appi-26"),
        ("Enforcement Rules art. 7(i)", "個人情報保護法施行規則7条1号", "rule-7"),
        ("Enforcement Rules art. 7(iv)", "個人情報保護法施行規則7条4号", "rule-7"),
        ("Enforcement Rules art. 8(2)", "個人情報保護法施行規則8条2項", "rule-8"),
        ("Enforcement Rules art. 9", "個人情報保護法施行規則9条", "rule-9"),
        ("My Number Act art. 29-4(1)", "番号法29条の4第1項", "my-number"),
        ("My Number Rule art. 2(iv)", "番号法の漏えい等報告規則2条4号", "my-number"),
        ("PPC guidelines (general) 3-5-1", "個人情報保護委員会ガイドライン（通則編）3-5-1", "exceptions"),
        ("PPC Q&A 6-1", "個人情報保護委員会Q&A 6-1", "exceptions"),
        ("PPC My Number Q&A 17-14", "個人情報保護委員会 番号法Q&A 17-14", "my-number"),
        ("Sonae reading R17", "Sonae解釈R17", "r17"),
    ],
)
def test_citations_read_in_japanese_with_their_explanation(basis, label, anchor):
    assert basis_label(basis) == (label, anchor)


def test_every_reading_r1_to_r17_is_explained():
    assert [entry.anchor for entry in READINGS] == [f"r{n}" for n in range(1, 18)]
    assert set(DUTY_ANCHORS.values()) <= all_anchors()


_instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=TOKYO)
)


@st.composite
def contract_facts(draw) -> dict:
    discovered = draw(_instants)
    role = draw(st.sampled_from(["controller", "contractor"]))
    facts = {
        "discovered_at": discovered.isoformat(),
        "role": role,
        "data_items": draw(
            st.lists(st.sampled_from(sorted(DATA_ITEMS)), min_size=1, max_size=5, unique=True)
        ),
        "persons": draw(st.integers(0, 3000)),
        "cause": draw(st.sampled_from(sorted(CAUSES))),
        "encrypted_high_level": draw(st.booleans()),
        "key_compromised": draw(st.booleans()),
        "backup_intact": draw(st.booleans()),
        "recipient_confirmed_deleted_unread": draw(st.booleans()),
        "exfiltration_evidence": draw(st.sampled_from(["confirmed", "unknown", "none_found"])),
        "data_scope": draw(st.sampled_from(["held", "being_acquired"])),
        "publicly_viewable": draw(st.sampled_from([None, True, False])),
    }
    if role == "contractor":
        facts["joint_report"] = draw(st.booleans())
        hours = draw(st.none() | st.integers(0, 24 * 10))
        if hours is not None:
            facts["entrusting_party_notified_at"] = (discovered + timedelta(hours=hours)).isoformat()
    return facts


@settings(max_examples=300, deadline=None)
@given(contract_facts())
def test_every_line_cites_rules_the_explain_page_explains(facts):
    result = _result(facts)
    anchors = all_anchors()
    lines = checklist_lines(result, facts, "みなと総合病院")
    assert lines, "the checklist always says something"
    for line in lines:
        assert line.text
        assert not line.anchor or line.anchor in anchors
        for cited in line.basis:
            assert cited["anchor"] in anchors, cited
    for code in result["appi"]["basis"] + result["my_number"]["basis"]:
        assert basis_label(code)[1] in anchors, code
    assert headline(result, facts, "みなと総合病院")


@settings(max_examples=300, deadline=None)
@given(contract_facts())
def test_a_required_report_always_has_its_date(facts):
    for spec in duty_specs(_result(facts)):
        if spec.required and spec.due_type in ("target", "deadline"):
            assert spec.due_date is not None, spec


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            FAX,
            [
                "個人情報保護委員会への速報：目安 2025年10月10日（金）",
                "確報：2025年11月4日（火）まで（発覚日を1日目として30日。翌日起算の場合 11月5日）",
                "本人への通知：速やかに",
            ],
        ),
        (
            {**LOST_BAG, "entrusting_party_notified_at": "2026-03-12T10:00:00+09:00"},
            [
                "委託元への通知：2026年3月12日に通知済み（目安 2026年3月14日まで）",
                "個人情報保護委員会への報告：不要（委託元への通知により、委託元が報告します）",
                "本人への通知：委託元が行います（当社の通知義務はありません）",
                "（参考）委託元の速報：目安 2026年3月16日（月）",
                "（参考）委託元の確報：2026年4月10日（金）まで",
            ],
        ),
        (
            {  # contract example 2: ransomware, 60 days
                "discovered_at": "2025-12-20T09:00:00+09:00",
                "role": "controller",
                "data_items": ["name", "address", "medication"],
                "persons": 5000,
                "cause": "ransomware",
            },
            [
                "個人情報保護委員会への速報：目安 2025年12月24日（水）",
                "確報：2026年2月17日（火）まで（発覚日を1日目として60日。翌日起算の場合 2月18日）",
            ],
        ),
        (
            {  # contract example 4: nothing reportable
                "discovered_at": "2025-10-06T10:00:00+09:00",
                "role": "controller",
                "data_items": ["name", "address", "phone"],
                "persons": 800,
                "cause": "misdelivery_email",
            },
            ["個人情報保護委員会への報告：不要（報告対象の事態に当たりません）"],
        ),
        (
            {  # contract example 6: My Number only
                "discovered_at": "2026-06-01T10:00:00+09:00",
                "role": "controller",
                "data_items": ["name", "my_number", "salary"],
                "persons": 120,
                "cause": "misdelivery_email",
            },
            [
                "個人情報保護委員会への報告：不要（報告対象の事態に当たりません）",
                "マイナンバー法の速報：目安 2026年6月5日（金）",
                "マイナンバー法の確報：2026年6月30日（火）まで（発覚日を1日目として30日）",
                "マイナンバー法による本人への通知：速やかに",
            ],
        ),
    ],
)
def test_checklist_lines_for_the_contracts_examples(facts, expected):
    texts = _texts(facts)
    for line in expected:
        assert line in texts


def test_a_contractor_sees_the_notice_to_the_hospital_first():
    texts = _texts(LOST_BAG)
    assert texts[1] == "委託元への通知：2026年3月14日までに"
    assert "まず、みなと総合病院（委託元）へ2026年3月14日までに通知してください。" in headline(
        _result(LOST_BAG), LOST_BAG, "みなと総合病院"
    )


def test_reading_b_on_the_same_day_is_said_so():
    # Knowing 2025-12-01: day 30 is 12-30 (closed) → 2026-01-05; reading B (12-31) rolls to the same day.
    facts = {**FAX, "discovered_at": "2025-12-01T10:00:00+09:00"}
    assert "確報：2026年1月5日（月）まで（発覚日を1日目として30日。翌日起算でも同じ日）" in _texts(facts)


def test_the_diff_names_changed_fields_in_japanese():
    before, after = dict(LOST_BAG), {**LOST_BAG, "persons": 1200, "cause": "theft"}
    rows = {row.label: (row.before, row.after) for row in diff_facts(before, after)}
    assert rows == {
        "本人の数（推計の場合は上限）": ("30人", "1,200人"),
        "原因": (
            "紛失（かばん・端末・書類、輸送中の紛失）",
            "外部の者による盗難（かばん・端末・書類、車上荒らし等）",
        ),
    }
    result_rows = {
        row.label: (row.before, row.after) for row in diff_results(_result(before), _result(after))
    }
    assert result_rows["確報の期限"] == ("2026年4月8日（水）", "2026年5月8日（金）")
    assert result_rows["確報までの日数"] == ("30日", "60日")


def test_the_diff_shows_the_entrusting_partys_block_appearing():
    after = {**LOST_BAG, "entrusting_party_notified_at": "2026-03-12T10:00:00+09:00"}
    rows = {row.label: (row.before, row.after) for row in diff_results(_result(LOST_BAG), _result(after))}
    assert rows["委託元の確報の期限"] == ("—", "2026年4月10日（金）")
    assert rows["報告の方法"] == ("自ら報告する", "委託元への通知により自らの報告は不要（委託元が報告）")


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("unauthorized_purpose", None, "原因・項目から判定"),
        ("unauthorized_purpose", True, "はい"),
        ("joint_report", False, "いいえ"),
        ("discovered_at", "2026-03-10T18:00:00+09:00", "2026年3月10日 18:00"),
        ("data_items", ["name", "ward"], "氏名、病棟・病室"),
        ("appi.final_report_due", "2026-04-08", "2026年4月8日（水）"),
        ("my_number_persons", None, "—"),
    ],
)
def test_values_read_in_japanese(field, value, text):
    assert format_value(field, value) == text
