"""执法监督 (行政执法监督条例, in force 2026-02-01): one module of models per area, all imported here."""

from zhifa.supervision.models.warnings import SupervisionWarning, WarningState  # noqa: F401
