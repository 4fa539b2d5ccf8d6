"""Staff routes of events, courses and festivals, included into the `hall` namespace by hall/urls.py."""

from django.urls import path

from huiketing.hall import event_staff_views as views

urlpatterns = [
    path("staff/events/<int:pk>/", views.StaffEventDetailView.as_view(), name="staff-event-detail"),
    path(
        "staff/events/<int:pk>/programme/", views.StaffProgrammeView.as_view(), name="staff-event-programme"
    ),
    path("staff/events/<int:pk>/gallery/", views.StaffGalleryView.as_view(), name="staff-event-gallery"),
    path(
        "staff/events/<int:pk>/attendance/",
        views.StaffAttendanceView.as_view(),
        name="staff-event-attendance",
    ),
    path("staff/courses/new/", views.StaffCourseCreateView.as_view(), name="staff-course-new"),
    path("staff/courses/<int:pk>/", views.StaffSeriesDetailView.as_view(), name="staff-series-detail"),
    path(
        "staff/festival-series/new/",
        views.StaffFestivalSeriesCreateView.as_view(),
        name="staff-festival-series-new",
    ),
    path("staff/festivals/", views.StaffFestivalListView.as_view(), name="staff-festival-list"),
    path("staff/festivals/new/", views.StaffFestivalCreateView.as_view(), name="staff-festival-new"),
    path(
        "staff/festivals/<int:pk>/active/",
        views.StaffFestivalActiveView.as_view(),
        name="staff-festival-active",
    ),
]
