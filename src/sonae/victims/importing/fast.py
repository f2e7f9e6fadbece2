"""The fast path of an import worker: parse and normalise a chunk's common rows in native code (polars).

Pure module (no Django). Run only in worker processes (``worker.process_chunk``), never in a process that forks
them: polars keeps a thread pool, which a forked child would inherit in a broken state. The forking process
loads this module (and polars) before the fork without running it (``pipeline.fast_engine``).

A million-person import spent two thirds of its worker time in ``rows.ColumnNormaliser`` and the ``csv`` module,
calling C functions cell by cell from Python. Here polars reads the chunk and computes, a whole column per call,
what ``ColumnNormaliser`` computes for the rows that have the common shape, and lays out their records (the same
JSON bytes) and the messages of their look-up keys. Every other row goes through ``ColumnNormaliser`` itself,
which also writes all the error messages. So the results are those of the Python path by construction, as long
as the fast path only takes rows for which its operations agree with Python's:

* The chunk must be plain: no lone ``\\r``, no blank line, the same number of cells on every line, each cell
  either without quotes or quoted as a whole with no line break inside (then one record = one physical line,
  and polars reads the cells ``csv`` reads). Otherwise ``prepare`` returns None and the worker takes the Python
  path for the whole chunk.
* A row is taken only when each of its text cells holds characters of ``SAFE`` alone: printable ASCII other
  than ``"`` and ``\\``, the ideographic space and punctuation 、。々〆〇「」, hiragana, katakana, CJK unified
  ideographs and the full- and half-width forms (except the full-width quote and backslash). NFKC of these has
  been the same since Unicode 3.2, so polars' NFKC (Rust) and Python's agree; the only whitespace left after it
  is the space; nothing in the result needs a JSON escape.
* Kana must come out as full-width katakana and spaces only (no middle dot, no combining sound mark); postal
  codes and phone numbers must have the shapes ``ColumnNormaliser`` reads directly; birth dates, item lists and
  the other cells read from a table of distinct values are read by the Python functions themselves, once per
  value; a row where any of them has an error goes the Python way. Lengths are counted in code points as in
  Python. Tests compare both paths on random chunks (``tests/victims/test_import_fast.py``).
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from datetime import date

os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one worker process per core already

import polars as pl  # noqa: E402

from sonae.jp.wareki import ERAS, GREGORIAN_ADOPTED  # noqa: E402
from sonae.victims.items import is_marked  # noqa: E402

from .native import loops  # noqa: E402
from .rows import (  # noqa: E402
    MAX_LENGTHS,
    MEMO_LIMIT,
    ColumnNormaliser,
    _items_cell,
    parse_birth,
    read_kind,
)
from .worker import Prepared, prepared_of  # noqa: E402

_ASCII = "!#-\\[\\]-~"  # printable ASCII without '"' and '\'
SAFE = (
    f"[ {_ASCII}\u3000-\u3002\u3005-\u3007\u300c\u300d\u3041-\u3093\u30a1-\u30fa\u30fc\u4e00-\u9fff"
    "\uff01\uff03-\uff3b\uff3d-\uff5e\uff61-\uff9f]"
)
_SAFE_CELL = f"^{SAFE}*$"
_KATAKANA = "^[\u30a1-\u30fa\u30fc ]*$"
_WIDTH_FORMS = "[\uff01-\uff9f]"
_HIRAGANA_CLASS = "[\u3041-\u3093]"
_HIRAGANA = [chr(c) for c in range(0x3041, 0x3094)]
_AS_KATAKANA = [chr(c + 0x60) for c in range(0x3041, 0x3094)]
_POSTAL = "^[0-9]{3}-?[0-9]{4}$"
_PHONE = "^0[0-9]{1,4}-?[0-9]{1,4}-?[0-9]{3,4}$"
TEXT_FIELDS = ("name", "kana", "address", "patient_id", "insurance_card")


_FIELD = '"(?:[^"]|"")*"|[^",]*'  # a whole quoted cell ("" for a quote inside) or a cell without quotes


def _plain_lines(text: str, width: int) -> str | None:
    """The chunk's text without its final line break when every record is one plain line, else None.

    A line is plain when it holds ``width`` cells, each either without quotes or quoted as a whole (RFC 4180)
    with no line break inside: there ``csv`` and polars read the same cells. Anything else (a stray quote, text
    after a closing quote, a quoted line break) is left to ``csv``."""
    if not text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if text.endswith("\n"):
        text = text[:-1]
    if not text or text.startswith("\n") or "\n\n" in text:
        return None
    if '"' not in text:
        return text if text.count(",") == (width - 1) * (text.count("\n") + 1) else None
    lines = pl.Series([text]).str.split("\n").explode()
    if not lines.str.contains(f"^(?:{_FIELD})(?:,(?:{_FIELD})){{{width - 1}}}$").all():
        return None
    return text


# What ``_native.cp932_to_utf8`` tells of a whole chunk (its flags).
LONE_CR, BLANK_LINE, QUOTE, WIDTH_FORMS, ODD_SPACE = 1, 2, 4, 8, 16


@dataclass(frozen=True)
class Plain:
    """A plain chunk's text (``plain_utf8``), its number of lines and, where the C transcoder read it, which
    columns hold full- or half-width forms, which odd spaces and which characters outside ``SAFE`` (bit
    ``min(column, 63)``); None: ask each column."""

    text: bytes
    lines: int
    width_columns: int | None = None
    space_columns: int | None = None
    unsafe_columns: int | None = None

    def needs_safety_check(self, index: int) -> bool:
        return self.unsafe_columns is None or bool(self.unsafe_columns >> min(index, 63) & 1)

    def needs_nfkc(self, index: int, cells: pl.Series) -> bool:
        if self.width_columns is None:
            return bool(cells.str.contains(_WIDTH_FORMS).any())
        return bool(self.width_columns >> min(index, 63) & 1)

    def needs_space_fix(self, index: int, cells: pl.Series) -> bool:
        if self.space_columns is None:
            return bool(cells.str.contains("^ | $|  ").any())
        return bool(self.space_columns >> min(index, 63) & 1)


def plain_utf8(data: bytes, encoding: str, width: int) -> Plain | None:
    """The chunk as UTF-8 with U+3000 as a space (as ``worker._parse`` does before ``csv``) and without its final
    line break, when every record is one plain line (``_plain_lines``); else None. CP932 goes through the C
    transcoder when it is built: one pass (Python's decoder, the replaces and the encoder cost about three times
    as much), which also tells which columns need NFKC or a space fix (a regex over every cell of a column costs
    more than the whole transcoding)."""
    native = loops() if encoding == "cp932" else None
    if native is not None:
        done = native.cp932_to_utf8(data, cp932_table())
        if done is None:
            return None
        text, line_feeds, commas, flags, width_columns, space_columns, unsafe_columns = done
        if not text or flags & (LONE_CR | BLANK_LINE):
            return None
        if text.endswith(b"\n"):
            text, line_feeds = text[:-1], line_feeds - 1
        if not text:
            return None
        if flags & QUOTE and _plain_lines(text.decode(), width) is None:
            return None
        if not flags & QUOTE and commas != (width - 1) * (line_feeds + 1):
            return None
        return Plain(text, line_feeds + 1, width_columns, space_columns, unsafe_columns)
    try:
        decoded = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    decoded = _plain_lines(decoded.replace("\u3000", " "), width)
    return None if decoded is None else Plain(decoded.encode(), decoded.count("\n") + 1)


_CP932_LEAD, _CP932_INVALID = 0xFFFFFFFE, 0xFFFFFFFF
_cp932: list = []


def cp932_table() -> bytes:
    """``_native.cp932_to_utf8``'s table, read off Python's cp932 codec (so both decode alike): the code point
    of each two-byte sequence (256 × lead + trail), then of each single byte; LEAD for a byte that starts a
    two-byte sequence, INVALID where the codec refuses."""
    if not _cp932:
        table = array("I", [_CP932_INVALID]) * (65536 + 256)
        for byte in range(256):
            try:
                table[65536 + byte] = ord(bytes([byte]).decode("cp932"))
            except UnicodeDecodeError:
                table[65536 + byte] = _CP932_LEAD
                for trail in range(256):
                    try:
                        text = bytes([byte, trail]).decode("cp932")
                    except UnicodeDecodeError:
                        continue
                    if len(text) == 1:
                        table[byte << 8 | trail] = ord(text)
        _cp932.append(table.tobytes())
    return _cp932[0]


def _memo_column(series: pl.Series, memo: dict, compute) -> tuple[pl.Series, pl.Series]:
    """(value, error) columns of a cell function computed once per distinct cell (``memo`` across chunks)."""
    distinct = series.unique().to_list()
    values, errors = [], []
    for cell in distinct:
        hit = memo.get(cell)
        if hit is None:
            hit = compute(cell)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[cell] = hit
        values.append(hit[0])
        errors.append(bool(hit[1]))
    value = series.replace_strict(distinct, values)
    if not any(errors):  # the usual case: no second pass over the column
        return value, pl.repeat(False, len(series), dtype=pl.Boolean, eager=True)
    error = series.replace_strict(distinct, errors, return_dtype=pl.Boolean)
    return value, error


_WESTERN = r"^[0-9]{4}(-[0-9]{1,2}-|/[0-9]{1,2}/|\.[0-9]{1,2}\.)[0-9]{1,2}$"
_COMPACT = "^[0-9]{8}$"
_WAREKI = (
    "^(明治|大正|昭和|平成|令和|[明大昭平令MTSHRmtshr])[0-9]{1,3}"
    r"(年[0-9]{1,2}月[0-9]{1,2}日|-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2}|\.[0-9]{1,2}\.[0-9]{1,2})$"
)
_ERA_LABELS = {label: index for index, era in enumerate(ERAS) for label in (era.name, era.kanji, era.letter,
                                                                             era.letter.lower())}  # fmt: skip
_ERA_STARTS = {index: era.start for index, era in enumerate(ERAS)}
_ERA_ENDS = {index: era.end or date.max for index, era in enumerate(ERAS)}


def _ymd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


# ``_native.births``' eras: (label, first day, last day), days as yyyymmdd.
_ERA_TABLE = [
    (label.encode(), _ymd(ERAS[index].start), _ymd(ERAS[index].end or date.max))
    for label, index in _ERA_LABELS.items()
]


def _births(frame: pl.DataFrame, source: str, normaliser: ColumnNormaliser) -> tuple[pl.Series, pl.Series]:
    """(ISO date, error) of each birth date cell: the shapes ``rows.parse_birth`` reads directly are read here
    the same way (by the C loops where they are built, 6 ms a chunk instead of 17); a cell of another shape, or
    one these checks refuse, is read by ``parse_birth`` itself (once per distinct cell), which also gives its
    exact error."""
    native = loops()
    if native is None:
        value = _births_read(frame, source, normaliser)
    else:
        today = _ymd(date.fromisoformat(normaliser.today_iso))
        value = pl.Series(native.births(frame[source].to_list(), today, _ERA_TABLE), dtype=pl.String)
    error = pl.Series([False] * frame.height)
    unresolved = value.is_null() & (frame[source] != "")
    if unresolved.any():
        rows = unresolved.arg_true()
        memo_value, memo_error = _memo_column(
            frame[source].gather(rows), normaliser._birth_memo, _birth(normaliser.today_iso)
        )
        value = value.scatter(rows, memo_value)
        error = error.scatter(rows, memo_error)
    return value.fill_null(""), error


def _births_read(frame: pl.DataFrame, source: str, normaliser: ColumnNormaliser) -> pl.Series:
    """``_births``' reading of the common shapes in polars (where the C loops are not built): the ISO date, or
    null where ``parse_birth`` must decide."""
    cell = pl.col(source)
    two = cell.str.head(2)
    label = pl.when(two.is_in(["明治", "大正", "昭和", "平成", "令和"])).then(two).otherwise(cell.str.head(1))
    # In stages: an expression used twice in one select is computed twice.
    stage = frame.select(
        cell,
        cell.str.contains(_WESTERN).alias("western"),
        cell.str.contains(_COMPACT).alias("compact"),
        cell.str.contains(_WAREKI).alias("wareki"),
        label.alias("label"),
    )
    western, compact, wareki = pl.col("western"), pl.col("compact"), pl.col("wareki")
    era = pl.col("label").replace_strict(_ERA_LABELS, default=None, return_dtype=pl.Int32)
    stage = stage.with_columns(
        pl.when(western).then(cell.str.replace_all("[/.]", "-")).when(compact)
        .then(pl.format("{}-{}-{}", cell.str.slice(0, 4), cell.str.slice(4, 2), cell.str.slice(6, 2)))
        .when(wareki).then(
            cell.str.slice(pl.col("label").str.len_chars()).str.replace_all("[年月/.]", "-").str.strip_suffix("日")
        ).str.split_exact("-", 2).alias("parts"),
        era.replace_strict(_ERA_STARTS, default=None, return_dtype=pl.Date).alias("era_start"),
        era.replace_strict(_ERA_ENDS, default=None, return_dtype=pl.Date).alias("era_end"),
    )  # fmt: skip
    parts = pl.col("parts")
    first = parts.struct[0].cast(pl.Int32, strict=False)
    year = pl.when(wareki).then(pl.col("era_start").dt.year() + first - 1).otherwise(first)
    stage = stage.with_columns(
        pl.format(
            "{}-{}-{}",
            year.cast(pl.String).str.zfill(4),
            parts.struct[1].str.zfill(2),
            parts.struct[2].str.zfill(2),
        )
        .str.to_date("%Y-%m-%d", strict=False)
        .alias("parsed"),
        (first >= 1).alias("year_ok"),
    )
    parsed = pl.col("parsed")
    valid = (
        (parsed >= GREGORIAN_ADOPTED)
        & (parsed <= date.fromisoformat(normaliser.today_iso))
        & (~wareki | (pl.col("year_ok") & (parsed >= pl.col("era_start")) & (parsed <= pl.col("era_end"))))
    )
    return stage.select(pl.when(valid).then(parsed.dt.to_string("%Y-%m-%d")).alias("iso"))["iso"]


def _birth(today_iso: str):
    def compute(cell: str) -> tuple[str, str]:
        cell = cell.strip()
        return parse_birth(cell, today_iso) if cell else ("", "")

    return compute


def _kind(cell: str) -> tuple[bool, str]:
    """``ColumnNormaliser``'s reading of a 個人・法人 cell (``rows.read_kind``): (corporate, "" or an error)."""
    if not cell:
        return False, ""
    corporate, known = read_kind(cell)
    return corporate, "" if known else "kind"


