from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PublishingConfig(AppConfig):
    name = "challengelog.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from django.db import transaction

        from challengelog.publishing.latest import forget_publications
        from challengelog.publishing.models import Publication

        def forget(**kwargs):
            # Now, and again once the publish is committed: in between, another request could
            # read the old publication again and keep it.
            forget_publications()
            transaction.on_commit(forget_publications)

        # A publish in this process is seen by the next request at once.
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=Publication, dispatch_uid=f"kept-{signal}", weak=False)
