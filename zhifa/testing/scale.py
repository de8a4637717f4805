"""A province-sized dataset, fast: `zhifa demo --scale N` (issue 20), and the fills the benches share.

500 agencies (a provincial bureau, 20 city bureaus, 479 county branches), people with logins in each, and N cases
spread over them in every state of the workflow, each with its ledger entries (one per act: the lead, the filing,
the act that put it in its state, the decision, the service, the closing…) appended through `ledger.record_many` —
the one writer, so the tree, the leaves and the lookup are what `record()` would have made and `zhifa ledger verify`
passes — and its case records pointing at them. Rows are written in batches (COPY on PostgreSQL, executemany on
SQLite), one transaction per batch of cases with its entries. Decided cases are published on the portal.

Not every act a real case goes through is replayed: a case's entries are the acts that set its dates and state,
each carrying the case's state after it as `record()` would, so verify compares the live rows with the last one.
People, agencies and certificates are bulk-loaded without entries (as `zhifa demo` bootstraps its logins as the
system). The logins are in `logins()` and docs/operations.md.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction

#: Every generated login's password (printed by `zhifa demo --scale`): the dataset is for load tests, not people.
SCALE_PASSWORD = "Scale@2026"  # noqa: S105 - a known password on purpose, documented
CITIES = 20
OFFICERS_PER_AGENCY = 4
BATCH = 2000  # cases per transaction
SEED = 20

# The share of cases left in each state (the rest of 1.0 goes to "closed"): every state has some.
STATE_SHARES = {
    "lead": 0.04,
    "not_filed": 0.02,
    "filed": 0.03,
    "investigating": 0.10,
    "reported": 0.02,
    "legal_review": 0.02,
    "approving": 0.02,
    "collective": 0.01,
    "approved": 0.01,
    "notified": 0.02,
    "hearing_requested": 0.005,
    "hearing_scheduled": 0.005,
    "heard": 0.005,
    "decided": 0.03,
    "executing": 0.08,
    "court": 0.01,
    "no_penalty": 0.02,
    "terminated": 0.01,
    "handed_over": 0.01,
    "judiciary": 0.005,
    "prosecuted": 0.005,
    "criminal_ended": 0.005,
    "summary_decided": 0.05,
    "archived": 0.10,
}
# The act that puts a case in each state (workflow.ACTIONS: the first whose target it is).
ARRIVING = {
    "lead": "register_lead",
    "not_filed": "decline",
    "filed": "file",
    "investigating": "assign",
    "reported": "report",
    "legal_review": "submit_review",
    "approving": "submit_approval",
    "collective": "refer_collective",
    "approved": "approve",
    "notified": "notify",
    "hearing_requested": "request_hearing",
    "hearing_scheduled": "notify_hearing",
    "heard": "hold_hearing",
    "decided": "decide",
    "executing": "serve",
    "court": "apply_to_court",
    "no_penalty": "decide_no_penalty",
    "terminated": "terminate",
    "handed_over": "transfer_jurisdiction",
    "judiciary": "transfer_to_judiciary",
    "prosecuted": "judiciary_accepts",
    "criminal_ended": "record_criminal_outcome",
    "summary_decided": "decide_on_the_spot",
    "closed": "close",
    "archived": "archive",
}
DECIDED = {"decided", "executing", "court", "closed", "archived"}
SERVED = {"executing", "court", "closed", "archived"}
UNFILED = {"lead", "not_filed", "summary_decided"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------- shared fills


def province_agencies(start: int = 1) -> list[Any]:
    """500 unsaved agencies with their keys and paths: a province bureau, 20 city bureaus, 479 county branches."""
    from zhifa.core.choices import AgencyKind, Domain
    from zhifa.core.models import PATH_SEGMENT, Agency

    def path(*pks: int) -> str:
        return "".join(f"{pk:0{PATH_SEGMENT}d}/" for pk in pks)

    domains = [Domain.FORESTRY.value, Domain.NATURE_RESERVE.value]
    root = Agency(
        pk=start,
        name="省林业和草原局",
        short_name="省林",
        kind=AgencyKind.BUREAU,
        credit_code=f"B{start:016d}X",
        path=path(start),
        depth=0,
        domains=domains,
    )
    agencies = [root]
    pk = start
    for city in range(CITIES):
        pk += 1
        top = pk
        agencies.append(
            Agency(
                pk=top,
                parent_id=start,
                name=f"第{city + 1}市林业和草原局",
                short_name=f"市{city + 1}",
                kind=AgencyKind.BUREAU,
                credit_code=f"B{top:016d}X",
                path=path(start, top),
                depth=1,
                domains=domains,
            )
        )
        for county in range(24 if city < CITIES - 1 else 23):
            pk += 1
            agencies.append(
                Agency(
                    pk=pk,
                    parent_id=top,
                    name=f"第{city + 1}市第{county + 1}县林业局",
                    short_name=f"县{pk}",
                    kind=AgencyKind.BRANCH,
                    credit_code=f"B{pk:016d}X",
                    path=path(start, top, pk),
                    depth=2,
                    domains=domains,
                )
            )
    return agencies


def inserter(template: Any, varied: Sequence[str]) -> Callable[[list[tuple[Any, ...]]], None]:
    """Many rows of `template`'s model at once: the columns in `varied` from each row (already as the database
    takes them), the others as `template` has them (its defaults, prepared as Django would), the primary key the
    database's unless varied. COPY on PostgreSQL, executemany on SQLite."""
    fields = [f for f in type(template)._meta.concrete_fields if f.column not in varied and not f.primary_key]
    fixed = tuple(f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields)
    columns = [*varied, *(f.column for f in fields)]
    table = type(template)._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {table} ({quoted}) FROM STDIN"

        def copy(rows: list[tuple[Any, ...]]) -> None:
            if not rows:
                return
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as out:
                for row in rows:
                    out.write_row((*row, *fixed))

        return copy
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - our names

    def insert(rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(sql, [(*row, *fixed) for row in rows])

    return insert


def as_json() -> Callable[[Any], Any]:
    """How a JSON column's value goes into `inserter`'s rows on this database."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb
    return json.dumps


def reset_sequences(*models: Any) -> None:
    """After rows were written with their own keys: PostgreSQL's sequences continue after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# ------------------------------------------------------------------------------------------- the generator


class _Assignments:
    """Stands for `case.assignments` in the state snapshot (ledger/state.py `_case`): the rows just written."""

    def __init__(self, rows: list[tuple[int, bool, None]]) -> None:
        self.rows = rows

    def all(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(officer_id=officer, is_lead=lead, recused_on=on) for officer, lead, on in self.rows]


def logins() -> list[tuple[str, str, str]]:
    """(login, password, what it is) of the generated people, as patterns over the agencies."""
    return [
        ("supervisor", SCALE_PASSWORD, "执法监督人员，全省（省林业和草原局）"),
        ("supervisor-c<市序号 1-20>", SCALE_PASSWORD, "执法监督人员，各市局及其所属县局"),
        ("approver-<机关序号>", SCALE_PASSWORD, "案件审批人，每个机关一名"),
        ("reviewer-<机关序号>", SCALE_PASSWORD, "法制审核人员，每个机关一名"),
        (
            "officer-<机关序号>-<1-4>",
            SCALE_PASSWORD,
            "执法人员，每个机关四名；每件案件由本机关两名承办（机关序号见 zhifa demo --scale 的输出）",
        ),
    ]


def generate(cases: int, *, today: date, seed: int = SEED, progress: bool = True) -> dict[str, Any]:
    """Write the dataset into an empty database (migrated, no agencies). Returns what was made."""
    from zhifa.cases.models import Case, CaseOfficer, CaseRecord, Party
    from zhifa.core.choices import Role
    from zhifa.core.models import Agency, RoleAssignment, User
    from zhifa.ledger.services import Act, checkpoint_issue, record_many
    from zhifa.ledger.state import snapshot
    from zhifa.personnel.models import Certificate, Officer
    from zhifa.publicity.models import Publication

    if Agency.objects.exists():
        from zhifa.core.errors import Refusal

        raise Refusal("数据库中已有机关：规模数据只能生成到一个新建（已迁移）的空数据库中", field="scale")
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible from the seed
    started = time.monotonic()
    first_agency = 1
    agencies = province_agencies(first_agency)
    with transaction.atomic():
        Agency.objects.bulk_create(agencies, batch_size=500)
        password = make_password(SCALE_PASSWORD)  # one hash for every login: argon2 is slow on purpose
        users: list[User] = []
        roles: list[tuple[int, str]] = []

        def person(username: str, name: str, agency: Agency, role: str) -> User:
            user = User(
                pk=len(users) + 1,
                username=username,
                full_name=name,
                agency_id=agency.pk,
                password=password,
                must_change_password=False,
            )
            users.append(user)
            roles.append((user.pk, role))
            return user

        root = agencies[0]
        person("supervisor", "省监督员", root, Role.SUPERVISOR)
        for city in range(CITIES):
            person(f"supervisor-c{city + 1}", f"市{city + 1}监督员", agencies[1 + 25 * city], Role.SUPERVISOR)
        officers_of: dict[int, list[User]] = {}
        approver_of: dict[int, User] = {}
        for agency in agencies:
            approver_of[agency.pk] = person(f"approver-{agency.pk}", f"审批{agency.pk}", agency, Role.APPROVER)
            person(f"reviewer-{agency.pk}", f"审核{agency.pk}", agency, Role.LEGAL_REVIEWER)
            officers_of[agency.pk] = [
                person(f"officer-{agency.pk}-{k}", f"执法{agency.pk}-{k}", agency, Role.OFFICER)
                for k in range(1, OFFICERS_PER_AGENCY + 1)
            ]
        User.objects.bulk_create(users, batch_size=1000)
        RoleAssignment.objects.bulk_create([RoleAssignment(user_id=u, role=r) for u, r in roles], batch_size=1000)
        officer_rows: list[Officer] = []
        for agency in agencies:
            for user in [*officers_of[agency.pk], approver_of[agency.pk]]:
                officer_rows.append(
                    Officer(
                        pk=len(officer_rows) + 1,
                        agency_id=agency.pk,
                        user_id=user.pk,
                        name=user.full_name,
                        gender="male",
                        id_number=f"{user.pk:018d}",
                    )
                )
        Officer.objects.bulk_create(officer_rows, batch_size=1000)
        officer_id = {row.user_id: row.pk for row in officer_rows}
        Certificate.objects.bulk_create(
            [
                Certificate(
                    officer_id=row.pk,
                    number=f"SC{row.pk:08d}",
                    issuing_body="省人民政府",
                    valid_from=today - timedelta(days=1500),
                    valid_until=today + timedelta(days=1500),
                    review_due=today + timedelta(days=300),
                    domains=["forestry", "nature_reserve"],
                )
                for row in officer_rows
            ],
            batch_size=1000,
        )
        reset_sequences(Agency, User, RoleAssignment, Officer, Certificate)

    json_value = as_json()
    template = Case(
        domain="forestry",
        title="滥伐林木",
        lead_source="inspection",
        lead_summary="巡护发现林班有新伐桩",
        created_by_id=1,
        received_on=today,
        state="lead",
        agency_id=first_agency,
    )
    defaults = {field.attname: getattr(template, field.attname) for field in Case._meta.concrete_fields}
    case_columns = [
        "id",
        "agency_id",
        "created_by_id",
        "procedure",
        "state",
        "received_on",
        "filed_on",
        "decided_on",
        "served_on",
        "closed_on",
        "outcome_reason",
        "penalty_kinds",
        "fine",
        "paid",
    ]
    insert_cases = inserter(template, case_columns)
    insert_parties = inserter(Party(kind="citizen", name="某"), ["id", "name", "id_number"])
    case_parties = Case.parties.through
    insert_case_parties = inserter(case_parties(case_id=1, party_id=1), ["case_id", "party_id"])
    insert_assignments = inserter(
        CaseOfficer(case_id=1, officer_id=1, is_lead=False, declared_no_conflict_on=today),
        ["case_id", "officer_id", "is_lead", "declared_no_conflict_on"],
    )
    insert_records = inserter(
        CaseRecord(case_id=1, action="file", on_date=today, entry_index=0, created_by_id=1),
        ["case_id", "action", "on_date", "summary", "entry_index", "created_by_id"],
    )
    publication_template = Publication(
        case_id=1,
        agency_id=1,
        decision_entry=0,
        decision_class="penalty",
        decided_on=today,
        due_on=today,
        state="published",
        party_kind="citizen",
        party="某",
        violation="滥伐林木",
        provisions="《中华人民共和国森林法》第五十六条、第七十六条",
        outcome="罚款",
        entry_index=0,
        created_by_id=1,
    )
    publication_columns = [
        "id",
        "case_id",
        "agency_id",
        "decision_entry",
        "decided_on",
        "due_on",
        "number",
        "party",
        "fine",
        "search_text",
        "published_on",
        "display_until",
        "entry_index",
        "created_by_id",
    ]
    insert_publications = inserter(publication_template, publication_columns)
    publication_defaults = {f.attname: getattr(publication_template, f.attname) for f in Publication._meta.fields}

    states = list(STATE_SHARES)
    weights = [*STATE_SHARES.values()]
    states.append("closed")
    weights.append(1.0 - sum(weights))
    span = 4 * 365
    agency_of = {agency.pk: agency for agency in agencies}
    agency_ids = [agency.pk for agency in agencies]
    counts: dict[str, int] = dict.fromkeys(states, 0)
    entries_made = 0
    publications_made = 0
    no_kinds, fine_kinds = json_value([]), json_value(["fine"])
    for batch_start in range(1, cases + 1, BATCH):
        numbers = range(batch_start, min(cases, batch_start + BATCH - 1) + 1)
        case_rows: list[tuple[Any, ...]] = []
        parties: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        assignments: list[tuple[Any, ...]] = []
        acts: list[Act] = []
        plans: list[tuple[int, list[tuple[str, date, User]], dict[str, Any]]] = []
        decided_cases: list[tuple[int, int, date, Decimal, str]] = []
        for pk in numbers:
            state = rng.choices(states, weights)[0]
            counts[state] += 1
            agency_pk = agency_ids[rng.randrange(len(agency_ids))]
            agency = agency_of[agency_pk]
            team = rng.sample(officers_of[agency_pk], 2)
            lead = team[0]
            received = today - timedelta(days=rng.randrange(200, span))
            values = dict(defaults)
            values.update(id=pk, agency_id=agency_pk, created_by_id=lead.pk, state=state, received_on=received)
            acts_of: list[tuple[str, date, User]] = [("register_lead", received, lead)]
            filed: date | None = None
            decided: date | None = None
            served: date | None = None
            closed: date | None = None
            fine: Decimal | None = None
            if state == "summary_decided":
                values["procedure"] = "summary"
                decided = received
                fine = Decimal(rng.choice((50, 100, 200)))
            elif state == "not_filed":
                values["outcome_reason"] = "经核查，不存在违法事实"
                acts_of.append(("decline", received + timedelta(days=5), approver_of[agency_pk]))
            elif state != "lead":
                filed = received + timedelta(days=rng.randrange(1, 10))
                acts_of.append(("file", filed, approver_of[agency_pk]))
                acts_of.append(("assign", filed, lead))
                if state in DECIDED:
                    decided = filed + timedelta(days=rng.randrange(20, 80))
                    fine = Decimal(rng.randrange(500, 50000))
                    acts_of.append(("decide", decided, approver_of[agency_pk]))
                    if state in SERVED:
                        served = decided + timedelta(days=rng.randrange(1, 5))
                        acts_of.append(("serve", served, lead))
                    if state in ("closed", "archived"):
                        closed = served + timedelta(days=rng.randrange(15, 60)) if served else None
                        values["paid"] = fine
                        acts_of.append(("close", closed or decided, lead))
                    if state == "archived":
                        acts_of.append(("archive", (closed or decided) + timedelta(days=10), lead))
                    if state == "court" and served is not None:
                        acts_of.append(("apply_to_court", served + timedelta(days=100), lead))
                elif state not in ("filed", "investigating"):
                    acts_of.append((ARRIVING[state], filed + timedelta(days=rng.randrange(10, 40)), lead))
            if state == "summary_decided":
                acts_of.append(("decide_on_the_spot", decided, lead))  # type: ignore[arg-type]
            if fine is not None:
                values.update(penalty_kinds=["fine"], fine=fine)
            values.update(filed_on=filed, decided_on=decided, served_on=served, closed_on=closed)
            on_team = state not in UNFILED
            rows = [(officer_id[team[0].pk], True, None), (officer_id[team[1].pk], False, None)] if on_team else []
            if on_team:
                assignments.extend((pk, officer, is_lead, filed) for officer, is_lead, _ in rows)
            party_name = f"{rng.choice('张王李赵刘陈杨黄周吴')}某{pk}"
            parties.append((pk, party_name, ""))
            links.append((pk, pk))
            case_rows.append(
                (
                    pk,
                    agency_pk,
                    lead.pk,
                    values["procedure"],
                    state,
                    received,
                    filed,
                    decided,
                    served,
                    closed,
                    values["outcome_reason"],
                    fine_kinds if fine is not None else no_kinds,
                    fine,
                    values["paid"],
                )
            )
            final = snapshot_of(values, rows)
            for number, (name, on_date, actor) in enumerate(acts_of):
                facts: dict[str, Any] = {"on_date": on_date.isoformat()}
                if number == len(acts_of) - 1:
                    facts["state"] = final
                acts.append(Act(actor, f"case.{name}", f"cases.case:{pk}", facts, (), agency))
            plans.append((pk, acts_of, values))
            if decided is not None and fine is not None and state != "summary_decided":
                decided_cases.append((pk, agency_pk, decided, fine, party_name))
        with transaction.atomic():
            insert_cases(case_rows)
            insert_parties(parties)
            insert_case_parties(links)
            insert_assignments(assignments)
            entries = record_many(acts)
            entries_made += len(entries)
            records: list[tuple[Any, ...]] = []
            decision_entry: dict[int, int] = {}
            at = 0
            for pk, acts_of, _values in plans:
                for name, on_date, actor in acts_of:
                    index = entries[at].index
                    records.append((pk, name, on_date, "", index, actor.pk))
                    if name == "decide":
                        decision_entry[pk] = index
                    at += 1
            insert_records(records)
            publications: list[tuple[Any, ...]] = []
            publication_acts: list[Act] = []
            for pk, agency_pk, decided, fine, party_name in decided_cases:
                published = decided + timedelta(days=5)
                values = dict(publication_defaults)
                values.update(
                    id=pk,
                    number=f"县{agency_pk}林罚决字〔{decided.year}〕{pk}号",
                    party=party_name,
                    fine=fine.quantize(Decimal("0.01")),
                    display_until=published + timedelta(days=365),
                )
                publications.append(
                    (
                        pk,
                        pk,
                        agency_pk,
                        decision_entry[pk],
                        decided,
                        published,
                        values["number"],
                        party_name,
                        values["fine"],
                        f"{party_name} 滥伐林木 罚款",
                        published,
                        values["display_until"],
                        0,  # replaced below by the publication's own entry
                        approver_of[agency_pk].pk,
                    )
                )
                shown = snapshot(SimpleNamespace(_meta=Publication._meta, **values))  # type: ignore[arg-type]
                publication_acts.append(
                    Act(
                        approver_of[agency_pk],
                        "publicity.publish",
                        f"publicity.publication:{pk}",
                        {"on_date": published.isoformat(), "state": shown},
                        (),
                        agency_of[agency_pk],
                    )
                )
            published_entries = record_many(publication_acts)
            entries_made += len(published_entries)
            insert_publications(
                [(*row[:12], entry.index, row[13]) for row, entry in zip(publications, published_entries, strict=True)]
            )
            publications_made += len(publications)
        if progress and (numbers[-1] % 100_000 < BATCH or numbers[-1] == cases):
            log(f"  {numbers[-1]:,} cases, {entries_made:,} entries, {time.monotonic() - started:.0f} s")
    with transaction.atomic():
        reset_sequences(Case, Party, CaseOfficer, CaseRecord, Publication, case_parties)
    checkpoint_issue()
    return {
        "agencies": len(agencies),
        "users": len(users),
        "cases": cases,
        "entries": entries_made,
        "publications": publications_made,
        "states": counts,
        "seconds": time.monotonic() - started,
    }


def snapshot_of(values: dict[str, Any], team: list[tuple[int, bool, None]]) -> dict[str, Any]:
    """The case's state as `ledger.state.snapshot` reads it from the row (the same function, on these values)."""
    from zhifa.cases.models import Case
    from zhifa.ledger.state import snapshot

    row = {**values}
    for name in ("fine", "paid"):
        if row.get(name) is not None:
            row[name] = Decimal(row[name]).quantize(Decimal("0.01"))
    found = snapshot(SimpleNamespace(_meta=Case._meta, assignments=_Assignments(team), **row))  # type: ignore[arg-type]
    assert found is not None
    return found
