"""A process that appends to the ledger as fast as it can and acknowledges each committed entry on stdout.

The crash test (zhifa/ledger/tests/test_crash.py) runs several of these against one database, kills
them with SIGKILL mid-burst, and checks that every acknowledged entry survived. An acknowledgement is
printed only after the commit returned: that is what "acknowledged" means.
"""

from __future__ import annotations

import os
import sys

import django


def main(worker: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    django.setup()
    from django.db import transaction

    from zhifa.ledger.services import record

    number = 0
    while True:
        with transaction.atomic():
            entry = record(actor=None, action="crash.append", subject=f"crash:{worker}:{number}", facts={"n": number})
        print(entry.index, entry.subject, flush=True)
        number += 1


if __name__ == "__main__":
    main(sys.argv[1])
