from django.urls import include, path

from huiketing.people import views

app_name = "people"
urlpatterns = [
    path("account/", views.AccountView.as_view(), name="account"),
    # The registry's areas keep their routes apart: staff pages, spreadsheet import/export, resident sign-up.
    path("", include("huiketing.people.registry_urls")),
    path("", include("huiketing.people.imports_urls")),
    path("", include("huiketing.people.signup_urls")),
]
