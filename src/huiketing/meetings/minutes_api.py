"""REST endpoint of minutes: a meeting's published minutes as JSON, the texts and the figures.

The figures (attendance by kind, quorum, each closed vote's counts and result, decisions and their public
notice dates) are computed from the records on every request, as on the page; texts are in the minutes'
language, and so are the labels and the result statements. Residents are counts only; organisations present
are named. A draft is a 404 except to those who may edit it.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from huiketing.core.api import ApiView, error_responses
from huiketing.core.permissions import PUBLIC

from . import minutes_selectors as selectors


class KindCountSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="resident, representative, property_company, merchant, ...")
    label = serializers.CharField()
    invited = serializers.IntegerField()
    present = serializers.IntegerField()


class QuorumSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MinutesQuorum"

    rule = serializers.CharField(help_text="none, half, two_thirds or count.")
    label = serializers.CharField()
    invited = serializers.IntegerField(help_text="Invited participants counted for the quorum.")
    attending = serializers.IntegerField(help_text="Of those, how many attended.")
    required = serializers.IntegerField()
    met = serializers.BooleanField()


class AttendanceSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    present = serializers.IntegerField()
    walk_ins = serializers.IntegerField(help_text="Present without an invitation.")
    by_kind = KindCountSerializer(many=True)
    organisations = serializers.ListField(child=serializers.CharField(), help_text="Organisations present.")
    quorum = QuorumSerializer()


class OptionResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    meaning = serializers.CharField(help_text="yes, no or abstain.")
    count = serializers.IntegerField()
    percent = serializers.CharField(help_text="Share of the votes cast, one decimal.")


class VoteResultSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MinutesVote"

    id = serializers.IntegerField(source="pk")
    question = serializers.CharField()
    is_secret = serializers.BooleanField()
    is_closed = serializers.BooleanField(help_text="Counts are given only once the vote has closed.")
    closes_at = serializers.DateTimeField(allow_null=True)
    options = OptionResultSerializer(many=True)
    entitled = serializers.IntegerField()
    cast = serializers.IntegerField()
    turnout = serializers.CharField(help_text="Per cent of those entitled, one decimal.")
    passed = serializers.BooleanField(allow_null=True)
    statement = serializers.CharField(help_text="The result in words, in the minutes' language.")


class ItemSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MinutesItem"

    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField(help_text="What the speakers said.")
    votes = VoteResultSerializer(many=True)
    decision = serializers.CharField(help_text="approved, rejected, deferred, or empty when not decided.")
    decision_label = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_text = serializers.CharField(help_text="The decision and its reasons, as the minutes word them.")
    notice_status = serializers.CharField(help_text="in_notice, effective, objected, or empty.")
    notice_starts_on = serializers.DateField(allow_null=True)
    notice_ends_on = serializers.DateField(allow_null=True)
    effective_at = serializers.DateTimeField(allow_null=True)
    follow_up = serializers.CharField()


class MinutesSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting.pk")
    title = serializers.CharField(source="meeting.title")
    language = serializers.CharField()
    status = serializers.SerializerMethodField(help_text="published, or draft (only for their editors).")
    published_at = serializers.SerializerMethodField()
    community = serializers.CharField(source="community_name")
    kind = serializers.CharField(source="kind_name")
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    chair = serializers.CharField()
    recorder = serializers.CharField()
    opening = serializers.CharField()
    attendance = AttendanceSerializer()
    items = ItemSerializer(many=True)
    closing = serializers.CharField()
    html = serializers.SerializerMethodField(help_text="The public page of the minutes.")
    pdf = serializers.SerializerMethodField(help_text="The minutes as a PDF, in their language.")

    def get_status(self, document) -> str:
        return document.minutes.status

    def get_published_at(self, document) -> str | None:
        published = document.minutes.published_at
        return serializers.DateTimeField().to_representation(published) if published else None

    def _url(self, name: str, document) -> str:
        path = reverse(name, kwargs={"pk": document.meeting.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_html(self, document) -> str:
        return self._url("meetings:minutes", document)

    def get_pdf(self, document) -> str:
        return self._url("meetings:minutes-pdf", document)


class MinutesApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["meetings"],
        summary="A meeting's published minutes",
        description="Texts and figures; figures are computed from the meeting's records on every request.",
        responses={200: MinutesSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        meeting = selectors.minutes_get_for_reader(user=request.user, meeting_id=pk)
        document = selectors.minutes_document(meeting=meeting)
        return Response(MinutesSerializer(document, context={"request": request}).data)