_has_run = False


def has_run() -> bool:
    """Whether this process has run polars through ``prepare`` (then it must not fork workers that use it)."""
    return _has_run


def prepare(data: bytes, encoding: str, first_line: int, normaliser: ColumnNormaliser, incident: str):
    """``Prepared`` rows of a plain CSV chunk, or None when the chunk is not plain (see the module doc)."""
    global _has_run
    _has_run = True
    fields = normaliser.columns
    if any(len(indexes) != 1 for indexes in fields.values()):
        return None  # a field spread over several columns: the Python path joins them
    width = normaliser.width
    if width < 1:
        return None
    plain = plain_utf8(data, encoding, width)
    if plain is None:
        return None
    text = plain.text
    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.read_csv(
            text,
            has_header=False,
            schema=dict.fromkeys(names, pl.String),
            quote_char='"' if b'"' in text else None,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.height != plain.lines:
        return None
    frame = frame.with_row_index("line", offset=first_line)

    def column(field_name: str):
        indexes = fields.get(field_name)
        return pl.col(names[indexes[0]]) if indexes else None

    empty = pl.lit("")
    safe = pl.lit(True)
    exprs = {}
    for field_name in TEXT_FIELDS:
        source = column(field_name)
        if source is None:
            exprs[field_name] = empty
            continue
        index = fields[field_name][0]
        cells = frame[names[index]]
        if plain.needs_safety_check(index):  # the C transcoder saw no character outside SAFE in most columns
            safe = safe & source.str.contains(_SAFE_CELL)
        # Each step only for a column that needs it (NFKC of a long address costs 0.7 µs): in the safe alphabet
        # NFKC changes the full- and half-width forms only, and after it the only whitespace is the space.
        value = source
        if plain.needs_nfkc(index, cells):
            value = value.str.normalize("NFKC")
        if plain.needs_space_fix(index, cells):
            value = value.str.replace_all(" +", " ").str.strip_chars(" ")
        if field_name == "kana" and cells.str.contains(_HIRAGANA_CLASS).any():
            value = value.str.replace_many(_HIRAGANA, _AS_KATAKANA)
        elif field_name == "patient_id":
            value = value.str.replace_all(" ", "", literal=True).str.to_uppercase()
        exprs[field_name] = value
    frame = frame.with_columns(
        safe.alias("_safe"),
        *(expr.alias(f"_{name}") for name, expr in exprs.items()),
    )
    ok = pl.col("_safe") & (pl.col("_name") != "")
    for field_name in TEXT_FIELDS:
        ok = ok & (pl.col(f"_{field_name}").str.len_chars() <= MAX_LENGTHS[field_name])
    ok = ok & pl.col("_kana").str.contains(_KATAKANA)
    postal = column("postal_code")
    if postal is not None:
        ok = ok & ((postal == "") | postal.str.contains(_POSTAL))
        postal = postal.str.replace_all("-", "", literal=True)
    else:
        postal = empty
    phone = column("phone")
    if phone is not None:
        digits = phone.str.replace_all("-", "", literal=True)
        ok = ok & ((phone == "") | (phone.str.contains(_PHONE) & digits.str.len_chars().is_in([10, 11])))
        phone = digits
    else:
        phone = empty
    frame = frame.with_columns(ok.alias("_ok"), postal.alias("_postal"), phone.alias("_phone"))

    # Cells read by the Python functions themselves, once per distinct value.
    extra: dict[str, pl.Series] = {}
    errors: list[pl.Series] = []
    memos = normaliser.fast_memos
    birth = fields.get("birth_date")
    if birth is not None:
        value, error = _births(frame, names[birth[0]], normaliser)
        extra["_birth"] = value
        errors.append(error)
    items_column = fields.get("items")
    if items_column is not None:
        value, error = _memo_column(frame[names[items_column[0]]], normaliser._items_memo, _items_cell)
        extra["_items"] = value.cast(pl.Int64)
        errors.append(error)
    for index, bit in normaliser.flag_columns:
        value, _error = _memo_column(frame[names[index]], memos.setdefault("flag", {}), _flag)
        marked = value.cast(pl.Int64) * bit
        extra["_items"] = extra["_items"] | marked if "_items" in extra else marked
    kind = fields.get("kind")
    if kind is not None:
        value, error = _memo_column(frame[names[kind[0]]], memos.setdefault("kind", {}), _kind)
        extra["_corporate"] = value.cast(pl.Boolean)
        errors.append(error)
    for number, error in enumerate(errors):
        extra[f"_error{number}"] = error
    if extra:
        frame = frame.with_columns(**extra)
    ok = pl.col("_ok")
    for number in range(len(errors)):
        ok = ok & ~pl.col(f"_error{number}")
    frame = frame.with_columns(ok.alias("_ok"))
    births = pl.col("_birth") if "_birth" in frame.columns else empty
    items = pl.col("_items") if "_items" in frame.columns else pl.lit(0, dtype=pl.Int64)
    if normaliser.default_items:
        items = pl.when(items == 0).then(pl.lit(normaliser.default_items)).otherwise(items)
    corporate = pl.col("_corporate") if "_corporate" in frame.columns else pl.lit(False)

    fast = frame.filter(pl.col("_ok")).select(
        pl.col("line"),
        pl.concat_str(
            pl.lit('{"name":"'), pl.col("_name"), pl.lit('","kana":"'), pl.col("_kana"),
            pl.lit('","birth":"'), births, pl.lit('","postal":"'), pl.col("_postal"),
            pl.lit('","address":"'), pl.col("_address"), pl.lit('","phone":"'), pl.col("_phone"),
            pl.lit('","patient":"'), pl.col("_patient_id"), pl.lit('","card":"'), pl.col("_insurance_card"),
            pl.lit('"}'),
        ).cast(pl.Binary).alias("record"),
        pl.when((pl.col("_kana") != "") & (births != ""))
        .then(pl.concat_str(pl.lit(f"{incident}\x1f"), pl.col("_kana").str.replace_all(" ", "", literal=True),
                            pl.lit("\x1f"), births))
        .cast(pl.Binary).alias("kana_message"),
        pl.when(pl.col("_patient_id") != "")
        .then(pl.concat_str(pl.lit(f"{incident}\x1f"), pl.col("_patient_id")))
        .cast(pl.Binary).alias("patient_message"),
        items.alias("items"),
        corporate.alias("corporate"),
    )  # fmt: skip
    prepared = Prepared(
        lines=fast["line"].to_list(),
        records=fast["record"].to_list(),
        kana_messages=fast["kana_message"].to_list(),
        patient_messages=fast["patient_message"].to_list(),
        items=fast["items"].to_list(),
        corporate=fast["corporate"].to_list(),
        rows=fast.height,
        fast_rows=fast.height,
    )
    if fast.height == frame.height:
        return prepared
    slow = frame.filter(~pl.col("_ok"))
    rows = slow.select(names).rows()
    columns = normaliser.normalise([list(row) for row in rows], slow["line"].to_list())
    return _merge(prepared, prepared_of(columns, incident))


def _flag(cell: str) -> tuple[bool, str]:
    return (bool(cell) and is_marked(cell)), ""


def _merge(fast: Prepared, slow: Prepared) -> Prepared:
    """Both sets of rows in line order."""
    out = Prepared(errors=slow.errors, rows=fast.rows + slow.rows, fast_rows=fast.fast_rows)
    order = sorted(
        [(line, 0, i) for i, line in enumerate(fast.lines)]
        + [(line, 1, i) for i, line in enumerate(slow.lines)]
    )
    sources = (fast, slow)
    for _line, which, i in order:
        source = sources[which]
        out.lines.append(source.lines[i])
        out.records.append(source.records[i])
        out.kana_messages.append(source.kana_messages[i])
        out.patient_messages.append(source.patient_messages[i])
        out.items.append(source.items[i])
        out.corporate.append(source.corporate[i])
    return out
