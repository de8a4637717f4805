"""Every change to officers and certificates goes through one of these functions.

Each checks the rules, writes the rows and appends its ledger entry in one transaction, and keeps the
certificate's history. Pages, the import and the demo all call these; no rule lives in a view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhifa.core.bounds import EARLIEST_DATE
from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record
from zhifa.personnel.choices import (
    CertificateEventKind,
    CertificateStatus,
    Gender,
    OfficerKind,
    OfficerStatus,
    ReviewResult,
)
from zhifa.personnel.models import Certificate, CertificateEvent, Officer
from zhifa.personnel.rules import ANNUAL_REVIEW_INTERVAL, CERTIFICATE_MAX_VALIDITY

# Personnel records are kept by system administrators and the supervision office.
PERSONNEL_ROLES = (Role.SYSADMIN, Role.SUPERVISOR)


def _event(
    certificate: Certificate,
    *,
    actor: User,
    kind: str,
    on_date: date,
    reason: str = "",
    result: str = "",
    files: Sequence[str] = (),
) -> CertificateEvent:
    """Keep the certificate's history and record the change in the ledger; call after saving the change."""
    event = CertificateEvent(
        certificate=certificate,
        kind=kind,
        on_date=on_date,
        reason=reason,
        result=result,
        actor=actor,
        actor_name=actor.get_full_name(),
    )
    event.full_clean()
    event.save()
    record(
        actor=actor,
        action=f"certificate.{kind}",
        subject=certificate,
        agency=certificate.officer.agency,
        facts={
            "actor": actor.get_full_name(),
            "on_date": on_date.isoformat(),
            "reason": reason,
            "result": result,
            "holder": certificate.officer.name,
        },
        files=files,
    )
    return event


@transaction.atomic
def officer_create(
    *,
    actor: User,
    agency: Agency,
    name: str,
    gender: str,
    id_number: str,
    kind: str = OfficerKind.OFFICER,
    position: str = "",
    phone: str = "",
    legal_qualification: bool = False,
    qualification_number: str = "",
    legal_review_since: date | None = None,
    user: User | None = None,
) -> Officer:
    require_role(actor, PERSONNEL_ROLES, agency=agency, doing="登记执法人员")
    if gender not in Gender.values:
        raise Refusal("性别应为“男”或“女”", field="gender")
    _check_legal_review(legal_qualification, qualification_number, legal_review_since)
    officer = Officer(
        agency=agency,
        name=name.strip(),
        gender=gender,
        id_number=id_number.strip().upper(),
        kind=kind,
        position=position.strip(),
        phone=phone.strip(),
        legal_qualification=legal_qualification,
        qualification_number=qualification_number.strip(),
        legal_review_since=legal_review_since,
        user=user,
    )
    officer.full_clean()
    officer.save()
    record(actor=actor, action="officer.create", subject=officer, agency=agency, facts={"actor": actor.get_full_name()})
    return officer


@transaction.atomic
def officer_create_login(*, actor: User, officer: Officer, username: str, password: str) -> User:
    """A login for a registered officer, linked to his record: his name and agency carried over, no role (三员分立:
    the security administrator grants roles), an initial password he must change at his first login."""
    from zhifa.core.services import user_create

    require_role(actor, [Role.SYSADMIN], agency=officer.agency, doing="创建登录账号")
    officer = Officer.objects.select_for_update().select_related("agency").get(pk=officer.pk)
    if officer.user_id is not None:
        raise Refusal(f"{officer.name} 已有登录账号，不能再创建", field="username")
    if officer.status != OfficerStatus.ACTIVE:
        raise Refusal(f"{officer.name} 已离岗，不能创建登录账号", field="username")
    user = user_create(
        actor=actor, username=username, full_name=officer.name, agency=officer.agency, roles=[], password=password
    )
    officer.user = user
    officer.save(update_fields=["user"])
    record(
        actor=actor,
        action="officer.create_login",
        subject=officer,
        agency=officer.agency,
        facts={"actor": actor.get_full_name(), "officer": officer.name, "username": user.username},
    )
    return user


@transaction.atomic
def officer_update(*, actor: User, officer: Officer, position: str, phone: str) -> Officer:
    """Change an officer's position and mobile number (the fields an edited Excel list may change)."""
    require_role(actor, PERSONNEL_ROLES, agency=officer.agency, doing="更新执法人员信息")
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    before = {"position": officer.position, "phone": officer.phone}
    officer.position, officer.phone = position.strip(), phone.strip()
    officer.full_clean()
    officer.save(update_fields=["position", "phone"])
    record(
        actor=actor,
        action="officer.update",
        subject=officer,
        agency=officer.agency,
        facts={"actor": actor.get_full_name(), "before": before, "position": officer.position, "phone": officer.phone},
    )
    return officer


