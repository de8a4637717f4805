from __future__ import annotations

from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "zhifa.publicity"
    label = "publicity"
    verbose_name = "执法决定公开"

    def ready(self) -> None:
        # The public check page names the masked public copies of decisions too.
        from zhifa.ledger import documents
        from zhifa.publicity.selectors import published_copies

        if published_copies not in documents.DESCRIBERS:
            documents.DESCRIBERS.append(published_copies)
