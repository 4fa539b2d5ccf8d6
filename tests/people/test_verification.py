"""Verification against the registry: by the resident (no oracle, limited attempts) and by staff in person."""

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from huiketing.core.models import AuditEntry
from huiketing.people import verification
from huiketing.people.models import Resident, ResidentStatus, Role, RoleAssignment, User
from huiketing.people.services import household_create, resident_create, resident_set_status
from huiketing.people.validators import id_check_character
from huiketing.people.verification import account_signup, resident_verify, resident_verify_in_person

URL = "/account/verify/"
STAFF_URL = "/staff/registry/verify/"
PASSWORD = "walnut-river-42"


def id_number(sequence: int, birth: str = "19800101") -> str:
    first_17 = f"654301{birth}{sequence:03d}"
    return first_17 + id_check_character(first_17)


def signup(phone: str, name: str = "居民"):
    return account_signup(phone=phone, display_name=name, password=PASSWORD, ip=f"10.9.{phone[-4:-2]}.1")


@pytest.fixture
def registry(tree):
    """Residents in the first grid (in scope of the `staff` fixture) and one in the second subdistrict."""
    home = household_create(by=None, grid=tree.grids[0], building="1", room="101")
    away = household_create(by=None, grid=tree.grids[4], building="9", room="901")
    make = resident_create
    return {
        "wang": make(
            by=None, household=home, full_name="王小明", id_number=id_number(11), phone="13800138000"
        ),
        "li": make(by=None, household=home, full_name="李小红", id_number=id_number(12)),
        "gone": make(by=None, household=home, full_name="赵小刚", id_number=id_number(13)),
        "late": make(by=None, household=home, full_name="钱小伟", id_number=id_number(14)),
        "taken": make(by=None, household=home, full_name="孙小丽", id_number=id_number(15)),
        "phoned": make(
            by=None, household=home, full_name="周小华", id_number=id_number(16), phone="13900139000"
        ),
        "away": make(by=None, household=away, full_name="吴小军", id_number=id_number(17)),
    }


def _error_section(html: str) -> str:
    match = re.search(r'<div id="verify-errors" class="errors" role="alert">.*?</div>', html, re.S)
    assert match, "no error section"
    return match.group(0)


# --- The resident verifies ----------------------------------------------------------------------------------


def test_verification_links_the_account_and_grants_the_resident_role_on_the_grid(client, tree, registry):
    account = signup("13800138000")
    client.force_login(account)
    response = client.post(URL, {"full_name": "王小明", "id_number": id_number(11), "phone": ""})
    assert response.status_code == 302
    wang = Resident.objects.get(pk=registry["wang"].pk)
    assert wang.account == account
    assert wang.verified_at is not None
    roles = list(RoleAssignment.objects.filter(user=account).values_list("role", "place_code"))
    assert roles == [(Role.RESIDENT, tree.grids[0].code)]
    entry = AuditEntry.objects.get(action=verification.VERIFIED)
    assert entry.actor == account
    assert entry.object_id == str(wang.pk)
    assert entry.changes["method"] == [None, "self"]
    assert entry.place_code == tree.grids[0].code

    page = client.get(f"{URL}?lang=en").content.decode()
    assert "Your account is verified" in page
    assert 'name="id_number"' not in page


def test_typed_forms_of_the_same_details_verify(client, registry):
    """A lower-case x, full-width digits and the phone written +86 are the same details."""
    account = signup("13800138000")
    number = id_number(11).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    resident_verify(account=account, full_name=" 王小明 ", id_number=number, phone="+86 138 0013 8000")
    assert Resident.objects.get(account=account).pk == registry["wang"].pk


def test_a_resident_without_a_registered_phone_verifies_with_name_and_id(registry):
    account = signup("13700137000")
    resident_verify(account=account, full_name="李小红", id_number=id_number(12))
    assert Resident.objects.get(pk=registry["li"].pk).account == account


