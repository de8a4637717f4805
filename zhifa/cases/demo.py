"""Demo cases: about fifty penalty cases — forestry in the first agency tree, pollution in the ecology one.

Each case is taken through the real services (cases.services.perform), step by step, by the demo
logins, with dates in the past chosen so that every period is respected — so the demo ledger holds
one entry per action and `zhifa ledger verify` checks them all.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zhifa import demo_files
from zhifa.cases import agency_settings, discretion, issuing, major, rules, services
from zhifa.cases.guards import territory
from zhifa.cases.models import Case
from zhifa.cases.workflow import ACTIONS
from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.core.validators import credit_code_check_char, resident_id_check_char
from zhifa.laws.lex_mitior import rule_on
from zhifa.laws.models import Violation
from zhifa.ledger import blobs
from zhifa.ledger.models import Upload
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import can_enforce
from zhifa.recordings.rules import NATIONAL

# (title, facts, violation (zhifa/laws/data), the base of a fine set as a multiple): the seed documents' domains —
# logging in a reserve, occupying forest land, hunting, digging wild plants, entering the core zone, moving a
# boundary marker. The provisions and the fine come from the rule in force on each case's dates and its benchmark.
MATTERS: tuple[tuple[str, str, str, int | None], ...] = (
    ("在保护区实验区滥伐林木", "未经批准在实验区采伐杨树{n}株，蓄积{v}立方米", "forestry-indiscriminate-logging", 3000),
    ("非法占用林地修建房屋", "未经批准占用林地{v}百平方米修建彩钢房", "forestry-occupy-forest-land", 30000),
    ("非法猎捕野生动物", "在保护区内使用铁夹猎捕野兔{n}只", "wildlife-illegal-hunting-other", None),
    ("非法采挖野生植物", "在保护区一般控制区采挖野生黄芪{n}株", "reserve-dig-wild-plants", None),
    ("擅自进入保护区核心区", "未经批准进入核心保护区露营{n}人", "reserve-enter-core-zone", None),
    ("擅自移动保护区界标", "擅自移动实验区界桩{n}根", "reserve-boundary-marker", None),
)

# Pollution cases of an ecology and environment bureau's brigade (the seeds' fourth domain); parties are firms.
# Acts before 2026-08-15 are judged by the repealed laws, later ones by the 生态环境法典 (法典 第一千零五十七条).
ECOLOGY_MATTERS: tuple[tuple[str, str, str, int | None], ...] = (
    ("超标排放水污染物", "废水总排口化学需氧量超标{n}倍排放", "ecology-water-excess-discharge", None),
    ("不正常运行大气污染防治设施", "喷涂车间废气处理设施停运{v}日，废气直排", "ecology-air-facility-not-running", None),
    (
        "未批先建",
        "未依法报批环境影响报告表即开工建设，已完成主体厂房{v}千平方米",
        "ecology-eia-table-build-before-approval",
        2000000,
    ),
    (
        "危险废物露天堆放",
        "废矿物油{n}桶露天堆放于厂区空地，未设置识别标志",
        "ecology-hazardous-waste-open-storage",
        None,
    ),
)


def _basis(violation: Violation, day: date) -> dict[str, str]:
    """The provision violated and the provision of the penalty in force on `day` (第五十九条), for the on-the-spot
    decision, whose form the assistant does not draft."""
    rule = rule_on(violation, day)
    if rule is None:
        return {"legal_basis": violation.name, "penalty_basis": ""}
    return {"legal_basis": rule.legal_basis, "penalty_basis": rule.penalty_basis}


def _quarter(low: Decimal | None, high: Decimal | None) -> Decimal | None:
    """A fine a quarter of the way into the proposed range, in hundreds: inside the tier, below the catalog's
    amounts that would make a demo case major."""
    if low is None or high is None or high <= 0:
        return None
    hundreds = ((low + (high - low) / 4) / 100).to_integral_value(rounding=ROUND_CEILING)
    return min(max(hundreds * 100, low), high)


@dataclass(frozen=True)
class Sector:
    """What differs between the demo's forestry cases and its pollution cases."""

    matters: tuple[tuple[str, str, str, int | None], ...]
    found: str  # how a lead is found
    place: str  # where the inspection happens
    photos: str  # what the photographs show
    extracted: str  # what the inspection took
    permit: str  # the permit an interview asks about
    firm: str  # the kind of firm a party is
    organisations: bool  # parties are firms (a pollution case) rather than mostly citizens
    # The case settings of the bureau (for all its branches) and of the branch ({branch}: its name).
    bureau_settings: dict[str, str]
    branch_settings: dict[str, str]
    # The bureau's catalog of major decisions (cases/major.py), as its legal office published it.
    major_catalog: dict[str, Any]
    # The circumstances the officers tick in the discretion assistant (laws/assistant.py); none: the ordinary tier.
    circumstances: tuple[str, ...] = ()


