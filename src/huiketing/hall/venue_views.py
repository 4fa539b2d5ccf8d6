"""Pages of the living rooms: the public list and page of a venue, the catalogue of service items and an
item's page; the staff's venues, where zones, closures and items are edited.

Public pages name no resident. Staff pages fetch the venue through `venue_selectors.venue_get_for_staff`
(missing and out of scope: 404); each change is a POST form and one service call, and a refused one comes
back on the page with the service's message next to the field it names, with status 400.
"""

import contextlib

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin

from . import venue_selectors as selectors
from . import venue_services as services
from .models import Audience, ItemCategory, ProviderKind, ZoneKind

PAGE_SIZE = 30


def opening_hours_text(opening_hours) -> list[str]:
    """The weekly opening hours as lines in the reader's language: "Monday, Tuesday: 09:30–20:30"."""
    lines = []
    for rule in opening_hours or []:
        days = sorted(rule.get("days", []))
        if days == list(range(1, 8)):
            label = _("Every day")
        elif days == list(range(1, 6)):
            label = _("Monday to Friday")
        else:
            label = ", ".join(str(WEEKDAYS[day - 1]) for day in days)
        lines.append(f"{label}: {rule.get('opens', '')}–{rule.get('closes', '')}")
    return lines


def item_book_url(item) -> str:
    """The booking page of an item that needs booking, when the bookings part provides one."""
    if not item.needs_booking:
        return ""
    try:
        return reverse("hall:item-book", args=[item.pk])
    except NoReverseMatch:
        return ""


def map_url(venue) -> str:
    """A plain link to the venue's coordinates (no script on our page)."""
    point = venue.service_point
    return f"https://www.openstreetmap.org/?mlat={point.lat:.5f}&mlon={point.lng:.5f}#map=17/{point.lat:.5f}/{point.lng:.5f}"


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", "lang", *names):
        query.pop(name, None)
    return query.urlencode()


# Public -----------------------------------------------------------------------------------------------------


