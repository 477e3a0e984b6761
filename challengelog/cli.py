"""The `challengelog` command: every Django management command, as manage.py would run it."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "challengelog.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["challengelog", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
