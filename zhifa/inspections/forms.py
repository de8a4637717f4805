"""Forms of the inspections pages. The rules themselves live in the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.inspections.choices import (
    ActKind,
    Cause,
    Grade,
    ObjectionKind,
    Outcome,
    PlanKind,
    ReviewMethod,
    SeedKind,
    ToldHow,
)
from zhifa.inspections.models import InspectionPlan
from zhifa.inspections.visit import PERIODS
from zhifa.ledger.forms import EvidenceField
from zhifa.powers.models import InspectionItem


class TargetForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("名录库所属机关"), queryset=Agency.objects.none())
    name = forms.CharField(label=_("名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    address = forms.CharField(label=_("地址"), max_length=300)
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    risk_grade = forms.ChoiceField(label=_("风险等级"), choices=Grade.choices)
    credit_grade = forms.ChoiceField(label=_("信用等级"), choices=Grade.choices)

    def __init__(self, *args: object, agencies: object = None, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies  # type: ignore[assignment]
        if editing:
            del self.fields["agency"]


class ActiveForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class ImportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("名录库所属机关"), queryset=Agency.objects.none())
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))

    def __init__(self, *args: object, agencies: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies  # type: ignore[assignment]


class ApproveForm(forms.Form):
    late_reason = forms.CharField(
        label=_("事后补批理由"), max_length=500, required=False, help_text=_("计划开始后批准的（紧急情况），须写明理由")
    )


class CodesField(forms.MultipleChoiceField):
    """Checkboxes of the listed items; any code is accepted here (bounded) so that the service, not the form,
    refuses an unlisted one, naming it and the rule (清单之外无检查)."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: str) -> bool:
        return 0 < len(str(value)) <= 50


