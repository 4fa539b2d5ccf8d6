"""The staff page of a venue's photos: upload one with its captions, put them in order by position numbers,
remove one. The photos show on the venue's public page in that order, each with its caption as its text.

The venue is fetched through `venue_selectors.venue_get_for_photos` (community staff and above covering its
place; anyone else: 404). Each change is one POST and one service call; a refused one comes back on the page
with the service's translated message next to the field it names, with status 400.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.core.permissions import PermissionRequiredMixin

from . import venue_selectors as selectors
from . import venue_services as services

# (form field, language, label, writing direction) of each caption.
CAPTION_FIELDS = (
    ("caption_zh_hans", "zh-hans", gettext_lazy("Caption in Chinese"), "ltr"),
    ("caption_ug", "ug", gettext_lazy("Caption in Uyghur (optional)"), "rtl"),
    ("caption_kk", "kk", gettext_lazy("Caption in Kazakh (optional)"), "rtl"),
    ("caption_en", "en", gettext_lazy("Caption in English (optional)"), "ltr"),
)


class PhotoForm(forms.Form):
    """The photo's content is checked by the service (one check for every upload of the platform)."""

    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        error_messages={"required": gettext_lazy("Choose a photo to upload.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, language, label, direction in CAPTION_FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                required=language == "zh-hans",
                max_length=services.MAX_CAPTION_LENGTH,
                widget=forms.TextInput(attrs={"lang": language, "dir": direction}),
            )
        self.fields["caption_zh_hans"].error_messages["required"] = _("Give the photo a caption in Chinese.")

    def captions(self) -> dict:
        return {language: self.cleaned_data.get(name, "") for name, language, _l, _d in CAPTION_FIELDS}


class OrderForm(forms.Form):
    """One position number for each photo of the venue."""

    def __init__(self, *args, photos, **kwargs):
        super().__init__(*args, **kwargs)
        for photo in photos:
            self.fields[f"position-{photo.pk}"] = forms.IntegerField(
                label=_("Position of the photo “%(caption)s”") % {"caption": photo.caption_text},
                min_value=1,
                max_value=999,
                initial=photo.position,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 3}),
            )

    def positions(self) -> dict[int, int]:
        return {int(name.split("-", 1)[1]): number for name, number in self.cleaned_data.items()}


class VenuePhotosView(PermissionRequiredMixin, TemplateView):
    """The photos of one venue, for those who manage it."""

    permission_required = "hall.manage"
    template_name = "hall/venue_staff_photos.html"

    def get_permission_object(self):
        if not hasattr(self, "venue"):
            self.venue = selectors.venue_get_for_photos(user=self.request.user, venue_id=self.kwargs["pk"])
            self.photos = list(self.venue.photos.all())
            for photo in self.photos:
                photo.caption_text = pick(photo.captions)
                photo.caption_list = [
                    (language, photo.captions[language])
                    for _name, language, _label, _direction in CAPTION_FIELDS
                    if photo.captions.get(language)
                ]
        return self.venue

    def get_context_data(self, **kwargs):
        venue = self.get_permission_object()
        order_form = kwargs.get("order_form") or OrderForm(photos=self.photos)
        for photo in self.photos:
            photo.position_field = order_form[f"position-{photo.pk}"]
        return {
            **super().get_context_data(**kwargs),
            "venue": venue,
            "photos": self.photos,
            "photo_form": kwargs.get("photo_form") or PhotoForm(),
            "order_form": order_form,
            "caption_fields": CAPTION_FIELDS,
            "max_photos": services.MAX_VENUE_PHOTOS,
        }

    def _page(self, status: int = 200, **forms_):
        response = self.render_to_response(self.get_context_data(**forms_), status=status)
        add_never_cache_headers(response)
        return response

    def get(self, request, *args, **kwargs):
        return self._page()

    def post(self, request, *args, **kwargs):
        venue = self.get_permission_object()
        if "remove" in request.POST:
            return self._remove(request, venue)
        if "order" in request.POST:
            return self._order(request, venue)
        return self._add(request, venue)

    def _add(self, request, venue):
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.venue_photo_add(
                    by=request.user, venue=venue, upload=form.cleaned_data["image"], captions=form.captions()
                )
            except ValidationError as error:
                add_service_errors(form, error, renamed={"captions": "caption_zh_hans"})
            else:
                messages.success(request, _("The photo is added."))
                return redirect("hall:staff-venue-photos", venue.pk)
        return self._page(status=400, photo_form=form)

    def _remove(self, request, venue):
        photos = {str(photo.pk): photo for photo in self.photos}
        photo = photos.get(request.POST.get("remove", ""))
        if photo is None:
            raise Http404
        services.venue_photo_remove(by=request.user, photo=photo)
        messages.success(request, _("The photo is removed."))
        return redirect("hall:staff-venue-photos", venue.pk)

    def _order(self, request, venue):
        form = OrderForm(request.POST, photos=self.photos)
        if form.is_valid():
            try:
                services.venue_photos_order(by=request.user, venue=venue, positions=form.positions())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The order of the photos is saved."))
                return redirect("hall:staff-venue-photos", venue.pk)
        return self._page(status=400, order_form=form)
