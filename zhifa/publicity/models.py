"""Publication of enforcement decisions (事后公开): due dates, redaction, withdrawal, display periods."""

from __future__ import annotations
