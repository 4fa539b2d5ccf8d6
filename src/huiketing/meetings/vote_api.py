"""REST endpoints of votes: a vote's representation (public once opened), casting a ballot online, and, for
staff, recording a ballot in person, opening and closing.

A ballot's answer is only `{"status": "recorded"}`: the choice is never echoed, so the answer stored for an
`Idempotency-Key` replay holds nothing about it. The stored fingerprint of the request leaves the option out
too when the vote is secret (a hash of a body with one of three option ids is easily reversed): a resend
with the same key then replays the first answer whatever option it carries, which changes nothing, since the
first ballot is the one that counts.
"""

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from huiketing.core.api import (
    IDEMPOTENCY_KEY,
    WRITE_METHODS,
    ApiView,
    IdempotencyConflict,
    IdempotencyReplay,
    error_responses,
)
from huiketing.core.models import IdempotentResponse
from huiketing.core.permissions import PUBLIC

from . import vote_selectors as selectors
from . import vote_services as services
from .models import Electorate, Majority, VoteOption, VoteStatus

# Serializers ------------------------------------------------------------------------------------------------


class VoteOptionSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VoteOption"

    id = serializers.IntegerField(source="option.pk")
    label = serializers.CharField(help_text="In the language of the request for the standard options.")
    meaning = serializers.ChoiceField(
        source="option.meaning", choices=VoteOption.Meaning.choices, help_text="What the option counts as."
    )
    count = serializers.IntegerField(allow_null=True, help_text="Votes for it, once the vote is closed.")
    percent = serializers.CharField(help_text="Its share of the votes cast, once closed; else empty.")


class VoteResultSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VoteResult"

    entitled_count = serializers.IntegerField(help_text="Residents (households) entitled, at the close.")
    cast_count = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    passed = serializers.BooleanField()
    statement = serializers.CharField(help_text="The result in words, in the language of the request.")


class VoteMeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VoteMe"

    entitled = serializers.BooleanField(
        allow_null=True, help_text="Whether the account's resident may vote (null: no resident record)."
    )
    voted = serializers.BooleanField()
    channel = serializers.CharField(allow_null=True, help_text="online or in_person, when voted.")
    cast_minute = serializers.DateTimeField(allow_null=True, help_text="When, to the minute.")
    can_vote = serializers.BooleanField(help_text="Whether POST votes/{id}/ballot/ would be accepted now.")


class VoteItemSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VoteItem"

    id = serializers.IntegerField()
    title = serializers.CharField()


class VoteMeetingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VoteMeeting"

    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    place_code = serializers.CharField()
    status = serializers.CharField()


