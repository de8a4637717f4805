"""Who may enforce: the certificate rules and the two-officer rule, each in one place.

`can_enforce` answers for one officer; `check_investigators` for the officers named on an
investigative act. Later capabilities call these and nothing else to decide who may act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from zhifa.core.models import Agency
from zhifa.personnel.choices import CertificateEventKind, CertificateStatus, OfficerStatus, ReviewResult
from zhifa.personnel.models import Certificate, Officer

# Certificates are reviewed once a year (年审) — seed 000 (大青山管理局 2022 方案, 证件清理和年审).
ANNUAL_REVIEW_INTERVAL = relativedelta(years=1)
# A certificate is issued for at most five years, then renewed
# (provincial certificate rules, secondary source; see docs/rules.md).
CERTIFICATE_MAX_VALIDITY = relativedelta(years=5)
# Legal reviewers should be no fewer than 5 % of an agency's enforcement officers (118号文).
LEGAL_REVIEWER_PERCENT = 5
# Investigation and inspection need at least two officers (行政处罚法 第四十二条、第五十五条).
MIN_INVESTIGATORS = 2


@dataclass(frozen=True)
class Eligibility:
    """The answer to "may this officer act?": `allowed`, and when not, `code` and a Chinese `reason`."""

    allowed: bool
    code: str = "ok"
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


OK = Eligibility(True)


def _refuse(code: str, reason: str) -> Eligibility:
    return Eligibility(False, code, reason)


def same_line(officer_agency: Agency, agency: Agency) -> bool:
    """An officer acts for his own agency, an agency above it, or one below it — never a sibling's."""
    return agency.is_within(officer_agency) or officer_agency.is_within(agency)


def status_on(certificate: Certificate, on_date: date) -> tuple[str, str]:
    """The certificate's status and its reason on `on_date`, from its history: an act is judged by the
    certificate as it stood on the act's day, not by what happened to it since (a suspension dated after an
    act does not undo the act; one dated before it stops it)."""
    events = sorted(certificate.events.all(), key=lambda event: (event.on_date, event.created_at, event.pk))
    if not events:  # a certificate without history: only its present status is known
        return certificate.status, certificate.status_reason
    status, reason = CertificateStatus.VALID.value, ""
    for event in events:
        if event.on_date > on_date:
            break
        if event.kind == CertificateEventKind.SUSPENDED:
            status, reason = CertificateStatus.SUSPENDED.value, event.reason
        elif event.kind == CertificateEventKind.ANNUAL_REVIEW and event.result == ReviewResult.FAILED:
            status, reason = CertificateStatus.SUSPENDED.value, f"年审不合格：{event.reason}"
        elif event.kind == CertificateEventKind.REINSTATED:
            status, reason = CertificateStatus.VALID.value, ""
        elif event.kind == CertificateEventKind.REVOKED:
            status, reason = CertificateStatus.REVOKED.value, event.reason
    return status, reason


def certificate_eligibility(certificate: Certificate, agency: Agency, on_date: date) -> Eligibility:
    number = certificate.number
    status, reason = status_on(certificate, on_date)
    if status == CertificateStatus.REVOKED:
        return _refuse("revoked", f"执法证件 {number} 已注销：{reason}")
    if status == CertificateStatus.SUSPENDED:
        return _refuse("suspended", f"执法证件 {number} 已暂扣：{reason}")
    if on_date < certificate.valid_from:
        return _refuse("not_yet_valid", f"执法证件 {number} 自 {certificate.valid_from} 起生效")
    if on_date > certificate.valid_until:
        return _refuse("expired", f"执法证件 {number} 已于 {certificate.valid_until} 过期")
    if on_date > certificate.review_due:
        return _refuse("review_overdue", f"执法证件 {number} 年审逾期（应于 {certificate.review_due} 前年审）")
    if certificate.domains and agency.domains and not set(certificate.domains) & set(agency.domains):
        return _refuse("domain", f"执法证件 {number} 的执法领域与 {agency.name} 的执法领域不符")
    return OK


