"""A stand-in for a running server that keeps writing while `zhifa backup` copies its data folder.

Run with ZHIFA_DATA_DIR set to a migrated data folder (zhifa/ops/tests/test_backup_drill.py). It builds the test
world, then registers leads — cases, each with a new evidence file — one transaction at a time, printing
`<index> <leaf hash hex>` of each committed entry (after the commit: an acknowledgement), until killed.
The clock is fixed (the world's certificates and the leads' dates are of 2026), ticking.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import django
import time_machine


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True).start()
    django.setup()
    from django.db import transaction

    from zhifa.cases import services
    from zhifa.core.choices import Domain
    from zhifa.ledger import blobs
    from zhifa.ledger.models import Entry
    from zhifa.testing.factories import TODAY, build_world

    world = build_world()
    number = 0
    while True:
        photo = blobs.store(io.BytesIO(f"现场照片 {number} ".encode() * 50), content_type="image/jpeg")
        with transaction.atomic():
            services.perform(
                world.officer_user,
                "register_lead",
                {
                    "on_date": TODAY,
                    "domain": Domain.FORESTRY,
                    "source": "inspection",
                    "title": f"滥伐林木 {number}",
                    "summary": "巡护发现二号林班有新伐桩",
                    "received_on": TODAY - timedelta(days=1),
                    "act_ended_on": TODAY - timedelta(days=10),
                    "party_kind": "citizen",
                    "party_name": "张某",
                    "party_phone": "13800000000",
                    "evidence": [photo.sha256],
                },
                agency=world.branch,
            )
        last = Entry.objects.order_by("-index").first()
        assert last is not None
        print(last.index, bytes(last.leaf_hash).hex(), flush=True)
        number += 1


if __name__ == "__main__":
    main()
