from django.apps import AppConfig


class StepsConfig(AppConfig):
    name = "stridewell.steps"
    label = "steps"
    verbose_name = "Small steps"
