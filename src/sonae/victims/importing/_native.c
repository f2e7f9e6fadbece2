/* The hot loops of an import worker in C: look-up keys (HMAC-SHA256) and sealed records laid out as PostgreSQL
 * binary COPY tuples (AES-256-GCM), a whole chunk per call.
 *
 * Why C: for a million-person list these loops cost a Python worker about 8.5 CPU-seconds (four to six C calls
 * per row for the HMAC, three per row for AES-GCM, two struct packs per row for the tuple); here the same work
 * is about 1.5 CPU-seconds. No maintained library batches HMAC or AEAD over many messages, so this module does
 * it with OpenSSL's own primitives (the library ``cryptography`` wraps too): no cryptography is implemented
 * here, only the loop and the byte layout.
 *
 * A third function turns CP932 text into UTF-8 by a table built from Python's codec (Python's decoder, then the
 * UTF-8 encoder, cost a worker about 1.5 CPU-seconds a million rows; polars reads UTF-8 only). Another reads the
 * common shapes of birth dates (polars' dozen column passes cost 17 ms a chunk; this 6 ms).
 *
 * The functions are checked byte for byte against the Python definitions (``keys.lookup_keys_of``,
 * ``worker.seal_records`` and the struct layout in ``worker.process_chunk``): tests/victims/test_import_native.py.
 * The Python code stays the reference and the fallback where this module is not built.
 */
#define PY_SSIZE_T_CLEAN
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init & co.: the state copy is what makes HMAC cheap here */
#include <Python.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <string.h>

static void put16(unsigned char *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void put32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }

/* lookup_keys(subkey, messages) -> bytes: n native int64, HMAC-SHA256(subkey, message)[:8] as a big-endian
 * integer shifted right by one (a non-negative int64), or -1 where the message is None. */
static PyObject *lookup_keys(PyObject *self, PyObject *args) {
    Py_buffer key;
    PyObject *messages;
    if (!PyArg_ParseTuple(args, "y*O!", &key, &PyList_Type, &messages)) return NULL;
    if (key.len > 64) {
        PyBuffer_Release(&key);
        PyErr_SetString(PyExc_ValueError, "HMAC keys longer than the block are not supported");
        return NULL;
    }
    unsigned char pad[64];
    SHA256_CTX inner, outer;
    memset(pad, 0, sizeof pad);
    memcpy(pad, key.buf, key.len);
    PyBuffer_Release(&key);
    for (int i = 0; i < 64; i++) pad[i] ^= 0x36;
    SHA256_Init(&inner);
    SHA256_Update(&inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] ^= 0x36 ^ 0x5c;
    SHA256_Init(&outer);
    SHA256_Update(&outer, pad, 64);

    Py_ssize_t n = PyList_GET_SIZE(messages);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n * 8);
    if (out == NULL) return NULL;
    int64_t *keys = (int64_t *)PyBytes_AS_STRING(out);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *message = PyList_GET_ITEM(messages, i);
        if (message == Py_None) {
            keys[i] = -1;
            continue;
        }
        if (!PyBytes_Check(message)) {
            Py_DECREF(out);
            PyErr_SetString(PyExc_TypeError, "messages must be bytes or None");
            return NULL;
        }
        SHA256_CTX ctx = inner;
        SHA256_Update(&ctx, PyBytes_AS_STRING(message), PyBytes_GET_SIZE(message));
        SHA256_Final(digest, &ctx);
        ctx = outer;
        SHA256_Update(&ctx, digest, sizeof digest);
        SHA256_Final(digest, &ctx);
        uint64_t value = 0;
        for (int b = 0; b < 8; b++) value = value << 8 | digest[b];
        keys[i] = (int64_t)(value >> 1);
    }
    return out;
}

static int check_int64s(Py_buffer *view, Py_ssize_t n, const char *what) {
    if (view->itemsize != 8 || view->len != n * 8) {
        PyErr_Format(PyExc_ValueError, "%s: %zd int64 values expected", what, n);
        return -1;
    }
    return 0;
}

