"""Condolence gifts (見舞品, issue 6 point 4): type and amount per person, recipients, shipping, returns.

The amount per person is capped by the plan's per-person cap when the provider's policy terms exist
(``costs.items.condolence.per_individual_cap`` / ``per_corporation_cap``): the insurance pays up to the cap, so a
higher amount is refused here rather than discovered at the claim. Returned mail and address corrections come
back from the print vendor or the gift supplier as a CSV keyed by inquiry code.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput
from sonae.core.keyring import get_keyring
from sonae.jp.formatting import format_yen, normalize_postal_code
from sonae.jp.wareki import parse_japanese_date
from sonae.victims import codes
from sonae.victims.importing.columns import header_key
from sonae.victims.importing.reader import UnreadableFile, detect_encoding, field_limit
from sonae.victims.importing.rows import MAX_LENGTHS, normalize_text
from sonae.victims.keys import inquiry_key
from sonae.victims.models import GiftStatus, LetterStatus, VictimCase, VictimKey

from .common import audit_actor, require_provider_of, victim_case_for
from .scope import committed_victims

MAX_RETURNS_BYTES = 20 << 20


def gift_settings_update(
    *, actor: Actor, incident, kind: str, amount: int | None, amount_corporation: int | None = None
) -> VictimCase:
    """Set the gift and its amount per individual (and per corporation), within the plan's caps."""
    from sonae.victims.selectors import plan_caps

    require_provider_of(actor, incident, "victims.gifts")
    kind = (kind or "").strip()[:100]
    cap_i, cap_c = plan_caps(incident)
    for value, cap, field_name, label in (
        (amount, cap_i, "amount", "個人1名あたり"),
        (amount_corporation, cap_c, "amount_corporation", "法人1社あたり"),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput("金額は0以上の整数（円）で入力してください。", field=field_name)
        if cap is not None and value > cap:
            raise InvalidInput(
                f"{label}の金額が、加入プランの上限（{format_yen(cap)}）を超えています。", field=field_name
            )
    if amount and not kind:
        raise InvalidInput("見舞品の種類を入力してください（例: QUOカード）。", field="kind")
    with transaction.atomic():
        case = VictimCase.objects.select_for_update().get(pk=victim_case_for(incident).pk)
        case.gift_kind = kind
        case.gift_amount = amount
        case.gift_amount_corporation = amount_corporation
        case.save()
        audit_record(
            action="victims.gift_settings_updated",
            target=case,
            data={"kind": kind, "amount": amount, "amount_corporation": amount_corporation},
            **audit_actor(actor, incident),
        )
    return case


def gift_plan(*, actor: Actor, incident) -> int:
    """Everyone on the list who is not excluded and has no gift status yet becomes a recipient (手配予定)."""
    require_provider_of(actor, incident, "victims.gifts")
    case = victim_case_for(incident)
    if not case.gift_amount:
        raise InvalidInput("先に見舞品の種類と金額を設定してください。")
    with transaction.atomic():
        count = (
            committed_victims(incident)
            .filter(excluded=False, gift_status=GiftStatus.NONE)
            .exclude(letter_status=LetterStatus.NO_ADDRESS)
            .update(gift_status=GiftStatus.PLANNED)
        )
        audit_record(
            action="victims.gifts_planned",
            target=case,
            data={"recipients": count},
            **audit_actor(actor, incident),
        )
    return count


def gift_mark_shipped(*, actor: Actor, incident, shipped_on: date) -> int:
    """The planned gifts went out on ``shipped_on`` (excluded persons are never shipped to)."""
    require_provider_of(actor, incident, "victims.gifts")
    with transaction.atomic():
        count = (
            committed_victims(incident)
            .filter(excluded=False, gift_status=GiftStatus.PLANNED)
            .update(gift_status=GiftStatus.SHIPPED, gift_shipped_on=shipped_on)
        )
        audit_record(
            action="victims.gifts_shipped",
            target=victim_case_for(incident),
            data={"shipped": count, "shipped_on": shipped_on.isoformat()},
            **audit_actor(actor, incident),
        )
    return count


@dataclass
class ReturnsResult:
    returned: int = 0
    corrected: int = 0
    declined: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


_RETURN_KINDS = {
    "返送": "returned", "返戻": "returned", "宛所不明": "returned", "RETURNED": "returned",
    "住所訂正": "corrected", "住所変更": "corrected", "訂正": "corrected", "CORRECTED": "corrected",
    "辞退": "declined", "受取辞退": "declined", "DECLINED": "declined",
}  # fmt: skip
_RETURN_HEADERS = {
    "code": ("お問い合わせ番号", "問い合わせ番号", "照会番号", "CODE"),
    "kind": ("区分", "種別", "内容", "KIND"),
    "postal": ("郵便番号", "新しい郵便番号", "訂正後郵便番号", "POSTALCODE"),
    "address": ("住所", "新しい住所", "訂正後住所", "ADDRESS"),
    "day": ("日付", "返送日", "発生日", "DATE"),
}


def returns_check_size(size: int) -> None:
    """A returns file larger than the limit is refused before it is read into memory."""
    if size > MAX_RETURNS_BYTES:
        raise InvalidInput("ファイルが大きすぎます（20MBまで）。", field="file")


def returns_import(*, actor: Actor, incident, data: bytes) -> ReturnsResult:
    """Read back returned mail, address corrections and declined gifts (CSV: お問い合わせ番号, 区分, 郵便番号,
    住所, 日付). A corrected address is written to the person's encrypted record and the person is flagged for a
    new letter; a returned shipment marks the letter (and a shipped gift) as returned. Every bad line is
    reported; good lines are applied."""
    require_provider_of(actor, incident, "victims.gifts")
    returns_check_size(len(data))
    try:
        text = data.decode(detect_encoding(data[: 1 << 20]))
    except (UnreadableFile, UnicodeDecodeError, LookupError):
        raise InvalidInput("CSVの文字コードを判別できません。", field="file") from None
    try:
        with field_limit(len(text)):  # a long cell is a line error below, not a csv.Error
            rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise InvalidInput("CSVの形式が正しくありません。", field="file") from None
    if not rows:
        raise InvalidInput("ファイルが空です。", field="file")
    wanted = {header_key(name): key for key, names in _RETURN_HEADERS.items() for name in names}
    positions = {wanted[header_key(h)]: i for i, h in enumerate(rows[0]) if header_key(h) in wanted}
    if "code" not in positions or "kind" not in positions:
        raise InvalidInput("1行目に「お問い合わせ番号」と「区分」の列が必要です。", field="file")
    keyring = get_keyring()
    result = ReturnsResult()
    today = timezone.localdate()
    with transaction.atomic():
        for line, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue

            def cell(name: str, row=row) -> str:
                index = positions.get(name)
                return row[index].strip() if index is not None and index < len(row) else ""

            digits = codes.parse_code(cell("code"))
            if digits is None:
                result.errors.append((line, "お問い合わせ番号の形が正しくありません。"))
                continue
            kind = _RETURN_KINDS.get(normalize_text(cell("kind")).upper())
            if kind is None:
                result.errors.append((line, "区分は「返送」「住所訂正」「辞退」のいずれかにしてください。"))
                continue
            day = today
            if cell("day"):
                try:
                    day = parse_japanese_date(cell("day"))
                except ValueError:
                    result.errors.append((line, "日付を読み取れません。"))
                    continue
            victim = (
                committed_victims(incident)
                .filter(
                    id__in=VictimKey.objects.filter(key=inquiry_key(keyring, incident.pk, digits)).values(
                        "victim_id"
                    )
                )
                .first()
            )
            if (
                victim is None
                or codes.inquiry_digits(keyring, incident.pk, victim.letter_sequence or 0) != digits
            ):
                result.errors.append((line, "このお問い合わせ番号の対象者は見つかりません。"))
                continue
            if kind == "returned":
                victim.mail_returned = True
                victim.letter_status = LetterStatus.RETURNED
                if victim.gift_status == GiftStatus.SHIPPED:
                    victim.gift_status = GiftStatus.RETURNED
                    victim.gift_returned_on = day
                victim.save(
                    update_fields=["mail_returned", "letter_status", "gift_status", "gift_returned_on"]
                )
                result.returned += 1
            elif kind == "declined":
                victim.gift_status = GiftStatus.DECLINED
                victim.save(update_fields=["gift_status"])
                result.declined += 1
            else:
                try:
                    postal = normalize_postal_code(cell("postal"))
                except ValueError:
                    result.errors.append((line, "訂正後の郵便番号は7桁の数字で入力してください。"))
                    continue
                address = normalize_text(cell("address"))
                if not address:
                    result.errors.append((line, "訂正後の住所を入力してください。"))
                    continue
                if len(address) > MAX_LENGTHS["address"]:  # as on an imported list
                    result.errors.append(
                        (line, f"訂正後の住所が長すぎます（{MAX_LENGTHS['address']}文字まで）。")
                    )
                    continue
                record = dict(victim.record)
                record["postal"], record["address"] = postal, address
                victim.record = record
                victim.address_corrected = True
                if victim.gift_status == GiftStatus.RETURNED:
                    victim.gift_status = GiftStatus.PLANNED  # send again to the corrected address
                victim.save(update_fields=["record", "address_corrected", "gift_status"])
                result.corrected += 1
        audit_record(
            action="victims.returns_imported",
            target=victim_case_for(incident),
            data={
                "returned": result.returned,
                "corrected": result.corrected,
                "declined": result.declined,
                "errors": len(result.errors),
            },
            **audit_actor(actor, incident),
        )
    return result
