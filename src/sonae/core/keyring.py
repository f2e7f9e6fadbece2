"""The process's keyring, read from ``settings.SONAE_DATA_KEYS`` once.

Settings hold the keyring as JSON text (from the environment or the key file, see ``settings.py``); this module
parses it on first use and caches the ``Keyring``. Tests that override the setting get a fresh parse through
Django's ``setting_changed`` signal.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from sonae.core.crypto import Keyring, KeyringError

_keyring: Keyring | None = None


def get_keyring() -> Keyring:
    """The configured keyring; raises ImproperlyConfigured when SONAE_DATA_KEYS is missing or invalid."""
    global _keyring
    keyring = _keyring
    if keyring is None:
        keyring = _keyring = _load()
    return keyring


def _load() -> Keyring:
    raw = getattr(settings, "SONAE_DATA_KEYS", None)
    if not raw:
        raise ImproperlyConfigured(
            "SONAE_DATA_KEYS is not set: give the keyring JSON in the SONAE_DATA_KEYS environment variable or "
            "name a key file in SONAE_DATA_KEYS_FILE (create one with `sonae keys generate`)."
        )
    try:
        return Keyring.from_json(raw)
    except KeyringError as exc:
        raise ImproperlyConfigured(f"SONAE_DATA_KEYS is invalid: {exc}") from None


@receiver(setting_changed)
def _reset_keyring(*, setting: str, **kwargs) -> None:
    global _keyring
    if setting == "SONAE_DATA_KEYS":
        _keyring = None
