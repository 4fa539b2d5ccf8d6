"""REST endpoints of meetings (与会决策): the public list and representation (agenda, decisions, counts of
participants by kind, the quorum once the meeting opened), the decisions in their public-notice period, the
account's own meetings, registering, checking in with the door code; for staff, attendance and decisions.

Like the public pages, no answer names a resident: participants are counted by kind; organisations are named.
The online link goes only to those on the meeting's list. Writes take an `Idempotency-Key` (core.api.ApiView).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC

from . import meeting_selectors as selectors
from . import meeting_services as services
from . import meeting_views as views
from .models import ItemDecision, Participant

PLACE_CODE_ERROR = gettext_lazy("A place code has 6 to 15 digits.")


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _api_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


# Serializers ----------------------------------------------------------------------------------------------


class KindSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MeetingKind"

    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="In the language of the request.")

    def get_name(self, kind) -> str:
        return str(kind)


class MeetingSummarySerializer(serializers.Serializer):
    class Meta:
        ref_name = "MeetingSummary"

    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = KindSerializer()
    place_code = serializers.CharField(help_text="The place whose residents the meeting is for.")
    area_name = serializers.SerializerMethodField(help_text="That place's name.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField(help_text="planned, in_session, closed or cancelled.")
    status_display = serializers.CharField(source="get_status_display")
    place = serializers.SerializerMethodField(help_text="Where: the service point, the place, or online.")
    service_point = serializers.IntegerField(source="service_point_id", allow_null=True)
    is_online = serializers.BooleanField()
    url = serializers.SerializerMethodField(help_text="The meeting's public page.")

    def get_area_name(self, meeting) -> str:
        names = self.context.setdefault("place_names", {})
        if meeting.place_code not in names:
            names.update(selectors.place_names([meeting.place_code]))
        return pick(names.get(meeting.place_code) or {}) or meeting.place_code

    def get_place(self, meeting) -> str:
        return views.place_label(meeting)

    def get_url(self, meeting) -> str:
        return _absolute(self.context.get("request"), reverse("meetings:meeting-detail", args=[meeting.pk]))


class ItemSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MeetingAgendaItem"

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    topic = serializers.IntegerField(source="topic_id", allow_null=True, help_text="The deliberated topic.")
    decision = serializers.CharField(help_text="approved, rejected, deferred, or empty while undecided.")
    decision_display = serializers.CharField(source="get_decision_display")
    decision_reasons = serializers.CharField()
    follow_up = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    notice_status = serializers.CharField(help_text="in_notice, effective, objected, or empty.")
    notice_status_display = serializers.CharField(source="get_notice_status_display")
    notice_starts_on = serializers.DateField(allow_null=True)
    notice_ends_on = serializers.DateField(allow_null=True)
    effective_at = serializers.DateTimeField(allow_null=True)
    objection_count = serializers.IntegerField(help_text="Objections raised during the notice period.")


class CountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    invited = serializers.IntegerField()
    registered = serializers.IntegerField()
    attended = serializers.IntegerField()


class QuorumSerializer(serializers.Serializer):
    rule = serializers.CharField()
    invited = serializers.IntegerField(help_text="On the invitation list, observers aside.")
    attending = serializers.IntegerField(help_text="Of those, how many attend.")
    required = serializers.IntegerField(help_text="How many must attend.")
    met = serializers.BooleanField()


class ParticipationSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MeetingParticipation"

    meeting = serializers.IntegerField(source="meeting_id")
    invited = serializers.BooleanField(help_text="On the invitation list (counted for the quorum).")
    kind = serializers.CharField()
    role = serializers.CharField()
    registered_at = serializers.DateTimeField(allow_null=True)
    attended_at = serializers.DateTimeField(allow_null=True)
    check_in = serializers.CharField(help_text="qr, staff, online, or empty.")


class MeetingSerializer(MeetingSummarySerializer):
    class Meta:
        ref_name = "Meeting"

    location = serializers.CharField()
    address = serializers.SerializerMethodField()
    language = serializers.CharField(help_text="The language of the minutes.")
    quorum_rule = serializers.CharField()
    quorum_count = serializers.IntegerField(allow_null=True)
    items = serializers.SerializerMethodField(help_text="The agenda, in order, with the decisions.")
    participants = serializers.SerializerMethodField(help_text="How many take part, by kind; no names.")
    organisations = serializers.SerializerMethodField(help_text="The organisations taking part, by name.")
    quorum = serializers.SerializerMethodField(help_text="Once the meeting opened; null before.")
    online_link = serializers.SerializerMethodField(help_text="For those on the meeting's list only.")
    me = serializers.SerializerMethodField(help_text="The signed-in account's row on the list, if any.")
    can_register = serializers.SerializerMethodField()

    def _public(self, meeting) -> dict:
        cache = self.context.setdefault("_public", {})
        if meeting.pk not in cache:
            cache[meeting.pk] = views.public_meeting_context(self.context["request"], meeting)
        return cache[meeting.pk]

    def get_address(self, meeting) -> str:
        return views.service_point_address(meeting)

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, meeting):
        return ItemSerializer(self._public(meeting)["items"], many=True).data

    @extend_schema_field(CountSerializer(many=True))
    def get_participants(self, meeting):
        return CountSerializer(self._public(meeting)["counts"], many=True).data

    def get_organisations(self, meeting) -> list[str]:
        return [str(organisation) for organisation in self._public(meeting)["organisations"]]

    @extend_schema_field(QuorumSerializer(allow_null=True))
    def get_quorum(self, meeting):
        figures = self._public(meeting)["quorum"]
        return QuorumSerializer(figures).data if figures is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_online_link(self, meeting):
        return meeting.online_link if self._public(meeting)["show_link"] else None

    @extend_schema_field(ParticipationSerializer(allow_null=True))
    def get_me(self, meeting):
        participant = self._public(meeting)["participant"]
        return ParticipationSerializer(participant).data if participant is not None else None

    def get_can_register(self, meeting) -> bool:
        return bool(self._public(meeting)["can_register"])


class DecisionSerializer(ItemSerializer):
    class Meta:
        ref_name = "MeetingDecision"

    meeting = serializers.SerializerMethodField()

    @extend_schema_field(MeetingSummarySerializer)
    def get_meeting(self, item):
        return MeetingSummarySerializer(item.meeting, context=self.context).data


class CheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=40, help_text="The code in the door's QR code (its last part).")


class AttendanceSerializer(serializers.Serializer):
    participant = serializers.IntegerField(min_value=1, help_text="The participant's id (staff list).")
    present = serializers.BooleanField(default=True, help_text="False corrects a mistaken check-in.")


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[ItemDecision.APPROVED, ItemDecision.REJECTED, ItemDecision.DEFERRED]
    )
    reasons = serializers.CharField(max_length=4000)
    follow_up = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    notice_days = serializers.IntegerField(
        min_value=1,
        max_value=services.NOTICE_DAYS_MAX,
        default=services.NOTICE_DAYS_DEFAULT,
        help_text="Calendar days an approved decision stays in its public-notice period.",
    )


class StaffParticipantSerializer(ParticipationSerializer):
    class Meta:
        ref_name = "MeetingStaffParticipant"

    id = serializers.IntegerField()


class FilterSerializer(serializers.Serializer):
    when = serializers.ChoiceField(choices=["upcoming", "past"], required=False)
    kind = serializers.SlugField(required=False, max_length=40)
    place = serializers.RegexField(
        r"^[0-9]{6,15}$", required=False, error_messages={"invalid": PLACE_CODE_ERROR}
    )


# Views ----------------------------------------------------------------------------------------------------


class MeetingListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = MeetingSummarySerializer

    def get_queryset(self):
        filters = FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.meetings_public(filters=dict(filters.validated_data))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._names = selectors.place_names(meeting.place_code for meeting in page or [])
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "place_names": getattr(self, "_names", {})}

    @extend_schema(
        tags=["meetings"],
        summary="List meetings",
        description="The coming meetings (`when=upcoming`, soonest first; the default) or the past ones "
        "(`when=past`), by kind code and place code prefix.",
        parameters=[
            OpenApiParameter("when", OpenApiTypes.STR, enum=["upcoming", "past"]),
            OpenApiParameter("kind", OpenApiTypes.STR, description="A kind of meeting's code."),
            OpenApiParameter("place", OpenApiTypes.STR, description="A place code prefix (6 to 15 digits)."),
        ],
        responses={200: MeetingSummarySerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MeetingDetailApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["meetings"],
        summary="One meeting",
        description="Its time and place, agenda and decisions, participants counted by kind (no names), the "
        "organisations taking part, and the quorum once it opened. `online_link` and `me` are filled for "
        "an account on the meeting's list.",
        responses={200: MeetingSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        meeting = selectors.meeting_get_public(meeting_id=pk)
        return Response(MeetingSerializer(meeting, context={"request": request}).data)


class DecisionListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = DecisionSerializer

    def get_queryset(self):
        filters = FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.decisions_in_notice(filters=dict(filters.validated_data))

    def paginate_queryset(self, queryset):
        # The names of the meetings' places, for the whole page in one query.
        page = super().paginate_queryset(queryset)
        self._names = selectors.place_names(item.meeting.place_code for item in page or [])
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "place_names": getattr(self, "_names", {})}

    @extend_schema(
        tags=["meetings"],
        summary="Decisions in their public-notice period",
        description="Approved decisions residents of the meeting's area may still object to, the soonest to "
        "take effect first; `place` filters by the meeting's place.",
        parameters=[OpenApiParameter("place", OpenApiTypes.STR, description="A place code prefix.")],
        responses={200: DecisionSerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MyMeetingsApi(ApiView, generics.ListAPIView):
    permission_required = "core.view_own_account"
    serializer_class = MeetingSummarySerializer

    def get_queryset(self):
        return selectors.meetings_of_account(user=self.request.user)

    @extend_schema(
        tags=["meetings"],
        summary="My meetings",
        description="The meetings the signed-in account (or its resident record) is invited to or "
        "registered for, latest first.",
        responses={200: MeetingSummarySerializer(many=True), **error_responses(401, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MeetingObjectMixin:
    """The meeting of the URL (public, or through the staff selector), checked against the permission:
    refused on it looks missing (404)."""

    staff = False

    def get_meeting(self):
        if self.staff:
            return selectors.meeting_get_for_staff(user=self.request.user, meeting_id=self.kwargs["pk"])
        return selectors.meeting_get_public(meeting_id=self.kwargs["pk"])

    def check_permissions(self, request):
        super().check_permissions(request)
        self.meeting = self.get_meeting()
        self.check_object_permissions(request, self.meeting)


class MeetingRegisterApi(MeetingObjectMixin, ApiView):
    permission_required = "meetings.take_part"

    @extend_schema(
        tags=["meetings"],
        summary="Register for a meeting",
        description="A resident of the meeting's area says they will come (until the meeting starts). One "
        "not invited is added to the list without counting for the quorum. Registering again changes "
        "nothing.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: ParticipationSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        try:
            participant = services.meeting_register(by=request.user, meeting=self.meeting)
        except DjangoValidationError as error:
            raise _api_error(error) from None
        return Response(ParticipationSerializer(participant).data)


class CheckInApi(ApiView):
    # Any signed-in account may try; the service admits those on the list and residents of the meeting's area.
    permission_required = "core.view_own_account"

    @extend_schema(
        tags=["meetings"],
        summary="Check in with the door code",
        description="The signed-in account scanned the meeting's QR code: its row on the list is marked as "
        "attending (a resident of the meeting's area not on the list walks in). From one hour before the "
        "start until the meeting closes. Checking in again changes nothing.",
        request=CheckInSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: ParticipationSerializer, **error_responses(400, 401, 409, 429)},
    )
    def post(self, request):
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            participant = services.attendance_check_in_by_token(
                user=request.user, token=data.validated_data["token"]
            )
        except DjangoValidationError as error:
            raise _api_error(error) from None
        return Response(ParticipationSerializer(participant).data)


class AttendanceApi(MeetingObjectMixin, ApiView):
    permission_required = "meetings.record_attendance"
    staff = True

    @extend_schema(
        tags=["meetings"],
        summary="Record attendance (staff)",
        description="Staff at the door mark a participant present (`present: false` corrects a mistake). "
        "Answers with the participant's row.",
        request=AttendanceSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: StaffParticipantSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = Participant.objects.filter(
            meeting_id=self.meeting.pk, pk=data.validated_data["participant"]
        ).first()
        if participant is None:
            raise exceptions.ValidationError(
                {"participant": [_("This participant is not on the meeting's list.")]}
            )
        participant.meeting = self.meeting
        try:
            participant = services.attendance_record(
                by=request.user, participant=participant, present=data.validated_data["present"]
            )
        except DjangoValidationError as error:
            raise _api_error(error) from None
        return Response(StaffParticipantSerializer(participant).data)


class ItemDecideApi(MeetingObjectMixin, ApiView):
    permission_required = "meetings.manage"
    staff = True

    @extend_schema(
        tags=["meetings"],
        summary="Decide an agenda item (staff)",
        description="Approved, rejected or deferred, with the reasons. Only while the meeting is in session "
        "or after it closed; approving or rejecting needs the quorum; an item whose vote is open cannot be "
        "decided, and one whose vote did not pass cannot be approved. An approved item starts its "
        "public-notice period of `notice_days` calendar days.",
        request=DecideSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: ItemSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int, item_id: int):
        item = selectors.item_get_for_staff(meeting=self.meeting, item_id=item_id)
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            item = services.item_decide(
                by=request.user,
                item=item,
                decision=values["decision"],
                reasons=values["reasons"],
                follow_up=values.get("follow_up", ""),
                notice_days=values["notice_days"],
            )
        except DjangoValidationError as error:
            raise _api_error(error) from None
        item.objection_count = item.objections.count()
        return Response(ItemSerializer(item).data)
