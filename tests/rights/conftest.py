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


def person_on(world, incident) -> int:  # noqa: F811
    """The id of a real person on the case's list (imported through the victims app once per case)."""
    import tempfile
    from pathlib import Path

    from sonae.victims.models import Victim
    from sonae.victims.services import imports

    existing = Victim.objects.filter(incident=incident).order_by("pk").first()
    if existing is not None:
        return existing.pk
    path = Path(tempfile.mkdtemp()) / "list.csv"
    path.write_text(
        "氏名,フリガナ,生年月日,郵便番号,住所,患者ID,漏えい項目\n"
        "山田 花子,ヤマダ ハナコ,1970-03-02,1000001,東京都千代田区千代田1-1,P0001,氏名;検査結果\n",
        encoding="utf-8",
    )
    actor = world.actor("provider")
    job = imports.import_job_create(actor=actor, incident=incident, name="list.csv", path=str(path))
    job = imports.import_validate(job=job, source=imports.job_source(job, str(path)))
    imports.import_commit(actor=actor, job=job, source=imports.job_source(job, str(path)))
    return Victim.objects.get(incident=incident).pk
