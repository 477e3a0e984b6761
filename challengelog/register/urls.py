from django.urls import path

from challengelog.register import views

urlpatterns = [
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
