"""The victims lists read a fixed number of queries whatever the number of rows (issue 9 point 5): a case's imports,
its letter runs and one run's print files, and the API lists of imports and letter runs."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from sonae.victims.services import imports, letters
from tests.querycount import assert_no_query_per_row, reads
from tests.victims.conftest import api_call


def _row(n: int) -> str:
    return (
        f"山田 太郎,ヤマダ タロウ,1980/01/{n + 1:02d},1600023,東京都新宿区西新宿2丁目8番1号,"
        f"090-1111-{n:04d},PQ{n:04d},,氏名;病歴"
    )


@pytest.fixture
def list_of(world, incident, write_list):
    """``list_of(*numbers, commit=True) -> ImportJob``: a list of one person per number, validated and committed
    (or only uploaded)."""

    def make(*numbers: int, commit: bool = True):
        path = str(write_list([_row(n) for n in numbers], name=f"list{numbers[0]}.csv"))
        actor = world.actor("provider")
        job = imports.import_job_create(
            actor=actor, incident=incident, name=f"list{numbers[0]}.csv", path=path
        )
        if not commit:
            return job
        job = imports.import_validate(job=job, source=imports.job_source(job, path))
        return imports.import_commit(actor=actor, job=job, source=imports.job_source(job, path))

    return make


@pytest.fixture
def lettered(world, incident, list_of):
    """``lettered(*numbers, batch_size=1) -> LetterRun``: the persons imported, then a finished run of letters."""

    def make(*numbers: int, batch_size: int = 1):
        list_of(*numbers)
        run = letters.letter_run_start(
            actor=world.actor("provider"),
            incident=incident,
            letter_date=date(2026, 4, 1),
            batch_size=batch_size,
        )
        return letters.letter_run_execute(run.pk)

    return make


def _jobs(list_of, start: int, end: int) -> list[str]:
    return [list_of(n, commit=n % 2 == 0).source_name for n in range(start, end)]


def test_imports_page_reads_a_fixed_number_of_queries(world, incident, list_of, client_for):
    client = client_for("provider")
    url = reverse("victims:imports", args=[incident.reference])
    client.get(url)
    first = _jobs(list_of, 0, 3)
    few = reads(client, url)
    more = _jobs(list_of, 3, 8)
    many = reads(client, url)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


def _run_links(incident, runs) -> list[str]:
    return [reverse("victims:letter_run", args=[incident.reference, run.pk]) for run in runs]


def test_letters_page_reads_a_fixed_number_of_queries(world, incident, lettered, client_for):
    client = client_for("provider")
    url = reverse("victims:letters", args=[incident.reference])
    client.get(url)
    first = [lettered(n) for n in range(2)]
    few = reads(client, url)
    more = [lettered(n) for n in range(2, 6)]
    many = reads(client, url)
    assert few.shows(*_run_links(incident, first)) and many.shows(*_run_links(incident, first + more))
    assert_no_query_per_row(few, many)


def test_a_runs_page_reads_a_fixed_number_of_queries_whatever_its_print_files(
    world, incident, lettered, client_for
):
    client = client_for("provider")
    small, big = lettered(0, 1), lettered(2, 3, 4, 5, 6, 7)  # one print file per letter
    assert (small.batches.count(), big.batches.count()) == (2, 6)
    client.get(reverse("victims:letter_run", args=[incident.reference, small.pk]))
    few = reads(client, reverse("victims:letter_run", args=[incident.reference, small.pk]))
    many = reads(client, reverse("victims:letter_run", args=[incident.reference, big.pk]))
    assert_no_query_per_row(few, many)


# --- the API --------------------------------------------------------------------------------------------------


def test_api_imports_read_a_fixed_number_of_queries(world, incident, list_of, bearer):
    client, auth, path = Client(), bearer("provider"), f"/victims/{incident.reference}/imports"
    api_call(client, auth, "get", path)
    first = _jobs(list_of, 0, 3)
    few = reads(client, f"/api/v1{path}", HTTP_AUTHORIZATION=auth)
    more = _jobs(list_of, 3, 8)
    many = reads(client, f"/api/v1{path}", HTTP_AUTHORIZATION=auth)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


def test_api_letter_runs_read_a_fixed_number_of_queries(world, incident, lettered, bearer):
    client, auth, path = Client(), bearer("provider"), f"/victims/{incident.reference}/letter-runs"
    api_call(client, auth, "get", path)
    first = [lettered(n) for n in range(2)]
    few = reads(client, f"/api/v1{path}", HTTP_AUTHORIZATION=auth)
    more = [lettered(n) for n in range(2, 6)]
    many = reads(client, f"/api/v1{path}", HTTP_AUTHORIZATION=auth)
    assert many.shows(*(f'"id": {run.pk},' for run in first + more))
    assert_no_query_per_row(few, many)
