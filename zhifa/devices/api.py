"""`/api/v1/devices/readings`: a monitoring platform posts its devices' readings (自动监控数据).

Authenticated by an API token with the scope `devices.readings` (`zhifa apitoken USER --scope devices.readings`),
held by an officer of the devices' agency: the leads an exceedance opens are his acts. Thin: readings.py decides.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from zhifa.api.models import TokenScope
from zhifa.api.schemas import DetailOut, RefusalOut
from zhifa.core.permissions import request_user
from zhifa.devices.readings import MAX_READINGS, readings_receive

router = Router(tags=["非现场执法"])
MAX_BODY = 256 * 1024  # 100 readings of a few hundred bytes each fit several times over


class ReadingsIn(Schema):
    # Each item as sent: readings.py checks it and names the field at fault in Chinese.
    readings: list[Any]


class ReadingOut(Schema):
    reading_id: str
    device: str
    parameter: str
    over: bool
    limit: str
    limit_source: str
    opened_lead: bool
    case_id: int | None
    replay: bool


@router.post(
    "/readings",
    response={200: list[ReadingOut], 400: DetailOut, 401: DetailOut, 403: DetailOut, 413: DetailOut, 422: RefusalOut},
    summary="上报在线监测读数",
    description=(
        f"一次至多 {MAX_READINGS} 条。每条：device（设备编号）、reading_id（设备的读数编号，用于去重）、parameter"
        "（如 COD、氨氮、颗粒物）、value、unit、limit（可省略，取设备配置的限值）、"
        "measured_at（带时区的 ISO 8601 时间）。"
        "超过限值的读数登记案源（同一设备同一项目已有核查或调查中的案源时并入该案源，不再登记）；"
        "重复上报同一读数编号返回首次的结果。"
    ),
)
def readings_post(request: HttpRequest, payload: ReadingsIn) -> Any:
    if len(request.body) > MAX_BODY:
        raise HttpError(413, f"请求体过大：不得超过 {MAX_BODY // 1024} KB")
    token = getattr(request, "api_token", None)
    if token is None or token.scope != TokenScope.READINGS:
        raise HttpError(403, "该令牌没有上报监测数据的权限：请签发范围为“仅上报在线监测数据”的令牌")
    results = readings_receive(actor=request_user(request), items=payload.readings)
    return [result.as_data() for result in results]
