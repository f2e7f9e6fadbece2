"""Validation shared by the incident services: vocabulary codes, persons, whose data, instants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from sonae.core.errors import InvalidInput
from sonae.core.models import Organisation, OrganisationKind
from sonae.incidents import triage
from sonae.incidents.models import DataOwner

# A call time typed by the operator may run a little ahead of the server clock; more than this is a typo.
CLOCK_TOLERANCE = timedelta(minutes=5)


def check_codes(field: str, values: Sequence[str] | None, vocabulary: dict, what: str) -> list[str]:
    values = list(dict.fromkeys(values or []))  # keep order, drop repeats
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        raise InvalidInput(f"{what}のコードが正しくありません: {'、'.join(map(str, unknown))}", field=field)
    return values


def check_symptoms(symptoms: Sequence[str] | None) -> list[str]:
    values = check_codes("symptoms", symptoms, triage.SYMPTOMS, "症状")
    if not values:
        raise InvalidInput(
            "あてはまる症状を1つ以上選んでください（わからない場合は「その他」）。", field="symptoms"
        )
    return values


def check_persons(persons: int | None) -> int | None:
    if persons is None:
        return None
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 0:
        raise InvalidInput("対象人数は0以上の整数で入力してください。", field="persons_estimate")
    return persons


def check_owner(
    data_owner: str, hospital: Organisation | None, party_name: str
) -> tuple[str, Organisation | None, str]:
    if data_owner not in DataOwner.values:
        raise InvalidInput("「誰の情報か」は own / entrusted / unknown のいずれかです。", field="data_owner")
    party_name = (party_name or "").strip()
    if data_owner != DataOwner.ENTRUSTED:
        return data_owner, None, ""
    if hospital is not None and hospital.kind != OrganisationKind.HOSPITAL:
        raise InvalidInput("委託元には医療機関を指定してください。", field="entrusting_hospital")
    if hospital is None and not party_name:
        raise InvalidInput("委託元の医療機関を選ぶか、名称を入力してください。", field="entrusting_hospital")
    return data_owner, hospital, ("" if hospital is not None else party_name[:200])


def check_past(field: str, instant: datetime | None, now: datetime, label: str) -> datetime | None:
    if instant is None:
        return None
    if timezone.is_naive(instant):
        raise InvalidInput(f"{label}に時差（+09:00 など）を付けてください。", field=field)
    if instant > now + CLOCK_TOLERANCE:
        raise InvalidInput(f"{label}に未来の日時は指定できません。", field=field)
    return instant