FORESTRY = Sector(
    MATTERS,
    "巡护中发现",
    "实验区二号林班",
    "现场照片及伐桩测量记录",
    "现场照片12张\n伐桩胸径测量记录1份",
    "林木采伐许可证",
    "生态旅游开发有限公司",
    False,
    {
        "reconsideration_body": "内蒙古自治区林业和草原局",
        "payment_bank": "中国农业银行呼和浩特分行营业部",
        "payment_account": "按随附的非税收入缴款通知书所载缴款码缴纳",
        "large_amount_citizen": "5000",
        "large_amount_organisation": "50000",
        "large_amount_source": "自治区林业行政处罚听证数额规定（演示数据）",
        "lead_check_days": "15",
        "statement_days": "5",
        "decision_extension_days": "30",
        "summary_report_days": "5",
        "periods_source": "自治区林业行政执法程序规定（演示数据）",
    },
    {"court": "呼和浩特市新城区人民法院", "contact": "{branch}，呼和浩特市新城区哈拉沁沟口，0471-5550100"},
    {
        "effective_from": "2025-01-01",
        "source": "大青山管理局重大执法决定法制审核目录（演示数据）",
        "fine_citizen": "100000",
        "fine_organisation": "500000",
        "inclusive": "on",
        "penalty_kinds": ["revoke_licence", "stop_production", "close", "restrict_practice"],
        "after_hearing": "on",
        "outside_benchmark": "on",
        "other_clauses": "涉及自然保护区核心区的\n案件事实涉及多个行政区域的",
    },
)
ECOLOGY = Sector(
    ECOLOGY_MATTERS,
    "在线监测数据异常，现场检查发现",
    "企业厂区及废水总排口",
    "现场照片、采样记录及监测报告",
    "现场照片18张\n水样2份（编号W-01、W-02）\n在线监测数据截图1份",
    "排污许可证和环境影响评价批复",
    "化工有限公司",
    True,
    {
        "reconsideration_body": "西双版纳傣族自治州人民政府",
        "payment_bank": "中国工商银行景洪分行营业部",
        "payment_account": "按随附的非税收入缴款通知书所载缴款码缴纳",
        "large_amount_citizen": "10000",
        "large_amount_organisation": "100000",
        "large_amount_source": "省生态环境行政处罚听证数额规定（演示数据）",
        "lead_check_days": "15",
        "statement_days": "5",
        "decision_extension_days": "30",
        # 生态环境行政处罚办法: an on-the-spot decision is reported within three (working) days.
        "summary_report_days": "3",
        "periods_source": "生态环境行政处罚办法（演示数据）",
    },
    {"court": "景洪市人民法院", "contact": "{branch}，景洪市勐泐大道，0691-5550100"},
    {
        "effective_from": "2025-01-01",
        "source": "州生态环境局重大执法决定法制审核目录（演示数据）",
        "fine_citizen": "50000",
        "fine_organisation": "200000",
        "inclusive": "on",
        "penalty_kinds": ["suspend_licence", "revoke_licence", "stop_production", "close"],
        "after_hearing": "on",
        "outside_benchmark": "on",
        "other_clauses": "可能造成重大生态环境损害的",
    },
    ("lighter:0",),
)


# The ordinary procedure, in order; each plan takes a prefix of it (or a variant's steps).
ORDINARY = (
    "register_lead",
    "file",
    "assign",
    "add_evidence",
    "record_interview",
    "record_inspection",
    "report",
    "submit_approval",
    "approve",
    "notify",
    "decide",
    "serve",
    "record_payment",
    "close",
    "archive",
)


@dataclass(frozen=True)
class Plan:
    """One demo case: how far it goes, along which variant, and how many days ago it began."""

    steps: tuple[str, ...]
    began_days_ago: int
    matter: int


def _upto(last: str, path: tuple[str, ...] = ORDINARY) -> tuple[str, ...]:
    return path[: path.index(last) + 1]


