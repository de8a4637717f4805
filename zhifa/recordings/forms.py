"""The forms of recordings: an agency's list, a recording's annotation, a recording attached after its act, a clip
or transcript; and the two questions an act's form asks when the list names it (`add_act_fields`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.workflow import ACTIONS
from zhifa.core.bounds import SHORT_TEXT, BoundedDateField, bound_date_widgets
from zhifa.core.choices import Role
from zhifa.core.models import Agency
from zhifa.ledger.forms import EvidenceField
from zhifa.personnel.forms import DateInput
from zhifa.recordings import rules
from zhifa.recordings.models import Derivation


def _act_choices() -> list[tuple[str, str]]:
    # The acts an officer takes in a case (an approver's decision or a reviewer's opinion is made at a desk); not
    # those auxiliary staff may take (registering a lead), which no recording guard stands on (workflow.py).
    return [
        (a.name, str(a.label))
        for a in ACTIONS.values()
        if Role.OFFICER.value in a.roles and Role.AUXILIARY.value not in a.roles
    ]


class RecordingListForm(forms.Form):
    effective_from = BoundedDateField(label=_("施行日期"), widget=DateInput, planned=True)
    full_acts = forms.MultipleChoiceField(
        label=_("全程音像记录的执法行为"),
        choices=_act_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("直接涉及人身自由、生命健康、重大财产权益的现场执法活动，如查封扣押、责令停产停业"),
    )
    as_required_acts = forms.MultipleChoiceField(
        label=_("根据情况音像记录的执法行为"),
        choices=_act_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("现场检查、调查取证、听证、文书送达等容易引发争议的执法行为；未记录的须说明理由"),
    )
    upload_limit_days = forms.IntegerField(
        label=_("上传期限（工作日）"), min_value=1, max_value=10, initial=rules.NATIONAL.upload_limit_days
    )
    source = forms.CharField(label=_("清单依据"), max_length=200, help_text=_("印发清单的文件名称和文号"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_date_widgets(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # An agency adds to the national list, never takes from it: what 118号文 records in full stays in full.
        dropped = sorted(rules.NATIONAL.full - set(cleaned.get("full_acts") or rules.NATIONAL.full))
        if dropped:
            names = "、".join(str(ACTIONS[name].label) for name in dropped)
            raise forms.ValidationError(
                {"full_acts": _("%(names)s 依国办发〔2018〕118号应当全程音像记录，不能从清单中去掉") % {"names": names}}
            )
        both = set(cleaned.get("full_acts") or ()) & set(cleaned.get("as_required_acts") or ())
        if both:
            names = "、".join(str(ACTIONS[name].label) for name in sorted(both))
            raise forms.ValidationError({"as_required_acts": _("%(names)s 已列为全程音像记录") % {"names": names}})
        return cleaned


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DescriptionForm(forms.Form):
    speakers = forms.CharField(
        label=_("被记录人员"),
        max_length=200,
        help_text=_("执法人员和当事人等对话人员的姓名、身份，如：执法人员张三、李四；当事人王某（经营者）"),
    )
    subject = forms.CharField(
        label=_("记录内容"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("主要对话内容或摄录的现场情况"),
    )
    started_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput, input_formats=DATETIME_FORMATS)
    ended_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput, input_formats=DATETIME_FORMATS)
    device = forms.CharField(label=_("记录设备"), max_length=100, help_text=_("如：执法记录仪 DSJ-0123、手机"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        started, ended = cleaned.get("started_at"), cleaned.get("ended_at")
        if started is not None and started > timezone.now():
            raise forms.ValidationError({"started_at": _("开始时间不能晚于现在")})
        if started is not None and ended is not None and ended < started:
            raise forms.ValidationError({"ended_at": _("结束时间不能早于开始时间")})
        return cleaned


class AttachForm(forms.Form):
    act = forms.TypedChoiceField(label=_("所记录的执法行为"), coerce=int)
    evidence = EvidenceField(required=True, label=_("录音或录像"))
    on_date = BoundedDateField(label=_("上传日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args: Any, acts: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        bound_date_widgets(self)
        self.fields["act"].choices = acts  # type: ignore[attr-defined]


class DeriveForm(DescriptionForm):
    derivation = forms.ChoiceField(
        label=_("类别"),
        choices=[
            (Derivation.CLIP.value, Derivation.CLIP.label),
            (Derivation.TRANSCRIPT.value, Derivation.TRANSCRIPT.label),
        ],
    )
    evidence = EvidenceField(
        required=True, label=_("文件"), help_text=_("剪辑的片段（音频、视频）或文字整理稿；原始记录保持不变")
    )

    field_order = ["derivation", "evidence", "speakers", "subject", "started_at", "ended_at", "device"]


# The questions an act's form asks when a recording list names the act.
REASON_FIELD = "no_recording_reason"
LATER_FIELD = "recording_later"


def add_act_fields(form: forms.Form, action: str, agency: Agency | None) -> None:
    """Give an act's form what the recording rules ask of it: the evidence field (a recording is evidence), and for
    an act recorded as circumstances require, whether its recording comes later and why there is none."""
    if agency is None or action not in rules.listed_actions(agency):
        return
    if "evidence" not in form.fields:
        form.fields["evidence"] = EvidenceField(help_text=_("执法记录仪的录音录像，及其他材料"))
    form.fields[LATER_FIELD] = forms.BooleanField(
        label=_("已音像记录，稍后上传"),
        required=False,
        help_text=_("执法记录仪的录像尚未导出的，勾选后须在音像记录事项清单规定的期限内补充上传"),
    )
    form.fields[REASON_FIELD] = forms.CharField(
        label=_("未音像记录的理由"),
        required=False,
        max_length=SHORT_TEXT,
        help_text=_(
            "本行为依音像记录事项清单根据情况记录：未上传录音录像、也不稍后上传的，说明理由，如：文字记录已能全面有效记录执法行为"
        ),
    )
