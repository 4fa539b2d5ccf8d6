"""The registry's background jobs run again after a worker died (core.liveness) without a second effect."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry
from huiketing.people import imports, tasks
from huiketing.people.models import Household, RegistryImport, Resident, Role
from tests.people.test_registry_import import good_rows, write_sheet


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def community(staff):
    return staff[Role.COMMUNITY_STAFF]


def _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks, rows=5) -> RegistryImport:
    grid = tree.grids[0].code
    path = write_sheet(tmp_path / "sheet.xlsx", good_rows(grid, rows))
    with django_capture_on_commit_callbacks(execute=True):  # the check runs at once (immediate backend)
        job = imports.registry_import_upload(
            by=community, upload=SimpleUploadedFile("名册.xlsx", path.read_bytes()), place_code=grid[:12]
        )
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.CHECKED, job.errors
    return job


def _set(job: RegistryImport, **fields) -> None:
    RegistryImport.objects.filter(pk=job.pk).update(**fields)


def test_an_import_run_again_after_it_finished_changes_nothing(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    job = _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        imports.registry_import_request_commit(by=community, job=job)
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.DONE
    finished_at = job.finished_at

    # The worker died after the import's transaction committed but before it marked the job successful:
    # the job is queued again and runs a second time.
    assert tasks.registry_import_commit_task.call(job.pk) == RegistryImport.Status.DONE
    job.refresh_from_db()
    assert (job.status, job.finished_at, job.error_count) == (RegistryImport.Status.DONE, finished_at, 0)
    assert Resident.objects.count() == 5
    assert Household.objects.count() == 3
    assert AuditEntry.objects.filter(action="people.registry.import").count() == 1


def test_an_import_that_failed_stays_failed_when_run_again(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    job = _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks)
    RegistryImport.objects.filter(pk=job.pk).update(
        status=RegistryImport.Status.FAILED, errors=[{"row": None, "message": "first failure"}], error_count=1
    )
    assert tasks.registry_import_commit_task.call(job.pk) == RegistryImport.Status.FAILED
    job.refresh_from_db()
    assert job.errors == [{"row": None, "message": "first failure"}]
    assert not Resident.objects.exists()


def test_an_import_interrupted_before_its_commit_runs_in_full_when_run_again(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    """A worker killed inside the import's transaction leaves the job IMPORTING and nothing written."""
    job = _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks)
    _set(job, status=RegistryImport.Status.IMPORTING, committed_by=community)
    assert tasks.registry_import_commit_task.call(job.pk) == RegistryImport.Status.DONE
    assert tasks.registry_import_commit_task.call(job.pk) == RegistryImport.Status.DONE
    assert Resident.objects.count() == 5
    assert AuditEntry.objects.filter(action="people.registry.import").count() == 1


def test_a_check_run_again_leaves_a_checked_or_importing_job_alone(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    job = _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks)
    checked_at = job.checked_at
    assert tasks.registry_import_check_task.call(job.pk) == RegistryImport.Status.CHECKED
    job.refresh_from_db()
    assert job.checked_at == checked_at

    # The commit was requested meanwhile: a late re-run of the check must not turn the job back to checked.
    _set(job, status=RegistryImport.Status.IMPORTING, committed_by=community)
    assert tasks.registry_import_check_task.call(job.pk) == RegistryImport.Status.IMPORTING
    job.refresh_from_db()
    assert (job.status, job.checked_at) == (RegistryImport.Status.IMPORTING, checked_at)
    assert (imports.imports_dir() / job.file_path).exists()


def test_a_check_interrupted_midway_runs_in_full_when_run_again(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    job = _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks)
    RegistryImport.objects.filter(pk=job.pk).update(status=RegistryImport.Status.CHECKING, rows_total=0)
    assert tasks.registry_import_check_task.call(job.pk) == RegistryImport.Status.CHECKED
    job.refresh_from_db()
    assert (job.rows_total, job.residents_new, job.error_count) == (5, 5, 0)


def test_expiring_uploads_again_expires_nothing_more(
    tree, community, tmp_path, django_capture_on_commit_callbacks
):
    job = _uploaded(tree, community, tmp_path, django_capture_on_commit_callbacks)
    RegistryImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert tasks.registry_import_uploads_expire_task.call() == 1
    assert tasks.registry_import_uploads_expire_task.call() == 0
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.FAILED
    assert not (imports.imports_dir() / job.file_path).exists()
    assert AuditEntry.objects.filter(action="people.registry.import.expired").count() == 1