/* seal_copy(key, header, aad_prefix, records, randoms, lines, items, corporate, incident, job)
 *     -> (payload, offsets)
 *
 * For each record i: row key = randoms[16i:16i+16], nonce = randoms[16n+12i:16n+12i+12]; sealed = header + nonce
 * + AES-256-GCM(key, nonce, record, aad = header + aad_prefix + row key) (ciphertext then 16-byte tag): exactly
 * ``Keyring.encrypt(record, aad_prefix + row_key)``. The tuple is the victim's binary COPY row (the columns of
 * ``worker.VICTIM_COPY_COLUMNS``): id = job << 24 | line, row key, incident, job, line, sealed record, items,
 * is_corporation. ``payload`` holds the tuples back to back; ``offsets`` n + 1 native uint64 (start of each, end).
 * lines and items: int64 buffers; corporate: int8 buffer. */
static PyObject *seal_copy(PyObject *self, PyObject *args) {
    Py_buffer key, header, prefix, randoms, lines, items, corporate;
    PyObject *records;
    long long incident, job;
    if (!PyArg_ParseTuple(args, "y*y*y*O!y*y*y*y*LL", &key, &header, &prefix, &PyList_Type, &records, &randoms,
                          &lines, &items, &corporate, &incident, &job))
        return NULL;
    PyObject *result = NULL, *payload = NULL, *offsets = NULL;
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char *aad = NULL;
    Py_ssize_t n = PyList_GET_SIZE(records);
    if (key.len != 32) {
        PyErr_SetString(PyExc_ValueError, "AES-256 needs a 32-byte key");
        goto done;
    }
    if (randoms.len != 28 * n) {
        PyErr_SetString(PyExc_ValueError, "randoms: 28 bytes per record expected");
        goto done;
    }
    if (check_int64s(&lines, n, "lines") || check_int64s(&items, n, "items")) goto done;
    if (corporate.len != n) {
        PyErr_SetString(PyExc_ValueError, "corporate: one byte per record expected");
        goto done;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *record = PyList_GET_ITEM(records, i);
        if (!PyBytes_Check(record)) {
            PyErr_SetString(PyExc_TypeError, "records must be bytes");
            goto done;
        }
        if (PyBytes_GET_SIZE(record) > INT32_MAX - 1024) {
            PyErr_SetString(PyExc_ValueError, "record too long");
            goto done;
        }
        /* field count, id, row key, incident, job, line, record (length, header, nonce, text, tag), items, kind */
        total += 2 + 12 + 20 + 12 + 12 + 8 + 4 + header.len + 12 + PyBytes_GET_SIZE(record) + 16 + 12 + 5;
    }
    payload = PyBytes_FromStringAndSize(NULL, total);
    offsets = PyBytes_FromStringAndSize(NULL, (n + 1) * 8);
    if (payload == NULL || offsets == NULL) goto done;
    Py_ssize_t aad_len = header.len + prefix.len + 16;
    aad = PyMem_Malloc(aad_len);
    ctx = EVP_CIPHER_CTX_new();
    if (aad == NULL || ctx == NULL || !EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key.buf, NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(aad, header.buf, header.len);
    memcpy(aad + header.len, prefix.buf, prefix.len);
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(payload);
    uint64_t *starts = (uint64_t *)PyBytes_AS_STRING(offsets);
    const unsigned char *random = randoms.buf;
    const int64_t *line_of = lines.buf, *items_of = items.buf;
    const char *corporate_of = corporate.buf;
    unsigned char *p = out;
    int failed = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *record = PyList_GET_ITEM(records, i);
        const unsigned char *plain = (const unsigned char *)PyBytes_AS_STRING(record);
        int plain_len = (int)PyBytes_GET_SIZE(record);
        const unsigned char *row_key = random + 16 * i, *nonce = random + 16 * n + 12 * i;
        Py_ssize_t sealed_len = header.len + 12 + plain_len + 16;
        int len;
        starts[i] = p - out;
        put16(p, 8), p += 2;
        put32(p, 8), put64(p + 4, (uint64_t)job << 24 | (uint64_t)line_of[i]), p += 12;
        put32(p, 16), memcpy(p + 4, row_key, 16), p += 20;
        put32(p, 8), put64(p + 4, (uint64_t)incident), p += 12;
        put32(p, 8), put64(p + 4, (uint64_t)job), p += 12;
        put32(p, 4), put32(p + 4, (uint32_t)line_of[i]), p += 8;
        put32(p, (uint32_t)sealed_len), p += 4;
        memcpy(p, header.buf, header.len), p += header.len;
        memcpy(p, nonce, 12), p += 12;
        memcpy(aad + header.len + prefix.len, row_key, 16);
        if (!EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce) || !EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aad_len) ||
            !EVP_EncryptUpdate(ctx, p, &len, plain, plain_len) || !EVP_EncryptFinal_ex(ctx, p + len, &len) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, p + plain_len)) {
            failed = 1;
            break;
        }
        p += plain_len + 16;
        put32(p, 8), put64(p + 4, (uint64_t)items_of[i]), p += 12;
        put32(p, 1), p[4] = corporate_of[i] ? 1 : 0, p += 5;
    }
    if (failed) {
        PyErr_SetString(PyExc_RuntimeError, "AES-GCM encryption failed");
        goto done;
    }
    starts[n] = p - out;
    if (_PyBytes_Resize(&payload, p - out) < 0) {
        payload = NULL;
        goto done;
    }
    result = PyTuple_Pack(2, payload, offsets);
