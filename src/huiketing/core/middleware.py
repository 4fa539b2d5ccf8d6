"""Middleware: `?lang=` on any page, the account's language, and the request context for the audit log.

Also the two cookies that remember display preferences for everyone, signed in or not: the language
(Django's LANGUAGE_COOKIE_NAME, read by LocaleMiddleware) and the large-text elderly mode.
"""

from django.conf import settings
from django.utils import translation

from huiketing.core import context

SUPPORTED = {code for code, _name in settings.LANGUAGES}
SAFE_METHODS = {"GET", "HEAD"}
LARGE_TEXT_COOKIE = "huiketing_large_text"
LARGE_TEXT_COOKIE_AGE = 365 * 24 * 3600


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    aliases = {"zh": "zh-hans", "zh-cn": "zh-hans", "ug-arab": "ug", "kk-arab": "kk", "kk-cn": "kk"}
    code = aliases.get(code, code)
    return code if code in SUPPORTED else None


def supported_language(code: str | None) -> str | None:
    """The supported language code `code` names (aliases such as `zh` or `kk-Arab` accepted), else None."""
    return _supported(code)


def set_language_cookie(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )


def set_large_text_cookie(response, on: bool) -> None:
    response.set_cookie(
        LARGE_TEXT_COOKIE,
        "1" if on else "0",
        max_age=LARGE_TEXT_COOKIE_AGE,
        samesite="Lax",
        secure=settings.HTTPS,
        httponly=True,
    )


def large_text_requested(request) -> bool:
    """Large text is on when this browser's cookie says so or the signed-in account has it on."""
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.large_text)


class LanguageParameterMiddleware:
    """`?lang=xx` activates a language for this request and, on a page read (GET), remembers it in a cookie;
    UserLanguageMiddleware also stores it on a signed-in account. A form posted back to an address that
    carries `?lang=` keeps its own choice: nothing is remembered from a POST. Unsupported values are
    ignored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = _supported(request.GET.get("lang"))
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
            request.huiketing_language_chosen = chosen
        response = self.get_response(request)
        if chosen and request.method in SAFE_METHODS:
            set_language_cookie(response, chosen)
        return response


class UserLanguageMiddleware:
    """A signed-in account's preferred language applies unless this request chose one or a cookie says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(request, "huiketing_language_chosen", None)
        if (
            chosen
            and request.method in SAFE_METHODS
            and user is not None
            and user.is_authenticated
            and user.preferred_language != chosen
        ):
            # Saved before the view runs, so the page shows the account's new language (it follows the
            # account to another device).
            from huiketing.people import services as people_services

            people_services.user_set_display(user=user, language=chosen)
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
    # Behind N trusted reverse proxies the peer is the nearest proxy, and the client's address is the N-th
    # entry from the end of X-Forwarded-For (earlier entries are whatever the client claimed). The same rule
    # as DRF's throttles (NUM_PROXIES), so the audit log and the rate limits agree on who a client is.
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
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
