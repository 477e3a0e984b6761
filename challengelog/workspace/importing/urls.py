"""Import in the browser, mounted at /staff/<slug>/import/: every view receives `slug`."""

from django.urls import path

from challengelog.workspace.importing import views

urlpatterns = [
    path("", views.upload, name="import-upload"),
    path("<str:token>/", views.preview, name="import-preview"),
    path("<str:token>/confirm/", views.confirm, name="import-confirm"),
    path("<str:token>/status/", views.status, name="import-status"),
]
