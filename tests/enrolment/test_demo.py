import pytest

from sonae.core.demo.loader import load_demo
from sonae.enrolment.models import Application, Deposit, Policy, Quote, RosterEntry
from sonae.enrolment.selectors import policy_in_force
from sonae.programme.businesses import BY_CODE
from sonae.programme.models import ProgrammeYear

from .conftest import jst

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def demo(db, monkeypatch):
    """The core loader (organisations, users, years) with only this app's demo after it, so that another app's
    demo cannot make these tests fail."""
    from sonae.core.demo import loader
    from sonae.enrolment import demo as enrolment_demo

    monkeypatch.setattr(loader, "_load_app_demo_data", enrolment_demo.load)
    load_demo()


def test_demo_loads_the_terms_of_both_years(demo):
    import yaml

    from sonae.programme.services import shipped_year_file

    expected = {
        code: yaml.safe_load(shipped_year_file(code).read_text())["version"] for code in ("2025", "2026")
    }
    assert dict(ProgrammeYear.objects.values_list("code", "terms_version")) == expected


def test_demo_roster_covers_the_11_services(demo):
    assert RosterEntry.objects.count() == 30
    assert set(RosterEntry.objects.values_list("certifications__business", flat=True)) == set(BY_CODE)


def test_demo_providers_hold_a_policy_in_force_through_2025_and_2026(demo):
    from sonae.core.models import Organisation

    for code in ("sakura-lab", "aoba-transport", "midori-food"):
        organisation = Organisation.objects.get(code=code)
        for instant in (
            jst(2025, 10, 1, 16, 0),
            jst(2026, 3, 15, 12, 0),
            jst(2026, 11, 1, 9, 0),
            jst(2027, 9, 30),
        ):
            policy = policy_in_force(organisation, instant)
            assert policy is not None, (code, instant)
            assert organisation.corporate_number == policy.corporate_number
        assert policy_in_force(organisation, jst(2025, 10, 1, 15, 59, 59)) is None


def test_demo_has_businesses_at_every_funnel_step(demo):
    year = ProgrammeYear.objects.get(code="2026")
    quotes = Quote.objects.filter(programme_year=year)
    applications = Application.objects.filter(programme_year=year)
    assert quotes.filter(status=Quote.Status.ISSUED).exists()
    assert quotes.filter(status=Quote.Status.DECLINED).exists()
    for status in Application.Status.values:
        if status != "withdrawn":
            assert applications.filter(status=status).exists(), status
    assert applications.exclude(late_reason="").exists()
    assert Policy.objects.filter(programme_year=year, joining="mid_term").exists()
    assert Policy.objects.filter(programme_year=year, status=Policy.Status.CANCELLED).exists()
    assert Deposit.objects.filter(status=Deposit.Status.UNMATCHED).exists()
    assert any(a.payment_status == "partial" for a in applications)


def test_demo_is_idempotent(demo):
    counts = [m.objects.count() for m in (RosterEntry, Quote, Application, Deposit, Policy)]
    load_demo()
    assert [m.objects.count() for m in (RosterEntry, Quote, Application, Deposit, Policy)] == counts
