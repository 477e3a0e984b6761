from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "challengelog.followup"
    label = "followup"
    verbose_name = "Follow-up"

    def ready(self):
        from challengelog.followup import receivers

        receivers.connect()
