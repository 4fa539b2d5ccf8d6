"""REST endpoints of matters for residents and the public: the public list and representation (with the public
timeline), raising (JSON or multipart with photos), following, evaluating, categories, similar open matters,
and the signed-in account's own matters.

The public representation never carries anything about who raised a matter (no account, registry record, name,
phone or e-mail, anonymous or not), nor its exact position or address: only the grid and the channel.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC

from . import selectors, services, views
from .models import Channel, Evaluation, Matter, MatterEvent, Status

PLACE_CODE_ERROR = gettext_lazy("A place code has 6 to 15 digits.")
GRID_CODE_ERROR = gettext_lazy("A grid code has 15 digits.")
STATUS_CHOICES = ["open", *[s for s in Status.values if s != Status.MERGED]]


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Serializers ----------------------------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterCategory"

    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="In the language of the request.")
    description = serializers.SerializerMethodField()
    default_unit_kind = serializers.CharField(help_text="The kind of handling unit it goes to first.")
    sign_hours = serializers.IntegerField(help_text="Hours a handling unit has to sign for a dispatch.")
    resolve_working_days = serializers.IntegerField(help_text="Working days to resolve a matter.")

    def get_name(self, category) -> str:
        return str(category)

    def get_description(self, category) -> str:
        return pick(category.descriptions)


class CategoryRefSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterCategoryRef"

    code = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, category) -> str:
        return str(category)


class MatterSummarySerializer(serializers.Serializer):
    """A matter as lists show it. Nothing about who raised it."""

    class Meta:
        ref_name = "MatterSummary"

    id = serializers.IntegerField()
    title = serializers.CharField()
    category = CategoryRefSerializer()
    place_code = serializers.CharField(help_text="The 15-digit code of the grid the matter lies in.")
    grid_name = serializers.SerializerMethodField(help_text="The grid and its community, by name.")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    channel = serializers.CharField(help_text="How it was raised: " + ", ".join(Channel.values) + ".")
    created_at = serializers.DateTimeField()
    resolve_due_at = serializers.SerializerMethodField(
        help_text="When it is expected to be resolved, while it is being handled; otherwise null."
    )
    url = serializers.SerializerMethodField(help_text="The matter's public page.")

    def get_grid_name(self, matter) -> str:
        names = self.context.get("grid_names")
        if names is None:
            names = self.context["grid_names"] = {}
        if matter.place_code not in names:
            names.update(views.grid_names([matter.place_code]))
        return names.get(matter.place_code, "")

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_resolve_due_at(self, matter):
        expected = views.expected_date(matter)
        return expected.isoformat() if expected else None

    def get_url(self, matter) -> str:
        return _absolute(self.context.get("request"), reverse("matters:detail", args=[matter.pk]))


class UnitSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterPublicUnit"

    name = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    status = serializers.CharField(help_text="waiting, signed or done.")
    status_display = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterTimelineEntry"

    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    sentence = serializers.SerializerMethodField(help_text="What happened, in the request's language.")
    details = serializers.SerializerMethodField()
    text = serializers.CharField(help_text="A note written with the entry (a reason, progress, a result).")
    unit = serializers.SerializerMethodField(help_text="The handling unit concerned, if any.")
    at = serializers.DateTimeField(source="created_at")
    photos = serializers.SerializerMethodField()

    def get_sentence(self, event) -> str:
        return str(views.event_sentence(event, html=False))

    def get_details(self, event) -> list[str]:
        return [str(detail) for detail in views.event_details(event, html=False)]

    @extend_schema_field(OpenApiTypes.STR)
    def get_unit(self, event):
        return str(event.unit) if event.unit_id and event.unit is not None else None

    def get_photos(self, event) -> list[str]:
        if event.kind == MatterEvent.Kind.RAISED:
            return []
        request = self.context.get("request")
        return [_absolute(request, reverse("matters:photo", args=[photo.pk])) for photo in event.photos.all()]


class MatterPublicSerializer(MatterSummarySerializer):
    """A matter's public representation: its page as data."""

    class Meta:
        ref_name = "MatterPublic"

    description = serializers.CharField()
    result = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    merged_into = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    units = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField(help_text="The photos raised with the matter.")
    timeline = serializers.SerializerMethodField(help_text="The public timeline, oldest first.")
    following = serializers.SerializerMethodField(
        help_text="Whether the signed-in account follows it (null when not signed in)."
    )
    can_evaluate = serializers.SerializerMethodField(
        help_text="Whether the signed-in account may evaluate it now (it raised it, and it is done)."
    )

    @extend_schema_field(UnitSerializer(many=True))
    def get_units(self, matter):
        return UnitSerializer(views.public_units(matter), many=True).data

    def get_photos(self, matter) -> list[str]:
        request = self.context.get("request")
        return [_absolute(request, reverse("matters:photo", args=[p.pk])) for p in matter.raised_photos]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, matter):
        return TimelineEntrySerializer(matter.public_events, many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_following(self, matter):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return None
        return selectors.matter_is_followed(user=request.user, matter=matter)

    def get_can_evaluate(self, matter) -> bool:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return False
        return matter.status == Status.DONE and request.user.has_perm("matters.evaluate", matter)


class MyMatterSerializer(MatterSummarySerializer):
    class Meta:
        ref_name = "MyMatter"

    raised_by_me = serializers.SerializerMethodField(help_text="Raised by this account (else: followed).")
    awaiting_evaluation = serializers.SerializerMethodField(help_text="Waiting for the account's answer.")
    is_public = serializers.SerializerMethodField(help_text="False when staff hid it from the public.")

    def get_raised_by_me(self, matter) -> bool:
        from .rules import raised_it

        return raised_it(self.context["request"].user, matter)

    def get_awaiting_evaluation(self, matter) -> bool:
        return matter.awaiting == 0

    def get_is_public(self, matter) -> bool:
        return not matter.is_hidden


class MatterFilterSerializer(serializers.Serializer):
    place = serializers.RegexField(
        r"^[0-9]{6,15}$",
        required=False,
        help_text="Only matters in this place (a code prefix: subdistrict, community, grid).",
        error_messages={"invalid": PLACE_CODE_ERROR},
    )
    status = serializers.ChoiceField(
        choices=STATUS_CHOICES, required=False, help_text="`open` covers every state before done."
    )
    category = serializers.SlugField(required=False, max_length=40, help_text="A category code.")


class RaiseSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterRaise"

    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=4000)
    category = serializers.SlugField(max_length=40, help_text="A category code (GET matters/categories/).")
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    crs = serializers.ChoiceField(
        choices=["wgs84", "gcj02"],
        default="wgs84",
        help_text="The coordinates' system: phones and Chinese map SDKs report gcj02.",
    )
    grid = serializers.RegexField(
        r"^[0-9]{15}$",
        required=False,
        allow_blank=True,
        help_text="The grid's code, when no coordinates are given.",
        error_messages={"invalid": GRID_CODE_ERROR},
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=services.MAX_PHOTOS,
        help_text=f"Up to {services.MAX_PHOTOS} photos (multipart only); re-encoded without their metadata.",
    )

    def validate(self, attrs):
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            message = _("Give both the latitude and the longitude, or neither.")
            raise serializers.ValidationError({"lat": [message]})
        return attrs


class FollowStateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterFollowState"

    following = serializers.BooleanField()


class EvaluateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterEvaluate"

    solved = serializers.BooleanField(help_text="Was it solved?")
    result = serializers.ChoiceField(choices=Evaluation.Result.choices)
    comment = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Required when not satisfied."
    )


class EvaluationOutSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatterEvaluation"

    round = serializers.IntegerField(help_text="The round of handling evaluated (2 after a re-handling).")
    result = serializers.CharField()
    solved = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    matter_status = serializers.CharField(source="matter.status")


class SimilarSerializer(serializers.Serializer):
    class Meta:
        ref_name = "SimilarMatter"

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    grid_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    score = serializers.FloatField(help_text="Text similarity (BM25); higher is more alike.")
    url = serializers.CharField()


class SimilarListSerializer(serializers.Serializer):
    class Meta:
        ref_name = "SimilarMatters"

    results = SimilarSerializer(many=True)


def _grid_names_for(matters) -> dict[str, str]:
    return views.grid_names(matter.place_code for matter in matters)


# Views ----------------------------------------------------------------------------------------------------


MATTER_FILTERS = [
    OpenApiParameter("place", OpenApiTypes.STR, description="A place code prefix (6 to 15 digits)."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=STATUS_CHOICES),
    OpenApiParameter("category", OpenApiTypes.STR, description="A category code."),
]


