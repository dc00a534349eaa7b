from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "stridewell.wellbeing"
    label = "wellbeing"
    verbose_name = "Wellbeing"
