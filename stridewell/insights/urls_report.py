from django.urls import path

from stridewell.insights import views_report

app_name = "insights_report"

urlpatterns = [
    path("insights/report/", views_report.report_page, name="report"),
    path("insights/report.pdf", views_report.report_download, name="pdf"),
    path("insights/week/", views_report.week_page, name="week"),
    path("insights/week/card/", views_report.week_card, name="week_card"),
]
