from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "huiketing.people"
    label = "people"
    verbose_name = _("People and access")

    def ready(self) -> None:
        from huiketing.core.fields import HashedField, search_hash_register
        from huiketing.people.services import id_number_hash, phone_hash
        from huiketing.places.services import place_code_reference_register

        # Renumbering a grid rewrites the codes that registry records carry.
        for model_label in ("people.Household", "people.Resident", "people.Visit"):
            place_code_reference_register(model_label=model_label, field_name="place_code")
        # The encrypted fields found by exact search, for `fields_reencrypt --rehash`.
        search_hash_register(
            HashedField("people.Resident", "id_number", "id_number_hash", id_number_hash, None)
        )
        search_hash_register(HashedField("people.Resident", "phone", "phone_hash", phone_hash, ""))
