"""Pages of the victims part, mounted at /victims/ (see sonae/urls.py)."""

from django.urls import path, register_converter

from .views import case, gifts, imports, letters, lookup, public


class ReferenceConverter:
    """An incident reference: INC-2025-000123, INC-DEMO-0001."""

    regex = r"INC-[0-9A-Z]+-[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "victimref")

app_name = "victims"

urlpatterns = [
    path("", case.index, name="index"),
    path("inquiry/<str:token>/", public.public_inquiry, name="public_inquiry"),
    path("inquiry/<str:token>/request/", public.public_rights_request, name="public_rights_request"),
    path("<victimref:reference>/", case.case, name="case"),
    path("<victimref:reference>/settings/", case.settings_page, name="settings"),
    path("<victimref:reference>/apply/", case.apply_to_incident, name="apply"),
    path("<victimref:reference>/imports/", imports.imports_list, name="imports"),
    path("<victimref:reference>/imports/new/", imports.import_new, name="import_new"),
    path("<victimref:reference>/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("<victimref:reference>/imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("<victimref:reference>/imports/<int:pk>/map/", imports.import_map, name="import_map"),
    path("<victimref:reference>/imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("<victimref:reference>/imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("<victimref:reference>/letters/", letters.letters, name="letters"),
    path("<victimref:reference>/letters/preview.pdf", letters.letter_preview, name="letter_preview"),
    path("<victimref:reference>/letters/runs/new/", letters.letter_run_new, name="letter_run_new"),
    path("<victimref:reference>/letters/runs/<int:pk>/", letters.letter_run, name="letter_run"),
    path(
        "<victimref:reference>/letters/runs/<int:pk>/progress/",
        letters.letter_run_progress,
        name="letter_run_progress",
    ),
    path(
        "<victimref:reference>/letters/runs/<int:pk>/<int:number>/download/",
        letters.letter_download,
        name="letter_download",
    ),
    path(
        "<victimref:reference>/letters/runs/<int:pk>/<int:number>/sent/",
        letters.letter_sent,
        name="letter_sent",
    ),
    path("<victimref:reference>/gifts/", gifts.gifts, name="gifts"),
    path("<victimref:reference>/gifts/plan/", gifts.gifts_plan, name="gifts_plan"),
    path("<victimref:reference>/gifts/shipped/", gifts.gifts_shipped, name="gifts_shipped"),
    path("<victimref:reference>/gifts/returns/", gifts.gifts_returns, name="gifts_returns"),
    path("<victimref:reference>/lookup/", lookup.lookup, name="lookup"),
    path("<victimref:reference>/inquiries/", lookup.inquiries, name="inquiries"),
    path("<victimref:reference>/inquiries/<int:pk>/done/", lookup.inquiry_done, name="inquiry_done"),
]
