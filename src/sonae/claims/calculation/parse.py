"""Reading the contract's input object (claims-contract.md v1, "Input") into dataclasses.

Every problem raises ``InvalidInput`` with ``field`` set to the path of the offending value (``terms.costs.limit``,
``expenses[2].amount``; ``input`` for the document as a whole) and a Japanese message that names the valid values.
JSON ``null`` for an optional field means the same as leaving it out. Unknown keys are ignored, except where a key
is itself a name the calculation depends on (part names, ``already_paid`` keys).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from sonae.core.errors import InvalidInput

from .labels import PART_LABELS
from .model import PARTS, AlreadyPaid, ClaimInput, Expense, ItemTerms, PartTerms, Terms

_PART_CHOICES = "、".join(f"{part}（{PART_LABELS[part]}）" for part in PARTS)
_MISSING = object()


def loads(text: str | bytes) -> Any:
    """Parse JSON text with every non-integer number as an exact ``Decimal`` (so 0.9 stays 0.9)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("入力は UTF-8 の JSON で指定してください。", field="input") from exc
    text = text.removeprefix("\ufeff")

    def refuse_constant(name: str) -> None:
        raise InvalidInput(f"{name} は数値として使えません。有限の数値を指定してください。", field="input")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"JSON として読み取れません（{exc.lineno} 行 {exc.colno} 列: {exc.msg}）。", field="input"
        ) from exc


def parse_claim_input(obj: Any) -> ClaimInput:
    """The contract's input object (``terms``, ``already_paid``, ``expenses``) as a ``ClaimInput``.

    ``already_paid`` may be left out (nothing paid yet); ``terms`` and ``expenses`` are required.
    """
    _require_object(
        obj, "input", "入力は terms, already_paid, expenses を持つ JSON オブジェクトで指定してください。"
    )
    terms = _parse_terms(_required(obj, "terms", "input"))
    already_paid = _parse_already_paid(_optional(obj, "already_paid"))
    expenses = _parse_expenses(_required(obj, "expenses", "input"))
    return ClaimInput(terms, already_paid, expenses)


# --- terms -----------------------------------------------------------------------------------------------------


def _parse_terms(value: Any) -> Terms:
    _require_object(
        value, "terms", f"terms は区分（{_PART_CHOICES}）ごとの補償条件のオブジェクトで指定してください。"
    )
    parts = {}
    for name, part in value.items():
        _require_part_name(name, f"terms.{name}")
        parts[name] = _parse_part(part, f"terms.{name}")
    return Terms(parts)


def _parse_part(value: Any, path: str) -> PartTerms:
    _require_object(value, path, f"{path} は limit, deductible, items を持つオブジェクトで指定してください。")
    limit = _yen(_required(value, "limit", path), f"{path}.limit")
    deductible = _yen_or_none(_optional(value, "deductible"), f"{path}.deductible") or 0
    items_value = _required(value, "items", path)
    items_path = f"{path}.items"
    _require_object(
        items_value, items_path, f"{items_path} は補償項目名ごとの条件のオブジェクトで指定してください。"
    )
    items = {}
    for name, item in items_value.items():
        _require_name(name, items_path, "補償項目名")
        items[name] = _parse_item(item, f"{items_path}.{name}")
    return PartTerms(limit=limit, deductible=deductible, items=items)


def _parse_item(value: Any, path: str) -> ItemTerms:
    _require_object(
        value,
        path,
        f"{path} は補償項目の条件（sublimit, pay_ratio, per_individual_cap, per_corporation_cap, "
        "requires_consent, requires_prior_approval）のオブジェクトで指定してください（条件がなければ {}）。",
    )
    pay_ratio = _optional(value, "pay_ratio")
    return ItemTerms(
        sublimit=_yen_or_none(_optional(value, "sublimit"), f"{path}.sublimit"),
        pay_ratio=Decimal(1) if pay_ratio is None else _ratio(pay_ratio, f"{path}.pay_ratio"),
        per_individual_cap=_yen_or_none(_optional(value, "per_individual_cap"), f"{path}.per_individual_cap"),
        per_corporation_cap=_yen_or_none(
            _optional(value, "per_corporation_cap"), f"{path}.per_corporation_cap"
        ),
        requires_consent=_flag(_optional(value, "requires_consent"), f"{path}.requires_consent") or False,
        requires_prior_approval=_flag(
            _optional(value, "requires_prior_approval"), f"{path}.requires_prior_approval"
        )
        or False,
    )


# --- already_paid ----------------------------------------------------------------------------------------------


