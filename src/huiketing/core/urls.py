from django.urls import path

from huiketing.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
]
