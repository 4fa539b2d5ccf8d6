"""Routes of projects: the public pages and the staff pages (namespace `projects`)."""

from django.urls import path

from . import staff_views, views

app_name = "projects"


def _transition(action: str):
    return path(
        f"staff/projects/<int:pk>/{action}/",
        staff_views.TransitionView.as_view(action=action),
        name=f"staff-{action}",
    )


urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("staff/projects/", staff_views.ProjectListView.as_view(), name="staff-list"),
    path("staff/projects/new/", staff_views.ProjectCreateView.as_view(), name="staff-new"),
    path("staff/projects/export.xlsx", staff_views.ExportView.as_view(), name="staff-export"),
    path("staff/projects/<int:pk>/", staff_views.ProjectDetailView.as_view(), name="staff-detail"),
    path("staff/projects/<int:pk>/edit/", staff_views.ProjectEditView.as_view(), name="staff-edit"),
    path(
        "staff/projects/<int:pk>/participants/",
        staff_views.ParticipantsView.as_view(),
        name="staff-participants",
    ),
    *[_transition(action) for action in ("start", "suspend", "resume", "finish", "cancel")],
    path(
        "staff/projects/<int:pk>/milestones/add/",
        staff_views.MilestoneAddView.as_view(),
        name="staff-milestone-add",
    ),
    path(
        "staff/projects/<int:pk>/milestones/<int:milestone_id>/edit/",
        staff_views.MilestoneEditView.as_view(),
        name="staff-milestone-edit",
    ),
    path(
        "staff/projects/<int:pk>/milestones/<int:milestone_id>/remove/",
        staff_views.MilestoneRemoveView.as_view(),
        name="staff-milestone-remove",
    ),
    path(
        "staff/projects/<int:pk>/milestones/<int:milestone_id>/move/",
        staff_views.MilestoneMoveView.as_view(),
        name="staff-milestone-move",
    ),
    path(
        "staff/projects/<int:pk>/milestones/<int:milestone_id>/done/",
        staff_views.MilestoneDoneView.as_view(),
        name="staff-milestone-done",
    ),
    path(
        "staff/projects/<int:pk>/milestones/<int:milestone_id>/undo/",
        staff_views.MilestoneUndoView.as_view(),
        name="staff-milestone-undo",
    ),
    path("staff/projects/<int:pk>/parties/add/", staff_views.PartyAddView.as_view(), name="staff-party-add"),
    path(
        "staff/projects/<int:pk>/parties/<int:party_id>/remove/",
        staff_views.PartyRemoveView.as_view(),
        name="staff-party-remove",
    ),
    path("staff/projects/<int:pk>/photos/add/", staff_views.PhotoAddView.as_view(), name="staff-photo-add"),
    path(
        "staff/projects/<int:pk>/photos/<int:photo_id>/remove/",
        staff_views.PhotoRemoveView.as_view(),
        name="staff-photo-remove",
    ),
]
