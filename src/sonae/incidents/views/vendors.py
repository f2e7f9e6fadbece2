"""The desk's vendor directory."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sonae.core import errors
from sonae.incidents import selectors, services
from sonae.incidents.forms import VendorForm

from .common import actor_for, add_form_error, domain_errors


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def vendors(request: HttpRequest) -> HttpResponse:
    """List the vendors (desk) and add one (desk staff)."""
    actor = actor_for(request, "vendor.view")
    may_manage = actor.may("vendor.manage")
    form = VendorForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise errors.PermissionDenied()
        if form.is_valid():
            try:
                vendor = services.vendor_create(actor=actor, **form.cleaned_data)
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, f"ベンダー「{vendor.name}」を登録しました。")
                return redirect("incidents:vendors")
    return render(
        request,
        "incidents/vendors.html",
        {"vendors": selectors.vendors_for(actor), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "vendor.manage")
    vendor = selectors.vendor_get(actor, pk)
    initial = {name: getattr(vendor, name) for name in VendorForm.base_fields}
    form = VendorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_update(actor=actor, vendor=vendor, **form.cleaned_data)
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, f"ベンダー「{vendor.name}」を更新しました。")
            return redirect("incidents:vendors")
    return render(
        request,
        "incidents/vendor_edit.html",
        {"vendor": vendor, "form": form},
        status=400 if request.method == "POST" else 200,
    )
