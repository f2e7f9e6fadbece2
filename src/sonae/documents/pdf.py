"""One-off PDF documents from Django templates with WeasyPrint (DESIGN §2: reports, notices, exports).

``render_pdf(template_name, context)`` renders the template to HTML and prints it to A4 with Japanese fonts from
the system (fonts-ipaexfont / fonts-noto-cjk, found through fontconfig). Templates bring their own layout CSS in a
``<style>`` element; the base stylesheet here sets the page size, margins, page numbers and the font stack.

Security: documents are built from our own templates and data only. The URL fetcher refuses everything except
``data:`` URLs, so text that reaches a template can never make the renderer read a local file or the network.
"""

from __future__ import annotations

from django.template.loader import render_to_string

BASE_CSS = """
@page {
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
}
html {
  font-family: "IPAexGothic", "IPAexMincho", "Noto Sans CJK JP", "Noto Serif CJK JP", sans-serif;
  font-size: 10.5pt;
  line-height: 1.7;
  color: #111;
}
h1 { font-size: 15pt; margin: 0 0 6mm; }
h2 { font-size: 12pt; margin: 6mm 0 3mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #888; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
th { background: #f0f0f0; font-weight: bold; }
.pre { white-space: pre-wrap; }
"""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing."""


def render_html_pdf(html: str) -> bytes:
    """Print an HTML string to PDF bytes with the base stylesheet."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: pango/cairo libraries missing
        raise PdfUnavailable(f"WeasyPrint is not available: {exc}") from exc
    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    return document.write_pdf(stylesheets=[CSS(string=BASE_CSS, url_fetcher=fetcher)])


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF bytes."""
    return render_html_pdf(render_to_string(template_name, context or {}))
