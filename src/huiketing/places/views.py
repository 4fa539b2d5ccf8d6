"""Public pages of the place tree: the city's subdistricts, communities, grids and service points."""

from django.conf import settings
from django.views.generic import TemplateView

from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.places import selectors


class PlaceIndexView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "places/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["city"] = selectors.city_get(code=settings.CITY_CODE)
        context["subdistricts"] = selectors.subdistricts_with_communities(city_code=settings.CITY_CODE)
        return context


class PlaceDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "places/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        place = selectors.place_get(code=kwargs["code"])
        context["place"] = place
        context["children"] = place.children.select_related("leader").order_by("code")
        context["service_points"] = selectors.service_points_in(code=place.code)
        return context
