from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public site's pages: the published log, its downloads, the site information pages
    and the public summary. They read publishing's public copy, never the register."""

    name = "challengelog.site"
    label = "site"
    verbose_name = "Public site"
