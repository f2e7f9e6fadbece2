"""Demo data for enrolment (called by the core demo loader after it has created the organisations and years).

Idempotent ``load()``: the 2025 and 2026 programme year files; a roster of 30 certified businesses across the 11
業務 (the three demo providers among them, linked by corporate number); policies in force for ``sakura-lab``,
``aoba-transport`` and ``midori-food`` in both years; and other businesses at every step of the 2026 funnel
(eligible only, quoted, submitted, returned, accepted and unpaid, partly paid, late accepted, policy, mid-term
joiner, cancelled), plus two whose certification has lapsed. Every record goes through the real services, dated
inside the years' windows, so the demo never depends on today's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.errors import InvalidInput
from sonae.core.models import Organisation, Role
from sonae.core.services import organisation_create
from sonae.jp.calendar import TOKYO
from sonae.programme.models import ProgrammeYear
from sonae.programme.services import programme_year_load_file, shipped_year_file

from .models import Application, Deposit, Policy, Quote, RosterEntry, RosterImport
from .rules import with_check_digit

ROSTER_FILE_NAME = "demo-roster.csv"


@dataclass(frozen=True)
class DemoBusiness:
    base: str  # 12-digit base of the corporate number (check digit added)
    name: str
    kana: str
    address: str
    certs: tuple[tuple[str, str, str, str], ...]  # (業務 label, unit, certified_from, valid_until)
    sales: int = 300_000_000
    org_code: str = ""

    @property
    def corporate_number(self) -> str:
        return with_check_digit(self.base)


C2 = ("2025-06-01", "2027-05-31")  # a 2-year certification valid on both cover starts
C3 = ("2025-02-01", "2028-01-31")  # a 3-year certification valid on both cover starts

BUSINESSES: tuple[DemoBusiness, ...] = (
    DemoBusiness(
        "010001110001",
        "株式会社さくら臨床検査",
        "サクラリンショウケンサ",
        "東京都文京区本郷3-1-1",
        (("衛生検査所業務", "施設", *C2), ("医療機器の保守点検業務", "事業者", *C2)),
        800_000_000,
        "sakura-lab",
    ),
    DemoBusiness(
        "010001110002",
        "あおば患者搬送株式会社",
        "アオバカンジャハンソウ",
        "宮城県仙台市青葉区一番町1-2-3",
        (("患者搬送業務", "事業者", *C3),),
        250_000_000,
        "aoba-transport",
    ),
    DemoBusiness(
        "010001110003",
        "みどりフードサービス株式会社",
        "ミドリフードサービス",
        "愛知県名古屋市中区栄2-3-4",
        (("院外調理患者等給食業務", "施設", *C3), ("院内調理患者等給食業務", "事業者", *C3)),
        1_200_000_000,
        "midori-food",
    ),
    DemoBusiness(
        "010001110004",
        "株式会社ひので検査センター",
        "ヒノデケンサセンター",
        "大阪府大阪市北区梅田1-1-1",
        (("衛生検査所業務", "施設", *C2),),
        2_400_000_000,
    ),
    DemoBusiness(
        "010001110005",
        "株式会社しらさぎ滅菌",
        "シラサギメッキン",
        "兵庫県姫路市本町68",
        (("院外滅菌消毒業務", "施設", *C3),),
        420_000_000,
    ),
    DemoBusiness(
        "010001110006",
        "かもめ院内サービス株式会社",
        "カモメインナイサービス",
        "神奈川県横浜市中区本町6-50",
        (("院内滅菌消毒業務", "事業者", *C3), ("院内清掃業務", "事業者", *C3)),
        650_000_000,
    ),
    DemoBusiness(
        "010001110007",
        "株式会社つばき給食",
        "ツバキキュウショク",
        "福岡県福岡市博多区博多駅前2-1-1",
        (("院内調理患者等給食業務", "事業者", *C3),),
        900_000_000,
    ),
    DemoBusiness(
        "010001110008",
        "ほくと搬送サービス株式会社",
        "ホクトハンソウサービス",
        "北海道札幌市中央区北1条西2-1",
        (("患者搬送業務", "事業者", *C3),),
        120_000_000,
    ),
    DemoBusiness(
        "010001110009",
        "株式会社あさひ酸素サポート",
        "アサヒサンソサポート",
        "埼玉県さいたま市浦和区高砂3-15-1",
        (("在宅酸素療法における酸素供給装置の保守点検業務", "事業者", *C2),),
        780_000_000,
    ),
    DemoBusiness(
        "010001110010",
        "メディテック保守株式会社",
        "メディテックホシュ",
        "東京都港区芝公園4-2-8",
        (("医療機器の保守点検業務", "事業者", *C2),),
        3_500_000_000,
    ),
    DemoBusiness(
        "010001110011",
        "株式会社あおぞらガス設備",
        "アオゾラガスセツビ",
        "千葉県千葉市中央区市場町1-1",
        (("医療用ガス供給設備の保守点検業務", "事業者", *C2),),
        260_000_000,
    ),
    DemoBusiness(
        "010001110012",
        "しろくまリネン株式会社",
        "シロクマリネン",
        "新潟県新潟市中央区新光町4-1",
        (("寝具類洗濯業務", "施設", *C3),),
        340_000_000,
    ),
    DemoBusiness(
        "010001110013",
        "株式会社きらり清掃",
        "キラリセイソウ",
        "広島県広島市中区基町10-52",
        (("院内清掃業務", "事業者", *C3),),
        180_000_000,
    ),
    DemoBusiness(
        "010001110014",
        "株式会社みなみ臨床ラボ",
        "ミナミリンショウラボ",
        "鹿児島県鹿児島市鴨池新町10-1",
        (("衛生検査所業務", "施設", *C2),),
        310_000_000,
    ),
    DemoBusiness(
        "010001110015",
        "やまびこ給食株式会社",
        "ヤマビコキュウショク",
        "長野県長野市大字南長野幅下692-2",
        (("院外調理患者等給食業務", "施設", *C3),),
        510_000_000,
    ),
    DemoBusiness(
        "010001110016",
        "株式会社こもれび搬送",
        "コモレビハンソウ",
        "京都府京都市上京区下立売通新町西入薮ノ内町",
        (("患者搬送業務", "事業者", *C3),),
        95_000_000,
    ),
    DemoBusiness(
        "010001110017",
        "株式会社せせらぎ滅菌サービス",
        "セセラギメッキンサービス",
        "静岡県静岡市葵区追手町9-6",
        (("院外滅菌消毒業務", "施設", *C3), ("院内滅菌消毒業務", "事業者", *C3)),
        1_500_000_000,
    ),
    DemoBusiness(
        "010001110018",
        "はるかぜ医療機器サービス株式会社",
        "ハルカゼイリョウキキサービス",
        "岡山県岡山市北区内山下2-4-6",
        (("医療機器の保守点検業務", "事業者", *C2),),
        720_000_000,
    ),
    DemoBusiness(
        "010001110019",
        "株式会社いずみリネンサプライ",
        "イズミリネンサプライ",
        "熊本県熊本市中央区水前寺6-18-1",
        (("寝具類洗濯業務", "施設", *C3),),
        460_000_000,
    ),
    DemoBusiness(
        "010001110020",
        "株式会社ゆうひクリーン",
        "ユウヒクリーン",
        "愛媛県松山市一番町4-4-2",
        (("院内清掃業務", "事業者", *C3),),
        220_000_000,
    ),
    DemoBusiness(
        "010001110021",
        "株式会社わかば酸素",
        "ワカバサンソ",
        "群馬県前橋市大手町1-1-1",
        (("在宅酸素療法における酸素供給装置の保守点検業務", "事業者", *C2),),
        140_000_000,
    ),
    DemoBusiness(
        "010001110022",
        "株式会社そよかぜ検査",
        "ソヨカゼケンサ",
        "石川県金沢市鞍月1-1",
        (("衛生検査所業務", "施設", *C2),),
        580_000_000,
    ),
    DemoBusiness(
        "010001110023",
        "ひばりメディカルガス株式会社",
        "ヒバリメディカルガス",
        "栃木県宇都宮市塙田1-1-20",
        (("医療用ガス供給設備の保守点検業務", "事業者", *C2),),
        330_000_000,
    ),
    DemoBusiness(
        "010001110024",
        "株式会社たんぽぽ給食",
        "タンポポキュウショク",
        "沖縄県那覇市泉崎1-2-2",
        (("院内調理患者等給食業務", "事業者", *C3),),
        270_000_000,
    ),
    DemoBusiness(
        "010001110025",
        "株式会社いなほ清掃",
        "イナホセイソウ",
        "秋田県秋田市山王4-1-1",
        (("院内清掃業務", "事業者", *C3),),
        110_000_000,
    ),
    DemoBusiness(
        "010001110026",
        "株式会社みずほ滅菌",
        "ミズホメッキン",
        "香川県高松市番町4-1-10",
        (("院外滅菌消毒業務", "施設", *C3),),
        390_000_000,
    ),
    DemoBusiness(
        "010001110027",
        "株式会社ぎんが医療サポート",
        "ギンガイリョウサポート",
        "奈良県奈良市登大路町30",
        (("医療機器の保守点検業務", "事業者", *C2), ("医療用ガス供給設備の保守点検業務", "事業者", *C2)),
        1_100_000_000,
    ),
    DemoBusiness(
        "010001110028",
        "株式会社あかつき寝具",
        "アカツキシング",
        "山口県山口市滝町1-1",
        (("寝具類洗濯業務", "施設", *C3),),
        150_000_000,
    ),
    # certification lapsed before the 2026 cover start: not eligible for 2026 (shown with the reason)
    DemoBusiness(
        "010001110029",
        "株式会社ふるさと搬送",
        "フルサトハンソウ",
        "青森県青森市長島1-1-1",
        (("患者搬送業務", "事業者", "2023-06-01", "2026-05-31"),),
        80_000_000,
    ),
    DemoBusiness(
        "010001110030",
        "株式会社こはる検査",
        "コハルケンサ",
        "徳島県徳島市万代町1-1",
        (("衛生検査所業務", "施設", "2024-06-01", "2026-05-31"),),
        200_000_000,
    ),
)
DEMO_PROVIDERS = ("sakura-lab", "aoba-transport", "midori-food")

# 2026 funnel: business index (into BUSINESSES) → the step it stops at.
FUNNEL_2026 = {
    3: "policy",
    4: "policy",
    5: "policy_cancelled",
    6: "partly_paid",
    7: "accepted",
    8: "accepted_late",
    9: "returned",
    10: "submitted",
    11: "draft",
    12: "quoted",
    13: "quoted",
    14: "mid_term",
    15: "declined",
}
FUNNEL_2025 = {3: "policy", 4: "policy", 6: "policy"}


def _jst(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def _load_years() -> dict[str, ProgrammeYear]:
    years = {}
    for code in ("2025", "2026"):
        try:
            year, _ = programme_year_load_file(path=shipped_year_file(code))
        except InvalidInput:
            # The year's terms were changed under the same version (e.g. in the admin): keep what is there.
            year = ProgrammeYear.objects.get(code=code)
        years[code] = year
    return years


def _roster_csv() -> bytes:
    lines = ["法人番号,事業者名,事業者名カナ,所在地,認定業務,認定単位,施設名,認定日,有効期限,認定番号"]
    for n, b in enumerate(BUSINESSES, start=1):
        for k, (label, unit, start, end) in enumerate(b.certs, start=1):
            facility = f"{b.name.replace('株式会社', '').strip()} 第{k}センター" if unit == "施設" else ""
            lines.append(
                f"{b.corporate_number},{b.name},{b.kana},{b.address},{label},{unit},{facility},{start},{end},"
                f"DEMO-{n:03d}-{k}"
            )
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def _system_actor(code: str) -> Actor:
    return Actor(organisation=Organisation.objects.get(code=code), role=Role.ADMIN)


def _provider_actor(org: Organisation) -> Actor:
    """The provider's demo admin when there is one (so the history names a person), else the organisation."""
    from sonae.core.models import Membership

    membership = Membership.objects.filter(organisation=org, role=Role.ADMIN).select_related("user").first()
    return Actor.from_membership(membership) if membership else Actor(organisation=org, role=Role.ADMIN)


