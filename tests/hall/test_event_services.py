"""Events, courses and festival series through the services: closures refused, registration through the
bookings (capacity, waiting list), the yearly expansion, the programme."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from huiketing.hall import booking_services
from huiketing.hall import event_services as services
from huiketing.hall.models import BookingStatus, Closure, Event, EventKind, Festival, Performer
from tests.hall.test_booking_services import make_venue, venue  # noqa: F401  (fixtures)

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), CHINA)


@pytest.fixture
def manager(tree, make_user):
    return make_user("ev_manager", "community_staff", tree.communities[0].code)


@pytest.fixture
def event_venue(venue):  # noqa: F811
    return venue


def test_event_with_registration_gets_a_slot_and_a_waiting_list(event_venue, manager, make_user):
    event = services.event_create(
        by=manager,
        venue=event_venue,
        kind=EventKind.SCREENING,
        titles={"en": "Film"},
        starts_at=at(3),
        ends_at=at(3, 12),
        needs_registration=True,
        capacity=1,
    )
    assert event.slot.capacity == 1
    first = services.event_register(by=make_user("ev_a"), event=event)
    second = services.event_register(by=make_user("ev_b"), event=event)
    assert first.status == BookingStatus.CONFIRMED
    assert second.status == BookingStatus.WAITING
    booking_services.booking_cancel(by=first.user, booking=first)
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED


def test_event_refused_in_a_closure_with_its_reason(event_venue, manager):
    Closure.objects.create(
        venue=event_venue, starts_at=at(4, 0), ends_at=at(5, 0), reasons={"en": "Heating repairs"}
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.event_create(
            by=manager,
            venue=event_venue,
            kind=EventKind.LECTURE,
            titles={"en": "Talk"},
            starts_at=at(4),
            ends_at=at(4, 11),
        )
    assert "starts_at" in caught.value.message_dict
    assert "Heating repairs" in " ".join(caught.value.messages)
    assert not Event.objects.exists()


def test_event_needs_capacity_and_order(event_venue, manager):
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            by=manager,
            venue=event_venue,
            kind=EventKind.GALA,
            titles={"en": "Gala"},
            starts_at=at(3),
            ends_at=at(3, 12),
            needs_registration=True,
        )
    assert "capacity" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            by=manager,
            venue=event_venue,
            kind=EventKind.GALA,
            titles={"en": "Gala"},
            starts_at=at(3, 12),
            ends_at=at(3, 10),
        )
    assert "ends_at" in caught.value.message_dict


def test_course_enrol_once_for_the_term(event_venue, manager, make_user):
    series = services.series_create(
        by=manager,
        venue=event_venue,
        titles={"en": "Calligraphy"},
        sessions=[(at(7 * n + 2), at(7 * n + 2, 11)) for n in range(4)],
        capacity=2,
    )
    sessions = list(series.sessions.order_by("starts_at"))
    assert len(sessions) == 4
    booking = services.event_register(by=make_user("ev_c"), event=sessions[2])
    assert booking.slot.series_id == series.pk and booking.status == BookingStatus.CONFIRMED
    attendance = services.attendance_record(by=manager, event=sessions[0], booking=booking, present=True)
    assert attendance is not None
    assert services.attendance_record(by=manager, event=sessions[0], booking=booking, present=False) is None


def test_festival_series_expands_three_years_idempotently(event_venue, manager):
    festival = Festival.objects.get(code="double-ninth")
    series = services.festival_series_create(
        by=manager,
        venue=event_venue,
        festival=festival,
        titles={"en": "Double Ninth tea party"},
        starts_time=datetime.time(9, 30),
        ends_time=datetime.time(11, 30),
        capacity=30,
        today=datetime.date(2026, 1, 10),
    )
    starts = sorted(timezone.localtime(e.starts_at) for e in series.sessions.all())
    assert [s.date() for s in starts] == [
        datetime.date(2026, 10, 18),
        datetime.date(2027, 10, 8),
        datetime.date(2028, 10, 26),
    ]
    assert all((s.hour, s.minute) == (9, 30) for s in starts)
    assert all(e.slot.capacity == 30 for e in series.sessions.all())
    assert services.festival_series_expand(by=None, series=series, today=datetime.date(2026, 1, 10)) == []
    # The weekly job a year on adds the year that came into range (2029), and only that one.
    assert services.festival_series_expand_all(today=datetime.date(2027, 1, 10)) == 1
    assert series.sessions.count() == 4
    # The worker's weekly task runs the same job: nothing more to add the same day.
    from huiketing.core.periodic import REGISTRY
    from huiketing.hall.event_tasks import festival_series_expand_task

    assert any(job.task is festival_series_expand_task for job in REGISTRY.values())
    assert festival_series_expand_task.call(today="2027-01-10") == 0
    # A festival no longer celebrated gets no new events, though its series is still active.
    Festival.objects.filter(pk=festival.pk).update(is_active=False)
    assert services.festival_series_expand_all(today=datetime.date(2028, 1, 10)) == 0
    assert series.sessions.count() == 4


def test_cancelling_an_event_cancels_its_registrations_and_tells_everyone(event_venue, manager, make_user):
    from huiketing.core.models import Notification
    from huiketing.hall.models import Booking, Slot

    event = services.event_create(
        by=manager,
        venue=event_venue,
        kind=EventKind.SCREENING,
        titles={"en": "Film"},
        starts_at=at(2, 14),
        ends_at=at(2, 16),
        needs_registration=True,
        capacity=1,
    )
    placed, waiting = make_user("ev_placed"), make_user("ev_waiting")
    assert services.event_register(by=placed, event=event).status == BookingStatus.CONFIRMED
    assert services.event_register(by=waiting, event=event).status == BookingStatus.WAITING
    services.event_cancel(by=manager, event=event, reason="The projector broke.")
    assert set(Booking.objects.filter(slot__event=event).values_list("status", flat=True)) == {
        BookingStatus.CANCELLED
    }
    assert Slot.objects.get(event=event).taken == 0
    told = Notification.objects.filter(kind="hall.event_cancelled")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["ev_placed", "ev_waiting"]
    with translation.override("en"):
        from huiketing.core.notifications import notification_render

        assert "The projector broke." in notification_render(told.first()).body
    with pytest.raises(ValidationError):
        services.event_cancel(by=manager, event=event)


def test_moving_an_event_tells_those_signed_up(event_venue, manager, make_user):
    from huiketing.core.models import Notification

    event = services.event_create(
        by=manager,
        venue=event_venue,
        kind=EventKind.LECTURE,
        titles={"en": "Talk"},
        starts_at=at(2, 14),
        ends_at=at(2, 15),
        needs_registration=True,
        capacity=5,
    )
    services.event_register(by=make_user("ev_listener"), event=event)
    services.event_update(
        by=manager, event=event, titles={"en": "Talk on savings"}, starts_at=at(2, 14), ends_at=at(2, 15)
    )
    assert not Notification.objects.filter(kind="hall.event_moved").exists()  # the time did not change
    services.event_update(
        by=manager, event=event, titles={"en": "Talk"}, starts_at=at(3, 15), ends_at=at(3, 16)
    )
    told = Notification.objects.get(kind="hall.event_moved")
    assert told.recipient.username == "ev_listener"
    assert told.params["when"].endswith("15:00")


def test_cancelling_a_session_of_a_course_keeps_the_term_and_tells_its_people(
    event_venue, manager, make_user
):
    from huiketing.core.models import Notification
    from huiketing.hall.models import Booking

    series = services.series_create(
        by=manager,
        venue=event_venue,
        titles={"en": "Calligraphy"},
        sessions=[(at(7 * n + 2), at(7 * n + 2, 11)) for n in range(3)],
        capacity=5,
    )
    sessions = list(series.sessions.order_by("starts_at"))
    services.event_register(by=make_user("ev_student"), event=sessions[0])
    services.event_cancel(by=manager, event=sessions[1], reason="Holiday.")
    assert Booking.objects.get(slot__series=series).status == BookingStatus.CONFIRMED
    series.slot.refresh_from_db()
    assert series.slot.taken == 1
    assert list(
        Notification.objects.filter(kind="hall.event_cancelled").values_list("recipient__username", flat=True)
    ) == ["ev_student"]


def test_programme_sign_up_accept_decline_and_order(event_venue, manager, make_user):
    event = services.event_create(
        by=manager,
        venue=event_venue,
        kind=EventKind.GALA,
        titles={"en": "Gala"},
        starts_at=at(10, 18),
        ends_at=at(10, 21),
        performer_sign_up=True,
    )
    singer = make_user("ev_singer")
    first = services.performer_sign_up(by=singer, event=event, group_name="Choir", act="Song")
    second = services.performer_sign_up(by=singer, event=event, group_name="Dancers", act="Dance")
    third = services.performer_sign_up(by=singer, event=event, group_name="Band", act="Dombra")
    with pytest.raises(ValidationError) as caught:
        services.performer_sign_up(by=singer, event=event, group_name="", act="")
    assert {"group_name", "act"} <= set(caught.value.message_dict)
    for performer in (first, second):
        services.performer_decide(by=manager, performer=performer, status=Performer.Status.ACCEPTED)
    services.performer_decide(by=manager, performer=third, status=Performer.Status.DECLINED)
    with pytest.raises(services.PerformerTransitionError):
        services.performer_decide(by=manager, performer=first, status=Performer.Status.ACCEPTED)
    with pytest.raises(ValidationError):
        services.programme_order(by=manager, event=event, performer_ids=[first.pk])
    services.programme_order(by=manager, event=event, performer_ids=[second.pk, first.pk])
    programme = list(
        Performer.objects.filter(event=event, status=Performer.Status.ACCEPTED).order_by("position")
    )
    assert [p.group_name for p in programme] == ["Dancers", "Choir"]
