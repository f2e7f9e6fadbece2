"""Letters to the affected persons (issue 6 point 3): template, preview, letter runs in batches, print files.

A letter run works batch by batch. Assigning a batch (one transaction) picks the next persons, gives each an
inquiry number (``codes``) once and for all and records the batch on them; rendering (after the commit) makes the
batch's PDF and mailing list from exactly those persons. A crash between the two is healed on the next run of the
task: unrendered batches are rendered again from their recorded persons, with the same codes, into the same file.
A person is in one batch only, so no letter is ever printed twice; persons marked excluded (erasure or suspension,
issue 10) or without a postal address are not given a letter.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from datetime import date

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_personal_data_access, audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.core.keyring import get_keyring
from sonae.documents.tabular import cell_text
from sonae.jp.formatting import format_phone, format_yen
from sonae.jp.wareki import format_date_ja
from sonae.victims import codes
from sonae.victims.items import labels_of
from sonae.victims.keys import inquiry_key
from sonae.victims.letters import render
from sonae.victims.models import (
    LETTER_RUN_TRANSITIONS,
    LetterBatch,
    LetterRun,
    LetterRunStatus,
    LetterStatus,
    Victim,
    VictimCase,
    VictimKey,
)
from sonae.victims.sealed import read_sealed, save_sealed

from .common import audit_actor, require_provider_of, victim_case_for
from .scope import committed_victims

logger = logging.getLogger(__name__)
MAX_BATCH = 5000
SAMPLE_PERSON = {
    "name": "見本 太郎",
    "postal": "1000001",
    "address": "東京都千代田区千代田1丁目1番1号 見本マンション101号室",
}


def _common_values(case: VictimCase, incident) -> dict[str, str]:
    phone = case.call_centre_phone
    try:
        phone = format_phone(phone) if phone else "（準備中）"
    except ValueError:
        pass
    gift = ""
    if case.gift_kind and case.gift_amount:
        gift = f"{case.gift_kind}（{format_yen(case.gift_amount)}分）"
    return {
        "窓口電話番号": phone,
        "受付時間": case.call_centre_hours or "",
        "事業者名": incident.provider.name,
        "見舞品": gift,
    }


def letter_settings_update(
    *,
    actor: Actor,
    incident,
    template: str,
    sender: str,
    call_centre_phone: str,
    call_centre_hours: str,
) -> VictimCase:
    """Save the case's letter text and the call centre shown in it."""
    require_provider_of(actor, incident, "victims.letters")
    template = (template or "").replace("\r\n", "\n").strip()
    if not template:
        raise InvalidInput("お詫び状の本文を入力してください。", field="template")
    if len(template) > render.MAX_TEMPLATE_CHARS:
        raise InvalidInput(f"本文は{render.MAX_TEMPLATE_CHARS:,}文字までにしてください。", field="template")
    unknown = render.unknown_placeholders(template)
    if unknown:
        names = "、".join("{" + u + "}" for u in unknown)
        raise InvalidInput(f"使えない差し込み項目があります: {names}", field="template")
    phone = (call_centre_phone or "").strip()
    if phone:
        try:
            format_phone(phone)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="call_centre_phone") from None
    with transaction.atomic():
        case = VictimCase.objects.select_for_update().get(pk=victim_case_for(incident).pk)
        case.letter_template = template
        case.letter_sender = (sender or "").strip()[:500]
        case.call_centre_phone = phone
        case.call_centre_hours = (call_centre_hours or "").strip()[:100]
        case.save()
        audit_record(action="victims.letter_template_updated", target=case, **audit_actor(actor, incident))
    return case


