from django.urls import path

from huiketing.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", views.AuditExportView.as_view(), name="audit-export"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit-detail"),
]
