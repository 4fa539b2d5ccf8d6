"""Routes of minutes (included into the `meetings` namespace): the public minutes, their print layout and PDF,
and the staff page with its actions."""

from django.urls import path

from huiketing.meetings import minutes_views as views

urlpatterns = [
    path("meetings/<int:pk>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("meetings/<int:pk>/minutes/print/", views.MinutesPrintView.as_view(), name="minutes-print"),
    path("meetings/<int:pk>/minutes.pdf", views.MinutesPdfView.as_view(), name="minutes-pdf"),
    path("staff/meetings/<int:pk>/minutes/", views.StaffMinutesView.as_view(), name="staff-minutes"),
    path(
        "staff/meetings/<int:pk>/minutes/generate/",
        views.MinutesGenerateView.as_view(),
        name="staff-minutes-generate",
    ),
    path("staff/meetings/<int:pk>/minutes/save/", views.MinutesSaveView.as_view(), name="staff-minutes-save"),
    path(
        "staff/meetings/<int:pk>/minutes/publish/",
        views.MinutesPublishView.as_view(),
        name="staff-minutes-publish",
    ),
    path(
        "staff/meetings/<int:pk>/minutes/unpublish/",
        views.MinutesUnpublishView.as_view(),
        name="staff-minutes-unpublish",
    ),
]
