"""Pages of the place tree: public pages of places, and staff pages to import places and renumber grids."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.places import geo, selectors, services
from huiketing.places.forms import ImportForm
from huiketing.places.models import Level


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
        children = list(place.children.select_related("leader").order_by("code"))
        context["place"] = place
        context["children"] = children
        context["service_points"] = selectors.service_points_in(code=place.code)
        context["map"] = geo.svg_map(place, children)
        context["can_renumber"] = place.level == Level.COMMUNITY and self.request.user.has_perm(
            "places.renumber_grids", place
        )
        return context


class PlaceImportView(PermissionRequiredMixin, FormView):
    """Upload a code list (CSV) or boundaries (GeoJSON), check them, import them if every row is valid."""

    permission_required = "places.import_places"
    template_name = "places/import.html"
    form_class = ImportForm

    def form_valid(self, form):
        data = form.cleaned_data
        importer = (
            services.places_import_csv
            if data["kind"] == ImportForm.KIND_PLACES
            else services.boundaries_import_geojson
        )
        report = importer(by=self.request.user, file=data["file"], dry_run=data["mode"] != "commit")
        if report.applied:
            messages.success(self.request, _("The file has been imported."))
        return self.render_to_response(self.get_context_data(form=form, report=report))


class GridRenumberView(PermissionRequiredMixin, TemplateView):
    """Preview a community's grids renumbered west→east, north→south, and apply it with a POST."""

    permission_required = "places.renumber_grids"
    template_name = "places/renumber.html"

    def get_permission_object(self):
        self.community = selectors.community_get_for_user(user=self.request.user, code=self.kwargs["code"])
        return self.community

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["community"] = self.community
        context["report"] = services.grids_renumber(
            by=self.request.user, community=self.community, dry_run=True
        )
        return context

    def post(self, request, *args, **kwargs):
        report = services.grids_renumber(by=request.user, community=self.community, dry_run=False)
        if report.applied:
            count = len(report.changes)
            messages.success(
                request,
                ngettext(
                    "%(count)d grid has a new code; its former code keeps working.",
                    "%(count)d grids have new codes; their former codes keep working.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("The grids are already numbered in order; nothing changed."))
        return redirect("places:renumber", code=self.community.code)
