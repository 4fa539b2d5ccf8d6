"""Forms of the staff pages: only input parsing; the services do the checking."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    KIND_PLACES = "places"
    KIND_BOUNDARIES = "boundaries"

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            (KIND_PLACES, _("Places: the statistical code list (CSV)")),
            (KIND_BOUNDARIES, _("Boundaries: a GeoJSON FeatureCollection with a code on each feature")),
        ],
        widget=forms.RadioSelect,
        initial=KIND_PLACES,
    )
    file = forms.FileField(label=_("File"))
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[
            ("dry_run", _("Check only (write nothing)")),
            ("commit", _("Import (only if every row is valid)")),
        ],
        widget=forms.RadioSelect,
        initial="dry_run",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
