"""Writes of programme data: loading a year file into ``ProgrammeYear`` (idempotent, versioned)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput

from .models import ProgrammeYear
from .terms import parse_terms, to_json

DATA_DIR = Path(__file__).resolve().parent / "data"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def read_year_file(path: str | Path) -> dict:
    """Read a year file (YAML or JSON — JSON is YAML) into a dict. Raises InvalidInput when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"年度データファイルを読み込めません: {exc}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"年度データファイルの形式が正しくありません（YAML）: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidInput("年度データファイルの形式が正しくありません。")
    return document


def _fields_from(document: dict) -> dict:
    terms = parse_terms(document)
    return {
        "name": terms.name[:100],
        "period_start": terms.period_start,
        "period_end": terms.period_end,
        "quote_deadline": terms.quote_deadline,
        "application_deadline": terms.application_deadline,
        "terms": to_json(document),
        "terms_version": terms.version,
    }


def programme_year_load(*, document: dict, loaded_by=None) -> tuple[ProgrammeYear, str]:
    """Create or update the programme year a document describes. Idempotent: loading the same version with the
    same content again changes nothing. The same version with different content is refused (raise ``version``),
    so that a version always names one set of terms."""
    fields = _fields_from(document)
    code = str(document["code"])
    with transaction.atomic():
        year = ProgrammeYear.objects.select_for_update().filter(code=code).first()
        if year is None:
            year = ProgrammeYear.objects.create(code=code, **fields)
            status = CREATED
        elif year.terms_version == fields["terms_version"] and year.terms == fields["terms"]:
            return year, UNCHANGED
        elif year.terms_version == fields["terms_version"] and year.terms:
            raise InvalidInput(
                f"年度 {code} の版 {year.terms_version} は別の内容で登録済みです。内容を変えたときは version を上げてください。",
                field="version",
            )
        else:
            for name, value in fields.items():
                setattr(year, name, value)
            year.save()
            status = UPDATED
        audit_record(
            action=f"programme_year.{status}",
            actor=loaded_by,
            target=year,
            data={"code": code, "version": fields["terms_version"]},
        )
    return year, status


def programme_year_load_file(*, path: str | Path, loaded_by=None) -> tuple[ProgrammeYear, str]:
    """Load one year file (see ``programme_year_load``)."""
    return programme_year_load(document=read_year_file(path), loaded_by=loaded_by)


def shipped_year_file(code: str) -> Path:
    """The year file shipped with Sonae for ``code`` (e.g. ``data/2025.yaml``)."""
    return DATA_DIR / f"{code}.yaml"
