import pytest
from django.core.exceptions import ValidationError

from huiketing.core.models import AuditEntry
from huiketing.people.models import Role, RoleAssignment
from huiketing.places import selectors, services
from huiketing.places.models import Place, PlaceCodeHistory, ServicePoint
from tests.conftest import square


def test_place_create_derives_level_and_parent_and_audits(tree, staff):
    admin = staff[Role.ADMIN]
    place = services.place_create(by=admin, code="654301001003", names={"zh-hans": "新社区", "en": "New"})
    assert place.level == "community"
    assert place.parent == tree.subdistricts[0]
    entry = AuditEntry.objects.get(action="places.place.create", object_id=str(place.pk))
    assert entry.actor == admin
    assert entry.changes["code"] == [None, "654301001003"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "654301009001", "names": {"zh-hans": "x"}}, "code"),  # parent missing
        ({"code": "654301001001", "names": {"zh-hans": "x"}}, "code"),  # exists
        ({"code": "65430100100", "names": {"zh-hans": "x"}}, "code"),  # bad length
        ({"code": "654301001003", "names": {"en": "x"}}, "names"),  # no Chinese name
        ({"code": "654301001003", "names": {"xx": "x"}}, "names"),
        ({"code": "654301001003", "names": {"zh-hans": "社区1-2"}}, "names"),  # sibling has that name
        ({"code": "654301001003", "names": {"zh-hans": "x"}, "grid_type": "integrated"}, "grid_type"),
        ({"code": "654301001001009", "names": {"zh-hans": "x"}, "households": -1}, "households"),
        ({"code": "654301001001009", "names": {"zh-hans": "x"}, "boundary": {"type": "Point"}}, "boundary"),
    ],
)
def test_place_create_refuses_bad_input_naming_the_field(tree, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        services.place_create(by=None, **kwargs)
    assert field in caught.value.message_dict


def test_place_update_changes_grid_attributes_and_audits_only_changes(tree, make_user):
    grid = tree.grids[0]
    leader = make_user("leader1")
    services.place_update(
        by=None, place=grid, leader=leader, grid_type="residential", households=120, notes="北区"
    )
    grid.refresh_from_db()
    assert (grid.leader, grid.grid_type, grid.households, grid.notes) == (leader, "residential", 120, "北区")
    entry = AuditEntry.objects.get(action="places.place.update")
    assert set(entry.changes) == {"leader_id", "grid_type", "households", "notes"}
    services.place_update(by=None, place=grid, households=120)
    assert AuditEntry.objects.filter(action="places.place.update").count() == 1


def test_place_update_refuses_grid_attributes_on_a_community(tree):
    with pytest.raises(ValidationError) as caught:
        services.place_update(by=None, place=tree.communities[0], households=3)
    assert "households" in caught.value.message_dict


def test_place_update_repairs_boundary_and_sets_centroid(tree):
    grid = tree.grids[0]
    services.place_update(by=None, place=grid, boundary=square(88.2, 47.9, 0.02))
    grid.refresh_from_db()
    assert grid.centroid_lat == pytest.approx(47.91)
    assert grid.centroid_lng == pytest.approx(88.21)
    # The audit log records a short fingerprint of the boundary, not the whole geometry.
    old, new = AuditEntry.objects.get(action="places.place.update").changes["boundary"]
    assert old.startswith("Polygon ") and new.startswith("Polygon ") and old != new


def test_service_point_found_by_position(tree):
    point = services.service_point_create(
        by=None, kind="red_post", names={"zh-hans": "红色驿站"}, lat=47.845, lng=88.115
    )
    assert point.place == tree.grids[1]
    assert point.place_code == "654301001001002"
    assert AuditEntry.objects.filter(action="places.service_point.create").count() == 1
    services.service_point_update(by=None, service_point=point, lat=47.845, lng=88.135)
    point.refresh_from_db()
    assert point.place_code == "654301001002002"


def test_service_point_outside_every_grid_needs_a_place(tree):
    with pytest.raises(ValidationError) as caught:
        services.service_point_create(by=None, kind="canteen", names={"zh-hans": "食堂"}, lat=40.0, lng=80.0)
    assert "place" in caught.value.message_dict
    point = services.service_point_create(
        by=None, kind="canteen", names={"zh-hans": "食堂"}, lat=40.0, lng=80.0, place=tree.communities[0]
    )
    assert point.place_code == tree.communities[0].code


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"kind": "nope"}, "kind"), ({"lat": 91.0}, "lat"), ({"lng": "x"}, "lng"), ({"names": {}}, "names")],
)
def test_service_point_bad_input(tree, kwargs, field):
    values = {"kind": "red_post", "names": {"zh-hans": "驿站"}, "lat": 47.845, "lng": 88.105} | kwargs
    with pytest.raises(ValidationError) as caught:
        services.service_point_create(by=None, **values)
    assert field in caught.value.message_dict


