"""Editable Word drafts (DOCX) with python-docx (DESIGN §2: editable drafts).

``render_docx(blocks)`` writes A4 pages with a Japanese font (Yu Mincho, which Word on Windows and macOS has; the
name is set for East Asian text too, where python-docx would otherwise leave Word's default) from a few plain
block types: headings, paragraphs (aligned left, right or centre), and two-column tables of label and value.
Multi-line text becomes one paragraph per line, so the recipient edits it like any letter.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

JAPANESE_FONT = "游明朝"
BODY_SIZE_PT = 10.5


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    align: str = "left"  # left | right | center
    bold: bool = False


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, str], ...]


Block = Heading | Paragraph | Table


def _set_font(style_or_run, name: str) -> None:
    from docx.oxml.ns import qn

    style_or_run.font.name = name
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").split("\n")


def render_docx(blocks: Iterable[Block], *, title: str = "", font: str = JAPANESE_FONT) -> bytes:
    """The blocks as a DOCX document (bytes). ``title`` goes into the document's properties."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    aligns = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(20)
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            _set_font(document.styles[style_name], font)
        except KeyError:
            continue
    document.styles["Normal"].font.size = Pt(BODY_SIZE_PT)
    if title:
        document.core_properties.title = title
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            for line in _lines(block.text):
                paragraph = document.add_paragraph()
                paragraph.alignment = aligns.get(block.align, WD_ALIGN_PARAGRAPH.LEFT)
                run = paragraph.add_run(line)
                run.bold = block.bold
        elif isinstance(block, Table):
            table = document.add_table(rows=0, cols=2)
            table.style = document.styles["Table Grid"]
            for label, value in block.rows:
                cells = table.add_row().cells
                cells[0].text = label
                cells[1].text = value
                cells[0].width, cells[1].width = Mm(50), Mm(120)
            document.add_paragraph()
        else:  # pragma: no cover - a programming error
            raise TypeError(f"unknown block {block!r}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
