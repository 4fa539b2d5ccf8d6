"""The demo's synthetic residents registry: households and residents in all 89 grids, with tags, a few
moves out and deaths, consents and household visits, and the `resident` account linked to one of them.

Everything here is invented. Names start with 示例· ("example"). ID numbers have the format of real ones
(region 654301, a plausible birth date, a sequence number whose parity gives the sex, and a correct GB 11643
check character) but are drawn at random. Phone numbers are fictitious, taken in order from the block
199 0000 0000 upwards (the demo sends no messages). Values are stored the way the registry's services store
them: encrypted (the field encrypts on save) with keyed hashes for exact search; the generator writes in bulk
and records one summary audit entry, because thousands of per-row entries would say nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from huiketing.core.audit import audit_record
from huiketing.demo.data import places as place_data
from huiketing.demo.data import residents as data
from huiketing.people.models import (
    Consent,
    Household,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    Role,
    RoleAssignment,
    Tag,
    User,
    Visit,
)
from huiketing.people.services import id_number_hash, phone_hash
from huiketing.people.validators import id_check_character
from huiketing.places.models import Level, Place

# 89 grids × 34 households ≈ 3,000 households and 7,700 residents at scale 1.
HOUSEHOLDS_PER_GRID = 34
REGION = place_data.CITY_CODE
PHONE_BLOCK = 19900000000
RESIDENT_ACCOUNT = "resident"


def synthetic_id_number(birth_date: date, sequence: int, sex: str) -> str:
    """An ID number of the right format: region 654301, the birth date, a 3-digit sequence whose last digit
    is odd for a man and even for a woman, and the GB 11643 check character."""
    sequence = sequence - sequence % 2 + (1 if sex == "M" else 0)
    first_17 = f"{REGION}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return first_17 + id_check_character(first_17)


@dataclass
class _Person:
    full_name: str
    relation: str
    sex: str
    birth_date: date
    ethnic_group: str
    language: str
    phone: str = ""
    tags: set[str] = field(default_factory=set)
    status: str = ResidentStatus.ACTIVE
    moved_out_on: date | None = None
    deceased_on: date | None = None


class _Generator:
    def __init__(self, today: date):
        self.today = today
        self.ids: set[str] = set()
        self.phones = 0

    def id_number(self, rng: random.Random, person: _Person) -> str:
        while True:
            number = synthetic_id_number(person.birth_date, rng.randrange(1000), person.sex)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        number = str(PHONE_BLOCK + self.phones)
        self.phones += 1
        return number

    def birth_date(self, rng: random.Random, age: int) -> date:
        # A day in the year that ends on the day the person turns `age + 1`.
        return self.today - timedelta(days=round(365.25 * age) + rng.randrange(365))

    def name(self, rng: random.Random, group: str, *, surname: str = "", father: str = "") -> str:
        if group in data.SURNAME_POOLS:
            surnames, given = data.SURNAME_POOLS[group]
            return data.NAME_PREFIX + (surname or rng.choice(surnames)) + rng.choice(given)
        given, fathers = data.PATRONYMIC_POOLS[group]
        return f"{data.NAME_PREFIX}{rng.choice(given)}·{father or rng.choice(fathers)}"

    def household(self, rng: random.Random) -> list[_Person]:
        group = rng.choices(list(data.ETHNIC_GROUPS), list(data.ETHNIC_GROUPS.values()))[0]
        size = rng.choices(list(data.HOUSEHOLD_SIZES), list(data.HOUSEHOLD_SIZES.values()))[0]
        language = data.LANGUAGES[group]
        if group == "17" and rng.random() < 0.3:
            language = "zh-hans"
        head_age = rng.randint(55, 92) if size == 1 and rng.random() < 0.6 else rng.randint(24, 78)
        head_sex = rng.choice("MF")
        head_name = self.name(rng, group)
        head = _Person(
            head_name, Relation.HOUSEHOLDER, head_sex, self.birth_date(rng, head_age), group, language
        )
        members = [head]
        surname = head_name.removeprefix(data.NAME_PREFIX)[:1] if group in data.SURNAME_POOLS else ""
        father_given = head_name.removeprefix(data.NAME_PREFIX).split("·")[0]
        if size >= 2:
            age = max(20, head_age + rng.randint(-5, 5))
            members.append(
                _Person(
                    self.name(rng, group),
                    Relation.SPOUSE,
                    "F" if head_sex == "M" else "M",
                    self.birth_date(rng, age),
                    group,
                    language,
                )
            )
        for _ in range(size - len(members) - (1 if size == 5 else 0)):
            age = max(0, head_age - rng.randint(22, 36))
            sex = rng.choice("MF")
            if group in data.SURNAME_POOLS and age < 18:
                name = data.NAME_PREFIX + (surname or "王") + rng.choice(data.CHILD_GIVEN_HAN)
            else:
                name = self.name(rng, group, surname=surname, father=father_given)
            members.append(_Person(name, Relation.CHILD, sex, self.birth_date(rng, age), group, language))
        if size == 5:
            age = min(100, head_age + rng.randint(22, 30))
            members.append(
                _Person(
                    self.name(rng, group),
                    Relation.PARENT,
                    rng.choice("MF"),
                    self.birth_date(rng, age),
                    group,
                    language,
                )
            )
        low_income = rng.random() < 0.05
        for person in members:
            age = (self.today - person.birth_date).days // 365
            if age >= 18 and rng.random() < 0.85:
                person.phone = self.phone()
            if size == 1 and age >= 60:
                person.tags.add(Tag.LIVING_ALONE)
            if low_income:
                person.tags.add(Tag.LOW_INCOME)
            if rng.random() < 0.03:
                person.tags.add(Tag.DISABLED)
            if person.sex == "M" and age >= 40 and rng.random() < 0.05:
                person.tags.add(Tag.VETERAN)
            if age >= 18 and rng.random() < 0.08:
                person.tags.add(Tag.PARTY_MEMBER)
            if 16 <= age <= 70 and rng.random() < 0.05:
                person.tags.add(Tag.VOLUNTEER)
            if rng.random() < 0.01:
                person.tags.add(Tag.SPECIAL_CARE)
            if person.relation != Relation.HOUSEHOLDER:
                chance = rng.random()
                if chance < 0.015:
                    person.status = ResidentStatus.MOVED_OUT
                    person.moved_out_on = self.today - timedelta(days=rng.randint(30, 10 * 365))
                elif chance < 0.022 and age >= 50:
                    person.status = ResidentStatus.DECEASED
                    person.deceased_on = self.today - timedelta(days=rng.randint(30, 8 * 365))
        return members


def _address(index: int) -> tuple[str, str, str]:
    """Building, unit and room of a grid's index-th household: 3 units × 6 floors × 2 rooms a building."""
    building, rest = divmod(index, 36)
    unit, rest = divmod(rest, 12)
    floor, room = divmod(rest, 2)
    return f"{building + 1}号楼", f"{unit + 1}单元", f"{floor + 1}0{room + 1}"