HEARING = (
    *_upto("notify"),
    "request_hearing",
    "notify_hearing",
    "hold_hearing",
    "report_hearing",
    "review_after_hearing",
    *ORDINARY[10:],
)
MAJOR = (*_upto("report"), "submit_review", "pass_review", *ORDINARY[8:])
# A review returned twice for more investigation, the case reported again each time, then passed (issue 14, item 7).
RETURNED_TWICE = (
    *_upto("report"),
    *("submit_review", "return_review", "report") * 2,
    "submit_review",
    "pass_review",
    *ORDINARY[8:],
)
# What each return asks for, with the checklist item not in order, and what the report after it adds.
RETURNS = (
    ("evidence", "违法行为涉及的面积、数量缺少测量或鉴定意见，认定依据不足", "；经专业测量，面积、数量已确认"),
    ("discretion", "裁量说理未写明适用的裁量基准档次及其理由", ""),
)
COLLECTIVE = (*_upto("submit_approval"), "refer_collective", "record_collective", *ORDINARY[8:])
SEIZURE = (*_upto("record_inspection"), "seize", "release_seizure", *ORDINARY[6:])
COURT = (*_upto("serve"), "apply_to_court", "close", "archive")
SUMMARY = ("decide_on_the_spot", "report_summary", "hand_over_cash", "close", "archive")
RECUSAL = (*_upto("record_inspection"), "request_recusal", "decide_recusal", *ORDINARY[6:])
# The other turns a case may take before the decision (issue 13): the preserved evidence decided, goods sent for
# appraisal, the hearing's chair challenged, a heavier proposal noticed again, the police refusing a transfer.
PRESERVED = (*_upto("record_inspection"), "preserve_evidence", "decide_preserved")
APPRAISAL = (*_upto("record_inspection"), "seize", "start_appraisal", "end_appraisal")
CHALLENGE = (*_upto("notify_hearing", HEARING), "challenge_chair", "decide_chair_challenge")
RENOTICE = (*_upto("notify"), "record_statement", "revise_proposal", "submit_approval", "approve", "notify")
REFUSED = (
    *_upto("record_inspection"),
    "propose_transfer",
    "transfer_to_judiciary",
    "judiciary_refuses",
    "resume_after_refusal",
)
# 移送: a suspected crime to the police, accepted, the criminal matter ended; a case outside the jurisdiction.
JUDICIARY = (
    *_upto("record_inspection"),
    "propose_transfer",
    "transfer_to_judiciary",
    "judiciary_accepts",
    "record_criminal_outcome",
    "close",
    "archive",
)

PLANS = (
    # Early states: this month's leads and filings.
    *(Plan(_upto("register_lead"), days, m) for days, m in ((2, 0), (5, 2), (9, 4))),
    Plan(("register_lead", "decline"), 20, 4),
    Plan(("register_lead", "decline"), 45, 5),
    *(Plan(_upto("file"), days, m) for days, m in ((6, 1), (12, 3))),
    *(Plan(_upto("record_inspection"), days, m) for days, m in ((15, 0), (25, 2), (30, 5))),
    Plan(_upto("seize", SEIZURE), 18, 0),
    # The party asked that an officer step aside: one request waits for the head, one was granted.
    Plan(_upto("request_recusal", RECUSAL), 21, 2),
    Plan(_upto("approve", RECUSAL), 44, 0),
    Plan(_upto("report"), 40, 1),
    Plan(_upto("submit_approval"), 45, 3),
    Plan(_upto("submit_review", MAJOR), 50, 1),
    Plan(_upto("refer_collective", COLLECTIVE), 55, 1),
    Plan(_upto("approve"), 50, 2),
    Plan(_upto("notify"), 48, 0),
    Plan(_upto("request_hearing", HEARING), 52, 1),
    Plan(_upto("notify_hearing", HEARING), 58, 0),
    Plan(_upto("hold_hearing", HEARING), 75, 1),
    Plan(_upto("decide"), 60, 5),
    Plan(_upto("serve"), 70, 2),
    Plan(_upto("serve", HEARING), 90, 0),
    Plan((*_upto("report"), "submit_approval", "decide_no_penalty"), 50, 4),
    Plan((*_upto("report"), "submit_approval", "decide_no_penalty", "close"), 80, 3),
    Plan((*_upto("record_inspection"), "terminate"), 60, 2),
    Plan((*_upto("record_inspection"), "transfer_jurisdiction"), 33, 3),
    Plan(PRESERVED, 26, 2),
    Plan(APPRAISAL, 28, 0),
    Plan(CHALLENGE, 56, 1),
    Plan(RENOTICE, 62, 3),
    Plan(REFUSED, 64, 0),
    Plan(_upto("transfer_to_judiciary", JUDICIARY), 24, 0),
    Plan(_upto("judiciary_accepts", JUDICIARY), 36, 0),
    Plan(_upto("record_criminal_outcome", JUDICIARY), 95, 0),
    Plan(JUDICIARY, 160, 0),
    Plan(_upto("serve", COURT), 330, 5),
    Plan(_upto("apply_to_court", COURT), 320, 1),
    Plan(COURT, 300, 0),
    *(Plan(_upto("report_summary", SUMMARY), days, m) for days, m in ((1, 4), (3, 5))),
    Plan(_upto("decide_on_the_spot", SUMMARY), 0, 3),
    *(Plan(SUMMARY, days, m) for days, m in ((30, 4), (70, 3))),
    *(Plan(_upto("close"), days, m) for days, m in ((100, 3), (120, 5))),
    *(Plan(ORDINARY, days, m) for days, m in ((150, 0), (180, 2), (210, 4), (240, 5))),
    Plan(HEARING, 200, 1),
    Plan(MAJOR, 230, 1),
    Plan(COLLECTIVE, 260, 0),
    Plan(SEIZURE, 190, 0),
    # The legal review in every state (issue 14, item 7): one just submitted and waiting, one returned twice and then
    # passed; with the one submitted fifty days ago (overdue) and the major case passed and archived above.
    Plan(_upto("submit_review", MAJOR), 12, 1),
    Plan(_upto("approve", RETURNED_TWICE), 70, 1),
)

