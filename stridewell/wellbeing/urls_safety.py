from django.urls import URLPattern, path

from stridewell.wellbeing import safety_views

app_name = "safety"

urlpatterns: list[URLPattern] = [
    path("safety-plan/", safety_views.safety_plan, name="plan"),
]
