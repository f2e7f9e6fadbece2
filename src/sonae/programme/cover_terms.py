"""Coverage determination terms of a programme year: covered triggers, exclusions, riders and the application
declarations that matter, with the clause each comes from (issue 12 point 1).

Pure module (no Django). The year file's ``determination`` section is parsed here; the vocabulary (codes and their
Japanese labels) is code, like ``coverage_items``, because the codes appear in stored decisions and the API. Which
triggers and exclusions a plan has, which riders are attached, the clause references and whether an exclusion
excludes outright or sends the incident to review are *data* (the year file). Clause references in Sonae's year
files are samples (the insurer's wording is not public): every reference says （サンプル）.

Vocabulary sources: triggers — the programme flyer's five causes and insurance-and-sector.md §2.1/§7; exclusions —
the market's usual exclusions, §2.4 ("Typical exclusions"); riders — §2.4 (使用人法令違反/犯罪 cover may need a
rider).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sonae.core.errors import InvalidInput

from .coverage_items import PARTS

# Covered causes (補償の対象となる事由). §7: separate codes; employee crime is rider-dependent.
TRIGGERS: dict[str, str] = {
    "cyber_attack": "サイバー攻撃",
    "leak_or_risk": "情報の漏えい・そのおそれ",
    "employee_error": "従業員等の操作・設定ミス（誤送信・誤送付・誤廃棄等）",
    "lost_device_or_bag": "かばん・端末・書類の置き忘れ・紛失・盗難",
    "employee_crime": "従業員等の犯罪行為（情報の不正な持ち出し等）",
}

# Exclusions (保険金を支払わない場合). §2.4 "Typical exclusions" (agency page for a Tokio-Marine-type wording).
EXCLUSIONS: dict[str, str] = {
    "war_terror": "戦争・外国の武力行使・暴動・テロ行為",
    "nuclear": "核燃料物質・放射線・放射能汚染",
    "wilful_act": "保険契約者・被保険者の故意",
    "insured_crime": "被保険者（法人・役員）の犯罪行為（過失犯を除く）",
    "knowing_law_violation": "法令に違反することを認識しながら行った行為",
    "known_before_inception": "保険期間の開始前に被保険者が知っていた事由",
    "earthquake_natural_disaster": "地震・噴火・津波・洪水・高潮等の自然災害",
    "contractual_liability_beyond_law": "契約によって加重された賠償責任（法律上の責任を超える部分）",
    "bodily_injury_property_damage": "身体の障害・財物の損壊（紙・記録媒体の損壊を除く）",
}

# Application declarations (告知事項) that bear on cover: Application.known_circumstances / past_incidents.
DECLARATIONS: dict[str, str] = {
    "known_circumstances": "加入時に、保険金請求につながるおそれのある事実を認識していると申告",
    "past_incidents": "加入時に、過去5年以内の情報漏えい等の事故を申告",
}

RIDERS: dict[str, str] = {
    "employee_crime": "使用人犯罪補償追加条項",
}

EXCLUDED = "excluded"  # the exclusion applies: not covered
REVIEW = "review"  # the insurer must look at it: needs review
INFO = "info"  # shown, changes nothing
EXCLUSION_EFFECTS = (EXCLUDED, REVIEW)
DECLARATION_EFFECTS = (REVIEW, INFO)

SECTION = "determination"
_SECTION_KEYS = {
    "notice",
    "period_clause",
    "period_summary",
    "part_clauses",
    "triggers",
    "exclusions",
    "declarations",
    "riders",
    "plans",
}


@dataclass(frozen=True)
class Clause:
    """Where a rule comes from: the clause reference (「普通保険約款 第5条①（サンプル）」) and a one-line summary."""

    ref: str
    summary: str = ""


@dataclass(frozen=True)
class TriggerTerm:
    code: str
    clause: Clause
    parts: tuple[str, ...]  # the parts that respond to this cause
    rider: str | None = None  # covered only when this rider is attached

    @property
    def label(self) -> str:
        return TRIGGERS[self.code]


@dataclass(frozen=True)
class ExclusionTerm:
    code: str
    clause: Clause
    effect: str  # EXCLUDED or REVIEW
    parts: tuple[str, ...]  # the parts it takes away

    @property
    def label(self) -> str:
        return EXCLUSIONS[self.code]


@dataclass(frozen=True)
class DeclarationTerm:
    code: str
    clause: Clause
    effect: str  # REVIEW or INFO

    @property
    def label(self) -> str:
        return DECLARATIONS[self.code]


@dataclass(frozen=True)
class RiderTerm:
    code: str
    clause: Clause

    @property
    def name(self) -> str:
        return RIDERS[self.code]


@dataclass(frozen=True)
class PlanCover:
    """What one plan has: the triggers it lists, the exclusions that apply, the riders every policy on it carries."""

    triggers: tuple[str, ...]
    exclusions: tuple[str, ...]
    riders: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyTerms:
    """The determination terms of one policy: its plan's triggers, exclusions and parts, and its riders."""

    plan: str
    parts: tuple[str, ...]  # parts of the plan's coverage terms (liability, costs[, business_interruption])
    triggers: Mapping[str, TriggerTerm]
    exclusions: Mapping[str, ExclusionTerm]
    declarations: Mapping[str, DeclarationTerm]
    riders: tuple[str, ...]
    rider_terms: Mapping[str, RiderTerm]
    period_clause: Clause
    part_clauses: Mapping[str, Clause] = field(default_factory=dict)
    notice: str = ""
    version: str = ""


