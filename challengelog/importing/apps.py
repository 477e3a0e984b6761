from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "challengelog.importing"
    label = "importing"
    verbose_name = "Importing"
