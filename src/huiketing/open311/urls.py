"""Open311 GeoReport v2 at /open311/v2/: a facade over matters (views.py says how it answers).

Each resource ends in its format, `.xml` or `.json` (`fmt`); the pattern also takes a missing or unknown
extension, so that the view can answer it with the spec's error body rather than a web page.
"""

from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = r"(?:\.[A-Za-z0-9]+)?"

    def to_python(self, value: str) -> str:
        return value[1:]

    def to_url(self, value: str) -> str:
        return f".{value}" if value else ""


class SegmentConverter:
    """A path segment without a dot, so that the format stays out of it."""

    regex = r"[^/.]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(FormatConverter, "open311_fmt")
register_converter(SegmentConverter, "open311_segment")

app_name = "open311"
urlpatterns = [
    path("services<open311_fmt:fmt>", views.ServiceListView.as_view(), name="services"),
    path(
        "services/<open311_segment:service_code><open311_fmt:fmt>",
        views.ServiceDefinitionView.as_view(),
        name="service",
    ),
    path("requests<open311_fmt:fmt>", views.RequestsView.as_view(), name="requests"),
    path(
        "requests/<open311_segment:service_request_id><open311_fmt:fmt>",
        views.RequestView.as_view(),
        name="request",
    ),
    path("tokens/<open311_segment:token><open311_fmt:fmt>", views.TokenView.as_view(), name="token"),
]
