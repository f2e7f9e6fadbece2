"""PDF output of the self-check app: the shared WeasyPrint helper when it is installed, else the same thing here.

``sonae.documents.pdf.render_pdf(template_name, context)`` is the project's helper (A4, Japanese fonts, no network
or file access while rendering). This module delegates to it and keeps a minimal equivalent for installations
where the documents app is absent, so the self-check PDFs never depend on which one is present.
"""

from __future__ import annotations

from django.template.loader import render_to_string

_FALLBACK_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
html { font-family: "IPAexGothic", "Noto Sans CJK JP", sans-serif; font-size: 10pt; line-height: 1.6; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #888; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
"""


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """Render a template to PDF bytes."""
    try:
        from sonae.documents.pdf import render_pdf as shared_render_pdf
    except ImportError:
        shared_render_pdf = None
    if shared_render_pdf is not None:
        return shared_render_pdf(template_name, context or {})
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Only data: URLs: text from users can never make the renderer read a file or the network.
    fetcher = URLFetcher(allowed_protocols=["data"])
    html = render_to_string(template_name, context or {})
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    return document.write_pdf(stylesheets=[CSS(string=_FALLBACK_CSS, url_fetcher=fetcher)])
