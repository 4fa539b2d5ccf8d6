"""REST endpoints of the residents registry: scoped lists and details with masked numbers, the audited reveal
of a full ID number or phone, and household visits recorded from the field. No personal number is ever taken
from a URL: the exact search and the reveal are POSTs."""

from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.people import selectors, services, validators
from huiketing.people.ethnic_groups import ethnic_group_name
from huiketing.people.forms import TAG_LABELS, search_number
from huiketing.people.models import ResidentStatus

PLACE_CODE_ERROR = _("A place code has up to 15 digits.")


# Serializers ----------------------------------------------------------------------------------------------


class ResidentFilterSerializer(serializers.Serializer):
    grid = serializers.RegexField(
        r"^[0-9]{6,15}$",
        required=False,
        help_text="Only residents of this place (a code prefix: grid, community, …).",
        error_messages={"invalid": PLACE_CODE_ERROR},
    )
    tag = serializers.ChoiceField(
        choices=list(TAG_LABELS), required=False, help_text="A tag staff set, or a computed age tag."
    )
    status = serializers.ChoiceField(choices=ResidentStatus.choices, required=False)
    name = serializers.CharField(required=False, max_length=50, help_text="Part of the full name.")

    def filters(self) -> dict:
        data = dict(self.validated_data)
        if grid := data.pop("grid", None):
            data["place"] = grid
        return {key: value for key, value in data.items() if value not in (None, "")}


class ResidentSerializer(serializers.Serializer):
    """A resident with the ID number and phone masked."""

    class Meta:
        ref_name = "RegistryResident"

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    id_number = serializers.CharField(source="id_number_masked", help_text="Masked: 6543**********123X.")
    phone = serializers.CharField(source="phone_masked", help_text="Masked: 139****5678.")
    sex = serializers.CharField()
    age = serializers.SerializerMethodField()
    ethnic_group = serializers.CharField(help_text="GB/T 3304 two-digit code.")
    ethnic_group_name = serializers.SerializerMethodField()
    household = serializers.IntegerField(source="household_id", allow_null=True)
    household_address = serializers.SerializerMethodField()
    relation = serializers.CharField()
    place_code = serializers.CharField()
    status = serializers.CharField()
    tags = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_age(self, resident) -> int | None:
        today = timezone.localdate()
        if resident.birth_date is None or resident.birth_date > today:
            return None
        return validators.age_on(resident.birth_date, today)

    def get_ethnic_group_name(self, resident) -> str:
        return ethnic_group_name(resident.ethnic_group) if resident.ethnic_group else ""

    def get_household_address(self, resident) -> str:
        return resident.household.address if resident.household_id else ""

    def get_tags(self, resident) -> list[str]:
        """Computed age tags first, then the tags staff set (read from the prefetched rows)."""
        return selectors.computed_tags(resident) + sorted(tag.tag for tag in resident.tags.all())


class ConsentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "RegistryConsent"

    kind = serializers.CharField()
    given_by = serializers.CharField()
    given_on = serializers.DateField()
    withdrawn_on = serializers.DateField(allow_null=True)


class ResidentDetailSerializer(ResidentSerializer):
    class Meta:
        ref_name = "RegistryResidentDetail"

    preferred_language = serializers.CharField()
    moved_in_on = serializers.DateField(allow_null=True)
    moved_out_on = serializers.DateField(allow_null=True)
    deceased_on = serializers.DateField(allow_null=True)
    verified = serializers.SerializerMethodField()
    needs_guardian_consent = serializers.BooleanField()
    consents = ConsentSerializer(many=True, source="consents.all")

    def get_verified(self, resident) -> bool:
        return resident.account_id is not None


