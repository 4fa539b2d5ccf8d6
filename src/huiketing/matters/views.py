"""Public and residents' pages of matters: the public list and page, raising a matter (with the duplicate
step), following, "my matters", evaluating the result, and photos served through a view.

Public pages never show who raised a matter: not the name, phone, account or registry record, anonymous or
not; only the channel it came through. A matter's timeline shows its public entries only, each written as a
sentence in the reader's language. Every write is one service call whose ValidationError is shown next to
the field it names.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import conditional_escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place

from . import selectors, services
from .exports import ESCALATION_REASONS
from .models import OPEN_STATUSES, Channel, Dispatch, Evaluation, Level, Matter, MatterEvent, Status

PAGE_SIZE = 20
# A box whose text is the resident's own, in whatever language and script they write: its direction follows
# the text, and its language is declared unknown (lang="") rather than the page's.
USER_TEXT = {"dir": "auto", "lang": ""}
SIMILAR_LIMIT = 5
# Channels staff choose from when they raise a matter for a resident (assisted mode).
ASSISTED_CHANNELS = [Channel.WALK_IN, Channel.TALK_POINT, Channel.PATROL, Channel.PHONE]
# What the public list filters by status: a few plain groups rather than every workflow state.
STATUS_FILTERS = [
    ("open", gettext_lazy("Open")),
    (Status.DONE, gettext_lazy("Done, awaiting evaluation")),
    (Status.CLOSED, gettext_lazy("Closed")),
    (Status.REJECTED, gettext_lazy("Not accepted")),
]


# Showing a matter to the public ----------------------------------------------------------------------------


def grid_names(codes) -> dict[str, str]:
    """Grid code → "grid · community" names, in the reader's language, in one query."""
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    names = {}
    for place in (
        Place.objects.filter(code__in=codes).select_related("parent").only("code", "names", "parent__names")
    ):
        grid = pick(place.names)
        names[place.code] = f"{grid} · {pick(place.parent.names)}" if place.parent_id else grid
    return names


def _format(template: str, values: dict, *, html: bool, links: dict | None = None):
    """A translated sentence with its values put in; in HTML every value is isolated in <bdi> (names and
    numbers inside right-to-left text) and escaped, and values named in `links` become links."""
    if not html:
        return template % values
    wrapped = {}
    for name, value in values.items():
        if links and name in links:
            wrapped[name] = format_html('<a href="{}"><bdi>{}</bdi></a>', links[name], value)
        else:
            wrapped[name] = format_html("<bdi>{}</bdi>", value)
    return mark_safe(conditional_escape(template) % wrapped)  # noqa: S308 (every part is escaped above)


