"""Query counting for list pages and API list routes (issue 9 point 5): a list reads a fixed number of queries
whatever the number of its rows.

A test renders the list with a few rows, adds rows, renders it again and compares::

    few = reads(client, url)
    ...add rows...
    many = reads(client, url)
    assert few.shows(*first_refs) and many.shows(*all_refs)  # the rows are on the page
    assert_no_query_per_row(few, many)

On failure the message names the statements the bigger list ran more often (numbers and quoted values blanked),
which is where the per-row query is.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Reads:
    """One response and the SQL it ran."""

    status: int
    text: str
    queries: list[str]

    def shows(self, *needles: str) -> bool:
        return all(needle in self.text for needle in needles)

    def __len__(self) -> int:
        return len(self.queries)


def reads(client, url: str, **extra) -> Reads:
    """GET ``url`` with ``client`` and capture its queries; the answer must be a 200.

    Each measured request starts with empty per-process memos (API tokens, cases: ``sonae.core.localcache``) and
    unsent rate-limit counts: both expire by the clock, so otherwise whether a request reads them again would
    depend on how long the test took to add its rows (a slow machine made the two counts differ)."""
    from sonae.core import localcache, ratelimit

    localcache.clear_all()
    ratelimit.forget_local_counts()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    text = response.content.decode("utf-8", "replace")
    assert response.status_code == 200, f"GET {url}: {response.status_code} {text[:500]}"
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)  # Japanese as written, not \u escapes
    return Reads(response.status_code, text, [q["sql"] for q in captured.captured_queries])


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+\b|\"s\d+_x\d+\"")  # values, numbers, savepoint names


_IN_LISTS = re.compile(r"IN \((?:\?, )*\?\)")


def _shape(sql: str) -> str:
    return _IN_LISTS.sub("IN (…)", _LITERALS.sub("?", sql))


def assert_no_query_per_row(few: Reads, many: Reads) -> None:
    """``many`` (more rows) ran exactly as many queries as ``few``."""
    if len(many) == len(few):
        return
    before, after = Counter(map(_shape, few.queries)), Counter(map(_shape, many.queries))
    detail = "\n".join(
        [f"  +{n} × {sql[:400]}" for sql, n in (after - before).most_common(8)]
        + [f"  -{n} × {sql[:400]}" for sql, n in (before - after).most_common(8)]
    )
    raise AssertionError(f"{len(few)} queries with fewer rows, {len(many)} with more:\n{detail}")