done:
    if (ctx) EVP_CIPHER_CTX_free(ctx);
    PyMem_Free(aad);
    Py_XDECREF(payload);
    Py_XDECREF(offsets);
    PyBuffer_Release(&key);
    PyBuffer_Release(&header);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&randoms);
    PyBuffer_Release(&lines);
    PyBuffer_Release(&items);
    PyBuffer_Release(&corporate);
    return result;
}


/* cp932_to_utf8(data, table) -> (text, line feeds, commas, flags, width, space and unsafe columns) or None: CP932
 * text as UTF-8, read with
 * ``table`` (``fast.cp932_table``: 65,536 + 256 native uint32 built from Python's own cp932 codec), with U+3000 as
 * a space and CR LF as LF, as ``data.decode("cp932").replace("\u3000", " ").replace("\r\n", "\n").encode()``
 * gives (what the worker reads: ``fast.prepare``); the line feeds and commas in it counted; and ``flags``, what
 * the fast path asks of the whole chunk before it looks at any column (a scan of the text in Python costs several
 * milliseconds a question): LONE_CR, BLANK_LINE (a line feed first or right after another), QUOTE, WIDTH_FORMS
 * (U+FF01-U+FF9F), ODD_SPACE (a space first or last, or next to a space, comma, line feed or quote); and for each
 * of the first 64 columns (by commas counted from the line's start; bit 63 for every later one), whether a cell
 * of it holds a width form, an odd space (at its start or end, or two in a row), or a character outside
 * ``fast.SAFE``. Where the text holds a quote commas do not tell the columns, and the column masks are all ones.
 * table[256 * lead + trail] is the code point of a two-byte sequence, table[65536 + byte] that of a single byte;
 * LEAD marks a byte that starts a two-byte sequence, INVALID a byte or sequence the codec refuses. None when the
 * data holds one (the caller then decodes with Python and reports the line). */
#define CP932_LEAD 0xFFFFFFFEu
#define CP932_INVALID 0xFFFFFFFFu
#define LONE_CR 1
#define BLANK_LINE 2
#define QUOTE 4
#define WIDTH_FORMS 8
#define ODD_SPACE 16

#define COLUMN_BIT(column) ((uint64_t)1 << ((column) < 63 ? (column) : 63))

static int is_space_edge(unsigned char c) { return c == ' ' || c == ',' || c == '\n' || c == '"'; }

