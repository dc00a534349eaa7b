from django.urls import path

from stridewell.steps import views

app_name = "steps"

urlpatterns = [
    path("steps/", views.home, name="home"),
    path("steps/start/", views.start, name="start"),
    path("steps/choose/", views.choose_step, name="choose"),
    path("steps/settings/", views.settings, name="settings"),
    path("steps/session/", views.session, name="session"),
]
