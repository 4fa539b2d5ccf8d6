"""REST routes of events, courses, festivals and package booking under /api/v1/."""

from django.urls import path

from huiketing.hall import event_api, package_api

urlpatterns = [
    path("events/", event_api.EventListApi.as_view(), name="api-events"),
    path("events/<int:pk>/", event_api.EventDetailApi.as_view(), name="api-event"),
    path("events/<int:pk>/register/", event_api.EventRegisterApi.as_view(), name="api-event-register"),
    path("events/<int:pk>/unregister/", event_api.EventUnregisterApi.as_view(), name="api-event-unregister"),
    path("event-series/<int:pk>/", event_api.SeriesDetailApi.as_view(), name="api-event-series"),
    path("festivals/", event_api.FestivalListApi.as_view(), name="api-festivals"),
    path("packages/<int:pk>/times/", package_api.PackageTimesApi.as_view(), name="api-package-times"),
    path("packages/<int:pk>/book/", package_api.PackageBookApi.as_view(), name="api-package-book"),
]
