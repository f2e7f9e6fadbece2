"""Shared fixtures: users of each organisation kind, with and without a TOTP device.

Each ``<kind>_user`` fixture is a ``User`` with one staff membership in a new organisation of that kind
(``<kind>_admin``: an admin membership). Agency, insurer and desk users come ``_with_totp`` (ready to use) or
without (the two-factor gate redirects them to enrolment). Log a user in with ``client.force_login(user)``.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, enrol_totp, member


@pytest.fixture(autouse=True, scope="session")
def _media_root_of_this_test_process(tmp_path_factory):
    """Stored files (letter batches, uploads) in a directory of this test process. The processes of a parallel
    run each have their own database, so their ids repeat: in one shared MEDIA_ROOT the letter run 1 of one
    process replaced the files of the letter run 1 of another (seen: a sealed batch that did not authenticate)."""
    from django.conf import settings
    from django.test.signals import setting_changed

    media = tmp_path_factory.getbasetemp() / "media"
    media.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = str(media)
    setting_changed.send(sender=None, setting="MEDIA_ROOT", value=str(media), enter=True)
    return media


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_member(db):
    """``make_member(kind="provider", role="staff", **org_fields) -> Membership`` (and with ``totp=True``)."""

    def make(kind: str = "provider", role: str = "staff", *, totp: bool = False, **org_fields):
        membership = member(kind, role, **org_fields)
        if totp:
            enrol_totp(membership.user)
        return membership

    return make


@pytest.fixture
def user_without_membership(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def provider_user(make_member):
    return make_member("provider").user


@pytest.fixture
def provider_admin(make_member):
    return make_member("provider", "admin").user


@pytest.fixture
def provider_viewer(make_member):
    return make_member("provider", "viewer").user


@pytest.fixture
def agency_user(make_member):
    """Agency staff without a TOTP device: everything redirects to enrolment."""
    return make_member("agency").user


@pytest.fixture
def agency_user_with_totp(make_member):
    return make_member("agency", totp=True).user


@pytest.fixture
def agency_admin_with_totp(make_member):
    return make_member("agency", "admin", totp=True).user


@pytest.fixture
def insurer_user_with_totp(make_member):
    return make_member("insurer", totp=True).user


@pytest.fixture
def desk_user_with_totp(make_member):
    return make_member("desk", totp=True).user


@pytest.fixture
def foundation_user(make_member):
    return make_member("foundation").user


@pytest.fixture
def hospital_user(make_member):
    return make_member("hospital").user


@pytest.fixture
def user_of_kind(make_member):
    """``user_of_kind(kind, role="staff")``: a ready-to-use user of any kind (TOTP enrolled where required)."""

    def make(kind: str, role: str = "staff"):
        return make_member(kind, role, totp=kind in {"agency", "insurer", "desk"}).user

    return make


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and TOTP replay marks live in the cache, tokens and cases in per-process memos: never
    let them leak between tests."""
    from django.core.cache import cache

    from sonae.core import localcache, ratelimit

    cache.clear()
    localcache.clear_all()
    ratelimit.forget_local_counts()
    yield
    cache.clear()
    localcache.clear_all()
    ratelimit.forget_local_counts()
