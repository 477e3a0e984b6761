from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "challengelog.register"
    label = "register"
    verbose_name = "Challenge register"
