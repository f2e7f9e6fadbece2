"""Vocabularies of the legal duties engine, with Japanese labels.

Codes and classes are those of ``domain/duties-contract.md``; the classes follow law.md §1.5 and Sonae readings
R9 (lifestyle), R10 (facts revealing medical care), R11 (identifier codes) and R17 (bank account alone).
UIs and the OpenAPI schema list these mappings (code → Japanese label) instead of repeating them.

Decisions on points the contract leaves open (conservative reading, law.md §0):
- ``backup_intact`` lifts a loss/damage only for causes that are loss/damage and not a leak risk by nature:
  ``system_failure`` and ``operational_error``. A bag or device lost outside the business (``loss``) is a risk of
  leakage (law.md §1.2: loss outside the company is a leak), so a backup does not lift it; ``other`` is unknown and
  is treated the same way.
- ``recipient_confirmed_deleted_unread`` applies to misdelivery causes only (``misdelivery``,
  ``misdelivery_email``), the cases PPC Q&A 6-1 describes.
"""

from __future__ import annotations

from dataclasses import dataclass

# Data item classes.
ORDINARY = "ordinary"
SENSITIVE = "sensitive"
IDENTIFIER = "identifier"
FINANCIAL = "financial"

DATA_ITEM_CLASS_LABELS: dict[str, str] = {
    ORDINARY: "通常の個人情報",
    SENSITIVE: "要配慮個人情報",
    IDENTIFIER: "個人識別符号",
    FINANCIAL: "財産的被害のおそれがある情報",
}


@dataclass(frozen=True)
class DataItem:
    """A kind of personal data that an incident can affect."""

    code: str
    label: str
    item_class: str
    # The Sonae reading that fixes the class, when the sources leave it open.
    reading: str | None = None


_DATA_ITEMS: tuple[DataItem, ...] = (
    DataItem("name", "氏名", ORDINARY),
    DataItem("name_kana", "氏名（カナ）", ORDINARY),
    DataItem("address", "住所", ORDINARY),
    DataItem("postal_code", "郵便番号", ORDINARY),
    DataItem("birth_date", "生年月日", ORDINARY),
    DataItem("sex", "性別", ORDINARY),
    DataItem("phone", "電話番号", ORDINARY),
    DataItem("email", "メールアドレス", ORDINARY),
    DataItem("patient_id", "患者ID・診察券番号", ORDINARY),
    DataItem("employee_id", "従業員番号", ORDINARY),
    DataItem("salary", "給与額", ORDINARY),
    DataItem("device_log", "機器ID・使用ログ", ORDINARY),
    DataItem("lifestyle", "生活習慣（自己申告）", ORDINARY, "R9"),
    DataItem("medical_history", "病歴・既往症", SENSITIVE),
    DataItem("medication", "投薬歴・処方・調剤", SENSITIVE),
    DataItem("test_results", "検査結果", SENSITIVE),
    DataItem("health_checkup", "健康診断・ストレスチェック結果", SENSITIVE),
    DataItem("hospital_visit", "受診・通院・入院の事実（送迎先の医療機関を含む）", SENSITIVE, "R10"),
    DataItem("ward", "病棟・病室", SENSITIVE, "R10"),
    DataItem("diet_order", "食事箋・治療食", SENSITIVE, "R10"),
    DataItem("surgery", "手術歴・術式", SENSITIVE),
    DataItem("allergy", "アレルギー", SENSITIVE),
    DataItem("infection", "感染症・感染対策区分", SENSITIVE),
    DataItem("disability", "障害の事実", SENSITIVE),
    DataItem("lifestyle_medical", "生活習慣（健診・保健指導等の記録）", SENSITIVE, "R9"),
    DataItem("other_sensitive", "人種・信条・犯罪歴・犯罪被害の事実 等", SENSITIVE),
    DataItem("my_number", "マイナンバー（個人番号）", IDENTIFIER, "R11"),
    DataItem("insurance_card_number", "被保険者証等の記号・番号・保険者番号", IDENTIFIER, "R11"),
    DataItem("pension_number", "基礎年金番号", IDENTIFIER),
    DataItem("license_number", "運転免許証番号・旅券番号", IDENTIFIER),
    DataItem("credit_card", "クレジットカード番号（有効期限等を含む）", FINANCIAL),
    DataItem("bank_account_pin", "口座番号と暗証番号", FINANCIAL, "R17"),
    DataItem("payment_credentials", "送金・決済機能のあるサービスのID・パスワード", FINANCIAL, "R17"),
    DataItem("bank_account", "口座番号のみ", ORDINARY, "R17"),
    DataItem("login_credentials", "その他のサービスのID・パスワード", ORDINARY, "R17"),
)

DATA_ITEMS: dict[str, DataItem] = {item.code: item for item in _DATA_ITEMS}
DATA_ITEM_LABELS: dict[str, str] = {item.code: item.label for item in _DATA_ITEMS}
MY_NUMBER_ITEM = "my_number"


# Causes. ``kind`` says what the event is by nature: "leak" (data may have reached others) or "loss_or_damage"
# (data destroyed or made unusable inside the business; only these can be lifted by an intact backup).
LEAK = "leak"
LOSS_OR_DAMAGE = "loss_or_damage"


