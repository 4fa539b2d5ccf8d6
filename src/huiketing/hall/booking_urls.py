"""Pages of bookings (included by hall/urls.py)."""

from django.urls import path

from . import booking_views as views

urlpatterns = [
    path("bookings/", views.BookingListView.as_view(), name="booking-list"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("services/<int:item>/book/", views.ItemBookView.as_view(), name="item-book"),
    path("rooms/<int:zone>/book/", views.RoomBookView.as_view(), name="room-book"),
    path("staff/bookings/", views.StaffBookingsView.as_view(), name="staff-bookings"),
]
