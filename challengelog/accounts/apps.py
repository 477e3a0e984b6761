from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "challengelog.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from challengelog.accounts import lockout, signals  # noqa: F401
        from challengelog.accounts.models import Membership
        from challengelog.register import versions

        # What an agency lead sees moves the kept figures too.
        versions.watch(Membership, Membership.agencies.through)
