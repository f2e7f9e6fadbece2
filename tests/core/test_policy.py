import pytest

from sonae.core import policy
from sonae.core.actors import Actor
from sonae.core.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _member(kind: str, role: str, code: str = "org") -> Membership:
    org = Organisation.objects.create(kind=kind, name=f"{kind} org", code=f"{code}-{kind}-{role}")
    user = User.objects.create_user(email=f"{role}@{code}-{kind}.example.jp", password="x" * 12)
    return Membership.objects.create(user=user, organisation=org, role=role)


def test_undeclared_action_is_denied():
    assert not policy.membership_allows(_member("provider", "admin"), "no.such.action")


def test_action_with_no_kinds_is_denied():
    policy.register("test.empty", [])
    assert not policy.membership_allows(_member("provider", "admin"), "test.empty")


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("staff", False), ("viewer", False)])
def test_api_tokens_are_managed_by_admins_only(role, allowed):
    assert policy.membership_allows(_member("provider", role), "api_token.manage") is allowed


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        ("agency", True),
        ("insurer", True),
        ("desk", True),
        ("provider", False),
        ("foundation", False),
        ("hospital", False),
    ],
)
def test_mfa_is_required_for_agency_insurer_and_desk(kind, required):
    assert policy.requires_mfa(_member(kind, "staff").user) is required


def test_user_may_checks_only_the_given_organisation():
    membership = _member("provider", "admin")
    other = Organisation.objects.create(kind="provider", name="other", code="other")
    assert policy.user_may(membership.user, "api_token.manage", membership.organisation)
    assert not policy.user_may(membership.user, "api_token.manage", other)


def test_actor_from_membership_carries_role_and_kind():
    membership = _member("desk", "viewer")
    actor = Actor.from_membership(membership)
    assert actor.kind == "desk"
    assert actor.may("dashboard.view")
    assert not actor.may("api_token.manage")


def test_require_returns_the_actor_that_may_and_refuses_others():
    from sonae.core.errors import PermissionDenied

    admin = Actor.from_membership(_member("provider", "admin", code="req"))
    viewer = Actor.from_membership(_member("provider", "viewer", code="req"))
    assert policy.require(admin, "api_token.manage") is admin
    for actor in (viewer, None):
        with pytest.raises(PermissionDenied):
            policy.require(actor, "api_token.manage")
