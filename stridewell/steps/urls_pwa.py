"""/steps/sw.js and /steps/manifest.webmanifest: served under /steps/ for the worker's scope."""

from django.urls import path

from stridewell.steps import pwa

app_name = "steps_pwa"

urlpatterns = [
    path("steps/sw.js", pwa.service_worker, name="sw"),
    path("steps/manifest.webmanifest", pwa.manifest, name="manifest"),
]
