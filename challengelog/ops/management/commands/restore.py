import sys

from django.core.management.base import BaseCommand, CommandError

from challengelog.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Put a backup made by `challengelog backup` back: the database and its files are "
        "replaced by the backup's. The whole file is checked before anything changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: replace what is there now"
        )

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restoring replaces everything in this installation: add --yes to go ahead"
                )
            answer = input(f"Replace this installation's data with {path}? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored")
        try:
            summary = restore(path)
        except BackupError as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from None
        self.stdout.write(
            f"Restored {summary.rows:,} rows and {summary.files:,} files from {summary.path}"
        )
