"""Refuse an Excel file (.xlsx, a zip archive) whose parts would expand far beyond any real list: a "zip bomb".

openpyxl reads worksheets row by row in read-only mode, but it loads the shared-strings part whole, and some
importers keep every row; a few megabytes of crafted zip can declare gigabytes of XML. Python's zipfile never
inflates a member beyond the size its header declares, so checking the declared sizes before openpyxl opens the
file bounds what reading can cost. Pure module (no Django import).
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

# Spreadsheet XML compresses about 5-20 times; a member that expands more than this (and is large) is crafted.
MAX_RATIO = 150
RATIO_APPLIES_FROM = 32 * 1024 * 1024
MAX_MEMBERS = 10_000


class SuspiciousArchive(ValueError):
    """The archive would expand beyond the limits; the message is for the user (Japanese)."""


def check_xlsx_archive(source: BinaryIO, *, max_total_bytes: int) -> None:
    """Raise SuspiciousArchive when the members of ``source`` (a seekable file) declare more than
    ``max_total_bytes`` in all, more than ``MAX_MEMBERS`` members, or a large member compressed more than
    ``MAX_RATIO`` times. Not a zip file at all is left to the reader (it reports an unreadable file). The stream is
    put back at its start."""
    start = source.tell()
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    finally:
        source.seek(start)
    if len(members) > MAX_MEMBERS:
        raise SuspiciousArchive("Excelファイルの構成が不正です（部品の数が多すぎます）。")
    total = sum(member.file_size for member in members)
    if total > max_total_bytes:
        raise SuspiciousArchive(
            f"Excelファイルを展開すると大きすぎます（約{total // 2**20:,}MB、上限{max_total_bytes // 2**20:,}MB）。"
            "CSV形式で保存し直すか、ファイルを分けてください。"
        )
    for member in members:
        if member.file_size >= RATIO_APPLIES_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise SuspiciousArchive("Excelファイルの構成が不正です（異常に圧縮された部品があります）。")
