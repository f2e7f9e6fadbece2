import pytest

from sonae.core.demo.loader import load_demo
from sonae.incidents.models import HospitalNotice, Incident, Vendor


@pytest.fixture
def demo(db, mailoutbox):
    load_demo()
    return mailoutbox


def test_demo_has_three_cases_in_different_states(demo):
    states = dict(Incident.objects.values_list("reference", "status"))
    assert states == {"INC-DEMO-0001": "responding", "INC-DEMO-0002": "triaged", "INC-DEMO-0003": "closed"}


def test_demo_ransomware_case_matches_the_story(demo):
    incident = Incident.objects.get(reference="INC-DEMO-0001")
    assert incident.provider.code == "sakura-lab"
    assert incident.category == "ransomware" and incident.channel == "phone"
    assert incident.entrusting_hospital.code == "minato-hospital"
    assert incident.persons_estimate == 5000 and "test_results" in incident.data_items
    assert incident.tasks.count() > 10
    notice = incident.hospital_notices.get()
    assert notice.sent_at is not None and notice.acknowledged_at is None


def test_demo_lost_bag_and_fax(demo):
    bag = Incident.objects.get(reference="INC-DEMO-0002")
    assert (bag.provider.code, bag.category, bag.entrusting_hospital.code) == (
        "aoba-transport",
        "loss_theft",
        "kawase-hospital",
    )
    assert set(bag.data_items) >= {"ward", "hospital_visit"} and bag.persons_estimate == 30
    fax = Incident.objects.get(reference="INC-DEMO-0003")
    assert (fax.provider.code, fax.category, fax.persons_estimate) == ("midori-food", "misdelivery", 2)
    assert "diet_order" in fax.data_items


def test_demo_is_idempotent_and_sends_no_mail(demo):
    load_demo()
    assert Incident.objects.count() == 3
    assert HospitalNotice.objects.count() == 2
    assert Vendor.objects.count() == 6
    assert demo == []
