"""Routes of the staff pages of matters (included into the `matters` namespace by matters/urls.py)."""

from django.urls import path

from huiketing.matters import staff_views as views

urlpatterns = [
    path("staff/matters/", views.MatterListView.as_view(), name="staff-list"),
    path("staff/matters/triage/", views.TriageBoardView.as_view(), name="staff-triage"),
    path("staff/matters/inbox/", views.InboxView.as_view(), name="staff-inbox"),
    path("staff/matters/export.xlsx", views.ExportView.as_view(), name="staff-export"),
    path("staff/matters/photos/<int:pk>/", views.StaffPhotoView.as_view(), name="staff-photo"),
    path("staff/matters/<int:pk>/", views.MatterDetailView.as_view(), name="staff-detail"),
    # Triage (community staff and above), each a POST from the matter's page.
    path("staff/matters/<int:pk>/accept/", views.AcceptView.as_view(), name="staff-accept"),
    path("staff/matters/<int:pk>/reject/", views.RejectView.as_view(), name="staff-reject"),
    path("staff/matters/<int:pk>/table/", views.TableView.as_view(), name="staff-table"),
    path("staff/matters/<int:pk>/untable/", views.UntableView.as_view(), name="staff-untable"),
    path("staff/matters/<int:pk>/merge/", views.MergeView.as_view(), name="staff-merge"),
    path("staff/matters/<int:pk>/dispatch/", views.DispatchView.as_view(), name="staff-dispatch"),
    path(
        "staff/matters/<int:pk>/handle-directly/",
        views.HandleDirectlyView.as_view(),
        name="staff-handle-directly",
    ),
    path("staff/matters/<int:pk>/update/", views.UpdateView.as_view(), name="staff-update"),
    path("staff/matters/<int:pk>/complete/", views.CompleteView.as_view(), name="staff-complete"),
    path("staff/matters/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="staff-follow-up"),
    path("staff/matters/<int:pk>/follow/", views.FollowView.as_view(), name="staff-follow"),
    path(
        "staff/matters/<int:pk>/extensions/<int:extension_id>/decide/",
        views.ExtensionDecideView.as_view(),
        name="staff-extension-decide",
    ),
    # A handling unit on its own dispatch.
    path(
        "staff/matters/<int:pk>/dispatches/<int:dispatch_id>/sign/",
        views.SignView.as_view(),
        name="staff-dispatch-sign",
    ),
    path(
        "staff/matters/<int:pk>/dispatches/<int:dispatch_id>/return/",
        views.ReturnView.as_view(),
        name="staff-dispatch-return",
    ),
    path(
        "staff/matters/<int:pk>/dispatches/<int:dispatch_id>/extend/",
        views.ExtendView.as_view(),
        name="staff-dispatch-extend",
    ),
    path(
        "staff/matters/<int:pk>/dispatches/<int:dispatch_id>/update/",
        views.DispatchUpdateView.as_view(),
        name="staff-dispatch-update",
    ),
    path(
        "staff/matters/<int:pk>/dispatches/<int:dispatch_id>/done/",
        views.DispatchDoneView.as_view(),
        name="staff-dispatch-done",
    ),
]
