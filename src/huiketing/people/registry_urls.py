"""Routes of the registry's staff pages (included into the `people` namespace).

No personal number is ever part of a URL: the exact search by ID number or phone and the reveal are POSTs."""

from django.urls import path

from huiketing.people import registry_views as views

urlpatterns = [
    path("staff/registry/residents/", views.ResidentListView.as_view(), name="registry-residents"),
    path("staff/registry/residents/<int:pk>/", views.ResidentDetailView.as_view(), name="registry-resident"),
    path(
        "staff/registry/residents/<int:pk>/reveal/",
        views.ResidentRevealView.as_view(),
        name="registry-resident-reveal",
    ),
    path(
        "staff/registry/residents/<int:pk>/tags/",
        views.ResidentTagsView.as_view(),
        name="registry-resident-tags",
    ),
    path(
        "staff/registry/residents/<int:pk>/edit/",
        views.ResidentEditView.as_view(),
        name="registry-resident-edit",
    ),
    path(
        "staff/registry/residents/<int:pk>/move/",
        views.ResidentMoveView.as_view(),
        name="registry-resident-move",
    ),
    path(
        "staff/registry/residents/<int:pk>/status/",
        views.ResidentStatusView.as_view(),
        name="registry-resident-status",
    ),
    path(
        "staff/registry/residents/<int:pk>/consents/new/",
        views.ConsentRecordView.as_view(),
        name="registry-consent-new",
    ),
    path("staff/registry/households/", views.HouseholdListView.as_view(), name="registry-households"),
    path(
        "staff/registry/households/new/", views.HouseholdCreateView.as_view(), name="registry-household-new"
    ),
    path(
        "staff/registry/households/<int:pk>/", views.HouseholdDetailView.as_view(), name="registry-household"
    ),
    path(
        "staff/registry/households/<int:pk>/move/",
        views.HouseholdMoveView.as_view(),
        name="registry-household-move",
    ),
    path(
        "staff/registry/households/<int:pk>/residents/new/",
        views.ResidentCreateView.as_view(),
        name="registry-resident-new",
    ),
    path(
        "staff/registry/households/<int:pk>/visits/new/",
        views.VisitRecordView.as_view(),
        name="registry-visit-new",
    ),
    path(
        "staff/registry/households/<int:pk>/visits/follow-up-done/",
        views.VisitFollowUpDoneView.as_view(),
        name="registry-visit-done",
    ),
]
