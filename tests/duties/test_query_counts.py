"""The 法的対応 tab of a case reads a fixed number of queries whatever the number of versions and recorded duties
(issue 9 point 5)."""

from __future__ import annotations

import pytest

from tests.duties.conftest import LOST_BAG, jst
from tests.querycount import assert_no_query_per_row, reads

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["provider", "desk", "agency"])
def test_duties_tab_reads_a_fixed_number_of_queries(world, incident, assess_case, client_for, who):
    from django.urls import reverse

    from sonae.duties.models import DutyItem
    from sonae.duties.services import duty_mark_done

    url = reverse("duties:case", args=[incident.reference])
    client = client_for(who)
    client.get(url)
    assess_case(incident)
    few = reads(client, url)
    for persons in (31, 32, 33, 34):
        assess_case(incident, {**LOST_BAG, "persons": persons}, actor="desk" if persons % 2 else "provider")
    # Not the notice to the hospital: marking it makes its time a fact, and the page then skips a look-up.
    items = [
        i
        for i in DutyItem.objects.filter(incident=incident)
        .exclude(kind="entrusting_party_notice")
        .order_by("pk")
        if not i.informational
    ]
    for n, item in enumerate(items[:3]):
        duty_mark_done(
            actor=world.actor("provider" if n % 2 else "desk"),
            item=item,
            done_at=jst(2026, 3, 11, 9, n),
            reference=f"REF-{n}",
        )
    many = reads(client, url)
    assert few.shows("第1版") and many.shows("第5版", "REF-0", "REF-1", "REF-2")
    if who != "agency":  # summary readers see the checklist, not the history
        assert many.shows(*(f"第{n}版" for n in range(1, 6)))
    assert_no_query_per_row(few, many)
