"""Tokens issued before tokens expired get the usual lifetime from their issue (at least a week from now)."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def expire_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    ApiToken = apps.get_model("api", "ApiToken")
    floor = timezone.now() + timedelta(days=7)  # no client loses its access the moment the upgrade lands
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = max(token.created_at + timedelta(days=settings.API_TOKEN_DAYS), floor)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("api", "0002_token_expiry")]
    operations = [migrations.RunPython(expire_existing, migrations.RunPython.noop)]