class PlanForm(forms.Form):
    """A plan's values; its agency is chosen on the page (the item list offered is that agency's)."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("计划类别"), choices=PlanKind.choices)
    title = forms.CharField(label=_("计划名称"), max_length=200)
    approval_body = forms.CharField(label=_("批准的人民政府"), max_length=200, required=False)
    approval_document = forms.CharField(
        label=_("批准文件名称及文号"),
        max_length=200,
        required=False,
        help_text=_("专项检查计划须经本级人民政府批准（海南条例 第十条）"),
    )
    approval_date = forms.DateField(
        label=_("批准日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    domains = forms.MultipleChoiceField(
        label=_("执法领域"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )
    risk_grades = forms.MultipleChoiceField(
        label=_("风险等级范围"),
        choices=Grade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即全部"),
    )
    credit_grades = forms.MultipleChoiceField(
        label=_("信用等级范围"),
        choices=Grade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即全部"),
    )
    items = CodesField(label=_("检查事项（行政检查事项清单内）"))
    frequency = forms.CharField(label=_("检查频次"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ratio_A = forms.IntegerField(label=_("风险A类抽查比例（%）"), min_value=0, max_value=100, required=False)
    ratio_B = forms.IntegerField(label=_("风险B类抽查比例（%）"), min_value=0, max_value=100, required=False)
    ratio_C = forms.IntegerField(label=_("风险C类抽查比例（%）"), min_value=0, max_value=100, required=False)
    ratio_D = forms.IntegerField(label=_("风险D类抽查比例（%）"), min_value=0, max_value=100, required=False)

    def __init__(self, *args: object, items: Sequence[InspectionItem] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["items"].choices = [(item.code, f"{item.code} {item.name}") for item in items]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The keyword arguments of services.plan_create / plan_update."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "year": data["year"],
            "domains": data["domains"],
            "risk_grades": data["risk_grades"],
            "credit_grades": data["credit_grades"],
            "item_codes": data["items"],
            "frequency": data["frequency"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "ratios": {g: data[f"ratio_{g}"] for g in Grade.values if data.get(f"ratio_{g}") is not None},
            "approval_document": data["approval_document"],
            "approval_body": data["approval_body"],
            "approval_date": data["approval_date"],
        }


def plan_initial(plan: InspectionPlan) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(plan, name)
        for name in (
            "year",
            "kind",
            "title",
            "approval_body",
            "approval_document",
            "approval_date",
            "domains",
            "risk_grades",
            "credit_grades",
            "frequency",
            "starts_on",
            "ends_on",
        )
    }
    initial["items"] = [item.code for item in plan.items.all()]
    initial |= {f"ratio_{grade}": share for grade, share in plan.ratios.items()}
    return initial


class ForCauseForm(forms.Form):
    """A for-cause inspection (有因检查) of one business: cause and reason, items, officers, day (the agency is
    chosen on the page: the items and the officers offered are its own)."""

    cause = forms.ChoiceField(label=_("检查事由类别"), choices=Cause.choices)
    reason = forms.CharField(
        label=_("检查事由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明线索来源和需要核实的问题；投诉人的个人信息不要写在这里"),
    )
    items = CodesField(label=_("检查事项（行政检查事项清单内）"))
    officers = forms.TypedMultipleChoiceField(
        label=_("执法检查人员（至少两名持有效执法证件）"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    planned_on = forms.DateField(
        label=_("计划检查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    off_site = forms.BooleanField(
        label=_("非现场检查（书面核查、数据比对，不入企）"),
        required=False,
        help_text=_("能通过非现场方式核实的，不进行现场检查（海南条例 第十六条）"),
    )

    def __init__(
        self,
        *args: object,
        items: Sequence[InspectionItem] = (),
        officers: Sequence[tuple[int, str]] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["items"].choices = [(item.code, f"{item.code} {item.name}") for item in items]  # type: ignore[attr-defined]
        self.fields["officers"].choices = list(officers)  # type: ignore[attr-defined]

    def clean_officers(self) -> list[int]:
        chosen = self.cleaned_data["officers"]
        if len(chosen) > 20:
            raise forms.ValidationError(_("一次检查最多20名执法人员"))
        return list(chosen)


class DrawFreezeForm(forms.Form):
    """冻结名录并公布: the seed's source named in advance, the team size, other agencies' plans to draw with."""

    seed_kind = forms.ChoiceField(label=_("种子来源"), choices=SeedKind.choices, initial=SeedKind.CHECKPOINT)
    entries_ahead = forms.IntegerField(
        label=_("账本检查点：当前规模之后的条数"),
        min_value=1,
        max_value=1_000_000,
        initial=10,
        required=False,
        help_text=_("种子为账本规模达到“当前规模 + 本次冻结 + 该条数”后的第一个签名检查点的根哈希"),
    )
    drand_chain = forms.CharField(label=_("drand 链的哈希"), max_length=64, required=False)
    drand_round = forms.IntegerField(label=_("drand 轮次（尚未产生的）"), min_value=1, required=False)
    witnesses = forms.CharField(
        label=_("见证人（每行一名，按录入顺序）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    how = forms.CharField(label=_("见证人取数方式"), max_length=1000, required=False)
    not_before = forms.CharField(label=_("种子不早于（日期时间）"), max_length=40, required=False)
    inspectors_per_target = forms.IntegerField(label=_("每户检查人员数"), min_value=2, max_value=10, initial=2)
    joint = forms.ModelMultipleChoiceField(
        label=_("联合抽取的其他计划（综合查一次）"),
        queryset=InspectionPlan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, joint: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["joint"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if joint is not None:
            field.queryset = joint


class DrawSeedForm(forms.Form):
    value = forms.CharField(
        label=_("种子值"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("检查点的根哈希或 drand 随机数（64位十六进制）；见证人的数字每行一名，按公告顺序"),
    )


# --- the visit's second half (visit.py) ---------------------------------------------------------------------------


class _TimeInput(forms.TimeInput):
    input_type = "time"


def _area(label: Any, limit: int, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(forms.Form):
    method = forms.ChoiceField(label=_("非现场检查方式"), choices=ReviewMethod.choices)
    note = _area(_("核查情况"), 5000, help_text=_("核查了哪些材料或数据、发现了什么"))
    evidence = EvidenceField(label=_("核查材料"))


class VisitForm(forms.Form):
    started_at = forms.TimeField(label=_("现场检查开始时间"), widget=_TimeInput)
    ended_at = forms.TimeField(label=_("现场检查结束时间"), widget=_TimeInput)
    present = forms.CharField(label=_("企业在场人员"), max_length=200, help_text=_("姓名和职务"))
    findings = _area(_("现场检查情况"), 10000)
    statement = _area(
        _("企业陈述、申辩或异议"),
        5000,
        required=False,
        help_text=_("企业对检查要求有异议的，如实记录理由（海南条例 第十七条）"),
    )
    evidence = EvidenceField(label=_("现场照片和录像"))


class ActForm(forms.Form):
    kind = forms.ChoiceField(label=_("记录类别"), choices=ActKind.choices)
    person = forms.CharField(label=_("被询问人或在场人"), max_length=200)
    text = _area(_("记录内容"), 10000)
    evidence = EvidenceField(label=_("照片和录像"))


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("检查结果"), choices=Outcome.choices, widget=forms.RadioSelect)
    findings = _area(_("检查发现"), 5000, required=False, help_text=_("发现问题或登记案源的，写明问题"))
    case_title = forms.CharField(
        label=_("案由"), max_length=200, required=False, help_text=_("登记案源时填写，如：涉嫌收购来源不明木材")
    )
    on_date = forms.DateField(
        label=_("检查结果作出日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=format_lazy(
            _("不填为今天；告知（{tell}个工作日）和公开（{publish}个工作日）期限自该日起算"),
            tell=PERIODS["tell"].working_days,
            publish=PERIODS["publish"].working_days,
        ),
    )


class TellForm(forms.Form):
    how = forms.ChoiceField(label=_("告知方式"), choices=ToldHow.choices)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), max_length=500)


class AnswerForm(forms.Form):
    answer = _area(_("答复内容"), 5000)


class ObjectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ObjectionKind.choices, widget=forms.RadioSelect)
    text = _area(_("事实和理由"), 3000)
    contact = forms.CharField(
        label=_("联系人及电话"), max_length=100, required=False, help_text=_("用于答复；不记入公开信息")
    )
