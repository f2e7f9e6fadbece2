"""A task worker killed with SIGKILL in the middle of a victim import and of a letter run (issue 9 point 6).

Real processes: the production task backend (django-tasks-db) fed by the pages' own enqueueing, and ``sonae worker``
processes against the test's database (tests/faults/conftest.py). The kill lands where it hurts most
(tests/faults/worker.py): inside the transaction of an import batch, rows already sent; between a letter batch's
files being written and the database recording them. Then ``sonae worker`` is started again, as systemd would:
it queues the abandoned task again and the job resumes. Checked: nothing lost, nothing twice.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sonae.core.keyring import get_keyring
from sonae.victims import codes
from sonae.victims.fake import write_csv
from sonae.victims.keys import bucket_entries
from sonae.victims.models import ImportStatus, IssueKind, LetterRunStatus, LetterStatus
from sonae.victims.sealed import read_sealed
from sonae.victims.services import imports

DB_TASKS = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
ROWS = 3000
KILL_IN_BATCH = 5
LETTERS = 400
LETTER_BATCH = 40
KILL_IN_LETTER_BATCH = 4


def _browser(world, name: str = "provider") -> Client:
    client = Client()
    client.force_login(world.user(name))
    return client


def _import(world, incident, tmp_path, rows: int, *, chunk_bytes: int):
    """Upload and validate a made-up list in this process (the page's upload and validation). The job."""
    path = tmp_path / "list.csv"
    write_csv(path, rows, seed=11)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("list.csv", path.read_bytes(), content_type="text/csv")
    job = imports.import_job_create(
        actor=world.actor("provider"),
        incident=incident,
        name="list.csv",
        upload=upload,
        chunk_bytes=chunk_bytes,
    )
    job.chunks_per_batch = 1  # one transaction per chunk: many batches to be killed between and inside
    job.save(update_fields=["chunks_per_batch"])
    return imports.import_validate(job=job)


@pytest.mark.django_db(transaction=True)
def test_kill_9_inside_an_import_batch_then_a_new_worker_finishes_it_with_every_row_once(
    world, incident, tmp_path, shared
):
    job = _import(world, incident, tmp_path, ROWS, chunk_bytes=16 << 10)
    skipped = set(job.issues.filter(kind=IssueKind.ERROR).values_list("line", flat=True))
    skipped |= set(job.issues.filter(kind=IssueKind.DUPLICATE).values_list("line", flat=True))
    expected = set(range(2, ROWS + 2)) - skipped
    assert len(expected) == job.to_import > ROWS * 0.9
    with DB_TASKS:  # the confirm page queues the commit for a worker, as in production
        response = _browser(world).post(reverse("victims:import_confirm", args=[incident.reference, job.pk]))
    assert response.status_code == 302
    shared.publish()

    first, marker = shared.worker(fault=f"import:{KILL_IN_BATCH}")
    shared.kill_when(first, marker)

    sql_job = "SELECT status, chunks_committed, imported FROM victims_importjob WHERE id = %s"
    status, committed_chunks, imported_at_kill = shared.rows(sql_job, (job.pk,))[0]
    victims_at_kill = shared.value("SELECT COUNT(*) FROM victims_victim WHERE import_job_id = %s", (job.pk,))
    assert status == ImportStatus.COMMITTING and committed_chunks == KILL_IN_BATCH - 1
    assert 0 < victims_at_kill == imported_at_kill < len(expected)  # the killed batch left nothing behind
    assert shared.value("SELECT status FROM django_tasks_database_dbtaskresult") == "RUNNING"

    shared.finish(shared.worker("--batch")[0])

    status, _chunks, imported = shared.rows(sql_job, (job.pk,))[0]
    lines = [
        line for (line,) in shared.rows("SELECT line FROM victims_victim WHERE import_job_id = %s", (job.pk,))
    ]
    assert status == ImportStatus.COMMITTED and imported == len(expected)
    assert len(lines) == len(set(lines)) and set(lines) == expected  # none lost, none twice
    entries = [
        line
        for keys, key_lines in shared.rows(
            "SELECT keys, lines FROM victims_victimkeybucket WHERE job_id = %s", (job.pk,)
        )
        for _key, line in bucket_entries(bytes(keys), bytes(key_lines))
    ]
    assert sorted(entries) == sorted(list(expected) * 2)  # kana+birth and patient ID, every person once
    persons, corporations = shared.rows(
        "SELECT persons, corporations FROM victims_victimcase WHERE incident_id = %s", (incident.pk,)
    )[0]
    assert persons + corporations == len(expected)  # the statistics counted the list once
    assert shared.value("SELECT status FROM django_tasks_database_dbtaskresult") == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_kill_9_between_a_letter_batchs_files_and_its_record_then_no_letter_is_printed_twice(
    world, incident, tmp_path, shared
):
    job = _import(world, incident, tmp_path, LETTERS, chunk_bytes=4 << 20)
    job = imports.import_commit(actor=world.actor("provider"), job=job)
    with DB_TASKS:  # the letters page starts the run; a worker makes the files
        response = _browser(world).post(
            reverse("victims:letter_run_new", args=[incident.reference]),
            {"letter_date": "2025-10-01", "batch_size": LETTER_BATCH},
        )
    assert response.status_code == 302
    shared.publish()

    first, marker = shared.worker(fault=f"letters:{KILL_IN_LETTER_BATCH}")
    shared.kill_when(first, marker)

    (run_id, status) = shared.rows("SELECT id, status FROM victims_letterrun")[0]
    recorded = shared.value("SELECT COUNT(*) FROM victims_letterbatch WHERE rendered = %s", (True,))
    assert status == LetterRunStatus.RUNNING and recorded == KILL_IN_LETTER_BATCH - 1
    run_dir = shared.media / "victims" / "letters" / str(run_id)
    files_at_kill = sorted(p.name for p in run_dir.iterdir())
    assert f"{KILL_IN_LETTER_BATCH:04d}.csv.sealed" in files_at_kill  # written, not recorded

    shared.finish(shared.worker("--batch")[0])

    assert (
        shared.value("SELECT status FROM victims_letterrun WHERE id = %s", (run_id,)) == LetterRunStatus.DONE
    )
    batches = shared.rows(
        "SELECT number, count, csv_file, pdf_file, rendered FROM victims_letterbatch WHERE run_id = %s "
        "ORDER BY number",
        (run_id,),
    )
    keyring = get_keyring()
    sequences = [
        seq
        for (seq,) in shared.rows(
            "SELECT letter_sequence FROM victims_victim WHERE letter_batch_id IS NOT NULL"
        )
    ]
    wanted = {codes.inquiry_code(keyring, incident.pk, seq) for seq in sequences}
    printed: list[str] = []
    for number, count, csv_file, _pdf, rendered in batches:
        assert rendered
        text = read_sealed(csv_file, f"letters:{run_id}:{number}:csv").decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))[1:]
        assert len(rows) == count
        printed += [row[2] for row in rows]
    with_address = shared.value(
        "SELECT COUNT(*) FROM victims_victim WHERE incident_id = %s AND letter_status <> %s",
        (incident.pk, LetterStatus.NO_ADDRESS),
    )
    assert len(printed) == len(set(printed)) == len(wanted) == with_address  # every letter once
    assert set(printed) == wanted
    # The batch killed before its files were recorded was rendered again into the same files, not beside them:
    # no second print file holding the same letters is left in storage.
    referenced = {name for _n, _c, csv_file, pdf_file, _r in batches for name in (csv_file, pdf_file)}
    stored = {f"victims/letters/{run_id}/{p.name}" for p in run_dir.iterdir()}
    assert stored == referenced
