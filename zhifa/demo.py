"""Demo data: the agencies of the seed documents, about 60 officers with certificates in every
state, and one login per role. Generated deterministically; names and numbers are made up but valid
in form (ID check digits, credit-code check characters). Loaded once, in one transaction.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa import demo_files
from zhifa.archives.demo import load_exports
from zhifa.cases.demo import ECOLOGY, ecology_plans, load_cases
from zhifa.complaints.demo import load_complaints
from zhifa.core.choices import ADMIN_ROLES, AgencyKind, Domain, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.services import two_factor_confirm, user_create
from zhifa.core.validators import credit_code_check_char, resident_id_check_char
from zhifa.devices.demo import load_devices
from zhifa.inspections.demo import load_inspections
from zhifa.laws import loader as laws
from zhifa.ledger import blobs, cosign
from zhifa.ledger.services import checkpoint_issue, latest_checkpoint
from zhifa.ledger.witnesses import cosignature_submit, witness_add
from zhifa.personnel import services
from zhifa.personnel.choices import Gender, OfficerKind, ReviewResult
from zhifa.personnel.models import Certificate, Officer
from zhifa.powers.demo import load_lists
from zhifa.publicity.demo import load_publications
from zhifa.supervision.demo_modes import load_modes
from zhifa.supervision.demo_notices import load_notices
from zhifa.supervision.demo_overview import load_overview
from zhifa.supervision.demo_reports import load_reports
from zhifa.supervision.demo_reviews import load_reviews

DEMO_PASSWORD = "Zhifa@2026"  # noqa: S105 - printed for the demo on purpose
DEMO_DEVICE_NAME = "演示验证器"  # the authenticator the demo enrols for its administrators (see demo_code)


@dataclass(frozen=True)
class AgencySeed:
    name: str
    short: str
    kind: str
    region: str  # GB/T 2260 code of the county where its people are registered
    domains: tuple[str, ...]
    jurisdiction: tuple[str, ...]
    officers: int
    children: tuple[AgencySeed, ...] = ()


_RESERVE = (Domain.NATURE_RESERVE, Domain.FORESTRY)
AGENCIES = (
    AgencySeed(
        "大青山国家级自然保护区管理局",
        "大青保",
        AgencyKind.BUREAU,
        "150102",
        _RESERVE,
        ("呼和浩特市", "包头市", "乌兰察布市"),
        6,
        (
            AgencySeed(
                "大青山国家级自然保护区管理局呼和浩特分局",
                "大青呼",
                AgencyKind.BRANCH,
                "150105",
                _RESERVE,
                ("新城区", "赛罕区", "土默特左旗"),
                5,
                (
                    AgencySeed("哈拉沁保护站", "哈拉沁", AgencyKind.STATION, "150105", _RESERVE, ("哈拉沁沟",), 3),
                    AgencySeed("乌素图保护站", "乌素图", AgencyKind.STATION, "150104", _RESERVE, ("乌素图沟",), 2),
                ),
            ),
            AgencySeed(
                "大青山国家级自然保护区管理局包头分局",
                "大青包",
                AgencyKind.BRANCH,
                "150203",
                _RESERVE,
                ("昆都仑区", "石拐区", "土默特右旗"),
                4,
                (AgencySeed("九峰山保护站", "九峰山", AgencyKind.STATION, "150205", _RESERVE, ("九峰山",), 2),),
            ),
            AgencySeed(
                "大青山国家级自然保护区管理局乌兰察布分局",
                "大青乌",
                AgencyKind.BRANCH,
                "150921",
                _RESERVE,
                ("卓资县",),
                3,
            ),
        ),
    ),
    AgencySeed(
        "抚远市林业和草原局",
        "抚林",
        AgencyKind.BUREAU,
        "230883",
        (Domain.FORESTRY,),
        ("抚远市",),
        6,
        (
            AgencySeed("抚远市森林派出所", "抚森", AgencyKind.POLICE, "230883", (Domain.FORESTRY,), ("抚远市",), 4),
            AgencySeed(
                "抚远市林政稽查大队",
                "抚林稽",
                AgencyKind.BRIGADE,
                "230883",
                (Domain.FORESTRY,),
                ("抚远市",),
                4,
            ),
            AgencySeed(
                "抚远市木材检查站",
                "抚检",
                AgencyKind.CHECKPOINT,
                "230883",
                (Domain.FORESTRY,),
                ("抚远市",),
                3,
            ),
        ),
    ),
    AgencySeed(
        "西双版纳州生态环境局",
        "西生环",
        AgencyKind.BUREAU,
        "532801",
        (Domain.ECOLOGY,),
        ("景洪市", "勐海县", "勐腊县"),
        5,
        (
            AgencySeed(
                "西双版纳州生态环境局景洪市生态环境综合行政执法大队",
                "景生执",
                AgencyKind.BRIGADE,
                "532801",
                (Domain.ECOLOGY,),
                ("景洪市",),
                5,
            ),
            AgencySeed(
                "西双版纳州生态环境局勐海县生态环境综合行政执法大队",
                "海生执",
                AgencyKind.BRIGADE,
                "532822",
                (Domain.ECOLOGY,),
                ("勐海县",),
                4,
            ),
            AgencySeed(
                "西双版纳州生态环境局勐腊县生态环境综合行政执法大队",
                "腊生执",
                AgencyKind.BRIGADE,
                "532823",
                (Domain.ECOLOGY,),
                ("勐腊县",),
                4,
            ),
        ),
    ),
)

ISSUERS = {"15": "内蒙古自治区人民政府", "23": "黑龙江省人民政府", "53": "云南省人民政府"}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建志国文斌宇浩凯鹏飞云海"
    "波林雪梅晨旭东阳春雷宁松柏岩峰琳婷慧"
)
POSITIONS = ("科员", "副科长", "科长", "队员", "副队长", "队长", "站长", "副站长", "民警")

# One login per role; the officer and auxiliary logins are people in a branch, the rest sit at the top.
LOGINS = (
    ("officer", Role.OFFICER, "执法人员"),
    ("auxiliary", Role.AUXILIARY, "执法辅助人员"),
    ("approver", Role.APPROVER, "案件审批人（管理局负责人）"),
    ("deputy", Role.APPROVER, "管理局副局长（参加负责人集体讨论）"),
    ("reviewer", Role.LEGAL_REVIEWER, "法制审核人员"),
    ("supervisor", Role.SUPERVISOR, "执法监督人员"),
    # 三员分立: three administrators, none of whom holds a business role (their logins ask for a TOTP code).
    ("admin", Role.SYSADMIN, "系统管理员（用户、机关、人员与证件、日历）"),
    ("security", Role.SECADMIN, "安全管理员（角色、解锁、重置密码与二次验证、令牌）"),
    ("auditor", Role.AUDITOR, "审计管理员（只读：全过程记录与账号变更）"),
)
# The ecology bureau's own case handlers, for its pollution cases (the third tree).
ECOLOGY_LOGINS = (
    ("officer-eco", Role.OFFICER, "生态环境执法人员（景洪市执法大队）"),
    ("approver-eco", Role.APPROVER, "案件审批人（西双版纳州生态环境局负责人）"),
    ("reviewer-eco", Role.LEGAL_REVIEWER, "法制审核人员（西双版纳州生态环境局）"),
)


class _Maker:
    """Deterministic generator of people and numbers."""

    def __init__(self, today: date) -> None:
        self.random = random.Random(2026)  # noqa: S311 - demo data, not security
        self.today = today
        self.used_ids: set[str] = set()
        self.serial = 0

    def name(self) -> str:
        given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2, 2))))
        return self.random.choice(SURNAMES) + given

    def id_number(self, region: str, gender: str) -> str:
        while True:
            born = date(1968, 1, 1) + timedelta(days=self.random.randrange(365 * 30))
            sequence = self.random.randrange(0, 99) * 10 + self.random.randrange(0, 10)
            # The 17th digit is odd for men and even for women (GB 11643-1999).
            odd = sequence % 2 == 1
            if odd != (gender == Gender.MALE):
                sequence = (sequence + 1) % 1000
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = first17 + resident_id_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def credit_code(self, region: str) -> str:
        # 1 = 机构编制 registration authority, 1 = 机关; then the division code and a 9-character body.
        body = "".join(self.random.choice("0123456789") for _ in range(9))
        first17 = f"11{region}{body}"
        return first17 + credit_code_check_char(first17)

    def phone(self) -> str:
        return f"1{self.random.choice('3589')}{self.random.randrange(10**9):09d}"

    def certificate_number(self, region: str) -> str:
        self.serial += 1
        return f"{region[:2]}{self.serial:08d}"


def demo_exists() -> bool:
    return Agency.objects.filter(name=AGENCIES[0].name).exists()


@transaction.atomic
def load_demo(today: date) -> None:
    """Load the demo data. Call only when `demo_exists()` is false."""
    maker = _Maker(today)
    # The law the cases are judged by: provisions, violations, benchmarks and no-penalty lists (zhifa/laws/data).
    laws.load()
    roots = []
    for seed in AGENCIES:
        roots.append(_agency(seed, None, maker))
    admins = {
        root.pk: _login(f"admin-{i}" if i else "admin", "系统管理员", root, Role.SYSADMIN)
        for i, root in enumerate(roots)
    }
    states = _certificate_plan()
    seeds = _seeds_by_name()
    for root in roots:
        admin = admins[root.pk]
        for agency in root.subtree().order_by("path"):
            seed = seeds[agency.name]
            people = []
            for index in range(seed.officers):
                auxiliary = index == seed.officers - 1 and agency.kind in (
                    AgencyKind.BRANCH,
                    AgencyKind.BRIGADE,
                )
                people.append(_officer(agency, seed, maker, admin, auxiliary, next(states)))
            if people:
                agency.head = people[0]
                agency.save(update_fields=["head"])
    _role_logins(roots[0])
    # The published lists (演示数据) of the reserve bureau and the forestry bureau, and of the ecology bureau.
    for root, sector, code in (
        (roots[0], "forestry", "DQS"),
        (roots[1], "forestry", "FYLC"),
        (roots[2], "ecology", "XSBN"),
    ):
        seed = seeds[root.name]
        load_lists(today, admins[root.pk], root, sector=sector, code=code, short=seed.short)
    branch = roots[0].children.order_by("path").first()
    assert branch is not None
    list(load_cases(today, branch))
    # Pollution cases in the ecology bureau's first brigade, handled by its own logins.
    ecology = roots[2]
    _role_logins(ecology, ECOLOGY_LOGINS)
    brigade = ecology.children.order_by("path").first()
    assert brigade is not None
    logins = (ECOLOGY_LOGINS[0][0], ECOLOGY_LOGINS[1][0], ECOLOGY_LOGINS[2][0])
    list(load_cases(today, brigade, logins=logins, sector=ECOLOGY, plans=ecology_plans(today)))
    # 事后公开: the decisions published (masked), withheld, withdrawn and repaired.
    load_publications(today)
    load_complaints(today)
    load_modes(today)
    load_reviews(today)
    load_notices(today)
    load_reports(today)
    load_overview(today)
    load_inspections(today)
    load_devices(today)  # 非现场执法: a drone photo with its custody chain, a reading over its limit
    # The case file: an archived case's binder and folder exported, each export recorded.
    load_exports()
    transaction.on_commit(checkpoint_issue)
    transaction.on_commit(_demo_witness)


# The demo's witness runs beside the system, so it proves nothing about the system: it shows what the checkpoints
# page and the check page say once real witnesses cosign (docs/verification.md says how to run one).
DEMO_WITNESS = "demo-witness.zhifa.local"


def _demo_witness() -> None:
    """Register a witness with a fresh key and cosign the latest checkpoint as an outside witness would."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        return
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    key = cosign.WitnessKey(DEMO_WITNESS, public)
    witness_add(actor=None, key_line=key.line(), description="演示见证方：与本系统同机运行，仅作演示，不具独立性")
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    line = cosign.cosign(body, DEMO_WITNESS, private, int(time.time())).line()
    cosignature_submit(checkpoint.note.rstrip("\n") + "\n" + line + "\n")


