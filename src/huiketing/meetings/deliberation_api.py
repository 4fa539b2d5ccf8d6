"""REST endpoints of the residents' deliberation: topics (list, one with its options and counts), their
comments (read; write for residents of the topic's place), supports, and reports of comments.

Nothing personal is ever part of an answer: a comment's author is the display name they chose, else the
first character of their registry name and a star ("王*"); no account name, phone or ID number. A comment
hidden by the moderators keeps its place in the thread with `hidden: true` and no text, except for staff
covering the topic, who also get the reason. Writes accept an `Idempotency-Key` header (core.api.ApiView).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.permissions import PUBLIC

from . import deliberation_selectors as selectors
from . import deliberation_services as services
from .deliberation_views import event_sentence
from .models import Stance, TopicStatus

PLACE_CODE_ERROR = gettext_lazy("A place code has 6 to 15 digits.")


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _signed_in(request) -> bool:
    return request is not None and request.user.is_authenticated


def _stance_counts(topic) -> dict[str, int]:
    """The topic's comments per stance, counted once per representation."""
    if not hasattr(topic, "stance_counts"):
        topic.stance_counts = selectors.stance_counts(topic=topic)
    return topic.stance_counts


# Serializers ----------------------------------------------------------------------------------------------


class TopicSummarySerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicSummary"

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="open, on_agenda, decided or withdrawn.")
    status_display = serializers.CharField(source="get_status_display")
    origin = serializers.CharField(help_text="matter (a tabled matter), proposal (residents') or staff.")
    place_code = serializers.CharField(help_text="Residents living in this place (a code prefix) take part.")
    place_name = serializers.SerializerMethodField()
    supports_count = serializers.IntegerField()
    support_threshold = serializers.IntegerField(
        help_text="With this many supports the topic is proposed for a meeting's agenda."
    )
    threshold_reached_at = serializers.DateTimeField(allow_null=True)
    comments_count = serializers.SerializerMethodField(help_text="Comments not hidden, replies included.")
    opened_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The topic's public page.")

    def get_place_name(self, topic) -> str:
        names = self.context.setdefault("place_names", {})
        if topic.place_code not in names:
            names.update(selectors.place_names([topic.place_code]))
        return names.get(topic.place_code, topic.place_code)

    def get_comments_count(self, topic) -> int:
        counted = getattr(topic, "comments_visible", None)
        if counted is None:
            counted = sum(_stance_counts(topic).values())
        return counted

    def get_url(self, topic) -> str:
        return _absolute(self.context.get("request"), reverse("meetings:topic-detail", args=[topic.pk]))


class OptionSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicOption"

    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()


class StanceCountsSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicStanceCounts"

    for_ = serializers.IntegerField()
    against = serializers.IntegerField()
    neutral = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        fields["for"] = fields.pop("for_")
        return fields


class TimelineSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicTimelineEntry"

    kind = serializers.CharField()
    sentence = serializers.SerializerMethodField(help_text="What happened, in the request's language.")
    note = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")

    def get_sentence(self, event) -> str:
        return str(event_sentence(event, html=False))

    def get_note(self, event) -> str:
        return (event.params or {}).get("note", "")


class TopicDetailSerializer(TopicSummarySerializer):
    class Meta:
        ref_name = "TopicDetail"

    background = serializers.CharField()
    options = serializers.SerializerMethodField()
    stance_counts = serializers.SerializerMethodField()
    matter = serializers.SerializerMethodField(help_text="The tabled matter deliberated, if public; or null.")
    timeline = serializers.SerializerMethodField()
    takes_comments = serializers.SerializerMethodField()
    takes_supports = serializers.SerializerMethodField()
    may_take_part = serializers.SerializerMethodField(
        help_text="Whether the signed-in account lives in the topic's place (null when not signed in)."
    )
    supported = serializers.SerializerMethodField(
        help_text="Whether the signed-in account supports the topic (null when not signed in)."
    )

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, topic):
        return OptionSerializer(topic.options.all(), many=True).data

    @extend_schema_field(StanceCountsSerializer)
    def get_stance_counts(self, topic):
        return _stance_counts(topic)

    @extend_schema_field(OpenApiTypes.INT)
    def get_matter(self, topic):
        return topic.matter_id if topic.matter_id and not topic.matter.is_hidden else None

    @extend_schema_field(TimelineSerializer(many=True))
    def get_timeline(self, topic):
        return TimelineSerializer(topic.timeline, many=True).data

    def get_takes_comments(self, topic) -> bool:
        return services.topic_takes_comments(topic)

    def get_takes_supports(self, topic) -> bool:
        return topic.status in services.SUPPORTING_STATUSES and services.topic_takes_comments(topic)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_may_take_part(self, topic):
        request = self.context.get("request")
        if not _signed_in(request):
            return None
        return request.user.has_perm("meetings.take_part", topic)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_supported(self, topic):
        request = self.context.get("request")
        if not _signed_in(request):
            return None
        return selectors.has_supported(user=request.user, topic=topic)


class ReplySerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicCommentReply"

    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    stance = serializers.CharField(help_text="for, against or neutral.")
    stance_display = serializers.CharField()
    author = serializers.CharField(help_text="A display name, or a masked name (王*); empty if unknown.")
    created_at = serializers.DateTimeField()
    hidden = serializers.BooleanField(source="is_hidden", help_text="Hidden by the moderators.")
    body = serializers.CharField(help_text="Empty when hidden (except for staff covering the topic).")
    hidden_reason = serializers.CharField(help_text="For staff covering the topic only; otherwise empty.")


class CommentSerializer(ReplySerializer):
    class Meta:
        ref_name = "TopicComment"

    replies = ReplySerializer(many=True)


class CommentCreateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicCommentCreate"

    stance = serializers.ChoiceField(choices=Stance.choices)
    body = serializers.CharField(max_length=services.MAX_COMMENT)
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The first-level comment this replies to."
    )


class TopicFilterSerializer(serializers.Serializer):
    community = serializers.RegexField(
        r"^[0-9]{6,15}$",
        required=False,
        help_text="Topics concerning this place: inside it, or for a place around it.",
        error_messages={"invalid": PLACE_CODE_ERROR},
    )
    status = serializers.ChoiceField(
        choices=[TopicStatus.OPEN, TopicStatus.ON_AGENDA, TopicStatus.DECIDED, TopicStatus.WITHDRAWN],
        required=False,
        help_text="Without it: open, on an agenda, and decided.",
    )
    order = serializers.ChoiceField(choices=list(selectors.ORDERS), required=False, default="newest")


class SupportStateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TopicSupportState"

    supported = serializers.BooleanField()
    supports_count = serializers.IntegerField()
    support_threshold = serializers.IntegerField()
    threshold_reached_at = serializers.DateTimeField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    class Meta:
        ref_name = "CommentReportCreate"

    reason = serializers.CharField(
        max_length=services.MAX_REASON, help_text="What is wrong with the comment."
    )


class ReportResultSerializer(serializers.Serializer):
    class Meta:
        ref_name = "CommentReportResult"

    comment = serializers.IntegerField()
    reported = serializers.BooleanField()


