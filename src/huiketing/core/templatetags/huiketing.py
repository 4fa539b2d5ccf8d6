"""Template tags shared by every page: `{% load huiketing %}`."""

from django import template
from django.http import QueryDict
from django.utils.encoding import escape_uri_path

register = template.Library()


@register.simple_tag(takes_context=True)
def lang_url(context, code: str) -> str:
    """The current path and query string with `lang` set to `code`: `<a href="{% lang_url 'ug' %}">`.

    Other query parameters (filters, page numbers) are kept, so switching language never loses the user's
    place. The result is escaped by the template like any other value.
    """
    request = context.get("request")
    if request is None:
        return f"?lang={code}"
    query: QueryDict = request.GET.copy()
    query["lang"] = code
    return f"{escape_uri_path(request.path)}?{query.urlencode()}"
