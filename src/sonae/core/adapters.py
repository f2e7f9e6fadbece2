"""allauth adapters: no open sign-up (organisations invite their users), TOTP secrets encrypted at rest."""

from __future__ import annotations

import base64

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Users are created by their organisation's administrator or the programme operator, never by sign-up.
        return False


class MFAAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets and recovery-code seeds encrypted with the data keys (AES-256-GCM)."""

    AAD = b"allauth.mfa.authenticator"

    def encrypt(self, text: str) -> str:
        from sonae.core.keyring import get_keyring

        return base64.b64encode(get_keyring().encrypt(text.encode("utf-8"), self.AAD)).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        from sonae.core.keyring import get_keyring

        return get_keyring().decrypt(base64.b64decode(encrypted_text), self.AAD).decode("utf-8")