def letter_preview_pdf(*, actor: Actor, incident, template: str | None = None) -> bytes:
    """A one-page preview with a sample person (no personal data is read)."""
    require_provider_of(actor, incident, "victims.letters")
    case = victim_case_for(incident)
    text = template if template is not None else case.letter_template
    unknown = render.unknown_placeholders(text)
    if unknown:
        raise InvalidInput("使えない差し込み項目があります: " + "、".join("{" + u + "}" for u in unknown))
    letter = render.build_letter(
        text,
        person=SAMPLE_PERSON,
        items=["氏名", "生年月日", "検査結果"],
        code="SN-0000-0000-0000",
        common=_common_values(case, incident),
    )
    data = render.document_json(
        [letter],
        sender=case.letter_sender or incident.provider.name,
        date_text=format_date_ja(timezone.localdate()),
    )
    return render.compile_pdf(data)


def letter_run_transition(run: LetterRun, to_status: str) -> None:
    if to_status not in LETTER_RUN_TRANSITIONS.get(run.status, frozenset()):
        raise IllegalTransition(
            f"お詫び状の作成は「{LetterRunStatus(run.status).label}」から「{LetterRunStatus(to_status).label}」にできません。"
        )
    run.status = to_status
    run.save(update_fields=["status", "updated_at"])


def letter_run_start(*, actor: Actor, incident, letter_date: date, batch_size: int = 1000) -> LetterRun:
    """Plan a letter run and hand it to the task worker (after this transaction commits)."""
    require_provider_of(actor, incident, "victims.letters")
    if not 1 <= batch_size <= MAX_BATCH:
        raise InvalidInput(f"1ファイルあたりの通数は1〜{MAX_BATCH:,}にしてください。", field="batch_size")
    if LetterRun.objects.filter(
        incident=incident, status__in=(LetterRunStatus.QUEUED, LetterRunStatus.RUNNING)
    ).exists():
        raise IllegalTransition("作成中のお詫び状があります。終わってから実行してください。")
    case = victim_case_for(incident)
    planned = _eligible(incident).count()
    if planned == 0:
        raise InvalidInput("お詫び状を作成する対象者がいません（取り込み済みで未作成の対象者がいません）。")
    with transaction.atomic():
        run = LetterRun.objects.create(
            incident=incident,
            created_by=actor.user,
            organisation=actor.organisation,
            template=case.letter_template,
            sender=case.letter_sender or incident.provider.name,
            call_centre_phone=case.call_centre_phone,
            call_centre_hours=case.call_centre_hours,
            letter_date=letter_date,
            batch_size=batch_size,
            planned=planned,
        )
        audit_record(
            action="victims.letter_run_started",
            target=run,
            data={"incident": incident.reference, "planned": planned},
            **audit_actor(actor, incident),
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from sonae.victims.tasks import run_letters

    result = run_letters.enqueue(run_id)
    LetterRun.objects.filter(pk=run_id).update(task_id=str(getattr(result, "id", "")))


def _eligible(incident):
    """Persons to write to: committed, not excluded, no letter yet (or the letter came back and the address was
    corrected)."""
    return (
        committed_victims(incident)
        .filter(excluded=False)
        .filter(
            Q(letter_batch__isnull=True, letter_status=LetterStatus.NONE)
            | Q(letter_status=LetterStatus.RETURNED, address_corrected=True)
        )
    )


def letter_run_execute(run_id: int, *, max_batches: int | None = None) -> LetterRun:
    """Produce a run's print files (the task's body). Safe to call again after a crash: see the module doc."""
    run = LetterRun.objects.select_related("incident__provider").get(pk=run_id)
    if run.status == LetterRunStatus.DONE:
        return run
    letter_run_transition(run, LetterRunStatus.RUNNING)
    if run.started_at is None:
        run.started_at = timezone.now()
        run.save(update_fields=["started_at", "updated_at"])
    started = time.perf_counter()
    try:
        for batch in run.batches.filter(rendered=False).order_by("number"):
            _render_batch(run, batch)
        done_batches = 0
        while max_batches is None or done_batches < max_batches:
            assigned = _assign_batch(run)
            if assigned is None:
                break
            batch, people = assigned
            _render_batch(run, batch, people)
            done_batches += 1
    except Exception as exc:
        logger.exception("letter run %s failed", run_id)
        LetterRun.objects.filter(pk=run.pk).update(
            status=LetterRunStatus.FAILED, error_message=str(exc)[:2000], updated_at=timezone.now()
        )
        run.status = LetterRunStatus.FAILED
        raise
    run.refresh_from_db()
    run.seconds += time.perf_counter() - started
    if max_batches is None or not _eligible(run.incident).exists():
        run.status = LetterRunStatus.DONE
        run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "seconds", "updated_at"])
    return run


