from django.contrib import admin
from django.urls import include, path

from stridewell.api import api
from stridewell.runs import views as run_views

urlpatterns = [
    path("", run_views.home, name="home"),
    path("", include("stridewell.runs.urls")),
    path("", include("stridewell.accounts.urls")),
    # Fixed paths (/questionnaires/trend/, /checkins/import/) before the patterns that would catch them.
    path("", include("stridewell.wellbeing.urls_charts")),
    path("", include("stridewell.wellbeing.urls_history")),
    path("", include("stridewell.wellbeing.urls_safety")),
    path("", include("stridewell.wellbeing.urls")),
    path("", include("stridewell.insights.urls")),
    path("", include("stridewell.insights.urls_experiments")),
    path("", include("stridewell.insights.urls_report")),
    path("", include("stridewell.community.urls_groups")),
    path("", include("stridewell.community.urls_stories")),
    path("", include("stridewell.community.urls_people")),
    path("", include("stridewell.steps.urls_pwa")),
    path("", include("stridewell.steps.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# The database or Redis away (a restart): a calm 503 page, not a server error.
handler500 = "stridewell.lib.unavailable.server_error"