@transaction.atomic
def officer_list_export(*, actor: User, count: int, query: str) -> None:
    """Record that the officer list (full ID and mobile numbers) left the system as a file, and with what filter."""
    require_role(actor, PERSONNEL_ROLES, agency=actor.agency, doing="导出执法人员名单")
    record(
        actor=actor,
        action="officer.export",
        subject=f"personnel.officer_list:{actor.agency_id or 0}",
        agency=actor.agency,
        facts={"actor": actor.get_full_name(), "count": count, "filter": query},
    )


def _check_legal_review(qualified: bool, number: str, since: date | None) -> None:
    if number.strip() and not qualified:
        raise Refusal("填写了法律职业资格证书编号的，请勾选“具有法律职业资格”", field="legal_qualification")
    if since is not None and since < EARLIEST_DATE:
        raise Refusal(f"法制审核起始日期不能早于 {EARLIEST_DATE.isoformat()}", field="legal_review_since")
    if since is not None and since > timezone.localdate():
        raise Refusal("法制审核起始日期不能晚于今天", field="legal_review_since")


@transaction.atomic
def officer_set_legal_review(
    *,
    actor: User,
    officer: Officer,
    legal_qualification: bool,
    qualification_number: str = "",
    legal_review_since: date | None = None,
) -> Officer:
    """Record a reviewer's legal professional qualification and the day he began legal review work: together they
    decide whether he may review (行政处罚法 第五十八条第二款; personnel.rules.may_review)."""
    require_role(actor, PERSONNEL_ROLES, agency=officer.agency, doing="登记法制审核资格")
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    _check_legal_review(legal_qualification, qualification_number, legal_review_since)
    officer.legal_qualification = legal_qualification
    officer.qualification_number = qualification_number.strip()
    officer.legal_review_since = legal_review_since
    officer.full_clean()
    officer.save()
    record(
        actor=actor,
        action="officer.legal_review",
        subject=officer,
        agency=officer.agency,
        facts={
            "actor": actor.get_full_name(),
            "legal_qualification": legal_qualification,
            "qualification_number": officer.qualification_number,
            "legal_review_since": legal_review_since.isoformat() if legal_review_since else None,
        },
    )
    return officer


@transaction.atomic
def officer_leave(*, actor: User, officer: Officer, left_on: date, reason: str) -> Officer:
    """An officer leaves enforcement: every certificate he still holds is revoked.

    Seed 000: certificates of people who left enforcement are withdrawn (清理、收回证件).
    """
    require_role(actor, PERSONNEL_ROLES, agency=officer.agency, doing="办理人员离岗")
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if officer.status == OfficerStatus.LEFT:
        raise Refusal(f"{officer.name} 已于 {officer.left_on} 离岗")
    if not reason.strip():
        raise Refusal("请填写离岗原因", field="reason")
    officer.status = OfficerStatus.LEFT
    officer.left_on = left_on
    officer.left_reason = reason.strip()
    officer.full_clean()
    officer.save()
    record(
        actor=actor,
        action="officer.leave",
        subject=officer,
        agency=officer.agency,
        facts={"actor": actor.get_full_name(), "left_on": left_on.isoformat(), "reason": officer.left_reason},
    )
    for certificate in officer.certificates.exclude(status=CertificateStatus.REVOKED):
        certificate_revoke(actor=actor, certificate=certificate, on_date=left_on, reason=f"离开执法岗位：{reason}")
    return officer


@transaction.atomic
def certificate_issue(
    *,
    actor: User,
    officer: Officer,
    number: str,
    issuing_body: str,
    valid_from: date,
    valid_until: date,
    domains: list[str],
    files: Sequence[str] = (),
) -> Certificate:
    require_role(actor, PERSONNEL_ROLES, agency=officer.agency, doing="核发执法证件")
    if officer.is_auxiliary:
        raise Refusal("执法辅助人员不得持有行政执法证件", rule="118号文；大青山管理局2022年方案")
    if officer.status == OfficerStatus.LEFT:
        raise Refusal(f"{officer.name} 已离开执法岗位，不能核发证件")
    if valid_from < EARLIEST_DATE:  # the form says so too; an import reaches here without it
        raise Refusal(f"有效期起不能早于 {EARLIEST_DATE.isoformat()}", field="valid_from")
    if valid_until <= valid_from:
        raise Refusal("有效期至应晚于有效期起", field="valid_until")
    if valid_until > valid_from + CERTIFICATE_MAX_VALIDITY:
        raise Refusal("执法证件有效期最长五年，期满换发", field="valid_until", rule="省级行政执法证件管理办法")
    unknown = [code for code in domains if code not in Domain.values]
    if unknown or not domains:
        raise Refusal("请选择有效的执法领域", field="domains")
    held = officer.certificates.exclude(status=CertificateStatus.REVOKED).first()
    if held is not None:
        raise Refusal(f"{officer.name} 已持有未注销的执法证件 {held.number}，换发前请先注销原证件")
    certificate = Certificate(
        officer=officer,
        number=number.strip(),
        issuing_body=issuing_body.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        domains=list(domains),
        review_due=valid_from + ANNUAL_REVIEW_INTERVAL,
    )
    certificate.full_clean()
    certificate.save()
    _event(certificate, actor=actor, kind=CertificateEventKind.ISSUED, on_date=valid_from, files=files)
    return certificate


