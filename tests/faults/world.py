"""The little world a fault test runs against, made through the project's own services in the database that
DATABASE_URL names. Run by the tests as a separate process (`python -m tests.faults.world COMMAND`), with the
same environment as the processes under test; prints one line of JSON.

    web                 a grid leader with an API token, a household in their grid and one outside it
    imports COUNT ROWS  a community staff account and COUNT spreadsheets of ROWS residents each, uploaded,
                        checked and their import requested: COUNT commit jobs wait in the queue
    enqueue             one short job (the pruning of stored Idempotency-Key answers) in the queue
"""

import json
import sys
from datetime import date, timedelta


def _tree():
    from huiketing.places.models import Level, Place

    def place(code, level, parent):
        names = {"zh-hans": f"测试{code[-3:]}", "en": f"Test {code[-3:]}"}
        defaults = {"level": level, "parent": parent, "names": names}
        return Place.objects.get_or_create(code=code, defaults=defaults)[0]

    city = place("654301", Level.CITY, None)
    subdistrict = place("654301001", Level.SUBDISTRICT, city)
    communities = [place(f"654301001{c:03d}", Level.COMMUNITY, subdistrict) for c in (1, 2)]
    grids = [place(f"{com.code}{g:03d}", Level.GRID, com) for com in communities for g in (1, 2)]
    return communities, grids


def _account(username: str, role: str, place_code: str):
    from huiketing.people.models import User
    from huiketing.people.services import role_assign

    user = User.objects.create_user(username=username, password="faults-password-0123")
    role_assign(by=None, user=user, role=role, place_code=place_code)
    return user


def web() -> dict:
    from rest_framework.authtoken.models import Token

    from huiketing.people.models import Role
    from huiketing.people.services import household_create

    _communities, grids = _tree()
    leader = _account("faults_gridleader", Role.GRID_LEADER, grids[0].code)
    token, _created = Token.objects.get_or_create(user=leader)
    inside = household_create(by=None, grid=grids[0], building="1", room="101")
    outside = household_create(by=None, grid=grids[2], building="1", room="101")
    return {"token": token.key, "household": inside.pk, "household_outside": outside.pk, "user": leader.pk}


def _sheet(path, first: int, rows: int, grid_code: str, building: str) -> None:
    from openpyxl import Workbook

    from huiketing.people.validators import id_check_character
    from huiketing.people.xlsx import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民")
    sheet.append([column.header for column in COLUMNS])
    for n in range(first, first + rows):
        birth = date(1940, 1, 1) + timedelta(days=n)
        first_17 = f"654301{birth:%Y%m%d}101"
        k = (n - first) // 3
        sheet.append(
            [
                grid_code,
                building,
                str(k // 100 + 1),
                str(101 + k % 100),
                "自有",
                "测试居民" + "".join("〇一二三四五六七八九"[int(d)] for d in f"{n:05d}"),
                first_17 + id_check_character(first_17),
                "户主" if (n - first) % 3 == 0 else "子女",
                "汉族",
                f"139{n:08d}",
                "",
                "2020-01-31",
            ]
        )
    workbook.save(path)


def imports(count: int, rows: int) -> dict:
    import tempfile
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from huiketing.people import imports as registry_imports
    from huiketing.people.models import RegistryImport, Role

    communities, grids = _tree()
    staff = _account("faults_community", Role.COMMUNITY_STAFF, communities[0].code)
    jobs = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(count):
            path = Path(folder) / f"sheet-{i}.xlsx"
            _sheet(path, first=i * rows, rows=rows, grid_code=grids[i % 2].code, building=str(10 + i))
            job = registry_imports.registry_import_upload(
                by=staff,
                upload=SimpleUploadedFile(path.name, path.read_bytes()),
                place_code=communities[0].code,
            )
            # The check job was queued by the upload; run the check here so that the import can be requested
            # at once. The queued check then finds the job past checking and does nothing.
            job = registry_imports.registry_import_run_check(job=job)
            assert job.status == RegistryImport.Status.CHECKED and not job.error_count, job.errors[:3]
            registry_imports.registry_import_request_commit(by=staff, job=job)
            jobs.append(job.pk)
    return {"imports": jobs, "rows": rows}


def enqueue() -> dict:
    from huiketing.core.tasks import idempotency_prune

    return {"task": str(idempotency_prune.enqueue().id)}


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command, *args = argv
    if command == "web":
        result = web()
    elif command == "imports":
        result = imports(int(args[0]), int(args[1]))
    elif command == "enqueue":
        result = enqueue()
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
