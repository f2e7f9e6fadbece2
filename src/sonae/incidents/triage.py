"""Triage: from the caller's symptom answers to a category, a severity, the first actions and a cause suggestion.

Pure module (no Django). The symptom checklist is the programme flyer's eight items plus four Sonae adds for the
sector (lost or stolen, misdelivery, insider, other); issue 4 point 2. The rules are deliberately simple so that a
desk operator can predict them and a caller sees advice at once; the desk may override category and severity
when it triages.

Category: the first rule in ``CATEGORY_RULES`` whose symptoms were answered wins (most specific first: a ransom
screen decides the case whatever else is seen; an opened attachment that now sends spoofed mail is malware).

Severity, 1 (most severe) to 4 (least), see ``severity_for``:
  base by category (``BASE_SEVERITY``), one step more severe when sensitive, financial or identifier data is at
  risk (medical data is 要配慮個人情報: PPC FAQ 3-2-4; Sonae reading R10), one step more when about 1,000 or more
  persons may be affected (Enforcement Rules art. 7(iv) threshold: more than 1,000), clamped to 1..4.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sonae.duties.rules import DATA_ITEMS

# --- symptoms --------------------------------------------------------------------------------------------------

# code -> the question as the caller reads it. The first eight are the flyer's checklist, in its order.
SYMPTOMS: dict[str, str] = {
    "data_encrypted": "データが暗号化されて開けない",
    "ransom_message": "身代金を要求する画面が表示され、パソコンが操作できない",
    "data_leaking": "情報が外部に漏えいしている（漏えいしたおそれがある）",
    "told_by_outsider": "取引先や外部の人から、不審なメールや情報漏えいについて連絡を受けた",
    "website_defaced": "ウェブサイトが改ざんされた",
    "website_attacked": "ウェブサイトの脆弱性を攻撃された",
    "spoofed_email": "自社の名前でなりすましメールが送られている",
    "suspicious_attachment": "不審なメールの添付ファイルを開いてしまった",
    "lost_or_stolen": "パソコン・スマートフォン・USBメモリ・書類・かばんを紛失した、または盗まれた",
    "misdelivery": "郵便・FAX・メールを誤って別の宛先に送った",
    "insider": "従業員等が情報を不正に持ち出した、または不正に利用した",
    "other": "その他（上記にあてはまらない）",
}
FLYER_SYMPTOMS: tuple[str, ...] = tuple(list(SYMPTOMS)[:8])

# --- categories ------------------------------------------------------------------------------------------------

CATEGORIES: dict[str, str] = {
    "ransomware": "ランサムウェア",
    "unauthorized_access": "不正アクセス",
    "malware": "マルウェア感染",
    "website_compromise": "ウェブサイトの改ざん・攻撃",
    "impersonation": "なりすまし・フィッシング",
    "loss_theft": "紛失・盗難",
    "misdelivery": "誤送付・誤送信",
    "insider": "内部不正",
    "other": "その他",
}

# (symptoms any of which selects the category, category), most specific first.
CATEGORY_RULES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"ransom_message", "data_encrypted"}), "ransomware"),
    (frozenset({"website_defaced", "website_attacked"}), "website_compromise"),
    (frozenset({"insider"}), "insider"),
    (frozenset({"lost_or_stolen"}), "loss_theft"),
    (frozenset({"misdelivery"}), "misdelivery"),
    # An opened attachment explains later spoofed mail (e.g. Emotet), so malware comes before impersonation.
    (frozenset({"suspicious_attachment"}), "malware"),
    (frozenset({"spoofed_email"}), "impersonation"),
    (frozenset({"data_leaking", "told_by_outsider"}), "unauthorized_access"),
)

# --- severity --------------------------------------------------------------------------------------------------

SEVERITIES: dict[int, str] = {1: "緊急", 2: "高", 3: "中", 4: "低"}
MOST_SEVERE = 1
LEAST_SEVERE = 4

# Attacks that may stop the business or spread get 2; events with a known, bounded scope get 3 or 4.
BASE_SEVERITY: dict[str, int] = {
    "ransomware": 2,
    "unauthorized_access": 2,
    "website_compromise": 2,
    "insider": 2,
    "malware": 3,
    "impersonation": 3,
    "loss_theft": 3,
    "misdelivery": 4,
    "other": 4,
}
# Enforcement Rules art. 7(iv): a report is due when more than 1,000 persons are affected.
MANY_PERSONS = 1000
# Data item classes whose exposure alone makes a leak reportable (Enforcement Rules art. 7(i)(ii); R11).
SERIOUS_ITEM_CLASSES = frozenset({"sensitive", "financial", "identifier"})

# --- first actions ---------------------------------------------------------------------------------------------

CONTACT_DESK = "サイバー事故対応デスクに連絡し、指示を受けてください（この受付で連絡済みです）。"
KEEP_RECORD = "気づいた時刻、気づいた人、見たこと・行ったことを時系列でメモに残してください。"

FIRST_ACTIONS: dict[str, tuple[str, ...]] = {
    "ransomware": (
        "感染した端末のLANケーブルを抜き、Wi-Fiを切って、ネットワークから切り離してください。",
        "電源は切らず、再起動・初期化・データの削除もしないでください（調査に必要な痕跡が消えます）。",
        "脅迫文（身代金要求の画面）をスマートフォン等で撮影し、脅迫文のファイルも残してください。",
        "身代金は支払わず、攻撃者に連絡もしないでください。",
        "同じネットワークの他の端末・サーバー・バックアップへの影響を確認し、バックアップは切り離して保管してください。",
    ),
    "unauthorized_access": (
        "不審な通信や操作がある端末・サーバーをネットワークから切り離してください（電源は切らないでください）。",
        "影響を受けたおそれのあるアカウントのパスワードを、安全な別の端末から変更してください。",
        "ログ（アクセスログ・操作ログ）を削除・上書きしないよう保全してください。",
        "漏えいしたおそれのある情報の種類と件数を確認してください。",
    ),
    "malware": (
        "添付ファイルを開いた端末をネットワークから切り離してください（電源は切らないでください）。",
        "受信した不審なメールは削除せず、転送もせずに保管してください。",
        "その端末で使っていたメール・業務システムのパスワードを、別の安全な端末から変更してください。",
        "同じメールを受け取った従業員がいないか確認し、開かないよう周知してください。",
    ),
    "website_compromise": (
        "改ざんされたページや攻撃を受けたサイトを一時的に公開停止（メンテナンス表示）にしてください。",
        "サーバーのログやファイルは削除・上書きせず保全してください。",
        "サイトの管理画面・サーバーのパスワードを変更し、サイトの保守業者に連絡してください。",
        "入力フォーム等から個人情報やカード情報を取得していないか確認してください。",
    ),
    "impersonation": (
        "なりすましメールの実物（ヘッダー情報を含む）を保存してください。",
        "自社のメールアカウントのパスワードを変更し、不審な転送設定がないか確認してください。",
        "取引先・利用者に、自社を名乗る不審なメールを開かないよう注意を呼びかけてください。",
    ),
    "loss_theft": (
        "紛失・盗難にあったもの（かばん・端末・書類）の中身を、分かる範囲で一覧にしてください。",
        "警察に遺失届・盗難届を出し、受理番号を控えてください。",
        "かばんや端末に入っていたカード・アカウントの利用停止、端末の遠隔ロック・遠隔消去をしてください。",
        "最後に確認した場所・時刻と、立ち寄った場所を確認し、問い合わせてください。",
    ),
    "misdelivery": (
        "誤って送った相手に連絡し、開封・閲覧せずに返送または削除してもらうよう依頼してください。",
        "返送・削除が済んだかどうかを記録してください（相手の名前・日時・方法）。",
        "誤送付した書類・データの内容（誰の、どの情報か）を確認してください。",
        "同じ手順で再び誤送付が起きないよう、当面の送付を二人で確認してください。",
    ),
    "insider": (
        "関係する従業員のアカウントを停止し、社内システムへのアクセス権を見直してください。",
        "持ち出された情報の範囲と経路（USBメモリ・メール・クラウド等）を確認してください。",
        "ログや端末を削除・初期化せず保全してください。本人への聞き取りは記録を残して行ってください。",
    ),
    "other": ("起きていることを確認できる画面やファイルを撮影・保存し、削除しないでください。",),
}

ENTRUSTED_ACTION = (
    "預かっている医療機関（委託元）のデータが含まれる場合は、委託契約に従い委託元へ速やかに報告してください。"
)

# --- cause suggestion for the duties engine --------------------------------------------------------------------

# category -> cause code of the duties contract. A suggestion: the desk confirms it when the facts are known.
# A lost bag is ``loss`` until a theft is confirmed (the desk changes it to ``theft`` then); misdelivery defaults to
# post/fax (``misdelivery_email`` when it was an e-mail).
CAUSE_SUGGESTION: dict[str, str] = {
    "ransomware": "ransomware",
    "unauthorized_access": "unauthorized_access",
    "malware": "malware",
    "website_compromise": "unauthorized_access",
    "impersonation": "phishing",
    "loss_theft": "loss",
    "misdelivery": "misdelivery",
    "insider": "insider_theft",
    "other": "other",
}


@dataclass(frozen=True)
class TriageResult:
    """What the answers suggest: category, severity (1 most severe), first actions and a duties cause code."""

    category: str
    severity: int
    first_actions: tuple[str, ...]
    cause: str


class UnknownCode(ValueError):
    """A code outside the vocabulary; ``field`` names the input and ``codes`` the unknown values."""

    def __init__(self, field: str, codes: list[str]):
        self.field = field
        self.codes = codes
        super().__init__(f"unknown {field}: {', '.join(codes)}")


def _check(field: str, values: Iterable[str], vocabulary) -> frozenset[str]:
    values = frozenset(values)
    unknown = sorted(values - set(vocabulary))
    if unknown:
        raise UnknownCode(field, unknown)
    return values


def category_for(symptoms: Iterable[str]) -> str:
    """The category selected by the first matching rule of ``CATEGORY_RULES``; ``other`` when none matches."""
    answered = _check("symptoms", symptoms, SYMPTOMS)
    for triggers, category in CATEGORY_RULES:
        if answered & triggers:
            return category
    return "other"


def severity_for(category: str, data_items: Iterable[str] = (), persons: int | None = None) -> int:
    """Severity 1 (緊急) to 4 (低): the category's base, one step more severe for sensitive, financial or
    identifier data at risk, one step more for ``MANY_PERSONS`` or more persons; never beyond 1."""
    if category not in CATEGORIES:
        raise UnknownCode("category", [category])
    items = _check("data_items", data_items, DATA_ITEMS)
    severity = BASE_SEVERITY[category]
    if any(DATA_ITEMS[code].item_class in SERIOUS_ITEM_CLASSES for code in items):
        severity -= 1  # APPI Enforcement Rules art. 7(i)-(ii); medical facts are sensitive (R10)
    if persons is not None and persons >= MANY_PERSONS:
        severity -= 1  # Enforcement Rules art. 7(iv) order of magnitude
    return max(MOST_SEVERE, min(LEAST_SEVERE, severity))


def first_actions(category: str, *, entrusted: bool = False) -> tuple[str, ...]:
    """What the caller should do now, in Japanese, most urgent first; the desk contact and the record last."""
    if category not in CATEGORIES:
        raise UnknownCode("category", [category])
    actions = list(FIRST_ACTIONS[category])
    if entrusted:
        actions.append(ENTRUSTED_ACTION)
    actions.extend((KEEP_RECORD, CONTACT_DESK))
    return tuple(actions)


def cause_for(category: str) -> str:
    """The duties engine's cause code suggested for a category (``duties-contract.md``, cause codes)."""
    if category not in CATEGORIES:
        raise UnknownCode("category", [category])
    return CAUSE_SUGGESTION[category]


def triage(
    symptoms: Iterable[str],
    data_items: Iterable[str] = (),
    persons: int | None = None,
    *,
    entrusted: bool = False,
) -> TriageResult:
    """Category, severity, first actions and cause suggestion for one set of answers."""
    category = category_for(symptoms)
    return TriageResult(
        category=category,
        severity=severity_for(category, data_items, persons),
        first_actions=first_actions(category, entrusted=entrusted),
        cause=cause_for(category),
    )
