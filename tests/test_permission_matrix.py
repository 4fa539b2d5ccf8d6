"""The permission matrix: every URL of the project × every role × in scope / out of scope.

1. Every view of ours declares a permission (`permission_required`: a rules permission or PUBLIC); a view
   from a third-party package is accepted only from THIRD_PARTY, with the reason written next to it.
2. Every URL is requested (GET) by every role, once with an object in the role's scope and once with one
   outside it, and the answer must agree with the declared permission:
   PUBLIC → never 401/403/404 nor a detour to the login page; granted by `user.has_perm(perm, obj)` → the
   page (405 counts: the view only takes POST); refused → 403, or 404 where an object is involved (and
   always 404 when the role may use the view but not on this object: missing and forbidden look alike);
   anonymous → the login page (HTML) or 401/403 (API). No view may answer 5xx, nor a 4xx other than
   401/403/404/405 (a 400 means the sample does not fit the view).
   A URL with parameters needs a sample in REGISTRY; a URL without one fails the test with a message saying
   so, so the matrix grows with every URL added to the project.
3. The rules themselves, checked against a table written by hand (meinBerlin style): every permission ×
   every role × no object / object in scope / object out of scope → True or False. A permission missing
   from the table fails the test.

"In scope" means what the role holds: grid roles and residents on the first grid, community staff, party
members and volunteers on its community, the subdistrict officer on its subdistrict, the city officer on the
city, organisation roles on organisations of the first community, administrators everywhere. Objects in scope
lie in the first grid (first subdistrict, first community); objects out of scope lie in the second
subdistrict.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlparse

import pytest
import rules
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.views import APIView

from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry
from huiketing.core.permissions import PUBLIC, declared_permission
from huiketing.people.models import Organisation, Role, User
from huiketing.people.services import role_assign
from huiketing.places.models import Place
from tests import matrix as matrix_parts

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ROLES = [role.value for role in Role]
PRINCIPALS = [*ROLES, ANONYMOUS, SUPERUSER]

# Views from other packages that we route to, each with why it needs no `permission_required` of ours.
THIRD_PARTY = {
    "admin": "Django admin (the whole `admin` namespace): guarded by is_staff and model permissions of its "
    "own; the matrix requests its index only.",
    "set_language": "django.views.i18n.set_language, marked public() in urls.py: anyone may switch language.",
}


# --- The world ----------------------------------------------------------------------------------------------


@dataclass
class World:
    tree: Any
    users: dict[str, Any] = field(default_factory=dict)
    organisations: dict[str, list[Organisation]] = field(default_factory=dict)
    audit_entries: list[AuditEntry] = field(default_factory=list)

    def place(self, in_scope: bool) -> Place:
        """The grid objects live in: the first grid, or the first grid of the second subdistrict."""
        return self.tree.grids[0] if in_scope else self.tree.grids[4]

    def community(self, in_scope: bool) -> Place:
        return self.tree.communities[0] if in_scope else self.tree.communities[2]

    def audit_entry(self, in_scope: bool) -> AuditEntry:
        return self.audit_entries[0] if in_scope else self.audit_entries[1]


ORGANISATION_KINDS = {
    Role.DEPARTMENT_STAFF: Organisation.Kind.DEPARTMENT,
    Role.INSTITUTION_OPERATOR: Organisation.Kind.INSTITUTION,
    Role.MERCHANT: Organisation.Kind.MERCHANT,
}


def scope_of(role: str, world_tree) -> str:
    grid = world_tree.grids[0].code
    return {
        Role.RESIDENT: grid,
        Role.GRID_LEADER: grid,
        Role.GRID_WORKER: grid,
        Role.COMMUNITY_STAFF: grid[:12],
        Role.PARTY_MEMBER: grid[:12],
        Role.VOLUNTEER: grid[:12],
        Role.SUBDISTRICT_OFFICER: grid[:9],
        Role.CITY_OFFICER: grid[:6],
        Role.ADMIN: "",
    }.get(role, "")


@pytest.fixture
def world(tree, make_user) -> World:
    result = World(tree=tree)
    for role, kind in ORGANISATION_KINDS.items():
        result.organisations[role] = [
            Organisation.objects.create(
                kind=kind, names={"zh-hans": f"{kind} 甲"}, place_code=tree.communities[0].code
            ),
            Organisation.objects.create(
                kind=kind, names={"zh-hans": f"{kind} 乙"}, place_code=tree.communities[2].code
            ),
        ]
    for role in ROLES:
        user = make_user(f"m_{role}")
        if role in ORGANISATION_KINDS:
            role_assign(by=None, user=user, role=role, organisation=result.organisations[role][0])
        else:
            role_assign(by=None, user=user, role=role, place_code=scope_of(role, tree))
        result.users[role] = user
    result.users[SUPERUSER] = User.objects.create_superuser(
        "m_superuser", "root@example.org", "pass-for-tests-1"
    )
    result.users[ANONYMOUS] = AnonymousUser()
    result.audit_entries = [
        audit_record(actor=None, action="tests.matrix.inside", place_code=result.place(True).code),
        audit_record(actor=None, action="tests.matrix.outside", place_code=result.place(False).code),
    ]
    return result


# --- Samples for URLs with parameters -----------------------------------------------------------------------


class Sample(NamedTuple):
    kwargs: dict
    obj: Any = None  # the object `has_perm` is asked about, or None
    query: dict | None = None  # query parameters the view needs to answer at all


# The residents registry: one household with one resident in the grid in scope and one in the grid outside it,
# made on first use (every sample of a world shares them).
REGISTRY_ID_NUMBERS = {True: "65430119800101001", False: "65430119800101002"}


def _registry_objects(w: World, inside: bool):
    from huiketing.people import services as people_services
    from huiketing.people.validators import id_check_character

    cache_ = w.__dict__.setdefault("_registry_objects", {})
    if inside not in cache_:
        household = people_services.household_create(by=None, grid=w.place(inside), building="1", room="101")
        first_17 = REGISTRY_ID_NUMBERS[inside]
        resident = people_services.resident_create(
            by=None,
            household=household,
            full_name="测试居民",
            id_number=first_17 + id_check_character(first_17),
            phone="13900001111" if inside else "13900002222",
        )
        cache_[inside] = (household, resident)
    return cache_[inside]


def _registry_resident(w: World, inside: bool):
    return _registry_objects(w, inside)[1]


def _registry_household(w: World, inside: bool):
    return _registry_objects(w, inside)[0]


def _resident_sample(w: World, inside: bool) -> "Sample":
    resident = _registry_resident(w, inside)
    return Sample({"pk": resident.pk}, resident)


def _household_sample(w: World, inside: bool) -> "Sample":
    household = _registry_household(w, inside)
    return Sample({"pk": household.pk}, household)


def _registry_import_sample(world: World, inside: bool) -> Sample:
    """A finished spreadsheet import in the first community, or in one of the second subdistrict."""
    from huiketing.people.models import RegistryImport

    job, _created = RegistryImport.objects.get_or_create(
        file_path=f"matrix-{inside}.xlsx",
        defaults={"place_code": world.community(inside).code, "status": RegistryImport.Status.DONE},
    )
    return Sample({"pk": job.pk}, job)


def _open311_matter(world: World, inside: bool):
    """A matter raised in the grid in scope, or in one outside it (Open311 reads are public either way)."""
    from huiketing.matters import services as matter_services
    from huiketing.matters.models import Category, Matter

    category, _created = Category.objects.get_or_create(
        code="open311-matrix", defaults={"names": {"en": "Matrix"}}
    )
    title = f"open311-matrix-{inside}"
    return Matter.objects.filter(title=title).first() or matter_services.matter_raise(
        by=None, title=title, description=title, category=category, place_code=world.place(inside).code
    )


def _staff_matter_objects(world: World, inside: bool):
    """A matter in the grid in scope (or outside it) dispatched to the department-staff organisation in scope
    (or the other one), signed for, with a pending request for more time and an internal photo."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from huiketing.matters import services as matter_services
    from huiketing.matters.models import Category, HandlingUnit

    cache_ = world.__dict__.setdefault("_staff_matters", {})
    if inside not in cache_:
        category, _created = Category.objects.get_or_create(
            code="staff-matrix", defaults={"names": {"en": "Matrix"}}
        )
        organisation = world.organisations[Role.DEPARTMENT_STAFF][0 if inside else 1]
        unit = HandlingUnit.objects.create(
            kind=HandlingUnit.Kind.DEPARTMENT,
            names={"en": "Unit"},
            place_code="654301",
            organisation=organisation,
        )
        matter = matter_services.matter_raise(
            by=None,
            title="staff-matrix",
            description="staff-matrix",
            category=category,
            place_code=world.place(inside).code,
        )
        [dispatch] = matter_services.matter_dispatch(by=None, matter=matter, units=[unit])
        matter_services.dispatch_sign(by=None, dispatch=dispatch)
        extension = matter_services.extension_request(by=None, dispatch=dispatch, working_days=2, reason="x")
        image = io.BytesIO()
        Image.new("RGB", (4, 4)).save(image, format="PNG")
        event = matter_services.matter_update_post(
            by=None,
            matter=matter,
            text="x",
            is_public=False,
            photos=[SimpleUploadedFile("p.png", image.getvalue(), content_type="image/png")],
        )
        cache_[inside] = (matter, dispatch, extension, event.photos.get())
    return cache_[inside]


