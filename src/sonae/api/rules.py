"""Pure rule engines over the API: legal duties and claim calculation.

The request body is the same JSON document the CLI takes and the response is the same JSON the CLI prints, so the
body is read raw and validated by the engine itself (one validator, one set of Japanese messages). The OpenAPI
request schema is built from the engines' vocabularies, so codes appear as enums with their Japanese labels.
Invalid input answers 400 with the shared envelope (``code``, ``message``, ``field``) plus the contract's ``error``.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["判定エンジン"])


def _enum(labels: dict[str, str], title: str) -> dict:
    return {
        "type": "string",
        "enum": list(labels),
        "description": title + "：" + "、".join(f"`{code}` {label}" for code, label in labels.items()),
    }


def _duties_schema() -> dict:
    from sonae.duties import rules

    instant = {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601（オフセット必須、例 2025-10-06T10:00:00+09:00）",
    }
    facts = {
        "type": "object",
        "required": ["discovered_at", "role", "data_items", "persons", "cause"],
        "properties": {
            "discovered_at": {**instant, "description": "事業者のいずれかの従業者が最初に知った日時（R4）"},
            "role": _enum(rules.ROLE_LABELS, "自らのための取扱いか、委託を受けた取扱いか"),
            "entrusting_party_notified_at": {
                **instant,
                "nullable": True,
                "description": "委託先のみ：委託元へ通知した日時",
            },
            "joint_report": {"type": "boolean", "default": False, "description": "委託元と連名で報告する"},
            "data_items": {
                "type": "array",
                "minItems": 1,
                "items": _enum(rules.DATA_ITEM_LABELS, "漏えい等した個人データの項目"),
            },
            "persons": {"type": "integer", "minimum": 0, "description": "本人の数（推計の場合は上限）"},
            "my_number_persons": {
                "type": "integer",
                "minimum": 0,
                "nullable": True,
                "description": "マイナンバーが含まれる本人の数",
            },
            "cause": _enum(rules.CAUSE_LABELS, "原因"),
            "unauthorized_purpose": {
                "type": "boolean",
                "nullable": True,
                "description": "不正の目的の有無（原因からの推定を上書き）",
            },
            "financial_damage_risk": {
                "type": "boolean",
                "nullable": True,
                "description": "財産的被害のおそれ（項目からの推定を上書き）",
            },
            "encrypted_high_level": {
                "type": "boolean",
                "default": False,
                "description": "高度な暗号化等の秘匿化",
            },
            "key_compromised": {
                "type": "boolean",
                "default": False,
                "description": "復号鍵・パスワードも漏えいした",
            },
            "exfiltration_evidence": _enum(rules.EXFILTRATION_LABELS, "持ち出しの痕跡"),
            "backup_intact": {
                "type": "boolean",
                "default": False,
                "description": "滅失・毀損したデータの完全なバックアップがある",
            },
            "recipient_confirmed_deleted_unread": {
                "type": "boolean",
                "default": False,
                "description": "誤送付先が閲覧せず削除・返却した",
            },
            "publicly_viewable": {
                "type": "boolean",
                "nullable": True,
                "description": "不特定多数が閲覧できる状態になった",
            },
            "data_scope": _enum(
                rules.DATA_SCOPE_LABELS, "保有しているデータか、取得しようとしているデータか（R14）"
            ),
        },
    }
    return {"oneOf": [facts, {"type": "array", "items": facts}]}


def _claims_schema() -> dict:
    from sonae.programme.coverage_items import ITEMS, PARTS

    items = {code: label for code, (_, label) in ITEMS.items()}
    item_terms = {
        "type": "object",
        "properties": {
            "sublimit": {"type": "integer", "minimum": 0, "description": "支払限度額（内枠）"},
            "pay_ratio": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 1.0,
                "description": "縮小支払割合",
            },
            "per_individual_cap": {"type": "integer", "minimum": 0, "description": "個人1名あたりの上限"},
            "per_corporation_cap": {"type": "integer", "minimum": 0, "description": "法人1社あたりの上限"},
            "requires_consent": {"type": "boolean", "default": False, "description": "保険会社の同意が必要"},
            "requires_prior_approval": {
                "type": "boolean",
                "default": False,
                "description": "保険会社の事前承認が必要",
            },
        },
    }
    part_terms = {
        "type": "object",
        "required": ["limit", "items"],
        "properties": {
            "limit": {"type": "integer", "minimum": 0, "description": "支払限度額"},
            "deductible": {"type": "integer", "minimum": 0, "description": "免責金額"},
            "items": {
                "type": "object",
                "additionalProperties": item_terms,
                "description": "補償される費用項目",
            },
        },
    }
    return {
        "type": "object",
        "required": ["terms", "expenses"],
        "properties": {
            "terms": {
                "type": "object",
                "properties": {part: part_terms for part in PARTS},
                "description": "補償区分：" + "、".join(f"`{k}` {v}" for k, v in PARTS.items()),
            },
            "already_paid": {
                "type": "object",
                "description": "同じ保険期間にすでに支払われた額（区分・費用項目ごと）",
            },
            "expenses": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "part", "item", "amount"],
                    "properties": {
                        "id": {"type": "string"},
                        "part": _enum(PARTS, "補償区分"),
                        "item": _enum(items, "費用項目"),
                        "amount": {"type": "integer", "minimum": 0, "description": "金額（円）"},
                        "individuals": {"type": "integer", "minimum": 0},
                        "corporations": {"type": "integer", "minimum": 0},
                        "consent": {"type": "boolean"},
                        "prior_approval": {"type": "boolean"},
                    },
                },
            },
        },
    }


def _body(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _answer(request, output, ok: bool):
    from .main import api

    if ok:
        return output
    error = output.get("error") if isinstance(output, dict) else None
    if error is None and isinstance(output, list):
        error = next((o["error"] for o in output if isinstance(o, dict) and "error" in o), None)
    body = {
        "code": "invalid_input",
        "message": (error or {}).get("message", "入力内容に誤りがあります。"),
        "field": (error or {}).get("field"),
        "error": error,
        "results": output if isinstance(output, list) else None,
    }
    return api.create_response(request, {k: v for k, v in body.items() if v is not None}, status=400)


@router.post(
    "/duties/assess",
    summary="法的義務の判定",
    description="インシデントの事実（発覚日時、役割、漏えい等した項目、人数、原因など）から、個人情報保護法・番号法上の"
    "報告・通知義務と期限を判定します。入出力は `sonae duties assess` と同じ契約（duties-contract 版1）です。"
    "配列を送ると要素ごとに判定し、誤りのある要素があれば 400 を返します（results に要素ごとの結果）。",
    openapi_extra=_body(_duties_schema()),
)
def duties_assess(request):
    from sonae.core.errors import InvalidInput
    from sonae.duties.rules import assess_json_payload, decode_json_document, error_envelope

    try:
        payload = decode_json_document(request.body)
    except InvalidInput as exc:
        return _answer(request, error_envelope(exc), False)
    output, ok = assess_json_payload(payload)
    return _answer(request, output, ok)


@router.post(
    "/claims/calculate",
    summary="保険金の計算",
    description="補償条件と費用から支払保険金を計算します。入出力は `sonae claims calculate` と同じ契約（claims-contract 版1）です。",
    openapi_extra=_body(_claims_schema()),
)
def claims_calculate(request):
    from sonae.claims.coverage import calculate_json_payload

    output, ok = calculate_json_payload(request.body)
    return _answer(request, output, ok)
