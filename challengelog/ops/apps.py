from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "challengelog.ops"
    verbose_name = "Running the service"
