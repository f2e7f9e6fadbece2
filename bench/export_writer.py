"""Speed and memory of the shared CSV/XLSX export writer (``sonae.documents.tabular``), against the bare writers.

Writes ``--rows`` rows (default 100,000; five times the API's export limit) of 12 columns — text (a tenth of it formula-like,
so the neutraliser works), numbers, dates and instants — with ``csv_bytes`` / ``xlsx_bytes`` and, as the baseline,
with ``csv.writer`` / openpyxl's write-only workbook on the same values without any cleaning. Prints one JSON line:
rows per second (untraced run) and peak Python memory (a second run under tracemalloc) of each. Pure Python: no database, no Django settings.

    .venv/bin/python bench/export_writer.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta

from openpyxl import Workbook

from sonae.documents.tabular import Column, csv_bytes, xlsx_bytes

COLUMNS = [
    Column("reference", "受付番号"),
    Column("title", "件名"),
    Column("provider", "事業者名"),
    Column("status", "状態"),
    Column("severity", "重大度"),
    Column("amount", "金額（円）"),
    Column("received_at", "受付日時"),
    Column("due", "期限"),
    Column("items", "項目"),
    Column("note", "メモ"),
    Column("overdue", "期限超過"),
    Column("updated_at", "更新日時"),
]
ATTACKS = ["=cmd|' /C calc'!A0", "+SUM(1)", "-1+1", "@x", "\t=1"]


def rows(n: int):
    start = datetime(2026, 4, 1, tzinfo=UTC)
    for i in range(n):
        yield {
            "reference": f"INC-2026-{i:06d}",
            "title": ATTACKS[i % 5] if i % 10 == 0 else f"検査システムの障害その{i}",
            "provider": "株式会社さくら臨床検査",
            "status": "対応中",
            "severity": i % 4 + 1,
            "amount": -1500 if i % 7 == 0 else 123_456 + i,
            "received_at": start + timedelta(minutes=i),
            "due": date(2026, 4, 1) + timedelta(days=i % 30),
            "items": ["氏名", "検査結果"],
            "note": "電話で状況を確認した。ログを保全済み。",
            "overdue": i % 3 == 0,
            "updated_at": start + timedelta(minutes=i, seconds=30),
        }


def _plain_values(row: dict) -> list:
    out = []
    for column in COLUMNS:
        value = row[column.key]
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)
        elif isinstance(value, list):
            value = "、".join(value)
        out.append(value)
    return out


def bare_csv(n: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for row in rows(n):
        writer.writerow(_plain_values(row))
    return buffer.getvalue().encode("utf-8")


def bare_xlsx(n: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("一覧")
    ws.append([c.header for c in COLUMNS])
    for row in rows(n):
        ws.append([str(v) if isinstance(v, str) else v for v in _plain_values(row)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def measure(label: str, func, n: int) -> dict:
    """Time without tracing (tracemalloc slows Python several times), then peak memory in a second, traced run."""
    started = time.perf_counter()
    data = func(n)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    func(n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "writer": label,
        "rows": n,
        "seconds": round(seconds, 2),
        "rows_per_s": round(n / seconds),
        "peak_mib": round(peak / 2**20, 1),
        "bytes": len(data),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    n = parser.parse_args().rows
    results = [
        measure("sonae csv_bytes", lambda k: csv_bytes(COLUMNS, rows(k)), n),
        measure("bare csv.writer", bare_csv, n),
        measure("sonae xlsx_bytes", lambda k: xlsx_bytes(COLUMNS, rows(k)), n),
        measure("bare openpyxl write-only", bare_xlsx, n),
    ]
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
