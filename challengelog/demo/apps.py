from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (the Southampton LSCB log, 2013-2017) and the `demo` command that loads
    it: project wiring, above every layer."""

    name = "challengelog.demo"
    label = "demo"
    verbose_name = "Demo data"
