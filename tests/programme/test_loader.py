import json

import pytest
from django.core.management import call_command

from sonae.core.errors import InvalidInput
from sonae.core.models import AuditEvent
from sonae.programme.models import ProgrammeYear
from sonae.programme.selectors import coverage_terms_for, terms_for
from sonae.programme.services import CREATED, UNCHANGED, UPDATED, programme_year_load, shipped_year_file

from .conftest import year_document

pytestmark = pytest.mark.django_db


def test_loading_a_year_file_stores_terms_and_version():
    document = year_document("2025")
    year, status = programme_year_load(document=document)
    assert status == CREATED
    year.refresh_from_db()
    assert year.terms_version == document["version"]
    assert terms_for(year).plan("A").liability_limit == 100_000_000
    assert coverage_terms_for(year, "B")["costs"]["limit"] == 100_000_000


def test_loading_the_same_file_twice_changes_nothing():
    programme_year_load(document=year_document("2025"))
    events = AuditEvent.objects.count()
    _, status = programme_year_load(document=year_document("2025"))
    assert status == UNCHANGED
    assert AuditEvent.objects.count() == events
    assert ProgrammeYear.objects.count() == 1


def test_loading_fills_a_year_created_with_dates_only():
    document = year_document("2025")
    ProgrammeYear.objects.create(
        code="2025",
        name="2025年度",
        period_start=document["period"]["start"],
        period_end=document["period"]["end"],
    )
    year, status = programme_year_load(document=document)
    assert status == UPDATED
    assert year.terms_version == document["version"]


def test_same_version_with_different_content_is_refused():
    programme_year_load(document=year_document("2025"))
    changed = year_document("2025")
    changed["rating"]["group_discount"] = 0.1
    with pytest.raises(InvalidInput) as exc:
        programme_year_load(document=changed)
    assert exc.value.field == "version"


def test_a_new_version_updates_the_year():
    programme_year_load(document=year_document("2025"))
    changed = year_document("2025")
    changed["rating"]["group_discount"] = 0.1
    changed["version"] = "2025.99"
    year, status = programme_year_load(document=changed)
    assert status == UPDATED
    assert str(terms_for(year).rating.group_discount) == "0.1"


def test_command_loads_files_and_prints_json(capsys):
    call_command("programme", "load", str(shipped_year_file("2025")), str(shipped_year_file("2026")))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["code"], line["status"]) for line in lines] == [("2025", "created"), ("2026", "created")]


def test_command_exits_2_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("programme", "load", str(bad))
    assert exc.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "invalid_input"