# The pollution cases of an ecology brigade: a fresh lead, an inspection, a notice with its hearing right,
# a case heard and served, and one archived.
ECOLOGY_PLANS = (
    Plan(_upto("register_lead"), 3, 0),
    Plan(_upto("record_inspection"), 20, 1),
    Plan(_upto("notify"), 40, 2),
    Plan(_upto("serve", HEARING), 110, 0),
    Plan(ORDINARY, 170, 3),
)
# The day the 生态环境法典 took effect (第一千二百四十二条), and a lead found a week before it whose report, decision
# and execution came after: the code's lighter fine for hazardous waste applies (第一千零五十七条).
CODE_IN_FORCE = date(2026, 8, 15)
SPANNING_LEAD = date(2026, 8, 8)


def ecology_plans(today: date) -> tuple[Plan, ...]:
    """The pollution plans; once the spanning case can have run its course, with it."""
    if today < SPANNING_LEAD + timedelta(days=60):
        return ECOLOGY_PLANS
    return (*ECOLOGY_PLANS, Plan(ORDINARY, (today - SPANNING_LEAD).days, 3))


DOCUMENTED_CASES = 2

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Why an act the recording list names as "as circumstances require" was not recorded, as officers write it.
NO_RECORDING_REASONS = {
    "": "文字记录能够全面有效记录执法行为，当事人无异议",
    "serve": "直接送达，当事人当场签收，无争议",
    "notify": "直接送达，当事人当场签收，无争议",
    "notify_hearing": "直接送达，当事人当场签收，无争议",
    "release_seizure": "在办公场所解除并退还物品，当事人签收清单",
}


# 内蒙古自治区呼和浩特市新城区: the demo parties' identity numbers and credit codes are issued there.
DEMO_REGION = "150102"


