"""A secret vote never links a choice to a person, not even in the database.

Ten residents vote in a secret vote, online and in person, each choice known to the test. Then every table of
the database is read, row by row: no row that points to one of the voters (their registry record, household
or account, or one of their ballots) may point to, or name, an option of the vote. The secret ballots carry
no option, the tallies have no column but the vote, the option and the count, and the audit log says who
voted and how, never what. Anyone who adds the option to a secret ballot, to an audit entry, a notification
or a stored API answer makes this test fail."""

import json
import re
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

from huiketing.core.models import AuditEntry
from huiketing.meetings import vote_services as services
from huiketing.meetings.models import Ballot, Electorate, SecretTally, VoteOption
from huiketing.people.models import Household, Resident, Role

pytestmark = pytest.mark.usefixtures("english")

# Distinctive option labels, so that a copy of one anywhere in a text or JSON column is found.
LABELS = {"yes": "方案甲-亮灯-Q7", "no": "方案乙-不换-Q8", "abstain": "弃权-无意见-Q9"}
# As they read in a JSON column kept as text with its non-ASCII characters escaped.
LABEL_FORMS = [*LABELS.values(), *(json.dumps(label)[1:-1] for label in LABELS.values())]
NAMES = "甲乙丙丁戊己庚辛壬癸"
CHOICES = ["yes", "yes", "no", "yes", "abstain", "no", "yes", "yes", "no", "yes"]


@pytest.fixture
def secret_vote(make_vote_item, community_staff, make_resident, staff, points_rules):
    item = make_vote_item()
    vote = services.vote_create(
        by=community_staff,
        item=item,
        question="Which street lights?",
        options=[(LABELS["yes"], "yes"), (LABELS["no"], "no"), (LABELS["abstain"], "abstain")],
        is_secret=True,
        electorate=Electorate.RESIDENTS,
        turnout_quorum=0,
    )
    vote = services.vote_open(by=community_staff, vote=vote)
    options = {o.meaning: o for o in vote.options.all()}
    voters = []
    for n, meaning in enumerate(CHOICES):
        resident = make_resident(f"投票人{NAMES[n]}", username=f"t_secret{n}")
        if n % 3 == 2:
            services.ballot_record_in_person(
                by=staff[Role.GRID_LEADER], vote=vote, resident=resident, option=options[meaning]
            )
        else:
            services.ballot_cast_online(by=resident.account, vote=vote, option=options[meaning])
        voters.append(resident)
    return vote, options, voters


def test_secret_ballots_hold_no_choice_and_the_tallies_count_them(secret_vote):
    vote, options, _voters = secret_vote
    ballots = Ballot.objects.filter(vote=vote)
    assert ballots.count() == 10
    assert not ballots.filter(option__isnull=False).exists()
    tallies = {t.option_id: t.count for t in SecretTally.objects.filter(vote=vote)}
    assert tallies == {options[m].pk: CHOICES.count(m) for m in ("yes", "no", "abstain")}


def test_the_tally_table_has_only_the_vote_the_option_and_the_count(db):
    related = {f.related_model for f in SecretTally._meta.get_fields() if f.is_relation and f.concrete}
    assert related == {apps.get_model("meetings", "Vote"), VoteOption}
    assert not [f for f in SecretTally._meta.get_fields() if isinstance(f, models.DateField)]
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, SecretTally._meta.db_table)
        }
    assert columns == {"id", "vote_id", "option_id", "count"}


def test_the_audit_log_says_who_voted_and_how_never_what(secret_vote, staff):
    vote, options, _voters = secret_vote
    entries = list(AuditEntry.objects.filter(action="meetings.ballot_cast"))
    assert len(entries) == 10
    ballot_ids = {str(pk) for pk in Ballot.objects.filter(vote=vote).values_list("pk", flat=True)}
    option_ids = {o.pk for o in options.values()}
    for entry in entries:
        assert entry.object_type == "meetings.ballot" and entry.object_id in ballot_ids
        assert set(entry.changes) == {"vote", "channel"}
        text = json.dumps(entry.changes, ensure_ascii=False) + entry.object_repr + entry.reason
        assert not any(label in text for label in LABELS.values())
        assert not _option_ids_in(text, option_ids)
    in_person = [e for e in entries if e.changes["channel"][1] == Ballot.Channel.IN_PERSON]
    assert in_person and all(e.actor == staff[Role.GRID_LEADER] for e in in_person)


def _option_ids_in(text: str, option_ids: set[int]) -> set[int]:
    """Option ids written next to a key that names an option ("option": 12, "option_id": [null, 12], …)."""
    found = set()
    for match in re.finditer(r'"[^"]*option[^"]*"\s*:\s*\[?\s*(?:null\s*,\s*)?(\d+)', text):
        if int(match.group(1)) in option_ids:
            found.add(int(match.group(1)))
    return found


