"""Demo data of the victims part (after the incidents demo): ~200 made-up persons on ``INC-DEMO-0001``.

The list goes through the real import (a CP932 CSV with a few bad rows and a duplicate, as lists come), then the
call centre and the gift are set, letters are prepared (two print files of 100), the first batch is marked sent,
the desk is granted access and a few calls are recorded. Idempotent: nothing is done when the case already has a
committed import. Every person is fictitious (``fake.PersonMaker``).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta

from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.models import Membership

REFERENCE = "INC-DEMO-0001"
PERSONS = 200


def _actor(code: str, role: str) -> Actor:
    membership = Membership.objects.select_related("organisation", "user").get(
        organisation__code=code, user__email=f"{role}@{code}.example.jp"
    )
    return Actor.from_membership(membership)


def load() -> None:
    from sonae.incidents.models import Incident
    from sonae.victims.fake import PersonMaker, csv_bytes
    from sonae.victims.models import ImportJob, ImportStatus, InquiryCategory, Victim
    from sonae.victims.services import case as case_services
    from sonae.victims.services import gifts, imports, letters, lookup

    incident = Incident.objects.filter(reference=REFERENCE).select_related("provider").first()
    if (
        incident is None
        or ImportJob.objects.filter(incident=incident, status=ImportStatus.COMMITTED).exists()
    ):
        return
    staff = _actor(incident.provider.code, "staff")
    admin = _actor(incident.provider.code, "admin")
    rows = list(PersonMaker(seed=2025).rows(PERSONS))
    rows[10][2] = "昭和64年1月10日"  # a date that never existed
    rows[20][3] = "12-345"  # a postal code too short
    rows[30] = list(rows[5])  # the same person twice
    rows[30][6] = "P99999999"
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(csv_bytes(rows))
        handle.flush()
        job = imports.import_job_create(
            actor=staff, incident=incident, name="対象者リスト_みなと総合病院.csv", path=handle.name
        )
        source = imports.job_source(job, handle.name)
        job = imports.import_validate(job=job, source=source, workers=0)
        job = imports.import_commit(actor=staff, job=job, source=source, workers=0)
    letters.letter_settings_update(
        actor=staff,
        incident=incident,
        template=incident.victim_case.letter_template,
        sender=f"{incident.provider.name}\n代表取締役 桜井 健一\n東京都千代田区丸の内1-1-1",
        call_centre_phone="0120-123-456",
        call_centre_hours="平日 9:00〜18:00（土日祝日を除く）",
    )
    gifts.gift_settings_update(actor=staff, incident=incident, kind="QUOカード", amount=500)
    run = letters.letter_run_start(
        actor=staff, incident=incident, letter_date=timezone.localdate(), batch_size=100
    )
    letters.letter_run_execute(run.pk)
    first = run.batches.order_by("number").first()
    if first is not None:
        letters.letter_batch_mark_sent(
            actor=staff, batch=first, sent_on=timezone.localdate() - timedelta(days=1)
        )
    gifts.gift_plan(actor=staff, incident=incident)
    case_services.desk_access_set(actor=admin, incident=incident, granted=True)
    some = list(Victim.objects.filter(incident=incident).order_by("id")[:3])
    for victim, category, answer in zip(
        some,
        (InquiryCategory.AM_I_AFFECTED, InquiryCategory.GIFT, InquiryCategory.LETTER),
        (
            "対象であること、漏えいのおそれがある項目を案内した。",
            "見舞品は来週発送予定と案内した。",
            "お詫び状の再送を受け付けた。",
        ),
        strict=False,
    ):
        lookup.inquiry_record(actor=staff, incident=incident, victim=victim, category=category, answer=answer)
