"""A minimal text extractor for the PDFs WeasyPrint writes (pdftotext is not installed here).

WeasyPrint draws text as 2-byte glyph ids in hex strings and ships a ToUnicode CMap per font. This reads every
Flate stream, merges the CMaps' ``bfchar``/``bfrange`` entries and maps the glyph ids of the ``TJ``/``Tj``
operators back to characters, in drawing order. Good enough to assert that words are in a document.
"""

from __future__ import annotations

import re
import zlib

# The data ends right before "\nendstream": a compressed stream may itself end with the byte \r, so the \r is
# kept, and the decompressor ignores what follows the end of the zlib stream.
_STREAM = re.compile(rb"stream\r?\n(.*?)\nendstream", re.S)
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_TEXT_OP = re.compile(rb"\[(.*?)\]\s*TJ|<([0-9a-fA-F]+)>\s*Tj", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def _unicode(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="replace")


def pdf_text(pdf: bytes) -> str:
    streams = []
    for raw in _STREAM.findall(pdf):
        try:
            streams.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            streams.append(raw)
    glyphs: dict[int, str] = {}
    for stream in streams:
        for block in _BFCHAR.findall(stream):
            for code, uni in _PAIR.findall(block):
                glyphs[int(code, 16)] = _unicode(uni)
        for block in _BFRANGE.findall(stream):
            for start, end, uni in _RANGE.findall(block):
                first = int(uni, 16)
                for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                    glyphs[code] = chr(first + offset)
    out = []
    for stream in streams:
        if b"BT" not in stream:
            continue
        for array, single in _TEXT_OP.findall(stream):
            for hex_text in _HEX.findall(array) if array else [single]:
                for i in range(0, len(hex_text) - 3, 4):
                    out.append(glyphs.get(int(hex_text[i : i + 4], 16), ""))
    return "".join(out)