class VenueFilterForm(forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("Community"), required=False)
    demonstration = forms.BooleanField(label=gettext_lazy("Demonstration sites only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("The whole city")), *selectors.communities()]


class VenueListView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/venue_list.html"

    def get_context_data(self, **kwargs):
        form = VenueFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page = Paginator(selectors.venues_public(filters=filters), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        venues = list(page.object_list)
        names = selectors.place_names([venue.place_code for venue in venues])
        for venue in venues:
            venue.community_name = names.get(venue.place_code, "")
            venue.hours = opening_hours_text(venue.service_point.opening_hours)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "venues": venues,
            "query": _query_without(self.request),
        }


class VenueDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/venue_detail.html"

    def get_context_data(self, **kwargs):
        venue = selectors.venue_get_public(venue_id=self.kwargs["pk"])
        today, week = selectors.split_today(selectors.events_coming(venue=venue))
        for item in venue.active_items:
            item.book_url = item_book_url(item)
        closures = selectors.closures_coming(venue=venue)
        for closure in closures:
            closure.reason_text = pick(closure.reasons)
        photos = list(venue.photos.all())
        for photo in photos:
            photo.caption_text = pick(photo.captions)
        return {
            **super().get_context_data(**kwargs),
            "venue": venue,
            "hours": opening_hours_text(venue.service_point.opening_hours),
            "closures": closures,
            "photos": photos,
            "description": pick(venue.descriptions),
            "demonstrates": pick(venue.demonstrates),
            "accessibility": pick(venue.accessibility),
            "groups": selectors.items_by_category(venue.active_items),
            "today_events": today,
            "week_events": week,
            "map_url": map_url(venue),
            "address": pick(venue.service_point.address)
            if isinstance(venue.service_point.address, dict)
            else "",
        }


class ItemFilterForm(forms.Form):
    venue = forms.TypedChoiceField(
        label=gettext_lazy("Living room"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    audience = forms.ChoiceField(label=gettext_lazy("For"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [("", _("Every living room")), *selectors.venue_choices()]
        self.fields["category"].choices = [("", _("Every category")), *list(ItemCategory.choices)]
        self.fields["audience"].choices = [("", _("Everyone"))] + [
            choice for choice in Audience.choices if choice[0] != Audience.EVERYONE
        ]


class ItemListView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/item_list.html"

    def get_context_data(self, **kwargs):
        form = ItemFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page = Paginator(selectors.items_public(filters=filters), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        items = list(page.object_list)
        for item in items:
            item.book_url = item_book_url(item)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "items": items,
            "query": _query_without(self.request),
        }


class ItemDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/item_detail.html"

    def get_context_data(self, **kwargs):
        item = selectors.item_get_public(item_id=self.kwargs["pk"])
        audiences = dict(Audience.choices)
        return {
            **super().get_context_data(**kwargs),
            "item": item,
            "venue": item.venue,
            "audiences": [audiences[code] for code in item.audiences if code in audiences],
            "book_url": item_book_url(item),
            "description": pick(item.descriptions),
            "documents": pick(item.required_documents),
            "provider": (pick(item.provider.names) if item.provider_id else "") or pick(item.provider_names),
        }


# Staff ------------------------------------------------------------------------------------------------------

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class ZoneForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ZoneKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    capacity = forms.IntegerField(label=gettext_lazy("Capacity"), min_value=1)
    is_bookable = forms.BooleanField(label=gettext_lazy("Can be booked"), required=False)


class ClosureForm(forms.Form):
    zone = forms.TypedChoiceField(label=gettext_lazy("Zone"), required=False, coerce=int, empty_value=None)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("From"),
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Until"),
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("The whole living room"))] + [
            (z.pk, str(z)) for z in venue.zones.all()
        ]


class ItemForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ItemCategory.choices)
    zone = forms.TypedChoiceField(label=gettext_lazy("Zone"), required=False, coerce=int, empty_value=None)
    provider_kind = forms.ChoiceField(label=gettext_lazy("Provided by"), choices=ProviderKind.choices)
    provider_name = forms.CharField(label=gettext_lazy("Provider's name"), max_length=100, required=False)
    audiences = forms.MultipleChoiceField(
        label=gettext_lazy("For"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    needs_booking = forms.BooleanField(label=gettext_lazy("Needs booking"), required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Places"), required=False)
    duration_minutes = forms.IntegerField(label=gettext_lazy("Duration (minutes)"), required=False)
    price = forms.DecimalField(label=gettext_lazy("Price (yuan)"), required=False)
    documents = forms.CharField(label=gettext_lazy("Documents to bring"), required=False, max_length=300)
    is_package = forms.BooleanField(label=gettext_lazy("Package"), required=False)
    components = forms.TypedMultipleChoiceField(
        label=gettext_lazy("What the package holds"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=gettext_lazy("Offered"), required=False, initial=True)

    def __init__(self, *args, venue, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", "—")] + [(z.pk, str(z)) for z in venue.zones.all()]
        self.fields["components"].choices = [
            (other.pk, str(other)) for other in venue.items.all() if item is None or other.pk != item.pk
        ]


def _item_initial(item) -> dict:
    return {
        "code": item.code,
        "name": pick(item.names),
        "category": item.category,
        "zone": item.zone_id,
        "provider_kind": item.provider_kind,
        "provider_name": pick(item.provider_names),
        "audiences": item.audiences,
        "needs_booking": item.needs_booking,
        "capacity": item.capacity,
        "duration_minutes": item.duration_minutes,
        "price": item.price,
        "documents": pick(item.required_documents),
        "is_package": item.is_package,
        "components": [c.pk for c in item.components.all()],
        "is_active": item.is_active,
    }


def _lang() -> str:
    from django.utils.translation import get_language

    return get_language() or "zh-hans"


class StaffVenueListView(PermissionRequiredMixin, TemplateView):
    permission_required = "hall.view_staff"
    template_name = "hall/venue_staff_list.html"

    def get_context_data(self, **kwargs):
        form = VenueFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = selectors.venues_for_staff(user=self.request.user, filters=filters)
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "venues": list(page.object_list),
        }


class StaffVenueMixin(PermissionRequiredMixin):
    permission_required = "hall.manage"
    manage = True

    def get_permission_object(self):
        if not hasattr(self, "venue"):
            self.venue = selectors.venue_get_for_staff(
                user=self.request.user, venue_id=self.kwargs["pk"], manage=False
            )
        return self.venue


class StaffVenueDetailView(StaffVenueMixin, TemplateView):
    """The venue's zones, closures and items, with the forms to change them (for those who manage it)."""

    permission_required = "hall.view_staff"
    template_name = "hall/venue_staff_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_staff_detail_context(self, **kwargs)}


def _staff_detail_context(view, **kwargs) -> dict:
    venue = view.get_permission_object()
    return {
        "venue": venue,
        "can_manage": view.request.user.has_perm("hall.manage", venue),
        "hours": opening_hours_text(venue.service_point.opening_hours),
        "closures": selectors.closures_coming(venue=venue, limit=50),
        "zone_form": kwargs.get("zone_form") or ZoneForm(),
        "closure_form": kwargs.get("closure_form") or ClosureForm(venue=venue),
    }


def _render_error(view, **forms_):
    view.template_name = "hall/venue_staff_detail.html"
    return view.render_to_response(_staff_detail_context(view, **forms_), status=400)


class ZoneAddView(StaffVenueMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        venue = self.get_permission_object()
        form = ZoneForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.zone_save(
                    by=request.user,
                    venue=venue,
                    kind=data["kind"],
                    names={_lang(): data["name"]},
                    capacity=data["capacity"],
                    is_bookable=data["is_bookable"],
                    position=venue.zones.count(),
                )
                return redirect("hall:staff-venue-detail", venue.pk)
            except ValidationError as error:
                add_service_errors(form, error)
        return _render_error(self, zone_form=form)


class ClosureAddView(StaffVenueMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        venue = self.get_permission_object()
        form = ClosureForm(request.POST, venue=venue)
        if form.is_valid():
            data = form.cleaned_data
            try:
                zone = selectors.zone_of(venue, data["zone"]) if data["zone"] else None
                services.closure_add(
                    by=request.user,
                    venue=venue,
                    zone=zone,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reasons={_lang(): data["reason"]},
                )
                return redirect("hall:staff-venue-detail", venue.pk)
            except ValidationError as error:
                add_service_errors(form, error)
        return _render_error(self, closure_form=form)


class ClosureRemoveView(StaffVenueMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        venue = self.get_permission_object()
        closure = selectors.closure_of(venue, self.kwargs["closure_id"])
        # An ended closure stays on record; the page lists only those still to come.
        with contextlib.suppress(ValidationError):
            services.closure_remove(by=request.user, closure=closure)
        return redirect("hall:staff-venue-detail", venue.pk)


class ItemEditView(StaffVenueMixin, TemplateView):
    """A new item (no item_id) or one of the venue's items."""

    template_name = "hall/item_staff_form.html"

    def _item(self):
        item_id = self.kwargs.get("item_id")
        return selectors.item_of(self.get_permission_object(), item_id) if item_id else None

    def get_context_data(self, **kwargs):
        venue = self.get_permission_object()
        item = kwargs.get("item", self._item())
        form = kwargs.get("form") or ItemForm(
            venue=venue,
            item=item,
            initial=_item_initial(item) if item else {"audiences": [Audience.EVERYONE]},
        )
        return {**super().get_context_data(**kwargs), "venue": venue, "item": item, "form": form}

    def post(self, request, *args, **kwargs):
        venue = self.get_permission_object()
        item = self._item()
        form = ItemForm(request.POST, venue=venue, item=item)
        if form.is_valid():
            data = form.cleaned_data
            lang = _lang()
            names = {**(item.names if item else {}), lang: data["name"]}
            provider_names = {**(item.provider_names if item else {}), lang: data["provider_name"]}
            documents = {**(item.required_documents if item else {}), lang: data["documents"]}
            others = {other.pk: other for other in venue.items.all()}
            try:
                services.item_save(
                    by=request.user,
                    venue=venue,
                    item=item,
                    code=data["code"],
                    names=names,
                    category=data["category"],
                    zone=selectors.zone_of(venue, data["zone"]) if data["zone"] else None,
                    provider_kind=data["provider_kind"],
                    provider_names=provider_names,
                    audiences=data["audiences"],
                    needs_booking=data["needs_booking"],
                    capacity=data["capacity"],
                    duration_minutes=data["duration_minutes"],
                    price=data["price"] if data["price"] is not None else 0,
                    required_documents=documents,
                    is_package=data["is_package"],
                    components=[others[pk] for pk in data["components"] if pk in others],
                    is_active=data["is_active"],
                )
                return redirect("hall:staff-venue-detail", venue.pk)
            except ValidationError as error:
                add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(item=item, form=form), status=400)
