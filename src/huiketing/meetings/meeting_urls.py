"""Routes of meetings (与会决策), included into the `meetings` namespace by meetings/urls.py: the public and
residents' pages, the decisions board, and the staff pages."""

from django.urls import path

from huiketing.meetings import meeting_views as views

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/mine/", views.MyMeetingsView.as_view(), name="meeting-mine"),
    path("meetings/check-in/<str:token>/", views.CheckInView.as_view(), name="meeting-check-in"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/register/", views.MeetingRegisterView.as_view(), name="meeting-register"),
    path("decisions/", views.DecisionsView.as_view(), name="decisions"),
    path("decisions/print/", views.DecisionsPrintView.as_view(), name="decisions-print"),
    path("decisions/<int:pk>/object/", views.ObjectionView.as_view(), name="decision-object"),
    # Staff.
    path("staff/meetings/", views.StaffListView.as_view(), name="staff-meeting-list"),
    path("staff/meetings/new/", views.StaffCreateView.as_view(), name="staff-meeting-new"),
    path("staff/meetings/<int:pk>/", views.StaffDetailView.as_view(), name="staff-meeting-detail"),
    path("staff/meetings/<int:pk>/edit/", views.StaffEditView.as_view(), name="staff-meeting-edit"),
    path("staff/meetings/<int:pk>/door/", views.DoorView.as_view(), name="staff-meeting-door"),
    path(
        "staff/meetings/<int:pk>/attendance/<int:participant_id>/",
        views.AttendanceView.as_view(),
        name="staff-meeting-attendance",
    ),
    path("staff/meetings/<int:pk>/open/", views.OpenView.as_view(), name="staff-meeting-open"),
    path("staff/meetings/<int:pk>/close/", views.CloseView.as_view(), name="staff-meeting-close"),
    path("staff/meetings/<int:pk>/cancel/", views.CancelView.as_view(), name="staff-meeting-cancel"),
    path("staff/meetings/<int:pk>/invite/", views.InviteView.as_view(), name="staff-meeting-invite"),
    path(
        "staff/meetings/<int:pk>/invite/residents/",
        views.InviteResidentsView.as_view(),
        name="staff-meeting-invite-residents",
    ),
    path(
        "staff/meetings/<int:pk>/invite/organisations/",
        views.InviteOrganisationsView.as_view(),
        name="staff-meeting-invite-organisations",
    ),
    path(
        "staff/meetings/<int:pk>/invite/accounts/",
        views.InviteAccountsView.as_view(),
        name="staff-meeting-invite-accounts",
    ),
    path(
        "staff/meetings/<int:pk>/participants/<int:participant_id>/remove/",
        views.ParticipantRemoveView.as_view(),
        name="staff-meeting-participant-remove",
    ),
    path("staff/meetings/<int:pk>/items/new/", views.ItemAddView.as_view(), name="staff-meeting-item-add"),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/edit/",
        views.ItemEditView.as_view(),
        name="staff-meeting-item-edit",
    ),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/move/",
        views.ItemMoveView.as_view(),
        name="staff-meeting-item-move",
    ),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/remove/",
        views.ItemRemoveView.as_view(),
        name="staff-meeting-item-remove",
    ),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/summary/",
        views.ItemSummaryView.as_view(),
        name="staff-meeting-item-summary",
    ),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/decide/",
        views.ItemDecideView.as_view(),
        name="staff-meeting-item-decide",
    ),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/resolve/",
        views.ItemResolveView.as_view(),
        name="staff-meeting-item-resolve",
    ),
    path(
        "staff/meetings/<int:pk>/items/<int:item_id>/objections/<int:objection_id>/answer/",
        views.ObjectionAnswerView.as_view(),
        name="staff-meeting-objection-answer",
    ),
]
