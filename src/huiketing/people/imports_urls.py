"""Routes of the registry's spreadsheet pages (included into the `people` namespace). Uploaded files are
never reachable by URL: they live under MEDIA_ROOT/imports/ and only the jobs read them."""

from django.urls import path

from huiketing.people import import_views as views

urlpatterns = [
    path("staff/registry/import/", views.ImportUploadView.as_view(), name="registry-import"),
    path(
        "staff/registry/import/template.xlsx",
        views.ImportTemplateView.as_view(),
        name="registry-import-template",
    ),
    path("staff/registry/import/<int:pk>/", views.ImportJobView.as_view(), name="registry-import-job"),
    path(
        "staff/registry/import/<int:pk>/commit/",
        views.ImportCommitView.as_view(),
        name="registry-import-commit",
    ),
    path("staff/registry/export/", views.ExportPageView.as_view(), name="registry-export-page"),
    path("staff/registry/export.xlsx", views.ExportView.as_view(), name="registry-export"),
]