@dataclass(frozen=True)
class CoverTerms:
    """The year's ``determination`` section, parsed."""

    notice: str
    period_clause: Clause
    part_clauses: Mapping[str, Clause]
    triggers: Mapping[str, TriggerTerm]
    exclusions: Mapping[str, ExclusionTerm]
    declarations: Mapping[str, DeclarationTerm]
    riders: Mapping[str, RiderTerm]
    plans: Mapping[str, PlanCover]

    def policy_terms(self, plan: str, parts, *, riders=(), version: str = "") -> PolicyTerms:
        """The terms of a policy on ``plan`` whose coverage has ``parts``; ``riders`` adds riders attached to that
        policy alone (the plan's own riders always apply)."""
        cover = self.plans.get(plan)
        if cover is None:
            raise InvalidInput(f"プラン {plan} の補償判定の条件がありません。", field=f"{SECTION}.plans")
        unknown = sorted(set(riders) - set(self.riders))
        if unknown:
            raise InvalidInput(f"不明な追加条項です: {', '.join(unknown)}", field="riders")
        attached = tuple(dict.fromkeys((*cover.riders, *riders)))
        return PolicyTerms(
            plan=plan,
            parts=tuple(p for p in PARTS if p in set(parts)),
            triggers={code: self.triggers[code] for code in cover.triggers},
            exclusions={code: self.exclusions[code] for code in cover.exclusions},
            declarations=dict(self.declarations),
            riders=attached,
            rider_terms=dict(self.riders),
            period_clause=self.period_clause,
            part_clauses=dict(self.part_clauses),
            notice=self.notice,
            version=version,
        )


# --- parsing ---------------------------------------------------------------------------------------------------


def _fail(message: str, where: str):
    raise InvalidInput(f"{where}: {message}", field=where)


def _mapping(value, where: str) -> Mapping:
    if not isinstance(value, Mapping):
        _fail("形式が正しくありません。", where)
    return value


