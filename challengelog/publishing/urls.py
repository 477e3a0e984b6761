from django.urls import path

from challengelog.publishing import views

public = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("<slug:slug>/log/download.<str:fmt>", views.download, name="log-download"),
]
staff = [
    path("staff/<slug:slug>/publishing/", views.publishing_home, name="publishing-home"),
    path("staff/<slug:slug>/publishing/publish/", views.publish, name="publishing-publish"),
    path("staff/<slug:slug>/publishing/names/", views.review_name, name="publishing-name"),
]
urlpatterns = public + staff
