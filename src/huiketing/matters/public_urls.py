"""Routes of the public and residents' pages of matters (included into the `matters` namespace)."""

from django.urls import path

from huiketing.matters import views

urlpatterns = [
    path("matters/", views.MatterListView.as_view(), name="list"),
    path("matters/new/", views.MatterRaiseView.as_view(), name="new"),
    path("matters/mine/", views.MyMattersView.as_view(), name="mine"),
    path("matters/similar/", views.SimilarView.as_view(), name="similar"),
    path("matters/photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("matters/<int:pk>/", views.MatterDetailView.as_view(), name="detail"),
    path("matters/<int:pk>/follow/", views.FollowView.as_view(), name="follow"),
    path("matters/<int:pk>/unfollow/", views.UnfollowView.as_view(), name="unfollow"),
    path("matters/<int:pk>/evaluate/", views.EvaluateView.as_view(), name="evaluate"),
]