def _staff_matter_sample(world: World, inside: bool) -> Sample:
    matter = _staff_matter_objects(world, inside)[0]
    return Sample({"pk": matter.pk}, matter)


def _staff_dispatch_sample(world: World, inside: bool) -> Sample:
    matter, dispatch, _extension, _photo = _staff_matter_objects(world, inside)
    return Sample({"pk": matter.pk, "dispatch_id": dispatch.pk}, dispatch)


def _staff_extension_sample(world: World, inside: bool) -> Sample:
    matter, _dispatch, extension, _photo = _staff_matter_objects(world, inside)
    return Sample({"pk": matter.pk, "extension_id": extension.pk}, matter)


def _staff_photo_sample(world: World, inside: bool) -> Sample:
    matter, _dispatch, _extension, photo = _staff_matter_objects(world, inside)
    return Sample({"pk": photo.pk}, matter)


def _public_matter_objects(world: World, inside: bool):
    """A public matter raised (by nobody's account) in the grid in scope, or outside it, with a photo."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from huiketing.matters import services as matter_services
    from huiketing.matters.models import Category

    cache_ = world.__dict__.setdefault("_public_matters", {})
    if inside not in cache_:
        category, _created = Category.objects.get_or_create(
            code="public-matrix", defaults={"names": {"en": "Matrix"}}
        )
        image = io.BytesIO()
        Image.new("RGB", (4, 4)).save(image, format="JPEG")
        matter = matter_services.matter_raise(
            by=None,
            title="public-matrix",
            description="public-matrix",
            category=category,
            place_code=world.place(inside).code,
            photos=[SimpleUploadedFile("p.jpg", image.getvalue(), content_type="image/jpeg")],
        )
        cache_[inside] = (matter, matter.photos.get())
    return cache_[inside]


def _public_matter_sample(world: World, inside: bool) -> Sample:
    matter = _public_matter_objects(world, inside)[0]
    return Sample({"pk": matter.pk}, matter)


def _public_photo_sample(world: World, inside: bool) -> Sample:
    matter, photo = _public_matter_objects(world, inside)
    return Sample({"pk": photo.pk}, matter)


# URL name → function(world, in_scope) → Sample. Add one for every URL that takes parameters.
REGISTRY: dict[str, Callable[[World, bool], Sample]] = {
    # Matters, staff pages (matters/staff_urls.py).
    **{
        f"matters:staff-{name}": _staff_matter_sample
        for name in (
            "detail",
            "accept",
            "reject",
            "table",
            "untable",
            "merge",
            "dispatch",
            "handle-directly",
            "update",
            "complete",
            "follow-up",
            "follow",
        )
    },
    **{
        f"matters:staff-dispatch-{name}": _staff_dispatch_sample
        for name in ("sign", "return", "extend", "update", "done")
    },
    "matters:staff-extension-decide": _staff_extension_sample,
    "matters:staff-photo": _staff_photo_sample,
    # Matters, public and residents' pages (matters/public_urls.py) and their API (matters/api_urls.py).
    "matters:detail": _public_matter_sample,
    "matters:follow": _public_matter_sample,
    "matters:unfollow": _public_matter_sample,
    "matters:evaluate": _public_matter_sample,
    "matters:photo": _public_photo_sample,
    "api-matter": _public_matter_sample,
    "api-matter-follow": _public_matter_sample,
    "api-matter-evaluate": _public_matter_sample,
    # Open311 GeoReport v2 (public; every URL names its format).
    "open311:services": lambda w, inside: Sample({"fmt": "json"}),
    "open311:service": lambda w, inside: Sample(
        {"service_code": _open311_matter(w, inside).category.code, "fmt": "xml"}
    ),
    "open311:requests": lambda w, inside: Sample({"fmt": "xml"}),
    "open311:request": lambda w, inside: Sample(
        {"service_request_id": _open311_matter(w, inside).pk, "fmt": "json"}
    ),
    "open311:token": lambda w, inside: Sample({"token": str(_open311_matter(w, inside).token), "fmt": "xml"}),
    "core:audit-detail": lambda w, inside: Sample({"pk": w.audit_entry(inside).pk}, w.audit_entry(inside)),
    "api-audit-detail": lambda w, inside: Sample({"pk": w.audit_entry(inside).pk}, w.audit_entry(inside)),
    "places:detail": lambda w, inside: Sample({"code": w.place(inside).code}, w.place(inside)),
    "places:renumber": lambda w, inside: Sample({"code": w.community(inside).code}, w.community(inside)),
    "api-region-detail": lambda w, inside: Sample({"code": w.place(inside).code}, w.place(inside)),
    "api-regions-locate": lambda w, inside: Sample(
        {}, w.place(inside), {"lat": w.place(inside).centroid_lat, "lng": w.place(inside).centroid_lng}
    ),
    "people:registry-import-job": lambda w, inside: _registry_import_sample(w, inside),
    "people:registry-import-commit": lambda w, inside: _registry_import_sample(w, inside),
    # Residents registry: staff pages and API.
    "people:registry-resident": _resident_sample,
    "people:registry-resident-reveal": _resident_sample,
    "people:registry-resident-tags": _resident_sample,
    "people:registry-resident-edit": _resident_sample,
    "people:registry-resident-move": _resident_sample,
    "people:registry-resident-status": _resident_sample,
    "people:registry-consent-new": _resident_sample,
    "people:registry-household": _household_sample,
    "people:registry-household-move": _household_sample,
    "people:registry-resident-new": _household_sample,
    "people:registry-visit-new": _household_sample,
    "people:registry-visit-done": _household_sample,
    # Assisted mode (people/signup_urls.py): start acting for a resident, POST only.
    "people:assist-start": lambda w, inside: Sample(
        {"resident_id": _registry_resident(w, inside).pk}, _registry_resident(w, inside)
    ),
    "api-registry-resident": _resident_sample,
    "api-registry-resident-reveal": _resident_sample,
    "api-registry-household": _household_sample,
    "api-registry-household-visits": _household_sample,
}
REGISTRY.update(matrix_parts.merged("REGISTRY"))


# --- Walking the URLconf ------------------------------------------------------------------------------------


@dataclass
class Route:
    name: str | None  # with namespaces, as reverse() takes it
    route: str
    callback: Any
    params: list[str]
    namespace: str

    @property
    def label(self) -> str:
        return self.name or f"/{self.route} (unnamed)"

    @property
    def is_ours(self) -> bool:
        return (getattr(self.callback, "__module__", "") or "").startswith("huiketing.")

    @property
    def is_api(self) -> bool:
        view_class = getattr(self.callback, "cls", None)
        return isinstance(view_class, type) and issubclass(view_class, APIView)

    @property
    def third_party_reason(self) -> str | None:
        if self.namespace == "admin" or self.namespace.startswith("admin:"):
            return THIRD_PARTY["admin"]
        return THIRD_PARTY.get(self.name or "")


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex
        return list(regex.groupindex) or [f"group{n}" for n in range(regex.groups)]
    return []


def walk(patterns=None, prefix: str = "", namespace: str = "", params: list[str] | None = None):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    params = params or []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), inner, params + _params(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
            yield Route(
                name,
                prefix + str(pattern.pattern),
                pattern.callback,
                params + _params(pattern.pattern),
                namespace,
            )


ROUTES = list(walk())


def test_the_walk_finds_included_and_namespaced_urls():
    names = {route.name for route in ROUTES}
    assert {
        "home",
        "healthz",
        "core:audit-list",
        "core:audit-detail",
        "api-me",
        "api-auth-token",
        "admin:index",
    } <= names


def test_every_view_declares_a_permission():
    problems = []
    for route in ROUTES:
        reason = route.third_party_reason
        if route.is_ours:
            if declared_permission(route.callback) is None:
                problems.append(f"{route.label}: {route.callback.__module__} declares no permission_required")
        elif reason is None:
            problems.append(
                f"{route.label}: third-party view {route.callback.__module__}.{route.callback.__name__} "
                "is not in THIRD_PARTY (add it with the reason it needs no permission of ours)"
            )
    assert not problems, "\n".join(problems)


def test_declared_permissions_exist():
    """A misspelt permission would refuse everyone and look like a working guard."""
    unknown = [
        f"{route.label}: {perm}"
        for route in ROUTES
        if route.is_ours
        and (perm := declared_permission(route.callback)) not in (None, PUBLIC)
        and not rules.perm_exists(perm)
    ]
    assert not unknown, "\n".join(unknown)


# --- Requesting every URL as every role ---------------------------------------------------------------------


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307) and urlparse(
        response["Location"]
    ).path == resolve_url(settings.LOGIN_URL)


def _check(route: Route, principal: str, user, response, perm: str, obj) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status >= 400 and status not in (401, 403, 404, 405):
        # 400, 409, 429 …: the sample in REGISTRY (or the cache clearing) is not right for this view.
        return f"answered {status}: give the URL a working sample in REGISTRY"
    if perm == PUBLIC:
        if status in (401, 403, 404) or _is_login_redirect(response):
            return f"public view answered {status} {response.get('Location', '')}"
        return None
    if principal == ANONYMOUS:
        if route.is_api:
            return None if status in (401, 403) else f"anonymous got {status}, expected 401/403"
        return None if _is_login_redirect(response) else f"anonymous got {status}, expected the login page"
    if user.has_perm(perm, obj):
        if status in (401, 403, 404) or _is_login_redirect(response):
            return f"{perm} is granted but the view answered {status}"
        return None
    if obj is not None and user.has_perm(perm):
        # May use the view, but not on this object: it must look missing.
        return None if status == 404 else f"{perm} refused on this object, expected 404, got {status}"
    return None if status in (403, 404) else f"{perm} is refused but the view answered {status}"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_url_answers_as_its_permission_says(client, world, principal):
    user = world.users[principal]
    if principal != ANONYMOUS:
        client.force_login(user)
    problems = []
    checked = 0
    for route in ROUTES:
        if route.namespace.startswith("admin"):
            continue  # the admin index is checked below; the rest of the admin is Django's
        perm = declared_permission(route.callback)
        if perm is None:
            continue  # reported by test_every_view_declares_a_permission (or Django's, allowed there)
        sampler = REGISTRY.get(route.name or "")
        if route.params and sampler is None:
            problems.append(
                f"{route.label} (/{route.route}) takes {route.params}: add a sample for it to REGISTRY in "
                "tests/test_permission_matrix.py"
            )
            continue
        for in_scope in (True, False) if sampler else (None,):
            sample = sampler(world, in_scope) if sampler else Sample({})
            url = reverse(route.name, kwargs=sample.kwargs) if route.name else "/" + route.route
            cache.clear()  # rate-limit counters must not leak from one request to the next
            where = {True: "in scope", False: "out of scope", None: "no object"}[in_scope]
            try:
                response = client.get(url, sample.query or {})
            except Exception as exc:  # a view that crashes is a failure of this URL, not of the whole test
                problems.append(f"{route.label} [{where}] {url}: raised {exc!r}")
                continue
            checked += 1
            if problem := _check(route, principal, user, response, perm, sample.obj):
                problems.append(f"{route.label} [{where}] {url} as {principal}: {problem}")
    assert checked > 10
    assert not problems, f"{principal}:\n" + "\n".join(problems)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_admin_index_is_for_staff_accounts_only(client, world, principal):
    user = world.users[principal]
    if principal != ANONYMOUS:
        client.force_login(user)
    response = client.get(reverse("admin:index"))
    if getattr(user, "is_staff", False):
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert urlparse(response["Location"]).path == reverse("admin:login")


# --- The rules, against intent ------------------------------------------------------------------------------

T, F = True, False
R = Role
# Permission → role → (no object, object in scope, object out of scope). Written by hand from the design:
# who should be able to do what, not copied from the predicates.
EXPECTED: dict[str, dict[str, tuple[bool, bool, bool]]] = {
    # Any signed-in account raises a matter; staff raise for a resident of the places they cover.
    "matters.raise": {
        R.RESIDENT: (T, T, T),
        R.GRID_LEADER: (T, T, T),
        R.GRID_WORKER: (T, T, T),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (T, T, T),
        R.MERCHANT: (T, T, T),
        R.PARTY_MEMBER: (T, T, T),
        R.VOLUNTEER: (T, T, T),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "matters.follow": {
        R.RESIDENT: (T, T, T),
        R.GRID_LEADER: (T, T, T),
        R.GRID_WORKER: (T, T, T),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (T, T, T),
        R.MERCHANT: (T, T, T),
        R.PARTY_MEMBER: (T, T, T),
        R.VOLUNTEER: (T, T, T),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "matters.raise_for_resident": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "matters.view_staff": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # Grid staff and cadres record a phone follow-up (回访) on the matters of their places.
    "matters.record_follow_up": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # The community's committees and the cadres above them triage (两委提事).
    "matters.triage": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "matters.export": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # A dispatch is handled by the staff of its unit: the world's dispatch goes to a department in scope.
    "matters.handle": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, F, F),
        R.SUBDISTRICT_OFFICER: (T, F, F),
        R.CITY_OFFICER: (T, F, F),
        R.DEPARTMENT_STAFF: (T, T, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # Only the raiser evaluates; the world's matter was raised by staff for nobody, so no one may.
    "matters.evaluate": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (F, F, F),
        R.SUBDISTRICT_OFFICER: (F, F, F),
        R.CITY_OFFICER: (F, F, F),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (F, F, F),
        ANONYMOUS: (F, F, F),
    },
    # Rates of the places a staff member covers; department staff read their units' rates.
    "matters.view_rates": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # The staff pages of matters: grid staff and cadres on the matters of the places they cover; a handling
    # unit's staff (department staff) on the matters dispatched to their unit, whatever their place.
    "matters.view_staff_pages": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "core.view_audit_log": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "core.export_audit_log": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "core.view_own_account": {
        R.RESIDENT: (T, T, T),
        R.GRID_LEADER: (T, T, T),
        R.GRID_WORKER: (T, T, T),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (T, T, T),
        R.MERCHANT: (T, T, T),
        R.PARTY_MEMBER: (T, T, T),
        R.VOLUNTEER: (T, T, T),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # Every account has its own notifications (the selectors show nobody anyone else's: another account's
    # notification is a 404, tested in tests/core/test_notifications.py).
    "core.view_own_notifications": {
        R.RESIDENT: (T, T, T),
        R.GRID_LEADER: (T, T, T),
        R.GRID_WORKER: (T, T, T),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (T, T, T),
        R.MERCHANT: (T, T, T),
        R.PARTY_MEMBER: (T, T, T),
        R.VOLUNTEER: (T, T, T),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "core.change_own_notifications": {
        R.RESIDENT: (T, T, T),
        R.GRID_LEADER: (T, T, T),
        R.GRID_WORKER: (T, T, T),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (T, T, T),
        R.MERCHANT: (T, T, T),
        R.PARTY_MEMBER: (T, T, T),
        R.VOLUNTEER: (T, T, T),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "people.change_own_preferences": {
        R.RESIDENT: (T, T, T),
        R.GRID_LEADER: (T, T, T),
        R.GRID_WORKER: (T, T, T),
        R.COMMUNITY_STAFF: (T, T, T),
        R.SUBDISTRICT_OFFICER: (T, T, T),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (T, T, T),
        R.INSTITUTION_OPERATOR: (T, T, T),
        R.MERCHANT: (T, T, T),
        R.PARTY_MEMBER: (T, T, T),
        R.VOLUNTEER: (T, T, T),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "places.import_places": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (F, F, F),
        R.SUBDISTRICT_OFFICER: (F, F, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "places.change_place": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "places.renumber_grids": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # The registry is read by grid staff and cadres in their scope; nobody outside the staff roles sees it.
    "people.view_registry": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "people.change_registry": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "people.record_visit": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (T, T, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # Grid workers see masked numbers only; volunteers, merchants and institution operators see no registry.
    "people.reveal_personal": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (T, T, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    # Spreadsheets in and out are for community staff and above.
    "people.import_registry": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
    "people.export_registry": {
        R.RESIDENT: (F, F, F),
        R.GRID_LEADER: (F, F, F),
        R.GRID_WORKER: (F, F, F),
        R.COMMUNITY_STAFF: (T, T, F),
        R.SUBDISTRICT_OFFICER: (T, T, F),
        R.CITY_OFFICER: (T, T, T),
        R.DEPARTMENT_STAFF: (F, F, F),
        R.INSTITUTION_OPERATOR: (F, F, F),
        R.MERCHANT: (F, F, F),
        R.PARTY_MEMBER: (F, F, F),
        R.VOLUNTEER: (F, F, F),
        R.ADMIN: (T, T, T),
        ANONYMOUS: (F, F, F),
    },
}

EXPECTED.update(matrix_parts.merged("EXPECTED"))

# Permission → function(world, in_scope) → the object it is asked about (None: the permission takes none).
RULE_OBJECTS: dict[str, Callable[[World, bool], Any]] = {
    "people.view_registry": _registry_resident,
    "people.change_registry": _registry_resident,
    "people.record_visit": _registry_household,
    "people.reveal_personal": _registry_resident,
    "people.import_registry": lambda w, inside: w.place(inside),
    "people.export_registry": lambda w, inside: w.place(inside),
    "core.view_audit_log": lambda w, inside: w.audit_entry(inside),
    "places.change_place": lambda w, inside: w.place(inside),
    "places.renumber_grids": lambda w, inside: w.community(inside),
    "matters.view_staff_pages": lambda w, inside: _staff_matter_objects(w, inside)[0],
    "matters.raise_for_resident": lambda w, inside: w.place(inside),
    "matters.view_staff": lambda w, inside: _staff_matter_objects(w, inside)[0],
    "matters.record_follow_up": lambda w, inside: _staff_matter_objects(w, inside)[0],
    "matters.triage": lambda w, inside: _staff_matter_objects(w, inside)[0],
    "matters.export": lambda w, inside: w.place(inside),
    "matters.handle": lambda w, inside: _staff_matter_objects(w, inside)[1],
    "matters.evaluate": lambda w, inside: _staff_matter_objects(w, inside)[0],
    "matters.view_rates": lambda w, inside: w.place(inside),
}
RULE_OBJECTS.update(matrix_parts.merged("RULE_OBJECTS"))


def test_every_registered_permission_has_a_row_for_every_role():
    registered = set(rules.permissions.permissions)
    missing = sorted(registered - set(EXPECTED))
    assert not missing, f"add these permissions to EXPECTED in tests/test_permission_matrix.py: {missing}"
    for perm, by_role in EXPECTED.items():
        assert set(by_role) == {*ROLES, ANONYMOUS}, f"{perm}: one row per role and anonymous"


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_rules_match_the_table(world, perm):
    if not rules.perm_exists(perm):
        pytest.fail(f"{perm} is in EXPECTED but no app registers it")
    obj_for = RULE_OBJECTS.get(perm, lambda w, inside: None)
    wrong = []
    for principal, (no_object, in_scope, out_of_scope) in EXPECTED[perm].items():
        user = world.users[principal]
        actual = (
            user.has_perm(perm),
            user.has_perm(perm, obj_for(world, True)),
            user.has_perm(perm, obj_for(world, False)),
        )
        if actual != (no_object, in_scope, out_of_scope):
            wrong.append(f"{principal}: expected {(no_object, in_scope, out_of_scope)}, got {actual}")
    assert not wrong, f"{perm} (no object, in scope, out of scope):\n" + "\n".join(wrong)


def test_audit_entries_about_no_place_are_for_administrators_only(world):
    entry = audit_record(actor=None, action="tests.matrix.nowhere")
    allowed = {
        principal for principal in PRINCIPALS if world.users[principal].has_perm("core.view_audit_log", entry)
    }
    assert allowed == {R.ADMIN, SUPERUSER}
