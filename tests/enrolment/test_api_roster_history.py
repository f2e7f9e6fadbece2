"""API: a roster entry's change history (the roster entry page's last 20 changes)."""

from __future__ import annotations

import pytest

from .test_api import bearer

pytestmark = pytest.mark.django_db


def _history(client, entry, headers):
    return client.get(f"/api/v1/enrolment/roster/{entry.pk}/history", headers=headers)


def test_the_foundation_reads_an_entrys_changes_newest_first(client, sakura_entry, foundation_org):
    sakura_entry.name = "株式会社さくら臨床検査センター"
    sakura_entry.address = "東京都千代田区2-2"
    sakura_entry.save()

    response = _history(client, sakura_entry, bearer(foundation_org, "viewer"))

    assert response.status_code == 200, response.content
    changed, created = response.json()
    assert (changed["change"], changed["change_label"]) == ("~", "変更")
    assert changed["name"] == "株式会社さくら臨床検査センター" and changed["address"] == "東京都千代田区2-2"
    assert (created["change"], created["change_label"], created["name"]) == (
        "+",
        "登録",
        "株式会社さくら臨床検査",
    )
    assert changed["corporate_number"] == sakura_entry.corporate_number
    assert changed["changed_at"] >= created["changed_at"]


def test_the_history_stops_at_the_last_20_changes_as_on_the_page(client, sakura_entry, agency):
    for n in range(22):
        sakura_entry.name_kana = f"サクラ{n}"
        sakura_entry.save()

    rows = _history(client, sakura_entry, bearer(agency, "viewer")).json()

    assert len(rows) == 20
    assert rows[0]["name_kana"] == "サクラ21" and rows[-1]["name_kana"] == "サクラ2"


def test_a_provider_may_not_read_the_roster_history(client, sakura_entry, sakura):
    response = _history(client, sakura_entry, bearer(sakura, "admin"))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_an_unknown_entry_is_404(client, sakura_entry, foundation_org):
    response = client.get("/api/v1/enrolment/roster/999999/history", headers=bearer(foundation_org, "viewer"))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
