from django.urls import include, path

from challengelog.workspace import views

challenge = "staff/<slug:slug>/log/<str:reference>/"

urlpatterns = [
    path("", include("challengelog.workspace.publishing.urls")),
    path("", include("challengelog.workspace.insights.urls")),
    path("", include("challengelog.workspace.followup.urls")),
    path("work/", views.my_work, name="my-work"),
    path("staff/<slug:slug>/log/", views.staff_log, name="staff-log"),
    path("staff/<slug:slug>/raise/", views.raise_challenge, name="staff-raise"),
    path("staff/<slug:slug>/export.<str:fmt>", views.staff_export, name="staff-export"),
    path("staff/<slug:slug>/audit/", views.audit, name="staff-audit"),
    path("staff/<slug:slug>/people/", views.person_search, name="staff-person-search"),
    path("staff/<slug:slug>/records/", views.records, name="staff-records"),
    path("staff/<slug:slug>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("staff/<slug:slug>/lists/", include("challengelog.workspace.lists.urls")),
    path("staff/<slug:slug>/import/", include("challengelog.workspace.importing.urls")),
    path(challenge, views.staff_challenge, name="staff-challenge"),
    path(challenge + "edit/", views.edit_challenge, name="staff-edit"),
    path(challenge + "progress/", views.record_progress, name="staff-progress"),
    path(challenge + "respond/", views.respond, name="staff-respond"),
    path(challenge + "assure/", views.assure, name="staff-assure"),
    path(challenge + "close/", views.close, name="staff-close"),
    path(challenge + "reopen/", views.reopen, name="staff-reopen"),
    path(challenge + "history/", views.history, name="staff-history"),
    path(challenge + "viewed/", views.viewed, name="staff-viewed"),
    path(challenge + "actions/add/", views.add_action, name="staff-action-add"),
    path(
        challenge + "actions/<int:action_id>/done/", views.complete_action, name="staff-action-done"
    ),
]