def _parse_already_paid(value: Any) -> AlreadyPaid:
    if value is None:
        return AlreadyPaid()
    _require_object(
        value,
        "already_paid",
        f"already_paid は区分（{_PART_CHOICES}）ごとの支払済額と items のオブジェクトで指定してください。",
    )
    parts: dict[str, int] = {}
    items: dict[str, int] = {}
    for key, amount in value.items():
        path = f"already_paid.{key}"
        if key == "items":
            if amount is None:
                continue
            _require_object(
                amount,
                path,
                "already_paid.items は補償項目名ごとの支払済額のオブジェクトで指定してください。",
            )
            for name, paid in amount.items():
                _require_name(name, path, "補償項目名")
                items[name] = _yen(paid, f"{path}.{name}")
            continue
        if key not in PARTS:
            raise InvalidInput(
                f"already_paid の '{key}' は使えません。{_PART_CHOICES}、items のいずれかを指定してください。",
                field=path,
            )
        if amount is not None:
            parts[key] = _yen(amount, path)
    return AlreadyPaid(parts=parts, items=items)


# --- expenses --------------------------------------------------------------------------------------------------


def _parse_expenses(value: Any) -> tuple[Expense, ...]:
    if not isinstance(value, list):
        raise InvalidInput("expenses は費用の配列で指定してください（費用がなければ []）。", field="expenses")
    seen: set[str | int] = set()
    expenses = []
    for index, entry in enumerate(value):
        expense = _parse_expense(entry, f"expenses[{index}]")
        if expense.id in seen:
            raise InvalidInput(
                f"費用の id '{expense.id}' が重複しています。id は費用ごとに一意にしてください。",
                field=f"expenses[{index}].id",
            )
        seen.add(expense.id)
        expenses.append(expense)
    return tuple(expenses)


def _parse_expense(value: Any, path: str) -> Expense:
    _require_object(value, path, f"{path} は id, part, item, amount を持つオブジェクトで指定してください。")
    expense_id = _required(value, "id", path)
    if isinstance(expense_id, bool) or not isinstance(expense_id, (str, int)) or expense_id == "":
        raise InvalidInput(
            f'{path}.id は空でない文字列または整数（例: "E1"）で指定してください。', field=f"{path}.id"
        )
    part = _required(value, "part", path)
    _require_part_name(part, f"{path}.part")
    item = _required(value, "item", path)
    _require_name(item, f"{path}.item", "補償項目名")
    return Expense(
        id=expense_id,
        part=part,
        item=item,
        amount=_yen(_required(value, "amount", path), f"{path}.amount"),
        individuals=_count_or_none(_optional(value, "individuals"), f"{path}.individuals"),
        corporations=_count_or_none(_optional(value, "corporations"), f"{path}.corporations"),
        consent=_flag(_optional(value, "consent"), f"{path}.consent"),
        prior_approval=_flag(_optional(value, "prior_approval"), f"{path}.prior_approval"),
    )


# --- scalars ---------------------------------------------------------------------------------------------------


def _required(obj: dict, key: str, path: str) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING or value is None:
        field = key if path == "input" else f"{path}.{key}"
        raise InvalidInput(f"{field} を指定してください。", field=field)
    return value


def _optional(obj: dict, key: str) -> Any:
    return obj.get(key)


def _require_object(value: Any, path: str, message: str) -> None:
    if not isinstance(value, dict):
        raise InvalidInput(message, field=path)


def _require_part_name(name: Any, path: str) -> None:
    if name not in PARTS:
        raise InvalidInput(
            f"区分 '{name}' は使えません。{_PART_CHOICES}のいずれかを指定してください。", field=path
        )


def _require_name(name: Any, path: str, what: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"{what}は空でない文字列（例: investigation）で指定してください。", field=path)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _yen(value: Any, path: str) -> int:
    if not _is_int(value) or value < 0:
        raise InvalidInput(f"{path} は 0 以上の整数（円）で指定してください（例: 100000）。", field=path)
    return value


def _yen_or_none(value: Any, path: str) -> int | None:
    return None if value is None else _yen(value, path)


def _count_or_none(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or value < 0:
        raise InvalidInput(f"{path} は 0 以上の整数（人数・法人数）で指定してください。", field=path)
    return value


def _flag(value: Any, path: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InvalidInput(f"{path} は true または false で指定してください。", field=path)
    return value


def _ratio(value: Any, path: str) -> Decimal:
    message = f"{path}（縮小支払割合）は 0 以上 1 以下の数値で指定してください（例: 0.9）。"
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidInput(message, field=path)
    try:
        # A float from an already-parsed body goes through its shortest repr: 0.9 → Decimal("0.9"), not the
        # binary 0.90000000000000002220…
        ratio = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:  # pragma: no cover - str() of an int/float is always a valid literal
        raise InvalidInput(message, field=path) from exc
    if not ratio.is_finite() or not Decimal(0) <= ratio <= Decimal(1):
        raise InvalidInput(message, field=path)
    return ratio
