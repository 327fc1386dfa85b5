"""Report workflow endpoints, addressed by tracking code: the reporter's actions
(citizen_views, with the receipt secret) and staff's (workflow_views)."""

from django.urls import path

from api.reports import citizen_views, publication_views
from api.reports import workflow_views as views

urlpatterns = [
    path(
        "track/<str:code>/rating",
        citizen_views.ReportRateApi.as_view(),
        name="report-rating",
    ),
    path(
        "track/<str:code>/info",
        citizen_views.ReportInfoApi.as_view(),
        name="report-info",
    ),
    path(
        "<str:code>/transitions",
        views.ReportTransitionApi.as_view(),
        name="report-transitions",
    ),
    path("<str:code>/events", views.ReportEventListApi.as_view(), name="report-events"),
    path(
        "<str:code>/comments", views.ReportCommentApi.as_view(), name="report-comments"
    ),
    path(
        "<str:code>/reassign", views.ReportReassignApi.as_view(), name="report-reassign"
    ),
    path(
        "<str:code>/location", views.ReportLocationApi.as_view(), name="report-location"
    ),
    path(
        "<str:code>/category", views.ReportCategoryApi.as_view(), name="report-category"
    ),
    path("<str:code>/merge", views.ReportMergeApi.as_view(), name="report-merge"),
    path(
        "<str:code>/publication",
        publication_views.ReportPublicationApi.as_view(),
        name="report-publication",
    ),
]
