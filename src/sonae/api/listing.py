"""One way every API list answers: pagination, ``updated_since`` and CSV/Excel export.

A list route takes ``page: Query[ListParams]`` beside its own filters, gets its rows from the app's selector (the
scoping stays there) and returns ``paginate(...)``::

    @router.get("/things", response=page_of(ThingOut), summary="…", description="…" + LIST_DOC)
    def thing_list(request, page: Query[ListParams]):
        return paginate(request, selectors.things_for(request.auth), page, _thing, export=THING_EXPORT)

JSON answers one envelope: ``{"count", "limit", "offset", "next_offset", "items"}`` (``next_offset`` is null on
the last page). ``updated_since`` keeps the rows changed at or after that instant (incremental export; a naive
value is read as Japan time). ``format=csv|xlsx`` answers every matching row (``limit``/``offset`` do not apply,
at most ``EXPORT_MAX_ROWS``) as a file through the shared safe writer (:mod:`sonae.documents.tabular`); each export
is audit-logged, and a list that holds personal data is logged as a personal-data export and, from a browser
session, needs a sign-in or re-authentication within the last 10 minutes (the same check as the pages' exports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Literal
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import create_model

from sonae.core.errors import DomainError, InvalidInput
from sonae.documents.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Column, csv_bytes, xlsx_bytes
from sonae.jp.calendar import TOKYO

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# One request writes the file: 20,000 rows take about 7 s as XLSX and 1.3 s as CSV here (bench/export_writer.py).
EXPORT_MAX_ROWS = 20_000

LIST_DOC = (
    "\n\n一覧は `{count, limit, offset, next_offset, items}` の形で返します（`next_offset` が null なら最後のページ）。"
    "`updated_since` を指定するとその日時以降に更新されたものだけを返します（差分の取り込み用）。"
    "`format=csv` または `format=xlsx` で条件に合うすべての行をCSV（UTF-8・BOM付き）またはExcelファイルで返します"
    "（`limit`・`offset` は適用されず、最大2万行。超える場合は `updated_since` で分けてください）。"
)
PERSONAL_DOC = (
    "個人データを含むため、出力は個人データの出力として監査ログに記録され、"
    "ブラウザのセッションでは直近10分以内のログインまたは再認証が必要です。"
)


class ReauthenticationRequired(DomainError):
    code = "reauthentication_required"
    status = 403
    default_message = (
        "個人データを出力するには、もう一度パスワードを入力して本人確認をしてください（直近10分以内）。"
    )


class ListParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="1ページの件数（1〜200、既定50）")
    offset: int = Field(
        0, ge=0, le=1_000_000_000, description="先頭から飛ばす件数（次のページは応答の next_offset）"
    )
    updated_since: datetime | None = Field(
        None,
        description="この日時以降に作成・更新されたものだけを返す（ISO 8601。例 2026-04-01T00:00:00+09:00。"
        "オフセットがなければ日本時間）",
    )
    format: Literal["json", "csv", "xlsx"] = Field(
        "json", description="`json`（既定）、`csv`（UTF-8・BOM付き）、`xlsx`（Excel）"
    )


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The envelope schema of a page of ``item`` (one class per item schema, named ``<Item>Page``)."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        count=(int, Field(..., description="条件に合う件数")),
        limit=(int, Field(..., description="1ページの件数")),
        offset=(int, Field(..., description="先頭から飛ばした件数")),
        next_offset=(int | None, Field(None, description="次のページの offset（最後のページでは null）")),
        items=(list[item], Field(..., description="このページの項目")),
    )


@dataclass(frozen=True)
class Export:
    """How a list becomes a file: its columns (keys of the serialised item), the file's base name, and whether
    its rows hold personal data (re-authentication and a personal-data audit record)."""

    name: str
    columns: Sequence[Column]
    personal: bool = False


def since(value: datetime | None) -> datetime | None:
    """``updated_since`` as an instant in UTC (naive values are Japan time). Converted here, before any query:
    an instant beyond what a datetime can hold in UTC (year 1 at +09:00) is bad input, and must not reach the
    database, where it would fail the transaction."""
    if value is None:
        return None
    try:
        return (value if timezone.is_aware(value) else value.replace(tzinfo=TOKYO)).astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput(
            "updated_since の日時が扱える範囲を超えています。", field="updated_since"
        ) from None


def paginate(
    request,
    rows: QuerySet | Sequence,
    params: ListParams,
    serialize: Callable[[object], dict],
    *,
    export: Export,
    updated_field: str = "updated_at",
    updated_of: Callable[[object], datetime | None] | None = None,
):
    """The page (or the export file) of ``rows`` — a scoped queryset from a selector, or a list already built
    by one. ``updated_field`` is the queryset's field for ``updated_since``; ``updated_of`` reads it from an item
    of a list."""
    threshold = since(params.updated_since)
    if threshold is not None:
        if isinstance(rows, QuerySet):
            rows = rows.filter(**{f"{updated_field}__gte": threshold})
        else:
            read = updated_of or (lambda row: getattr(row, updated_field, None))
            rows = [row for row in rows if (read(row) or threshold) >= threshold]
    if params.format != "json":
        return export_response(request, rows, serialize, export=export, fmt=params.format, params=params)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    window = list(rows[params.offset : params.offset + params.limit])
    end = params.offset + len(window)
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "next_offset": end if end < count else None,
        "items": [serialize(row) for row in window],
    }


def _iterate(rows) -> Iterable:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=2000)
    return rows


def require_recent_auth_for_personal_data(request) -> None:
    """A personal-data export from a browser session needs a sign-in or re-authentication within the last 10
    minutes, as on the pages (ReauthenticationRequired, 403); an API token is the organisation's own credential
    and is not asked."""
    actor = request.auth
    if actor.token is None and actor.user is not None:
        from sonae.core.security import recently_authenticated

        if not recently_authenticated(request):
            raise ReauthenticationRequired()


def export_response(request, rows, serialize, *, export: Export, fmt: str, params: ListParams | None = None):
    """Every row as a CSV or XLSX download; re-authentication and the audit record first."""
    actor = request.auth
    if export.personal:
        require_recent_auth_for_personal_data(request)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    if count > EXPORT_MAX_ROWS:
        raise InvalidInput(
            f"一度に出力できるのは{EXPORT_MAX_ROWS:,}行までです（該当 {count:,} 行）。"
            "updated_since などで範囲を絞ってください。",
            code="export_too_large",
        )
    _audit_export(actor, export, fmt, count, params)
    items = (serialize(row) for row in _iterate(rows))
    stamp = timezone.localtime(timezone.now(), TOKYO).strftime("%Y%m%d%H%M")
    if fmt == "csv":
        content, content_type = csv_bytes(export.columns, items), CSV_CONTENT_TYPE
    else:
        content = xlsx_bytes(export.columns, items, title=export.name)
        content_type = XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    filename = f"{export.name}_{stamp}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _audit_export(actor, export: Export, fmt: str, count: int, params: ListParams | None) -> None:
    from sonae.core.audit import audit_personal_data_access, audit_record

    data = {
        "list": export.name,
        "format": fmt,
        "rows": count,
        "via": "token" if actor.token is not None else "session",
    }
    if actor.token is not None:
        data["token"] = actor.token.prefix
    if params is not None and params.updated_since is not None:
        data["updated_since"] = since(params.updated_since).isoformat()
    if export.personal:
        audit_personal_data_access(
            actor=actor.user,
            organisation=actor.organisation,
            target=("export", export.name),
            reason=f"一覧の出力（{fmt.upper()}）",
            kind="exported",
            data=data,
        )
    else:
        audit_record(
            action="export.list",
            actor=actor.user,
            organisation=actor.organisation,
            target=("export", export.name),
            data=data,
        )


FILE_RESPONSES = {
    "text/csv": {"schema": {"type": "string"}},
    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


def list_openapi_extra() -> dict:
    """OpenAPI: the 200 answer may also be a CSV or Excel file (``format=csv|xlsx``)."""
    return {"responses": {200: {"content": FILE_RESPONSES}}}


def list_get(
    router, path: str, *, item: type[Schema], summary: str, description: str, personal: bool = False
):
    """``router.get`` for a list route: the page envelope as the response, the shared documentation of
    pagination / ``updated_since`` / ``format`` appended to the Japanese description, and the file answers."""
    return router.get(
        path,
        response=page_of(item),
        summary=summary,
        description=description + LIST_DOC + (PERSONAL_DOC if personal else ""),
        openapi_extra=list_openapi_extra(),
    )
