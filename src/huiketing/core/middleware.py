"""Middleware: `?lang=` on any page, the account's language, and the request context for the audit log."""

from django.conf import settings
from django.utils import translation

from huiketing.core import context

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    aliases = {"zh": "zh-hans", "zh-cn": "zh-hans", "ug-arab": "ug", "kk-arab": "kk", "kk-cn": "kk"}
    code = aliases.get(code, code)
    return code if code in SUPPORTED else None


class LanguageParameterMiddleware:
    """`?lang=xx` activates a language for this request and remembers it in a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = _supported(request.GET.get("lang"))
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
            request.huiketing_language_chosen = chosen
        response = self.get_response(request)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            )
        return response


class UserLanguageMiddleware:
    """A signed-in account's preferred language applies unless this request chose one or a cookie says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not getattr(request, "huiketing_language_chosen", None)
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and _supported(user.preferred_language)
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


def client_ip(request) -> str | None:
    # Behind a reverse proxy, the proxy's address is the peer; it passes the client's in X-Forwarded-For.
    if settings.HTTPS and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.activate(context.RequestContext(ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
