"""REST endpoints of package booking: the start times at which every part of a package has room, and booking
every part at once (POST, all parts or none; with an Idempotency-Key header a resend books nothing twice)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.permissions import PUBLIC

from . import booking_services as services
from . import package_selectors as selectors
from .booking_api import BookingSerializer


class PackagePartSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallPackagePart"

    name = serializers.CharField(
        help_text="The part (a service item or the room), in the request's language."
    )
    slot = serializers.IntegerField(source="slot.pk")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    free_places = serializers.IntegerField()


class PackageTimeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallPackageTime"

    starts_at = serializers.DateTimeField(help_text="Send this as `starts_at` to book.")
    ends_at = serializers.DateTimeField(help_text="When the last part ends.")
    free_places = serializers.IntegerField(help_text="The largest party every part still has room for.")
    parts = PackagePartSerializer(many=True)


class PackageTimesQuerySerializer(serializers.Serializer):
    party_size = serializers.IntegerField(default=1, min_value=1, max_value=services.MAX_PARTY_SIZE)


class PackageBookInputSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="One of the package's start times.")
    organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The organisation (e.g. a party branch) booked for; leave out to book for yourself.",
    )
    party_size = serializers.IntegerField(default=1, min_value=1, max_value=services.MAX_PARTY_SIZE)
    note = serializers.CharField(default="", allow_blank=True, max_length=200)


class PackageBookingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallPackageBooking"

    package = serializers.IntegerField()
    group = serializers.UUIDField(help_text="The same for every booking of the package.")
    organisation = serializers.IntegerField(allow_null=True)
    starts_at = serializers.DateTimeField()
    bookings = BookingSerializer(many=True, help_text="One booking per part, all confirmed.")


class PackageTimesApi(ApiView):
    """The start times at which every part of a package has room."""

    permission_required = PUBLIC

    @extend_schema(
        tags=["bookings"],
        summary="Start times of a package",
        description="The start times in the next two weeks at which every part of the package (its "
        "service items and its room) has a slot with room for `party_size`, each with its parts' slots.",
        parameters=[OpenApiParameter("party_size", OpenApiTypes.INT, default=1)],
        responses={200: PackageTimeSerializer(many=True), **error_responses(400, 404, 429)},
    )
    def get(self, request, pk: int):
        query = PackageTimesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        package = selectors.package_get_bookable(package_id=pk)
        times = selectors.package_times(package=package, party_size=query.validated_data["party_size"])
        return Response(PackageTimeSerializer(times, many=True).data)


class PackageBookApi(ApiView):
    """Book every part of a package at one start time."""

    permission_required = "hall.book"

    @extend_schema(
        tags=["bookings"],
        summary="Book a package",
        description="Books every part of the package at the start time, together: one confirmed booking "
        "per part, or none. Refused (400) naming the part that has no time then or is full, or when the "
        "account may not book for the organisation. Without an organisation the package is booked for the "
        "account's own registry record.",
        parameters=[IDEMPOTENCY_KEY],
        request=PackageBookInputSerializer,
        responses={201: PackageBookingSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        package = selectors.package_get_bookable(package_id=pk)
        data = PackageBookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organisation = None
        if values.get("organisation") is not None:
            organisation = selectors.organisation_for_booking(
                user=request.user, package=package, organisation_id=values["organisation"]
            )
            if organisation is None:
                raise serializers.ValidationError(
                    {"organisation": [_("You cannot book for this organisation.")]}
                )
        bookings = services.package_book(
            by=request.user,
            package=package,
            starts_at=values["starts_at"],
            organisation=organisation,
            party_size=values["party_size"],
            note=values["note"],
        )
        body = {
            "package": package.pk,
            "group": bookings[0].group,
            "organisation": organisation.pk if organisation else None,
            "starts_at": values["starts_at"],
            "bookings": bookings,
        }
        return Response(PackageBookingSerializer(body).data, status=status.HTTP_201_CREATED)
