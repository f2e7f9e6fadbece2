"""File answers of the API (PDF, Excel, Word, evidence): one response shape and one OpenAPI declaration.

A document rendered for a page is the same bytes over the API: routes call the page's renderer or service and
return ``file_response``. When WeasyPrint cannot run, the answer is 503 ``service_unavailable`` (retryable), never
a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpResponse

from sonae.core.errors import ServiceUnavailable
from sonae.documents.pdf import PdfUnavailable

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BINARY = {"type": "string", "format": "binary"}


def file_openapi(*content_types: str, description: str = "ファイル") -> dict:
    """``openapi_extra`` of a route whose 200 answer is a file of one of ``content_types``."""
    return {
        "responses": {
            200: {"description": description, "content": {ct: {"schema": BINARY} for ct in content_types}}
        }
    }


def file_response(
    content: bytes, content_type: str, filename: str, *, disposition: str = "attachment"
) -> HttpResponse:
    """The bytes as a download named ``filename`` (Japanese names encoded per RFC 6266), never cached."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def render_or_503(render: Callable[[], bytes]) -> bytes:
    """``render()``; a missing PDF engine is 503 (retry later), as the pages' error page says."""
    try:
        return render()
    except PdfUnavailable:
        raise ServiceUnavailable("PDFを作成できません。時間をおいて再度お試しください。") from None
