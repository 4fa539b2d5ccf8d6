"""REST routes of matters under /api/v1/: the public list and representation, raising, following, evaluating,
categories, similar open matters, and the account's own matters."""

from django.urls import path

from huiketing.matters import api

urlpatterns = [
    path("matters/", api.MatterListApi.as_view(), name="api-matters"),
    path("matters/categories/", api.CategoryListApi.as_view(), name="api-matter-categories"),
    path("matters/similar/", api.SimilarApi.as_view(), name="api-matters-similar"),
    path("matters/<int:pk>/", api.MatterDetailApi.as_view(), name="api-matter"),
    path("matters/<int:pk>/follow/", api.MatterFollowApi.as_view(), name="api-matter-follow"),
    path("matters/<int:pk>/evaluate/", api.MatterEvaluateApi.as_view(), name="api-matter-evaluate"),
    path("me/matters/", api.MyMattersApi.as_view(), name="api-me-matters"),
]