def _assign_batch(run: LetterRun):
    """Pick the next persons and record their batch and inquiry numbers (one transaction). Returns (batch,
    [(victim, record)]) or None when nobody is left. Persons without a postal address are marked and passed."""
    keyring = get_keyring()
    incident = run.incident
    with transaction.atomic():
        case = VictimCase.objects.select_for_update().get(incident_id=incident.pk)
        chosen: list[tuple[Victim, dict]] = []
        while not chosen:
            # ``cursor``: rows before it were handled by this run; a run over a million persons stays linear.
            query = _eligible(incident).filter(id__gt=run.cursor).order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                query = query.select_for_update(skip_locked=True)
            slice_ = list(query[: run.batch_size])
            if not slice_:
                LetterRun.objects.filter(pk=run.pk).update(cursor=run.cursor)
                return None
            run.cursor = slice_[-1].pk
            no_address = []
            for victim in slice_:
                record = victim.record
                if record.get("postal") and record.get("address"):
                    chosen.append((victim, record))
                else:
                    no_address.append(victim.pk)
            if no_address:
                Victim.objects.filter(pk__in=no_address).update(letter_status=LetterStatus.NO_ADDRESS)
        number = (run.batches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        batch = LetterBatch.objects.create(run=run, number=number, count=len(chosen))
        new_keys: list[VictimKey] = []
        updates: list[tuple] = []
        for victim, _record in chosen:
            if victim.letter_sequence is None:
                case.letter_sequence += 1
                victim.letter_sequence = case.letter_sequence
                digits = codes.inquiry_digits(keyring, incident.pk, victim.letter_sequence)
                new_keys.append(VictimKey(key=inquiry_key(keyring, incident.pk, digits), victim=victim))
            updates.append((batch.pk, victim.letter_sequence, LetterStatus.NONE, victim.pk))
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE victims_victim SET letter_batch_id = %s, letter_sequence = %s, letter_status = %s, "
                "mail_returned = %s WHERE id = %s",
                [(b, seq, status, False, pk) for b, seq, status, pk in updates],
            )
        VictimKey.objects.bulk_create(new_keys)
        case.save(update_fields=["letter_sequence", "updated_at"])
        LetterRun.objects.filter(pk=run.pk).update(cursor=run.cursor)
    return batch, chosen


