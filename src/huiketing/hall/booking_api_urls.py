"""REST routes of bookings under /api/v1/."""

from django.urls import path

from huiketing.hall import booking_api as api

urlpatterns = [
    path("slots/", api.SlotListApi.as_view(), name="api-slots"),
    path("bookings/", api.BookingListApi.as_view(), name="api-bookings"),
    path("bookings/<int:pk>/cancel/", api.BookingCancelApi.as_view(), name="api-booking-cancel"),
]