class HouseholdSerializer(serializers.Serializer):
    class Meta:
        ref_name = "RegistryHousehold"

    id = serializers.IntegerField()
    place_code = serializers.CharField()
    grid_name = serializers.CharField(source="place.name")
    building = serializers.CharField()
    unit = serializers.CharField()
    room = serializers.CharField()
    address = serializers.CharField()
    address_note = serializers.CharField()
    type = serializers.CharField()
    resident_count = serializers.IntegerField(help_text="Residents living here now.")


class MemberSerializer(serializers.Serializer):
    class Meta:
        ref_name = "RegistryHouseholdMember"

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    relation = serializers.CharField()
    status = serializers.CharField()


class HouseholdDetailSerializer(HouseholdSerializer):
    class Meta:
        ref_name = "RegistryHouseholdDetail"

    resident_count = None
    members = MemberSerializer(many=True, source="residents.all")


class NumberSearchSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="A whole ID number or phone number.")

    def validate_number(self, value):
        from django.core.exceptions import ValidationError

        try:
            return search_number(value.strip())
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class RevealInputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=sorted(services.REVEALABLE))
    reason = serializers.CharField(
        max_length=300,
        help_text=f"Why the full value is needed (at least {services.MIN_REASON_LENGTH} characters).",
    )


class RevealOutputSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The full value. Not cached; the read is in the audit log.")


class VisitInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "RegistryVisitInput"

    visited_on = serializers.DateField(required=False, help_text="The day of the visit; today if left out.")
    findings = serializers.CharField(max_length=4000, help_text="What was found.")
    follow_up = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, help_text="What must follow, if anything."
    )


class VisitSerializer(serializers.Serializer):
    class Meta:
        ref_name = "RegistryVisit"

    id = serializers.IntegerField()
    household = serializers.IntegerField(source="household_id")
    place_code = serializers.CharField()
    visited_on = serializers.DateField()
    visited_by = serializers.CharField(source="visited_by.username")
    findings = serializers.CharField()
    follow_up = serializers.CharField()
    follow_up_done_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


# Views ----------------------------------------------------------------------------------------------------

RESIDENT_FILTERS = [
    OpenApiParameter("grid", OpenApiTypes.STR, description="A place code prefix (6 to 15 digits)."),
    OpenApiParameter(
        "tag", OpenApiTypes.STR, enum=list(TAG_LABELS), description="A tag, computed age tags included."
    ),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ResidentStatus.values),
    OpenApiParameter("name", OpenApiTypes.STR, description="Part of the full name."),
]


