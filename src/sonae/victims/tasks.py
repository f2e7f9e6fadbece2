"""Background tasks of the victims part (django-tasks): import validation and commit, letter runs."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_import(job_id: int, commit: bool) -> dict:
    """Validate (``commit=False``) or commit an uploaded list; progress is on the job (the page polls it)."""
    from sonae.core.errors import DomainError
    from sonae.victims.models import ImportJob, ImportStatus
    from sonae.victims.services import imports

    job = ImportJob.objects.select_related("incident__provider").get(pk=job_id)
    try:
        if commit:
            job = imports.import_commit(actor=None, job=job)
        else:
            job = imports.import_validate(job=job)
    except DomainError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, error_message=exc.message, phase=""
        )
        return {"status": "failed", "message": exc.message}
    except Exception as exc:
        logger.exception("victims import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            error_message="取り込み中にエラーが発生しました。再実行してください。",
            phase="",
        )
        raise exc
    return {"status": job.status, "rows": job.rows, "imported": job.imported}


@task()
def run_letters(run_id: int) -> dict:
    """Produce the print files of a letter run (resumable: see ``services.letters``)."""
    from sonae.victims.services.letters import letter_run_execute

    run = letter_run_execute(run_id)
    return {"status": run.status, "letters": run.done}
