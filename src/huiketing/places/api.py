"""Public REST endpoints of places: the region tree, point → grid lookup and service points."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from huiketing.core.api import ApiView
from huiketing.core.permissions import PUBLIC
from huiketing.places import geo, selectors
from huiketing.places.models import Level, Place, ServicePointKind


class PlaceBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.CharField()
    name = serializers.CharField()


class LocatedRegionSerializer(PlaceBriefSerializer):
    names = serializers.DictField(child=serializers.CharField())


class LocatedGridSerializer(LocatedRegionSerializer):
    grid_type = serializers.CharField()
    households = serializers.IntegerField(allow_null=True)
    leader = serializers.CharField(allow_null=True)


class RegionSerializer(LocatedRegionSerializer):
    centroid_lat = serializers.FloatField(allow_null=True)
    centroid_lng = serializers.FloatField(allow_null=True)


class RegionListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC

    class OutputSerializer(RegionSerializer):
        class Meta:
            ref_name = "Region"

        parent = serializers.CharField(source="parent.code", default=None)

    serializer_class = OutputSerializer

    class FilterSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=Level.choices, required=False)
        parent = serializers.RegexField(r"^[0-9]{6,12}$", required=False)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.region_list(filters=filters.validated_data)

    @extend_schema(
        summary="List regions (city, subdistricts, communities, grids)",
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values, description="Only this level."),
            OpenApiParameter("parent", OpenApiTypes.STR, description="Only the children of this code."),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RegionDetailApi(ApiView):
    permission_required = PUBLIC

    class OutputSerializer(RegionSerializer):
        class Meta:
            ref_name = "RegionDetail"

        grid_type = serializers.CharField()
        households = serializers.IntegerField(allow_null=True)
        ancestors = PlaceBriefSerializer(many=True)
        children = PlaceBriefSerializer(many=True)
        boundary = serializers.JSONField(required=False)

    @extend_schema(
        summary="A region with its ancestors and children",
        parameters=[
            OpenApiParameter(
                "geometry", OpenApiTypes.BOOL, description="1 to include the boundary (GeoJSON, WGS-84)."
            )
        ],
        responses=OutputSerializer,
    )
    def get(self, request, code: str):
        place, ancestors, children = selectors.region_get(code=code)
        data = {
            "code": place.code,
            "level": place.level,
            "name": place.name,
            "names": place.names,
            "centroid_lat": place.centroid_lat,
            "centroid_lng": place.centroid_lng,
            "grid_type": place.grid_type,
            "households": place.households,
            "ancestors": ancestors,
            "children": children,
        }
        if request.query_params.get("geometry") in {"1", "true", "yes"}:
            data["boundary"] = place.boundary
        return Response(self.OutputSerializer(data).data)


def _brief(place: Place | None) -> dict | None:
    if place is None:
        return None
    return {
        "code": place.code,
        "level": place.level,
        "name": place.name,
        "names": place.names,
        "grid_type": place.grid_type,
        "households": place.households,
    }


class RegionLocateApi(ApiView):
    permission_required = PUBLIC

    class InputSerializer(serializers.Serializer):
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)
        crs = serializers.ChoiceField(choices=["wgs84", "gcj02"], default="wgs84", required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegionLocation"

        grid = LocatedGridSerializer()
        community = LocatedRegionSerializer(allow_null=True)
        subdistrict = LocatedRegionSerializer(allow_null=True)
        city = LocatedRegionSerializer(allow_null=True)
        point = serializers.DictField(child=serializers.FloatField(), help_text="The point in WGS-84.")

    @extend_schema(
        summary="The grid containing a point, with its community, subdistrict and city",
        parameters=[
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="Latitude in degrees."),
            OpenApiParameter("lng", OpenApiTypes.DOUBLE, required=True, description="Longitude in degrees."),
            OpenApiParameter(
                "crs",
                OpenApiTypes.STR,
                enum=["wgs84", "gcj02"],
                description="Coordinate system of lat/lng: wgs84 (default) or gcj02 (Chinese map SDKs).",
            ),
        ],
        responses={
            200: OutputSerializer,
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        lat, lng = geo.to_wgs84(
            params.validated_data["lat"], params.validated_data["lng"], params.validated_data["crs"]
        )
        grid = geo.grid_at(lat=lat, lng=lng)
        if grid is None:
            raise exceptions.NotFound(_("This point is not inside any grid."))
        community = grid.parent
        subdistrict = community.parent if community else None
        city = subdistrict.parent if subdistrict else None
        data = {
            "grid": {**_brief(grid), "leader": str(grid.leader) if grid.leader else None},
            "community": _brief(community),
            "subdistrict": _brief(subdistrict),
            "city": _brief(city),
            "point": {"lat": lat, "lng": lng},
        }
        return Response(self.OutputSerializer(data).data)


class ServicePointListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ServicePoint"

        id = serializers.IntegerField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        name = serializers.CharField()
        names = serializers.DictField(child=serializers.CharField())
        place_code = serializers.CharField()
        place_name = serializers.CharField(source="place.name")
        lat = serializers.FloatField()
        lng = serializers.FloatField()
        address = serializers.JSONField()
        opening_hours = serializers.JSONField()
        phone = serializers.CharField()

    serializer_class = OutputSerializer

    class FilterSerializer(serializers.Serializer):
        place = serializers.RegexField(r"^[0-9]{1,15}$", required=False)
        kind = serializers.ChoiceField(choices=ServicePointKind.choices, required=False)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.service_point_list(filters=filters.validated_data)

    @extend_schema(
        summary="List service points",
        parameters=[
            OpenApiParameter(
                "place", OpenApiTypes.STR, description="Only points whose place code starts so."
            ),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=ServicePointKind.values, description="Only this kind."
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
