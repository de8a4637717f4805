"""执法监督 (行政执法监督条例, in force 2026-02-01): one module of models per area, all imported here."""

from zhifa.supervision.models import challenges as challenges  # 行政复议、行政诉讼
from zhifa.supervision.models import modes as modes  # 日常、重点、专项监督, 监督措施, 评议, 干预留痕
from zhifa.supervision.models import notices as notices  # 督办函、意见书、决定书, 整改, 异议
from zhifa.supervision.models import reports as reports  # 季度报告, 统计年报
from zhifa.supervision.models import reviews as reviews  # 案卷评查
from zhifa.supervision.models import tallies as tallies  # 各月办案数量、办案用时（总览用）
from zhifa.supervision.models import warnings as warnings  # 快速预警
