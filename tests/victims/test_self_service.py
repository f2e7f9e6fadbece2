"""The public self-service page: code + birth date → minimal answer; off by default; no enumeration."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from sonae.core.keyring import get_keyring
from sonae.victims import codes
from sonae.victims.models import Victim, VictimCase
from sonae.victims.services import case as case_services
from sonae.victims.services import letters, lookup

NO_MATCH = "入力された内容では確認できませんでした"


@pytest.fixture
def lettered(world, incident, imported):
    """A committed list with letters prepared: returns (case, code of the person on line 2)."""
    from datetime import date

    imported()
    run = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 1)
    )
    letters.letter_run_execute(run.pk)
    victim = Victim.objects.get(line=2)
    code = codes.inquiry_code(get_keyring(), incident.pk, victim.letter_sequence)
    return VictimCase.objects.get(incident=incident), code


@pytest.fixture(autouse=True)
def _fast_floor(monkeypatch):
    monkeypatch.setattr(lookup, "SELF_SERVICE_FLOOR_SECONDS", 0.05)


def _post(case, code, birth, client=None):
    client = client or Client()
    return client.post(
        reverse("victims:public_inquiry", args=[case.self_service_token]), {"code": code, "birth": birth}
    )


def test_the_page_is_off_by_default(lettered):
    case, _code = lettered
    assert Client().get(reverse("victims:public_inquiry", args=[case.self_service_token])).status_code == 404


def test_code_and_birth_date_give_the_minimal_answer(world, incident, lettered):
    case, code = lettered
    case_services.self_service_set(actor=world.actor("provider"), incident=incident, enabled=True)

    response = _post(case, code, "昭和45年3月2日")

    text = response.content.decode()
    assert response.status_code == 200
    assert "今回の事案の対象です" in text and "検査結果" in text
    assert "鈴鹿" not in text and "千代田" not in text


@pytest.mark.parametrize(
    "which",
    ["wrong_date", "wrong_code", "malformed_code", "unreadable_date"],
)
def test_wrong_code_or_date_gives_the_same_message(world, incident, lettered, which):
    case, code = lettered
    case_services.self_service_set(actor=world.actor("provider"), incident=incident, enabled=True)
    other = codes.inquiry_code(get_keyring(), incident.pk, 9999)
    code_, birth = {
        "wrong_date": (code, "1970-03-03"),
        "wrong_code": (other, "1970-03-02"),
        "malformed_code": ("SN-1234", "1970-03-02"),
        "unreadable_date": (code, "きのう"),
    }[which]

    response = _post(case, code_, birth)

    assert response.status_code == 200
    assert NO_MATCH in response.content.decode()
    assert "今回の事案の対象です" not in response.content.decode()


def test_wrong_code_and_wrong_date_take_the_same_path(world, incident, lettered, monkeypatch):
    """Both decrypt one record, compare in constant time, write one audit event and one inquiry, and wait for
    the floor: the number of decryptions and writes is the same."""
    from sonae.core.crypto import Keyring

    case, code = lettered
    case_services.self_service_set(actor=world.actor("provider"), incident=incident, enabled=True)
    calls = []
    real_decrypt = Keyring.decrypt

    def counting(self, ciphertext, aad):
        calls.append(1)
        return real_decrypt(self, ciphertext, aad)

    monkeypatch.setattr(Keyring, "decrypt", counting)
    other = codes.inquiry_code(get_keyring(), incident.pk, 9999)
    timings = []
    for code_, birth in ((code, "1970-03-03"), (other, "1970-03-02")):
        calls.clear()
        started = time.monotonic()
        assert lookup.self_service_answer(case=case, code=code_, birth=birth, client="1.2.3.4") is None
        timings.append(time.monotonic() - started)
        assert len(calls) == 1
    assert all(t >= 0.05 for t in timings)


def test_the_page_is_throttled(world, incident, lettered, settings):
    case, code = lettered
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "public": (2, 600)}
    case_services.self_service_set(actor=world.actor("provider"), incident=incident, enabled=True)
    client = Client()
    for _ in range(2):
        _post(case, code, "1970-01-01", client)

    assert _post(case, code, "1970-03-02", client).status_code == 429


def test_a_checked_person_can_file_a_rights_request(world, incident, lettered):
    from sonae.rights.models import RightsRequest

    case, code = lettered
    case_services.self_service_set(actor=world.actor("provider"), incident=incident, enabled=True)
    client = Client()
    page = _post(case, code, "1970-03-02", client)
    token = page.context["rights_token"]

    response = client.post(
        reverse("victims:public_rights_request", args=[case.self_service_token]),
        {"rights_token": token, "kind": "disclosure", "asked": "保有している情報を知りたい"},
    )

    assert response.status_code == 200
    assert RightsRequest.objects.get().victim_id == Victim.objects.get(line=2).pk


def test_a_forged_rights_token_is_refused(world, incident, lettered):
    case, _code = lettered
    case_services.self_service_set(actor=world.actor("provider"), incident=incident, enabled=True)

    response = Client().post(
        reverse("victims:public_rights_request", args=[case.self_service_token]),
        {"rights_token": "forged", "kind": "disclosure", "asked": "x"},
    )

    assert response.status_code == 400
