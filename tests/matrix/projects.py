"""The permission matrix's part for projects (see tests/matrix/__init__.py).

The world's project in scope lies in the first grid and names the department-staff organisation in scope as a
party; the one out of scope lies in the second subdistrict and names the other organisation. Both are under
way, with three milestones, a photo and a party, so that every URL has something to act on."""

T, F = True, False


def _project_objects(world, inside: bool):
    """(project, milestone, party, photo), made once per world and side."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from huiketing.people.models import Role
    from huiketing.projects import services
    from huiketing.projects.models import Party

    cache_ = world.__dict__.setdefault("_projects", {})
    if inside not in cache_:
        from datetime import date, timedelta

        organisation = world.organisations[Role.DEPARTMENT_STAFF][0 if inside else 1]
        project = services.project_create(
            by=None,
            title=f"matrix-project-{inside}",
            description="matrix",
            place_code=world.place(inside).code,
            milestones=[
                {"title": f"step {n}", "due_on": date.today() + timedelta(days=n), "weight": 1}
                for n in range(3)
            ],
            parties=[{"kind": Party.Kind.DEPARTMENT, "organisation": organisation}],
        )
        services.project_start(by=None, project=project)
        image = io.BytesIO()
        Image.new("RGB", (4, 4)).save(image, format="JPEG")
        photo = services.photo_add(
            by=None,
            project=project,
            stage="before",
            file=SimpleUploadedFile("p.jpg", image.getvalue(), content_type="image/jpeg"),
        )
        cache_[inside] = (
            project,
            project.milestones.order_by("position").first(),
            project.parties.get(),
            photo,
        )
    return cache_[inside]


def _project(world, inside: bool):
    return _project_objects(world, inside)[0]


def _project_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    project = _project(world, inside)
    return Sample({"pk": project.pk}, project)


def _milestone_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    project, milestone, _party, _photo = _project_objects(world, inside)
    return Sample({"pk": project.pk, "milestone_id": milestone.pk}, project)


def _party_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    project, _milestone, party, _photo = _project_objects(world, inside)
    return Sample({"pk": project.pk, "party_id": party.pk}, project)


def _photo_remove_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    project, _milestone, _party, photo = _project_objects(world, inside)
    return Sample({"pk": project.pk, "photo_id": photo.pk}, project)


def _photo_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    project, _milestone, _party, photo = _project_objects(world, inside)
    return Sample({"pk": photo.pk}, project)


REGISTRY: dict = {
    # Public pages and API.
    "projects:detail": _project_sample,
    "projects:photo": _photo_sample,
    "api-project": _project_sample,
    # Staff pages: the project's page, its edit form and participants, and each POST action.
    **{
        f"projects:staff-{name}": _project_sample
        for name in (
            "detail",
            "edit",
            "participants",
            "start",
            "suspend",
            "resume",
            "finish",
            "cancel",
            "milestone-add",
            "party-add",
            "photo-add",
        )
    },
    **{
        f"projects:staff-milestone-{name}": _milestone_sample
        for name in ("edit", "remove", "move", "done", "undo")
    },
    "projects:staff-party-remove": _party_sample,
    "projects:staff-photo-remove": _photo_remove_sample,
    "api-project-milestone-done": _milestone_sample,
}

EXPECTED: dict = {
    # Staff pages of projects: grid staff and cadres on the projects of the places they cover; the staff of an
    # organisation on the projects that name it as a party (the world's department in scope is one). Other
    # organisations' staff reach the list, which is empty for them.
    "projects.view_staff": {
        "resident": (F, F, F),
        "grid_leader": (T, T, F),
        "grid_worker": (T, T, F),
        "community_staff": (T, T, F),
        "subdistrict_officer": (T, T, F),
        "city_officer": (T, T, T),
        "department_staff": (T, T, F),
        "institution_operator": (T, F, F),
        "merchant": (T, F, F),
        "party_member": (F, F, F),
        "volunteer": (F, F, F),
        "admin": (T, T, T),
        "anonymous": (F, F, F),
    },
    # Setting projects up and running them (两委): community staff and the cadres above them.
    "projects.manage": {
        "resident": (F, F, F),
        "grid_leader": (F, F, F),
        "grid_worker": (F, F, F),
        "community_staff": (T, T, F),
        "subdistrict_officer": (T, T, F),
        "city_officer": (T, T, T),
        "department_staff": (F, F, F),
        "institution_operator": (F, F, F),
        "merchant": (F, F, F),
        "party_member": (F, F, F),
        "volunteer": (F, F, F),
        "admin": (T, T, T),
        "anonymous": (F, F, F),
    },
    # Ticking milestones off and adding photos: those who run the project, and the parties carrying it out.
    "projects.report_progress": {
        "resident": (F, F, F),
        "grid_leader": (F, F, F),
        "grid_worker": (F, F, F),
        "community_staff": (T, T, F),
        "subdistrict_officer": (T, T, F),
        "city_officer": (T, T, T),
        "department_staff": (T, T, F),
        "institution_operator": (T, F, F),
        "merchant": (T, F, F),
        "party_member": (F, F, F),
        "volunteer": (F, F, F),
        "admin": (T, T, T),
        "anonymous": (F, F, F),
    },
    # The spreadsheet of the projects of a place: community staff and above.
    "projects.export": {
        "resident": (F, F, F),
        "grid_leader": (F, F, F),
        "grid_worker": (F, F, F),
        "community_staff": (T, T, F),
        "subdistrict_officer": (T, T, F),
        "city_officer": (T, T, T),
        "department_staff": (F, F, F),
        "institution_operator": (F, F, F),
        "merchant": (F, F, F),
        "party_member": (F, F, F),
        "volunteer": (F, F, F),
        "admin": (T, T, T),
        "anonymous": (F, F, F),
    },
}

RULE_OBJECTS: dict = {
    "projects.view_staff": _project,
    "projects.manage": _project,
    "projects.report_progress": _project,
    "projects.export": lambda world, inside: world.place(inside),
}
