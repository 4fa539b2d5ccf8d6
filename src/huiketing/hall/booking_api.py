"""REST endpoints of bookings: the open slots of a venue, item or room with their free places, the signed-in
account's bookings, booking (POST, with an Idempotency-Key header a resend books nothing twice) and
cancelling."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.permissions import PUBLIC

from . import booking_selectors as selectors
from . import booking_services as services
from .models import ServiceItem, Venue, Zone

LIST_LIMIT = 200


class SlotSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallSlot"

    id = serializers.IntegerField()
    venue = serializers.IntegerField(source="venue_id")
    item = serializers.IntegerField(source="item_id", allow_null=True)
    zone = serializers.IntegerField(source="zone_id", allow_null=True)
    what = serializers.SerializerMethodField(help_text="The item or room, in the language of the request.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    taken = serializers.IntegerField()
    free_places = serializers.IntegerField()
    waiting_count = serializers.IntegerField(help_text="People on the waiting list.")
    waiting_list = serializers.BooleanField(
        help_text="Whether a booking of a full slot joins a waiting list."
    )
    cancel_hours = serializers.IntegerField(
        help_text="Residents cancel until this many hours before the start."
    )

    def get_what(self, slot) -> str:
        return services.slot_label(slot)


class BookingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallBooking"

    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    party_size = serializers.IntegerField()
    waiting_place = serializers.SerializerMethodField(help_text="1 = next in line; null unless waiting.")
    note = serializers.CharField()

    def get_waiting_place(self, booking) -> int | None:
        if booking.status != "waiting":
            return None
        ahead = getattr(booking, "waiting_ahead", None)
        if ahead is None:
            ahead = booking.slot.bookings.filter(
                status="waiting", waiting_since__lt=booking.waiting_since
            ).count()
        return ahead + 1


class BookInputSerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    party_size = serializers.IntegerField(default=1, min_value=1, max_value=services.MAX_PARTY_SIZE)
    note = serializers.CharField(default="", allow_blank=True, max_length=200)


class SlotQuerySerializer(serializers.Serializer):
    venue = serializers.IntegerField(required=False)
    item = serializers.IntegerField(required=False)
    zone = serializers.IntegerField(required=False)


class SlotListApi(ApiView):
    """Open slots (not started, next two weeks) with their free places."""

    permission_required = PUBLIC

    @extend_schema(
        tags=["bookings"],
        summary="Slots open for booking",
        parameters=[
            OpenApiParameter("venue", int, description="A living room."),
            OpenApiParameter("item", int, description="A service item."),
            OpenApiParameter("zone", int, description="A bookable room."),
        ],
        responses={200: SlotSerializer(many=True), **error_responses(400)},
    )
    def get(self, request):
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = {}
        for name, model in (("venue", Venue), ("item", ServiceItem), ("zone", Zone)):
            if values.get(name) is not None:
                filters[name] = model.objects.filter(pk=values[name]).first()
                if filters[name] is None:
                    return Response([])
        slots = selectors.slots_upcoming(**filters)[:LIST_LIMIT]
        return Response(SlotSerializer(slots, many=True).data)


class BookingListApi(ApiView):
    """The signed-in account's bookings; POST books a slot."""

    permission_required = "hall.book"

    @extend_schema(tags=["bookings"], summary="My bookings", responses={200: BookingSerializer(many=True)})
    def get(self, request):
        bookings = selectors.bookings_of_user(user=request.user)[:LIST_LIMIT]
        return Response(BookingSerializer(bookings, many=True).data)

    @extend_schema(
        tags=["bookings"],
        summary="Book a slot",
        description="Confirmed while places are free, else on the waiting list (or refused: fully booked).",
        parameters=[IDEMPOTENCY_KEY],
        request=BookInputSerializer,
        responses={201: BookingSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        data = BookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            slot = selectors.slot_get_bookable(slot_id=values["slot"])
        except Exception:
            raise serializers.ValidationError(
                {"slot": [_("Choose a time that is open for booking.")]}
            ) from None
        booking = services.booking_make(
            by=request.user, slot=slot, party_size=values["party_size"], note=values["note"]
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingCancelApi(ApiView):
    permission_required = "hall.book"

    @extend_schema(
        tags=["bookings"],
        summary="Cancel my booking or leave the waiting list",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: BookingSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        booking = selectors.booking_get_own(user=request.user, booking_id=pk)
        booking = services.booking_cancel(by=request.user, booking=booking)
        return Response(BookingSerializer(booking).data)
