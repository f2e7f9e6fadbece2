"""The contract ``sonae desk sla --received ISO`` (DESIGN.md §6), driven through call_command."""

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError, ProgrammingError

from sonae.incidents.sla import SlaPolicy
from sonae.jp.calendar import TOKYO, BusinessCalendar
from sonae.programme.models import ProgrammeYear


def run(*args):
    """(exit code, raw stdout) of ``sonae desk ...``."""
    out = io.StringIO()
    try:
        call_command("desk", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue()


def run_json(*args):
    code, raw = run(*args)
    return code, json.loads(raw)


@pytest.fixture
def no_programme_year(monkeypatch):
    """No programme year in force: the command must use the defaults."""
    calls = []

    def desk_policy_at(instant):
        calls.append(instant)
        return None

    monkeypatch.setattr("sonae.programme.selectors.desk_policy_at", desk_policy_at)
    return calls


# (received, handling_starts_at, first_response_due) under the defaults.
CONTRACT_CASES = [
    ("2025-12-31T18:00:00+09:00", "2026-01-05T09:00:00+09:00", "2026-01-05T10:00:00+09:00"),
    ("2025-10-17T18:00:00+09:00", "2025-10-20T09:00:00+09:00", "2025-10-20T10:00:00+09:00"),  # Friday 18:00
    ("2025-10-10T18:30:00+09:00", "2025-10-14T09:00:00+09:00", "2025-10-14T10:00:00+09:00"),  # holiday Monday
    ("2025-10-18T11:00:00+09:00", "2025-10-20T09:00:00+09:00", "2025-10-20T10:00:00+09:00"),  # Saturday
    ("2025-07-21T10:00:00+09:00", "2025-07-22T09:00:00+09:00", "2025-07-22T10:00:00+09:00"),  # on a holiday
    ("2025-12-28T17:30:00+09:00", "2026-01-05T09:00:00+09:00", "2026-01-05T10:00:00+09:00"),
    ("2026-12-28T17:30:00+09:00", "2027-01-04T09:00:00+09:00", "2027-01-04T10:00:00+09:00"),
    ("2026-01-04T10:00:00+09:00", "2026-01-05T09:00:00+09:00", "2026-01-05T10:00:00+09:00"),
    ("2027-01-04T08:00:00+09:00", "2027-01-04T09:00:00+09:00", "2027-01-04T10:00:00+09:00"),
    ("2025-05-02T17:00:00+09:00", "2025-05-07T09:00:00+09:00", "2025-05-07T10:00:00+09:00"),  # Golden Week
    ("2026-05-01T18:00:00+09:00", "2026-05-07T09:00:00+09:00", "2026-05-07T10:00:00+09:00"),
    ("2025-10-01T16:30:00+09:00", "2025-10-01T16:30:00+09:00", "2025-10-02T09:30:00+09:00"),
    ("2025-10-01T16:00:00+09:00", "2025-10-01T16:00:00+09:00", "2025-10-01T17:00:00+09:00"),
    ("2025-10-01T09:00:00+09:00", "2025-10-01T09:00:00+09:00", "2025-10-01T10:00:00+09:00"),
    ("2025-10-01T17:00:00+09:00", "2025-10-02T09:00:00+09:00", "2025-10-02T10:00:00+09:00"),
]


@pytest.mark.usefixtures("no_programme_year")
@pytest.mark.parametrize(("received", "starts", "due"), CONTRACT_CASES)
def test_sla_contract_cases(received, starts, due):
    code, payload = run_json("sla", "--received", received)
    assert code == 0
    assert payload == {"received_at": received, "handling_starts_at": starts, "first_response_due": due}


@pytest.mark.usefixtures("no_programme_year")
def test_sla_prints_exactly_one_json_object_with_the_contract_keys_in_order():
    code, raw = run("sla", "--received", "2025-12-31T18:00:00+09:00")
    assert code == 0
    assert raw == (
        '{"received_at": "2025-12-31T18:00:00+09:00", "handling_starts_at": "2026-01-05T09:00:00+09:00", '
        '"first_response_due": "2026-01-05T10:00:00+09:00"}\n'
    )


@pytest.mark.usefixtures("no_programme_year")
@pytest.mark.parametrize(
    ("received", "expected_received"),
    [
        ("2025-10-01T07:30:00Z", "2025-10-01T16:30:00+09:00"),
        ("2025-10-01T07:30:00+00:00", "2025-10-01T16:30:00+09:00"),
        ("2025-10-01T02:30:00-05:00", "2025-10-01T16:30:00+09:00"),
        ("2025-10-01 16:30+09:00", "2025-10-01T16:30:00+09:00"),
        ("20251001T163000+0900", "2025-10-01T16:30:00+09:00"),
    ],
)
def test_sla_shows_every_instant_in_tokyo(received, expected_received):
    code, payload = run_json("sla", "--received", received)
    assert code == 0
    assert payload["received_at"] == expected_received
    assert payload["first_response_due"] == "2025-10-02T09:30:00+09:00"


@pytest.mark.usefixtures("no_programme_year")
def test_sla_drops_sub_second_parts_without_rounding_up():
    code, payload = run_json("sla", "--received", "2025-10-01T16:59:59.999999+09:00")
    assert code == 0
    assert payload == {
        "received_at": "2025-10-01T16:59:59+09:00",
        "handling_starts_at": "2025-10-01T16:59:59+09:00",
        "first_response_due": "2025-10-02T09:59:59+09:00",
    }


def test_sla_asks_the_programme_for_the_policy_at_the_received_instant(no_programme_year):
    run_json("sla", "--received", "2025-10-01T07:30:00Z")
    assert no_programme_year == [datetime(2025, 10, 1, 16, 30, tzinfo=TOKYO)]


def test_sla_uses_the_programme_years_policy(monkeypatch):
    policy = SlaPolicy(BusinessCalendar(extra_closed=frozenset({date(2025, 10, 20)})), response_minutes=120)
    monkeypatch.setattr("sonae.programme.selectors.desk_policy_at", lambda instant: policy)
    code, payload = run_json("sla", "--received", "2025-10-17T18:00:00+09:00")
    assert code == 0
    assert payload["handling_starts_at"] == "2025-10-21T09:00:00+09:00"
    assert payload["first_response_due"] == "2025-10-21T11:00:00+09:00"


@pytest.mark.parametrize(
    "error", [OperationalError("no such table: programme_programmeyear"), ProgrammingError("x")]
)
def test_sla_falls_back_to_the_defaults_on_a_fresh_database(monkeypatch, error):
    def desk_policy_at(instant):
        raise error

    monkeypatch.setattr("sonae.programme.selectors.desk_policy_at", desk_policy_at)
    code, payload = run_json("sla", "--received", "2025-12-31T18:00:00+09:00")
    assert code == 0
    assert payload["handling_starts_at"] == "2026-01-05T09:00:00+09:00"
    assert payload["first_response_due"] == "2026-01-05T10:00:00+09:00"


def test_sla_falls_back_to_the_defaults_without_the_programme_selectors(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sonae.programme.selectors", None)  # import now raises ImportError
    code, payload = run_json("sla", "--received", "2025-12-31T18:00:00+09:00")
    assert code == 0
    assert payload["first_response_due"] == "2026-01-05T10:00:00+09:00"


# --- against the real programme data -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sla_with_no_programme_year_in_the_database_uses_the_defaults():
    code, payload = run_json("sla", "--received", "2025-12-31T18:00:00+09:00")
    assert code == 0
    assert payload["first_response_due"] == "2026-01-05T10:00:00+09:00"


@pytest.mark.django_db
def test_sla_uses_the_programme_year_in_force_in_the_database():
    ProgrammeYear.objects.create(
        code="TEST2025",
        name="テスト年度",
        period_start=datetime(2025, 10, 1, 7, 0, tzinfo=UTC),
        period_end=datetime(2026, 10, 1, 7, 0, tzinfo=UTC),
        closure_days=["12-29", "12-30", "12-31", "01-01", "01-02", "01-03", "01-05"],
        desk_response_minutes=90,
    )
    code, payload = run_json("sla", "--received", "2025-12-31T18:00:00+09:00")
    assert code == 0
    assert payload["handling_starts_at"] == "2026-01-06T09:00:00+09:00"
    assert payload["first_response_due"] == "2026-01-06T10:30:00+09:00"
    # Before the year's period: the defaults.
    code, payload = run_json("sla", "--received", "2025-09-30T18:00:00+09:00")
    assert payload["first_response_due"] == "2025-10-01T10:00:00+09:00"


# --- bad input --------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_programme_year")
@pytest.mark.parametrize(
    ("args", "message_part"),
    [
        (("sla",), "--received"),
        (("sla", "--received"), "--received"),
        (("sla", "--received="), "--received"),
        (("sla", "--received", "   "), "--received"),
        (("sla", "--received", "nonsense"), "ISO 8601"),
        (("sla", "--received", "2025/12/31 18:00+09:00"), "ISO 8601"),
        (("sla", "--received", "2025-12-32T18:00:00+09:00"), "ISO 8601"),
        (("sla", "--received", "2025-12-31T18:00:00"), "時差"),
        (("sla", "--received", "2025-12-31"), "時差"),
        (("sla", "--received", "9999-12-31T18:00:00+09:00"), "範囲"),
    ],
)
def test_sla_bad_input_exits_2_with_a_json_error(args, message_part):
    code, payload = run_json(*args)
    assert code == 2
    assert list(payload) == ["error"]
    error = payload["error"]
    assert list(error) == ["code", "field", "message"]
    assert error["code"] == "invalid_input"
    assert error["field"] == "received"
    assert message_part in error["message"]