def _read_all(cursor) -> dict[str, tuple[str | None, dict, list[dict]]]:
    """Every table: its primary-key column, its foreign keys (column → referenced table) and its rows."""
    tables = {}
    for table in connection.introspection.table_names(cursor):
        relations = {
            column: ref_table
            for column, (_ref, ref_table) in connection.introspection.get_relations(cursor, table).items()
        }
        key = connection.introspection.get_primary_key_column(cursor, table)
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        names = [column[0] for column in cursor.description]
        tables[table] = (key, relations, [dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return tables


def _text(values: dict, skip) -> str:
    return " ".join(
        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        for name, value in values.items()
        if name not in skip and value is not None
    )


def _scan(vote, options, voters) -> list[str]:
    """Every row of every table that points to a voter and to, or names, one of the vote's options.

    A row points to a voter when a foreign key of it leads, directly or through other rows, to a voter's
    registry record, household or account (their ballots, points, notifications, audit entries …), or when
    it names one of their ballots."""
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    linked: dict[str, set] = {
        Resident._meta.db_table: {r.pk for r in voters},
        Household._meta.db_table: {r.household_id for r in voters},
        user_table: {r.account_id for r in voters},
    }
    ballot_ids = {str(pk) for pk in Ballot.objects.filter(vote=vote).values_list("pk", flat=True)}
    ballot_ids |= {uuid.UUID(pk).hex for pk in ballot_ids}  # SQLite keeps UUIDs as 32 hex characters
    option_ids = {o.pk for o in options.values()}
    option_table = VoteOption._meta.db_table
    with connection.cursor() as cursor:
        tables = _read_all(cursor)
    assert Ballot._meta.db_table in tables and SecretTally._meta.db_table in tables
    linked_rows: dict[str, list[dict]] = {}
    seen: set[int] = set()
    changed = True
    while changed:  # follow foreign keys until no new row is found pointing to a voter
        changed = False
        for table, (key, relations, rows) in tables.items():
            for values in rows:
                if id(values) in seen:
                    continue
                points = any(values[c] in linked.get(ref, ()) for c, ref in relations.items()) or any(
                    ballot_id in _text(values, relations) for ballot_id in ballot_ids
                )
                if points:
                    seen.add(id(values))
                    linked_rows.setdefault(table, []).append(values)
                    if key is not None:
                        linked.setdefault(table, set()).add(values[key])
                    changed = key is not None or changed
    problems = []
    for table, rows in linked_rows.items():
        relations = tables[table][1]
        option_columns = [c for c, ref in relations.items() if ref == option_table]
        for values in rows:
            text = _text(values, relations)
            if (
                any(values[c] in option_ids for c in option_columns)
                or any(label in text for label in LABEL_FORMS)
                or _option_ids_in(text, option_ids)
            ):
                problems.append(f"{table}: {values}")
    return problems


def test_no_row_of_any_table_links_a_voter_to_a_choice(secret_vote, community_staff):
    vote, options, voters = secret_vote
    assert _scan(vote, options, voters) == []
    services.vote_close(by=community_staff, vote=vote)  # the result goes to every voter
    assert _scan(vote, options, voters) == []


def test_the_scan_finds_a_choice_put_on_a_secret_ballot(secret_vote):
    """The scan above is able to fail: a ballot given its option is reported."""
    vote, options, voters = secret_vote
    ballot = Ballot.objects.filter(vote=vote).first()
    Ballot.objects.filter(pk=ballot.pk).update(option=options["yes"])
    problems = _scan(vote, options, voters)
    assert len(problems) == 1 and problems[0].startswith(f"{Ballot._meta.db_table}:")


def _leak_into_audit_entry(vote, options, voters):
    from huiketing.core.audit import audit_record

    ballot = Ballot.objects.filter(vote=vote).first()
    audit_record(actor=None, action="tests.leak", obj=ballot, changes={"option": [None, options["no"].pk]})
    return AuditEntry._meta.db_table


def _leak_into_notification(vote, options, voters):
    from huiketing.core.models import Notification

    Notification.objects.create(
        recipient=voters[3].account, kind="tests.leak", params={"chose": LABELS["no"]}
    )
    return Notification._meta.db_table


def _leak_into_points(vote, options, voters):
    from huiketing.points.models import Entry
    from huiketing.points.services import account_for

    account = account_for(voters[5])
    Entry.objects.create(
        account=account, balance_after=account.balance, reason=LABELS["abstain"], key="x", amount=1
    )
    return Entry._meta.db_table


@pytest.mark.parametrize("leak", [_leak_into_audit_entry, _leak_into_notification, _leak_into_points])
def test_the_scan_finds_a_choice_written_anywhere_near_a_voter(secret_vote, leak):
    vote, options, voters = secret_vote
    table = leak(vote, options, voters)
    problems = _scan(vote, options, voters)
    assert len(problems) == 1 and problems[0].startswith(f"{table}:"), problems


def test_the_admin_shows_who_voted_never_what(secret_vote, client, community_staff):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    vote, _options, voters = secret_vote
    admin_user = get_user_model().objects.create_superuser(
        "t_vote_admin", "a@example.org", "pass-for-tests-1"
    )
    client.force_login(admin_user)
    pages = [
        reverse("admin:meetings_ballot_changelist"),
        reverse("admin:meetings_ballot_change", args=[Ballot.objects.filter(vote=vote).first().pk]),
        reverse("admin:meetings_secrettally_changelist"),
        reverse("admin:meetings_vote_change", args=[vote.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        # Neither a choice nor (while open) a count shows; the option names show on the vote's own page only.
        if "ballot" in url:
            assert not any(label in page for label in LABELS.values()), url
    tallies = client.get(reverse("admin:meetings_secrettally_changelist")).content.decode()
    assert 'class="field-shown_count">—<' in tallies
    services.vote_close(by=community_staff, vote=vote)
    tallies = client.get(reverse("admin:meetings_secrettally_changelist")).content.decode()
    assert 'class="field-shown_count">6<' in tallies
    ballots = client.get(reverse("admin:meetings_ballot_changelist")).content.decode()
    assert voters[0].full_name in ballots and not any(label in ballots for label in LABELS.values())
