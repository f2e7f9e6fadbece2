import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code

from sonae.core.models import User

pytestmark = pytest.mark.django_db


def test_totp_secret_is_stored_encrypted_and_still_validates():
    user = User.objects.create_user(email="desk@example.jp", password="x" * 12)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    raw = json.dumps(stored.data)
    assert secret not in raw
    assert secret.lower() not in raw.lower()
    from allauth.mfa.utils import decrypt

    assert decrypt(stored.data["secret"]) == secret
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]
    assert validate_totp_code(secret, format_hotp_value(hotp_value(secret, counter)))
