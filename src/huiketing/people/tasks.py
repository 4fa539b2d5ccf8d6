"""Background jobs of the people app: checking and importing registry spreadsheets (they receive ids)."""

from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django_tasks import task

from huiketing.core.periodic import periodic
from huiketing.people import imports
from huiketing.people.models import RegistryImport


@task()
def registry_import_check_task(import_id: int) -> str:
    """Read an uploaded sheet and store its report; returns the job's status."""
    job = RegistryImport.objects.select_related("created_by").get(pk=import_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return imports.registry_import_run_check(job=job).status


@task()
def registry_import_commit_task(import_id: int) -> str:
    """Import a checked sheet, all rows or none; returns the job's status."""
    job = RegistryImport.objects.select_related("committed_by").get(pk=import_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return imports.registry_import_run_commit(job=job).status


@periodic(every=timedelta(hours=1))
@task()
def registry_import_uploads_expire_task() -> int:
    """Delete uploaded sheets left unimported for two days (they hold ID numbers in clear)."""
    return imports.registry_import_uploads_expire()
