from django.conf import settings
from django.utils import translation


def site(request):
    large_text = request.COOKIES.get("huiketing_large_text") == "1"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.large_text:
        large_text = True
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO": settings.DEMO,
        "LARGE_TEXT": large_text,
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "CURRENT_LANGUAGE": language,
    }
