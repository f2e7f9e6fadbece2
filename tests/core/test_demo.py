import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from sonae.core.demo.loader import DEMO_PASSWORD, ORGANISATIONS, current_totp_code, load_demo
from sonae.core.models import Membership, Organisation, User
from sonae.programme.models import ProgrammeYear

pytestmark = pytest.mark.django_db


def test_demo_creates_one_organisation_of_each_kind_with_admin_and_staff():
    load_demo()
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {"provider", "agency", "insurer", "desk", "foundation", "hospital"}
    for org in Organisation.objects.filter(code__in=[code for code, *_ in ORGANISATIONS]):
        roles = set(Membership.objects.filter(organisation=org).values_list("role", flat=True))
        assert {"admin", "staff"} <= roles


def test_demo_is_idempotent():
    load_demo()
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Authenticator.objects.count(),
    )
    load_demo()
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Authenticator.objects.count(),
    )


def test_demo_programme_years_match_the_flyer():
    load_demo()
    y2025 = ProgrammeYear.objects.get(code="2025")
    assert y2025.period_start.isoformat() == "2025-10-01T07:00:00+00:00"  # 16:00 JST
    assert y2025.period_end.isoformat() == "2026-10-01T07:00:00+00:00"
    assert str(y2025.application_deadline) == "2025-09-16"
    y2026 = ProgrammeYear.objects.get(code="2026")
    assert y2026.period_start.isoformat() == "2026-10-01T07:00:00+00:00"


def test_demo_staff_of_agency_insurer_and_desk_have_totp_and_a_current_code():
    load_demo()
    for code in ("sonae-agency", "hinode-insurance", "cyber-desk"):
        email = f"staff@{code}.example.jp"
        generated = current_totp_code(email)
        assert generated is not None and len(generated) == 6 and generated.isdigit()
    assert current_totp_code("staff@sakura-lab.example.jp") is None


def test_demo_users_log_in_with_the_printed_password(client):
    load_demo()
    response = client.post(
        "/accounts/login/", {"login": "staff@sakura-lab.example.jp", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["organisation"]["code"] == "sakura-lab"


def test_demo_command_no_serve_prints_logins(capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert "staff@sonae-agency.example.jp" in out
    assert "sonae demo code" in out


def test_demo_code_command_prints_six_digits(capsys):
    load_demo()
    call_command("demo", "code", "admin@cyber-desk.example.jp")
    assert capsys.readouterr().out.strip().isdigit()