class _Director:
    """Takes the demo cases through the services, choosing dates that every period allows."""

    def __init__(
        self, today: date, agency: Agency, team: list[Officer], people: dict[str, User], sector: Sector
    ) -> None:
        self.today = today
        self.agency = agency
        self.sector = sector
        self.team = team
        self.people = people
        self.random = random.Random(4021)  # noqa: S311 - demo data, not security
        # A hearing is chaired by someone who did not investigate (行政处罚法 第六十四条第四项).
        line = [agency, *agency.ancestors()]
        officers = Officer.objects.filter(agency__in=line, kind="officer").order_by("pk")
        # Nor the reviewer, who reviews the decision after the hearing (guards.reviewer_not_chair).
        reviewer = people[Role.LEGAL_REVIEWER.value]
        officers = officers.exclude(user=reviewer)
        self.chair = next(o for o in officers if o not in team and can_enforce(o, agency, today - timedelta(days=400)))
        # Who takes the place of an officer who steps aside: another of the branch's own officers.
        spares = [o for o in _able(agency, today) if o not in team and o != self.chair]
        self.spare = spares[0] if spares else None
        self.late_shown = False  # one recording stored late (the first hearing's), for the supervisors' warning
        # Files of the agency's own: a file another agency recorded cannot be cited here (ledger.record).
        signed = demo_files.pdf("Interview record (demo)", ["Signed by the party", f"Agency {agency.pk}"])
        self.files = {
            "photo": self._file(demo_files.png(seed=901 + agency.pk), "image/png"),
            "scan": self._file(signed, "application/pdf"),
            "audio": self._file(demo_files.wav(seconds=3.0, frequency=523.0 + agency.pk), "audio/wav"),
        }

    @staticmethod
    def _file(data: bytes, content_type: str) -> str:
        return blobs.store(io.BytesIO(data), content_type=content_type).sha256

    def _heads(self) -> list[User]:
        """The heads who sit in a collective discussion: the agency's approvers and those above it."""
        line = [self.agency, *self.agency.ancestors()]
        heads = User.objects.filter(role_assignments__role=Role.APPROVER.value, agency__in=line, is_active=True)
        return list(heads.distinct().order_by("pk"))

    def actor(self, name: str) -> User:
        roles = ACTIONS[name].roles
        for role in (Role.APPROVER, Role.LEGAL_REVIEWER):
            if role.value in roles:
                return self.people[role.value]
        return self.people[Role.OFFICER.value]

    def run(self, plan: Plan, serial: int, *, documented: bool = False) -> Case | None:
        """Take `plan`; `documented`: make every document the case allows before it is archived (an archived
        file is never changed: archives.services.refuse_if_archived)."""
        case: Case | None = None
        day = self.today - timedelta(days=plan.began_days_ago)
        title, facts, code, base = self.sector.matters[plan.matter]
        n = self.random.randrange(2, 15)
        context: dict[str, Any] = {
            "title": title,
            "facts": facts.format(n=n, v=self.random.randrange(2, 9)),
            "violation": Violation.objects.get(code=code),
            "base": None if base is None else Decimal(base),
            "fine": Decimal(50),
            "steps": plan.steps,
            # A hearing needs a large fine for a citizen (≥ 5,000 yuan by default), so those parties are citizens.
            "party": self._party(serial, citizen="request_hearing" in plan.steps),
            "citizen": {"party_kind": "citizen", "party_name": f"游客{'赵钱孙李周吴郑王'[serial % 8]}某"},
        }
        for name in plan.steps:
            day = self._next_day(name, day, case, context)
            if day > self.today:
                break
            context["case"] = case
            data = {"on_date": day, **self._fields(name, day, context)}
            self._recorded(name, day, data, serial)
            if case is not None:
                # The notice and the decision are made before they are served (guards.py).
                issuing.issue_served(self.people[Role.OFFICER.value], case, name)
                if documented and name == "archive":
                    _document(case, self.people[Role.OFFICER.value])
            case = services.perform(self.actor(name), name, data, case=case, agency=self.agency)
        return case

    def _recorded(self, name: str, day: date, data: dict[str, Any], serial: int) -> None:
        """The act's recording as the officers make it: each interview, seizure and hearing its own body-camera file,
        uploaded on the day (the first hearing's three days late, for the supervisors' warning); another act the
        recording list names says why the written record suffices (recordings/rules.py)."""
        evidence = list(data.get("evidence") or [])
        if self.files["audio"] in evidence:
            late = name == "hold_hearing" and not self.late_shown
            self.late_shown = self.late_shown or late
            # A tone of its own per case, act and agency: each act's file is a different recording (a file shared
            # by two acts would be one recording, first uploaded on the earlier act's day).
            tone = 300.0 + serial * 7 + list(ACTIONS).index(name) * 0.1 + self.agency.pk * 0.001
            recording = demo_files.wav(seconds=2.0, frequency=tone)
            digest = self._file(recording, "audio/wav")
            uploaded = datetime.combine(day + timedelta(days=3 if late else 0), time(17), tzinfo=SHANGHAI)
            Upload.objects.get_or_create(
                sha256=digest,
                agency=self.agency,
                defaults={
                    "uploaded_by": self.people[Role.OFFICER.value],
                    "size": len(recording),
                    "uploaded_at": uploaded,
                },
            )
            data["evidence"] = [digest if item == self.files["audio"] else item for item in evidence]
        elif name in NATIONAL.as_required:
            data["no_recording_reason"] = NO_RECORDING_REASONS.get(name, NO_RECORDING_REASONS[""])

    def _party(self, serial: int, *, citizen: bool) -> dict[str, str]:
        """The party, with the identity number, telephone and address a real file records (made up, valid
        checksums): the redaction of published decisions and the credit repair (which asks for the number) need
        them."""
        if self.sector.organisations or (serial % 4 == 3 and not citizen):
            first17 = f"91{DEMO_REGION}{serial:09d}"
            return {
                "party_kind": "organisation",
                "party_name": f"某某{self.sector.firm}（演示{serial}）",
                "party_credit_code": first17 + credit_code_check_char(first17),
                "party_phone": f"0471-65{serial:05d}",
                "party_address": f"内蒙古自治区呼和浩特市新城区成吉思汗大街{serial + 1}号",
            }
        surname = "王李张刘陈杨赵黄周吴"[serial % 10]
        born = date(1970, 1, 1) + timedelta(days=serial * 211)
        first17 = f"{DEMO_REGION}{born:%Y%m%d}{serial % 1000:03d}"
        return {
            "party_kind": "citizen",
            "party_name": f"{surname}某{serial}",
            "party_id_number": first17 + resident_id_check_char(first17),
            "party_phone": f"1390471{serial:04d}",
            "party_address": f"内蒙古自治区呼和浩特市新城区保合少镇水磨村{serial + 1}号",
        }

    def _next_day(self, name: str, day: date, case: Case | None, context: dict[str, Any]) -> date:
        """The first plausible day for the step after `day` that the periods allow."""
        gaps = {"register_lead": 0, "file": 1, "assign": 0, "report": 6, "release_seizure": 8, "archive": 2}
        day = day + timedelta(days=gaps.get(name, 1))
        if case is None:
            return day
        if name == "decide":
            for deadline in case.deadlines.filter(stopped_on__isnull=True, period__in=("statement", "hearing_request")):
                day = max(day, deadline.due_on + timedelta(days=1))
        if name == "hold_hearing":
            day = max(day, context["hearing_on"])
        if name == "apply_to_court":
            remedies = case.deadlines.filter(period="litigation").first()
            if remedies is not None:
                context["demand_served_on"] = remedies.due_on + timedelta(days=1)
                day = max(day, rules.due("demand_before_court", context["demand_served_on"]).date + timedelta(days=1))
        if name == "record_payment":
            day = day + timedelta(days=5)
        return day

    def _fields(self, name: str, day: date, context: dict[str, Any]) -> dict[str, Any]:
        team = self.team
        fine: Decimal = context["fine"]
        files = self.files
        case: Case | None = context.get("case")
        penalty = {
            "penalty_kinds": ["fine"],
            "fine": fine,
            "penalty_text": f"罚款人民币{fine}元",
            # What the report drafted from the benchmark (the decision prints it).
            "discretion_reasons": case.discretion_reasons if case is not None else "",
        }
        makers: dict[str, Callable[[], dict[str, Any]]] = {
            "register_lead": lambda: {
                "domain": self.agency.domains[0],
                "source": self.random.choice(("inspection", "complaint", "report", "monitoring", "referral")),
                "title": context["title"],
                "summary": f"{self.sector.found}：{context['facts']}",
                "received_on": day,
                "act_ended_on": day - timedelta(days=3),
                "evidence": [files["photo"]],
                **context["party"],
            },
            "decline": lambda: {"reason": "经核查，反映的情况不属实，没有违法事实"},
            # The 立案审批表 names the suspected violation: the report page then opens with the assistant's proposal.
            "file": lambda: {"violation": context["violation"]},
            "assign": lambda: {"lead": team[0], "others": team[1:], "declared": team},
            "add_evidence": lambda: {
                "officers": team,
                "kind": "object",
                "summary": self.sector.photos,
                "evidence": [files["photo"]],
            },
            "record_interview": lambda: {
                "officers": team,
                "interviewee": context["party"]["party_name"],
                "interviewee_role": "当事人",
                "place": f"{self.agency.name}询问室",
                "started_at": "09:30",
                "ended_at": "10:15",
                "summary": "当事人对违法事实供认不讳",
                "transcript": _transcript(team, context, self.sector.permit),
                "evidence": [files["audio"]],
            },
            "record_inspection": lambda: {
                "officers": team,
                "place": self.sector.place,
                "started_at": "14:00",
                "ended_at": "15:20",
                "present_person": f"{context['party']['party_name']}（当事人）",
                "summary": context["facts"],
                "extracted": self.sector.extracted,
                "evidence": [files["photo"]],
            },
            "seize": lambda: {
                "officers": team,
                "items": "油锯一台、运输车辆一辆",
                "approved_by": self.people[Role.APPROVER.value],
                "evidence": [files["audio"], files["photo"]],
            },
            "release_seizure": lambda: {"reason": "物品与违法行为无关的部分予以退还"},
            "request_recusal": lambda: {
                "applicant": "party",
                "named": team[1:],
                "reason": f"当事人称{team[1].name}与其有邻里纠纷，可能影响公正执法",
                "evidence": [files["scan"]],
            },
            "decide_recusal": lambda: (
                {
                    "granted": "yes",
                    "others": [self.spare],
                    "declared": [self.spare],
                    "reason": "经核实，当事人反映的情况属实，准予回避",
                }
                if self.spare is not None
                else {"granted": "no", "reason": "经核实，当事人反映的情况不属实"}
            ),
            "report": lambda: {
                **self._proposed(day, context, self.sector.circumstances),
                **_reported_again(context),
                "major": "submit_review" in context["steps"],
                "collective": "refer_collective" in context["steps"],
            },
            "return_review": lambda: _returned(context),
            "pass_review": lambda: {
                "conclusion": "approve",
                "checked": [key for key, _label in major.CHECKLIST],
                "opinion": "主体合法，事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意",
            },
            "review_after_hearing": lambda: {"opinion": "听证意见已充分考虑，同意作出决定"},
            "approve": lambda: {"opinion": "同意"},
            "record_collective": lambda: {
                "participants": list(self._heads()),
                "conclusion": "agree",
                "minutes": "负责人集体讨论，一致同意拟处罚意见",
                "evidence": [files["scan"]],
            },
            "decide_no_penalty": lambda: {
                "ground": "first_offence",
                "reason": "初次违法，危害后果轻微并已及时改正",
                "education": "当面宣讲森林法有关规定，当事人签署守法承诺书",
            },
            "terminate": lambda: {"reason": "当事人死亡，终止调查"},
            "preserve_evidence": lambda: {
                "officers": team,
                "items": "采伐作业记录本1本",
                "approved_by": self.people[Role.APPROVER.value],
                "evidence": [files["photo"]],
            },
            "decide_preserved": lambda: {
                "measure": "recorded_returned",
                "reason": "记录本已复制并经当事人签字确认，原件无须继续保存",
                "approved_by": self.people[Role.APPROVER.value],
            },
            "start_appraisal": lambda: {
                "kind": "appraisal",
                "items": "涉案林木",
                "institution": "林业司法鉴定中心",
                "ends_on": day + timedelta(days=10),
            },
            "end_appraisal": lambda: {"result": "经鉴定，涉案林木蓄积3.2立方米", "evidence": [files["scan"]]},
            "challenge_chair": lambda: {
                "reason": "当事人称听证主持人曾参与本案的现场检查",
                "evidence": [files["scan"]],
            },
            "decide_chair_challenge": lambda: {
                "granted": "no",
                "reason": "经核实，主持人未参与本案调查，申请理由不成立",
            },
            "record_statement": lambda: {"content": "当事人申辩称采伐数量少于认定的数量", "evidence": [files["scan"]]},
            "revise_proposal": lambda: {
                **self._proposed(day, context, ("heavier:0",)),
                "facts_found": f"当事人{context['facts']}；补充调查查明另有违法行为，数量多于原认定",
                "reason": "补充调查认定了新的违法事实，拟加重处罚，重新告知",
            },
            "judiciary_refuses": lambda: {
                "reason": "经审查，犯罪事实显著轻微，不需要追究刑事责任",
                "evidence": [files["scan"]],
            },
            "resume_after_refusal": lambda: {"opinion": "依法继续调查，给予行政处罚"},
            "transfer_jurisdiction": lambda: {
                "receiver": "邻县林业和草原局",
                "reason": "经查违法行为发生地在邻县辖区，依法移送有管辖权的机关",
            },
            "propose_transfer": lambda: {
                "suspected_crime": "滥伐林木罪",
                "report": f"经查，当事人{context['facts']}，林木蓄积经鉴定达到滥伐林木罪的立案追诉标准",
                "items": "油锯一台\n原木十二根",
            },
            "transfer_to_judiciary": lambda: {
                "receiver": "大青山市公安局森林警察支队",
                "procuratorate": "大青山市人民检察院",
            },
            "judiciary_accepts": lambda: {
                "notice_number": f"青公林立字〔{day.year}〕{self.random.randrange(100, 999)}号",
                "evidence": [files["scan"]],
            },
            "record_criminal_outcome": lambda: {
                "outcome": "convicted",
                "organ": "大青山市青山区人民法院",
                "sentence": "有期徒刑一年，缓刑二年，并处罚金",
                "evidence": [files["scan"]],
            },
            "notify": lambda: {"rights_stated": True, "evidence": [files["scan"]]},
            "notify_hearing": lambda: self._hearing(day, context),
            "hold_hearing": lambda: {
                "outcome": "held",
                "started_at": "09:00",
                "ended_at": "10:40",
                "summary": "当事人提出家庭困难",
                "attendees": context["party"]["party_name"],
                "statements": (
                    "主持人：现在开始听证。当事人是否申请主持人回避？\n当事人：不申请。\n"
                    f"调查人员：当事人{context['facts']}，证据有现场检查笔录、询问笔录和照片。\n"
                    "当事人：对事实没有异议，但家庭困难，请求从轻处罚。\n主持人：听证结束，笔录交当事人核对签字。"
                ),
                "evidence": [files["audio"]],
            },
            "report_hearing": lambda: {
                "findings": f"当事人对{context['facts']}的事实无异议，提出家庭困难",
                "opinion": "事实清楚，证据确凿，建议按拟处罚意见作出决定",
                "evidence": [files["scan"]],
            },
            "decide": lambda: {**penalty, "hearing_report_read": "report_hearing" in context["steps"]},
            "serve": lambda: {"method": "direct", "evidence": [files["scan"]]},
            "record_payment": lambda: {"amount": fine, "receipt": f"NS{day:%Y%m%d}{self.random.randrange(1000):03d}"},
            "apply_to_court": lambda: {"court": "大青山区人民法院", "demand_served_on": context["demand_served_on"]},
            "decide_on_the_spot": lambda: {
                "officers": team,
                "decided_at": "10:20",
                "place": self.sector.place,
                "area": (territory(self.agency) or [""])[0],
                "domain": self.agency.domains[0],
                "title": context["title"],
                "act_ended_on": day,
                "facts_found": context["facts"],
                **_basis(context["violation"], day),
                "penalty_kinds": ["fine"],
                "fine": Decimal(50),
                "certificates_shown": True,
                "told": True,
                "statement": "对违法事实没有异议，请求从轻处罚",
                "defence_answer": "not_adopted",
                "defence_reasons": "罚款数额已按裁量基准下限确定",
                "party_receipt": "signed",
                "collected": True,
                "evidence": [files["photo"]],
                **context["citizen"],
            },
            "close": lambda: {"summary": "处罚决定已执行完毕"},
            "hand_over_cash": lambda: {"receipt": f"JK{day:%Y%m%d}{self.random.randrange(1000):03d}"},
        }
        return makers[name]() if name in makers else {}

    def _proposed(self, day: date, context: dict[str, Any], chosen: tuple[str, ...]) -> dict[str, Any]:
        """The report's proposal as the officer takes it from the discretion assistant (laws/assistant.py): the
        violation, the circumstances ticked, and a fine inside the tier proposed; the basis and the reasoning are
        left for the assistant to draft."""
        case = context["case"]
        proposal = discretion.proposal_for(case, context["violation"], day, list(chosen), context["base"])
        fine = _quarter(proposal.fine_min, proposal.fine_max) or context["fine"]
        context["fine"] = fine
        return {
            "violation": context["violation"],
            "circumstances": list(chosen),
            "base": context["base"],
            "facts_found": f"当事人{context['facts']}",
            "penalty_kinds": ["fine"],
            "fine": fine,
            "penalty_text": f"罚款人民币{fine}元",
        }

    def _hearing(self, day: date, context: dict[str, Any]) -> dict[str, Any]:
        context["hearing_on"] = rules.earliest_hearing(day).date
        return {
            "hearing_on": context["hearing_on"],
            "hearing_time": "09:00",
            "place": "管理局听证室",
            "chair": self.chair,
            "clerk": "书记员 陈某",
        }


