from django.urls import URLPattern, path

from stridewell.insights import views_experiments

app_name = "experiments"

urlpatterns: list[URLPattern] = [
    path("insights/experiment/", views_experiments.experiment_page, name="page"),
    path("insights/experiment/start/", views_experiments.experiment_start, name="start"),
    path("insights/experiment/stop/", views_experiments.experiment_stop, name="stop"),
]
