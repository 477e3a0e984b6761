from django.core.management.base import BaseCommand, CommandError

from challengelog.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the database and its files (evidence, published downloads) into one file while "
        "the service runs. PATH is a new file, or a folder to put a dated file in."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            summary = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backed up {summary.rows:,} rows and {summary.files:,} files "
            f"({summary.engine}) to {summary.path} ({summary.size / 1e6:.1f} MB)"
        )