def event_sentence(event: MatterEvent, *, html: bool = True):
    """A public timeline entry as one translated sentence: what happened, with the unit, days or result."""
    kind, params = event.kind, event.params or {}
    K = MatterEvent.Kind
    unit = str(event.unit) if event.unit_id and event.unit is not None else _("A handling unit")
    days = params.get("days")

    def say(template, links=None, **values):
        return _format(template, values, html=html, links=links)

    if kind == K.RAISED:
        channel = params.get("channel")
        if channel in Channel.values:
            return say(_("The matter was raised. Channel: %(channel)s."), channel=Channel(channel).label)
        return say(_("The matter was raised."))
    if kind == K.ACCEPTED:
        return say(_("The community accepted the matter."))
    if kind == K.REJECTED:
        reason = services.REJECT_REASONS.get(params.get("reason_kind", ""))
        if reason:
            return say(_("The matter was not accepted: %(reason)s."), reason=str(reason))
        return say(_("The matter was not accepted."))
    if kind == K.TABLED:
        return say(_("The matter was tabled for the residents' deliberation."))
    if kind == K.UNTABLED:
        return say(_("The matter was taken back from deliberation, to be handled."))
    if kind == K.MERGED and params.get("into"):
        number = params["into"]
        return say(
            _("This matter was merged into matter %(number)s, about the same problem."),
            links={"number": reverse("matters:detail", args=[number])},
            number=number,
        )
    if kind == K.DUPLICATE_MERGED and params.get("from"):
        return say(
            _("Matter %(number)s, about the same problem, was merged into this one."), number=params["from"]
        )
    if kind == K.DISPATCHED:
        return say(_("Sent to %(unit)s to be handled."), unit=unit)
    if kind == K.SIGNED:
        return say(_("%(unit)s signed for the matter and is handling it."), unit=unit)
    if kind == K.RETURNED:
        return say(_("%(unit)s handed the matter back to the community."), unit=unit)
    if kind == K.EXTENSION_REQUESTED and days:
        return say(
            ngettext(
                "%(unit)s asked for %(days)s more working day.",
                "%(unit)s asked for %(days)s more working days.",
                days,
            ),
            unit=unit,
            days=days,
        )
    if kind == K.EXTENSION_GRANTED and days:
        return say(
            ngettext(
                "%(unit)s was given %(days)s more working day.",
                "%(unit)s was given %(days)s more working days.",
                days,
            ),
            unit=unit,
            days=days,
        )
    if kind == K.EXTENSION_REFUSED:
        return say(_("%(unit)s was refused more time."), unit=unit)
    if kind == K.UPDATE:
        if event.unit_id:
            return say(_("Progress from %(unit)s."), unit=unit)
        return say(_("Progress from the community."))
    if kind == K.DONE:
        return say(_("The matter was marked done; the resident who raised it is asked whether it is solved."))
    if kind == K.EVALUATED and params.get("result") in Evaluation.Result.values:
        result = Evaluation.Result(params["result"]).label
        if params.get("phone"):
            message = _("The resident's evaluation, taken by staff on the phone: %(result)s.")
            return say(message, result=result)
        return say(_("The resident's evaluation: %(result)s."), result=result)
    if kind == K.REHANDLE:
        return say(_("The resident was not satisfied: the matter was sent back to be handled again."))
    if kind == K.ESCALATED and params.get("level") in Level.values:
        level = Level(params["level"]).label
        reason = ESCALATION_REASONS.get(params.get("reason", ""))
        if reason:
            return say(
                _("Escalated (%(reason)s): now supervised at the level of the %(level)s."),
                reason=str(reason),
                level=level,
            )
        return say(_("Escalated: now supervised at the level of the %(level)s."), level=level)
    if kind == K.EVALUATION_EXPIRED:
        days = services.EVALUATION_EXPIRES_AFTER.days
        return say(
            ngettext(
                "No evaluation was given within %(days)s day.",
                "No evaluation was given within %(days)s days.",
                days,
            ),
            days=days,
        )
    if kind == K.CLOSED:
        return say(_("The matter was closed."))
    if kind in (K.PROJECT_STARTED, K.PROJECT_FINISHED, K.PROJECT_CANCELLED) and params.get("project"):
        sentences = {
            K.PROJECT_STARTED: _("Taken on as project %(project)s: its responsible parties carry it out."),
            K.PROJECT_FINISHED: _("Done: project %(project)s was finished."),
            K.PROJECT_CANCELLED: _(
                "Project %(project)s was cancelled; the community takes the matter up again."
            ),
        }
        return say(
            sentences[kind],
            links={"project": reverse("projects:detail", args=[params["project"]])},
            project=params.get("project_title") or params["project"],
        )
    label = event.get_kind_display()
    return conditional_escape(label) if html else str(label)


def event_details(event: MatterEvent, *, html: bool = True) -> list:
    """Facts a public entry carries beyond its sentence: who to turn to when the matter was not ours."""
    params = event.params or {}
    if event.kind == MatterEvent.Kind.REJECTED and params.get("referred_to"):
        return [_format(_("Turn to: %(who)s"), {"who": params["referred_to"]}, html=html)]
    return []


def public_units(matter: Matter) -> list[dict]:
    """The units working on or having worked on a matter, once each (from the prefetched dispatches)."""
    units: dict[int, dict] = {}
    for dispatch in getattr(matter, "all_dispatches", None) or matter.dispatches.select_related("unit"):
        if dispatch.status in (Dispatch.Status.WITHDRAWN, Dispatch.Status.RETURNED):
            continue
        units[dispatch.unit_id] = {
            "name": str(dispatch.unit),
            "kind": dispatch.unit.kind,
            "kind_display": dispatch.unit.get_kind_display(),
            "status": dispatch.status,
            "status_display": dispatch.get_status_display(),
        }
    return list(units.values())