@dataclass(frozen=True)
class Cause:
    """What caused the incident, and what follows from it by default."""

    code: str
    label: str
    unauthorized_purpose: bool
    kind: str
    cyber: bool = False


_CAUSES: tuple[Cause, ...] = (
    Cause("ransomware", "ランサムウェア", True, LEAK, cyber=True),
    Cause("unauthorized_access", "不正アクセス", True, LEAK, cyber=True),
    Cause("malware", "マルウェア感染（ランサムウェア以外）", True, LEAK, cyber=True),
    Cause("phishing", "フィッシング・なりすまし", True, LEAK, cyber=True),
    Cause("web_skimming", "ウェブスキミング（入力フォームの改ざん）", True, LEAK, cyber=True),
    Cause("theft", "外部の者による盗難（かばん・端末・書類、車上荒らし等）", True, LEAK),
    Cause("insider_theft", "従業者による不正な持ち出し", True, LEAK),
    Cause("misdelivery", "誤送付（郵送・FAX・手渡し）", False, LEAK),
    Cause("misdelivery_email", "メールの誤送信", False, LEAK),
    Cause("loss", "紛失（かばん・端末・書類、輸送中の紛失）", False, LEAK),
    Cause("misconfiguration", "設定の誤り", False, LEAK),
    Cause("public_exposure", "誤ってインターネット上で閲覧可能にしたこと", False, LEAK),
    Cause("operational_error", "作業ミス（誤廃棄・誤消去等）", False, LOSS_OR_DAMAGE),
    Cause("system_failure", "システム障害", False, LOSS_OR_DAMAGE),
    Cause("other", "その他", False, LEAK),
)

CAUSES: dict[str, Cause] = {cause.code: cause for cause in _CAUSES}
CAUSE_LABELS: dict[str, str] = {cause.code: cause.label for cause in _CAUSES}
MISDELIVERY_CAUSES: frozenset[str] = frozenset({"misdelivery", "misdelivery_email"})

# Other enumerations of the input.
CONTROLLER = "controller"
CONTRACTOR = "contractor"
ROLE_LABELS: dict[str, str] = {
    CONTROLLER: "自らの事業のために取り扱う事業者",
    CONTRACTOR: "委託を受けて取り扱う事業者（委託先）",
}

EXFILTRATION_LABELS: dict[str, str] = {
    "confirmed": "持ち出しを確認",
    "unknown": "不明（調査中）",
    "none_found": "持ち出しの痕跡なし",
}

HELD = "held"
BEING_ACQUIRED = "being_acquired"
DATA_SCOPE_LABELS: dict[str, str] = {
    HELD: "保有している個人データ",
    BEING_ACQUIRED: "取得しようとしている個人情報（入力フォーム等）",
}

# Output enumerations.
APPI_CATEGORY_LABELS: dict[str, str] = {
    "financial": "財産的被害が生じるおそれ（規則7条2号）",
    "over_1000": "本人の数が1,000人超（規則7条4号）",
    "sensitive": "要配慮個人情報（規則7条1号）",
    "unauthorized_purpose": "不正の目的によるおそれ（規則7条3号）",
}

MY_NUMBER_CATEGORY_LABELS: dict[str, str] = {
    "over_100": "本人の数が100人超",
    "unauthorized_purpose": "不正の目的によるおそれ",
    "viewable_by_unspecified_many": "不特定多数の者に閲覧されるおそれ（電子的方法）",
}

OWN = "own"
JOINT = "joint"
VIA_ENTRUSTING_PARTY = "via_entrusting_party"
NONE = "none"
REPORTING_MODE_LABELS: dict[str, str] = {
    OWN: "自ら報告する",
    JOINT: "委託元と連名で報告する",
    VIA_ENTRUSTING_PARTY: "委託元への通知により自らの報告は不要（委託元が報告）",
    NONE: "報告不要",
}

# In the order the contract lists them; the engine emits recommendations in this order.
RECOMMENDATION_LABELS: dict[str, str] = {
    "notify_entrusting_party_by_contract": "委託契約に基づき委託元（医療機関等）へ速やかに報告する",
    "police": "警察（都道府県警察のサイバー犯罪相談窓口等）へ相談・被害届を出す",
    "nco_common_form": "国家サイバー統括室（NCO）の共通様式を使って報告する",
    "ipa_report": "IPA（情報処理推進機構）へ届け出る",
    "jpcert_report": "JPCERT/CCへインシデントを報告する",
    "prepare_for_erasure_requests": "利用停止・消去等の請求（個人情報保護法35条5項）に備える",
    "public_announcement_if_unreachable": "本人に連絡できない場合に備え、公表と問い合わせ窓口を準備する",
}

SONAE_READINGS: tuple[str, ...] = tuple(f"R{n}" for n in range(1, 18))


def valid_values_text(labels: dict[str, str]) -> str:
    """The valid codes with their Japanese labels, for error messages: ``code（label）、…``."""
    return "、".join(f"{code}（{label}）" for code, label in labels.items())