def can_enforce(officer: Officer, agency: Agency, on_date: date) -> Eligibility:
    """Whether `officer` may carry out enforcement for `agency` on `on_date`, and why not.

    Only officers with a valid certificate enforce; auxiliary staff assist and never act alone
    (118号文; seeds 000, 001, 003). Certificates are reviewed yearly and withdrawn on leaving (seed 000).
    """
    if officer.status == OfficerStatus.LEFT and (officer.left_on is None or officer.left_on <= on_date):
        return _refuse("left", f"{officer.name} 已于 {officer.left_on} 离开执法岗位")
    if officer.is_auxiliary:
        return _refuse("auxiliary", f"{officer.name} 是执法辅助人员，不得单独执法或签署执法文书")
    if not same_line(officer.agency, agency):
        return _refuse("agency", f"{officer.name} 隶属 {officer.agency.name}，不能以 {agency.name} 的名义执法")
    certificates = list(officer.certificates.all())
    if not certificates:
        return _refuse("no_certificate", f"{officer.name} 未取得行政执法证件")
    answers = [certificate_eligibility(c, agency, on_date) for c in certificates]
    if any(answers):
        return OK

    # Explain with the certificate the officer would have shown that day: the newest whose period covers the
    # date, else the newest of all.
    def shown(i: int) -> tuple[bool, date, int]:
        held = certificates[i]
        return (held.valid_from <= on_date <= held.valid_until, held.valid_from, held.pk)

    return answers[max(range(len(certificates)), key=shown)]


def check_investigators(officers: Iterable[Officer], agency: Agency, on_date: date) -> Eligibility:
    """Investigative acts need at least two officers able to enforce (行政处罚法 第四十二条、第五十五条).

    Auxiliary staff may be present but never count towards the two.
    """
    distinct = {officer.pk: officer for officer in officers}.values()
    refusals = []
    able = 0
    for officer in distinct:
        answer = can_enforce(officer, agency, on_date)
        if answer:
            able += 1
        else:
            refusals.append(answer.reason)
    if able >= MIN_INVESTIGATORS:
        return OK
    detail = "；".join(refusals)
    reason = f"调查、检查须由两名以上持有效执法证件的执法人员进行，当前只有 {able} 名"
    return _refuse("two_officers", f"{reason}（{detail}）" if detail else reason)


def legal_reviewers_needed(officer_count: int) -> int:
    """The fewest legal reviewers for `officer_count` enforcement officers: 5 %, rounded up (118号文)."""
    return -(-officer_count * LEGAL_REVIEWER_PERCENT // 100)


# 行政处罚法 (2021年修订) 第五十八条第二款: those who first do legal review of penalty decisions from the revised law's
# effective date must hold the national legal professional qualification; those reviewing before it keep reviewing.
QUALIFICATION_REQUIRED_FROM = date(2021, 7, 15)
REVIEWER_RULE = "行政处罚法 第五十八条第二款"


def may_review(officer: Officer) -> Eligibility:
    """Whether `officer` holds what 第五十八条第二款 asks of a legal reviewer: the qualification, or legal review
    work begun before 2021-07-15 (the rule binds those first doing it from then; its start date is recorded)."""
    if officer.legal_qualification:
        return OK
    since = officer.legal_review_since
    if since is not None and since < QUALIFICATION_REQUIRED_FROM:
        return OK
    if since is not None:
        begun = f"于 {since} 开始从事法制审核"
    else:
        begun = "未登记法制审核起始日期（2021年7月15日前已从事的须登记）"
    return _refuse(
        "no_legal_qualification",
        f"{officer.name} 未取得法律职业资格，{begun}；2021年7月15日起初次从事行政处罚决定法制审核的人员，"
        "应当通过国家统一法律职业资格考试取得法律职业资格",
    )
