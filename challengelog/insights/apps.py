from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "challengelog.insights"
    label = "insights"
    verbose_name = "Insight"
