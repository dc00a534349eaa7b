from django.urls import path

from stridewell.wellbeing import history_views

app_name = "history"

urlpatterns = [
    path("checkins/import/", history_views.upload, name="import"),
    path("checkins/import/moods/", history_views.mood_map, name="map"),
    path("checkins/import/done/", history_views.done, name="done"),
]
