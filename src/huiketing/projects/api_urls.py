"""REST API of projects, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("projects/", api.ProjectListApi.as_view(), name="api-projects"),
    path("projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="api-project"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_id>/done/",
        api.MilestoneDoneApi.as_view(),
        name="api-project-milestone-done",
    ),
]
