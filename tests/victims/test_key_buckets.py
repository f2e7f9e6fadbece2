"""Look-up key buckets (``keys.BucketBuilder`` and friends) checked against a plain dict, and the migration that
moved the keys of earlier lists into buckets."""

from __future__ import annotations

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from sonae.victims.keys import (
    BUCKET_BITS,
    KEY_BYTES,
    BucketBuilder,
    FirstSeen,
    bucket_entries,
    bucket_of,
    bucket_without,
    lines_in_bucket,
)

KEYS = st.integers(min_value=0, max_value=2**63 - 1)
LINES = st.integers(min_value=1, max_value=2**24 - 1)


def _built(chunks) -> dict[int, tuple[bytes, bytes]]:
    builder = BucketBuilder()
    for keys, lines, drop in chunks:
        builder.add(array("q", keys), array("q", lines), drop)
    return {number: (keys, lines) for number, keys, lines in builder.buckets()}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.one_of(KEYS, st.just(-1)), LINES, st.booleans()), max_size=40),
        max_size=5,
    )
)
def test_buckets_hold_exactly_the_kept_keys_each_under_its_top_bits(chunks):
    expected: dict[int, list[tuple[int, int]]] = {}
    prepared = []
    for rows in chunks:
        drop = [i for i, (_k, _l, dropped) in enumerate(rows) if dropped]
        prepared.append(([k for k, _l, _d in rows], [n for _k, n, _d in rows], drop))
        for key, line, dropped in rows:
            if key >= 0 and not dropped:
                expected.setdefault(bucket_of(key), []).append((key, line))

    built = _built(prepared)

    assert set(built) == set(expected)
    for number, (keys, lines) in built.items():
        entries = bucket_entries(keys, lines)
        assert entries == sorted(expected[number])  # sorted by key (then line)
        assert all(key >> (63 - BUCKET_BITS) == number for key, _line in entries)
        for key, _line in entries:
            assert sorted(lines_in_bucket(keys, lines, key)) == sorted(
                n for k, n in expected[number] if k == key
            )


def test_a_key_matches_only_on_its_own_boundary():
    # Key b's bytes straddle keys a and c: a search that ignored alignment would find b inside the bucket.
    a, c = 0x0102030405060708, 0x090A0B0C0D0E0F10
    straddling = int.from_bytes(a.to_bytes(8)[4:] + c.to_bytes(8)[:4])
    keys = a.to_bytes(KEY_BYTES) + c.to_bytes(KEY_BYTES)
    lines = (7).to_bytes(4) + (9).to_bytes(4)

    assert lines_in_bucket(keys, lines, a) == [7] and lines_in_bucket(keys, lines, c) == [9]
    assert lines_in_bucket(keys, lines, straddling) == []


def test_the_same_key_twice_finds_both_persons_and_erasing_one_keeps_the_other():
    key = 12345 << 40
    built = _built([([key, key, key + 1], [2, 5, 8], [])])
    ((keys, lines),) = built.values()

    assert lines_in_bucket(keys, lines, key) == [2, 5]
    keys, lines = bucket_without(keys, lines, 2)
    assert bucket_entries(keys, lines) == [(key, 5), (key + 1, 8)]


def test_an_import_without_keys_has_no_buckets():
    assert _built([([-1, -1], [2, 3], []), ([], [], [])]) == {}


def test_the_migration_moves_keys_of_earlier_lists_into_buckets(world, incident, imported):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from sonae.victims.models import VictimKey, VictimKeyBucket
    from tests.victims.conftest import key_entries

    migration = importlib.import_module("sonae.victims.migrations.0003_key_buckets")
    imported()
    before = sorted(key_entries())
    # A list as it was stored before buckets: one VictimKey row per key, no bucket.
    VictimKey.objects.bulk_create(VictimKey(key=k, victim_id=v) for k, v in before)
    VictimKeyBucket.objects.all().delete()

    migration.keys_to_buckets(apps, SimpleNamespace(connection=connection))

    assert sorted(key_entries()) == before and len(before) == 3 * 2


# Keys that collide in a small table: same low bits, so probes run long and wrap around the end.
CROWDED_KEYS = st.one_of(st.integers(0, 40), st.integers(0, 40).map(lambda k: k << 20 | 7), st.just(-1))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.one_of(KEYS, CROWDED_KEYS), LINES), max_size=60), max_size=6))
def test_first_seen_equals_dict_setdefault_call_after_call(chunks):
    table, reference = FirstSeen(capacity=16), {}
    for rows in chunks:
        keys, values = [k for k, _v in rows], [v for _k, v in rows]
        got = table.setdefault_many(array("q", keys), array("q", values)).tolist()
        expected = [reference.setdefault(k, v) if k >= 0 else v for k, v in rows]
        assert got == expected
    assert len(table) == len(reference)


def test_first_seen_grows_past_half_full_and_keeps_every_key():
    table = FirstSeen(capacity=16)
    keys = list(range(0, 5000 * 64, 64))  # every key's low bits alike: the worst spread
    table.setdefault_many(keys, [-k for k in keys])
    assert table.setdefault_many(keys, [1] * len(keys)).tolist() == [-k for k in keys]
    assert len(table) == 5000
