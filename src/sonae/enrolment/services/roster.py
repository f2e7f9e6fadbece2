"""Roster uploads: validate a file (nothing changes), then commit it (all rows, or only the valid ones when the
user says so explicitly). Re-uploads update businesses by corporate number; simple_history keeps every version."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.core.models import Organisation

from ..files import read_table
from ..models import Certification, RosterEntry, RosterImport
from ..parsing import parse_roster
from .common import now_or, require, user_of


def roster_import_validate(*, actor: Actor, file_name: str, data: bytes) -> RosterImport:
    """Read and validate a roster file (CSV UTF-8/CP932 or XLSX). Stores the validated rows and every row error
    (with its line) for review; the roster itself is not touched. Raises InvalidInput for an unreadable file."""
    require(actor, "enrolment.roster.manage")
    table = read_table(data, file_name)
    parsed = parse_roster(table)
    with transaction.atomic():
        upload = RosterImport.objects.create(
            organisation=actor.organisation,
            uploaded_by=user_of(actor),
            file_name=file_name[:200],
            encoding=table.encoding,
            rows_total=parsed.total,
            rows_valid=len(parsed.rows),
            errors=parsed.error_dicts,
            rows=parsed.rows,
        )
        audit_record(
            action="roster.import_validated",
            actor=user_of(actor),
            organisation=actor.organisation,
            target=upload,
            data={
                "rows": parsed.total,
                "valid": len(parsed.rows),
                "bad_lines": [e.line for e in parsed.errors],
            },
        )
    return upload


def _link_organisation(entry: RosterEntry) -> None:
    if entry.organisation_id is None:
        org = Organisation.objects.filter(kind="provider", corporate_number=entry.corporate_number).first()
        if org is not None:
            entry.organisation = org
            entry.save(update_fields=["organisation", "updated_at"])


def _apply(rows: list[dict]) -> dict:
    """Write validated rows. A file is the complete current list of certifications for each corporate number it
    contains: certifications of those businesses that the file no longer lists are removed (history keeps them);
    businesses not in the file are untouched."""
    by_number: dict[str, list[dict]] = {}
    for row in rows:
        by_number.setdefault(row["corporate_number"], []).append(row)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "certifications": 0, "removed_certifications": 0}
    for number, group in by_number.items():
        first = group[0]
        fields = {k: first[k] for k in ("name", "name_kana", "address", "prefecture")}
        entry = RosterEntry.objects.filter(corporate_number=number).first()
        if entry is None:
            entry = RosterEntry.objects.create(corporate_number=number, **fields)
            counts["created"] += 1
        elif any(getattr(entry, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(entry, k, v)
            entry.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        _link_organisation(entry)
        keep: set[int] = set()
        existing = list(entry.certifications.all())
        for row in group:
            values = {
                "unit": row["unit"],
                "certified_from": date.fromisoformat(row["certified_from"]),
                "valid_until": date.fromisoformat(row["valid_until"]),
            }
            match = next(
                (
                    c
                    for c in existing
                    if c.pk not in keep
                    and c.business == row["business"]
                    and c.facility_name == row["facility_name"]
                    and c.certificate_number == row["certificate_number"]
                ),
                None,
            )
            if match is None:
                match = Certification.objects.create(
                    entry=entry,
                    business=row["business"],
                    facility_name=row["facility_name"],
                    certificate_number=row["certificate_number"],
                    **values,
                )
            elif any(getattr(match, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(match, k, v)
                match.save()
            keep.add(match.pk)
            counts["certifications"] += 1
        for stale in existing:
            if stale.pk not in keep:
                stale.delete()
                counts["removed_certifications"] += 1
    return counts


def roster_import_commit(
    *, actor: Actor, roster_import: RosterImport, accept_valid_only: bool = False
) -> RosterImport:
    """Write a validated upload into the roster. With bad rows, nothing is written unless the user explicitly
    accepts to take only the valid rows (``accept_valid_only``)."""
    require(actor, "enrolment.roster.manage")
    with transaction.atomic():
        upload = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if upload.organisation_id != actor.organisation.pk:
            raise IllegalTransition("この取込は別の組織のものです。")
        if upload.status != RosterImport.Status.VALIDATED:
            raise IllegalTransition("この取込はすでに反映または破棄されています。")
        if upload.errors and not accept_valid_only:
            raise InvalidInput(
                f"エラーのある行が{len(upload.errors)}行あるため、名簿には反映していません。"
                "ファイルを直して再度アップロードするか、正しい行のみを反映することを選んでください。"
            )
        result = _apply(upload.rows)
        upload.status = RosterImport.Status.COMMITTED
        upload.accepted_valid_only = bool(upload.errors)
        upload.committed_at = now_or(None)
        upload.result = result
        upload.save(update_fields=["status", "accepted_valid_only", "committed_at", "result"])
        audit_record(
            action="roster.import_committed",
            actor=user_of(actor),
            organisation=actor.organisation,
            target=upload,
            reason="正しい行のみ反映" if upload.errors else "",
            data={**result, "skipped_lines": [e["line"] for e in upload.errors]},
        )
    roster_import.refresh_from_db()
    return roster_import


def roster_import_discard(*, actor: Actor, roster_import: RosterImport) -> RosterImport:
    require(actor, "enrolment.roster.manage")
    with transaction.atomic():
        upload = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if upload.organisation_id != actor.organisation.pk or upload.status != RosterImport.Status.VALIDATED:
            raise IllegalTransition("この取込は破棄できません。")
        upload.status = RosterImport.Status.DISCARDED
        upload.save(update_fields=["status"])
        audit_record(
            action="roster.import_discarded",
            actor=user_of(actor),
            organisation=actor.organisation,
            target=upload,
        )
    roster_import.refresh_from_db()
    return roster_import


def roster_entry_link_organisation(
    *, entry: RosterEntry, organisation: Organisation, actor: Actor | None = None
) -> None:
    """Link a roster business to a Sonae organisation (demo data; the agency's set-up of a new provider)."""
    with transaction.atomic():
        entry.organisation = organisation
        entry.save(update_fields=["organisation", "updated_at"])
        if not organisation.corporate_number:
            organisation.corporate_number = entry.corporate_number
            organisation.save(update_fields=["corporate_number", "updated_at"])
        audit_record(
            action="roster.entry_linked",
            actor=user_of(actor),
            organisation=organisation,
            target=entry,
        )