def _failure_cases(registry):
    """Each failure mode: (account, name, ID number[, phone typed]). Names are as long in every case, so
    that the whole pages can be compared too."""
    resident_set_status(
        by=None, resident=registry["gone"], status=ResidentStatus.MOVED_OUT, on=date(2024, 1, 1)
    )
    resident_set_status(
        by=None, resident=registry["late"], status=ResidentStatus.DECEASED, on=date(2024, 1, 1)
    )
    resident_verify_in_person(by=_admin(), resident=registry["taken"], account=signup("13600136000"))
    return {
        "unknown ID": (signup("13500135001"), "王小明", id_number(99)),
        "wrong name": (signup("13500135002"), "王小红", id_number(11)),
        "registry phone is another": (signup("13500135003"), "王小明", id_number(11)),
        "moved out": (signup("13500135004"), "赵小刚", id_number(13)),
        "deceased": (signup("13500135005"), "钱小伟", id_number(14)),
        "linked to another account": (signup("13500135006"), "孙小丽", id_number(15)),
        "phone typed is not the account's": (signup("13900139000"), "周小华", id_number(16), "13900139001"),
    }


def _admin():
    return User.objects.create_superuser("verifier-admin", "a@example.org", PASSWORD)


def test_every_failure_gives_the_same_message_and_page(client, registry):
    cases = _failure_cases(registry)
    sections, lengths = {}, {}
    for label, (account, name, number, *phone) in cases.items():
        client.force_login(account)
        # The account's own phone where the case needs none: every page then echoes 11 digits.
        typed_phone = phone[0] if phone else account.username
        response = client.post(
            f"{URL}?lang=en", {"full_name": name, "id_number": number, "phone": typed_phone}
        )
        assert response.status_code == 200, label
        html = response.content.decode()
        sections[label] = _error_section(html)
        lengths[label] = len(response.content)
        assert str(verification.NOT_VERIFIED) in sections[label], label
        # Nothing from the register comes back: not the registered name, nor a masked number.
        for resident in registry.values():
            if resident.full_name != name:
                assert resident.full_name not in html, label
        assert "**********" not in html, label
        assert number not in html, label  # the ID number typed is not even echoed
    assert len(set(sections.values())) == 1, sections
    assert len(set(lengths.values())) == 1, lengths
    assert not Resident.objects.filter(account__username__startswith="135").exists()
    assert AuditEntry.objects.filter(action=verification.VERIFY_FAILED).count() == len(cases)


def test_the_service_raises_the_same_error_for_every_failure(registry):
    messages = set()
    for account, name, number, *phone in _failure_cases(registry).values():
        with pytest.raises(ValidationError) as caught:
            resident_verify(
                account=account, full_name=name, id_number=number, phone=phone[0] if phone else ""
            )
        messages.add((tuple(caught.value.message_dict), tuple(caught.value.messages)))
    assert len(messages) == 1


def test_an_unknown_id_number_costs_the_same_hashing_as_a_known_one(registry, monkeypatch):
    calls = []
    for name in ("id_number_hash", "phone_hash"):
        original = getattr(verification, name)
        monkeypatch.setattr(
            verification, name, lambda value, _o=original, _n=name: calls.append(_n) or _o(value)
        )

    def attempt(number, phone_number):
        calls.clear()
        with pytest.raises(ValidationError):
            resident_verify(account=signup(phone_number), full_name="王小红", id_number=number)
        return list(calls)

    assert attempt(id_number(11), "13500135011") == attempt(id_number(98), "13500135012")


def test_the_sixth_attempt_of_the_day_is_refused_even_with_the_right_details(client, registry):
    account = signup("13800138000")
    client.force_login(account)
    for _n in range(verification.VERIFY_LIMIT):
        response = client.post(f"{URL}?lang=en", {"full_name": "王小红", "id_number": id_number(11)})
        assert str(verification.NOT_VERIFIED) in _error_section(response.content.decode())
    response = client.post(f"{URL}?lang=en", {"full_name": "王小明", "id_number": id_number(11)})
    assert response.status_code == 200
    assert "You have tried too many times today" in _error_section(response.content.decode())
    assert Resident.objects.get(pk=registry["wang"].pk).account is None
    assert not RoleAssignment.objects.filter(user=account).exists()
    assert verification.verify_attempts_left(account=account) == 0


def test_old_failures_no_longer_count(registry):
    account = signup("13800138000")
    for _n in range(verification.VERIFY_LIMIT):
        with pytest.raises(ValidationError):
            resident_verify(account=account, full_name="王小红", id_number=id_number(11))
    later = timezone.now() + verification.VERIFY_WINDOW + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert verification.verify_attempts_left(account=account) == verification.VERIFY_LIMIT


