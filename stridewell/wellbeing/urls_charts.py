from django.urls import path

from stridewell.wellbeing import chart_views

app_name = "charts"

urlpatterns = [
    path("checkins/year/", chart_views.year_in_colours, name="year"),
    path("checkins/timeline/", chart_views.timeline_page, name="timeline"),
    path("checkins/timeline.json", chart_views.timeline_json, name="timeline_json"),
    path("questionnaires/trend/", chart_views.trend_page, name="trend"),
    path("questionnaires/trend.json", chart_views.trend_json, name="trend_json"),
]
