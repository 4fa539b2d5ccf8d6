"""REST endpoints of visits: a phone's check-in with the door's code, and the visits statistics of the venues
in the reader's scope."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses

from . import visit_selectors as selectors
from . import visit_services as services
from .models import Event, ServiceItem
from .visit_models import VisitPurpose


class VisitCheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64, help_text="The code in the venue's door QR code.")
    purpose = serializers.ChoiceField(choices=VisitPurpose.choices)
    item = serializers.IntegerField(
        required=False, allow_null=True, help_text="The service item, for a service."
    )
    event = serializers.IntegerField(required=False, allow_null=True, help_text="The event, for an event.")


class VisitSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Visit"

    id = serializers.IntegerField()
    venue = serializers.IntegerField(source="venue_id")
    at = serializers.DateTimeField()
    purpose = serializers.CharField()
    item = serializers.IntegerField(source="item_id", allow_null=True)
    event = serializers.IntegerField(source="event_id", allow_null=True)
    created = serializers.BooleanField(
        source="is_new", help_text="False when the same person checked in here within the last 30 minutes."
    )


class VisitCheckInApi(ApiView):
    """A signed-in phone checks in at the door."""

    permission_required = "hall.book"

    @extend_schema(
        tags=["visits"],
        summary="Check in at a living room's door",
        description="The signed-in account checks in with the code of the venue's door QR code. A second "
        "check-in by the same account at the same venue within 30 minutes returns the first visit (200, "
        "`created` false) and counts nothing twice; a new visit is 201.",
        parameters=[IDEMPOTENCY_KEY],
        request=VisitCheckInSerializer,
        responses={201: VisitSerializer, 200: VisitSerializer, **error_responses(400, 401, 403, 409, 429)},
    )
    def post(self, request):
        data = VisitCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        venue = services.venue_for_token(values["token"])
        item = event = None
        if values.get("item") is not None:
            item = ServiceItem.objects.filter(pk=values["item"], venue=venue).first()
            if item is None:
                raise serializers.ValidationError(
                    {"item": [_("This service is not offered in this living room.")]}
                )
        if values.get("event") is not None:
            event = Event.objects.filter(pk=values["event"], venue=venue).first()
            if event is None:
                raise serializers.ValidationError(
                    {"event": [_("This event is not held in this living room.")]}
                )
        visit = services.visit_check_in_by_token(
            user=request.user, token=values["token"], purpose=values["purpose"], item=item, event=event
        )
        return Response(
            VisitSerializer(visit).data,
            status=status.HTTP_201_CREATED if visit.is_new else status.HTTP_200_OK,
        )


class VisitStatisticsQuerySerializer(serializers.Serializer):
    venue = serializers.IntegerField(required=False)

    def get_fields(self):
        # "from" and "to" are Python keywords: added here rather than as class attributes.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        fields["to"] = serializers.DateField(required=False)
        return fields


class VisitCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    visits = serializers.IntegerField()


class VisitSatisfactionSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class VisitStatisticsSerializer(serializers.Serializer):
    venues = serializers.ListField(child=serializers.IntegerField())
    visits = serializers.IntegerField(help_text="人次: the sum of people over the visits.")
    unique_visitors = serializers.IntegerField(
        help_text="Distinct residents or accounts named by a visit; head counts name nobody "
        "and are not included."
    )
    rated = serializers.IntegerField()
    per_day = VisitCountSerializer(many=True)
    per_purpose = VisitCountSerializer(many=True)
    per_hour = VisitCountSerializer(many=True)
    satisfaction = VisitSatisfactionSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


def statistics_data(figures: selectors.VisitStatistics) -> dict:
    return {
        "venues": [v.pk for v in figures.venues],
        "from": figures.start,
        "to": figures.end,
        "visits": figures.total,
        "unique_visitors": figures.unique_visitors,
        "rated": figures.rated,
        "per_day": [{"key": day.isoformat(), "visits": n} for day, n in figures.per_day],
        "per_purpose": [{"key": code, "visits": n} for code, _label, n in figures.per_purpose],
        "per_hour": [{"key": str(hour), "visits": n} for hour, n in figures.per_hour],
        "satisfaction": [
            {"key": code, "count": count, "percent": percent}
            for code, _label, count, percent in figures.satisfaction
        ],
    }


class VisitStatisticsApi(ApiView):
    """The visits statistics of one venue or of every venue in the reader's scope."""

    permission_required = "hall.view_statistics"

    @extend_schema(
        tags=["visits"],
        summary="Visits statistics",
        description="Visits (人次) per day, purpose and hour of the day, unique visitors and satisfaction "
        "shares for a range of days (`from`, `to`, at most 366 days; the last 30 days by default), of one "
        "venue (`venue`; 404 outside the reader's scope) or of all venues in scope.",
        parameters=[
            OpenApiParameter("venue", int, required=False),
            OpenApiParameter("from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, required=False, description="YYYY-MM-DD"),
        ],
        responses={200: VisitStatisticsSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = VisitStatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        start, end = selectors.statistics_range(start=values.get("from"), end=values.get("to"))
        figures = selectors.visit_statistics(
            user=request.user, start=start, end=end, venue_id=values.get("venue")
        )
        return Response(VisitStatisticsSerializer(statistics_data(figures)).data)
