"""Factories for core objects (factory_boy) and small helpers for two-factor authentication in tests.

Other apps add their factories here. Users get the password ``PASSWORD`` unless given another.
"""

from __future__ import annotations

import time

import factory
from factory.django import DjangoModelFactory

from sonae.core.models import Membership, Notification, Organisation, OrganisationKind, Role, User

PASSWORD = "sonae-test-Passw0rd"

KIND_NAMES = {
    OrganisationKind.PROVIDER: "テスト医療サービス株式会社",
    OrganisationKind.AGENCY: "テスト保険代理店株式会社",
    OrganisationKind.INSURER: "テスト損害保険株式会社",
    OrganisationKind.DESK: "テストインシデント窓口",
    OrganisationKind.FOUNDATION: "テスト振興会",
    OrganisationKind.HOSPITAL: "テスト総合病院",
}


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")

    @classmethod
    def _create(cls, model_class, *args, password: str = PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.PROVIDER
    name = factory.LazyAttributeSequence(lambda o, n: f"{KIND_NAMES.get(o.kind, '組織')} {n}")
    code = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"お知らせ{n}")
    body = ""
    url = ""


def member(kind: str = "provider", role: str = Role.STAFF, **org_fields) -> Membership:
    """A new user in a new organisation of ``kind`` with ``role``."""
    return MembershipFactory(organisation=OrganisationFactory(kind=kind, **org_fields), role=role)


# --- two-factor authentication -----------------------------------------------------------------------------------

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(user: User, secret: str = TOTP_SECRET) -> str:
    """Enrol a TOTP device for ``user`` (allauth 65's own activation path, secret encrypted). Returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The TOTP code an authenticator app would show for ``secret`` at ``at`` (default: now)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(secret, int(moment) // app_settings.TOTP_PERIOD))