class MatterListApi(ApiView, generics.ListAPIView):
    """GET: the public list. POST: raise a matter (signed in)."""

    permission_required = PUBLIC
    serializer_class = MatterSummarySerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        filters = MatterFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.matters_public(filters=dict(filters.validated_data))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["grid_names"] = getattr(self, "_grid_names", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._grid_names = _grid_names_for(page if page is not None else [])
        return page

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method == "POST":
            # Reading is public; raising is for signed-in accounts (matters.raise).
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated
            if not request.user.has_perm("matters.raise"):
                raise exceptions.PermissionDenied

    @extend_schema(
        tags=["matters"],
        summary="List public matters",
        description="Matters anyone may read, newest first, without anything about who raised them.",
        parameters=MATTER_FILTERS,
        responses={200: MatterSummarySerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["matters"],
        summary="Raise a matter",
        description="Raised by the signed-in account through the web channel; it lands in the grid of its "
        "coordinates (`lat`, `lng`; `crs=gcj02` for phones' and Chinese maps' coordinates) or in the grid "
        "given. Photos go as multipart `photos` parts. Look for similar open matters first "
        "(GET matters/similar/) and follow one of those instead when it is the same problem. Send an "
        "`Idempotency-Key` so that a resend after a lost answer does not raise it twice. Answers 201 with "
        "the public representation.",
        parameters=[IDEMPOTENCY_KEY],
        request={"application/json": RaiseSerializer, "multipart/form-data": RaiseSerializer},
        responses={201: MatterPublicSerializer, **error_responses(400, 401, 403, 409, 429)},
    )
    def post(self, request, *args, **kwargs):
        data = RaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        category = selectors.categories_active().filter(code=values["category"]).first()
        if category is None:
            raise exceptions.ValidationError({"category": [_("Choose a category.")]})
        has_point = values.get("lat") is not None
        try:
            matter = services.matter_raise(
                by=request.user,
                title=values["title"],
                description=values["description"],
                category=category,
                latitude=values.get("lat"),
                longitude=values.get("lng"),
                crs=values["crs"],
                place_code=None if has_point else (values.get("grid") or None),
                address=values.get("address", ""),
                is_anonymous=values["is_anonymous"],
                photos=values.get("photos") or [],
                channel=Channel.WEB,
                language=translation.get_language() or "",
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(_api_fields(error)) from None
        matter = selectors.matter_get_public(matter_id=matter.pk)
        body = MatterPublicSerializer(matter, context=self.get_serializer_context()).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api-matter", args=[matter.pk])
        return response


def _api_fields(error: DjangoValidationError) -> dict:
    """A service's errors under the API's field names."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    renamed = {"place_code": "grid", "location": "lat", "latitude": "lat", "longitude": "lng"}
    return {renamed.get(name, name): messages for name, messages in error.message_dict.items()}


class MatterDetailApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["matters"],
        summary="One public matter, with its public timeline",
        description="A matter merged into another answers with `status: merged` and `merged_into`; hidden "
        "ones are 404.",
        responses={200: MatterPublicSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        matter = selectors.matter_get_public(matter_id=pk)
        return Response(MatterPublicSerializer(matter, context={"request": request}).data)


class MatterObjectMixin:
    """The matter of the URL, fetched before the permission is checked (missing and hidden: 404)."""

    def check_permissions(self, request):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        self.matter = selectors.matter_get_public(matter_id=self.kwargs["pk"])
        super().check_permissions(request)


class MatterFollowApi(MatterObjectMixin, ApiView):
    permission_required = "matters.follow"

    def _target(self) -> Matter:
        matter = self.matter
        if matter.status == Status.MERGED and matter.duplicate_of_id:
            return selectors.matter_get_public(matter_id=matter.duplicate_of_id)
        return matter

    @extend_schema(
        tags=["matters"],
        summary="Follow a matter",
        description="The account is notified of the matter's progress. Following a merged matter follows "
        "the one it was merged into.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: FollowStateSerializer, **error_responses(401, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        services.matter_follow(by=request.user, matter=self._target())
        return Response({"following": True})

    @extend_schema(
        tags=["matters"],
        summary="Stop following a matter",
        request=None,
        responses={200: FollowStateSerializer, **error_responses(401, 404, 429)},
    )
    def delete(self, request, pk: int):
        services.matter_unfollow(by=request.user, matter=self._target())
        return Response({"following": False})


class MatterEvaluateApi(ApiView):
    """Only the resident who raised the matter evaluates it; anyone else gets 403 and nothing is written."""

    permission_required = "matters.evaluate"

    def check_permissions(self, request):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        self.matter = selectors.matter_get_public(matter_id=self.kwargs["pk"])
        if not request.user.has_perm(self.permission_required, self.matter):
            raise exceptions.PermissionDenied(_("Only the resident who raised this matter can evaluate it."))

    @extend_schema(
        tags=["matters"],
        summary="Evaluate a done matter",
        description="Was it solved, and satisfied / basically satisfied / not satisfied (with a comment). "
        '"Not satisfied" sends the matter back to be handled again once; each round is evaluated once.',
        parameters=[IDEMPOTENCY_KEY],
        request=EvaluateSerializer,
        responses={201: EvaluationOutSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        data = EvaluateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if views.already_evaluated(self.matter):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("This round of handling has already been evaluated.")]}
            )
        try:
            evaluation = services.matter_evaluate(
                by=request.user,
                matter=self.matter,
                result=data.validated_data["result"],
                comment=data.validated_data.get("comment", ""),
                solved=data.validated_data["solved"],
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(_api_fields(error)) from None
        return Response(EvaluationOutSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class CategoryListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.categories_active()

    @extend_schema(
        tags=["matters"],
        summary="Categories of matters",
        description="The categories a matter can be raised in, with their deadlines.",
        responses={200: CategorySerializer(many=True), **error_responses(429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SimilarApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["matters"],
        summary="Similar open matters nearby",
        description="Open matters in the same grid or within 100 m whose text is similar to `text`: show "
        "them before raising, so that the resident can follow one instead.",
        parameters=[
            OpenApiParameter("text", OpenApiTypes.STR, description="The title and description being typed."),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE),
            OpenApiParameter("lng", OpenApiTypes.DOUBLE),
            OpenApiParameter("crs", OpenApiTypes.STR, enum=["wgs84", "gcj02"]),
            OpenApiParameter("grid", OpenApiTypes.STR, description="A 15-digit grid code."),
        ],
        responses={200: SimilarListSerializer, **error_responses(400, 429)},
    )
    def get(self, request):
        try:
            found = views.similar_from_query(request._request)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        names = _grid_names_for(matter for matter, _score in found)
        results = []
        for matter, score in found:
            item = views.similar_json(matter, score, names)
            item["url"] = _absolute(request, item["url"])
            results.append(item)
        return Response({"results": results})


class MyMattersApi(ApiView, generics.ListAPIView):
    permission_required = "matters.follow"
    serializer_class = MyMatterSerializer

    def get_queryset(self):
        return views.matters_of_account_ordered(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["grid_names"] = getattr(self, "_grid_names", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._grid_names = _grid_names_for(page if page is not None else [])
        return page

    @extend_schema(
        tags=["matters"],
        summary="My matters",
        description="What the signed-in account raised or follows, those waiting for its evaluation first.",
        responses={200: MyMatterSerializer(many=True), **error_responses(401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
