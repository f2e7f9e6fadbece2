"""Pure rule engines exposed over the API: legal duties and claim calculation.

The request body is the same JSON document the CLI takes; the response is the same JSON the CLI prints. Invalid
input answers 400 with the shared envelope plus the contract's ``error`` object.
"""

from __future__ import annotations

from typing import Any

from ninja import Body, Router

router = Router(tags=["判定エンジン"])


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
    "報告・通知義務と期限を判定します。入出力は `sonae duties assess` と同じ契約（duties-contract 版1）です。",
)
def duties_assess(request, payload: Any = Body(...)):
    from sonae.duties.rules import assess_json_payload

    output, ok = assess_json_payload(payload)
    return _answer(request, output, ok)


@router.post(
    "/claims/calculate",
    summary="保険金の計算",
    description="補償条件と費用から支払保険金を計算します。入出力は `sonae claims calculate` と同じ契約（claims-contract 版1）です。",
)
def claims_calculate(request, payload: Any = Body(...)):
    from sonae.claims.coverage import calculate_json_payload

    output, ok = calculate_json_payload(payload)
    return _answer(request, output, ok)
