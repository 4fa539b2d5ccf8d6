from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "huiketing.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from huiketing.places.services import place_code_reference_register

        from . import rules  # noqa: F401  (registers the permissions)

        place_code_reference_register(model_label="projects.Project", field_name="place_code")

        # Points earned by taking part in a project link to the project's page on the ledger.
        from django.urls import reverse

        from huiketing.points.selectors import source_link_register

        source_link_register(
            "projects.project", lambda source_id: reverse("projects:detail", args=[int(source_id)])
        )