def _load_roster() -> None:
    from .services import roster_import_commit, roster_import_validate

    if RosterImport.objects.filter(file_name=ROSTER_FILE_NAME, status=RosterImport.Status.COMMITTED).exists():
        return
    foundation = _system_actor("foundation")
    upload = roster_import_validate(actor=foundation, file_name=ROSTER_FILE_NAME, data=_roster_csv())
    roster_import_commit(actor=foundation, roster_import=upload)


def _organisation_for(index: int, business: DemoBusiness) -> Organisation:
    from .services import roster_entry_link_organisation

    code = business.org_code or f"demo-provider-{index:02d}"
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        org = organisation_create(
            kind="provider",
            code=code,
            name=business.name,
            name_kana=business.kana,
            corporate_number=business.corporate_number,
        )
    entry = RosterEntry.objects.get(corporate_number=business.corporate_number)
    if entry.organisation_id != org.pk or org.corporate_number != business.corporate_number:
        if org.corporate_number != business.corporate_number:
            org.corporate_number = business.corporate_number
            org.save(update_fields=["corporate_number", "updated_at"])
        roster_entry_link_organisation(entry=entry, organisation=org)
    return org


FORM = {"consent": True, "representative_name": "代表 太郎", "representative_title": "代表取締役"}


def _walk(
    org: Organisation, business: DemoBusiness, year: ProgrammeYear, step: str, actor: Actor
) -> tuple | None:
    """Take one business through the services up to ``step`` in ``year`` (dates inside the year's windows).
    Returns the bank deposit (date, payer as the bank prints it, amount) that pays it, when the step has one."""
    from .services import (
        application_accept,
        application_return,
        application_start,
        application_submit,
        application_update,
        quote_create,
        quote_decline,
    )

    y = int(year.code)
    mid_term = step == "mid_term"
    quote = quote_create(
        actor=actor,
        organisation=org,
        year=year,
        annual_sales=business.sales,
        records_held=max(business.sales // 10_000, 500),
        employees=max(business.sales // 10_000_000, 5),
        security_score=72,
        incidents_5y=0,
        plans=["A", "B"],
        at=_jst(y, 10, 10) if mid_term else _jst(y, 8, 10),
    )
    if step == "quoted":
        return None
    if step == "declined":
        quote_decline(actor=actor, quote=quote, reason="今年度は見送り")
        return None
    plan = "B" if business.sales >= 1_000_000_000 else "A"
    application = application_start(
        actor=actor, quote=quote, plan=plan, at=_jst(y, 10, 12) if mid_term else _jst(y, 8, 25)
    )
    application = application_update(actor=actor, application=application, data=FORM)
    if step == "draft":
        return None
    agency = _system_actor("sonae-agency")
    if step == "accepted_late":
        application_accept(
            actor=agency,
            application=application,
            reason="郵送の加入依頼書が期限後に到着（9月16日消印）",
            at=_jst(y, 9, 18),
        )
        return None
    application = application_submit(
        actor=actor, application=application, at=_jst(y, 10, 14) if mid_term else _jst(y, 9, 3)
    )
    if step == "submitted":
        return None
    if step == "returned":
        application_return(
            actor=agency,
            application=application,
            reason="告知事項の記入漏れがあります。ご確認ください。",
            at=_jst(y, 9, 5),
        )
        return None
    application = application_accept(
        actor=agency, application=application, at=_jst(y, 10, 15) if mid_term else _jst(y, 9, 8)
    )
    if step == "accepted":
        return None
    amount = application.premium - 10_000 if step == "partly_paid" else application.premium
    return (date(y, 10, 16) if mid_term else date(y, 9, 10), _bank_kana(business.kana), amount)


def _bank_kana(kana: str) -> str:
    """How a bank prints a payer name: half-width kana without small letters, legal form as ｶ)."""
    import jaconv

    return "ｶ)" + jaconv.z2h(
        kana.translate(str.maketrans("ァィゥェォッャュョ", "アイウエオツヤユヨ")), kana=True
    )


def _deposit_file(rows: list) -> bytes:
    lines = ["入金日,振込依頼人名,金額"] + [f"{d.isoformat()},{p},{a}" for d, p, a in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def _import_deposits(year: ProgrammeYear, deposits: list) -> None:
    """Main-enrolment payments arrive by 9/16 (imported 9/12); mid-term ones in October (imported 10/17)."""
    from .services import deposit_import

    y = int(year.code)
    for name, rows, at in (
        ("main", [r for r in deposits if r[0] <= date(y, 9, 30)], _jst(y, 9, 12)),
        ("mid-term", [r for r in deposits if r[0] > date(y, 9, 30)], _jst(y, 10, 17)),
    ):
        if rows:
            deposit_import(
                actor=_system_actor("sonae-agency"),
                file_name=f"demo-deposits-{year.code}-{name}.csv",
                data=_deposit_file(rows),
                at=at,
            )


@transaction.atomic
def load() -> None:
    """Load (or find) the enrolment demo data. Safe to run again: nothing is duplicated."""
    from .services import deposit_match, policy_cancel

    years = _load_years()
    _load_roster()
    orgs = {i: _organisation_for(i, b) for i, b in enumerate(BUSINESSES) if b.org_code}
    for i in set(FUNNEL_2025) | set(FUNNEL_2026):
        orgs[i] = _organisation_for(i, BUSINESSES[i])
    agency = _system_actor("sonae-agency")
    for code, funnel in (("2025", FUNNEL_2025), ("2026", FUNNEL_2026)):
        year = years[code]
        steps = {i: "policy" for i, b in enumerate(BUSINESSES) if b.org_code} | funnel
        deposits: list = []
        for i, step in steps.items():
            if Quote.objects.filter(organisation=orgs[i], programme_year=year).exists():
                continue
            actor = _provider_actor(orgs[i]) if BUSINESSES[i].org_code else agency
            deposit = _walk(orgs[i], BUSINESSES[i], year, step, actor)
            if deposit:
                deposits.append(deposit)
        if not deposits:
            continue
        # A transfer nobody can be matched to, left for the agency's manual matching (demo).
        deposits.append((date(int(code), 9, 11), "ﾄｸﾒｲ ﾌﾘｺﾐ", 48_000))
        _import_deposits(year, deposits)
        for i, step in steps.items():
            if step == "partly_paid":
                application = Application.objects.get(organisation=orgs[i], programme_year=year)
                deposit = Deposit.objects.filter(
                    payer_key=application.payer_key, status=Deposit.Status.UNMATCHED
                ).first()
                if deposit is not None:
                    deposit_match(
                        actor=agency,
                        deposit=deposit,
                        application=application,
                        accept_difference=True,
                        note="振込手数料を差し引いた入金。差額10,000円を請求中（デモ）",
                    )
            policy = Policy.objects.filter(organisation=orgs[i], programme_year=year).first()
            if step == "policy_cancelled" and policy and policy.status == Policy.Status.IN_FORCE:
                policy_cancel(
                    actor=agency,
                    policy=policy,
                    effective_date=date(int(code) + 1, 3, 31),
                    reason="事業譲渡に伴う解約（デモ）",
                )
