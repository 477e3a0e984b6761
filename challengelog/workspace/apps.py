from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The staff workspace's pages: the internal log, a challenge's page and its forms, the
    reference lists, follow-up, insights, importing and publishing as staff use them."""

    name = "challengelog.workspace"
    label = "workspace"
    verbose_name = "Staff workspace"
