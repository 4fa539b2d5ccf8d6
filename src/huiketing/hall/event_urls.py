"""Routes of events, courses and calendars, included into the `hall` namespace by hall/urls.py."""

from django.urls import path

from huiketing.hall import event_views as views

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/register/", views.EventRegisterView.as_view(), name="event-register"),
    path("events/<int:pk>/unregister/", views.EventUnregisterView.as_view(), name="event-unregister"),
    path("events/<int:pk>/perform/", views.PerformerSignUpView.as_view(), name="event-perform"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("calendars/venues/<int:pk>.ics", views.VenueFeedView.as_view(), name="calendar-venue"),
    path("calendars/series/<int:pk>.ics", views.SeriesFeedView.as_view(), name="calendar-series"),
    path("calendars/festivals.ics", views.FestivalsFeedView.as_view(), name="calendar-festivals"),
    path("staff/events/", views.StaffEventListView.as_view(), name="staff-event-list"),
    path("staff/events/new/", views.StaffEventCreateView.as_view(), name="staff-event-new"),
]
