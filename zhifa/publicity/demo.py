"""The demo's publications (演示数据): the decisions of the demo cases published on time, one withdrawn after a
reconsideration, a credit repair approved and one waiting, the on-the-spot fines withheld as minor credit
information, and one decision left waiting past its due date for the desk's warning.

The demo's cases were decided over the past year, but it is loaded today: their publications are recorded as made
on the platform the agency used before (services.publication_publish's `published_on`), a few working days after
each decision, and the ledger shows they were recorded today.
"""

from __future__ import annotations

from datetime import date, timedelta

from zhifa.cases.models import CaseRecord
from zhifa.core.models import Agency, User
from zhifa.core.workdays import add_working_days
from zhifa.publicity import drafting, services
from zhifa.publicity.choices import PublicationState, WithholdReason
from zhifa.publicity.models import Publication

SUMMARY_NOTE = "简易程序当场作出的警告或小额罚款，属轻微失信信息，依信用修复管理办法原则上不予公示"


def load_publications(today: date) -> None:
    records = list(
        CaseRecord.objects.filter(action__in=["decide", "decide_no_penalty", "decide_on_the_spot"])
        .select_related("case__agency")
        .order_by("on_date", "pk")
    )
    published: list[Publication] = []
    for record in records:
        actor = _publisher_for(record.case.agency, record.case.created_by)
        case = record.case
        if record.action == "decide_on_the_spot":
            services.publication_withhold(
                actor=actor,
                case=case,
                decision_entry=record.entry_index,
                reason=WithholdReason.MINOR_CREDIT,
                note=SUMMARY_NOTE,
            )
            continue
        draft = drafting.draft(case, record.entry_index)
        if record.action == "decide" and draft.document is None:
            continue  # its decision document is not made yet: left waiting, past due, for the desk to warn
        published_on = min(today, add_working_days(record.on_date, 3).date)
        confirmed = [term for term in draft.terms if term.suggested]
        published.append(
            services.publication_publish(
                actor=actor,
                case=case,
                decision_entry=record.entry_index,
                confirmed=confirmed,
                published_on=published_on,
            )
        )
    penalties = [p for p in published if p.decision_class == "penalty" and p.state == PublicationState.PUBLISHED]
    if len(penalties) < 4:
        return
    # A decision revoked by the reconsideration body yesterday, withdrawn today (行政处罚法 第四十八条).
    revoked = penalties[1]
    services.publication_withdraw(
        actor=_publisher_for(revoked.agency, revoked.created_by),
        publication=revoked,
        reason="revoked",
        revoked_by="reconsideration",
        revoked_on=max(revoked.decided_on, today - timedelta(days=1)),
        notice="经行政复议，复议机关以认定事实不清为由撤销原行政处罚决定，责令本机关重新作出处理",
    )
    # Credit repairs: one approved, one waiting for the head's answer.
    for publication, approve in ((penalties[0], True), (penalties[2], None)):
        if services.repair_refusal(publication, today) is not None or not services.party_identity(publication):
            continue
        filed = services.repair_apply(
            publication=publication,
            applicant=publication.party,
            contact="13900000000",
            statement="罚款已全部缴纳，违法行为已改正，已补种树木并经林业站验收",
            identity=services.party_identity(publication),
        )
        if approve:
            services.repair_answer(
                actor=_publisher_for(publication.agency, publication.created_by),
                repair=filed.repair,
                approve=True,
                answer="经核查，当事人已履行处罚决定并改正违法行为，公示已满最短期限，准予信用修复",
            )


def _publisher_for(agency: Agency, fallback: User) -> User:
    """The head over the agency publishes and answers repairs (the demo's approver logins sit at the bureaus)."""
    for level in agency.upward_line():
        user = User.objects.filter(agency=level, role_assignments__role="approver").order_by("pk").first()
        if user is not None:
            return user
    return fallback
