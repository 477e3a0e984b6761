from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "challengelog.register"
    label = "register"
    verbose_name = "Challenge register"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from challengelog.register import versions

        versions.watch_register()
        connection_created.connect(versions.install, dispatch_uid="challengelog-data-version")
        pre_migrate.connect(versions.migrating, dispatch_uid="challengelog-migrating")
        post_migrate.connect(versions.migrated, dispatch_uid="challengelog-migrated")
        versions.install_everywhere()