def test_format_mistakes_are_named_and_do_not_count_as_attempts(client, registry):
    account = signup("13800138000")
    client.force_login(account)
    bad = id_number(11)[:-1] + ("0" if id_number(11)[-1] != "0" else "1")
    response = client.post(f"{URL}?lang=en", {"full_name": "王小明", "id_number": bad})
    assert list(response.context["form"].errors) == ["id_number"]
    assert verification.verify_attempts_left(account=account) == verification.VERIFY_LIMIT


def test_a_verified_account_cannot_verify_again(registry):
    account = signup("13800138000")
    resident_verify(account=account, full_name="王小明", id_number=id_number(11))
    with pytest.raises(ValidationError) as caught:
        resident_verify(account=account, full_name="李小红", id_number=id_number(12))
    assert caught.value.messages == [str(verification.ALREADY_VERIFIED)]
    assert Resident.objects.get(pk=registry["li"].pk).account is None


def test_the_page_needs_a_signed_in_account(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Staff verify in person ---------------------------------------------------------------------------------


def test_staff_verify_in_person_after_confirming(client, tree, staff, registry):
    account = signup("13700137000", name="红")
    officer = staff[Role.COMMUNITY_STAFF]
    client.force_login(officer)
    found = client.post(STAFF_URL, {"account": "137 0013 7000", "id_number": id_number(12)})
    assert found.status_code == 200
    html = found.content.decode()
    assert found.context["resident"].pk == registry["li"].pk
    assert found.context["account"] == account
    assert "李小红" in html
    assert id_number(12) not in html  # masked on the confirmation page
    assert registry["li"].id_number_masked in html

    done = client.post(
        STAFF_URL, {"confirm": "1", "resident": registry["li"].pk, "account_username": account.username}
    )
    assert done.status_code == 302
    li = Resident.objects.get(pk=registry["li"].pk)
    assert li.account == account and li.verified_at is not None
    assert RoleAssignment.objects.filter(
        user=account, role=Role.RESIDENT, place_code=tree.grids[0].code
    ).exists()
    entry = AuditEntry.objects.get(action=verification.VERIFIED)
    assert entry.actor == officer
    assert entry.changes["method"] == [None, "in_person"]


def test_staff_do_not_find_residents_outside_their_places(client, staff, registry):
    signup("13700137000")
    client.force_login(staff[Role.GRID_WORKER])
    outside = client.post(f"{STAFF_URL}?lang=en", {"account": "13700137000", "id_number": id_number(17)})
    missing = client.post(f"{STAFF_URL}?lang=en", {"account": "13700137000", "id_number": id_number(97)})
    assert outside.context["form"].errors == missing.context["form"].errors
    assert outside.context["form"].errors["id_number"] == ["No resident with this ID number was found."]
    assert "resident" not in outside.context
    # Confirming by the resident's id directly is the same 404 as a resident that does not exist.
    confirm = {"confirm": "1", "account_username": "13700137000"}
    assert client.post(STAFF_URL, {**confirm, "resident": registry["away"].pk}).status_code == 404
    assert client.post(STAFF_URL, {**confirm, "resident": 999999}).status_code == 404
    assert Resident.objects.get(pk=registry["away"].pk).account is None


def test_the_in_person_service_refuses_staff_out_of_scope_and_double_links(staff, registry):
    account = signup("13700137000")
    with pytest.raises(PermissionDenied):
        resident_verify_in_person(by=staff[Role.GRID_LEADER], resident=registry["away"], account=account)
    resident_verify_in_person(by=staff[Role.GRID_LEADER], resident=registry["li"], account=account)
    with pytest.raises(ValidationError) as caught:
        resident_verify_in_person(by=staff[Role.GRID_LEADER], resident=registry["wang"], account=account)
    assert "account" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        resident_verify_in_person(
            by=staff[Role.GRID_LEADER], resident=registry["li"], account=signup("13600136000")
        )
    assert "resident" in caught.value.message_dict


def test_the_staff_page_is_for_registry_staff_only(client, make_user, tree):
    client.force_login(make_user("plain-resident", Role.RESIDENT, tree.grids[0].code))
    assert client.get(STAFF_URL).status_code == 403