class ResidentListApi(ApiView, generics.ListAPIView):
    permission_required = "people.view_registry"
    serializer_class = ResidentSerializer

    def get_queryset(self):
        filters = ResidentFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.residents_for_user(user=self.request.user, filters=filters.filters())

    @extend_schema(
        tags=["registry"],
        summary="List residents in the account's scope",
        description="ID numbers and phones are masked. For an exact search by number, POST to "
        "/api/v1/residents/search/ (numbers never go into URLs).",
        parameters=RESIDENT_FILTERS,
        responses={200: ResidentSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ResidentSearchApi(ApiView):
    """Exact search by a whole ID number or phone, through the keyed hash; masked results."""

    permission_required = "people.view_registry"

    @extend_schema(
        tags=["registry"],
        summary="Find residents by a whole ID number or phone",
        parameters=RESIDENT_FILTERS,
        request=NumberSearchSerializer,
        responses={200: ResidentSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def post(self, request):
        search = NumberSearchSerializer(data=request.data)
        search.is_valid(raise_exception=True)
        filters = ResidentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        kind, number = search.validated_data["number"]
        residents = selectors.residents_for_user(
            user=request.user, filters={**filters.filters(), kind: number}
        )
        response = Response(ResidentSerializer(residents[:50], many=True).data)
        add_never_cache_headers(response)
        return response


class ResidentDetailApi(ApiView, generics.RetrieveAPIView):
    permission_required = "people.view_registry"
    serializer_class = ResidentDetailSerializer

    def get_object(self):
        resident = selectors.resident_get_for_user(user=self.request.user, resident_id=self.kwargs["pk"])
        self.check_object_permissions(self.request, resident)
        return resident

    @extend_schema(
        tags=["registry"],
        summary="One resident (masked)",
        responses={200: ResidentDetailSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ResidentRevealApi(ApiView):
    """The full ID number or phone of a resident, for a stated reason, written to the audit log.

    Accounts that may not reveal this resident's data get 404, as for a resident that does not exist."""

    permission_required = "people.reveal_personal"

    def check_permissions(self, request):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        # The object first, for every method: out of scope and not allowed both look missing.
        self.resident = selectors.resident_get_for_user(user=request.user, resident_id=self.kwargs["pk"])
        if not request.user.has_perm(self.permission_required, self.resident):
            raise exceptions.NotFound

    @extend_schema(
        tags=["registry"],
        summary="Reveal a resident's full ID number or phone",
        request=RevealInputSerializer,
        responses={200: RevealOutputSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def post(self, request, pk: int):
        data = RevealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.resident_reveal(
            by=request.user,
            resident=self.resident,
            field=data.validated_data["field"],
            reason=data.validated_data["reason"],
        )
        response = Response(RevealOutputSerializer({"value": value}).data)
        add_never_cache_headers(response)
        return response


class HouseholdListApi(ApiView, generics.ListAPIView):
    permission_required = "people.view_registry"
    serializer_class = HouseholdSerializer

    class FilterSerializer(serializers.Serializer):
        grid = serializers.RegexField(
            r"^[0-9]{6,15}$", required=False, error_messages={"invalid": PLACE_CODE_ERROR}
        )
        building = serializers.CharField(required=False, max_length=30)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        if grid := data.pop("grid", None):
            data["place"] = grid
        return selectors.households_for_user(user=self.request.user, filters=data)

    @extend_schema(
        tags=["registry"],
        summary="List households in the account's scope",
        parameters=[
            OpenApiParameter("grid", OpenApiTypes.STR, description="A place code prefix (6 to 15 digits)."),
            OpenApiParameter("building", OpenApiTypes.STR, description="Only this building."),
        ],
        responses={200: HouseholdSerializer(many=True), **error_responses(400, 401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class HouseholdDetailApi(ApiView, generics.RetrieveAPIView):
    permission_required = "people.view_registry"
    serializer_class = HouseholdDetailSerializer

    def get_object(self):
        household = selectors.household_get_for_user(user=self.request.user, household_id=self.kwargs["pk"])
        self.check_object_permissions(self.request, household)
        return household

    @extend_schema(
        tags=["registry"],
        summary="One household with its members",
        responses={200: HouseholdDetailSerializer, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class HouseholdVisitCreateApi(ApiView):
    """Record a visit to a household (包社联户), as grid workers do from their phones in the field.

    A phone on a poor connection resends with the same Idempotency-Key until it gets an answer: the visit is
    recorded once. Households out of the account's scope get 404, as missing ones do."""

    permission_required = "people.record_visit"

    def check_permissions(self, request):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        # The object first, for every method: out of scope and not allowed both look missing.
        self.household = selectors.household_get_for_user(user=request.user, household_id=self.kwargs["pk"])
        if not request.user.has_perm(self.permission_required, self.household):
            raise exceptions.NotFound

    @extend_schema(
        tags=["registry"],
        summary="Record a household visit",
        description="Creates one visit and answers 201 with it. Send an `Idempotency-Key` so that a resend "
        "after a lost answer replays the first answer instead of recording the visit twice.",
        parameters=[IDEMPOTENCY_KEY],
        request=VisitInputSerializer,
        responses={201: VisitSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        data = VisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_record(
            by=request.user,
            household=self.household,
            visited_on=data.validated_data.get("visited_on") or timezone.localdate(),
            findings=data.validated_data["findings"],
            follow_up=data.validated_data.get("follow_up", ""),
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)
