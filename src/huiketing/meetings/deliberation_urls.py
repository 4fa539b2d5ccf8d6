"""Routes of the residents' deliberation (included into the `meetings` namespace by meetings/urls.py)."""

from django.urls import path

from huiketing.meetings import deliberation_views as views

urlpatterns = [
    path("deliberation/", views.TopicListView.as_view(), name="topic-list"),
    path("deliberation/<int:pk>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("deliberation/<int:pk>/comment/", views.CommentPostView.as_view(), name="topic-comment"),
    path("deliberation/<int:pk>/support/", views.SupportView.as_view(), name="topic-support"),
    path("deliberation/<int:pk>/unsupport/", views.UnsupportView.as_view(), name="topic-unsupport"),
    path("deliberation/comments/<int:pk>/report/", views.CommentReportView.as_view(), name="comment-report"),
    # Staff: topics of their places, the form, a tabled matter's deliberation, moderation.
    path("staff/deliberation/", views.StaffTopicListView.as_view(), name="staff-topic-list"),
    path("staff/deliberation/new/", views.StaffTopicCreateView.as_view(), name="staff-topic-new"),
    path("staff/deliberation/reports/", views.ModerationQueueView.as_view(), name="staff-reports"),
    path(
        "staff/deliberation/from-matter/<int:pk>/",
        views.StaffTopicFromMatterView.as_view(),
        name="staff-topic-from-matter",
    ),
    path("staff/deliberation/<int:pk>/", views.StaffTopicEditView.as_view(), name="staff-topic-edit"),
    path("staff/deliberation/<int:pk>/open/", views.StaffTopicOpenView.as_view(), name="staff-topic-open"),
    path(
        "staff/deliberation/<int:pk>/withdraw/",
        views.StaffTopicWithdrawView.as_view(),
        name="staff-topic-withdraw",
    ),
    path(
        "staff/deliberation/comments/<int:pk>/hide/",
        views.CommentHideView.as_view(),
        name="staff-comment-hide",
    ),
    path(
        "staff/deliberation/comments/<int:pk>/unhide/",
        views.CommentUnhideView.as_view(),
        name="staff-comment-unhide",
    ),
    path(
        "staff/deliberation/comments/<int:pk>/keep/",
        views.CommentKeepView.as_view(),
        name="staff-comment-keep",
    ),
]
