from django.urls import path

from huiketing.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", views.AuditExportView.as_view(), name="audit-export"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit-detail"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications-read"),
]
