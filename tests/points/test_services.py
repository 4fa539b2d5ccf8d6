"""The ledger's writes: awards once per source, rules switched off, daily caps, spends, corrections, the
database's own guard against a negative balance, and the rules staff change."""

import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry, Notification
from huiketing.people.models import Role
from huiketing.points import services
from huiketing.points.models import Account, Entry, Rule
from huiketing.points.services import PointsError, points_adjust, points_award, points_spend


@pytest.fixture
def matter(tree, categories, make_user):
    from huiketing.matters import services as matter_services

    return matter_services.matter_raise(
        by=None,
        title="路灯不亮",
        description="三号楼门口",
        category=categories["public_facilities"],
        place_code=tree.grids[0].code,
    )


def test_an_award_is_given_once_per_holder_rule_and_source(rules, make_resident, matter, staff):
    resident = make_resident()
    first = points_award(holder=resident, rule_code="matter_accepted", source=matter, actor=staff["admin"])
    again = points_award(holder=resident, rule_code="matter_accepted", source=matter, actor=staff["admin"])
    assert first is not None and again.pk == first.pk
    account = Account.objects.get(resident=resident)
    assert (account.balance, account.earned) == (5, 5)
    assert Entry.objects.filter(account=account).count() == 1
    assert (first.source_type, first.source_id) == ("matters.matter", str(matter.pk))
    assert first.rule.code == "matter_accepted" and first.balance_after == 5
    audit = AuditEntry.objects.get(action="points.entry", object_id=str(first.pk))
    assert audit.place_code == resident.place_code and audit.changes["balance"] == [0, 5]


def test_a_user_in_the_registry_earns_on_the_resident_account(rules, make_resident, matter):
    resident = make_resident(username="t_wang")
    points_award(holder=resident.account, rule_code="matter_accepted", source=matter)
    assert Account.objects.get(resident=resident).balance == 5
    assert not Account.objects.filter(user=resident.account).exists()


def test_a_rule_switched_off_or_missing_gives_nothing(rules, make_resident, matter, staff):
    resident = make_resident()
    services.rule_update(
        by=staff["admin"], rule=rules["matter_accepted"], amount=5, daily_cap=None, is_active=False
    )
    assert points_award(holder=resident, rule_code="matter_accepted", source=matter) is None
    assert points_award(holder=resident, rule_code="no_such_rule", source=matter) is None
    assert not Entry.objects.exists()


def test_the_daily_cap_stops_awards_until_the_next_day(rules, make_resident, tree, categories, staff):
    from huiketing.matters import services as matter_services

    services.rule_update(by=staff["admin"], rule=rules["vote_cast"], amount=1, daily_cap=2, is_active=True)
    resident = make_resident()
    sources = [
        matter_services.matter_raise(
            by=None,
            title=f"事项{n}",
            description="x",
            category=categories["neighbours"],
            place_code=tree.grids[0].code,
        )
        for n in range(3)
    ]
    given = [points_award(holder=resident, rule_code="vote_cast", source=source) for source in sources]
    assert [entry is not None for entry in given] == [True, True, False]
    assert Account.objects.get(resident=resident).balance == 2
    # Entries of an earlier day do not count towards today's cap.
    Entry.objects.filter(rule__code="vote_cast").update(created_at=timezone.now() - timedelta(days=1))
    assert points_award(holder=resident, rule_code="vote_cast", source=sources[2]) is not None
    assert Account.objects.get(resident=resident).balance == 3


def test_a_spend_larger_than_the_balance_is_refused_with_a_clear_message(make_user):
    user = make_user("t_spender")
    points_adjust(holder=user, amount=30, reason="opening", key="k1", actor=None)
    with translation.override("en"), pytest.raises(PointsError) as refused:
        points_spend(holder=user, amount=40, reason="a thermos flask", key="shop-1")
    assert refused.value.message_dict == {"amount": ["Not enough points: the balance is 30, 40 are needed."]}
    account = Account.objects.get(user=user)
    assert account.balance == 30
    assert not Entry.objects.filter(account=account, amount__lt=0).exists()


def test_the_same_key_twice_spends_once(make_user):
    user = make_user("t_spender")
    points_adjust(holder=user, amount=30, reason="opening", key="k1", actor=None)
    first = points_spend(holder=user, amount=10, reason="soap", key="order-7")
    second = points_spend(holder=user, amount=10, reason="soap", key="order-7")
    assert first.pk == second.pk
    assert Account.objects.get(user=user).balance == 20


@pytest.mark.parametrize("amount", [0, -5, True, "10"])
def test_a_spend_must_be_a_positive_number(make_user, amount):
    with pytest.raises(PointsError) as refused:
        points_spend(holder=make_user("t_spender"), amount=amount, reason="x", key="k")
    assert set(refused.value.message_dict) == {"amount"}


def test_the_database_refuses_a_negative_balance_even_written_directly(make_user):
    user = make_user("t_direct")
    points_adjust(holder=user, amount=5, reason="opening", key="k1", actor=None)
    account = Account.objects.get(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)
    account.refresh_from_db()
    assert account.balance == 5


