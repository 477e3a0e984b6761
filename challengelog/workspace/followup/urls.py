from django.urls import path

from challengelog.workspace.followup import views

staff = "staff/<slug:slug>/"
challenge = staff + "log/<str:reference>/"

urlpatterns = [
    path("account/notices/", views.notice_settings, name="notice-settings"),
    path(staff + "meetings/", views.meetings, name="followup-meetings"),
    path(staff + "meetings/<int:pk>/", views.meeting, name="followup-meeting"),
    path(staff + "meetings/<int:pk>/edit/", views.meeting_edit, name="followup-meeting-edit"),
    path(staff + "meetings/<int:pk>/outcomes/", views.outcomes, name="followup-outcomes"),
    path(
        staff + "meetings/<int:pk>/papers.<str:fmt>",
        views.meeting_download,
        name="followup-papers-download",
    ),
    path(staff + "follow-up/", views.followup_settings, name="followup-settings"),
    path(challenge + "escalate/", views.escalate, name="followup-escalate"),
    path(challenge + "letter/", views.letter, name="followup-letter"),
    path(challenge + "letter.<str:fmt>", views.letter_download, name="followup-letter-download"),
]
