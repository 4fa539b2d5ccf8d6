from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "huiketing.demo"
    label = "demo"
    verbose_name = _("Altay demo")

    def ready(self):
        from huiketing.demo import hall, loader, matters, meetings, registry

        if registry.registry_generate not in loader.SCALED_GENERATORS:
            loader.SCALED_GENERATORS.append(registry.registry_generate)
        # A year of matters, raised by the registry's residents: after the registry.
        if matters.matters_generate not in loader.SCALED_GENERATORS:
            loader.SCALED_GENERATORS.append(matters.matters_generate)
        # A year of meetings, taking up the matters tabled for deliberation: after the matters.
        if meetings.meetings_generate not in loader.SCALED_GENERATORS:
            loader.SCALED_GENERATORS.append(meetings.meetings_generate)
        # The living rooms: their catalogue, the coming weeks' slots and events, and a month of visits.
        if hall.hall_generate not in loader.SCALED_GENERATORS:
            loader.SCALED_GENERATORS.append(hall.hall_generate)
