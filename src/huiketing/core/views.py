"""Views every installation has: health check, home page, display preferences."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.places import selectors as place_selectors


class HealthView(PermissionRequiredMixin, View):
    permission_required = PUBLIC

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            database = "ok"
        except Exception:
            database = "unavailable"
        healthy = database == "ok"
        return JsonResponse(
            {"status": "ok" if healthy else "error", "database": database, "vendor": connection.vendor},
            status=200 if healthy else 503,
        )


class HomeView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["city"] = place_selectors.city_get(code=settings.CITY_CODE)
        context["subdistricts"] = place_selectors.subdistricts_with_communities(city_code=settings.CITY_CODE)
        return context


class LargeTextView(PermissionRequiredMixin, View):
    """Switch the large-text elderly mode on or off; remembered in a cookie and on the account."""

    permission_required = PUBLIC

    def post(self, request):
        from huiketing.people import services as people_services

        on = request.POST.get("large_text") == "1"
        if request.user.is_authenticated:
            people_services.user_set_display(user=request.user, large_text=on)
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        response = redirect(target)
        response.set_cookie(
            "huiketing_large_text",
            "1" if on else "0",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.HTTPS,
            httponly=True,
        )
        return response


class AuditListView(PermissionRequiredMixin, TemplateView):
    """The audit log, filtered to the places the reader covers."""

    permission_required = "core.view_audit_log"
    template_name = "core/audit_list.html"

    def get_context_data(self, **kwargs):
        from huiketing.core import selectors

        context = super().get_context_data(**kwargs)
        context["entries"] = selectors.audit_list(user=self.request.user, filters=self.request.GET)[:100]
        return context
