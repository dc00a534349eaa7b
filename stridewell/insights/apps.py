from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "stridewell.insights"
    label = "insights"
    verbose_name = "Insights"