def _returned(context: dict[str, Any]) -> dict[str, Any]:
    """The reviewer's return, one problem per round (RETURNS), with the checklist item not in order."""
    item, problem, _added = RETURNS[context.get("returns", 0) % len(RETURNS)]
    context["returns"] = context.get("returns", 0) + 1
    return {
        "conclusion": "return",
        "checked": [key for key, _label in major.CHECKLIST if key != item],
        "problems": problem,
        "opinion": f"退回补充调查：{problem}",
    }


def _reported_again(context: dict[str, Any]) -> dict[str, Any]:
    """The report's findings, with what was added after each return (the review page marks the change)."""
    returns = context.get("returns", 0)
    facts = context["facts"] + "".join(added for _item, _problem, added in RETURNS[:returns])
    found: dict[str, Any] = {"facts_found": facts}
    if returns >= 2:
        found["discretion_reasons"] = "违法情节一般，无从轻、减轻情节，适用裁量基准第二档（一般情节），取该档中间数额"
    return found


def _able(agency: Agency, today: date) -> list[Officer]:
    """The agency's officers able to enforce through the demo's whole year."""
    able = [o for o in agency.officers.order_by("pk") if can_enforce(o, agency, today - timedelta(days=400))]
    return [o for o in able if can_enforce(o, agency, today)]


