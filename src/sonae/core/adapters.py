"""allauth adapters: no open sign-up (organisations invite their users), TOTP secrets encrypted at rest."""

from __future__ import annotations

import base64
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Users are created by their organisation's administrator or the programme operator, never by sign-up.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A user who signed in (with password, and TOTP where enrolled) in the last few minutes need not sign in
        again: without this, staff sent to TOTP enrolment right after their first login would be asked twice."""
        from allauth.account import app_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context

        request = context.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets and recovery-code seeds encrypted with the data keys (AES-256-GCM)."""

    AAD = b"allauth.mfa.authenticator"

    def encrypt(self, text: str) -> str:
        from sonae.core.keyring import get_keyring

        return base64.b64encode(get_keyring().encrypt(text.encode("utf-8"), self.AAD)).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        from sonae.core.keyring import get_keyring

        return get_keyring().decrypt(base64.b64decode(encrypted_text), self.AAD).decode("utf-8")
