from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "challengelog.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from challengelog.accounts import lockout, signals  # noqa: F401
