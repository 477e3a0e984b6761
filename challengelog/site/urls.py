from django.urls import path

from challengelog.site import downloads, pages, summary, views

urlpatterns = [
    # The service's own pages come first: no partnership's slug can take their place.
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path(
        "<slug:slug>/accessibility/",
        pages.partnership_accessibility,
        name="partnership-accessibility",
    ),
    path("<slug:slug>/privacy/", pages.partnership_privacy, name="partnership-privacy"),
    path("<slug:slug>/cookies/", pages.partnership_cookies, name="partnership-cookies"),
    path("<slug:slug>/log/download.<str:fmt>", downloads.download, name="log-download"),
    path("<slug:slug>/log/summary/", summary.summary, name="log-summary"),
    path("log/", views.log_index, name="log-index"),
    path("<slug:slug>/log/", views.log, name="log"),
]
# The lists of agencies, meetings and raisers come before a challenge's own page, so their
# names are never read as a reference.
for kind in views.ENTRY_KINDS:
    urlpatterns += [
        path(f"<slug:slug>/log/{kind}/", views.entries, {"kind": kind}, name=f"entries-{kind}"),
        path(
            f"<slug:slug>/log/{kind}/<slug:entry_slug>/",
            views.entry,
            {"kind": kind},
            name=f"entry-{kind}",
        ),
    ]
urlpatterns.append(path("<slug:slug>/log/<str:reference>/", views.challenge, name="challenge"))
