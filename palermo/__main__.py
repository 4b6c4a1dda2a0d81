"""The ``palermo`` command: Django's manage.py with Palermo's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["palermo", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
