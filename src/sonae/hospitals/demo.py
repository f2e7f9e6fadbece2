"""Demo data of the hospital portal (runs after the incident, self-check and duties demo data).

- ``minato-hospital`` (sites 本院 and 湾岸分院) has two accepted contractors: ``sakura-lab`` (lab testing; a complete
  checklist; shares everything) and ``aoba-transport`` (patient transport; an overdue いいえ item; shares insurance
  and the checklist only).
- ``aoba-transport`` is also an accepted contractor of ``kawase-hospital`` (shares the checklist).
- On ``INC-DEMO-0001`` (the ransomware notice to ``minato-hospital``) the hospital has asked one question and the
  lab has answered it.

Idempotent: a link is looked up by provider and hospital, a question by its subject. No e-mail is sent.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.models import Membership, Organisation

from . import services
from .models import CaseMessage, ContractorLink, HospitalSite, LinkStatus
from .services.common import emails_suppressed

LINKS = [
    # provider, hospital, site, 業務, data items, since, shared sections
    (
        "sakura-lab",
        "minato-hospital",
        "本院",
        ["clinical_lab"],
        ["name", "birth_date", "patient_id", "test_results"],
        date(2019, 4, 1),
        {"insurance": True, "selfcheck": True, "checklist": True, "bcp": True},
    ),
    (
        "aoba-transport",
        "minato-hospital",
        None,
        ["patient_transport"],
        ["name", "ward", "hospital_visit"],
        date(2021, 10, 1),
        {"insurance": True, "checklist": True},
    ),
    (
        "aoba-transport",
        "kawase-hospital",
        None,
        ["patient_transport"],
        ["name", "ward", "hospital_visit"],
        date(2022, 4, 1),
        {"checklist": True},
    ),
]
SITES = {"minato-hospital": [("本院", "東京都港区海岸1-1-1"), ("湾岸分院", "東京都港区芝浦4-4-4")]}
QUESTION_SUBJECT = "検査結果の報告の再開見込みについて"


def _actor(code: str, role: str) -> Actor:
    membership = Membership.objects.select_related("organisation", "user").get(
        organisation__code=code, user__email=f"{role}@{code}.example.jp"
    )
    return Actor.from_membership(membership)


def _sites() -> None:
    for code, sites in SITES.items():
        hospital = Organisation.objects.filter(code=code).first()
        if hospital is None:
            continue
        for name, address in sites:
            if not HospitalSite.objects.filter(hospital=hospital, name=name).exists():
                services.site_create(actor=_actor(code, "admin"), name=name, address=address)


def _link(provider_code, hospital_code, site_name, codes, items, since, shared) -> None:
    provider = Organisation.objects.filter(code=provider_code).first()
    hospital = Organisation.objects.filter(code=hospital_code).first()
    if provider is None or hospital is None:
        return
    if ContractorLink.objects.filter(provider=provider, hospital=hospital).exists():
        return
    site = HospitalSite.objects.filter(hospital=hospital, name=site_name).first() if site_name else None
    link = services.link_declare(
        actor=_actor(provider_code, "staff"),
        hospital=hospital,
        site=site,
        business_codes=codes,
        data_items=items,
        since=since,
    )
    services.link_transition(actor=_actor(hospital_code, "staff"), link=link, to_status=LinkStatus.ACCEPTED)
    services.consent_update(actor=_actor(provider_code, "admin"), link=link, **shared)


def _question() -> None:
    from sonae.incidents.models import Incident

    incident = Incident.objects.filter(reference="INC-DEMO-0001").first()
    hospital = Organisation.objects.filter(code="minato-hospital").first()
    if incident is None or hospital is None:
        return
    if CaseMessage.objects.filter(incident=incident, hospital=hospital, parent__isnull=True).exists():
        return
    if not incident.hospital_notices.filter(hospital=hospital, sent_at__isnull=False).exists():
        return
    thread = services.question_post(
        actor=_actor("minato-hospital", "staff"),
        incident=incident,
        hospital=hospital,
        subject=QUESTION_SUBJECT,
        body="外来の検査結果をFAXで受け取る運用に切り替える必要があるか判断したいため、報告の再開見込みを教えてください。",
    )
    services.answer_post(
        actor=_actor("sakura-lab", "staff"),
        thread=thread,
        body="バックアップからの復元を確認中です。再開までは紙の報告書を担当者が持参します（FAXは使いません）。",
    )


@transaction.atomic
def load() -> None:
    """Create the demo sites, links, consents and the demo question that do not exist yet."""
    with emails_suppressed():
        _sites()
        for row in LINKS:
            _link(*row)
        _question()
