from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "challengelog.insights"
    label = "insights"
    verbose_name = "Insight"

    def ready(self):
        from django.db.models.signals import post_migrate

        from challengelog.insights import tally

        post_migrate.connect(tally.migrated, sender=self, dispatch_uid="challengelog-tally")