def registry_generate(scale: int, *, households_per_grid: int = HOUSEHOLDS_PER_GRID) -> int:
    """Create `households_per_grid × scale` households in every demo grid and their residents.

    Registered in demo.loader.SCALED_GENERATORS (DemoConfig.ready); returns how many records it created.
    """
    today = timezone.localdate()
    generator = _Generator(today)
    grids = list(
        Place.objects.filter(level=Level.GRID, is_demo=True, code__startswith=REGION)
        .select_related("leader")
        .order_by("code")
    )
    account = User.objects.filter(username=RESIDENT_ACCOUNT, is_demo=True).first()
    account_grid = (
        RoleAssignment.objects.filter(user=account, role=Role.RESIDENT)
        .values_list("place_code", flat=True)
        .first()
        if account
        else None
    )

    households: list[Household] = []
    people: list[list[_Person]] = []
    for grid in grids:
        for index in range(households_per_grid * scale):
            # One seed per grid and household keeps each grid's households the same at any scale.
            rng = random.Random(f"{grid.code}-household-{index}")
            building, unit, room = _address(index)
            households.append(
                Household(
                    place=grid,
                    place_code=grid.code,
                    building=building,
                    unit=unit,
                    room=room,
                    type=rng.choices(list(data.HOUSEHOLD_TYPES), list(data.HOUSEHOLD_TYPES.values()))[0],
                    is_demo=True,
                )
            )
            people.append(generator.household(rng))
    Household.objects.bulk_create(households, batch_size=2000)

    residents: list[Resident] = []
    tags: list[tuple[int, str]] = []
    linked: Resident | None = None
    for household, members in zip(households, people, strict=True):
        rng = random.Random(f"{household.place_code}-{household.address}-ids")
        for person in members:
            number = generator.id_number(rng, person)
            resident = Resident(
                household=household,
                place_code=household.place_code,
                full_name=person.full_name,
                id_number=number,
                id_number_hash=id_number_hash(number),
                sex=person.sex,
                birth_date=person.birth_date,
                ethnic_group=person.ethnic_group,
                phone=person.phone,
                phone_hash=phone_hash(person.phone) if person.phone else "",
                relation=person.relation,
                preferred_language=person.language,
                status=person.status,
                moved_in_on=max(person.birth_date, today - timedelta(days=rng.randint(200, 30 * 365))),
                moved_out_on=person.moved_out_on,
                deceased_on=person.deceased_on,
                is_demo=True,
            )
            if (
                linked is None
                and account is not None
                and household.place_code == account_grid
                and person.relation == Relation.HOUSEHOLDER
                and person.sex == "M"
                and person.status == ResidentStatus.ACTIVE
                and (today - person.birth_date).days >= 18 * 365
            ):
                # The `resident` demo account (努尔兰·别克, Kazakh) is this registry entry, verified.
                linked = resident
                resident.full_name = data.NAME_PREFIX + account.display_name
                resident.ethnic_group, resident.preferred_language = "17", account.preferred_language or "kk"
                resident.account, resident.verified_at = account, timezone.now()
                if not resident.phone:
                    resident.phone = generator.phone()
                    resident.phone_hash = phone_hash(resident.phone)
            residents.append(resident)
            tags.extend((len(residents) - 1, tag) for tag in sorted(person.tags))
    Resident.objects.bulk_create(residents, batch_size=2000)
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident=residents[index], tag=tag) for index, tag in tags], batch_size=5000
    )

    rng = random.Random(f"{REGION}-consents-visits-{scale}")
    consents: list[Consent] = []
    heads = {}
    for resident in residents:
        if resident.relation == Relation.HOUSEHOLDER:
            heads[resident.household_id] = resident
        age = (today - resident.birth_date).days // 365
        given_on = today - timedelta(days=rng.randint(1, 700))
        if age >= 70 and rng.random() < 0.1:
            consents.append(
                Consent(
                    resident=resident, kind=Consent.Kind.CARE, given_by=resident.full_name, given_on=given_on
                )
            )
        elif age < 14 and rng.random() < 0.2 and resident.household_id in heads:
            guardian = heads[resident.household_id].full_name
            consents.append(
                Consent(resident=resident, kind=Consent.Kind.GUARDIAN, given_by=guardian, given_on=given_on)
            )
    Consent.objects.bulk_create(consents, batch_size=2000)

    leaders = {grid.code: grid.leader for grid in grids}
    visits = []
    for household in households:
        leader = leaders.get(household.place_code)
        if leader is not None and rng.random() < 0.12:
            findings, follow_up = rng.choice(data.VISIT_NOTES)
            visited_on = today - timedelta(days=rng.randint(1, 90))
            visits.append(
                Visit(
                    household=household,
                    place_code=household.place_code,
                    visited_by=leader,
                    visited_on=visited_on,
                    findings=findings,
                    follow_up=follow_up,
                    follow_up_done_on=visited_on + timedelta(days=3)
                    if follow_up and rng.random() < 0.5
                    else None,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)

    counts = {
        "households": len(households),
        "residents": len(residents),
        "tags": len(tags),
        "consents": len(consents),
        "visits": len(visits),
    }
    audit_record(
        actor=None,
        action="demo.registry.generated",
        obj=Place.objects.filter(code=REGION).first(),
        changes={
            "scale": [None, scale],
            "linked_account": [None, RESIDENT_ACCOUNT if linked else None],
            **{name: [None, n] for name, n in counts.items()},
        },
    )
    return sum(counts.values())
