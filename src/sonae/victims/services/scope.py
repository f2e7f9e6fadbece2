"""Which victim rows belong to a case's list: those of its committed imports.

Victim ids are ``job << 24 | line`` (``keys.victim_id``), so the rows of a job are one range of the primary key:
the list of a case is a few primary-key ranges, and no separate index on the incident has to be written by a
million-row import. Rows of an import still being committed are not counted, written to or shown in statistics.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sonae.victims.keys import job_range
from sonae.victims.models import ImportJob, ImportStatus, Victim


def committed_job_ids(incident) -> list[int]:
    return list(
        ImportJob.objects.filter(incident_id=incident.pk, status=ImportStatus.COMMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def victims_of_jobs(incident, job_ids) -> QuerySet[Victim]:
    if not job_ids:
        return Victim.objects.none()
    ranges = Q()
    for job_id in job_ids:
        low, high = job_range(job_id)
        ranges |= Q(id__gte=low, id__lte=high)
    return Victim.objects.filter(ranges, incident_id=incident.pk)


def committed_victims(incident) -> QuerySet[Victim]:
    """The case's list: victims of its committed imports."""
    return victims_of_jobs(incident, committed_job_ids(incident))
