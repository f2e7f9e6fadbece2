"""The per-chunk work of an import, run in worker processes (or inline). Pure module: no Django import.

A worker decodes and parses one chunk, normalises and validates each row (``rows.RowNormaliser``), computes the
look-up keys (HMAC) and, when committing, seals each person's record with one AES-GCM encryption bound to the
row (``Keyring.encrypt_record`` with the model field's associated data) and lays the rows out ready for the
database: PostgreSQL binary COPY tuples, or parameter tuples for SQLite's executemany. The parent process only
removes duplicates and writes; workers never use the database.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import struct
import uuid
from array import array
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sonae.core.crypto import Keyring, header_for
from sonae.victims.keys import KANA_BIRTH, LINE_BITS, PATIENT_ID, lookup_keys_of, subkey_of

from .native import _native, loops
from .reader import END_SENTINEL, Chunk, UnreadableFile, field_limit
from .rows import ColumnNormaliser

VALIDATE = "validate"
COPY = "copy"  # PostgreSQL binary COPY
ROWS = "rows"  # parameter tuples (SQLite)

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
COPY_TRAILER = b"\xff\xff"
# Victim columns written by COPY, in order (the others take their database defaults).
VICTIM_COPY_COLUMNS = (
    "id",
    "row_key",
    "incident_id",
    "import_job_id",
    "line",
    "record",
    "items",
    "is_corporation",
)
_VICTIM_HEAD = struct.Struct("!hiqi16siqiqiii")  # field count, id, row_key, incident, job, line, len(record)
_VICTIM_TAIL = struct.Struct("!iqi?")  # items, is_corporation


@dataclass
class WorkerConfig:
    encoding: str
    mapping: list[str]
    incident_id: int
    job_id: int
    keyring: Keyring
    today: date
    default_items: int
    aad_prefix: bytes
    mode: str = VALIDATE
    fast: bool = False  # polars for plain chunks (``fast``); only in worker processes of a pool
    native: bool = field(default_factory=lambda: loops() is not None)  # the C loops (``native``)


@dataclass
class ChunkResult:
    index: int
    end_offset: int
    rows: int = 0
    errors: list = field(default_factory=list)  # (line, column index, message)
    lines: array = field(default_factory=lambda: array("q"))  # valid rows, file order
    kana_keys: array = field(default_factory=lambda: array("q"))  # -1: none
    patient_keys: array = field(default_factory=lambda: array("q"))
    items: array = field(default_factory=lambda: array("q"))
    corporate: array = field(default_factory=lambda: array("b"))
    # COPY: the binary tuples back to back (one bytes object pickles as a copy; a list of 25,000 does not), the
    # offset of each and the end. (The look-up keys go to buckets at the end of the pass: ``pipeline``.)
    payload: bytes = b""
    offsets: array = field(default_factory=lambda: array("Q"))
    victim_rows: list = field(default_factory=list)  # ROWS: parameter tuples


@dataclass
class Prepared:
    """The rows of a chunk ready for keying and sealing (parallel lists, file order) and the errors of the others."""

    lines: list[int] = field(default_factory=list)
    records: list[bytes] = field(default_factory=list)
    kana_messages: list[bytes | None] = field(default_factory=list)  # "<incident>\x1f<kana key>\x1f<birth>"
    patient_messages: list[bytes | None] = field(default_factory=list)  # "<incident>\x1f<patient id>"
    items: list[int] = field(default_factory=list)
    corporate: list[bool] = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows: int = 0
    fast_rows: int = 0


def messages_of(columns, incident: str) -> tuple[list, list]:
    """The look-up key messages of ``ColumnNormaliser`` output (None where the row has no such key)."""
    kana = [
        f"{incident}\x1f{key}\x1f{birth}".encode() if key else None
        for key, birth in zip(columns.kana_keys, columns.births, strict=True)
    ]
    patient = [f"{incident}\x1f{p}".encode() if p else None for p in columns.patients]
    return kana, patient


def prepared_of(columns, incident: str) -> Prepared:
    kana, patient = messages_of(columns, incident)
    return Prepared(
        lines=list(columns.lines),
        records=columns.records,
        kana_messages=kana,
        patient_messages=patient,
        items=list(columns.items),
        corporate=list(columns.corporate),
        errors=list(columns.errors),
        rows=columns.rows,
    )


_config: WorkerConfig | None = None
_normaliser: ColumnNormaliser | None = None
_aeads: dict[bytes, AESGCM] = {}
_subkeys: dict[tuple[bytes, str], bytes] = {}


def init_worker(config: WorkerConfig, die_with_parent: bool = False) -> None:
    """Set up a worker process (or the parent for inline work)."""
    global _config, _normaliser
    if die_with_parent:
        _die_with_parent()
        _default_signals()
        # A worker makes millions of short-lived lists and tuples and no reference cycles: the cyclic collector
        # would spend a tenth of its time finding nothing.
        gc.disable()
    _config = config
    _normaliser = ColumnNormaliser(config.mapping, today=config.today, default_items=config.default_items)


def _default_signals() -> None:
    """A forked worker keeps its parent's signal handlers. A task worker's SIGTERM handler (django-tasks-db: "shut
    down gracefully after the current task") would make a pool worker ignore the SIGTERM that stops it, and the
    import would wait for it for ever (seen in CI: a resumed import in a task worker that never finished). SIGTERM
    ends a worker; Ctrl+C is for the parent, which stops the pool."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGQUIT"):
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _die_with_parent() -> None:
    """Linux: ask the kernel to kill this worker when its parent dies (a killed import leaves no orphans)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _parse(chunk: Chunk, encoding: str, errors: list) -> tuple[list[list[str]], list[int]]:
    """(rows, line of each row) of a chunk; undecodable lines become errors."""
    data = chunk.data
    if isinstance(data, list):
        return [fields for _line, fields in data], [line for line, _fields in data]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        # Decode line by line so that one bad line does not lose its neighbours.
        text_lines = []
        for offset, raw in enumerate(data.split(b"\n")):
            try:
                text_lines.append(raw.decode(encoding))
            except UnicodeDecodeError:
                errors.append(
                    (chunk.first_line + offset, -1, f"この行は文字コード（{encoding}）として読み取れません。")
                )
                text_lines.append("")
        text = "\n".join(text_lines)
    base = chunk.first_line
    # U+3000 (全角スペース) → space, its NFKC, once for the chunk: most names hold one, and cells without
    # another non-NFKC character then pass the quick check (a starter for a starter: neighbours are unaffected).
    text = text.replace("\u3000", " ")
    if not text.endswith(("\n", "\r")):
        text += "\n"  # the file's last line has no line break
    lines_in_text = text.count("\n") + (0 if text.endswith("\n") else 1)
    # A sentinel record after the text: it comes back as its own row only when the text ends outside quotes. A
    # chunk ending inside a quoted field means an unclosed quote — or a stray quote (a"b) that misled the
    # chunking, which counts quotes — and reading on would turn the rest of the record into rows.
    text += END_SENTINEL
    try:
        with field_limit(len(text)):
            rows = list(csv.reader(io.StringIO(text, newline="")))
            if rows[-1] == [END_SENTINEL] and len(rows) - 1 == lines_in_text:
                # One record per physical line (no quoted line breaks): line numbers follow directly.
                rows.pop()
                return rows, list(range(base, base + len(rows)))
            reader = csv.reader(io.StringIO(text, newline=""))
            rows, lines, start = [], [], 0
            for fields in reader:
                rows.append(fields)
                lines.append(base + start)
                start = reader.line_num
    except csv.Error:  # not expected with newline="" and no field limit; never a crash
        raise UnreadableFile(
            f"{base}行目付近のCSVの形式が正しくないため、ファイルを読み取れません。"
        ) from None
    if rows[-1] != [END_SENTINEL]:
        raise UnreadableFile(
            f'{lines[-1]}行目で始まる引用符（"）が閉じられていないため、ファイルを正しく読み取れません。'
            '引用符の対応を確認してください（セルの中の " は "" と2つ重ねて書きます）。'
        )
    rows.pop()
    lines.pop()
    return rows, lines


def seal_records(
    keyring: Keyring, records: list[bytes], aad_prefix: bytes, randoms: bytes | None = None
) -> tuple[list[bytes], list[bytes]]:
    """(row keys, ciphertexts): ``Keyring.encrypt`` of each record bound to its row, a whole column at once.

    The output is exactly ``Keyring.encrypt(record, aad_prefix + row_key)`` (version-1 format: header, random
    96-bit nonce, AES-256-GCM with the header prepended to the associated data), so ``EncryptedJSONField`` reads
    it back; tests check this. ``randoms``: the row keys then the nonces (28 bytes a record; fresh ones when None).
    """
    n = len(records)
    key_id = keyring.current
    key = keyring.keys[key_id]
    aead = _aeads.get(key)  # by key material: a test (or a reload) may reuse an id for another key
    if aead is None:
        aead = _aeads[key] = AESGCM(key)
    header = header_for(key_id)
    if randoms is None:
        randoms = os.urandom(28 * n)
    row_keys = [randoms[i : i + 16] for i in range(0, 16 * n, 16)]
    nonces = [randoms[i : i + 12] for i in range(16 * n, 28 * n, 12)]
    aads = map(bytes.__add__, repeat(header + aad_prefix), row_keys)
    sealed = list(map(_join, zip(repeat(header), nonces, map(aead.encrypt, nonces, records, aads))))
    return row_keys, sealed


_join = b"".join


def copy_tuples(
    row_keys: list[bytes], sealed: list[bytes], lines, items, corporate, incident_id: int, job_id: int
) -> tuple[bytes, array]:
    """(payload, offsets): the victims' binary COPY tuples back to back, and where each starts (then the end)."""
    ids = [job_id << LINE_BITS | line for line in lines]
    heads = map(
        _VICTIM_HEAD.pack,
        repeat(8), repeat(8), ids, repeat(16), row_keys, repeat(8), repeat(incident_id),
        repeat(8), repeat(job_id), repeat(4), lines, map(len, sealed),
    )  # fmt: skip
    tails = map(_VICTIM_TAIL.pack, repeat(8), items, repeat(1), corporate)
    tuples = list(map(_join, zip(heads, sealed, tails, strict=False)))
    offsets = array("Q", [0])
    position = 0
    for length in map(len, tuples):
        position += length
        offsets.append(position)
    return _join(tuples), offsets


