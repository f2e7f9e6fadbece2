import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.duties.rules import CAUSES, DATA_ITEMS
from sonae.incidents.triage import (
    CATEGORIES,
    FLYER_SYMPTOMS,
    SYMPTOMS,
    UnknownCode,
    category_for,
    cause_for,
    first_actions,
    severity_for,
    triage,
)

CATEGORY_CASES = [
    (["ransom_message"], "ransomware"),
    (["data_encrypted"], "ransomware"),
    (["data_encrypted", "data_leaking", "suspicious_attachment"], "ransomware"),
    (["website_defaced"], "website_compromise"),
    (["website_attacked", "data_leaking"], "website_compromise"),
    (["insider", "data_leaking"], "insider"),
    (["lost_or_stolen"], "loss_theft"),
    (["misdelivery"], "misdelivery"),
    (["suspicious_attachment"], "malware"),
    (["suspicious_attachment", "spoofed_email"], "malware"),
    (["spoofed_email"], "impersonation"),
    (["spoofed_email", "told_by_outsider"], "impersonation"),
    (["data_leaking"], "unauthorized_access"),
    (["told_by_outsider"], "unauthorized_access"),
    (["other"], "other"),
    ([], "other"),
]


@pytest.mark.parametrize(("symptoms", "category"), CATEGORY_CASES)
def test_category_follows_the_first_matching_rule(symptoms, category):
    assert category_for(symptoms) == category


SEVERITY_CASES = [
    # (category, data items, persons, severity)
    ("ransomware", [], None, 2),
    ("ransomware", ["name", "test_results"], 5000, 1),
    ("ransomware", ["name", "address"], 5000, 1),
    ("ransomware", ["name"], 10, 2),
    ("unauthorized_access", ["credit_card"], 3, 1),
    ("loss_theft", ["name", "ward", "hospital_visit"], 30, 2),
    ("loss_theft", ["name"], 30, 3),
    ("misdelivery", ["name", "diet_order"], 2, 3),
    ("misdelivery", ["name", "address", "phone"], 800, 4),
    ("misdelivery", ["name"], 1000, 3),
    ("misdelivery", ["name"], 999, 4),
    ("malware", ["my_number"], 120, 2),
    ("other", [], None, 4),
    ("insider", ["medical_history"], 2000, 1),
]


@pytest.mark.parametrize(("category", "items", "persons", "severity"), SEVERITY_CASES)
def test_severity_table(category, items, persons, severity):
    assert severity_for(category, items, persons) == severity


@given(
    st.sampled_from(list(CATEGORIES)),
    st.lists(st.sampled_from(list(DATA_ITEMS)), max_size=6),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
)
def test_severity_is_always_between_one_and_four(category, items, persons):
    assert 1 <= severity_for(category, items, persons) <= 4


@given(st.sampled_from(list(CATEGORIES)), st.lists(st.sampled_from(list(DATA_ITEMS)), max_size=6))
def test_more_persons_never_makes_an_incident_less_severe(category, items):
    assert severity_for(category, items, 5000) <= severity_for(category, items, 5)


def test_ransomware_first_actions_say_disconnect_keep_power_keep_note_do_not_pay():
    text = "\n".join(first_actions("ransomware"))
    for phrase in ("ネットワークから切り離", "電源は切らず", "脅迫文", "身代金は支払わず", "デスク"):
        assert phrase in text


def test_lost_bag_first_actions_say_list_contents_police_and_stop_cards():
    text = "\n".join(first_actions("loss_theft"))
    for phrase in ("中身", "警察", "利用停止"):
        assert phrase in text


def test_entrusted_data_adds_the_report_to_the_entrusting_party():
    assert not any("委託元" in action for action in first_actions("misdelivery"))
    assert any("委託元" in action for action in first_actions("misdelivery", entrusted=True))


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_every_category_has_first_actions_ending_with_the_desk(category):
    actions = first_actions(category)
    assert len(actions) >= 3
    assert "デスク" in actions[-1]


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_cause_suggestion_is_a_duties_cause_code(category):
    assert cause_for(category) in CAUSES


@pytest.mark.parametrize(
    ("category", "cause"),
    [
        ("ransomware", "ransomware"),
        ("loss_theft", "loss"),
        ("misdelivery", "misdelivery"),
        ("insider", "insider_theft"),
    ],
)
def test_cause_suggestion_table(category, cause):
    assert cause_for(category) == cause


def test_flyer_checklist_has_eight_items_and_four_sector_additions():
    assert len(FLYER_SYMPTOMS) == 8
    assert set(SYMPTOMS) - set(FLYER_SYMPTOMS) == {"lost_or_stolen", "misdelivery", "insider", "other"}


def test_unknown_symptom_is_refused_with_its_code():
    with pytest.raises(UnknownCode) as info:
        category_for(["ransom_message", "alien_invasion"])
    assert info.value.field == "symptoms"
    assert info.value.codes == ["alien_invasion"]


def test_unknown_data_item_is_refused():
    with pytest.raises(UnknownCode) as info:
        severity_for("ransomware", ["blood_type"], 1)
    assert info.value.field == "data_items"


def test_triage_combines_all_four_answers():
    result = triage(["ransom_message"], ["name", "test_results"], 5000, entrusted=True)
    assert (result.category, result.severity, result.cause) == ("ransomware", 1, "ransomware")
    assert any("委託元" in action for action in result.first_actions)
