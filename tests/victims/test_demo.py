"""Demo data: ~200 persons on INC-DEMO-0001 with letters prepared; idempotent."""

import pytest

from sonae.core.demo.loader import load_demo
from sonae.victims.models import ImportJob, LetterBatch, LetterStatus, Victim, VictimCase


@pytest.fixture
def demo(db, mailoutbox):
    load_demo()


def test_demo_has_a_list_with_letters_prepared(demo):
    job = ImportJob.objects.get(incident__reference="INC-DEMO-0001")
    assert (job.rows, job.rejected, job.duplicates) == (200, 2, 1)
    assert Victim.objects.count() == 197
    assert LetterBatch.objects.filter(rendered=True).count() == 2
    assert Victim.objects.filter(letter_status=LetterStatus.SENT).count() == 100
    case = VictimCase.objects.get(incident__reference="INC-DEMO-0001")
    assert case.desk_access and case.call_centre_phone == "0120-123-456"


def test_demo_is_idempotent(demo):
    load_demo()
    assert Victim.objects.count() == 197 and ImportJob.objects.count() == 1
