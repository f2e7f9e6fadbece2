"""A draft as HTML (the page's preview and the PDF's source), PDF (WeasyPrint) and DOCX (python-docx)."""

from __future__ import annotations

from django.template.loader import render_to_string

from sonae.documents.docx import Heading, Paragraph, Table, render_docx
from sonae.documents.pdf import render_html_pdf

from .drafts import Draft

PDF_TEMPLATE = "duties/pdf/draft.html"


def draft_html(draft: Draft) -> str:
    """The HTML the PDF is printed from."""
    return render_to_string(PDF_TEMPLATE, {"draft": draft})


def draft_pdf(draft: Draft) -> bytes:
    """The draft as an A4 PDF with Japanese fonts."""
    return render_html_pdf(draft_html(draft))


def draft_docx(draft: Draft) -> bytes:
    """The draft as an editable Word document, laid out like the PDF."""
    blocks = [Paragraph(draft.date_text, align="right")]
    if draft.recipient:
        blocks.append(Paragraph(draft.recipient))
    blocks.append(Paragraph(draft.sender, align="right"))
    blocks.append(Heading(draft.title, level=1))
    blocks.append(Paragraph(draft.intro))
    if draft.fields:
        blocks.append(Table(tuple((f.label, f.value) for f in draft.fields)))
    blocks.append(Paragraph("記", align="center"))
    for section in draft.sections:
        blocks.append(Heading(section.heading, level=2))
        blocks.append(Paragraph(section.body))
    if draft.closing:
        blocks.append(Paragraph(draft.closing, align="right"))
    return render_docx(blocks, title=draft.title)
