from django.urls import path

from challengelog.register import views

urlpatterns = [
    path("log/", views.log_index, name="log-index"),
    path("<slug:slug>/log/", views.log, name="log"),
]
