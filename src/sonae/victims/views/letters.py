"""Letters pages: the template with preview, letter runs with progress, print files and mailing lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.security import require_recent_auth
from sonae.documents.pdf import PdfUnavailable
from sonae.victims import selectors
from sonae.victims.forms import DownloadForm, LetterRunForm, LetterSettingsForm, SentForm
from sonae.victims.letters.render import PLACEHOLDERS
from sonae.victims.services import letters as letter_services

from .common import domain_errors, page_context, provider_case_for


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def letters(request, reference: str):
    actor, incident, case = provider_case_for(request, reference)
    initial = {
        "template": case.letter_template,
        "sender": case.letter_sender or incident.provider.name,
        "call_centre_phone": case.call_centre_phone,
        "call_centre_hours": case.call_centre_hours,
    }
    form = LetterSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letter_services.letter_settings_update(actor=actor, incident=incident, **form.cleaned_data)
        except errors.InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "お詫び状の本文を保存しました。")
            return redirect("victims:letters", incident.reference)
    context = page_context(request, actor, incident, case, "letters")
    context.update(
        form=form,
        run_form=LetterRunForm(),
        runs=selectors.letter_runs_for(actor, incident),
        placeholders=PLACEHOLDERS.items(),
    )
    return render(request, "victims/letters.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
@domain_errors
def letter_preview(request, reference: str):
    actor, incident, case = provider_case_for(request, reference)
    try:
        pdf = letter_services.letter_preview_pdf(actor=actor, incident=incident)
    except (errors.InvalidInput, PdfUnavailable) as exc:
        return HttpResponse(
            getattr(exc, "message", str(exc)), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{incident.reference}-letter-preview.pdf"'
    return response


@login_required
@require_POST
@domain_errors
def letter_run_new(request, reference: str):
    actor, incident, case = provider_case_for(request, reference)
    form = LetterRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "日付と通数を確認してください。")
        return redirect("victims:letters", incident.reference)
    try:
        run = letter_services.letter_run_start(actor=actor, incident=incident, **form.cleaned_data)
    except (errors.InvalidInput, errors.IllegalTransition) as exc:
        messages.error(request, exc.message)
        return redirect("victims:letters", incident.reference)
    return redirect("victims:letter_run", incident.reference, run.pk)


@login_required
@require_GET
@domain_errors
def letter_run(request, reference: str, pk: int):
    actor, incident, case = provider_case_for(request, reference)
    run = selectors.letter_run_get(actor, incident, pk)
    context = page_context(request, actor, incident, case, "letters")
    context.update(run=run, batches=run.batches.all(), download_form=DownloadForm(), sent_form=SentForm())
    return render(request, "victims/letter_run.html", context)


@login_required
@require_GET
@domain_errors
def letter_run_progress(request, reference: str, pk: int):
    actor, incident, case = provider_case_for(request, reference)
    run = selectors.letter_run_get(actor, incident, pk)
    return render(request, "victims/_letter_progress.html", {"run": run, "incident": incident})


@login_required
@require_POST
@domain_errors
def letter_download(request, reference: str, pk: int, number: int):
    """A print file or mailing list, after the user gives the reason (written to the audit log)."""
    actor, incident, case = provider_case_for(request, reference)
    batch = selectors.letter_batch_get(actor, incident, pk, number)
    # A personal-data export: signed in or re-authenticated within 10 minutes (issue 9); back to the run's page.
    back = reverse("victims:letter_run", args=[incident.reference, pk])
    if (response := require_recent_auth(request, back=back)) is not None:
        return response
    form = DownloadForm(request.POST)
    if not form.is_valid():
        messages.error(request, "ファイルの種類と理由を入力してください。")
        return redirect("victims:letter_run", incident.reference, pk)
    try:
        name, content, content_type = letter_services.letter_batch_file(
            actor=actor, batch=batch, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"]
        )
    except (errors.InvalidInput, errors.IllegalTransition) as exc:
        messages.error(request, exc.message)
        return redirect("victims:letter_run", incident.reference, pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@domain_errors
def letter_sent(request, reference: str, pk: int, number: int):
    actor, incident, case = provider_case_for(request, reference)
    batch = selectors.letter_batch_get(actor, incident, pk, number)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            count = letter_services.letter_batch_mark_sent(
                actor=actor, batch=batch, sent_on=form.cleaned_data["sent_on"]
            )
        except errors.IllegalTransition as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{count:,}通を発送済みにしました。")
    return redirect("victims:letter_run", incident.reference, pk)
