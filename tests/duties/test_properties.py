"""Properties of the engine that hold for every input (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sonae.duties.rules import CAUSES, DATA_ITEMS, assess, assessment_to_dict, parse_facts
from sonae.jp.calendar import ADMINISTRATIVE_CALENDAR, tokyo_date

OFFSETS = [timezone(timedelta(hours=h)) for h in (-5, 0, 9)]

instants = st.builds(
    lambda moment, tz: moment.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31)),
    st.sampled_from(OFFSETS),
)
item_lists = st.lists(st.sampled_from(sorted(DATA_ITEMS)), min_size=1, max_size=6, unique=True)
optional_bool = st.none() | st.booleans()


@st.composite
def fact_dicts(draw) -> dict:
    discovered = draw(instants)
    data = {
        "discovered_at": discovered.isoformat(),
        "role": draw(st.sampled_from(["controller", "contractor"])),
        "data_items": draw(item_lists),
        "persons": draw(st.integers(0, 3000)),
        "cause": draw(st.sampled_from(sorted(CAUSES))),
        "joint_report": draw(st.booleans()),
        "my_number_persons": draw(st.none() | st.integers(0, 300)),
        "unauthorized_purpose": draw(optional_bool),
        "financial_damage_risk": draw(optional_bool),
        "encrypted_high_level": draw(st.booleans()),
        "key_compromised": draw(st.booleans()),
        "exfiltration_evidence": draw(st.sampled_from(["confirmed", "unknown", "none_found"])),
        "backup_intact": draw(st.booleans()),
        "recipient_confirmed_deleted_unread": draw(st.booleans()),
        "publicly_viewable": draw(optional_bool),
        "data_scope": draw(st.sampled_from(["held", "being_acquired"])),
    }
    if draw(st.booleans()):
        data["entrusting_party_notified_at"] = (
            discovered + timedelta(hours=draw(st.integers(0, 24 * 20)))
        ).isoformat()
    return data


def run(data: dict) -> dict:
    return assessment_to_dict(assess(parse_facts(data)))


def _final_dues(output: dict) -> list[tuple[str, str]]:
    """(knowing date, final due) of every final report the output schedules."""
    dues = []
    appi = output["appi"]
    if appi["final_report_due"]:
        dues.append((output["knowing_date"], appi["final_report_due"]))
        dues.append((output["knowing_date"], appi["final_report_due_reading_b"]))
    if appi["entrusting_party"]:
        dues.append((appi["entrusting_party"]["knowing_date"], appi["entrusting_party"]["final_report_due"]))
    if output["my_number"]["final_report_due"]:
        dues.append((output["knowing_date"], output["my_number"]["final_report_due"]))
    return dues


@settings(max_examples=300, deadline=None)
@given(fact_dicts())
def test_final_due_date_is_never_a_closed_day_nor_before_knowing_plus_29(data):
    for knowing, due in _final_dues(run(data)):
        due_day = date.fromisoformat(due)
        assert ADMINISTRATIVE_CALENDAR.is_business_day(due_day)
        assert due_day >= date.fromisoformat(knowing) + timedelta(days=29)


@settings(max_examples=300, deadline=None)
@given(fact_dicts())
def test_reading_b_is_never_earlier_than_the_binding_due_date(data):
    appi = run(data)["appi"]
    if appi["final_report_due"]:
        assert appi["final_report_due_reading_b"] >= appi["final_report_due"]


@settings(max_examples=300, deadline=None)
@given(fact_dicts())
def test_contractor_that_notified_on_time_never_owes_its_own_report(data):
    data = dict(data, role="contractor")
    parsed = parse_facts(data)
    notified = parsed.entrusting_party_notified_at
    on_time = notified is not None and tokyo_date(notified) <= tokyo_date(parsed.discovered_at) + timedelta(
        days=4
    )
    appi = run(data)["appi"]
    if on_time:
        assert appi["reporting_mode"] != "own"
        if not parsed.joint_report:
            assert appi["ppc_report_required"] is False
            assert appi["individual_notice_required"] is False


@settings(max_examples=300, deadline=None)
@given(fact_dicts(), st.sampled_from(sorted(DATA_ITEMS)))
def test_adding_a_data_item_never_removes_a_category(data, extra):
    before = run(data)
    after = run(dict(data, data_items=[*data["data_items"], extra]))
    assert set(before["appi"]["categories"]) <= set(after["appi"]["categories"])
    assert set(before["my_number"]["categories"]) <= set(after["my_number"]["categories"])


@settings(max_examples=300, deadline=None)
@given(fact_dicts(), st.integers(0, 5000))
def test_more_persons_never_removes_a_category(data, more):
    before = run(data)
    after = run(dict(data, persons=data["persons"] + more))
    assert set(before["appi"]["categories"]) <= set(after["appi"]["categories"])
    assert set(before["my_number"]["categories"]) <= set(after["my_number"]["categories"])


@settings(max_examples=300, deadline=None)
@given(fact_dicts())
def test_every_duty_carries_its_basis_and_consistent_dates(data):
    output = run(data)
    appi, my_number = output["appi"], output["my_number"]
    assert appi["basis"]
    assert appi["categories"] == sorted(appi["categories"])
    assert my_number["categories"] == sorted(my_number["categories"])
    assert appi["reportable_situation"] == bool(appi["categories"])
    if appi["ppc_report_required"]:
        knowing = date.fromisoformat(output["knowing_date"])
        assert appi["preliminary_report_target"] == (knowing + timedelta(days=4)).isoformat()
        assert appi["final_period_days"] == (60 if "unauthorized_purpose" in appi["categories"] else 30)
    else:
        assert appi["preliminary_report_target"] is None and appi["final_report_due"] is None
    if my_number["applicable"]:
        assert my_number["basis"]
    assert my_number["report_required"] == bool(my_number["categories"])
    assert appi["reporting_mode"] in {"own", "joint", "via_entrusting_party", "none"}
