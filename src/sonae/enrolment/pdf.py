"""PDF documents of enrolment: the quote sheet, the application form and the certificate (加入者証).

Uses the shared ``sonae.documents.pdf.render_pdf`` (WeasyPrint, Japanese fonts, no external fetches) when present,
else a small local equivalent, so enrolment works while the documents app is being built.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from sonae.core.models import Organisation
from sonae.programme.businesses import business_label
from sonae.programme.selectors import terms_for

from .models import Application, Policy, Quote


def render_pdf(template_name: str, context: dict) -> bytes:
    try:
        from sonae.documents.pdf import render_pdf as shared_render_pdf
    except ImportError:
        shared_render_pdf = None
    if shared_render_pdf is not None:
        return shared_render_pdf(template_name, context)
    from weasyprint import HTML  # pragma: no cover - only while the documents app is missing
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    return HTML(
        string=html, url_fetcher=URLFetcher(allowed_protocols=["data"]), base_url="about:blank"
    ).write_pdf()


def _agency() -> Organisation | None:
    return Organisation.objects.filter(kind="agency", is_active=True).order_by("pk").first()


def quote_pdf(quote: Quote) -> bytes:
    """お見積りシート: inputs, each plan's premium with its breakdown, validity and the sample-data notice."""
    terms = terms_for(quote.programme_year)
    plans = [
        {"plan": terms.plan(code), "premium": quote.premiums[code]}
        for code in quote.plans
        if code in quote.premiums
    ]
    return render_pdf(
        "enrolment/pdf/quote.html",
        {
            "quote": quote,
            "terms": terms,
            "plans": plans,
            "agency": _agency(),
            "businesses": [business_label(c) for c in quote.business_codes],
        },
    )


def application_pdf(application: Application) -> bytes:
    """加入依頼書 for posting: the chosen plan and premium, declarations, consent and the representative."""
    terms = terms_for(application.programme_year)
    return render_pdf(
        "enrolment/pdf/application.html",
        {
            "application": application,
            "quote": application.quote,
            "terms": terms,
            "plan": terms.plan(application.plan),
            "agency": _agency(),
        },
    )


def certificate_pdf(policy: Policy) -> bytes:
    """加入者証: policy number, insured, certified services, plan limits and the period of cover."""
    terms = terms_for(policy.programme_year)
    return render_pdf(
        "enrolment/pdf/certificate.html",
        {"policy": policy, "terms": terms, "plan": terms.plan(policy.plan), "agency": _agency()},
    )