def _keys(keyring: Keyring, domain: str, messages: list) -> array:
    """Look-up keys of the rows (-1 where a row has no message)."""
    if _config is not None and _config.native:
        subkey = _subkeys.get((keyring.index_key, domain))
        if subkey is None:
            subkey = _subkeys[keyring.index_key, domain] = subkey_of(keyring, domain)
        keys = array("q")
        keys.frombytes(_native.lookup_keys(subkey, messages))
        return keys
    keys = array("q", [-1]) * len(messages)
    present = [i for i, message in enumerate(messages) if message is not None]
    if present:
        for i, key in zip(
            present, lookup_keys_of(keyring, domain, [messages[i] for i in present]), strict=True
        ):
            keys[i] = key
    return keys


def process_chunk(chunk: Chunk, write: bool = True) -> ChunkResult:
    """Normalise, validate, key and (when ``write`` and committing) encrypt and lay out one chunk."""
    config = _config
    normaliser = _normaliser
    assert config is not None and normaliser is not None, "init_worker first"
    result = ChunkResult(chunk.index, chunk.end_offset)
    incident = str(config.incident_id)
    prepared = None
    if config.fast and isinstance(chunk.data, bytes):
        from . import fast

        prepared = fast.prepare(chunk.data, config.encoding, chunk.first_line, normaliser, incident)
    if prepared is None:
        rows, lines = _parse(chunk, config.encoding, result.errors)
        prepared = prepared_of(normaliser.normalise(rows, lines), incident)
    result.rows = prepared.rows
    result.errors.extend(prepared.errors)
    n = len(prepared.lines)
    if not n:
        return result
    keyring = config.keyring
    kana_keys = _keys(keyring, KANA_BIRTH, prepared.kana_messages)
    patient_keys = _keys(keyring, PATIENT_ID, prepared.patient_messages)
    lines = prepared.lines
    result.lines = array("q", lines)
    result.kana_keys = kana_keys
    result.patient_keys = patient_keys
    result.items = array("q", prepared.items)
    result.corporate = array("b", prepared.corporate)
    mode = config.mode if write else VALIDATE
    if mode == VALIDATE:
        return result
    if mode == COPY and config.native:
        key_id = keyring.current
        result.payload, offsets = _native.seal_copy(
            keyring.keys[key_id], header_for(key_id), config.aad_prefix, prepared.records, os.urandom(28 * n),
            result.lines, result.items, result.corporate, config.incident_id, config.job_id,
        )  # fmt: skip
        result.offsets = array("Q")
        result.offsets.frombytes(offsets)
        return result
    row_keys, sealed = seal_records(keyring, prepared.records, config.aad_prefix)
    if mode == COPY:
        result.payload, result.offsets = copy_tuples(
            row_keys, sealed, lines, prepared.items, prepared.corporate, config.incident_id, config.job_id
        )
    else:
        ids = [config.job_id << LINE_BITS | line for line in lines]
        result.victim_rows = list(
            zip(
                ids,
                [uuid.UUID(bytes=k).hex for k in row_keys],
                repeat(config.incident_id, n),
                repeat(config.job_id, n),
                lines,
                sealed,
                prepared.items,
                prepared.corporate,
                strict=False,
            )
        )
    return result
