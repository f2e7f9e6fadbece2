"""Signing of webhook requests: HMAC-SHA256 over ``timestamp + "." + body`` in ``v1=<hex>``."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from sonae.webhooks import signing

SECRET = "whsec_test-secret"


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"type":"incident.created"}'
    expected = hmac.new(SECRET.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signing.signature_header(SECRET, 1700000000, body) == f"v1={expected}"


@given(body=st.binary(max_size=2000), timestamp=st.integers(min_value=0, max_value=2**40))
def test_a_signed_body_verifies_at_its_timestamp(body, timestamp):
    header = signing.signature_header(SECRET, timestamp, body)
    assert signing.verify(SECRET, body, str(timestamp), header, now=timestamp)


@given(body=st.binary(min_size=1, max_size=200), flip=st.integers(min_value=0, max_value=199))
def test_an_altered_body_does_not_verify(body, flip):
    header = signing.signature_header(SECRET, 100, body)
    index = flip % len(body)
    altered = body[:index] + bytes([body[index] ^ 1]) + body[index + 1 :]
    assert not signing.verify(SECRET, altered, "100", header, now=100)


def test_another_secret_does_not_verify():
    header = signing.signature_header(SECRET, 100, b"{}")
    assert not signing.verify("whsec_other", b"{}", "100", header, now=100)


def test_an_old_timestamp_is_rejected_as_a_replay():
    header = signing.signature_header(SECRET, 100, b"{}")
    assert signing.verify(SECRET, b"{}", "100", header, now=100 + 300)
    assert not signing.verify(SECRET, b"{}", "100", header, now=100 + 301)


def test_one_matching_signature_among_several_schemes_verifies():
    good = signing.signature_header(SECRET, 100, b"{}")
    assert signing.verify(SECRET, b"{}", "100", f"v0=abc, {good}", now=100)


def test_garbage_timestamp_does_not_verify():
    assert not signing.verify(SECRET, b"{}", "yesterday", "v1=00", now=100)


def test_generated_secrets_are_prefixed_and_unique():
    secrets = {signing.generate_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(s.startswith("whsec_") and len(s) > 40 for s in secrets)