/* A character of ``fast.SAFE`` beyond ASCII (ASCII: printable, without '"' and '\\'). */
static int is_safe(uint32_t c) {
    return (c >= 0x3000 && c <= 0x3002) || (c >= 0x3005 && c <= 0x3007) || c == 0x300C || c == 0x300D ||
           (c >= 0x3041 && c <= 0x3093) || (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC ||
           (c >= 0x4E00 && c <= 0x9FFF) || c == 0xFF01 || (c >= 0xFF03 && c <= 0xFF3B) ||
           (c >= 0xFF3D && c <= 0xFF5E) || (c >= 0xFF61 && c <= 0xFF9F);
}

static PyObject *cp932_to_utf8(PyObject *self, PyObject *args) {
    Py_buffer data, table;
    if (!PyArg_ParseTuple(args, "y*y*", &data, &table)) return NULL;
    PyObject *out = NULL;
    if (table.len != (65536 + 256) * 4) {
        PyErr_SetString(PyExc_ValueError, "table: 65,792 uint32 values expected");
        goto done;
    }
    const uint32_t *pairs = table.buf, *singles = pairs + 65536;
    const unsigned char *in = data.buf, *end = in + data.len;
    /* at most 3 UTF-8 bytes a CP932 byte (half-width kana: one byte in, three out) */
    out = PyBytes_FromStringAndSize(NULL, data.len * 3 + 1);
    if (out == NULL) goto done;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out), *start = o;
    Py_ssize_t line_feeds = 0, commas = 0;
    int flags = 0, column = 0;
    uint64_t width_columns = 0, space_columns = 0, unsafe_columns = 0;
    unsigned char previous = '\n'; /* the last ASCII byte written (a line start at first), 0 after other text */
    while (in < end) {
        uint32_t c = *in;
        if (c < 0x80) {
            if (c == '\r' && in + 1 < end && in[1] == '\n') { /* CR LF: the CR goes */
                in++;
                continue;
            }
            in++;
        } else {
            c = singles[c];
            if (c == CP932_LEAD) {
                if (in + 1 >= end) goto invalid;
                c = pairs[in[0] << 8 | in[1]];
                in += 2;
            } else {
                in++;
            }
            if (c == CP932_INVALID || c == CP932_LEAD) goto invalid;
            if (c == 0x3000) c = ' ';
        }
        if (c < 0x80) {
            switch (c) {
            case '\n':
                line_feeds++;
                if (previous == '\n') flags |= BLANK_LINE;
                if (previous == ' ') flags |= ODD_SPACE, space_columns |= COLUMN_BIT(column);
                column = 0;
                break;
            case ',':
                commas++;
                if (previous == ' ') flags |= ODD_SPACE, space_columns |= COLUMN_BIT(column);
                column++;
                break;
            case '"':
                flags |= QUOTE;
                if (previous == ' ') flags |= ODD_SPACE, space_columns |= COLUMN_BIT(column);
                break;
            case ' ':
                if (is_space_edge(previous)) flags |= ODD_SPACE, space_columns |= COLUMN_BIT(column);
                break;
            case '\r':
                flags |= LONE_CR;
                break;
            default:
                if (c < 0x20 || c == 0x7F || c == '\\') unsafe_columns |= COLUMN_BIT(column);
            }
            previous = (unsigned char)c;
            *o++ = (unsigned char)c;
            continue;
        }
        previous = 0;
        if (c >= 0xFF01 && c <= 0xFF9F) flags |= WIDTH_FORMS, width_columns |= COLUMN_BIT(column);
        if (!is_safe(c)) unsafe_columns |= COLUMN_BIT(column);
        if (c < 0x800) {
            *o++ = 0xC0 | c >> 6, *o++ = 0x80 | (c & 0x3F);
        } else if (c < 0x10000) {
            *o++ = 0xE0 | c >> 12, *o++ = 0x80 | (c >> 6 & 0x3F), *o++ = 0x80 | (c & 0x3F);
        } else {
            goto invalid; /* cp932 has no code point above the BMP */
        }
    }
    if (previous == ' ') flags |= ODD_SPACE, space_columns |= COLUMN_BIT(column);
    if (flags & QUOTE) width_columns = space_columns = unsafe_columns = ~(uint64_t)0;
    if (_PyBytes_Resize(&out, o - start) < 0) {
        out = NULL;
        goto done;
    }
    PyObject *text = out;
    out = Py_BuildValue("(NnniKKK)", text, line_feeds, commas, flags, (unsigned long long)width_columns,
                        (unsigned long long)space_columns, (unsigned long long)unsafe_columns);
    goto done;
invalid:
    Py_DECREF(out);
    out = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&data);
    PyBuffer_Release(&table);
    return out;
}

