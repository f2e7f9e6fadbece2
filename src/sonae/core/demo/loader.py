"""The demo data set. Idempotent: every object is found by a stable key before it is created."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction

from sonae.core.models import Membership, Organisation, OrganisationKind, Role, User
from sonae.core.services import membership_add, organisation_create
from sonae.jp.calendar import TOKYO

DEMO_PASSWORD = "sonae-demo-2025"
DEMO_DOMAIN = "example.jp"

# (code, kind, name, kana)
ORGANISATIONS = [
    ("sakura-lab", OrganisationKind.PROVIDER, "株式会社さくら臨床検査", "サクラリンショウケンサ"),
    ("aoba-transport", OrganisationKind.PROVIDER, "あおば患者搬送株式会社", "アオバカンジャハンソウ"),
    ("midori-food", OrganisationKind.PROVIDER, "みどりフードサービス株式会社", "ミドリフードサービス"),
    ("sonae-agency", OrganisationKind.AGENCY, "株式会社そなえ保険サービス", "ソナエホケンサービス"),
    ("hinode-insurance", OrganisationKind.INSURER, "ひので損害保険株式会社", "ヒノデソンガイホケン"),
    ("cyber-desk", OrganisationKind.DESK, "サイバー事故対応デスク", "サイバージコタイオウデスク"),
    (
        "foundation",
        OrganisationKind.FOUNDATION,
        "一般財団法人 医療関連サービス振興会（デモ）",
        "イリョウカンレンサービスシンコウカイ",
    ),
    ("minato-hospital", OrganisationKind.HOSPITAL, "みなと総合病院", "ミナトソウゴウビョウイン"),
    ("kawase-hospital", OrganisationKind.HOSPITAL, "かわせ記念病院", "カワセキネンビョウイン"),
]


@dataclass
class LoginRow:
    email: str
    kind_label: str
    role_label: str
    totp: bool


@dataclass
class Logins:
    password: str
    rows: list[LoginRow] = field(default_factory=list)


def _jst(d: date, t: time = time(16, 0)) -> datetime:
    return datetime.combine(d, t, tzinfo=TOKYO)


def _programme_years() -> None:
    from sonae.programme.models import ProgrammeYear

    years = [
        # The flyer's 2025 year: quote sheet by 9/1, application and payment by 9/16, cover from 10/1 16:00.
        ("2025", "2025年度", date(2025, 10, 1), date(2026, 10, 1), date(2025, 9, 1), date(2025, 9, 16)),
        ("2026", "2026年度", date(2026, 10, 1), date(2027, 10, 1), date(2026, 9, 1), date(2026, 9, 16)),
    ]
    for code, name, start, end, quote_deadline, application_deadline in years:
        ProgrammeYear.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "period_start": _jst(start),
                "period_end": _jst(end),
                "quote_deadline": quote_deadline,
                "application_deadline": application_deadline,
            },
        )


def _user(email: str, display_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=display_name)
    return user


def _enrol_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


@transaction.atomic
def load_demo() -> Logins:
    """Create (or find) the demo organisations, users and programme years. Returns the logins to print."""
    from django.conf import settings

    _programme_years()
    logins = Logins(password=DEMO_PASSWORD)
    for code, kind, name, kana in ORGANISATIONS:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            org = organisation_create(
                kind=kind, name=name, code=code, name_kana=kana, email=f"info@{code}.{DEMO_DOMAIN}"
            )
        for role, label in ((Role.ADMIN, "管理者"), (Role.STAFF, "担当者")):
            email = f"{role}@{code}.{DEMO_DOMAIN}"
            user = _user(email, f"{name} {label}")
            if not Membership.objects.filter(user=user, organisation=org).exists():
                membership_add(organisation=org, user=user, role=role)
            totp = kind in settings.SONAE_MFA_REQUIRED_KINDS
            if totp:
                _enrol_totp(user)
            logins.rows.append(LoginRow(email, OrganisationKind(kind).label, label, totp))
    _load_app_demo_data()
    return logins


def _load_app_demo_data() -> None:
    """Later apps add their demo data through ``sonae.<app>.demo.load()`` when the module exists."""
    import importlib

    for app in ("enrolment", "selfcheck", "incidents", "duties", "victims", "claims", "hospitals", "rights"):
        try:
            module = importlib.import_module(f"sonae.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"sonae.{app}.demo":
                raise
            continue
        module.load()


def current_totp_code(email: str) -> str | None:
    """The current TOTP code of a user's device, or None when the user has none."""
    import time as _time

    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(
        user__email=email.lower(), type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        return None
    secret = decrypt(authenticator.data["secret"])
    counter = int(_time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
