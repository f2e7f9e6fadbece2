"""The enrolment lists read a fixed number of queries whatever the number of rows (issue 9 point 5): quotes,
applications and policies (the provider's own and the agency's back office), the agency's payments page, and the
API lists of quotes, applications and policies."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import time_machine
from django.test import Client

from sonae.core.actors import Actor
from sonae.enrolment.models import Deposit, Policy
from sonae.enrolment.rules import with_check_digit
from sonae.enrolment.services import application_accept, deposit_import, deposit_match
from tests.factories import enrol_totp
from tests.querycount import assert_no_query_per_row, reads

from .conftest import jst, member, org, roster_entry
from .helpers import deposit_csv, submitted

pytestmark = pytest.mark.django_db

KANA = [
    "アオバ",
    "サクラ",
    "ヒノデ",
    "ミドリ",
    "カワセ",
    "ミナト",
    "ツバサ",
    "ホシノ",
    "ユキミ",
    "ハルカ",
    "コダマ",
]
READ_AT = jst(2025, 9, 12, 10)


def _provider(n: int) -> Actor:
    """A provider on the roster (certified for clinical laboratory work) with a staff member."""
    number = with_check_digit(f"{700000000000 + n:012d}")
    organisation = org("provider", f"qc-{n}", f"株式会社{KANA[n]}", KANA[n], number)
    roster_entry(
        number,
        organisation.name,
        KANA[n],
        ("clinical_lab", date(2024, 10, 1), date(2026, 9, 30)),
        organisation=organisation,
    )
    return member(organisation)


def _pay(agency_actor, application, n: int) -> None:
    """A deposit of the whole premium, matched by hand (the policy is issued)."""
    deposit_import(
        actor=agency_actor,
        file_name=f"deposits{n}.csv",
        data=deposit_csv(("2025-09-10", f"ﾃｽﾄ{n}", application.premium)),
        at=jst(2025, 9, 11, 9),
    )
    deposit = Deposit.objects.filter(status=Deposit.Status.UNMATCHED).latest("pk")
    deposit_match(actor=agency_actor, deposit=deposit, application=application, at=jst(2025, 9, 11, 10))


@pytest.fixture
def enrolled(year_2025, agency_actor):
    """``enrolled(n) -> Application``: provider ``n``'s submitted application; every other one accepted and paid
    (a policy), every third one accepted only."""

    def make(n: int):
        actor = _provider(n)
        application = submitted(actor, actor.organisation, year_2025, plan="AB"[n % 2])
        if n % 3 != 1:
            application = application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8))
        if n % 3 == 0:
            _pay(agency_actor, application, n)
        return application

    return make


def _login(actor) -> Client:
    if actor.kind in ("agency", "insurer", "desk"):
        enrol_totp(actor.user)
    client = Client()
    client.force_login(actor.user)
    return client


def _numbers(kind: str, applications) -> list[str]:
    if kind == "quotes":
        return [a.quote.number for a in applications]
    if kind == "applications":
        return [a.number for a in applications]
    return list(Policy.objects.filter(application__in=applications).values_list("number", flat=True))


@pytest.mark.parametrize("kind", ["quotes", "applications", "policies"])
def test_agency_lists_read_a_fixed_number_of_queries(enrolled, agency_actor, kind):
    client = _login(agency_actor)
    url = f"/enrolment/{kind}/"
    with time_machine.travel(READ_AT, tick=False):
        client.get(url)
        first = [enrolled(n) for n in range(0, 4)]
        few = reads(client, url)
        more = [enrolled(n) for n in range(4, 10)]
        many = reads(client, url)
    assert few.shows(*_numbers(kind, first)) and many.shows(*_numbers(kind, first + more))
    assert len(_numbers(kind, first + more)) >= 4
    assert_no_query_per_row(few, many)


@pytest.mark.parametrize("kind", ["quotes", "applications", "policies"])
def test_provider_lists_read_a_fixed_number_of_queries(year_2025, agency_actor, kind):
    actor = _provider(0)
    client = _login(actor)
    url = f"/enrolment/{kind}/"
    with time_machine.travel(READ_AT, tick=False):
        client.get(url)
        first = [submitted(actor, actor.organisation, year_2025) for _ in range(2)]
        paid = application_accept(actor=agency_actor, application=first[0], at=jst(2025, 9, 8))
        _pay(agency_actor, paid, 0)
        few = reads(client, url)
        more = [submitted(actor, actor.organisation, year_2025, plan="B") for _ in range(5)]
        for n, application in enumerate(more[:3], start=1):
            application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8))
            _pay(agency_actor, application, n)
        many = reads(client, url)
    assert few.shows(*_numbers(kind, first)) and many.shows(*_numbers(kind, first + more))
    assert_no_query_per_row(few, many)


def test_payments_page_reads_a_fixed_number_of_queries(enrolled, agency_actor):
    """Unmatched deposits beside unpaid applications, and the deposits matched lately."""
    client = _login(agency_actor)
    with time_machine.travel(READ_AT, tick=False):
        client.get("/enrolment/payments/")
        first = [enrolled(n) for n in range(0, 4)]
        deposit_import(
            actor=agency_actor,
            file_name="unmatched1.csv",
            data=deposit_csv(*[("2025-09-10", f"ﾌﾒｲ{n}", 1000 + n) for n in range(2)]),
            at=jst(2025, 9, 11, 11),
        )
        few = reads(client, "/enrolment/payments/")
        more = [enrolled(n) for n in range(4, 10)]
        deposit_import(
            actor=agency_actor,
            file_name="unmatched2.csv",
            data=deposit_csv(*[("2025-09-10", f"ﾌﾒｲ{n}", 1000 + n) for n in range(2, 7)]),
            at=jst(2025, 9, 11, 12),
        )
        many = reads(client, "/enrolment/payments/")
    unpaid = [a.number for a in first + more if a.payment_status == "unpaid"]
    assert len(unpaid) >= 6 and many.shows(*unpaid, "1,006")
    assert_no_query_per_row(few, many)


# --- the API --------------------------------------------------------------------------------------------------


def _token(organisation) -> dict:
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    secret = f"{TOKEN_PREFIX}qc-{organisation.code}-secret"
    ApiToken.objects.create(
        organisation=organisation,
        name="query counts",
        prefix=secret[6:14],
        token_hash=hash_token(secret),
        role="staff",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _read_with_few_then_many(client, url: str, auth: dict, enrolled):
    """(the first 4 businesses, all 10, the page read with the first 4, the page read with all 10)."""
    with time_machine.travel(READ_AT, tick=False):
        client.get(url, **auth)
        first = [enrolled(n) for n in range(0, 4)]
        few = reads(client, url, **auth)
        every = first + [enrolled(n) for n in range(4, 10)]
        many = reads(client, url, **auth)
    return first, every, few, many


@pytest.mark.parametrize("kind", ["quotes", "applications", "policies"])
def test_api_lists_read_a_fixed_number_of_queries(enrolled, agency_actor, kind):
    client, auth = Client(), _token(agency_actor.organisation)
    first, every, few, many = _read_with_few_then_many(client, f"/api/v1/enrolment/{kind}", auth, enrolled)
    assert few.shows(*_numbers(kind, first)) and many.shows(*_numbers(kind, every))
    assert_no_query_per_row(few, many)


# --- lists filtered by payment status (the database filters, then the page is read) -----------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/enrolment/applications/?payment=unpaid",
        "/enrolment/applications/?payment=paid",
        "/api/v1/enrolment/applications?payment=unpaid",
        "/api/v1/enrolment/unpaid-applications",
    ],
)
def test_lists_by_payment_status_read_a_fixed_number_of_queries(enrolled, agency_actor, url):
    api = url.startswith("/api/")
    client, auth = (Client(), _token(agency_actor.organisation)) if api else (_login(agency_actor), {})
    wanted = "paid" if "payment=paid" in url else "unpaid"
    _first, every, few, many = _read_with_few_then_many(client, url, auth, enrolled)
    shown = [a.number for a in every if a.payment_status == wanted]
    hidden = [a.number for a in every if a.payment_status != wanted]
    assert len(shown) >= 4 and hidden
    assert many.shows(*shown) and not any(many.shows(number) for number in hidden)
    assert_no_query_per_row(few, many)


def test_a_page_of_the_unpaid_list_reads_the_deposits_of_that_page_only(enrolled, agency_actor):
    """The filter runs in the database: the deposits read are those of the page's applications, not of every
    application the agency can see."""
    client, auth = Client(), _token(agency_actor.organisation)
    with time_machine.travel(READ_AT, tick=False):
        for n in range(0, 8):
            enrolled(n)
        page = reads(client, "/api/v1/enrolment/unpaid-applications?limit=2", **auth)
    assert json.loads(page.text)["count"] == 5  # n % 3 != 0: submitted only, or accepted and unpaid
    prefetch = [q for q in page.queries if q.startswith('SELECT "enrolment_deposit"') and "IN (" in q]
    assert len(prefetch) == 1
    ids = re.search(r'"application_id" IN \(([^)]*)\)', prefetch[0]).group(1)
    assert len(ids.split(",")) == 2


# --- the two-factor question (``sonae.core.policy.requires_mfa``) -------------------------------------------------

MFA_QUESTION = ('FROM "core_membership"', '"core_organisation"."kind" IN')


def _asked(page) -> int:
    return sum(all(part in sql for part in MFA_QUESTION) for sql in page.queries)


def test_a_page_asks_the_database_once_whether_two_factor_is_required(enrolled, agency_actor):
    """The staff-session check, the two-factor gate, the navbar and the banner share one answer, on the first page
    of a session too."""
    client = _login(agency_actor)
    with time_machine.travel(READ_AT, tick=False):
        enrolled(0)
        first = reads(client, "/enrolment/payments/")  # the session's first page
        then = reads(client, "/enrolment/applications/")
    assert (_asked(first), _asked(then)) == (1, 1)
    assert sum('FROM "mfa_authenticator"' in sql for sql in first.queries + then.queries) == 2


def test_a_provider_page_asks_once_too(year_2025):
    actor = _provider(0)
    client = _login(actor)
    with time_machine.travel(READ_AT, tick=False):
        first = reads(client, "/enrolment/")
        then = reads(client, "/enrolment/applications/")
    assert (_asked(first), _asked(then)) == (1, 1)
    assert not any('FROM "mfa_authenticator"' in sql for sql in first.queries + then.queries)
