"""The reference lists, under /staff/<slug>/lists/: every pattern takes the `slug` of the
partnership from the prefix."""

from django.urls import path, re_path

from challengelog.workspace.lists import views

ENTRY = r"^(?P<kind>agencies|meetings|raised-by)/(?P<entry_slug>[-a-zA-Z0-9_]+)/"

urlpatterns = [
    path("", views.home, name="lists-home"),
    path("review/", views.review, name="lists-review"),
    re_path(ENTRY + r"$", views.entry, name="lists-entry"),
    re_path(ENTRY + r"rename/$", views.rename, name="lists-rename"),
    re_path(ENTRY + r"merge/$", views.merge, name="lists-merge"),
    re_path(ENTRY + r"retire/$", views.retire, name="lists-retire"),
    re_path(ENTRY + r"member/$", views.member, name="lists-member"),
    re_path(ENTRY + r"succession/$", views.succession, name="lists-succession"),
]
