"""Spending under concurrent requests: the balance is never over-spent, on SQLite and PostgreSQL alike."""

import pytest

from huiketing.points.models import Account, Entry
from huiketing.points.services import PointsError, points_adjust, points_spend
from tests.attacks.test_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_spends_of_ten_at_once_on_fifty_let_exactly_five_through(audit_log_flushable, make_user):
    user = make_user("t_race_spender")
    points_adjust(holder=user, amount=50, reason="opening balance", key="open", actor=None)
    account = Account.objects.get(user=user)

    def spend(n):
        return lambda: points_spend(holder=user, amount=10, reason="shop", key=f"race-{n}")

    results = run_together([spend(n) for n in range(20)])
    spent = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if isinstance(r, PointsError)]
    assert len(spent) == 5, results
    assert len(refused) == 15, [r for r in results if not isinstance(r, Entry | PointsError)]
    account.refresh_from_db()
    assert account.balance == 0
    assert sorted(e.balance_after for e in spent) == [0, 10, 20, 30, 40]
    assert Entry.objects.filter(account=account, amount=-10).count() == 5
