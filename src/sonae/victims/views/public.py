"""The public self-service inquiry page of a case (no login; off unless the provider switches it on).

The page answers "was my data in it?" from the inquiry code on the letter and the birth date, with the same
minimal answer as the call centre. Wrong code or wrong date: the same message after the same time
(``services.lookup.self_service_answer``). After a successful check the person may file a request for
disclosure, correction or suspension (issue 10), carried by a signed, short-lived token — not by an id the
browser could change.
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sonae.core import errors
from sonae.core.modules import module_exists
from sonae.victims.forms import SelfServiceForm
from sonae.victims.ratelimit import Throttled
from sonae.victims.services import lookup as lookup_services

NO_MATCH = "入力された内容では確認できませんでした。お問い合わせ番号と生年月日をご確認のうえ、もう一度お試しいただくか、専用窓口にお電話ください。"
TOKEN_SALT = "sonae.victims.self_service"
TOKEN_MAX_AGE = 15 * 60


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _case(token: str):
    try:
        return lookup_services.self_service_case(token)
    except errors.NotFound:
        raise Http404 from None


def _rights_kinds():
    if not module_exists("sonae.rights.models"):
        return None
    from sonae.rights.models import Kind

    return Kind.choices


@never_cache
@require_http_methods(["GET", "POST"])
def public_inquiry(request, token: str):
    case = _case(token)
    form = SelfServiceForm(request.POST or None)
    context = {"case": case, "incident": case.incident, "form": form, "answer": None, "no_match": False}
    if request.method == "POST" and form.is_valid():
        try:
            answer = lookup_services.self_service_answer(
                case=case,
                code=form.cleaned_data["code"],
                birth=form.cleaned_data["birth"],
                client=_client(request),
            )
        except Throttled as exc:
            return render(request, "victims/public.html", context | {"throttled": exc.message}, status=429)
        if answer is None:
            context["no_match"] = NO_MATCH
        else:
            context["answer"] = answer
            context["rights_kinds"] = _rights_kinds()
            context["rights_token"] = signing.dumps({"c": case.pk, "v": answer.victim_id}, salt=TOKEN_SALT)
    return render(request, "victims/public.html", context)


@never_cache
@require_POST
def public_rights_request(request, token: str):
    """A rights request from the person who has just checked their code and birth date."""
    case = _case(token)
    kinds = _rights_kinds()
    if kinds is None:
        raise Http404
    try:
        data = signing.loads(request.POST.get("rights_token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return HttpResponse(
            "確認の有効期限が切れました。もう一度お問い合わせ番号と生年月日を入力してください。",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if data.get("c") != case.pk:
        raise Http404
    from sonae.rights.services import rights_request_receive_from_person

    try:
        rights_request_receive_from_person(
            incident=case.incident,
            victim_id=data["v"],
            kind=request.POST.get("kind", ""),
            asked=request.POST.get("asked", ""),
        )
    except errors.InvalidInput as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return render(request, "victims/public_received.html", {"case": case, "incident": case.incident})
