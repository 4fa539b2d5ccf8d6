from django.urls import path

from huiketing.people import views

app_name = "people"
urlpatterns = [
    path("account/", views.AccountView.as_view(), name="account"),
]
