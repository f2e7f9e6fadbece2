from datetime import date

import pytest

from sonae.selfcheck import demo, selectors
from sonae.selfcheck.models import BcpPlan, ExposureEstimate, SelfCheck, VendorChecklist
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orgs():
    return OrganisationFactory(code="sakura-lab"), OrganisationFactory(code="aoba-transport")


def test_demo_load_is_idempotent(demo_orgs):
    demo.load()
    demo.load()
    assert SelfCheck.objects.count() == 2
    assert VendorChecklist.objects.count() == 2
    assert ExposureEstimate.objects.count() == 1
    assert BcpPlan.objects.count() == 1


def test_demo_gives_sakura_an_improving_score_a_complete_checklist_and_a_bcp(demo_orgs):
    sakura, _ = demo_orgs
    demo.load()
    past, recent = SelfCheck.objects.filter(organisation=sakura).order_by("taken_at")
    assert past.score < recent.score
    assert selectors.latest_score(sakura)[0] == recent.score
    checklist = selectors.latest_vendor_checklist(sakura)
    assert selectors.vendor_checklist_summary(checklist, date(2026, 11, 1)).complete
    plan = BcpPlan.objects.get(organisation=sakura)
    assert plan.status == "adopted" and selectors.bcp_missing(plan) == ()


def test_demo_gives_aoba_an_overdue_no_item(demo_orgs):
    _, aoba = demo_orgs
    demo.load()
    summary = selectors.vendor_checklist_summary(selectors.latest_vendor_checklist(aoba), date(2026, 11, 1))
    assert [o.item.code for o in summary.overdue] == ["backup_restore", "cyber_bcp"]
