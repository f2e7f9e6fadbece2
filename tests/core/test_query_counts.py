"""The notifications page reads a fixed number of queries whatever the number of notifications (issue 9 point 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import NotificationFactory
from tests.querycount import assert_no_query_per_row, reads

pytestmark = pytest.mark.django_db


def test_notifications_page_reads_a_fixed_number_of_queries(client, make_member):
    membership = make_member("provider")
    client.force_login(membership.user)
    client.get(reverse("core:notifications"))

    def notify(n):
        return NotificationFactory(
            user=membership.user,
            organisation=membership.organisation,
            title=f"期限のお知らせ{n}",
            body=f"本文{n}",
            url=reverse("core:notifications") if n % 2 else "",
            read_at=timezone.now() if n % 3 == 0 else None,
        ).title

    first = [notify(n) for n in range(3)]
    few = reads(client, reverse("core:notifications"))
    more = [notify(n) for n in range(3, 12)]
    many = reads(client, reverse("core:notifications"))
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


def test_api_notifications_read_a_fixed_number_of_queries(client, make_member):
    """The user's notifications through the API (a session: notifications belong to a user, not to a token)."""
    membership = make_member("provider")
    client.force_login(membership.user)
    client.get("/api/v1/notifications")

    def notify(n):
        return NotificationFactory(
            user=membership.user,
            organisation=membership.organisation if n % 2 else None,
            title=f"お知らせ{n}",
        ).title

    first = [notify(n) for n in range(3)]
    few = reads(client, "/api/v1/notifications")
    more = [notify(n) for n in range(3, 12)]
    many = reads(client, "/api/v1/notifications")
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)
