"""Fixtures of the coverage determination tests on the database. The claims fixtures (``world``, ``report``,
``incident``, ``add_expense``, ``client_for``, ``token_for``; time frozen on 2025-12-01) come from tests/claims."""

from __future__ import annotations

import pytest

from sonae.claims.services import claim_create, claim_transition


@pytest.fixture
def knew_before_applying(world):
    """The provider declared at application that it knew of circumstances likely to lead to a claim."""
    application = world.policy.application
    application.known_circumstances = True
    application.known_circumstances_detail = "2025年8月に不審なログインの警告を受けたが、調査は未了。"
    application.save(update_fields=["known_circumstances", "known_circumstances_detail"])
    return application


@pytest.fixture
def claim_in_review(world, add_expense):
    """``claim_in_review(case, items=(("investigation", 2_000_000),)) -> Claim`` submitted and under review."""

    def make(case, items=(("investigation", 2_000_000),)):
        for item, amount in items:
            add_expense(item, amount, case=case)
        claim = claim_create(actor=world.actor("provider"), incident=case)
        claim = claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
        return claim_transition(actor=world.actor("insurer"), claim=claim, to_status="under_review")

    return make


@pytest.fixture
def renew(world):
    """``renew(policy, year, plan="A", number=...) -> Policy``: the same insured's policy in a later programme year
    (quote and application made directly, as ``make_policy`` does, on the insured's existing roster entry)."""
    from datetime import date

    from sonae.enrolment.models import Application, Policy, Quote

    def make(policy, year, *, plan: str = "A", number: str = "P-2026-000001"):
        old_quote = policy.application.quote
        quote = Quote.objects.create(
            number=f"Q-{number}",
            programme_year=year,
            organisation=policy.organisation,
            roster_entry=old_quote.roster_entry,
            created_by_organisation=policy.organisation,
            joining="main",
            cover_start=year.period_start,
            cover_end=year.period_end,
            quote_deadline=date(2026, 9, 1),
            application_deadline=date(2026, 9, 16),
            company_name=old_quote.company_name,
            corporate_number=old_quote.corporate_number,
            annual_sales=old_quote.annual_sales,
            records_held=old_quote.records_held,
            employees=old_quote.employees,
            plans=[plan],
            terms_version=year.terms_version,
            issued_at=old_quote.issued_at,
        )
        application = Application.objects.create(
            number=f"A-{number}",
            quote=quote,
            organisation=policy.organisation,
            programme_year=year,
            plan=plan,
            premium=100_000,
            status="accepted",
        )
        return Policy.objects.create(
            number=number,
            number_key=number.replace("-", ""),
            application=application,
            organisation=policy.organisation,
            programme_year=year,
            plan=plan,
            premium=100_000,
            joining="main",
            cover_start=year.period_start,
            cover_end=year.period_end,
            insured_name=policy.insured_name,
            corporate_number=policy.corporate_number,
            issued_at=policy.issued_at,
        )

    return make
