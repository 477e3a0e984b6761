from django.urls import path

from challengelog.workspace.publishing import views

urlpatterns = [
    path("staff/<slug:slug>/publishing/", views.publishing_home, name="publishing-home"),
    path("staff/<slug:slug>/publishing/publish/", views.publish, name="publishing-publish"),
    path("staff/<slug:slug>/publishing/names/", views.review_name, name="publishing-name"),
    path(
        "staff/<slug:slug>/publishing/settings/",
        views.publishing_settings,
        name="publishing-settings",
    ),
    path(
        "staff/<slug:slug>/publishing/approve-page/",
        views.approve_page,
        name="publishing-approve-page",
    ),
    path(
        "staff/<slug:slug>/publishing/review/<str:reference>/",
        views.decide,
        name="publishing-decide",
    ),
    path(
        "staff/<slug:slug>/publishing/review/<str:reference>/wording/",
        views.wording,
        name="publishing-wording",
    ),
    path(
        "staff/<slug:slug>/publishing/site-information/",
        views.edit_site_information,
        name="publishing-site-information",
    ),
]