def _seeds_by_name(seeds: tuple[AgencySeed, ...] = AGENCIES) -> dict[str, AgencySeed]:
    found: dict[str, AgencySeed] = {}
    for seed in seeds:
        found[seed.name] = seed
        found.update(_seeds_by_name(seed.children))
    return found


def _agency(seed: AgencySeed, parent: Agency | None, maker: _Maker) -> Agency:
    agency = Agency(
        parent=parent,
        name=seed.name,
        short_name=seed.short,
        kind=seed.kind,
        credit_code=maker.credit_code(seed.region),
        jurisdiction=list(seed.jurisdiction),
        domains=[str(d) for d in seed.domains],
    )
    agency.full_clean(exclude=["head"])
    agency.save()
    for child in seed.children:
        _agency(child, agency, maker)
    return agency


def _certificate_plan() -> Iterator[str]:
    """An endless cycle of certificate states so that every agency shows a mix."""
    plan = ["valid"] * 6 + [
        "expiring",
        "review_due",
        "review_overdue",
        "valid",
        "suspended",
        "left",
        "expired",
    ]
    while True:
        yield from plan


def _officer(agency: Agency, seed: AgencySeed, maker: _Maker, admin: User, auxiliary: bool, state: str) -> Officer:
    gender = maker.random.choice((Gender.MALE, Gender.MALE, Gender.FEMALE))
    officer = services.officer_create(
        actor=admin,
        agency=agency,
        name=maker.name(),
        gender=gender,
        id_number=maker.id_number(seed.region, gender),
        kind=OfficerKind.AUXILIARY if auxiliary else OfficerKind.OFFICER,
        position="协管员" if auxiliary else maker.random.choice(POSITIONS),
        phone=maker.phone(),
        legal_qualification=maker.random.random() < 0.15,
    )
    if auxiliary:
        return officer
    today = maker.today
    # Issue dates chosen so that each state arises naturally from the dates and the review cycle.
    if state == "expiring":
        valid_from = today - relativedelta(years=5) + timedelta(days=maker.random.randrange(10, 50))
    elif state == "expired":
        valid_from = today - relativedelta(years=5, days=maker.random.randrange(5, 60))
    else:
        valid_from = today - timedelta(days=maker.random.randrange(400, 1400))
    valid_until = valid_from + relativedelta(years=5) - timedelta(days=1)
    certificate = services.certificate_issue(
        actor=admin,
        officer=officer,
        number=maker.certificate_number(seed.region),
        issuing_body=ISSUERS[seed.region[:2]],
        valid_from=valid_from,
        valid_until=valid_until,
        domains=[str(d) for d in seed.domains],
        # The first few certificates carry a photo of the card, so that verify has real files to re-hash.
        files=[_evidence(demo_files.png(seed=maker.serial), "image/png")] if maker.serial <= 6 else [],
    )
    # Pass every annual review that fell due before today, except where the plan wants one overdue.
    stop_before = today
    if state == "review_overdue":
        stop_before = today - timedelta(days=maker.random.randrange(10, 90))
    elif state == "review_due":
        stop_before = today - relativedelta(years=1) + timedelta(days=maker.random.randrange(5, 25))
    while certificate.review_due < min(stop_before, certificate.valid_until):
        certificate = services.certificate_annual_review(
            actor=admin,
            certificate=certificate,
            reviewed_on=certificate.review_due - timedelta(days=maker.random.randrange(1, 20)),
            result=ReviewResult.PASSED,
            files=[_review_form(certificate)] if maker.serial <= 4 else [],
        )
    if state == "suspended":
        services.certificate_suspend(
            actor=admin,
            certificate=certificate,
            on_date=today - timedelta(days=12),
            reason="涉嫌违规执法，停职调查期间暂扣",
            files=[_evidence(demo_files.wav(seconds=2.5, frequency=330 + maker.serial), "audio/wav")],
        )
    elif state == "left":
        services.officer_leave(actor=admin, officer=officer, left_on=today - timedelta(days=40), reason="调离执法岗位")
    return officer


