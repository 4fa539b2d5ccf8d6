"""REST routes of the residents registry (included under /api/v1/)."""

from django.urls import path

from huiketing.people import registry_api as api

urlpatterns = [
    path("residents/", api.ResidentListApi.as_view(), name="api-registry-residents"),
    path("residents/search/", api.ResidentSearchApi.as_view(), name="api-registry-resident-search"),
    path("residents/<int:pk>/", api.ResidentDetailApi.as_view(), name="api-registry-resident"),
    path("residents/<int:pk>/reveal/", api.ResidentRevealApi.as_view(), name="api-registry-resident-reveal"),
    path("households/", api.HouseholdListApi.as_view(), name="api-registry-households"),
    path("households/<int:pk>/", api.HouseholdDetailApi.as_view(), name="api-registry-household"),
    path(
        "households/<int:pk>/visits/",
        api.HouseholdVisitCreateApi.as_view(),
        name="api-registry-household-visits",
    ),
]
