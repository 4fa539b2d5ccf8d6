"""URLs of the benchmark's floor (floor_settings): `/bench/floor/`, then every URL of the application.

The floor view is the least a Django page can do on our stack: one query (`SELECT 1`) and a short plain-text
answer, behind the application's whole middleware. It lives here, never in the application's URLs.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return HttpResponse(f"floor {one}\n", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("huiketing.urls")),
]

handler404 = "huiketing.urls.handler404"