/* first_seen(slot_keys, slot_values, keys, values) -> (firsts, stored): ``keys.FirstSeen.setdefault_many`` on its
 * open-addressing table (two writable int64 buffers of a power-of-two size, EMPTY = -1 keys, linear probing from
 * key & (size - 1)). For each position in order: the value stored for keys[i], else values[i], which is stored;
 * a negative key gets values[i] and stores nothing. ``firsts``: n native int64; ``stored``: how many keys were
 * added. The caller keeps the table at most half full (so every probe ends). */
static PyObject *first_seen(PyObject *self, PyObject *args) {
    Py_buffer slot_keys, slot_values, keys, values;
    if (!PyArg_ParseTuple(args, "w*w*y*y*", &slot_keys, &slot_values, &keys, &values)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t size = slot_keys.len / 8, n = keys.len / 8;
    if (slot_keys.itemsize != 8 || slot_values.len != slot_keys.len || size == 0 || (size & (size - 1)) ||
        check_int64s(&keys, n, "keys") || check_int64s(&values, n, "values")) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "table: two int64 buffers of a power-of-two size");
        goto done;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, n * 8);
    if (out == NULL) goto done;
    int64_t *firsts = (int64_t *)PyBytes_AS_STRING(out), *table = slot_keys.buf, *stored_values = slot_values.buf;
    const int64_t *key_of = keys.buf, *value_of = values.buf;
    uint64_t mask = (uint64_t)size - 1;
    Py_ssize_t stored = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t key = key_of[i];
        if (key < 0) {
            firsts[i] = value_of[i];
            continue;
        }
        uint64_t slot = (uint64_t)key & mask;
        while (table[slot] != -1 && table[slot] != key) slot = (slot + 1) & mask;
        if (table[slot] == key) {
            firsts[i] = stored_values[slot];
        } else {
            table[slot] = key;
            stored_values[slot] = firsts[i] = value_of[i];
            stored++;
        }
    }
    result = Py_BuildValue("(Nn)", out, stored);
done:
    PyBuffer_Release(&slot_keys);
    PyBuffer_Release(&slot_values);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&values);
    return result;
}

typedef struct {
    int64_t key, line;
} entry;

static int entry_less(const entry *a, const entry *b) {
    return a->key < b->key || (a->key == b->key && a->line < b->line);
}

/* bucket_copy(keys, lines, incident, job, shift) -> bytes: the ``VictimKeyBucket`` rows of an import as binary
 * COPY tuples (incident, job, bucket, keys, lines), what ``pipeline._bucket_rows`` lays out from
 * ``BucketBuilder.buckets``: bucket = key >> shift, buckets in order, each holding its keys sorted (then by line)
 * as big-endian int64 and the lines as big-endian uint32. keys (non-negative) and lines: int64 buffers. A counting
 * sort by bucket, then an insertion sort inside each (some 30 entries), instead of sorting two million pairs. */
