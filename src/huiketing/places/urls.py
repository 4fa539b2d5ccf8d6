from django.urls import path

from huiketing.places import views

app_name = "places"
urlpatterns = [
    path("places/", views.PlaceIndexView.as_view(), name="index"),
    path("places/<str:code>/", views.PlaceDetailView.as_view(), name="detail"),
    path("staff/places/import/", views.PlaceImportView.as_view(), name="import"),
    path("staff/places/<str:code>/renumber/", views.GridRenumberView.as_view(), name="renumber"),
]
