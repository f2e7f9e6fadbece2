"""Fixtures of the rights-requests tests: reuse the duties app's world (organisations of each kind, a case)."""

from __future__ import annotations

import pytest

# The duties app's world and clock fixtures, shared (pytest finds fixtures imported into a conftest).
from tests.duties.conftest import FAX, clock, jst, world  # noqa: F401


def _report(
    world,  # noqa: F811
    *,
    entrusted: bool,
):
    from sonae.incidents.services import incident_report

    extra = (
        {"data_owner": "entrusted", "entrusting_hospital": world.hospital.organisation}
        if entrusted
        else {"data_owner": "own"}
    )
    return incident_report(
        actor=world.actor("provider"),
        channel="web",
        provider=world.provider.organisation,
        symptoms=["ransom_message", "data_encrypted"],
        title="ランサムウェア感染",
        description="検査結果のサーバが暗号化された。",
        data_items=["name", "test_results"],
        persons_estimate=5000,
        discovered_at=jst(2026, 3, 10, 18, 0),
        **extra,
    )


@pytest.fixture
def own_case(world, clock):  # noqa: F811
    """A ransomware case on the provider's own data (controller), assessed as reportable."""
    from sonae.duties.services import assessment_create

    incident = _report(world, entrusted=False)
    facts = dict(FAX)
    assessment_create(actor=world.actor("provider"), incident=incident, facts=facts)
    return incident


@pytest.fixture
def entrusted_case(world, clock):  # noqa: F811
    return _report(world, entrusted=True)