def _render_batch(run: LetterRun, batch: LetterBatch, people: list | None = None) -> None:
    keyring = get_keyring()
    incident = run.incident
    if people is None:
        people = [(v, v.record) for v in Victim.objects.filter(letter_batch=batch).order_by("id")]
    case = victim_case_for(incident)
    common = _common_values(case, incident)
    common["窓口電話番号"] = (
        format_phone(run.call_centre_phone) if run.call_centre_phone else common["窓口電話番号"]
    )
    common["受付時間"] = run.call_centre_hours
    letters = [
        render.build_letter(
            run.template,
            person=record,
            items=labels_of(victim.items),
            code=codes.inquiry_code(keyring, incident.pk, victim.letter_sequence),
            common=common,
        )
        for victim, record in people
    ]
    pdf = render.compile_pdf(
        render.document_json(letters, sender=run.sender, date_text=format_date_ja(run.letter_date))
    )
    buffer = io.StringIO()
    rows = render.mailing_rows(letters, batch=batch.number)
    # Names and addresses come from an uploaded list: neutralise anything a spreadsheet would run as a formula.
    csv.writer(buffer, lineterminator="\r\n").writerows([[cell_text(cell) for cell in row] for row in rows])
    mailing = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly
    base = f"victims/letters/{run.pk}/{batch.number:04d}"
    # Besides the files recorded on the batch, those a worker killed before recording them left under the batch's
    # names: the new files replace them (same letters, same codes) instead of being stored beside a second
    # print file of the same letters.
    for old in {batch.pdf_file, batch.csv_file, base + ".pdf.sealed", base + ".csv.sealed"} - {""}:
        default_storage.delete(old)
    batch.pdf_file = save_sealed(base + ".pdf.sealed", pdf, _context(batch, "pdf"))
    batch.csv_file = save_sealed(base + ".csv.sealed", mailing, _context(batch, "csv"))
    batch.pdf_bytes = len(pdf)
    batch.rendered = True
    batch.rendered_at = timezone.now()
    with transaction.atomic():
        batch.save(update_fields=["pdf_file", "csv_file", "pdf_bytes", "rendered", "rendered_at"])
        Victim.objects.filter(letter_batch=batch).update(letter_status=LetterStatus.PRINTED)
        done = LetterBatch.objects.filter(run=run, rendered=True).values_list("count", flat=True)
        LetterRun.objects.filter(pk=run.pk).update(done=sum(done))


def _context(batch: LetterBatch, kind: str) -> str:
    return f"letters:{batch.run_id}:{batch.number}:{kind}"


def letter_batch_file(*, actor: Actor, batch: LetterBatch, kind: str, reason: str) -> tuple[str, bytes, str]:
    """A batch's print file (PDF) or mailing list (CSV), decrypted, with the export written to the audit log.
    Returns (file name, content, content type)."""
    incident = batch.run.incident
    require_provider_of(actor, incident, "victims.letters")
    if not batch.rendered:
        raise IllegalTransition("このファイルはまだ作成されていません。")
    if not (reason or "").strip():
        raise InvalidInput("ダウンロードの理由を入力してください。", field="reason")
    if kind not in ("pdf", "csv"):
        raise InvalidInput("ファイルの種類は pdf または csv にしてください。", field="kind")
    name = batch.pdf_file if kind == "pdf" else batch.csv_file
    data = {"incident": incident.reference, "file": kind, "letters": batch.count}
    if actor.token is not None:  # through the API with a token: which one (there is no user)
        data.update(via="token", token=actor.token.prefix)
    with transaction.atomic():
        audit_personal_data_access(
            actor=actor.user,
            organisation=actor.organisation,
            target=batch,
            reason=reason,
            kind="exported",
            data=data,
        )
    content = read_sealed(name, _context(batch, kind))
    filename = f"{incident.reference}-letters-{batch.run_id}-{batch.number:04d}.{kind}"
    return filename, content, "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"


def letter_batch_mark_sent(*, actor: Actor, batch: LetterBatch, sent_on: date) -> int:
    """The print vendor mailed the batch: its persons' letters are 'sent' on that day."""
    incident = batch.run.incident
    require_provider_of(actor, incident, "victims.letters")
    if not batch.rendered:
        raise IllegalTransition("印刷ファイルが作成されていないバッチは発送済みにできません。")
    with transaction.atomic():
        batch.sent_on = sent_on
        batch.save(update_fields=["sent_on"])
        count = Victim.objects.filter(letter_batch=batch, letter_status=LetterStatus.PRINTED).update(
            letter_status=LetterStatus.SENT, letter_sent_on=sent_on
        )
        audit_record(
            action="victims.letters_sent",
            target=batch,
            data={"incident": incident.reference, "letters": count, "sent_on": sent_on.isoformat()},
            **audit_actor(actor, incident),
        )
    return count