def _team(agency: Agency, today: date, first: Officer | None) -> list[Officer]:
    able = _able(agency, today)
    if first is not None and first in able:
        able.remove(first)
        able.insert(0, first)
    return able[:2]


def load_cases(
    today: date,
    branch: Agency,
    *,
    logins: tuple[str, str, str] = ("officer", "approver", "reviewer"),
    sector: Sector = FORESTRY,
    plans: tuple[Plan, ...] = PLANS,
) -> Iterator[Case]:
    """Take `plans` through the services in `branch` as the officer, approver and reviewer `logins`; the
    officer login's colleagues make up the team."""
    officer_login = User.objects.get(username=logins[0])
    team = _team(branch, today, getattr(officer_login, "officer", None))
    people = {
        Role.OFFICER.value: officer_login,
        Role.APPROVER.value: User.objects.get(username=logins[1]),
        Role.LEGAL_REVIEWER.value: User.objects.get(username=logins[2]),
    }
    _settings(people[Role.APPROVER.value], branch, sector)
    director = _Director(today, branch, team, people, sector)
    documented = 0
    for serial, plan in enumerate(plans):
        # A few finished cases carry their documents (a quarter of a second each to render, so not all).
        wanted = documented < DOCUMENTED_CASES and "serve" in plan.steps
        case = director.run(plan, serial, documented=wanted)
        if case is None:
            continue
        if wanted and case.served_on is not None:
            documented += 1
            _document(case, people[Role.OFFICER.value])
        yield case