def _evidence(data: bytes, content_type: str) -> str:
    return blobs.store(io.BytesIO(data), content_type=content_type).sha256


def _review_form(certificate: Certificate) -> str:
    lines = [
        f"Certificate: {certificate.number}",
        f"Review due: {certificate.review_due.isoformat()}",
        "Result: passed",
        "Reviewed by the supervision office (demo document)",
    ]
    return _evidence(demo_files.pdf("Annual review of an enforcement certificate", lines), "application/pdf")


def _login(username: str, full_name: str, agency: Agency, role: str) -> User:
    # The demo's logins are bootstrapped by the system (actor None): their password is printed for everyone,
    # so it is neither checked against the policy nor forced to change.
    user = user_create(
        actor=None,
        username=username,
        full_name=full_name,
        agency=agency,
        roles=[role],
        password=DEMO_PASSWORD,
        must_change_password=False,
    )
    if role in ADMIN_ROLES:
        _enrol_demo_authenticator(user)
    return user


def _enrol_demo_authenticator(user: User) -> None:
    """The administrators always log in with a second factor; a demo visitor has no phone enrolled, so the demo
    enrols one whose current code `zhifa demo --code USERNAME` prints (only for devices the demo made)."""
    device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=False)
    two_factor_confirm(actor=user, device=device, token=_current_code(device))
    # The code used to confirm is spent; a visitor logging in within the same 30 seconds would be refused it
    # as a replay. The demo's device forgets it (a real one never does).
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def _current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def demo_code(username: str) -> str:
    """The code a demo administrator's authenticator shows now; refused for any device the demo did not make."""
    device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        raise Refusal(f"“{username}”没有演示用的验证器：只有演示数据中的管理员账号可以这样取得验证码", field="username")
    return _current_code(device)


