"""The registry's spreadsheet import (upload, template, job page, commit) refuses every role that does not
import: nothing is stored, no job is created, no job is committed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huiketing.people.models import RegistryImport, Role
from tests.attacks.test_downloads import xlsx_bytes
from tests.test_permission_matrix import ROLES, _registry_import_sample

# Written from the design, not read from the rules: community staff and above import, nobody else.
NOT_IMPORTING = {
    Role.RESIDENT,
    Role.GRID_LEADER,
    Role.GRID_WORKER,
    Role.DEPARTMENT_STAFF,
    Role.INSTITUTION_OPERATOR,
    Role.MERCHANT,
    Role.PARTY_MEMBER,
    Role.VOLUNTEER,
}


def test_the_list_of_roles_is_complete():
    assert set(ROLES) > NOT_IMPORTING
    assert set(ROLES) - NOT_IMPORTING == {
        Role.COMMUNITY_STAFF,
        Role.SUBDISTRICT_OFFICER,
        Role.CITY_OFFICER,
        Role.ADMIN,
    }


@pytest.mark.parametrize("role", sorted(NOT_IMPORTING))
def test_every_import_endpoint_refuses_a_role_that_does_not_import(client, world, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = world.users[role]
    assert not user.has_perm("people.import_registry")
    client.force_login(user)
    job = _registry_import_sample(world, True).obj
    job.status = RegistryImport.Status.CHECKED
    job.save(update_fields=["status"])
    before = RegistryImport.objects.count()
    upload = SimpleUploadedFile("sheet.xlsx", xlsx_bytes())
    answers = {
        "upload page": client.get(reverse("people:registry-import")),
        "upload": client.post(reverse("people:registry-import"), {"file": upload}),
        "template": client.get(reverse("people:registry-import-template")),
        "job": client.get(reverse("people:registry-import-job", kwargs={"pk": job.pk})),
        "commit": client.post(reverse("people:registry-import-commit", kwargs={"pk": job.pk})),
    }
    wrong = {name: r.status_code for name, r in answers.items() if r.status_code not in (403, 404)}
    assert not wrong, wrong
    assert RegistryImport.objects.count() == before
    assert not list((tmp_path / "imports").glob("*.xlsx")) if (tmp_path / "imports").exists() else True
    job.refresh_from_db()
    assert job.status == RegistryImport.Status.CHECKED
