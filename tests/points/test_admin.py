"""The admin: rules changed through the service (audited, checked), accounts and entries read-only."""

from huiketing.core.models import AuditEntry
from huiketing.people.models import User
from huiketing.points.models import Account

from .test_pages import earn


def _admin(client):
    user = User.objects.create_superuser("t_root", "root@example.org", "pass-for-tests-1")
    client.force_login(user)
    return user


def _rule_data(rule, **changes) -> dict:
    import json

    data = {
        "names": json.dumps(rule.names),
        "audience": rule.audience,
        "amount": rule.amount,
        "daily_cap": rule.daily_cap or "",
        "is_active": "on" if rule.is_active else "",
        "position": rule.position,
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def test_a_rule_changed_in_the_admin_is_checked_and_audited(client, rules):
    _admin(client)
    rule = rules["vote_cast"]
    url = f"/admin/points/rule/{rule.pk}/change/"
    assert client.get("/admin/points/rule/").status_code == 200
    assert client.get(url).status_code == 200
    refused = client.post(url, _rule_data(rule, amount=3, daily_cap=2))
    assert refused.status_code == 200 and refused.context["adminform"].form.errors.keys() == {"daily_cap"}
    saved = client.post(url, _rule_data(rule, amount=3, daily_cap=9, position=7))
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.amount, rule.daily_cap, rule.position) == (3, 9, 7)
    assert AuditEntry.objects.filter(action="points.rule_update", object_id=str(rule.pk)).count() == 2


def test_accounts_and_entries_are_read_only_in_the_admin(client, rules, make_resident):
    _admin(client)
    earn(make_resident(), 2)
    account = Account.objects.get()
    assert client.get("/admin/points/account/").status_code == 200
    assert client.get("/admin/points/entry/").status_code == 200
    assert client.get(f"/admin/points/account/{account.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/points/account/{account.pk}/change/", {"balance": 999}).status_code == 403
    assert client.get("/admin/points/account/add/").status_code == 403
    account.refresh_from_db()
    assert account.balance == 2