static PyObject *bucket_copy(PyObject *self, PyObject *args) {
    Py_buffer keys, lines;
    long long incident, job;
    int shift;
    if (!PyArg_ParseTuple(args, "y*y*LLi", &keys, &lines, &incident, &job, &shift)) return NULL;
    PyObject *out = NULL;
    entry *entries = NULL;
    Py_ssize_t *starts = NULL;
    Py_ssize_t n = keys.len / 8;
    if (check_int64s(&keys, n, "keys") || check_int64s(&lines, n, "lines")) goto done;
    if (shift < 1 || shift > 62) {
        PyErr_SetString(PyExc_ValueError, "shift out of range");
        goto done;
    }
    const int64_t *key_of = keys.buf, *line_of = lines.buf;
    Py_ssize_t buckets = (Py_ssize_t)1 << (63 - shift);
    starts = PyMem_Calloc(buckets + 1, sizeof *starts);
    entries = PyMem_Malloc((n ? n : 1) * sizeof *entries);
    if (starts == NULL || entries == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (key_of[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "keys must be non-negative");
            goto done;
        }
        starts[(key_of[i] >> shift) + 1]++;
    }
    Py_ssize_t used = 0;
    for (Py_ssize_t b = 0; b < buckets; b++) {
        used += starts[b + 1] > 0;
        starts[b + 1] += starts[b];
    }
    for (Py_ssize_t i = 0; i < n; i++) { /* starts[b] moves to the end of bucket b; restored below */
        Py_ssize_t at = starts[key_of[i] >> shift]++;
        entries[at].key = key_of[i], entries[at].line = line_of[i];
    }
    for (Py_ssize_t b = buckets; b > 0; b--) starts[b] = starts[b - 1];
    starts[0] = 0;
    /* per bucket: count (2), incident (12), job (12), bucket (8), keys (4 + 8k), lines (4 + 4k) */
    out = PyBytes_FromStringAndSize(NULL, used * (2 + 12 + 12 + 8 + 4 + 4) + n * 12);
    if (out == NULL) goto done;
    unsigned char *p = (unsigned char *)PyBytes_AS_STRING(out);
    for (Py_ssize_t b = 0; b < buckets; b++) {
        entry *first = entries + starts[b], *last = entries + starts[b + 1];
        if (first == last) continue;
        for (entry *e = first + 1; e < last; e++) {
            entry held = *e, *to = e;
            while (to > first && entry_less(&held, to - 1)) {
                *to = *(to - 1);
                to--;
            }
            *to = held;
        }
        Py_ssize_t count = last - first;
        put16(p, 5), p += 2;
        put32(p, 8), put64(p + 4, (uint64_t)incident), p += 12;
        put32(p, 8), put64(p + 4, (uint64_t)job), p += 12;
        put32(p, 4), put32(p + 4, (uint32_t)b), p += 8;
        put32(p, (uint32_t)(8 * count)), p += 4;
        for (entry *e = first; e < last; e++) put64(p, (uint64_t)e->key), p += 8;
        put32(p, (uint32_t)(4 * count)), p += 4;
        for (entry *e = first; e < last; e++) put32(p, (uint32_t)e->line), p += 4;
    }
done:
    PyMem_Free(entries);
    PyMem_Free(starts);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&lines);
    return out;
}

/* births(cells, today, eras) -> list: the ISO date (str) of each birth date cell of the shapes the fast path reads
 * itself (``fast._births``), or None where Python must decide (an empty cell, another shape, an impossible or
 * out-of-range date: ``rows.parse_birth`` then gives the value or the exact error). The shapes: 1970-3-2, 1970/3/2,
 * 1970.3.2 (one separator), 19700302, and an era label with 1–3 digits then 年M月D日, -M-D, /M/D or .M.D.
 * ``today``: yyyymmdd; ``eras``: (UTF-8 label, first day, last day) with days as yyyymmdd. A date is kept when
 * it exists, is on or after 1873-01-01, not after today and, for an era, within the era. */
static int digits(const unsigned char **p, const unsigned char *end, int least, int most, int *value) {
    int n = 0, v = 0;
    while (*p < end && n < most && **p >= '0' && **p <= '9') v = v * 10 + (*(*p)++ - '0'), n++;
    *value = v;
    return n >= least && !(*p < end && **p >= '0' && **p <= '9');
}

static int literal(const unsigned char **p, const unsigned char *end, const char *text) {
    size_t n = strlen(text);
    if ((size_t)(end - *p) < n || memcmp(*p, text, n) != 0) return 0;
    *p += n;
    return 1;
}

/* -M-D, /M/D or .M.D (the same separator twice), or 年M月D日 when ``kanji``; then the end of the cell. */
static int month_day(const unsigned char *p, const unsigned char *end, int kanji, int *month, int *day) {
    if (kanji && literal(&p, end, "\xe5\xb9\xb4")) { /* 年 … 月 … 日 */
        return digits(&p, end, 1, 2, month) && literal(&p, end, "\xe6\x9c\x88") && digits(&p, end, 1, 2, day) &&
               literal(&p, end, "\xe6\x97\xa5") && p == end;
    }
    if (p == end || (*p != '-' && *p != '/' && *p != '.')) return 0;
    unsigned char separator = *p++;
    if (!digits(&p, end, 1, 2, month) || p == end || *p++ != separator) return 0;
    return digits(&p, end, 1, 2, day) && p == end;
}

static int real_date(int year, int month, int day) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap);
}