def _locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().select_related("officer__agency").get(pk=certificate.pk)


@transaction.atomic
def certificate_annual_review(
    *,
    actor: User,
    certificate: Certificate,
    reviewed_on: date,
    result: str,
    opinion: str = "",
    files: Sequence[str] = (),
) -> Certificate:
    """Record the yearly review (年审). Passing moves the next due date a year on; failing suspends."""
    certificate = _locked(certificate)
    require_role(actor, PERSONNEL_ROLES, agency=certificate.officer.agency, doing="办理证件年审")
    if certificate.status == CertificateStatus.REVOKED:
        raise Refusal(f"执法证件 {certificate.number} 已注销，不能年审")
    if result not in ReviewResult.values:
        raise Refusal("请选择年审结论", field="result")
    if result == ReviewResult.FAILED and not opinion.strip():
        raise Refusal("年审不合格须写明意见", field="opinion")
    if reviewed_on < certificate.valid_from:
        raise Refusal("年审日期不能早于证件生效日期", field="reviewed_on")
    if result == ReviewResult.PASSED:
        # The cycle keeps its anniversary; a review made long after it starts the next year from the review.
        certificate.review_due = max(certificate.review_due, reviewed_on) + ANNUAL_REVIEW_INTERVAL
        certificate.review_due = min(certificate.review_due, certificate.valid_until)
    else:
        certificate.status = CertificateStatus.SUSPENDED
        certificate.status_reason = f"年审不合格：{opinion.strip()}"
        certificate.status_changed_on = reviewed_on
    certificate.full_clean()
    certificate.save()
    _event(
        certificate,
        actor=actor,
        kind=CertificateEventKind.ANNUAL_REVIEW,
        on_date=reviewed_on,
        result=result,
        reason=opinion.strip(),
        files=files,
    )
    return certificate


@transaction.atomic
def certificate_suspend(
    *, actor: User, certificate: Certificate, on_date: date, reason: str, files: Sequence[str] = ()
) -> Certificate:
    certificate = _locked(certificate)
    require_role(actor, PERSONNEL_ROLES, agency=certificate.officer.agency, doing="暂扣执法证件")
    if certificate.status != CertificateStatus.VALID:
        raise Refusal(f"执法证件 {certificate.number} 当前为“{certificate.get_status_display()}”，不能暂扣")
    if not reason.strip():
        raise Refusal("请填写暂扣原因", field="reason")
    certificate.status = CertificateStatus.SUSPENDED
    certificate.status_reason = reason.strip()
    certificate.status_changed_on = on_date
    certificate.full_clean()
    certificate.save()
    _event(
        certificate,
        actor=actor,
        kind=CertificateEventKind.SUSPENDED,
        on_date=on_date,
        reason=reason.strip(),
        files=files,
    )
    return certificate


@transaction.atomic
def certificate_reinstate(
    *, actor: User, certificate: Certificate, on_date: date, reason: str, files: Sequence[str] = ()
) -> Certificate:
    certificate = _locked(certificate)
    require_role(actor, PERSONNEL_ROLES, agency=certificate.officer.agency, doing="恢复执法证件")
    if certificate.status != CertificateStatus.SUSPENDED:
        raise Refusal(f"执法证件 {certificate.number} 未被暂扣，无需恢复")
    if not reason.strip():
        raise Refusal("请填写恢复理由", field="reason")
    certificate.status = CertificateStatus.VALID
    certificate.status_reason = ""
    certificate.status_changed_on = on_date
    certificate.full_clean()
    certificate.save()
    _event(
        certificate,
        actor=actor,
        kind=CertificateEventKind.REINSTATED,
        on_date=on_date,
        reason=reason.strip(),
        files=files,
    )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, actor: User, certificate: Certificate, on_date: date, reason: str, files: Sequence[str] = ()
) -> Certificate:
    """Withdraw a certificate for good, e.g. when its holder leaves enforcement (seed 000)."""
    certificate = _locked(certificate)
    require_role(actor, PERSONNEL_ROLES, agency=certificate.officer.agency, doing="注销执法证件")
    if certificate.status == CertificateStatus.REVOKED:
        raise Refusal(f"执法证件 {certificate.number} 已注销")
    if not reason.strip():
        raise Refusal("请填写注销原因", field="reason")
    certificate.status = CertificateStatus.REVOKED
    certificate.status_reason = reason.strip()
    certificate.status_changed_on = on_date
    certificate.full_clean()
    certificate.save()
    _event(
        certificate, actor=actor, kind=CertificateEventKind.REVOKED, on_date=on_date, reason=reason.strip(), files=files
    )
    return certificate