def _api_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if not hasattr(error, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": error.messages})
    return exceptions.ValidationError(error.message_dict)


# Views ----------------------------------------------------------------------------------------------------


class TopicListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = TopicSummarySerializer

    def get_queryset(self):
        filters = TopicFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.topics_public(filters=dict(filters.validated_data))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._place_names = selectors.place_names(topic.place_code for topic in page or [])
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["place_names"] = getattr(self, "_place_names", {})
        return context

    @extend_schema(
        tags=["deliberation"],
        summary="Topics in deliberation",
        description="Topics anyone may read, newest (or, with `order=supported`, most supported) first.",
        parameters=[TopicFilterSerializer],
        responses={200: TopicSummarySerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TopicDetailApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["deliberation"],
        summary="One topic",
        description="The background, options, comments counted per stance, supports against the threshold, "
        "the public timeline, and what the signed-in account may do.",
        responses={200: TopicDetailSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        topic = selectors.topic_get_public(user=request.user, topic_id=pk)
        return Response(TopicDetailSerializer(topic, context={"request": request}).data)


class TakePartMixin:
    """The topic of the URL; a write needs a signed-in resident of its place (403 with the place named)."""

    def topic_for_writing(self, request):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        topic = selectors.topic_get_public(user=request.user, topic_id=self.kwargs["pk"])
        if not request.user.has_perm("meetings.take_part", topic):
            raise exceptions.PermissionDenied(services.refusal_message(topic))
        return topic


class TopicCommentsApi(TakePartMixin, ApiView, generics.GenericAPIView):
    """GET: the comments (first-level ones, paged, each with its replies). POST: comment or reply."""

    permission_required = PUBLIC
    serializer_class = CommentSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method == "POST":
            self.topic = self.topic_for_writing(request)

    @extend_schema(
        tags=["deliberation"],
        summary="A topic's comments",
        description="First-level comments oldest first, each with its replies. A hidden comment shows "
        "`hidden: true` and no text, except to staff covering the topic.",
        responses={200: CommentSerializer(many=True), **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        topic = selectors.topic_get_public(user=request.user, topic_id=pk)
        page = self.paginate_queryset(selectors.comments_first_level(topic=topic))
        ids = [comment.pk for comment in page]
        tree = selectors.comment_tree(
            user=request.user,
            topic=topic,
            comments=selectors.comments_first_level(topic=topic).filter(pk__in=ids),
        )
        return self.get_paginated_response(CommentSerializer(tree, many=True).data)

    @extend_schema(
        tags=["deliberation"],
        summary="Comment on a topic",
        description="For residents living in the topic's place (others: 403, with the place named), while "
        "the topic takes comments. `parent` makes it a reply to a first-level comment.",
        parameters=[IDEMPOTENCY_KEY],
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("parent"):
            parent = self.topic.comments.filter(pk=values["parent"]).first()
            if parent is None:
                raise exceptions.ValidationError({"parent": [_("The comment you reply to does not exist.")]})
        try:
            comment = services.comment_post(
                by=request.user, topic=self.topic, stance=values["stance"], body=values["body"], parent=parent
            )
        except services.TakePartRefused as error:
            raise exceptions.PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise _api_error(error) from None
        # A new comment has no replies yet, and is not hidden: everyone sees it alike.
        view = selectors.comment_view(comment, staff=False)
        return Response(CommentSerializer(view).data, status=status.HTTP_201_CREATED)


class TopicSupportApi(TakePartMixin, ApiView):
    """Support a topic (POST) or take the support back (DELETE): residents of its place only."""

    permission_required = "meetings.take_part"

    def check_permissions(self, request):
        self.topic = self.topic_for_writing(request)

    def _state(self, topic, supported: bool) -> dict:
        topic.refresh_from_db(fields=["supports_count", "support_threshold", "threshold_reached_at"])
        return SupportStateSerializer(
            {
                "supported": supported,
                "supports_count": topic.supports_count,
                "support_threshold": topic.support_threshold,
                "threshold_reached_at": topic.threshold_reached_at,
            }
        ).data

    def _run(self, service, request):
        try:
            service(by=request.user, topic=self.topic)
        except services.TakePartRefused as error:
            raise exceptions.PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise _api_error(error) from None

    @extend_schema(
        tags=["deliberation"],
        summary="Support a topic",
        description="One support per resident and topic (a second one is a 400). Reaching the threshold "
        "proposes the topic for a meeting's agenda.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: SupportStateSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        self._run(services.topic_support, request)
        return Response(self._state(self.topic, True), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["deliberation"],
        summary="Take a support back",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: SupportStateSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def delete(self, request, pk: int):
        self._run(services.topic_unsupport, request)
        return Response(self._state(self.topic, False))


class CommentReportApi(ApiView):
    """Report a comment to the moderators (any signed-in account, once per comment)."""

    permission_required = "meetings.report_comment"

    @extend_schema(
        tags=["deliberation"],
        summary="Report a comment",
        description="The moderators of the topic's place are told when a comment has three reports waiting. "
        "A second report of the same comment by the same account is a 400.",
        parameters=[IDEMPOTENCY_KEY],
        request=ReportSerializer,
        responses={201: ReportResultSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        comment = selectors.comment_get_public(comment_id=pk)
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.comment_report(by=request.user, comment=comment, reason=data.validated_data["reason"])
        except DjangoValidationError as error:
            raise _api_error(error) from None
        return Response({"comment": comment.pk, "reported": True}, status=status.HTTP_201_CREATED)
