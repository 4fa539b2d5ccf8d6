"""REST routes of the residents' deliberation under /api/v1/: topics, their comments and supports, reports."""

from django.urls import path

from huiketing.meetings import deliberation_api as api

urlpatterns = [
    path("topics/", api.TopicListApi.as_view(), name="api-topics"),
    path("topics/<int:pk>/", api.TopicDetailApi.as_view(), name="api-topic"),
    path("topics/<int:pk>/comments/", api.TopicCommentsApi.as_view(), name="api-topic-comments"),
    path("topics/<int:pk>/support/", api.TopicSupportApi.as_view(), name="api-topic-support"),
    path("comments/<int:pk>/report/", api.CommentReportApi.as_view(), name="api-comment-report"),
]
