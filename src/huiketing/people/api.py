"""Account API: sign in for a token, who am I, and my display preferences."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from huiketing.core import security
from huiketing.core import services as core_services
from huiketing.core.api import ApiView, error_responses
from huiketing.core.permissions import PUBLIC
from huiketing.people import selectors, services


class TokenCredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(
        label=_("password"), max_length=4096, style={"input_type": "password"}, trim_whitespace=False
    )
    otp = serializers.CharField(
        label=_("code"),
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The current six-digit code of the account's authenticator app (TOTP). Required for "
        "accounts whose role can reveal personal data (grid leader and worker, community staff, subdistrict "
        "and city officers, administrators); they set the app up by signing in on the website once.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    place_code = serializers.CharField()
    organisation_id = serializers.IntegerField(allow_null=True)
    organisation_name = serializers.SerializerMethodField()

    def get_organisation_name(self, assignment) -> str | None:
        return str(assignment.organisation) if assignment.organisation_id else None


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    preferred_language = serializers.CharField()
    large_text = serializers.BooleanField()
    roles = RoleSerializer(many=True)


class PreferencesSerializer(serializers.Serializer):
    preferred_language = serializers.ChoiceField(
        label=_("preferred language"), choices=settings.LANGUAGES, required=False, allow_blank=True
    )
    large_text = serializers.BooleanField(label=_("large-text mode"), required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send preferred_language, large_text or both."))
        return attrs


def _me(user) -> dict:
    return MeSerializer(
        {
            "username": user.get_username(),
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "large_text": user.large_text,
            "roles": list(selectors.own_roles(user=user)),
        }
    ).data


class TokenApi(ApiView):
    """Exchange a username and password for an API token (`Authorization: Token …`)."""

    permission_required = PUBLIC
    authentication_classes: list = []
    throttle_scope = "login"

    @extend_schema(
        tags=["accounts"],
        summary="Get an API token",
        description=(
            "Accounts whose role can reveal personal data must also send `otp`, the current code of their "
            "authenticator app; a missing or wrong code is a 400 naming `otp`. After repeated failed "
            "sign-ins the account, and separately the client address, is locked for a while: 429 with the "
            "error code `locked_out` and a `Retry-After` header, even for the right password."
        ),
        request=TokenCredentialsSerializer,
        responses={200: TokenSerializer, **error_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        data = TokenCredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request, so that the lockout (django-axes) counts this attempt and can refuse it.
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                raise security.LockedOut()
            raise serializers.ValidationError(_("The username or password is not correct."))
        if security.second_factor_required(user):
            security.second_factor_check(user=user, code=data.validated_data.get("otp", ""), field="otp")
        token = core_services.api_token_issue(user=user)
        return Response(TokenSerializer({"token": token.key}).data)


class MeApi(ApiView):
    """The signed-in account: names, preferences and roles with their scopes."""

    permission_required = "core.view_own_account"

    @extend_schema(
        tags=["accounts"],
        summary="The signed-in account",
        responses={200: MeSerializer, **error_responses(401)},
    )
    def get(self, request):
        return Response(_me(request.user))


class MePreferencesApi(ApiView):
    """Change the signed-in account's language and large-text mode."""

    permission_required = "people.change_own_preferences"

    @extend_schema(
        tags=["accounts"],
        summary="Change my display preferences",
        request=PreferencesSerializer,
        responses={200: MeSerializer, **error_responses(400, 401, 409)},
    )
    def post(self, request):
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_set_display(
            user=request.user,
            large_text=data.validated_data.get("large_text"),
            language=data.validated_data.get("preferred_language"),
        )
        return Response(_me(request.user))
