from django.urls import path

from challengelog.publishing import views

public = [
    # The service's own pages come first: no partnership's slug can take their place.
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path(
        "<slug:slug>/accessibility/",
        views.partnership_accessibility,
        name="partnership-accessibility",
    ),
    path("<slug:slug>/privacy/", views.partnership_privacy, name="partnership-privacy"),
    path("<slug:slug>/cookies/", views.partnership_cookies, name="partnership-cookies"),
    path("<slug:slug>/log/download.<str:fmt>", views.download, name="log-download"),
]
staff = [
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
urlpatterns = public + staff
