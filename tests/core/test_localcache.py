"""Per-process memos of hot reads (API tokens, the look-up's case): kept a few seconds, cleared at once by changes
made in this process, refreshed after their time to live for changes made elsewhere."""

import pytest

from sonae.core import localcache
from sonae.core.actors import Actor
from sonae.core.models import ApiToken, Membership, Organisation, User
from sonae.core.services import api_token_authenticate, api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [5000.0]
    monkeypatch.setattr(localcache.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def admin():
    org = Organisation.objects.create(kind="provider", name="事業者A", code="prov-a")
    user = User.objects.create_user(email="admin@prov-a.example.jp", password="x" * 12)
    return Membership.objects.create(user=user, organisation=org, role="admin")


def test_a_memo_is_kept_for_its_time_to_live(clock, settings):
    settings.SONAE_LOCAL_CACHE_SECONDS = 5
    memo = localcache.TtlCache("test-ttl")
    loads = []
    for _ in range(3):
        assert memo.get_or_load("k", lambda: loads.append(1) or "value") == "value"
    assert len(loads) == 1
    clock[0] += 5.01
    memo.get_or_load("k", lambda: loads.append(1) or "value")
    assert len(loads) == 2


def test_nothing_is_kept_for_a_missing_value_or_a_zero_ttl(clock, settings):
    memo = localcache.TtlCache("test-none")
    loads = []
    memo.get_or_load("k", lambda: loads.append(1))
    memo.get_or_load("k", lambda: loads.append(1))
    settings.SONAE_LOCAL_CACHE_SECONDS = 0
    memo.get_or_load("j", lambda: loads.append(1) or "v")
    memo.get_or_load("j", lambda: loads.append(1) or "v")
    assert len(loads) == 4


def test_a_full_memo_starts_over(clock):
    memo = localcache.TtlCache("test-full", maxsize=3)
    for key in range(4):
        memo.get_or_load(key, lambda: "v")
    assert len(memo._entries) == 1


def test_a_token_is_read_once_then_served_from_the_memo(admin, django_assert_num_queries):
    _token, secret = api_token_create(actor=Actor.from_membership(admin), name="連携")
    assert api_token_authenticate(secret) is not None  # loads it and notes its first use
    with django_assert_num_queries(0):
        assert api_token_authenticate(secret).organisation == admin.organisation


def test_revoking_a_token_refuses_it_at_once_in_this_process(admin):
    token, secret = api_token_create(actor=Actor.from_membership(admin), name="連携")
    assert api_token_authenticate(secret) is not None
    api_token_revoke(actor=Actor.from_membership(admin), token=token)
    assert api_token_authenticate(secret) is None


def test_deactivating_the_organisation_refuses_its_token_at_once(admin):
    _token, secret = api_token_create(actor=Actor.from_membership(admin), name="連携")
    assert api_token_authenticate(secret) is not None
    admin.organisation.is_active = False
    admin.organisation.save()
    assert api_token_authenticate(secret) is None


def test_a_token_revoked_by_another_process_is_refused_after_the_ttl(admin, clock, settings):
    settings.SONAE_LOCAL_CACHE_SECONDS = 5
    token, secret = api_token_create(actor=Actor.from_membership(admin), name="連携")
    assert api_token_authenticate(secret) is not None
    # Another server revokes it: no signal reaches this process.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-11-28T00:00:00Z")
    clock[0] += 4
    assert api_token_authenticate(secret) is not None
    clock[0] += 1.01
    assert api_token_authenticate(secret) is None