def test_a_correction_needs_a_reason_and_a_number_and_tells_the_person(rules, make_resident, staff):
    resident = make_resident(username="t_wang")
    with translation.override("en"), pytest.raises(PointsError) as refused:
        points_adjust(holder=resident, amount=0, reason=" ", key="a", actor=staff["community_staff"])
    assert set(refused.value.message_dict) == {"amount", "reason"}
    with pytest.raises(PointsError) as refused:
        points_adjust(holder=resident, amount=1, reason="x" * 201, key="a", actor=staff["community_staff"])
    assert set(refused.value.message_dict) == {"reason"}
    entry = points_adjust(
        holder=resident, amount=8, reason="活动补录", key="a", actor=staff["community_staff"]
    )
    assert (
        points_adjust(holder=resident, amount=8, reason="活动补录", key="a", actor=staff["community_staff"])
        == entry
    )
    assert Account.objects.get(resident=resident).balance == 8
    notification = Notification.objects.get(kind="points.adjusted")
    assert notification.recipient == resident.account
    assert notification.params == {"amount": "+8", "reason": "活动补录", "balance": 8}
    with pytest.raises(PointsError):
        points_adjust(holder=resident, amount=-9, reason="多记了", key="b", actor=staff["community_staff"])
    assert Notification.objects.filter(kind="points.adjusted").count() == 1


def test_a_very_long_key_is_kept_unique_within_its_column(make_user):
    user = make_user("t_long")
    points_adjust(holder=user, amount=5, reason="opening", key="k" * 300, actor=None)
    points_adjust(holder=user, amount=5, reason="opening", key="k" * 300, actor=None)
    points_adjust(holder=user, amount=5, reason="opening", key="k" * 299 + "j", actor=None)
    assert Account.objects.get(user=user).balance == 10
    assert max(len(key) for key in Entry.objects.values_list("key", flat=True)) <= 120


def test_the_quiet_award_logs_a_failure_instead_of_raising(rules, make_resident, matter, monkeypatch, caplog):
    resident = make_resident()

    def broken(**kwargs):
        raise IntegrityError("simulated failure of the ledger")

    monkeypatch.setattr(services, "points_award", broken)
    with transaction.atomic():
        assert (
            services.points_award_quietly(holder=resident, rule_code="matter_accepted", source=matter) is None
        )
        # The surrounding transaction goes on.
        AuditEntry.objects.create(action="tests.points.after")
    assert AuditEntry.objects.filter(action="tests.points.after").exists()
    assert "was not written" in caplog.text
    assert services.points_award_quietly(holder=None, rule_code="matter_accepted", source=matter) is None


def test_staff_change_a_rule_within_bounds_and_it_is_audited(rules, staff):
    rule = rules["meeting_attended"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.rule_update(
                by=staff["city_officer"], rule=rule, amount=0, daily_cap=None, is_active=True
            )
        assert set(refused.value.message_dict) == {"amount"}
        with pytest.raises(ValidationError) as refused:
            services.rule_update(by=staff["city_officer"], rule=rule, amount=5, daily_cap=3, is_active=True)
        assert refused.value.message_dict == {
            "daily_cap": ["The daily limit must be at least the rule's points."]
        }
        with pytest.raises(ValidationError) as refused:
            services.rule_update(
                by=staff["city_officer"],
                rule=rule,
                amount=5,
                daily_cap=None,
                is_active=True,
                names={"en": " "},
            )
        assert set(refused.value.message_dict) == {"names"}
    changed = services.rule_update(
        by=staff["city_officer"], rule=rule, amount=4, daily_cap=8, is_active=False, names={"zh-hans": "参会"}
    )
    assert (changed.amount, changed.daily_cap, changed.is_active, changed.names) == (
        4,
        8,
        False,
        {"zh-hans": "参会"},
    )
    entry = AuditEntry.objects.get(action="points.rule_update")
    assert entry.changes["amount"] == [3, 4] and entry.changes["is_active"] == [True, False]


def test_the_migration_holds_the_standard_rules():
    migration = importlib.import_module("huiketing.points.migrations.0002_standard_rules")
    assert [tuple(rule) for rule in migration.STANDARD_RULES] == [
        (code, str(audience), amount, names) for code, audience, amount, names in services.STANDARD_RULES
    ]


def test_the_standard_rules_exist_after_ensuring_them(db):
    Rule.objects.filter(code="vote_cast").delete()
    assert services.points_rules_ensure() == 1
    assert services.points_rules_ensure() == 0
    assert set(Rule.objects.values_list("code", flat=True)) >= {
        code for code, *_rest in services.STANDARD_RULES
    }


def test_a_unit_scores_on_its_own_account(rules, units, matter):
    entry = points_award(holder=units.department, rule_code="unit_satisfied", source=matter)
    account = Account.objects.get(unit=units.department)
    assert entry.account == account and account.balance == 5
    assert account.place_code == units.department.place_code


def test_an_account_of_someone_outside_the_registry_takes_the_place_of_their_role(
    rules, tree, make_user, matter
):
    volunteer = make_user("t_volunteer", Role.VOLUNTEER, tree.communities[0].code)
    points_award(holder=volunteer, rule_code="vote_cast", source=matter)
    assert Account.objects.get(user=volunteer).place_code == tree.communities[0].code
