from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from huiketing.core import views as core_views
from huiketing.core.permissions import PUBLIC
from huiketing.people import views as people_views


class LoginView(auth_views.LoginView):
    permission_required = PUBLIC
    template_name = "core/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    permission_required = PUBLIC


class SchemaView(SpectacularAPIView):
    permission_required = PUBLIC


class DocsView(SpectacularSwaggerView):
    permission_required = PUBLIC


urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.HealthView.as_view(), name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/code/", people_views.SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("accounts/code/setup/", people_views.SecondFactorSetupView.as_view(), name="otp-setup"),
    path("display/large-text/", core_views.LargeTextView.as_view(), name="large-text"),
    path("", include("huiketing.core.urls")),
    path("", include("huiketing.places.urls")),
    path("", include("huiketing.people.urls")),
    path("", include("huiketing.matters.urls")),
    path("", include("huiketing.meetings.urls")),
    path("", include("huiketing.projects.urls")),
    path("", include("huiketing.points.urls")),
    path("", include("huiketing.hall.urls")),
    path("open311/v2/", include("huiketing.open311.urls")),
    path("api/v1/", include("huiketing.core.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]


def handler404(request, exception):
    """API clients get the error shape; people get the site's 404 page."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        from huiketing.core.api import error_body

        return JsonResponse(error_body(404, "not_found", _("Not found.")), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


# Seconds a client is asked to wait when the database cannot be reached (it is restarting or failing over).
DATABASE_RETRY_AFTER = 5


def handler500(request):
    """A database that cannot be reached is a 503 with Retry-After, which phones and proxies retry (a write
    resent with its Idempotency-Key is then applied once); any other failure is the site's 500 page."""
    import sys

    from django.db import InterfaceError, OperationalError

    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        from django.views.defaults import server_error

        return server_error(request)
    from django.http import JsonResponse
    from django.template import loader
    from django.utils.translation import gettext as _

    message = _("The service cannot reach its database for a moment. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        from huiketing.core.api import error_body

        response = JsonResponse(error_body(503, "database_unavailable", message), status=503)
    else:
        from django.http import HttpResponse

        response = HttpResponse(loader.get_template("503.html").render({"message": message}), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response
