"""Background tasks (django-tasks): purge expired ID documents, remind of answer targets."""

from django_tasks import task


@task()
def purge_attachments() -> int:
    from .services import attachments_purge

    return attachments_purge()


@task()
def remind() -> int:
    from .services import rights_remind

    return rights_remind()
