"""Fixtures of the self-check tests: actors of two providers and of a hospital, and answer sets."""

from __future__ import annotations

import pytest

from sonae.core.actors import Actor
from sonae.selfcheck.rules.questions import QUESTIONS
from sonae.selfcheck.rules.vendor_checklist import ITEMS
from tests.factories import member


@pytest.fixture
def provider(db):
    """Staff membership of a provider."""
    return member("provider", "staff", code="prov-sakura", name="さくら検査")


@pytest.fixture
def provider_admin_membership(provider):
    from tests.factories import MembershipFactory

    return MembershipFactory(organisation=provider.organisation, role="admin")


@pytest.fixture
def other_provider(db):
    return member("provider", "staff", code="prov-other", name="他社")


@pytest.fixture
def actor(provider):
    return Actor.from_membership(provider)


@pytest.fixture
def admin_actor(provider_admin_membership):
    return Actor.from_membership(provider_admin_membership)


@pytest.fixture
def other_actor(other_provider):
    return Actor.from_membership(other_provider)


@pytest.fixture
def hospital_actor(db):
    return Actor.from_membership(member("hospital", "admin"))


def answers_with(default: str = "implemented", **overrides: str) -> dict[str, str]:
    return {q.code: overrides.get(q.code, default) for q in QUESTIONS}


def checklist_answers(**no_targets: str) -> dict:
    """All はい, except the given items answered いいえ with their target date."""
    answers = {item.code: {"answer": "yes"} for item in ITEMS}
    for code, target in no_targets.items():
        answers[code] = {"answer": "no", "target_date": target}
    return answers


def complete_bcp_rows():
    from sonae.selfcheck.rules.bcp import default_contacts

    contacts = default_contacts("0120-000-000")
    contacts[0] |= {"name": "山田 太郎", "phone": "090-1111-2222"}
    return {
        "contacts": contacts,
        "systems": [{"name": "検査結果報告システム", "data_items": ["name", "test_results"]}],
        "paper_operations": [{"operation": "検査結果の報告", "fallback": "紙の報告書を手渡し"}],
        "backups": [{"target": "検査データ", "method": "外付けディスク", "offline": True}],
    }
