from __future__ import annotations

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "zhifa.inspections"
    label = "inspections"
    verbose_name = "涉企行政检查"

    def ready(self) -> None:
        # The seven documents' contexts join documents.CONTEXTS on import; their describer answers the public
        # check page (ledger/documents.py) for an inspection document's PDF or printed hash.
        from zhifa.inspections.documents import check_described
        from zhifa.ledger import documents

        if check_described not in documents.DESCRIBERS:
            documents.DESCRIBERS.append(check_described)
