from django.urls import path

from challengelog.workspace.insights import views

urlpatterns = [
    path("staff/<slug:slug>/dashboard/", views.dashboard, name="insights-dashboard"),
    path("staff/<slug:slug>/report/", views.report_page, name="insights-report"),
    path(
        "staff/<slug:slug>/report.<str:fmt>",
        views.report_download,
        name="insights-report-download",
    ),
    path(
        "staff/<slug:slug>/log/<str:reference>/themes/",
        views.challenge_themes,
        name="staff-themes",
    ),
]
