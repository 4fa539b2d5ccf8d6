"""REST endpoint of the three rates: `GET /api/v1/matters/rates/?start=&end=&group_by=&within=`.

The same question as the staff page (matters.rates_views), with the same rules: `within` must be a place in
the account's scope (else 404, as for a place that does not exist); department staff read their own units.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from huiketing.core.api import ApiView, error_responses
from huiketing.matters import rates_views, selectors


class RatesQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=list(selectors.GROUPINGS), required=False)
    within = serializers.CharField(required=False, allow_blank=True, max_length=15)


class RatesSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterRates"

    response_rate = serializers.FloatField(
        allow_null=True, help_text="signed_in_time / due_to_sign, or null when nothing was due."
    )
    signed_in_time = serializers.IntegerField(help_text="Dispatches signed for within their deadline.")
    due_to_sign = serializers.IntegerField(
        help_text="Dispatches signed for, or whose time to sign has passed "
        "(one still inside it counts in neither)."
    )
    resolution_rate = serializers.FloatField(allow_null=True, help_text="resolved / taken_on.")
    resolved = serializers.IntegerField(help_text="Matters done or closed.")
    taken_on = serializers.IntegerField(help_text="Matters accepted, being handled, done or closed.")
    satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="(satisfied + basically) / evaluated."
    )
    satisfied = serializers.IntegerField()
    basically = serializers.IntegerField(help_text="Basically satisfied.")
    evaluated = serializers.IntegerField(help_text="Evaluations given (an expired evaluation is not one).")


class RatesGroupSerializer(RatesSerializer):
    class Meta:
        ref_name = "MatterRatesGroup"

    key = serializers.CharField(
        help_text="The place code (a prefix of the grid codes), or the handling unit's id."
    )
    name = serializers.CharField()


class PlaceRefSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterRatesPlace"

    code = serializers.CharField()
    name = serializers.CharField()


class RatesTableSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterRatesTable"

    start = serializers.DateField(help_text="First day of the period (matters raised from this day).")
    end = serializers.DateField(help_text="Last day of the period, included.")
    group_by = serializers.ChoiceField(choices=list(selectors.GROUPINGS))
    within = PlaceRefSerializer(allow_null=True, help_text="null: everywhere, or the account's units.")
    problems_solved = serializers.IntegerField(
        help_text="Matters done in the period (the figure Altay reports)."
    )
    total = RatesSerializer()
    groups = RatesGroupSerializer(many=True)


def _rates(item: selectors.Rates, **extra) -> dict:
    return {
        "response_rate": item.response_rate,
        "signed_in_time": item.signed_in_time,
        "due_to_sign": item.due_to_sign,
        "resolution_rate": item.resolution_rate,
        "resolved": item.resolved,
        "taken_on": item.taken_on,
        "satisfaction_rate": item.satisfaction_rate,
        "satisfied": item.satisfied,
        "basically": item.basically,
        "evaluated": item.evaluated,
        **extra,
    }


class RatesApi(ApiView):
    permission_required = "matters.view_rates"

    @extend_schema(
        tags=["matters"],
        summary="The three rates (response, resolution, satisfaction) with the counts behind them",
        description="For matters raised from `start` to `end` (both included; the last twelve months by "
        "default), within a place of the account's scope, one group per place one level down by default.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, included."),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(selectors.GROUPINGS)),
            OpenApiParameter(
                "within",
                OpenApiTypes.STR,
                description="A place code (6, 9, 12 or 15 digits) in the account's scope; 404 otherwise.",
            ),
        ],
        responses={200: RatesTableSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def get(self, request):
        query = RatesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        user = request.user
        scope_ = selectors.rates_scope(user=user)
        within = rates_views.rates_within(user, scope_, data.get("within", ""))
        start, end = rates_views.rates_period(data.get("start"), data.get("end"), timezone.localdate())
        group_by = rates_views.rates_grouping(data.get("group_by", ""), scope_, within)
        first, after = rates_views.bounds(start, end)
        table = selectors.rates_table(scope_=scope_, start=first, end=after, within=within, group_by=group_by)
        return Response(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "group_by": table.group_by,
                "within": {"code": within.code, "name": within.name} if within is not None else None,
                "problems_solved": table.problems_solved,
                "total": _rates(table.total),
                "groups": [_rates(row.rates, key=row.key, name=row.name) for row in table.rows],
            }
        )
