from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "stridewell.runs"
    label = "runs"
    verbose_name = "Runs"
