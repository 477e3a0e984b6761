from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from challengelog.api import actions, pages, views, writes

p = "api/partnerships/<slug:slug>/"

urlpatterns = [
    path("api/", views.Index.as_view(), name="api-index"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(p + "published/", views.PublishedList.as_view(), name="api-published"),
    path(p + "published/<str:reference>/", views.PublishedDetail.as_view()),
    path(p + "challenges/", writes.Raise.as_view(), name="api-challenges"),
    path(p + "challenges/<str:reference>/", writes.Change.as_view()),
    path(p + "challenges/<str:reference>/progress/", writes.Progress.as_view()),
    path(p + "challenges/<str:reference>/responses/", writes.Respond.as_view()),
    path(p + "challenges/<str:reference>/actions/", actions.AddAction.as_view()),
    path(p + "actions/", actions.ActionList.as_view(), name="api-actions"),
    path(p + "actions/<int:pk>/", actions.ActionDetail.as_view()),
    path(p + "agencies/", views.Agencies.as_view()),
    path(p + "forums/", views.Forums.as_view()),
    re_path(r"^api/.*$", views.not_found),
    path("account/tokens/", pages.my_tokens, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke/", pages.revoke_mine, name="api-token-revoke"),
    path("staff/<slug:slug>/tokens/", pages.partnership_tokens, name="api-partnership-tokens"),
]
