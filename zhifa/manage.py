"""The `zhifa` console command: Django's manage command for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    from django.core.management import execute_from_command_line

    from zhifa.core.errors import MissingSystemDependency
    from zhifa.env import SettingError

    try:
        execute_from_command_line(sys.argv)
    except (MissingSystemDependency, SettingError) as problem:
        # What the person must install or set, never a traceback (docs/operations.md).
        sys.stderr.write(f"zhifa: {problem}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("zhifa: 已中断 / interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
