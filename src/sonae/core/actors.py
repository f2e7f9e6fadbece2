"""The acting party of a request: a user acting for one organisation, or an organisation's API token.

Selectors and services take an ``Actor`` so that web pages and the API share one scoping path.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import policy
from .models import ApiToken, Membership, Organisation, User


@dataclass(frozen=True)
class Actor:
    organisation: Organisation
    role: str
    user: User | None = None
    token: ApiToken | None = None

    @property
    def kind(self) -> str:
        return self.organisation.kind

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.email
        if self.token is not None:
            return f"api-token:{self.token.prefix}"
        return "system"

    def may(self, action: str) -> bool:
        return policy.membership_allows(_MembershipView(self.organisation, self.role), action)

    @classmethod
    def from_membership(cls, membership: Membership) -> Actor:
        return cls(organisation=membership.organisation, role=membership.role, user=membership.user)

    @classmethod
    def from_token(cls, token: ApiToken) -> Actor:
        return cls(organisation=token.organisation, role=token.role, token=token)


@dataclass(frozen=True)
class _MembershipView:
    organisation: Organisation
    role: str