class VoteSerializer(serializers.Serializer):
    """A vote as `vote_selectors.VoteBox` holds it for the reader."""

    class Meta:
        ref_name = "Vote"

    id = serializers.IntegerField(source="vote.pk")
    question = serializers.CharField(source="vote.question")
    item = VoteItemSerializer(source="vote.item")
    meeting = VoteMeetingSerializer(source="vote.item.meeting")
    is_secret = serializers.BooleanField(source="vote.is_secret")
    electorate = serializers.ChoiceField(source="vote.electorate", choices=Electorate.choices)
    electorate_display = serializers.CharField(source="vote.get_electorate_display")
    majority = serializers.ChoiceField(source="vote.majority", choices=Majority.choices)
    majority_display = serializers.CharField(source="vote.get_majority_display")
    turnout_quorum = serializers.IntegerField(source="vote.turnout_quorum", help_text="Per cent (0: none).")
    allows_online = serializers.BooleanField(source="vote.allows_online")
    status = serializers.ChoiceField(source="vote.status", choices=VoteStatus.choices)
    status_display = serializers.CharField(source="vote.get_status_display")
    opened_at = serializers.DateTimeField(source="vote.opened_at", allow_null=True)
    closes_at = serializers.DateTimeField(source="vote.closes_at", allow_null=True)
    closed_at = serializers.DateTimeField(source="vote.closed_at", allow_null=True)
    options = VoteOptionSerializer(many=True)
    result = serializers.SerializerMethodField(help_text="Null until the vote is closed.")
    me = serializers.SerializerMethodField(help_text="Null when not signed in.")
    turnout = serializers.IntegerField(
        allow_null=True,
        help_text="Staff of the meeting's place only, while open: how many have voted (never how).",
    )
    url = serializers.SerializerMethodField(help_text="The vote's page.")

    @extend_schema_field(VoteResultSerializer(allow_null=True))
    def get_result(self, box):
        vote = box.vote
        if vote.status != VoteStatus.CLOSED:
            return None
        return VoteResultSerializer(
            {
                "entitled_count": vote.entitled_count or 0,
                "cast_count": vote.cast_count or 0,
                "quorum_met": bool(vote.quorum_met),
                "passed": bool(vote.passed),
                "statement": box.statement,
            }
        ).data

    @extend_schema_field(VoteMeSerializer(allow_null=True))
    def get_me(self, box):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return None
        ballot = box.my_ballot
        return VoteMeSerializer(
            {
                "entitled": box.entitled,
                "voted": ballot is not None,
                "channel": ballot.channel if ballot else None,
                "cast_minute": ballot.cast_minute if ballot else None,
                "can_vote": box.can_cast,
            }
        ).data

    def get_url(self, box) -> str:
        path = reverse("meetings:vote-detail", args=[box.vote.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class BallotSerializer(serializers.Serializer):
    class Meta:
        ref_name = "BallotCast"

    option = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The id of one of the options."
    )


class InPersonSerializer(serializers.Serializer):
    class Meta:
        ref_name = "BallotInPerson"

    resident = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The registry id of the resident voting in person."
    )
    option = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The id of their option.")


class RecordedSerializer(serializers.Serializer):
    class Meta:
        ref_name = "BallotRecorded"

    status = serializers.CharField(help_text="Always `recorded`; the choice is never repeated back.")


RECORDED = {"status": "recorded"}


def _api_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


# Views ------------------------------------------------------------------------------------------------------


class VoteDetailApi(ApiView):
    permission_required = PUBLIC

    @extend_schema(
        tags=["votes"],
        summary="One vote",
        description="A vote once opened (prepared ones: 404), with its options; counts, percentages and the "
        "result in words once it is closed, never before. `me` says whether the signed-in account's "
        "resident may vote and whether (and how) it voted; for a secret vote nothing says what it chose.",
        responses={200: VoteSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        vote = selectors.vote_get_public(user=request.user, vote_id=pk)
        box = selectors.vote_box(vote=vote, user=request.user)
        return Response(VoteSerializer(box, context={"request": request}).data)


class ChoiceBlindIdempotency:
    """Idempotency-Key handling as `ApiView` does it, with a fingerprint of the request that leaves out the
    option of a secret vote (see the module's docstring). Needs `self.vote`, set by `check_permissions`."""

    def idempotency_fingerprint(self, request) -> bytes:
        data = request.data if isinstance(request.data, dict) else {}
        fields = {"resident": data.get("resident"), "option": data.get("option")}
        if self.vote.is_secret:
            fields["option"] = None
        canonical = json.dumps(
            {k: str(v) if v is not None else None for k, v in fields.items()}, sort_keys=True
        )
        return f"{request.method} {request.path}\n{canonical}".encode()

    def initial(self, request, *args, **kwargs):
        APIView.initial(self, request, *args, **kwargs)
        key = request.headers.get("Idempotency-Key", "")
        if request.method not in WRITE_METHODS or not key:
            return
        if len(key) > 200:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("The Idempotency-Key header is too long.")]}
            )
        digest = hashlib.sha256(self.idempotency_fingerprint(request)).hexdigest()
        user = request.user if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                self._idempotency_record = IdempotentResponse.objects.create(
                    key=key, user=user, method=request.method, path=request.path, request_hash=digest
                )
        except IntegrityError:
            record = IdempotentResponse.objects.get(key=key, user=user)
            if record.request_hash != digest:
                raise IdempotencyConflict(
                    _("This Idempotency-Key was already used for a different request.")
                ) from None
            raise IdempotencyReplay(record) from None


