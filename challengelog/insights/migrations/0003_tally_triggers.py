"""The triggers that keep the tally, then the tally counted from the log: after the table's
indexes exist (a migration makes them at its end, and the count uses its unique index)."""

from django.db import migrations


def install(apps, schema_editor):
    """The triggers that keep the tally, then the tally counted from the log."""
    from challengelog.insights import tally

    with schema_editor.connection.cursor() as cursor:
        tally.install(cursor, schema_editor.connection.vendor)
    tally.recount()


def uninstall(apps, schema_editor):
    from challengelog.insights import tally

    with schema_editor.connection.cursor() as cursor:
        tally.uninstall(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_tally")]
    operations = [migrations.RunPython(install, uninstall)]
