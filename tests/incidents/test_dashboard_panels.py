"""The dashboards show open cases per organisation and the desk queue, scoped like every other read."""

import pytest

pytestmark = pytest.mark.django_db


def test_provider_dashboard_lists_its_open_case(report, client_for):
    incident = report()
    page = client_for("provider").get("/dashboard/").content.decode()
    assert incident.reference in page


def test_other_provider_dashboard_does_not_list_the_case(report, client_for):
    incident = report()
    page = client_for("provider_b").get("/dashboard/").content.decode()
    assert incident.reference not in page
    assert "インシデントが報告されると" in page


def test_desk_dashboard_shows_the_queue(report, client_for):
    incident = report()
    page = client_for("desk").get("/dashboard/").content.decode()
    assert incident.reference in page
    assert "受付キューを開く" in page


def test_hospital_dashboard_does_not_list_cases(report, client_for):
    incident = report()
    page = client_for("hospital_b").get("/dashboard/").content.decode()
    assert incident.reference not in page
