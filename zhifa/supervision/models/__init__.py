"""执法监督 (行政执法监督条例, in force 2026-02-01): one module of models per area, all imported here."""

from zhifa.supervision.models import modes as modes  # 日常、重点、专项监督, 监督措施, 评议, 干预留痕
from zhifa.supervision.models import reviews as reviews  # 案卷评查
from zhifa.supervision.models import challenges, notices  # noqa: F401  (the notices area, issue 18)
from zhifa.supervision.models.reports import AnnualReport, ReportKind, ReportState  # noqa: F401
