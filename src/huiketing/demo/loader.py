"""Loading the Altay City demo once: places with boundaries, service points, organisations and accounts."""

import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record
from huiketing.demo import geometry
from huiketing.demo.data import people, places, service_points
from huiketing.demo.selectors import demo_counts, demo_scale
from huiketing.people.models import Organisation, Role, User
from huiketing.people.services import role_assign
from huiketing.places.models import Level, Place, ServicePoint

# Later apps append a generator here (at import time, e.g. in their AppConfig.ready); the loader calls each
# with the scale inside its transaction, and each returns how many records it created.
SCALED_GENERATORS: list[Callable[[int], int]] = []


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class DemoSummary:
    already_loaded: bool
    scale: int
    counts: dict[str, int] = field(default_factory=dict)
    generated: int = 0
    seconds: float = 0.0


def demo_load(*, scale: int = 1) -> DemoSummary:
    """Load the demo unless it is there already; the second call changes nothing and says so."""
    if scale < 1:
        raise DemoError(
            _("The scale must be a whole number of at least 1, not %(scale)s.") % {"scale": scale}
        )
    started = time.monotonic()
    with transaction.atomic():
        city = Place.objects.filter(code=places.CITY_CODE).first()
        if city is not None:
            if not city.is_demo:
                raise DemoError(
                    _("Place %(code)s exists and is not demo data; the demo is never loaded over it.")
                    % {"code": places.CITY_CODE}
                )
            return DemoSummary(already_loaded=True, scale=demo_scale() or 1, counts=demo_counts())
        layout = geometry.build()
        centre = geometry.grid_at(layout, places.CENTRE_LAT, places.CENTRE_LNG)
        if centre is None:
            raise DemoError(_("The city centre does not fall inside exactly one demo grid."))
        password = _password_hash(settings.DEMO_PASSWORD)
        accounts = _create_accounts(layout, centre, password)
        created = _create_places(layout, accounts, centre)
        organisations = _create_organisations()
        _assign_roles(accounts, organisations, centre)
        _create_service_points(layout, created)
        generated = sum(generator(scale) for generator in SCALED_GENERATORS)
        counts = demo_counts()
        audit_record(
            actor=None,
            action="demo.loaded",
            obj=created[places.CITY_CODE],
            changes={"scale": [None, scale], **{name: [None, n] for name, n in counts.items()}},
        )
    return DemoSummary(
        already_loaded=False,
        scale=scale,
        counts=counts,
        generated=generated,
        seconds=time.monotonic() - started,
    )


@functools.cache
def _password_hash(password: str) -> str:
    # Every demo account shares one hash: hashing a hundred times would take most of a minute.
    return make_password(password)


def _leader_names(count: int, taken: set[str]) -> list[str]:
    rng = random.Random(f"{places.CITY_CODE}-grid-leaders")
    groups = list(people.ETHNIC_WEIGHTS)
    weights = list(people.ETHNIC_WEIGHTS.values())
    names: list[str] = []
    while len(names) < count:
        group = rng.choices(groups, weights)[0]
        if group == "han":
            name = rng.choice(people.HAN_SURNAMES) + rng.choice(people.HAN_GIVEN)
        elif group == "hui":
            name = rng.choice(people.HUI_SURNAMES) + rng.choice(people.HUI_GIVEN)
        elif group == "kazakh":
            name = f"{rng.choice(people.KAZAKH_GIVEN)}·{rng.choice(people.KAZAKH_FATHERS)}"
        else:
            name = f"{rng.choice(people.UYGHUR_GIVEN)}·{rng.choice(people.UYGHUR_FATHERS)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _grid_codes(layout: geometry.Layout) -> list[str]:
    return sorted(code for code in layout.polygons if len(code) == 15)


def _create_accounts(layout: geometry.Layout, centre: str, password: str) -> dict[str, User]:
    """The named demo accounts, and one grid leader for every grid but the one `gridleader` leads."""
    users = [
        User(
            username=account.username,
            display_name=account.display_name,
            preferred_language=account.language,
            password=password,
            is_staff=account.role == Role.ADMIN,
            is_superuser=account.role == Role.ADMIN,
            is_demo=True,
        )
        for account in people.ACCOUNTS
    ]
    grids = [code for code in _grid_codes(layout) if code != centre]
    taken = {account.display_name for account in people.ACCOUNTS}
    for code, name in zip(grids, _leader_names(len(grids), taken), strict=True):
        users.append(
            User(
                username=people.GRID_LEADER_PREFIX + code,
                display_name=name,
                preferred_language="zh-hans",
                password=password,
                is_demo=True,
            )
        )
    User.objects.bulk_create(users)
    # bulk_create leaves primary keys unset on some backends; read the rows back.
    return {user.username: user for user in User.objects.filter(username__in=[u.username for u in users])}