def expected_date(matter: Matter):
    """When the matter is expected to be resolved, while it is being handled."""
    if matter.status in (Status.ACCEPTED, Status.IN_PROGRESS) and matter.resolve_due_at:
        return matter.resolve_due_at
    return None


def already_evaluated(matter: Matter) -> bool:
    """Whether the round the resident would evaluate has been evaluated already (the matter moved on)."""
    return matter.status != Status.DONE and matter.evaluations.exists()


def raised_q(user) -> Q:
    """Matters the account raised for itself, or that were raised for its registry record (raised_it)."""
    query = Q(raised_by=user, resident__isnull=True)
    resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
    if resident is not None:
        query |= Q(resident=resident)
    return query


# Forms ----------------------------------------------------------------------------------------------------


class PublicFilterForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Place"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *STATUS_FILTERS],
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    def __init__(self, *args, places, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("The whole city"))] + [(code, name) for code, name in places]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.code, str(category)) for category in categories
        ]

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}


def _public_places(extra: str = "") -> list[tuple[str, str]]:
    """Subdistricts and communities (and the grid or place asked for, if it is another one) for the filter."""
    query = Q(level__in=[PlaceLevel.SUBDISTRICT, PlaceLevel.COMMUNITY])
    if extra.isdigit():
        query |= Q(code=extra)
    out = []
    places = Place.objects.filter(query).order_by("code").values_list("code", "names", "level")
    for code, names, level in places:
        name = pick(names) or code
        out.append((code, name if level == PlaceLevel.SUBDISTRICT else f"· {name}"))
    return out


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files under one name; their content is checked by services.photo_clean."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > services.MAX_PHOTOS:
            raise ValidationError(_("At most %(count)s photos.") % {"count": services.MAX_PHOTOS})
        return [super(PhotosField, self).clean(item, initial) for item in files]


class RaiseForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": gettext_lazy("Give the matter a short title.")},
        help_text=gettext_lazy("A few words, for example: the street lamp at gate 3 is broken."),
    )
    description = forms.CharField(
        label=gettext_lazy("What is the matter?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, **USER_TEXT}),
        error_messages={"required": gettext_lazy("Describe the matter.")},
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), error_messages={"required": gettext_lazy("Choose a category.")}
    )
    latitude = forms.FloatField(
        label=gettext_lazy("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    grid = forms.ChoiceField(
        label=gettext_lazy("Or choose the grid"),
        required=False,
        help_text=gettext_lazy("Used only when no location is given."),
    )
    address = forms.CharField(
        label=gettext_lazy("Address or landmark"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=gettext_lazy("Where exactly, for those who will go and look."),
    )
    photos = PhotosField(label=gettext_lazy("Photos"), required=False)
    is_anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous towards the public"),
        required=False,
        help_text=gettext_lazy(
            "Public pages never show who raised a matter. Tick this to have it recorded as anonymous as "
            "well; the staff handling it still see who you are, so that they can ask you about it."
        ),
    )
    channel = forms.ChoiceField(label=gettext_lazy("How did the resident raise it?"), required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, categories, grids, assisted: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.location_errors: list[str] = []
        self.fields["category"].choices = [("", _("Choose…"))] + [
            (category.code, str(category)) for category in categories
        ]
        self.fields["grid"].choices = [("", _("No grid chosen")), *grids]
        self.fields["photos"].help_text = ngettext(
            "At most %(count)s photo. It is stored without its hidden data (such as where it was taken).",
            "At most %(count)s photos. They are stored without their hidden data (such as where they "
            "were taken).",
            services.MAX_PHOTOS,
        ) % {"count": services.MAX_PHOTOS}
        if assisted:
            self.fields["channel"].required = True
            self.fields["channel"].choices = [(channel.value, channel.label) for channel in ASSISTED_CHANNELS]
            self.fields["channel"].initial = Channel.WALK_IN
        else:
            del self.fields["channel"]

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None) and not ({"latitude", "longitude"} & set(self.errors)):
            self.location_errors.append(_("Give both the latitude and the longitude, or neither."))
        return data

    def is_valid(self) -> bool:
        # Location errors are shown with the location's fieldset, which is no single field.
        return super().is_valid() and not self.location_errors

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's errors next to the fields they name; the location's under the location."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages_ in error.message_dict.items():
            if name == "location":
                self.location_errors.extend(messages_)
            elif name == "place_code":
                self.add_error("grid", messages_)
            elif name in self.fields:
                self.add_error(name, messages_)
            else:
                self.add_error(None, messages_)


class EvaluationForm(forms.Form):
    solved = forms.TypedChoiceField(
        label=gettext_lazy("Was it solved?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Say whether the matter was solved.")},
    )
    result = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with the result?"),
        choices=Evaluation.Result.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose satisfied, basically satisfied or not satisfied."),
            "invalid_choice": gettext_lazy("Choose satisfied, basically satisfied or not satisfied."),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **USER_TEXT}),
        help_text=gettext_lazy("Required when you are not satisfied: say what is still wrong."),
    )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages_ in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages_)


