"""Matters award points: the resident whose matter the committees take on, and the handling units that sign
and resolve in time and leave the resident satisfied."""

from datetime import timedelta

import pytest
from django.utils import timezone

from huiketing.matters import services as matters
from huiketing.matters.models import Channel
from huiketing.people.models import Role
from huiketing.points.models import Account, Entry
from huiketing.points.services import rule_update


@pytest.fixture
def raise_matter(tree, categories):
    def make(**extra):
        values = {
            "by": None,
            "title": "楼道灯坏了",
            "description": "2单元楼道灯不亮",
            "category": categories["public_facilities"],
            "place_code": tree.grids[0].code,
            **extra,
        }
        return matters.matter_raise(**values)

    return make


def _balance(**holder) -> int:
    account = Account.objects.filter(**holder).first()
    return account.balance if account else 0


def test_accepting_a_matter_awards_the_resident_it_concerns_once(rules, staff, make_resident, raise_matter):
    resident = make_resident()
    matter = raise_matter(by=staff[Role.GRID_LEADER], resident=resident, channel=Channel.WALK_IN)
    matters.matter_accept(by=staff[Role.COMMUNITY_STAFF], matter=matter)
    entry = Entry.objects.get(account__resident=resident)
    assert (entry.rule.code, entry.amount, entry.source_type, entry.source_id) == (
        "matter_accepted",
        5,
        "matters.matter",
        str(matter.pk),
    )
    assert entry.created_by == staff[Role.COMMUNITY_STAFF]
    # Tabled later, then taken back and dispatched: still awarded once for the matter.
    matters.matter_table(by=staff[Role.COMMUNITY_STAFF], matter=matter)
    assert _balance(resident=resident) == 5
    assert not Account.objects.filter(user=staff[Role.GRID_LEADER]).exists()


def test_a_resident_who_raised_it_on_the_web_earns_on_the_resident_account(
    rules, staff, make_resident, raise_matter
):
    resident = make_resident(username="t_wang")
    matter = raise_matter(by=resident.account)
    matters.matter_table(by=staff[Role.COMMUNITY_STAFF], matter=matter, note="议一议")
    assert _balance(resident=resident) == 5


def test_dispatching_a_new_matter_straight_away_counts_as_taking_it_on(
    rules, staff, make_resident, raise_matter, units
):
    resident = make_resident()
    matter = raise_matter(by=staff[Role.GRID_LEADER], resident=resident, channel=Channel.PATROL)
    matters.matter_dispatch(by=staff[Role.COMMUNITY_STAFF], matter=matter, units=[units.community])
    assert _balance(resident=resident) == 5


def test_a_matter_raised_by_staff_for_nobody_awards_nobody(rules, staff, raise_matter):
    matter = raise_matter(by=staff[Role.GRID_LEADER], channel=Channel.PATROL)
    matters.matter_accept(by=staff[Role.COMMUNITY_STAFF], matter=matter)
    assert not Entry.objects.exists()


def test_with_the_rule_off_the_matter_is_accepted_and_nobody_earns(rules, staff, make_resident, raise_matter):
    rule_update(
        by=staff[Role.ADMIN], rule=rules["matter_accepted"], amount=5, daily_cap=None, is_active=False
    )
    resident = make_resident()
    matter = raise_matter(by=staff[Role.GRID_LEADER], resident=resident, channel=Channel.WALK_IN)
    accepted = matters.matter_accept(by=staff[Role.COMMUNITY_STAFF], matter=matter)
    assert accepted.status == "accepted"
    assert not Entry.objects.exists()


def test_units_score_for_signing_and_resolving_on_time_and_for_a_satisfied_resident(
    rules, staff, make_resident, raise_matter, units
):
    resident = make_resident(username="t_wang")
    matter = raise_matter(by=resident.account)
    community = staff[Role.COMMUNITY_STAFF]
    department, company = matters.matter_dispatch(
        by=community, matter=matter, units=[units.department, units.property_company]
    )
    matters.dispatch_sign(by=units.department_staff, dispatch=department)
    # The property company signs after its deadline: no points for that.
    matters.dispatch_sign(
        by=units.property_staff, dispatch=company, now=company.sign_due_at + timedelta(hours=1)
    )
    matters.dispatch_complete(by=units.department_staff, dispatch=department, result="已修复")
    company.refresh_from_db()
    matters.dispatch_complete(
        by=units.property_staff,
        dispatch=company,
        result="已清理",
        now=company.resolve_due_at + timedelta(days=1),
    )
    assert _balance(unit=units.department) == 2 + 3
    assert _balance(unit=units.property_company) == 0
    evaluation = matters.matter_evaluate(by=resident.account, matter=matter, result="satisfied", solved=True)
    assert _balance(unit=units.department) == 2 + 3 + 5
    assert _balance(unit=units.property_company) == 5
    satisfied = Entry.objects.filter(rule__code="unit_satisfied")
    assert {(e.source_type, e.source_id) for e in satisfied} == {("matters.evaluation", str(evaluation.pk))}
    assert satisfied.count() == 2
    # The resident earned for the matter being taken on (by the dispatch), not for evaluating it.
    assert _balance(resident=resident) == 5


def test_a_basically_satisfied_evaluation_gives_the_units_nothing(rules, staff, raise_matter, units):
    matter = raise_matter(by=staff[Role.GRID_LEADER], channel=Channel.PATROL)
    (dispatch,) = matters.matter_dispatch(
        by=staff[Role.COMMUNITY_STAFF], matter=matter, units=[units.community]
    )
    matters.dispatch_sign(by=staff[Role.COMMUNITY_STAFF], dispatch=dispatch)
    matters.dispatch_complete(by=staff[Role.COMMUNITY_STAFF], dispatch=dispatch, result="好了")
    matters.matter_evaluate(
        by=staff[Role.GRID_LEADER],
        matter=matter,
        result="basically",
        by_phone_follow_up=True,
        now=timezone.now(),
    )
    assert not Entry.objects.filter(rule__code="unit_satisfied").exists()
    assert _balance(unit=units.community) == 2 + 3