def _role_logins(root: Agency, logins: tuple[tuple[str, Role, str], ...] = LOGINS) -> None:
    """One login per role in `root`'s tree (the administrator's is made apart); officer logins are tied to
    officer records of its first branch, the others sit at the top."""
    branch = root.children.order_by("path").first()
    assert branch is not None
    for username, role, label in logins:
        if role == Role.SYSADMIN:
            continue
        if role in (Role.OFFICER, Role.AUXILIARY):
            kind = OfficerKind.AUXILIARY if role == Role.AUXILIARY else OfficerKind.OFFICER
            officer = (
                Officer.objects.filter(agency=branch, kind=kind, status="active", user__isnull=True)
                .order_by("pk")
                .first()
            )
            assert officer is not None
            user = _login(username, officer.name, branch, role)
            officer.user = user
            officer.save(update_fields=["user"])
        elif role == Role.LEGAL_REVIEWER:
            _reviewer_login(username, root)
        else:
            _login(username, label, root, role)
    approver_login = next(username for username, role, _ in logins if role == Role.APPROVER)
    if root.head is not None:
        approver = User.objects.get(username=approver_login)
        approver.full_name = root.head.name
        approver.save(update_fields=["full_name"])


def _reviewer_login(username: str, root: Agency) -> None:
    """The reviewer is one of the top agency's own officers (the last, so that he chairs no hearing), holding the
    legal professional qualification (行政处罚法 第五十八条第二款), recorded through the service like any edit."""
    officer = (
        Officer.objects.filter(agency=root, kind=OfficerKind.OFFICER, status="active", user__isnull=True)
        .order_by("-pk")
        .first()
    )
    assert officer is not None
    officer.user = _login(username, officer.name, root, Role.LEGAL_REVIEWER)
    officer.save(update_fields=["user"])
    admin = User.objects.filter(agency=root, role_assignments__role=Role.SYSADMIN).first()
    assert admin is not None
    services.officer_set_legal_review(
        actor=admin,
        officer=officer,
        legal_qualification=True,
        qualification_number=f"A2019{root.pk:04d}{officer.pk:06d}",
        legal_review_since=date(2019, 9, 1),
    )


def login_table() -> list[tuple[str, str, str]]:
    rows = [(username, DEMO_PASSWORD, label) for username, _, label in LOGINS]
    rows.append(("admin-1 / admin-2", DEMO_PASSWORD, "抚远市林业和草原局 / 西双版纳州生态环境局 的系统管理员"))
    admins = {username for username, role, _ in LOGINS if role in ADMIN_ROLES} | {"admin-1 / admin-2"}
    rows = [
        (username, password, f"{label}；验证码：zhifa demo --code {username.split(' ')[0]}")
        if username in admins
        else (username, password, label)
        for username, password, label in rows
    ]
    rows.extend((username, DEMO_PASSWORD, label) for username, _, label in ECOLOGY_LOGINS)
    # Made by the supervision demo (supervision/demo_notices.py): the branch answers the supervisor's instruments
    # and writes its quarterly report.
    rows.append(("approver-branch", DEMO_PASSWORD, "分局案件审批人（答复监督文书、报送季度报告）"))
    return rows
