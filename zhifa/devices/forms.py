"""The forms of the devices' pages. They check the shape of the input; the services apply the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.forms import EvidenceForm, LeadForm
from zhifa.core.bounds import LONG_TEXT, SHORT_TEXT
from zhifa.core.choices import Domain, Role
from zhifa.core.models import Agency, User
from zhifa.devices.choices import DeviceKind
from zhifa.devices.models import Device, DeviceImport
from zhifa.ledger.forms import EvidenceField


def _degrees(label: Any, bound: int, help_text: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-bound),
        max_value=Decimal(bound),
        help_text=help_text,
    )


def _longitude() -> forms.DecimalField:
    return _degrees(_("经度"), 180, _("WGS-84 十进制度，东经为正，如 100.797200；最多六位小数"))


def _latitude() -> forms.DecimalField:
    return _degrees(_("纬度"), 90, _("WGS-84 十进制度，北纬为正，如 22.008500；最多六位小数"))


class DeviceForm(forms.Form):
    kind = forms.ChoiceField(label=_("设备类型"), choices=DeviceKind.choices)
    identifier = forms.CharField(
        label=_("设备编号"), max_length=64, help_text=_("设备或平台上的唯一编号，监测数据上报时使用")
    )
    name = forms.CharField(label=_("设备名称"), max_length=SHORT_TEXT)
    operator = forms.CharField(label=_("运维（运营）单位"), max_length=SHORT_TEXT, required=False)
    party_name = forms.CharField(
        label=_("被监测单位"), max_length=SHORT_TEXT, required=False, help_text=_("在线监测设备所监测的排污单位等")
    )
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices, initial=Domain.ECOLOGY)
    longitude = _longitude()
    latitude = _latitude()
    address = forms.CharField(label=_("安装地点"), max_length=SHORT_TEXT, required=False)
    limits = forms.CharField(
        label=_("限值"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项：项目 限值 单位 依据，如“COD 50 mg/L GB 8978-1996”；读数未带限值时采用"),
    )
    active = forms.BooleanField(label=_("在用"), required=False, initial=True)


class ImportForm(forms.Form):
    device = forms.ModelChoiceField(label=_("设备"), queryset=Device.objects.none())
    evidence = EvidenceField(label=_("设备采集的文件"), required=True)
    operator = forms.CharField(
        label=_("操作人员或单位"), max_length=SHORT_TEXT, help_text=_("如无人机飞手姓名、卫星遥感数据提供单位")
    )
    captured_at = forms.DateTimeField(
        label=_("采集时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("不填的，照片带有 EXIF 拍摄时间时取 EXIF 时间"),
    )
    longitude = _longitude()
    latitude = _latitude()
    address = forms.CharField(label=_("地点"), max_length=SHORT_TEXT, required=False)
    note = forms.CharField(
        label=_("说明"), max_length=LONG_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        devices = Device.objects.filter(agency=actor.agency, active=True).order_by("kind", "identifier")
        self.fields["device"].queryset = devices  # type: ignore[attr-defined]

    def clean_captured_at(self) -> Any:
        moment = self.cleaned_data.get("captured_at")
        if moment is not None and moment > timezone.now():
            raise forms.ValidationError(_("采集时间不能晚于现在"))
        return moment


class TransferForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("接收的执法人员"), queryset=User.objects.none(), required=False)
    to_agency = forms.ModelChoiceField(
        label=_("或接收单位"), queryset=Agency.objects.none(), required=False, help_text=_("移交其他执法机关时选择")
    )
    note = forms.CharField(label=_("移交事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, device_import: DeviceImport, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(
            agency_id=device_import.holder_agency_id,
            is_active=True,
            role_assignments__role__in=[Role.OFFICER.value, Role.AUXILIARY.value],
        ).exclude(pk=actor.pk)
        self.fields["to_user"].queryset = people.distinct().order_by("full_name")  # type: ignore[attr-defined]
        others = Agency.objects.exclude(pk=device_import.holder_agency_id).order_by("path")
        self.fields["to_agency"].queryset = others  # type: ignore[attr-defined]


class LeadFromImportForm(LeadForm):
    """The lead form without its source (监测发现) and evidence (the import's files): the case services check it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["source"]
        del self.fields["evidence"]


class AttachForm(EvidenceForm):
    """The form of 登记证据 on the chosen case, the import's files given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["evidence"]