def _create_places(layout: geometry.Layout, accounts: dict[str, User], centre: str) -> dict[str, Place]:
    rng = random.Random(f"{places.CITY_CODE}-households")
    names = {places.CITY_CODE: places.CITY_NAMES}
    for subdistrict in places.SUBDISTRICTS:
        names[subdistrict.code] = places.full_names(subdistrict.stem, "subdistrict")
        for community in subdistrict.communities:
            code = subdistrict.code + community.number
            names[code] = places.full_names(community.stem, "community")
            for number in range(1, community.grids + 1):
                names[f"{code}{number:03d}"] = places.grid_names(number)

    created: dict[str, Place] = {}
    for level, length in ((Level.CITY, 6), (Level.SUBDISTRICT, 9), (Level.COMMUNITY, 12), (Level.GRID, 15)):
        batch = []
        for code in sorted(c for c in layout.polygons if len(c) == length):
            polygon = layout.polygons[code]
            lat, lng = geometry.centroid(polygon)
            place = Place(
                code=code,
                level=level,
                parent=created.get(code[: length - 3]) if length > 6 else None,
                names=names[code],
                boundary=geometry.to_geojson(polygon),
                centroid_lat=lat,
                centroid_lng=lng,
                is_demo=True,
            )
            if level == Level.GRID:
                place.grid_type = places.GRID_TYPES.get(code, "integrated")
                commercial = place.grid_type == "commercial"
                place.households = rng.randint(90, 220) if commercial else rng.randint(260, 640)
                place.notes = places.GRID_NOTES[place.grid_type]
                leader = "gridleader" if code == centre else people.GRID_LEADER_PREFIX + code
                place.leader = accounts[leader]
            batch.append(place)
        Place.objects.bulk_create(batch)
        created.update({p.code: p for p in Place.objects.filter(code__in=[p.code for p in batch])})
    return created


def _create_organisations() -> dict[str, Organisation]:
    Organisation.objects.bulk_create(
        [
            Organisation(kind=org.kind, names=org.names, place_code=org.place_code, is_demo=True)
            for org in people.ORGANISATIONS
        ]
    )
    by_name = {o.names["zh-hans"]: o for o in Organisation.objects.filter(is_demo=True)}
    return {org.key: by_name[org.names["zh-hans"]] for org in people.ORGANISATIONS}


def _assign_roles(accounts: dict[str, User], organisations: dict[str, Organisation], centre: str) -> None:
    scopes = {
        "": "",
        "city": places.CITY_CODE,
        "subdistrict": centre[:9],
        "community": centre[:12],
        "grid": centre,
    }
    for account in people.ACCOUNTS:
        role_assign(
            by=None,
            user=accounts[account.username],
            role=account.role,
            place_code="" if account.organisation else scopes[account.scope],
            organisation=organisations[account.organisation] if account.organisation else None,
        )
    for username, user in sorted(accounts.items()):
        if username.startswith(people.GRID_LEADER_PREFIX):
            code = username.removeprefix(people.GRID_LEADER_PREFIX)
            role_assign(by=None, user=user, role=Role.GRID_LEADER, place_code=code)


def _create_service_points(layout: geometry.Layout, created: dict[str, Place]) -> None:
    rng = random.Random(f"{places.CITY_CODE}-service-points")
    points = []
    for spec in service_points.SERVICE_POINTS:
        community = created[spec.community]
        subdistrict = created[spec.community[:9]]
        grid_code = f"{spec.community}{spec.grid:03d}"
        lat, lng = geometry.point_inside(layout.polygons[grid_code], seed=f"{grid_code}-{spec.kind}")
        if geometry.grid_at(layout, lat, lng) != grid_code:
            raise DemoError(f"Service point {spec} does not lie in grid {grid_code}.")
        names = spec.names or {
            language: template.format(community=community.names[language], n=spec.grid)
            for language, template in service_points.NAME_TEMPLATES[spec.kind].items()
        }
        street_zh, street_en = spec.street if spec.street[0] else places.STREETS[subdistrict.code]
        number = rng.randint(2, 180)
        points.append(
            ServicePoint(
                kind=spec.kind,
                names=names,
                place=created[grid_code],
                place_code=grid_code,
                lat=lat,
                lng=lng,
                address={
                    "zh-hans": f"阿勒泰市{subdistrict.names['zh-hans']}{community.names['zh-hans']}"
                    f"{street_zh}{number}号",
                    "en": f"No. {number}, {street_en}, {community.names['en']}, Altay City",
                },
                opening_hours=service_points.OPENING_HOURS[spec.kind],
                # Fictitious numbers in the format of Altay landlines.
                phone=f"0906-21{rng.randint(0, 99999):05d}",
                is_demo=True,
            )
        )
    ServicePoint.objects.bulk_create(points)
