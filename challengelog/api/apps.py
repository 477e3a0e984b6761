from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "challengelog.api"
    label = "api"
    verbose_name = "API"
