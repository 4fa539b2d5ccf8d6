"""REST endpoints of points: my balance and entries, the leaderboards, and for staff the rules and
corrections. Leaderboards mask people's names as the pages do (see views.py)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.api_access import Pagination
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC

from . import selectors, services
from .models import Audience
from .views import board_from_query

# Serializers ------------------------------------------------------------------------------------------------


class EntrySerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsEntry"

    id = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Points in (positive) or out (negative).")
    balance_after = serializers.IntegerField()
    rule = serializers.SerializerMethodField(
        help_text="The rule's code, or null for a spend or a correction."
    )
    why = serializers.CharField(help_text="What it was for, in the language of the request.")
    detail = serializers.CharField(help_text="The reason written with it, when it says more than `why`.")
    source_type = serializers.CharField(help_text='What it came from ("matters.matter" …), or empty.')
    source_id = serializers.CharField()
    link = serializers.SerializerMethodField(help_text="The page of what it came from, if there is one.")
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_rule(self, entry):
        return entry.rule.code if entry.rule_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_link(self, entry):
        request = self.context.get("request")
        if not entry.link:
            return None
        return request.build_absolute_uri(entry.link) if request is not None else entry.link


class MyPointsSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MyPoints"

    balance = serializers.IntegerField()
    earned = serializers.IntegerField(help_text="Every point ever earned (spending does not lower it).")
    count = serializers.IntegerField(help_text="How many entries in all.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EntrySerializer(many=True)


class BoardRowSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsBoardRow"

    rank = serializers.IntegerField(help_text="Equal points share a rank.")
    name = serializers.CharField(help_text="People as 王* (first character) unless the reader is staff here.")
    points = serializers.IntegerField()
    is_me = serializers.BooleanField(help_text="The signed-in reader's own row.")


class MyStandingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsBoardStanding"

    rank = serializers.IntegerField()
    points = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsBoard"

    place = serializers.CharField(source="place_code", help_text="The community's or grid's code.")
    place_name = serializers.CharField()
    audience = serializers.CharField()
    period = serializers.CharField()
    since = serializers.DateTimeField(
        allow_null=True, help_text="The start of the period; null for all time."
    )
    masked = serializers.BooleanField(help_text="Whether people's names are masked.")
    rows = BoardRowSerializer(many=True)
    me = MyStandingSerializer(
        allow_null=True, help_text="The reader's own standing, when they earned points here in the period."
    )


class RuleSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsRule"

    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="In the language of the request.")
    names = serializers.DictField(child=serializers.CharField(), help_text="The name in each language.")
    audience = serializers.ChoiceField(choices=Audience.choices)
    amount = serializers.IntegerField()
    daily_cap = serializers.IntegerField(allow_null=True, help_text="Most points a day; null for no limit.")
    is_active = serializers.BooleanField()

    def get_name(self, rule) -> str:
        return pick(rule.names) or rule.code


class RuleChangeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsRuleChange"

    amount = serializers.IntegerField(required=False, min_value=1, max_value=services.MAX_RULE_AMOUNT)
    daily_cap = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    is_active = serializers.BooleanField(required=False)
    names = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=100),
        required=False,
        help_text="The name in each language: " + ", ".join(code for code, _name in settings.LANGUAGES) + ".",
    )

    def validate_names(self, value):
        unknown = sorted(set(value) - {code for code, _name in settings.LANGUAGES})
        if unknown:
            raise serializers.ValidationError(
                _("Unknown languages: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return value


class AdjustmentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsAdjustment"

    account = serializers.IntegerField(min_value=1, help_text="The account's id (staff: points accounts).")
    amount = serializers.IntegerField(
        min_value=-services.MAX_ADJUST_AMOUNT,
        max_value=services.MAX_ADJUST_AMOUNT,
        help_text="Positive to add, negative to take away; never below a balance of zero.",
    )
    reason = serializers.CharField(max_length=services.REASON_LENGTH)


class AdjustmentResultSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PointsAdjustmentResult"

    account = serializers.IntegerField(source="account_id")
    entry = EntrySerializer(source="*")


def _invalid(error: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


# Views ------------------------------------------------------------------------------------------------------


class MyPointsApi(ApiView):
    permission_required = "points.view_own"

    @extend_schema(
        tags=["points"],
        summary="My points",
        description="The signed-in person's balance and entries, newest first (`?page=`, `?page_size=`). A "
        "person in the residents registry reads the resident's account.",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 200."),
        ],
        responses={200: MyPointsSerializer, **error_responses(401, 404, 429)},
    )
    def get(self, request):
        account = selectors.my_account(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.entries_for(account), request, view=self)
        entries = selectors.entries_described(page)
        body = {
            "balance": account.balance if account else 0,
            "earned": account.earned if account else 0,
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": EntrySerializer(entries, many=True, context={"request": request}).data,
        }
        return Response(body)


class LeaderboardApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["points"],
        summary="A leaderboard",
        description="The top of a community's or a grid's board. People are shown by the first character of "
        "their name (王*) except to staff covering the place; handling units are named. Without `place`, the "
        "reader's own community (else the first one).",
        parameters=[
            OpenApiParameter("place", OpenApiTypes.STR, description="A community's or a grid's code."),
            OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values, default=Audience.RESIDENT),
            OpenApiParameter("period", OpenApiTypes.STR, enum=list(selectors.PERIODS), default="month"),
        ],
        responses={200: BoardSerializer, **error_responses(400, 429)},
    )
    def get(self, request):
        form, board, extra = board_from_query(request, request.query_params)
        if form.errors:
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        if board is None:
            raise exceptions.NotFound(_("No places have been set up yet."))
        board.place_name = extra.get("place_name", "")
        return Response(BoardSerializer(board).data)


class RuleListApi(ApiView):
    permission_required = "points.view_staff"

    @extend_schema(
        tags=["points"],
        summary="Points rules",
        description="Every rule, active or not, with its points and daily limit.",
        responses={200: RuleSerializer(many=True), **error_responses(401, 403, 429)},
    )
    def get(self, request):
        return Response(RuleSerializer(selectors.rules_all(), many=True).data)


class RuleApi(ApiView):
    permission_required = "points.manage_rules"

    @extend_schema(
        tags=["points"],
        summary="One points rule",
        responses={200: RuleSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request, code: str):
        return Response(RuleSerializer(selectors.rule_get(code=code)).data)

    @extend_schema(
        tags=["points"],
        summary="Change a points rule",
        description="Its points, daily limit (null: none), whether it is active, its names. Omitted fields "
        "keep their value. The rules hold for the whole platform: city officers and administrators only.",
        parameters=[IDEMPOTENCY_KEY],
        request=RuleChangeSerializer,
        responses={200: RuleSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def patch(self, request, code: str):
        rule = selectors.rule_get(code=code)
        data = RuleChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            rule = services.rule_update(
                by=request.user,
                rule=rule,
                amount=values.get("amount", rule.amount),
                daily_cap=values.get("daily_cap", rule.daily_cap),
                is_active=values.get("is_active", rule.is_active),
                names={**rule.names, **values["names"]} if "names" in values else None,
            )
        except DjangoValidationError as error:
            raise _invalid(error) from None
        return Response(RuleSerializer(rule).data)


class AdjustmentApi(ApiView):
    permission_required = "points.adjust"

    @extend_schema(
        tags=["points"],
        summary="Correct an account's points",
        description="A correction with its reason, by community staff and above, on an account whose holder "
        "lies in their scope (else 404). It may not take the balance below zero (400 on `amount`). Send an "
        "`Idempotency-Key`: a resend corrects once.",
        parameters=[IDEMPOTENCY_KEY],
        request=AdjustmentSerializer,
        responses={201: AdjustmentResultSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request):
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        account = selectors.account_get_for_staff(user=request.user, account_id=values["account"])
        if not request.user.has_perm(self.permission_required, account):
            raise exceptions.NotFound
        key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
        try:
            entry = services.points_adjust(
                holder=account,
                amount=values["amount"],
                reason=values["reason"],
                key=f"api:{request.user.pk}:{key}",
                actor=request.user,
            )
        except DjangoValidationError as error:
            raise _invalid(error) from None
        entry = selectors.entries_described([entry])[0]
        body = AdjustmentResultSerializer(entry, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
