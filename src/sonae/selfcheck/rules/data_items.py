"""The personal-data item vocabulary, shared with the legal duties engine.

The codes are those of ``domain/duties-contract.md``. When the duties engine's vocabulary is importable it is the
single source (labels included); otherwise the same codes and labels below are used, so stored estimates and the
API never depend on which one was loaded.
"""

from __future__ import annotations

_CONTRACT_ITEMS: dict[str, str] = {
    "name": "氏名",
    "name_kana": "氏名（カナ）",
    "address": "住所",
    "postal_code": "郵便番号",
    "birth_date": "生年月日",
    "sex": "性別",
    "phone": "電話番号",
    "email": "メールアドレス",
    "patient_id": "患者ID・診察券番号",
    "employee_id": "従業員番号",
    "salary": "給与額",
    "device_log": "機器ID・使用ログ",
    "lifestyle": "生活習慣（自己申告）",
    "medical_history": "病歴・既往症",
    "medication": "投薬歴・処方・調剤",
    "test_results": "検査結果",
    "health_checkup": "健康診断・ストレスチェック結果",
    "hospital_visit": "受診・通院・入院の事実（送迎先の医療機関を含む）",
    "ward": "病棟・病室",
    "diet_order": "食事箋・治療食",
    "surgery": "手術歴・術式",
    "allergy": "アレルギー",
    "infection": "感染症・感染対策区分",
    "disability": "障害の事実",
    "lifestyle_medical": "生活習慣（健診・保健指導等の記録）",
    "other_sensitive": "人種・信条・犯罪歴・犯罪被害の事実 等",
    "my_number": "マイナンバー（個人番号）",
    "insurance_card_number": "被保険者証等の記号・番号・保険者番号",
    "pension_number": "基礎年金番号",
    "license_number": "運転免許証番号・旅券番号",
    "credit_card": "クレジットカード番号（有効期限等を含む）",
    "bank_account_pin": "口座番号と暗証番号",
    "payment_credentials": "送金・決済機能のあるサービスのID・パスワード",
    "bank_account": "口座番号のみ",
    "login_credentials": "その他のサービスのID・パスワード",
}


def _load() -> tuple[dict[str, str], str]:
    try:
        from sonae.duties.rules.vocab import DATA_ITEM_LABELS
    except ImportError:
        return dict(_CONTRACT_ITEMS), "local"
    return dict(DATA_ITEM_LABELS), "duties"


DATA_ITEM_LABELS, VOCABULARY_SOURCE = _load()
CONTRACT_ITEM_CODES = frozenset(_CONTRACT_ITEMS)