# The public list and page -----------------------------------------------------------------------------------


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("lang", None)
    return query.urlencode()


class MatterListView(PermissionRequiredMixin, TemplateView):
    """Matters anyone may read, newest first, 20 a page, by place, status and category. The same number of
    queries whatever the number of matters."""

    permission_required = PUBLIC
    template_name = "matters/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        place = self.request.GET.get("place", "")
        form = PublicFilterForm(
            self.request.GET or None,
            places=_public_places(extra=place),
            categories=list(selectors.categories_active()),
        )
        if form.is_bound and not form.is_valid():
            matters = Matter.objects.none()
        else:
            matters = selectors.matters_public(filters=form.filters() if form.is_bound else {})
        page = Paginator(matters, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        names = grid_names(matter.place_code for matter in rows)
        for matter in rows:
            matter.grid_name = names.get(matter.place_code, "")
        context.update(
            form=form,
            page=page,
            matters=rows,
            query=_query_without_page(self.request),
            can_raise=self.request.user.has_perm("matters.raise"),
        )
        return context


def public_context(request, matter: Matter, **extra) -> dict:
    """Everything the public page shows of a matter; nothing about who raised it but the channel."""
    user = request.user
    events = []
    for event in matter.public_events:
        event.sentence = event_sentence(event)
        event.detail_list = event_details(event)
        # The photos raised with the matter are shown at the top of the page, not again in the timeline.
        event.photo_list = [] if event.kind == MatterEvent.Kind.RAISED else list(event.photos.all())
        events.append(event)
    grid = Place.objects.select_related("parent").filter(code=matter.place_code).first()
    signed_in = user.is_authenticated
    can_evaluate = signed_in and matter.status == Status.DONE and user.has_perm("matters.evaluate", matter)
    context = {
        "matter": matter,
        "grid": grid,
        "community": grid.parent if grid is not None and grid.parent_id else None,
        "events": events,
        "photos": list(matter.raised_photos),
        "units": public_units(matter),
        "expected": expected_date(matter),
        "is_open": matter.status in OPEN_STATUSES,
        "followed": signed_in and selectors.matter_is_followed(user=user, matter=matter),
        "can_follow": user.has_perm("matters.follow"),
        "can_evaluate": can_evaluate,
        "evaluation_form": EvaluationForm(auto_id="evaluate_%s") if can_evaluate else None,
    }
    context.update(extra)
    return context


class MatterDetailView(PermissionRequiredMixin, TemplateView):
    """A matter's public page; a merged one sends the reader on to the matter it was merged into."""

    permission_required = PUBLIC
    template_name = "matters/detail.html"

    def get(self, request, *args, **kwargs):
        matter = selectors.matter_get_public(matter_id=kwargs["pk"])
        if matter.status == Status.MERGED and matter.duplicate_of_id:
            return redirect("matters:detail", pk=matter.duplicate_of_id)
        response = self.render_to_response(public_context(request, matter))
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PhotoView(PermissionRequiredMixin, View):
    """A photo of a public matter, as the JPEG the service re-encoded; never a link into MEDIA_URL."""

    permission_required = PUBLIC

    def get(self, request, pk: int):
        photo = selectors.photo_get_public(photo_id=pk)
        try:
            handle = photo.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        # Short enough that a matter hidden later stops being served from caches within the hour.
        response["Cache-Control"] = "public, max-age=3600"
        return response


# Raising ----------------------------------------------------------------------------------------------------


def _grids() -> list[Place]:
    """Every grid with its community and boundary: the raise form's select and its map (one query)."""
    return list(Place.objects.filter(level=PlaceLevel.GRID).select_related("parent").order_by("code"))


def _grid_choices(grids: list[Place]) -> list:
    """Grids grouped by community, for the raise form's select."""
    groups: dict[str, tuple[str, list]] = {}
    for grid in grids:
        community = grid.parent
        key = community.code if community else ""
        label = pick(community.names) if community else ""
        groups.setdefault(key, (label, []))[1].append((grid.code, pick(grid.names) or grid.code))
    return [(label, options) for label, options in groups.values()]


@dataclass
class PinMap:
    """The grids drawn as SVG, with what a script needs to turn a tap into WGS-84 coordinates and back:
    x = (lng - west) * kx * scale + margin, y = (north - lat) * scale + margin (the projection of
    places.geo.svg_map: equirectangular, scaled by cos(latitude))."""

    view_box: str
    shapes: list[tuple[str, str]]
    west: float
    north: float
    kx: float
    scale: float
    margin: float


def _pin_map(grids: list[Place], width: float = 320.0) -> PinMap | None:
    import math

    import shapely
    from shapely.geometry import shape

    from huiketing.places.geo import _polygonal_parts

    drawn = []
    for grid in grids:
        if not grid.boundary:
            continue
        try:
            geometry = shape(grid.boundary)
        except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
            continue
        if not geometry.is_empty:
            drawn.append((grid, geometry))
    if not drawn:
        return None
    west, south, east, north = shapely.GeometryCollection([g for _grid, g in drawn]).bounds
    kx = math.cos(math.radians((south + north) / 2))
    scale = width / (max((east - west) * kx, north - south) or 1e-9)
    margin = 4.0
    shapes = []
    for grid, geometry in drawn:
        commands = []
        for polygon in _polygonal_parts(geometry):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [
                    f"{(x - west) * kx * scale + margin:.1f},{(north - y) * scale + margin:.1f}"
                    for x, y in ring.coords[:-1]
                ]
                commands.append("M" + " L".join(points) + " Z")
        shapes.append((" ".join(commands), pick(grid.names) or grid.code))
    view_box = f"0 0 {(east - west) * kx * scale + 2 * margin:.1f} {(north - south) * scale + 2 * margin:.1f}"
    return PinMap(view_box, shapes, west, north, kx, scale, margin)


def _similar(*, title: str, description: str, latitude, longitude, place_code: str) -> list:
    """Open matters like the one being raised: in its grid (from the point, or the grid chosen) or within
    100 m, with similar words."""
    if latitude is not None and longitude is not None and not place_code:
        from huiketing.places.geo import grid_at

        grid = grid_at(lat=latitude, lng=longitude)
        place_code = grid.code if grid is not None else ""
    return selectors.similar_open_matters(
        text=f"{title} {description}",
        latitude=latitude,
        longitude=longitude,
        place_code=place_code,
        limit=SIMILAR_LIMIT,
    )


class MatterRaiseView(PermissionRequiredMixin, TemplateView):
    """Raise a matter. A first submit that finds similar open matters shows them, each with "follow this one
    instead", and the form again to raise it anyway; without similar ones it is raised at once.

    A staff member in assisted mode raises it for the resident they act for, choosing the channel."""

    permission_required = "matters.raise"
    template_name = "matters/raise.html"

    def assisted_resident(self):
        resident = getattr(self.request, "huiketing_acting_for", None)
        if resident is not None and self.request.user.has_perm("matters.raise_for_resident", resident):
            return resident
        return None

    def grids(self) -> list[Place]:
        if not hasattr(self, "_grid_list"):
            self._grid_list = _grids()
        return self._grid_list

    def make_form(self, data=None, files=None) -> RaiseForm:
        return RaiseForm(
            data,
            files,
            categories=list(selectors.categories_active()),
            grids=_grid_choices(self.grids()),
            assisted=self.assisted_resident() is not None,
        )

    def get_context_data(self, form=None, similar=(), status=200, **kwargs):
        context = super().get_context_data(**kwargs)
        from .exports import masked_name

        resident = self.assisted_resident()
        context.update(
            form=form or self.make_form(),
            similar=similar,
            resident_label=masked_name(resident.full_name) if resident is not None else "",
            max_photos=services.MAX_PHOTOS,
            pin_map=_pin_map(self.grids()),
            photos_lost=self.request.method == "POST" and bool(self.request.FILES.getlist("photos")),
        )
        return context

    def render(self, status: int = 200, **context):
        response = self.render_to_response(self.get_context_data(**context), status=status)
        add_never_cache_headers(response)
        return response

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(status=400, form=form)
        data = form.cleaned_data
        latitude, longitude = data.get("latitude"), data.get("longitude")
        has_point = latitude is not None and longitude is not None
        place_code = "" if has_point else data.get("grid", "")
        if not data.get("confirmed"):
            similar = _similar(
                title=data["title"],
                description=data["description"],
                latitude=latitude,
                longitude=longitude,
                place_code=place_code,
            )
            if similar:
                # The same form again, marked as seen: its submit raises the matter whatever is similar.
                values = request.POST.copy()
                values["confirmed"] = "True"
                step = self.make_form(values)
                step.is_valid()
                return self.render(form=step, similar=[matter for matter, _score in similar])
        category = next((c for c in selectors.categories_active() if c.code == data["category"]), None)
        resident = self.assisted_resident()
        try:
            matter = services.matter_raise(
                by=request.user,
                title=data["title"],
                description=data["description"],
                category=category,
                latitude=latitude if has_point else None,
                longitude=longitude if has_point else None,
                place_code=place_code or None,
                address=data.get("address", ""),
                channel=(data.get("channel") or Channel.WEB) if resident is not None else Channel.WEB,
                is_anonymous=data.get("is_anonymous", False),
                resident=resident,
                photos=data.get("photos") or [],
                language=translation.get_language() or "",
            )
        except ValidationError as error:
            form.add_service_errors(error)
            return self.render(status=400, form=form)
        messages.success(
            request,
            _("Matter %(number)s has been raised. You follow it and will be told of its progress.")
            % {"number": matter.pk}
            if resident is None
            else _("Matter %(number)s has been raised for the resident.") % {"number": matter.pk},
        )
        return redirect("matters:detail", pk=matter.pk)


def _float_param(request, name: str):
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValidationError({name: [_("Enter a number.")]}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError({name: [_("Enter a number.")]})
    return number


def similar_from_query(request) -> list[tuple[Matter, float]]:
    """The similar open matters for ?text=&lat=&lng=&grid=&crs= (shared by the page's JSON and the API)."""
    from huiketing.places.geo import to_wgs84

    text = request.GET.get("text", "")[:4000]
    latitude, longitude = _float_param(request, "lat"), _float_param(request, "lng")
    grid = request.GET.get("grid", "").strip()
    crs = request.GET.get("crs", "wgs84")
    errors = {}
    if grid and not (grid.isdigit() and len(grid) == 15):
        errors["grid"] = [_("A grid code has 15 digits.")]
    if crs not in ("wgs84", "gcj02"):
        errors["crs"] = [_("The coordinate system is wgs84 or gcj02.")]
    if (latitude is None) != (longitude is None):
        errors["lat"] = [_("Give both the latitude and the longitude, or neither.")]
    elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["lat"] = [_("These coordinates are not on the Earth.")]
    if errors:
        raise ValidationError(errors)
    if latitude is not None:
        latitude, longitude = to_wgs84(latitude, longitude, crs)
    title, _sep, rest = text.partition("\n")
    return _similar(title=title, description=rest, latitude=latitude, longitude=longitude, place_code=grid)


def similar_json(matter: Matter, score: float, names: dict) -> dict:
    return {
        "id": matter.pk,
        "title": matter.title,
        "status": matter.status,
        "status_display": matter.get_status_display(),
        "category": matter.category.code,
        "category_name": str(matter.category),
        "grid_name": names.get(matter.place_code, ""),
        "created_at": matter.created_at.isoformat(),
        "score": round(float(score), 4),
        "url": reverse("matters:detail", args=[matter.pk]),
    }


class SimilarView(PermissionRequiredMixin, View):
    """GET ?text=&lat=&lng=&grid= → JSON of similar open matters nearby, for apps and the raise form."""

    permission_required = PUBLIC

    def get(self, request):
        from huiketing.core.api import error_body

        try:
            found = similar_from_query(request)
        except ValidationError as error:
            return JsonResponse(
                error_body(400, "invalid", _("Some of the data you sent is not valid."), error.message_dict),
                status=400,
            )
        names = grid_names(matter.place_code for matter, _score in found)
        return JsonResponse({"results": [similar_json(matter, score, names) for matter, score in found]})


# Following and "my matters" ---------------------------------------------------------------------------------


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class FollowView(PermissionRequiredMixin, View):
    """Follow a matter (POST); a merged one's original is followed instead."""

    permission_required = "matters.follow"
    follow = True

    def post(self, request, pk: int):
        matter = selectors.matter_get_public(matter_id=pk)
        if matter.status == Status.MERGED and matter.duplicate_of_id:
            matter = selectors.matter_get_public(matter_id=matter.duplicate_of_id)
        default = reverse("matters:detail", args=[matter.pk])
        if self.follow:
            services.matter_follow(by=request.user, matter=matter)
            messages.success(request, _("You follow this matter now: you will be told of its progress."))
        else:
            services.matter_unfollow(by=request.user, matter=matter)
            messages.success(request, _("You no longer follow this matter."))
        return redirect(_next_url(request, default))


class UnfollowView(FollowView):
    follow = False


def matters_of_account_ordered(user):
    """What the account raised or follows, the ones waiting for its evaluation first, then newest first."""
    return (
        selectors.matters_of_account(user=user)
        .annotate(
            awaiting=Case(
                When(Q(status=Status.DONE) & raised_q(user), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("awaiting", "-created_at", "-id")
    )


class MyMattersView(PermissionRequiredMixin, TemplateView):
    """What the signed-in person raised or follows; those waiting for their evaluation first."""

    permission_required = "matters.follow"
    template_name = "matters/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = Paginator(matters_of_account_ordered(user), PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        names = grid_names(matter.place_code for matter in rows)
        resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
        for matter in rows:
            matter.grid_name = names.get(matter.place_code, "")
            matter.raised_by_me = (matter.raised_by_id == user.pk and matter.resident_id is None) or (
                resident is not None and matter.resident_id == resident.pk
            )
        context.update(page=page, matters=rows, query=_query_without_page(self.request))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        return response


# Evaluation -------------------------------------------------------------------------------------------------


class EvaluateView(PermissionRequiredMixin, TemplateView):
    """The raiser's answer to "was it solved?" (POST). Anyone else is refused with 403 and a message on the
    public page, and nothing is written."""

    permission_required = "matters.evaluate"
    template_name = "matters/detail.html"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(reverse("matters:detail", args=[kwargs["pk"]]))
        self.matter = selectors.matter_get_public(matter_id=kwargs["pk"])
        if not request.user.has_perm(self.permission_required, self.matter):
            return self.page(
                status=403, refused=_("Only the resident who raised this matter can evaluate it.")
            )
        # Past the object check: PermissionRequiredMixin has nothing left to refuse.
        return View.dispatch(self, request, *args, **kwargs)

    def page(self, status: int, **extra):
        response = self.render_to_response(public_context(self.request, self.matter, **extra), status=status)
        add_never_cache_headers(response)
        return response

    def post(self, request, *args, **kwargs):
        matter = self.matter
        form = EvaluationForm(request.POST, auto_id="evaluate_%s")
        if already_evaluated(matter):
            return self.page(status=400, refused=_("This round of handling has already been evaluated."))
        if not form.is_valid():
            return self.page(status=400, evaluation_form=form, can_evaluate=matter.status == Status.DONE)
        data = form.cleaned_data
        try:
            services.matter_evaluate(
                by=request.user,
                matter=matter,
                result=data["result"],
                comment=data.get("comment", ""),
                solved=data["solved"],
            )
        except services.MatterStateError as error:
            return self.page(status=400, refused=" ".join(error.messages))
        except ValidationError as error:
            form.add_service_errors(error)
            return self.page(status=400, evaluation_form=form, can_evaluate=True)
        if data["result"] == Evaluation.Result.NOT_SATISFIED:
            messages.success(request, _("Thank you. The matter is sent back to be handled again."))
        else:
            messages.success(request, _("Thank you for your evaluation."))
        return redirect("matters:detail", pk=matter.pk)
