"""Letters (お詫びとお知らせ) with Typst: placeholders, per-person text, print-ready PDF. Pure module (no Django).

The case's template is plain text with placeholders; each person's letter is the template with them filled in,
split into paragraphs at blank lines. Typst (``letter.typ``) lays out one A4 page per person with the address
block where a window envelope shows it. All values reach Typst as JSON strings and are set as text, so nothing
a list or a user typed can act as Typst markup.

Speed (DESIGN §2): one Typst document per batch of letters; the compiler (fonts, parsed template) is kept per
process, so a batch costs its layout only.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent
TEMPLATE = TEMPLATE_DIR / "letter.typ"
TITLE = "お詫びとお知らせ"
FONT_DIRS = (
    "/usr/share/fonts/opentype/ipaexfont-mincho",
    "/usr/share/fonts/opentype/ipaexfont-gothic",
    "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
    "/usr/share/fonts/opentype/noto",
)

PLACEHOLDERS = {
    "氏名": "宛名の氏名",
    "住所": "郵便番号と住所",
    "漏えい項目": "その人について漏えいのおそれがある項目（箇条書き）",
    "お問い合わせ番号": "その人のお問い合わせ番号",
    "窓口電話番号": "専用窓口の電話番号",
    "受付時間": "専用窓口の受付時間",
    "事業者名": "事業者の名称",
    "見舞品": "見舞品の案内（種類と金額）",
}
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")
MAX_TEMPLATE_CHARS = 6000


def unknown_placeholders(template: str) -> list[str]:
    """Placeholders in ``template`` that are not in ``PLACEHOLDERS`` (e.g. a typo: {氏名様})."""
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def fill(template: str, values: dict[str, str]) -> str:
    """The template with every known placeholder replaced (unknown ones are left as typed)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), template)


def paragraphs(text: str) -> list[str]:
    """Paragraphs at blank lines; single line breaks stay inside a paragraph."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [block.strip("\n") for block in blocks if block.strip()]


def address_lines(address: str, width: int = 24) -> list[str]:
    """An address in at most three lines for the window: broken at the building name (after a space), then by
    length."""
    head, _, building = address.partition(" ")
    lines: list[str] = []
    for part in (head, building):
        while len(part) > width:
            lines.append(part[:width])
            part = part[width:]
        if part:
            lines.append(part)
    return lines[:3] if len(lines) <= 3 else lines[:2] + ["".join(lines[2:])]


def items_text(labels: list[str]) -> str:
    return "\n".join(f"・{label}" for label in labels) if labels else "・（項目の詳細はお問い合わせください）"


@dataclass(frozen=True)
class Letter:
    """One person's letter, ready for Typst."""

    postal: str  # 123-4567
    address: list[str]
    name: str
    code: str
    body: list[str]

    def as_dict(self) -> dict:
        return {
            "postal": self.postal,
            "address": self.address,
            "name": self.name,
            "code": self.code,
            "body": self.body,
        }


def build_letter(
    template: str, *, person: dict, items: list[str], code: str, common: dict[str, str]
) -> Letter:
    """The letter of one person. ``person`` is the decrypted record (name, postal, address …); ``common`` holds the
    case-wide values (窓口電話番号, 受付時間, 事業者名, 見舞品)."""
    postal = person.get("postal", "")
    postal_text = f"{postal[:3]}-{postal[3:]}" if len(postal) == 7 else postal
    values = dict(common)
    values.update(
        {
            "氏名": person.get("name", ""),
            "住所": f"〒{postal_text} {person.get('address', '')}",
            "漏えい項目": items_text(items),
            "お問い合わせ番号": code,
        }
    )
    return Letter(
        postal=postal_text,
        address=address_lines(person.get("address", "")),
        name=person.get("name", ""),
        code=code,
        body=paragraphs(fill(template, values)),
    )


def document_json(letters: list[Letter], *, sender: str, date_text: str) -> str:
    return json.dumps(
        {
            "title": TITLE,
            "date": date_text,
            "sender": [line for line in sender.splitlines() if line.strip()],
            "letters": [letter.as_dict() for letter in letters],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def font_paths() -> list[str]:
    return [p for p in FONT_DIRS if Path(p).exists()]


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _compiler():
    import typst

    return typst.Compiler(
        str(TEMPLATE), root=str(TEMPLATE_DIR), font_paths=font_paths(), ignore_system_fonts=True
    )


def compile_pdf(data_json: str) -> bytes:
    """The PDF of a document made by ``document_json`` (the compiler is shared by the process's threads)."""
    with _lock:
        return _compiler().compile(sys_inputs={"data": data_json})


def mailing_rows(letters: list[Letter], *, batch: int, first_page: int = 1) -> list[list[str]]:
    """Rows of the print vendor's mailing list (header first)."""
    rows = [["バッチ", "ページ", "お問い合わせ番号", "郵便番号", "住所", "宛名"]]
    for page, letter in enumerate(letters, start=first_page):
        rows.append(
            [str(batch), str(page), letter.code, letter.postal, " ".join(letter.address), f"{letter.name} 様"]
        )
    return rows