class VoteBallotApi(ChoiceBlindIdempotency, ApiView):
    """A resident votes online. Any signed-in resident may try; whether they are entitled is the vote's
    question, answered with a clear refusal."""

    permission_required = "meetings.take_part"

    def check_permissions(self, request):
        super().check_permissions(request)
        self.vote = selectors.vote_get_public(user=request.user, vote_id=self.kwargs["pk"])

    @extend_schema(
        tags=["votes"],
        summary="Vote online",
        description="The signed-in account's resident votes. Refused (400, with the reason as the message) "
        "when the vote is not open, online voting is off, the resident is not entitled, or the resident "
        "(for a vote of household heads: the household) has already voted, online or in person at the "
        "meeting; the message says which. One vote per resident is held by a database constraint. The "
        "answer never repeats the choice. With an `Idempotency-Key`, a resend replays the first answer; "
        "for a secret vote it does so whatever option the resend carries.",
        parameters=[IDEMPOTENCY_KEY],
        request=BallotSerializer,
        responses={201: RecordedSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        data = BallotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.ballot_cast_online(by=request.user, vote=self.vote, option=data.validated_data["option"])
        except DjangoValidationError as error:
            raise _api_error(error) from None
        return Response(RECORDED, status=status.HTTP_201_CREATED)


class StaffVoteMixin:
    """The vote of the URL through the scoped selector, then the permission on its meeting (refused: 404)."""

    def check_permissions(self, request):
        super().check_permissions(request)
        self.vote = selectors.vote_get_for_staff(user=request.user, vote_id=self.kwargs["pk"])
        self.check_object_permissions(request, self.vote.item.meeting)


class VoteInPersonApi(StaffVoteMixin, ChoiceBlindIdempotency, ApiView):
    permission_required = "meetings.record_ballot"

    @extend_schema(
        tags=["votes"],
        summary="Record a ballot cast in person",
        description="An officer of the meeting's place records the ballot of a resident voting in person. "
        "The same refusals as online voting, except that online voting need not be allowed; a resident "
        "outside the officer's area is a field error on `resident`. The resident is told a ballot was "
        "recorded in their name. The answer never repeats the choice.",
        parameters=[IDEMPOTENCY_KEY],
        request=InPersonSerializer,
        responses={201: RecordedSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        data = InPersonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resident = selectors.resident_for_officer(
            user=request.user, resident_id=data.validated_data["resident"]
        )
        if resident is None:
            raise exceptions.ValidationError({"resident": [_("There is no such resident in your area.")]})
        try:
            services.ballot_record_in_person(
                by=request.user, vote=self.vote, resident=resident, option=data.validated_data["option"]
            )
        except DjangoValidationError as error:
            raise _api_error(error) from None
        return Response(RECORDED, status=status.HTTP_201_CREATED)


class VoteTransitionApi(StaffVoteMixin, ApiView):
    permission_required = "meetings.manage"
    action = ""

    def post(self, request, pk: int):
        service = services.vote_open if self.action == "open" else services.vote_close
        try:
            service(by=request.user, vote=self.vote)
        except DjangoValidationError as error:
            raise _api_error(error) from None
        vote = selectors.vote_get_for_staff(user=request.user, vote_id=pk)
        box = selectors.vote_box(vote=vote, user=request.user)
        return Response(VoteSerializer(box, context={"request": request}).data)


class VoteOpenApi(VoteTransitionApi):
    action = "open"

    @extend_schema(
        tags=["votes"],
        summary="Open a prepared vote",
        description="A vote of those attending opens only while its meeting is in session; the others may "
        "open before, for online voting over several days. Residents who may vote online are notified.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: VoteSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class VoteCloseApi(VoteTransitionApi):
    action = "close"

    @extend_schema(
        tags=["votes"],
        summary="Close a vote and compute its result",
        description="Counts the votes (from the ballots, or from the tallies of a secret vote), those "
        "entitled at this moment, the quorum and the majority; the result is stored, put on the meeting's "
        "timeline and sent to the voters.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: VoteSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)