def _swap_first_community(tree):
    """Move grid 001 east of grid 002, so reading order asks for a swap of their codes."""
    first, second = tree.grids[0], tree.grids[1]
    services.place_update(by=None, place=first, boundary=square(88.11, 47.84, 0.01))
    services.place_update(by=None, place=second, boundary=square(88.10, 47.84, 0.01))
    return first, second


def test_renumber_in_order_changes_nothing(tree):
    report = services.grids_renumber(by=None, community=tree.communities[0])
    assert not report.changes
    assert not report.applied
    assert not PlaceCodeHistory.objects.exists()


def test_renumber_dry_run_writes_nothing(tree):
    first, _second = _swap_first_community(tree)
    report = services.grids_renumber(by=None, community=tree.communities[0], dry_run=True)
    assert [(row.old_code, row.new_code) for row in report.changes] == [
        ("654301001001002", "654301001001001"),
        ("654301001001001", "654301001001002"),
    ]
    first.refresh_from_db()
    assert first.code == "654301001001001"
    assert not PlaceCodeHistory.objects.exists()


def test_renumber_swaps_codes_with_history_references_and_audit(tree, make_user):
    first, second = _swap_first_community(tree)
    point = services.service_point_create(
        by=None, kind="talk_point", names={"zh-hans": "说事点"}, lat=47.845, lng=88.115
    )
    assert point.place_code == first.code == "654301001001001"
    leader = make_user("leader-of-first", Role.GRID_LEADER, first.code)
    admin = make_user("boss", Role.ADMIN)

    report = services.grids_renumber(by=admin, community=tree.communities[0])

    assert report.applied
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.code, second.code) == ("654301001001002", "654301001001001")
    point.refresh_from_db()
    assert point.place_code == "654301001001002"
    assert RoleAssignment.objects.get(user=leader).place_code == "654301001001002"
    history = {(h.place_id, h.old_code, h.new_code) for h in PlaceCodeHistory.objects.all()}
    assert history == {
        (first.pk, "654301001001001", "654301001001002"),
        (second.pk, "654301001001002", "654301001001001"),
    }
    entries = AuditEntry.objects.filter(action="places.grid.renumber")
    assert entries.count() == 2
    assert all(entry.actor == admin for entry in entries)
    # Nothing is left on a temporary code.
    assert set(Place.objects.filter(parent=tree.communities[0]).values_list("code", flat=True)) == {
        "654301001001001",
        "654301001001002",
    }
    assert not ServicePoint.objects.exclude(place_code__in=[first.code, second.code]).exists()


def test_reading_order_rows_north_first_then_west_to_east(tree):
    community = tree.communities[0]
    # Four grids in two rows; the northern row is slightly ragged but within half a band.
    layout = {
        "654301001001001": square(88.11, 47.84, 0.01),  # south-east
        "654301001001002": square(88.10, 47.85, 0.01),  # north-west
    }
    for code, boundary in layout.items():
        services.place_update(by=None, place=Place.objects.get(code=code), boundary=boundary)
    services.place_create(
        by=None, code="654301001001003", names={"zh-hans": "网格3"}, boundary=square(88.11, 47.852, 0.01)
    )
    services.place_create(
        by=None, code="654301001001004", names={"zh-hans": "网格4"}, boundary=square(88.10, 47.84, 0.01)
    )
    report = services.grids_renumber(by=None, community=community)
    assert [(row.old_code[-3:], row.new_code[-3:]) for row in report.rows] == [
        ("002", "001"),  # north-west
        ("003", "002"),  # north-east (0.002° further north, same row)
        ("004", "003"),  # south-west
        ("001", "004"),  # south-east
    ]


def test_former_codes_keep_resolving(tree):
    first, _second = _swap_first_community(tree)
    services.grids_renumber(by=None, community=tree.communities[0])
    first.refresh_from_db()
    assert selectors.place_get(code="654301001001001").code == "654301001001001"
    assert first.code_history.get().old_code == "654301001001001"


def test_renumber_refuses_a_non_community(tree):
    with pytest.raises(ValidationError) as caught:
        services.grids_renumber(by=None, community=tree.subdistricts[0])
    assert "community" in caught.value.message_dict


def test_registered_tables_follow_renumbering(tree, staff):
    """Every registered place-code column (here people.Organisation) follows a renumbering."""
    from huiketing.people.models import Organisation

    before = list(services.PLACE_CODE_REFERENCES)
    services.place_code_reference_register(model_label="places.ServicePoint", field_name="place_code")
    assert before == services.PLACE_CODE_REFERENCES  # registering twice changes nothing
    first, _second = _swap_first_community(tree)
    organisation = Organisation.objects.create(
        kind="merchant", names={"zh-hans": "商户"}, place_code=first.code
    )
    services.grids_renumber(by=None, community=tree.communities[0])
    organisation.refresh_from_db()
    assert organisation.place_code == "654301001001002"
