"""REST endpoints of the living rooms: the venues, a venue with its zones and items, and the catalogue of
service items across venues (by venue, category and audience). Public, read-only."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from huiketing.core.api import ApiView, error_responses
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC

from . import venue_selectors as selectors
from .models import Audience, ItemCategory


class ZoneSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallZone"

    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.SerializerMethodField()
    capacity = serializers.IntegerField()
    is_bookable = serializers.BooleanField()

    def get_name(self, zone) -> str:
        return str(zone)


class ItemSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallServiceItem"

    id = serializers.IntegerField()
    venue = serializers.IntegerField(source="venue_id")
    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="In the language of the request.")
    category = serializers.CharField()
    category_display = serializers.CharField(source="get_category_display")
    audiences = serializers.ListField(child=serializers.CharField())
    needs_booking = serializers.BooleanField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="Yuan.")
    is_package = serializers.BooleanField()
    required_documents = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_name(self, item) -> str:
        return str(item)

    def get_required_documents(self, item) -> str:
        return pick(item.required_documents)

    def get_url(self, item) -> str:
        path = reverse("hall:item-detail", args=[item.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class VenueSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallVenue"

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(source="service_point.kind")
    place_code = serializers.CharField()
    lat = serializers.FloatField(source="service_point.lat")
    lng = serializers.FloatField(source="service_point.lng")
    opening_hours = serializers.JSONField(source="service_point.opening_hours")
    closed_on_public_holidays = serializers.BooleanField()
    is_demonstration_site = serializers.BooleanField()
    demonstrates = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_demonstrates(self, venue) -> str:
        return pick(venue.demonstrates)

    def get_url(self, venue) -> str:
        path = reverse("hall:venue-detail", args=[venue.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class VenueDetailSerializer(VenueSerializer):
    class Meta:
        ref_name = "HallVenueDetail"

    description = serializers.SerializerMethodField()
    accessibility = serializers.SerializerMethodField()
    zones = ZoneSerializer(many=True, source="zones.all")
    items = ItemSerializer(many=True, source="active_items")

    def get_description(self, venue) -> str:
        return pick(venue.descriptions)

    def get_accessibility(self, venue) -> str:
        return pick(venue.accessibility)


class VenueFilterSerializer(serializers.Serializer):
    community = serializers.RegexField(r"^\d{12}$", required=False)
    demonstration = serializers.BooleanField(required=False)


class ItemFilterSerializer(serializers.Serializer):
    venue = serializers.IntegerField(required=False, min_value=1)
    category = serializers.ChoiceField(choices=ItemCategory.values, required=False)
    audience = serializers.ChoiceField(choices=Audience.values, required=False)


class VenueListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = VenueSerializer

    def get_queryset(self):
        filters = VenueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.venues_public(filters=dict(filters.validated_data))

    @extend_schema(
        tags=["living rooms"],
        summary="List the living rooms",
        parameters=[
            OpenApiParameter("community", OpenApiTypes.STR, description="A community's 12-digit code."),
            OpenApiParameter("demonstration", OpenApiTypes.BOOL, description="Demonstration sites only."),
        ],
        responses={200: VenueSerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VenueDetailApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["living rooms"],
        summary="A living room with its zones and service items",
        responses={200: VenueDetailSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        venue = selectors.venue_get_public(venue_id=pk)
        return Response(VenueDetailSerializer(venue, context={"request": request}).data)


class ItemListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = ItemSerializer

    def get_queryset(self):
        filters = ItemFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.items_public(filters=dict(filters.validated_data))

    @extend_schema(
        tags=["living rooms"],
        summary="The catalogue of service items across the living rooms",
        parameters=[
            OpenApiParameter("venue", OpenApiTypes.INT),
            OpenApiParameter("category", OpenApiTypes.STR, enum=ItemCategory.values),
            OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values),
        ],
        responses={200: ItemSerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
