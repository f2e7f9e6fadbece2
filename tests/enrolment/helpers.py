"""Steps of the enrolment path for tests (each calls the real services)."""

from __future__ import annotations

from sonae.enrolment.services import application_start, application_submit, application_update, quote_create

from .conftest import QUOTE_INPUT, jst

QUOTED_AT = jst(2025, 8, 20, 10, 0)
APPLIED_AT = jst(2025, 9, 5, 10, 0)

COMPLETE_FORM = {
    "consent": True,
    "representative_name": "桜井 一郎",
    "representative_title": "代表取締役",
    "past_incidents": False,
    "known_circumstances": False,
}


def quoted(actor, organisation, year, **overrides):
    return quote_create(
        actor=actor, organisation=organisation, year=year, at=QUOTED_AT, **{**QUOTE_INPUT, **overrides}
    )


def drafted(actor, organisation, year, plan="A"):
    application = application_start(
        actor=actor, quote=quoted(actor, organisation, year), plan=plan, at=QUOTED_AT
    )
    return application_update(actor=actor, application=application, data=COMPLETE_FORM)


def submitted(actor, organisation, year, plan="A", at=APPLIED_AT):
    return application_submit(actor=actor, application=drafted(actor, organisation, year, plan), at=at)


def deposit_csv(*rows: tuple[str, str, int], encoding: str = "cp932") -> bytes:
    lines = ["入金日,振込依頼人名,金額", *[f"{d},{p},{a}" for d, p, a in rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
