import pytest

from sonae.core.models import User

from .helpers import quoted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["rosterentry", "rosterimport", "quote", "application", "depositimport", "deposit", "policy"],
)
def test_admin_lists_enrolment_records(client, model, year_2025, sakura, sakura_actor, sakura_entry):
    quoted(sakura_actor, sakura, year_2025)
    admin = User.objects.create_superuser(email="root@example.jp", password="x" * 12)
    client.force_login(admin)
    assert client.get(f"/admin/enrolment/{model}/").status_code == 200


def test_programme_year_admin_refuses_terms_that_disagree_with_the_dates(client, year_2025):
    admin = User.objects.create_superuser(email="root@example.jp", password="x" * 12)
    client.force_login(admin)
    url = f"/admin/programme/programmeyear/{year_2025.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(
        {
            "period_start_0": "2025-10-02",
            "period_start_1": "16:00:00",
            "period_end_0": "2026-10-01",
            "period_end_1": "16:00:00",
        }
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "制度データ（terms）の日付と一致しません" in response.content.decode()
