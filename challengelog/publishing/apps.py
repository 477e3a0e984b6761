from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "challengelog.publishing"
    label = "publishing"
    verbose_name = "Publishing"