static PyObject *births(PyObject *self, PyObject *args) {
    PyObject *cells, *eras;
    long today;
    if (!PyArg_ParseTuple(args, "O!lO!", &PyList_Type, &cells, &today, &PyList_Type, &eras)) return NULL;
    Py_ssize_t n_eras = PyList_GET_SIZE(eras);
    for (Py_ssize_t e = 0; e < n_eras; e++) {
        PyObject *era = PyList_GET_ITEM(eras, e);
        if (!PyTuple_Check(era) || PyTuple_GET_SIZE(era) != 3 || !PyBytes_Check(PyTuple_GET_ITEM(era, 0))) {
            PyErr_SetString(PyExc_TypeError, "eras: (label bytes, first day, last day) tuples");
            return NULL;
        }
    }
    Py_ssize_t n = PyList_GET_SIZE(cells);
    PyObject *out = PyList_New(n);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *cell = PyList_GET_ITEM(cells, i), *value = Py_None;
        Py_ssize_t size = 0;
        const char *text = PyUnicode_Check(cell) ? PyUnicode_AsUTF8AndSize(cell, &size) : NULL;
        if (text == NULL) { /* not a str, or text UTF-8 cannot hold (a lone surrogate): Python decides */
            PyErr_Clear();
            size = 0;
        }
        const unsigned char *p = (const unsigned char *)text, *end = p + size;
        int year = 0, month = 0, day = 0, ok = 0;
        long first = 18730101, last = today;
        if (size > 0 && *p >= '0' && *p <= '9') {
            if (digits(&p, end, 8, 8, &year) && p == end) { /* 19700302 */
                day = year % 100, month = year / 100 % 100, year /= 10000, ok = 1;
            } else { /* 1970-3-2 */
                p = (const unsigned char *)text;
                ok = digits(&p, end, 4, 4, &year) && month_day(p, end, 0, &month, &day);
            }
        } else if (size > 0) { /* an era: the longest label that matches */
            Py_ssize_t best = -1, best_size = 0;
            for (Py_ssize_t e = 0; e < n_eras; e++) {
                PyObject *label = PyTuple_GET_ITEM(PyList_GET_ITEM(eras, e), 0);
                Py_ssize_t label_size = PyBytes_GET_SIZE(label);
                if (label_size > best_size && label_size <= size && memcmp(p, PyBytes_AS_STRING(label), label_size) == 0)
                    best = e, best_size = label_size;
            }
            int number = 0;
            if (best >= 0) {
                PyObject *era = PyList_GET_ITEM(eras, best);
                long start = PyLong_AsLong(PyTuple_GET_ITEM(era, 1)), stop = PyLong_AsLong(PyTuple_GET_ITEM(era, 2));
                if (PyErr_Occurred()) goto fail;
                p += best_size;
                ok = digits(&p, end, 1, 3, &number) && number >= 1 && month_day(p, end, 1, &month, &day);
                year = (int)(start / 10000) + number - 1;
                if (start > first) first = start;
                if (stop < last) last = stop;
            }
        }
        long ymd = (long)year * 10000 + month * 100 + day;
        if (ok && real_date(year, month, day) && ymd >= first && ymd <= last) {
            char iso[10] = {'0' + year / 1000 % 10, '0' + year / 100 % 10, '0' + year / 10 % 10, '0' + year % 10, '-',
                            '0' + month / 10, '0' + month % 10, '-', '0' + day / 10, '0' + day % 10};
            value = PyUnicode_FromStringAndSize(iso, 10);
            if (value == NULL) goto fail;
        } else {
            Py_INCREF(value);
        }
        PyList_SET_ITEM(out, i, value);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"lookup_keys", lookup_keys, METH_VARARGS, "HMAC-SHA256 look-up keys of many messages (see the module doc)."},
    {"seal_copy", seal_copy, METH_VARARGS, "Sealed records as binary COPY tuples (see the module doc)."},
    {"cp932_to_utf8", cp932_to_utf8, METH_VARARGS, "CP932 text as UTF-8 by a table (see the module doc)."},
    {"first_seen", first_seen, METH_VARARGS, "FirstSeen.setdefault_many on its table (see the module doc)."},
    {"bucket_copy", bucket_copy, METH_VARARGS, "Look-up key buckets as binary COPY tuples (see the module doc)."},
    {"births", births, METH_VARARGS, "ISO dates of the common birth date shapes (see the module doc)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