def _document(case: Case, officer: User) -> None:
    """Make every document the case's acts allow and that is not made yet."""
    for pending in issuing.issuable(case):
        issuing.issue_document(officer, case, pending.kind, entry=pending.entry.index)


def _settings(approver: User, branch: Agency, sector: Sector) -> None:
    """The bureau sets what holds for all its branches; the branch adds its own court and contact."""
    bureau = branch.parent
    assert bureau is not None
    agency_settings.update(approver, bureau, sector.bureau_settings)
    own = {name: value.format(branch=branch.name) for name, value in sector.branch_settings.items()}
    agency_settings.update(approver, branch, own)
    # The bureau's catalog of major decisions, published by a system administrator over it for its legal office;
    # where none is, the branch's legal reviewer publishes the branch's own.
    over = [bureau, *bureau.ancestors()]
    admins = User.objects.filter(role_assignments__role=Role.SYSADMIN.value, agency__in=over, is_active=True)
    admin = admins.order_by("pk").first()
    if admin is not None and not bureau.major_catalogs.exists():
        major.add_version(admin, bureau, sector.major_catalog)
    elif admin is None and not branch.major_catalogs.exists():
        reviewer = User.objects.filter(role_assignments__role=Role.LEGAL_REVIEWER.value, agency=branch).first()
        if reviewer is not None:
            major.add_version(reviewer, branch, sector.major_catalog)


def _transcript(team: list[Officer], context: dict[str, Any], permit: str) -> str:
    asker, writer = team[0].name, team[1].name
    return (
        f"问：我们是{asker}、{writer}，这是我们的执法证件。依法向你询问，你应如实回答。你是否申请回避？\n"
        "答：不申请。\n"
        "问：请说一下事情经过。\n"
        f"答：{context['facts']}，是我做的。\n"
        f"问：你是否办理了{permit}？\n"
        "答：没有办理。\n"
        "问：以上记录你看一下是否属实。\n"
        "答：以上笔录我看过，和我说的一样。"
    )
