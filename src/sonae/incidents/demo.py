"""Demo data of the incident desk: vendors and three cases in different states, with stable references.

- ``INC-DEMO-0001``: ransomware at ``sakura-lab`` (lab testing), test results of about 5,000 patients entrusted
  by ``minato-hospital``; taken by phone at the desk, triaged, responding, forensics dispatched, a notice sent to
  the hospital and not yet acknowledged.

The cases are received shortly before the demo is loaded: every action the services record happens "now", so
recent receipt times keep each timeline in a believable order.
- ``INC-DEMO-0002``: a bag lost by ``aoba-transport`` (patient transport) with ward and hospital-visit facts of
  about 30 patients of ``kawase-hospital``; reported on the web, triaged.
- ``INC-DEMO-0003``: a fax with the diet orders of 2 patients sent to the wrong number by ``midori-food``
  (patient meals); closed, its notice acknowledged by ``minato-hospital``.

Idempotent: each case and vendor is looked up by its stable key first. E-mails are not sent while loading.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.models import Membership, Organisation

from . import services
from .models import Incident, PlaybookStep, PlaybookTemplate, TaskStatus, Vendor
from .playbook_data import load_playbooks

VENDORS = [
    (
        "東京デジタルフォレンジック株式会社",
        "トウキョウデジタルフォレンジック",
        ["forensics", "data_recovery"],
        "03-5555-0101",
    ),
    ("桜橋法律事務所", "サクラバシホウリツジムショ", ["legal"], "03-5555-0102"),
    ("株式会社みらい広報", "ミライコウホウ", ["pr"], "03-5555-0103"),
    ("株式会社コールサポート東日本", "コールサポートヒガシニホン", ["call_centre"], "03-5555-0104"),
    ("株式会社データリカバリー・ラボ", "データリカバリーラボ", ["data_recovery"], "03-5555-0105"),
    ("株式会社あさひ印刷", "アサヒインサツ", ["letter_printing"], "03-5555-0106"),
]


def _actor(code: str, role: str = "staff") -> Actor:
    membership = Membership.objects.select_related("organisation", "user").get(
        organisation__code=code, user__email=f"{role}@{code}.example.jp"
    )
    return Actor.from_membership(membership)


def _vendors(desk: Actor) -> dict[str, Vendor]:
    found = {}
    for name, kana, categories, phone in VENDORS:
        vendor = Vendor.objects.filter(name=name).first() or services.vendor_create(
            actor=desk,
            name=name,
            name_kana=kana,
            categories=categories,
            phone=phone,
            contact_name="緊急対応窓口",
        )
        found[categories[0]] = vendor
    return found


def _finish_tasks(actor: Actor, incident: Incident, count: int | None = None) -> None:
    for task in list(incident.tasks.order_by("sort_order"))[:count]:
        services.task_update(actor=actor, task=task, status=TaskStatus.DONE)


def _ransomware(now, desk: Actor, vendors) -> None:
    if Incident.objects.filter(reference="INC-DEMO-0001").exists():
        return
    sakura = _actor("sakura-lab")
    minato = Organisation.objects.get(code="minato-hospital")
    called_at = now - timedelta(minutes=50)
    incident = services.incident_report(
        actor=desk,
        channel="phone",
        provider=sakura.organisation,
        reference="INC-DEMO-0001",
        title="検査システムのサーバーがランサムウェアに感染",
        description="朝、検査結果サーバーのファイルが開けなくなり、身代金を要求する画面が表示された。"
        "検査結果の配信を停止している。",
        symptoms=["ransom_message", "data_encrypted"],
        data_items=["name", "birth_date", "patient_id", "test_results"],
        persons_estimate=5000,
        data_owner="entrusted",
        entrusting_hospital=minato,
        discovered_at=called_at - timedelta(minutes=40),
        caller_name="佐藤 美咲",
        caller_phone="03-1234-5678",
        called_at=called_at,
    )
    services.incident_triage(
        actor=desk,
        incident=incident,
        symptoms=["ransom_message", "data_encrypted"],
        note="感染サーバー1台をネットワークから切り離し済み。バックアップは別ネットワークで無事の模様。",
    )
    services.incident_transition(
        actor=desk, incident=incident, to_status="responding", reason="調査会社を手配"
    )
    services.vendor_dispatch(
        actor=desk,
        incident=incident,
        vendor=vendors["forensics"],
        category="forensics",
        scope="感染サーバーの保全と侵入経路・持ち出しの有無の調査",
        due_date=(now + timedelta(days=5)).date(),
    )
    services.call_add(
        actor=desk,
        incident=incident,
        direction="out",
        counterpart="株式会社さくら臨床検査 情報システム課",
        summary="切り離しの状況を確認。電源は入れたまま保全するよう依頼。",
        called_at=called_at + timedelta(minutes=20),
    )
    _finish_tasks(sakura, incident, 2)
    notice = services.hospital_notice_create(actor=sakura, incident=incident)
    services.hospital_notice_send(actor=sakura, notice=notice)


def _lost_bag(now, desk: Actor) -> None:
    if Incident.objects.filter(reference="INC-DEMO-0002").exists():
        return
    aoba = _actor("aoba-transport")
    kawase = Organisation.objects.get(code="kawase-hospital")
    incident = services.incident_report(
        actor=aoba,
        channel="web",
        provider=aoba.organisation,
        reference="INC-DEMO-0002",
        received_at=now - timedelta(minutes=30),
        title="搬送予定表の入ったかばんを紛失",
        description="乗務員が駅で搬送予定表（病棟・通院先を記載）の入ったかばんを置き忘れた。",
        symptoms=["lost_or_stolen"],
        data_items=["name", "ward", "hospital_visit"],
        persons_estimate=30,
        data_owner="entrusted",
        entrusting_hospital=kawase,
        discovered_at=now - timedelta(hours=22),
    )
    services.incident_triage(
        actor=desk,
        incident=incident,
        symptoms=["lost_or_stolen"],
        note="遺失届は提出済み。駅の忘れ物窓口に照会中。",
    )


def _misdirected_fax(now, desk: Actor) -> None:
    if Incident.objects.filter(reference="INC-DEMO-0003").exists():
        return
    midori = _actor("midori-food")
    minato = Organisation.objects.get(code="minato-hospital")
    incident = services.incident_report(
        actor=midori,
        channel="web",
        provider=midori.organisation,
        reference="INC-DEMO-0003",
        received_at=now - timedelta(hours=3),
        title="食事箋のFAXを誤送信",
        description="患者2名分の食事箋（治療食の指示）を、病院の栄養科ではなく別の事業所にFAXした。",
        symptoms=["misdelivery"],
        data_items=["name", "ward", "diet_order"],
        persons_estimate=2,
        data_owner="entrusted",
        entrusting_hospital=minato,
        discovered_at=now - timedelta(hours=4),
    )
    services.incident_triage(actor=desk, incident=incident, symptoms=["misdelivery"])
    services.incident_transition(actor=desk, incident=incident, to_status="responding")
    services.note_add(
        actor=midori,
        incident=incident,
        kind="decision",
        text="誤送信先の事業所がFAXを開封前に破棄したことを電話で確認し、破棄の確認書を受領した。",
    )
    notice = services.hospital_notice_create(actor=midori, incident=incident)
    notice = services.hospital_notice_send(actor=midori, notice=notice)
    services.hospital_notice_acknowledge(actor=_actor("minato-hospital"), notice=notice)
    _finish_tasks(midori, incident)
    services.incident_transition(
        actor=desk, incident=incident, to_status="closed", reason="再発防止策の実施を確認"
    )


@transaction.atomic
def load() -> None:
    """Create the demo vendors and cases that do not exist yet (after the core demo organisations)."""
    now = timezone.now()
    desk = _actor("cyber-desk")
    # Normally seeded by migration 0002; a flushed database (transactional tests) has lost them.
    load_playbooks(PlaybookTemplate, PlaybookStep)
    with services.emails_suppressed():
        vendors = _vendors(desk)
        _ransomware(now, desk, vendors)
        _lost_bag(now, desk)
        _misdirected_fax(now, desk)
