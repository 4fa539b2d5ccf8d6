"""REST endpoints of projects: the public list with each project's progress, a project's progress page as
data, and marking a milestone done (staff of the project, or of a party carrying it out).

Nothing here names a resident: those who took part are counted. Progress is computed from the milestones'
weights when the project is read, never stored.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.permissions import PUBLIC

from . import selectors, services, views
from .models import Status


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Serializers ------------------------------------------------------------------------------------------------


class ProjectSummarySerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectSummary"

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="planned, in_progress, suspended, done or cancelled.")
    status_display = serializers.CharField(source="get_status_display")
    place_code = serializers.CharField(help_text="The code of the place the project is for.")
    place_name = serializers.SerializerMethodField(help_text="The place and its parent, by name.")
    progress = serializers.SerializerMethodField(
        help_text="Percent: the weights of the milestones done over the weights of all (rounded down)."
    )
    milestones = serializers.IntegerField(source="milestone_count")
    milestones_done = serializers.IntegerField(source="milestone_done_count")
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Yuan.")
    spent = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Yuan.")
    funding_source = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    late = serializers.SerializerMethodField(help_text="Past its due date and not done.")
    url = serializers.SerializerMethodField(help_text="The project's progress page.")

    def get_place_name(self, project) -> str:
        names = self.context.get("place_names")
        if names is None:
            names = self.context["place_names"] = {}
        if project.place_code not in names:
            names.update(selectors.place_names([project.place_code]))
        return names.get(project.place_code, "")

    def get_progress(self, project) -> int:
        return selectors.progress(project)

    def get_late(self, project) -> bool:
        return selectors.is_late(project)

    def get_url(self, project) -> str:
        return _absolute(self.context.get("request"), reverse("projects:detail", args=[project.pk]))


class MilestoneSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectMilestone"

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField()
    weight = serializers.IntegerField()
    done = serializers.SerializerMethodField()
    done_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()

    def get_done(self, milestone) -> bool:
        return milestone.done_at is not None


class PartySerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectParty"

    name = serializers.SerializerMethodField(help_text="In the language of the request.")
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    role = serializers.CharField(help_text="lead (responsible) or support (taking part).")
    role_display = serializers.CharField(source="get_role_display")

    def get_name(self, party) -> str:
        return selectors.party_name(party)


class PhotoSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectPhoto"

    url = serializers.SerializerMethodField()
    stage = serializers.CharField(help_text="before, during or after.")
    caption = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, photo) -> str:
        return _absolute(self.context.get("request"), reverse("projects:photo", args=[photo.pk]))


class TimelineEntrySerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectTimelineEntry"

    kind = serializers.CharField()
    sentence = serializers.SerializerMethodField(help_text="What happened, in the request's language.")
    note = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")

    def get_sentence(self, event) -> str:
        return str(views.event_sentence(event, parties=self.context.get("parties"), html=False))

    def get_note(self, event) -> str:
        return views.event_note(event)


class ProjectDetailSerializer(ProjectSummarySerializer):
    class Meta:
        ref_name = "ProjectDetail"

    description = serializers.CharField()
    funding_source_display = serializers.CharField(source="get_funding_source_display")
    funding_note = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    milestone_list = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    participants = serializers.IntegerField(source="participant_count", help_text="Residents who took part.")
    timeline = serializers.SerializerMethodField(help_text="The public timeline, oldest first.")
    decision = serializers.SerializerMethodField(help_text="The meeting's decision it carries out, if any.")
    matter = serializers.SerializerMethodField(
        help_text="The matter it carries out (unless hidden), with its latest evaluation."
    )

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestone_list(self, project):
        return MilestoneSerializer(project.milestones.all(), many=True).data

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, project):
        return PartySerializer(project.parties.all(), many=True).data

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, project):
        return PhotoSerializer(project.photos.all(), many=True, context=self.context).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, project):
        context = {**self.context, "parties": {party.pk: party for party in project.parties.all()}}
        return TimelineEntrySerializer(project.events.all(), many=True, context=context).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_decision(self, project):
        item = project.agenda_item
        if item is None:
            return None
        return {
            "title": item.title,
            "meeting": item.meeting.title,
            "decided_at": item.decided_at.isoformat() if item.decided_at else None,
            "effective_at": item.effective_at.isoformat() if item.effective_at else None,
        }

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_matter(self, project):
        outcome = selectors.matter_outcome(project)
        if outcome is None:
            return None
        evaluation = outcome.evaluation
        return {
            "id": outcome.matter_id,
            "title": outcome.title,
            "status": outcome.status,
            "status_display": outcome.status_display,
            "evaluation": (
                {
                    "round": evaluation.round,
                    "result": evaluation.result,
                    "result_display": evaluation.get_result_display(),
                }
                if evaluation is not None
                else None
            ),
            "url": _absolute(
                self.context.get("request"), reverse("matters:detail", args=[outcome.matter_id])
            ),
        }


class ProjectFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    community = serializers.RegexField(
        r"^[0-9]{12}$",
        required=False,
        help_text="A community's 12-digit code.",
        error_messages={"invalid": gettext_lazy("A community code has 12 digits.")},
    )


class MilestoneDoneSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectMilestoneDone"

    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MilestoneDoneOutSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProjectMilestoneDoneResult"

    milestone = MilestoneSerializer()
    progress = serializers.IntegerField(help_text="The project's progress now, in percent.")


# Views ------------------------------------------------------------------------------------------------------


class ProjectListApi(ApiView, generics.ListAPIView):
    permission_required = PUBLIC
    serializer_class = ProjectSummarySerializer

    def get_queryset(self):
        filters = ProjectFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.projects_public(filters=dict(filters.validated_data))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["place_names"] = getattr(self, "_place_names", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._place_names = selectors.place_names(p.place_code for p in (page if page is not None else []))
        return page

    @extend_schema(
        tags=["projects"],
        summary="List projects with their progress",
        description="Every project, newest first, with its progress computed from its milestones.",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
            OpenApiParameter("community", OpenApiTypes.STR, description="A community's 12-digit code."),
        ],
        responses={200: ProjectSummarySerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProjectDetailApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["projects"],
        summary="A project's progress page, as data",
        description="Milestones, parties, photos before/during/after, money, the public timeline, the "
        "decision it carries out and the matter it carries out with its latest evaluation.",
        responses={200: ProjectDetailSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        project = selectors.project_get_public(project_id=pk)
        return Response(ProjectDetailSerializer(project, context={"request": request}).data)


class MilestoneDoneApi(ApiView):
    """Staff of the project (or of a party carrying it out) mark a milestone done."""

    permission_required = "projects.report_progress"

    def check_permissions(self, request):
        super().check_permissions(request)
        self.project = selectors.project_get_for_staff(user=request.user, project_id=self.kwargs["pk"])
        if not request.user.has_perm(self.permission_required, self.project):
            raise exceptions.NotFound
        self.milestone = selectors.milestone_of(self.project, self.kwargs["milestone_id"])

    @extend_schema(
        tags=["projects"],
        summary="Mark a milestone done",
        description="While the project is under way. The project's progress moves on by the milestone's "
        "weight. Send an `Idempotency-Key` so that a resend does not fail as already done.",
        parameters=[IDEMPOTENCY_KEY],
        request=MilestoneDoneSerializer,
        responses={200: MilestoneDoneOutSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int, milestone_id: int):
        data = MilestoneDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = services.milestone_done(
                by=request.user, milestone=self.milestone, note=data.validated_data.get("note", "")
            )
        except DjangoValidationError as error:
            detail = (
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            )
            raise exceptions.ValidationError(detail) from None
        return Response(
            # The milestone's project is the row read under lock: its progress is summed afresh.
            {
                "milestone": MilestoneSerializer(milestone).data,
                "progress": selectors.progress(milestone.project),
            }
        )