def _text(value, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        _fail("文字列で指定してください。", where)
    return value.strip()


def _codes(value, where: str, vocabulary, *, allow_empty: bool = False) -> tuple[str, ...]:
    if value is None:
        value = []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        _fail("コードの一覧で指定してください。", where)
    unknown = [v for v in value if v not in vocabulary]
    if unknown:
        _fail(f"不明なコードです: {', '.join(unknown)}", where)
    if not value and not allow_empty:
        _fail("1つ以上指定してください。", where)
    if len(set(value)) != len(value):
        _fail("同じコードが重複しています。", where)
    return tuple(value)


def _clause(data: Mapping, where: str) -> Clause:
    return Clause(
        ref=_text(data.get("clause"), f"{where}.clause"),
        summary=_text(data.get("summary"), f"{where}.summary", required=False),
    )


def _entries(
    section: Mapping, key: str, vocabulary: Mapping[str, str], allowed: set[str]
) -> dict[str, Mapping]:
    where = f"{SECTION}.{key}"
    data = _mapping(section.get(key), where)
    unknown = sorted(set(data) - set(vocabulary))
    if unknown:
        _fail(f"不明なコードです: {', '.join(unknown)}", where)
    missing = [code for code in vocabulary if code not in data]
    if missing:
        _fail(f"記載のないコードがあります: {', '.join(missing)}", where)
    result = {}
    for code in vocabulary:
        entry = _mapping(data[code], f"{where}.{code}")
        extra = sorted(set(entry) - allowed)
        if extra:
            _fail(f"不明な設定があります: {', '.join(extra)}", f"{where}.{code}")
        result[code] = entry
    return result


def parse_cover_terms(section, *, plans: Mapping[str, tuple[str, ...]]) -> CoverTerms | None:
    """Validate a year file's ``determination`` section; ``plans`` maps each plan code of the year to the parts of
    its coverage terms. None when the year has no such section (years loaded before issue 12). Raises InvalidInput
    naming the field."""
    if section is None:
        return None
    section = _mapping(section, SECTION)
    extra = sorted(set(section) - _SECTION_KEYS)
    if extra:
        _fail(f"不明な設定があります: {', '.join(extra)}", SECTION)

    riders = {
        code: RiderTerm(code, _clause(entry, f"{SECTION}.riders.{code}"))
        for code, entry in _entries(section, "riders", RIDERS, {"clause", "summary"}).items()
    }
    triggers = {}
    for code, entry in _entries(
        section, "triggers", TRIGGERS, {"clause", "summary", "parts", "rider"}
    ).items():
        where = f"{SECTION}.triggers.{code}"
        rider = entry.get("rider")
        if rider is not None and rider not in riders:
            _fail(f"追加条項 {rider} が riders にありません。", f"{where}.rider")
        triggers[code] = TriggerTerm(
            code, _clause(entry, where), _codes(entry.get("parts"), f"{where}.parts", PARTS), rider
        )
    exclusions = {}
    for code, entry in _entries(
        section, "exclusions", EXCLUSIONS, {"clause", "summary", "parts", "effect"}
    ).items():
        where = f"{SECTION}.exclusions.{code}"
        effect = entry.get("effect")
        if effect not in EXCLUSION_EFFECTS:
            _fail(f"effect は {' / '.join(EXCLUSION_EFFECTS)} です。", f"{where}.effect")
        exclusions[code] = ExclusionTerm(
            code, _clause(entry, where), effect, _codes(entry.get("parts"), f"{where}.parts", PARTS)
        )
    declarations = {}
    for code, entry in _entries(
        section, "declarations", DECLARATIONS, {"clause", "summary", "effect"}
    ).items():
        where = f"{SECTION}.declarations.{code}"
        effect = entry.get("effect")
        if effect not in DECLARATION_EFFECTS:
            _fail(f"effect は {' / '.join(DECLARATION_EFFECTS)} です。", f"{where}.effect")
        declarations[code] = DeclarationTerm(code, _clause(entry, where), effect)

    part_clauses = {}
    for part, ref in _mapping(section.get("part_clauses") or {}, f"{SECTION}.part_clauses").items():
        if part not in PARTS:
            _fail("不明な補償区分です。", f"{SECTION}.part_clauses.{part}")
        part_clauses[part] = Clause(_text(ref, f"{SECTION}.part_clauses.{part}"))

    plan_data = _mapping(section.get("plans"), f"{SECTION}.plans")
    unknown = sorted(set(map(str, plan_data)) - set(plans))
    if unknown:
        _fail(f"この年度にないプランです: {', '.join(unknown)}", f"{SECTION}.plans")
    plan_covers = {}
    for plan in plans:
        where = f"{SECTION}.plans.{plan}"
        if plan not in plan_data:
            _fail("プランの補償判定の条件がありません。", where)
        entry = _mapping(plan_data[plan], where)
        extra = sorted(set(entry) - {"triggers", "exclusions", "riders"})
        if extra:
            _fail(f"不明な設定があります: {', '.join(extra)}", where)
        plan_covers[plan] = PlanCover(
            triggers=_codes(entry.get("triggers"), f"{where}.triggers", triggers),
            exclusions=_codes(entry.get("exclusions"), f"{where}.exclusions", exclusions),
            riders=_codes(entry.get("riders"), f"{where}.riders", riders, allow_empty=True),
        )

    return CoverTerms(
        notice=_text(section.get("notice"), f"{SECTION}.notice"),
        period_clause=Clause(
            _text(section.get("period_clause"), f"{SECTION}.period_clause"),
            _text(section.get("period_summary"), f"{SECTION}.period_summary", required=False),
        ),
        part_clauses=part_clauses,
        triggers=triggers,
        exclusions=exclusions,
        declarations=declarations,
        riders=riders,
        plans=plan_covers,
    )
