"""The double-random draw (双随机): targets by lottery number per plan and grade, then inspectors by load and lot.

The procedure, step by step, is docs/inspections-draw.md; each step below names its section there (§).
"""

from __future__ import annotations

import gc
import hashlib
from bisect import bisect_left, insort
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from zhifa_draw import canon
from zhifa_draw import seed as seeds
from zhifa_draw.stream import Stream

FORMAT = "zhifa-draw/1"
RESULT_FORMAT = "zhifa-draw-result/1"
TARGET_FIELDS = ("id", "credit_code", "credit", "risk", "domains", "area", "counted", "active")
INSPECTOR_FIELDS = ("id", "agency", "domains")
AVOID_REASONS = ("relation", "last_inspection")
MAX_TARGETS = 5_000_000
MAX_INSPECTORS = 200_000
MAX_AVOID = 5_000_000
MAX_PLANS = 50
MAX_ID = 64
MAX_LIST = 200


class DrawProblem(ValueError):
    """The inputs break a rule of the format; the message names the field and the rule."""


@dataclass(frozen=True)
class Plan:
    id: str
    agency: str
    domains: frozenset[str]
    areas: frozenset[str] | None
    items: tuple[str, ...]
    stratify_by: int  # index into a target row: 2 credit, 3 risk
    quota: dict[str, tuple[str, int]]  # grade -> ("basis_points" | "count", number)
    inspectors_per_target: int
    cap: int


@dataclass(frozen=True)
class Result:
    inputs_sha256: str
    seed_sha256: str
    data: dict[str, Any]
    canonical: bytes
    sha256: str


# --- checking the inputs (§1) ---------------------------------------------------------------------------------


def _text(value: Any, where: str, limit: int = MAX_ID) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise DrawProblem(f"{where}: a non-empty string of at most {limit} characters")
    return value


def _int(value: Any, where: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise DrawProblem(f"{where}: an integer from {low} to {high}")
    return value


def _texts(value: Any, where: str, *, empty: bool = False) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST or (not value and not empty):
        raise DrawProblem(f"{where}: a list of {'0' if empty else '1'} to {MAX_LIST} strings")
    texts = [_text(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if len(set(texts)) != len(texts):
        raise DrawProblem(f"{where}: no value twice")
    return texts


def _keys(
    value: Any, where: str, required: AbstractSet[str], optional: AbstractSet[str] = frozenset()
) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DrawProblem(f"{where}: an object")
    missing = required - value.keys()
    unknown = value.keys() - required - optional
    if missing or unknown:
        raise DrawProblem(
            f"{where}: "
            + "; ".join(
                part
                for part in (
                    f"missing {', '.join(sorted(missing))}" if missing else "",
                    f"unknown {', '.join(sorted(unknown))}" if unknown else "",
                )
                if part
            )
        )
    return value


def _plan(value: Any, where: str) -> Plan:
    fields = _keys(
        value,
        where,
        {"id", "agency", "domains", "items", "stratify_by", "quota", "inspectors_per_target", "cap"},
        {"areas", "title"},
    )
    if "title" in fields:
        _text(fields["title"], f"{where}.title", 200)
    stratify_by = fields["stratify_by"]
    if stratify_by not in ("credit", "risk"):
        raise DrawProblem(f'{where}.stratify_by: "credit" or "risk"')
    quota_in = fields["quota"]
    if not isinstance(quota_in, dict) or not 0 < len(quota_in) <= 20:
        raise DrawProblem(f"{where}.quota: an object of 1 to 20 grades")
    quota: dict[str, tuple[str, int]] = {}
    for grade, rule in quota_in.items():
        _text(grade, f"{where}.quota key", 8)
        if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in ("basis_points", "count"):
            raise DrawProblem(f'{where}.quota.{grade}: {{"basis_points": N}} (1/10,000) or {{"count": N}}')
        kind, number = next(iter(rule.items()))
        high = 10_000 if kind == "basis_points" else MAX_TARGETS
        quota[grade] = (kind, _int(number, f"{where}.quota.{grade}.{kind}", 0, high))
    areas = fields.get("areas")
    return Plan(
        id=_text(fields["id"], f"{where}.id"),
        agency=_text(fields["agency"], f"{where}.agency"),
        domains=frozenset(_texts(fields["domains"], f"{where}.domains")),
        areas=None if areas is None else frozenset(_texts(areas, f"{where}.areas")),
        items=tuple(sorted(_texts(fields["items"], f"{where}.items"))),
        stratify_by=2 if stratify_by == "credit" else 3,
        quota=quota,
        # At least two officers (行政处罚法 art. 42; 海南条例 art. 18).
        inspectors_per_target=_int(fields["inspectors_per_target"], f"{where}.inspectors_per_target", 2, 10),
        cap=_int(fields["cap"], f"{where}.cap", 1, 1000),
    )


def check_announcement(value: Any) -> Mapping[str, Any]:
    """The seed's announcement (§2): which public value, named before it exists."""
    if not isinstance(value, dict) or value.get("source") not in seeds.SOURCES:
        raise DrawProblem(f"seed.source: one of {', '.join(seeds.SOURCES)}")
    source = value["source"]
    if source == "ledger_checkpoint":
        fields = _keys(value, "seed", {"source", "log", "tree_size"}, {"not_before"})
        _text(fields["log"], "seed.log", 200)
        _int(fields["tree_size"], "seed.tree_size", 1, 2**62)
    elif source == "drand":
        fields = _keys(value, "seed", {"source", "chain_hash", "round"}, {"not_before"})
        if not isinstance(fields["chain_hash"], str) or len(fields["chain_hash"]) != 64:
            raise DrawProblem("seed.chain_hash: the drand chain's hash, 64 hex digits")
        _int(fields["round"], "seed.round", 1, 2**62)
    else:
        fields = _keys(value, "seed", {"source", "witnesses"}, {"not_before", "how"})
        _texts(fields["witnesses"], "seed.witnesses")
        if "how" in fields:
            _text(fields["how"], "seed.how", 1000)
    if "not_before" in fields:
        _text(fields["not_before"], "seed.not_before", 40)
    return fields


# --- the draw --------------------------------------------------------------------------------------------------


class _Pool:
    """The inspectors of one agency able to inspect one set of domains (§5): `levels[k]` holds, sorted by id, those
    with k assignments so far in this draw."""

    __slots__ = ("index", "levels", "lowest", "size")

    def __init__(self, members: list[str], load: Mapping[str, int]) -> None:
        self.index = frozenset(members)
        self.size = len(members)
        self.levels: dict[int, list[str]] = {}
        for member in sorted(members):
            self.levels.setdefault(load.get(member, 0), []).append(member)
        self.lowest = min(self.levels, default=0)

    def raised(self, member: str, level: int) -> None:
        """`member`'s load went from `level` to `level + 1`."""
        bucket = self.levels[level]
        del bucket[bisect_left(bucket, member)]
        insort(self.levels.setdefault(level + 1, []), member)
        if not bucket:
            del self.levels[level]
            if level == self.lowest:
                self.lowest = level + 1


class _BadClass(ValueError):
    def __init__(self, kind: tuple[Any, ...], message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _eligible(plans: Sequence[Plan], kind: tuple[Any, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """For one class of targets (§3): the plans it is eligible for, and those whose cap it has reached."""
    domains, area, credit, risk, active, counted = kind
    for name, value in (("credit", credit), ("risk", risk)):
        if type(value) is not str or not 0 < len(value) <= 8:
            raise _BadClass(kind, f"{name}: a grade, a string of 1 to 8 characters")
    if type(area) is not str or len(area) > MAX_ID:
        raise _BadClass(kind, f"area: a string of at most {MAX_ID} characters")
    if type(active) is not bool:
        raise _BadClass(kind, "active: true or false")
    try:
        _texts(list(domains), "domains", empty=True)
    except DrawProblem as problem:
        raise _BadClass(kind, str(problem)) from None
    for body, count in counted:
        if type(count) is not int or not 0 <= count <= 10_000:
            raise _BadClass(kind, f"counted.{body}: a count from 0 to 10000")
    counts = dict(counted)
    eligible: list[int] = []
    capped: list[int] = []
    if not active:
        return (), ()
    for index, plan in enumerate(plans):
        if plan.domains.isdisjoint(domains) or (plan.areas is not None and area not in plan.areas):
            continue
        if counts.get(plan.agency, 0) >= plan.cap:
            capped.append(index)  # a draw never takes a target past its body's yearly cap
        else:
            eligible.append(index)
    return tuple(eligible), tuple(capped)


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector, run every few hundred new containers, walks all the live ones: with the 10^7
    values of a parsed directory alive it costs more than the draw itself. Nothing here makes cycles, so it is
    paused for the duration (reference counting still frees everything) and restored as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def draw(inputs: Mapping[str, Any], seed_value: str, *, inputs_sha256: str | None = None) -> Result:
    """The draw of a published inputs document (a parsed JSON value) with the seed value entered afterwards.

    `inputs_sha256` is the hash of `canonical(inputs)` when the caller already has it (the server computed and
    recorded it when it published the inputs); without it, it is computed here. Anyone's recomputation computes it
    from the published bytes, so a wrong one cannot go unnoticed."""
    with _without_cycle_collector():
        return _draw(inputs, seed_value, inputs_sha256)


def _draw(inputs: Mapping[str, Any], seed_value: str, inputs_sha256: str | None) -> Result:
    if inputs_sha256 is None:
        inputs_sha256 = canon.sha256_hex(canon.canonical(inputs))
    top = _keys(inputs, "inputs", {"format", "draw", "plans", "targets", "inspectors", "avoid", "seed"})
    if top["format"] != FORMAT:
        raise DrawProblem(f'format: "{FORMAT}"')
    about = _keys(top["draw"], "draw", {"id", "year"}, {"title", "agencies"})
    _text(about["id"], "draw.id")
    _int(about["year"], "draw.year", 2000, 2200)
    if "title" in about:
        _text(about["title"], "draw.title", 200)
    if "agencies" in about:
        _texts(about["agencies"], "draw.agencies")
    announcement = check_announcement(top["seed"])
    source = announcement["source"]
    try:
        seed = seeds.derive(inputs_sha256, source, seed_value)
        value = seeds.normalised(source, seed_value)
    except seeds.SeedProblem as error:
        raise DrawProblem(f"seed value: {error}") from error

    plans_in = top["plans"]
    if not isinstance(plans_in, list) or not 0 < len(plans_in) <= MAX_PLANS:
        raise DrawProblem(f"plans: a list of 1 to {MAX_PLANS} plans")
    plans = sorted((_plan(plan, f"plans[{index}]") for index, plan in enumerate(plans_in)), key=lambda p: p.id)
    if len({plan.id for plan in plans}) != len(plans):
        raise DrawProblem("plans: each plan's id once")

    # §3 eligibility and strata: one pass over the directory. Targets of one class (domains, area, grades, active,
    # counts this year) are eligible for the same plans: worked out, and checked, once per class.
    targets = top["targets"]
    if not isinstance(targets, list) or len(targets) > MAX_TARGETS:
        raise DrawProblem(f"targets: a list of at most {MAX_TARGETS:,} rows")
    # The rows' shape and the columns' types are checked in bulk first (per-row Python work is what costs).
    if targets and (set(map(type, targets)) != {list} or set(map(len, targets)) != {8}):
        position = next(n for n, row in enumerate(targets) if type(row) is not list or len(row) != 8)
        raise DrawProblem(f"targets[{position}]: a row of 8: {', '.join(TARGET_FIELDS)}")
    ids = list(map(itemgetter(0), targets))
    codes = list(map(itemgetter(1), targets))
    if ids and (
        set(map(type, ids)) != {str}
        or min(map(len, ids)) == 0
        or max(map(len, ids)) > MAX_ID
        or len(set(ids)) != len(ids)
        or set(map(type, codes)) != {str}
        or max(map(len, codes)) > MAX_ID
    ):
        raise DrawProblem(
            f"targets: each id a string of 1 to {MAX_ID} characters, each id once; each credit_code a string of at "
            f"most {MAX_ID} characters"
        )
    del ids, codes
    if targets and (
        set(map(type, map(itemgetter(4), targets))) != {list} or set(map(type, map(itemgetter(6), targets))) != {dict}
    ):
        raise DrawProblem("targets: in every row, domains a list and counted an object")
    classes: dict[tuple[Any, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}
    class_count: dict[tuple[Any, ...], int] = {}
    prefix = seed + b"target\x00"
    sha256 = hashlib.sha256
    # §4 the eligible targets with their lottery numbers, in 16 bands by the number's first four bits.
    bands: list[list[tuple[bytes, str, tuple[int, ...], list[Any]]]] = [[] for _ in range(16)]
    try:
        for row in targets:
            counted = row[6]
            kind = (tuple(row[4]), row[5], row[2], row[3], row[7], tuple(sorted(counted.items())) if counted else ())
            verdict = classes.get(kind)
            if verdict is None:
                try:
                    verdict = classes[kind] = _eligible(plans, kind)
                except _BadClass as bad:
                    raise DrawProblem(f"targets[{targets.index(row)}].{bad}") from None
                class_count[kind] = 0
            class_count[kind] += 1
            if verdict[0]:
                digest = sha256(prefix + row[0].encode("utf-8")).digest()
                bands[digest[0] >> 4].append((digest, row[0], verdict[0], row))
    except TypeError:  # a list or an object where a grade, an area, a domain or a count belongs: unhashable
        raise DrawProblem(
            "targets: grades and area strings, domains strings, active true or false, counts integers"
        ) from None
    eligible_count: list[dict[str, int]] = [{} for _ in plans]
    over_cap = [0] * len(plans)
    for kind, (chosen_by, capped_by) in classes.items():
        for index in chosen_by:
            grade = kind[2] if plans[index].stratify_by == 2 else kind[3]
            eligible_count[index][grade] = eligible_count[index].get(grade, 0) + class_count[kind]
        for index in capped_by:
            over_cap[index] += class_count[kind]

    # §3 how many per plan and grade: ceil(basis points × eligible / 10,000), or the fixed count.
    to_draw: list[dict[str, int]] = []
    strata: list[dict[str, Any]] = []
    for index, plan in enumerate(plans):
        wanted: dict[str, int] = {}
        for grade in sorted(set(plan.quota) | set(eligible_count[index])):
            eligible = eligible_count[index].get(grade, 0)
            rule, number = plan.quota.get(grade, ("basis_points", 0))
            if rule == "basis_points":
                wanted[grade] = (number * eligible + 9_999) // 10_000
            else:
                wanted[grade] = min(number, eligible)
            strata.append(
                {
                    "plan": plan.id,
                    "grade": grade,
                    "eligible": eligible,
                    "rule": {rule: number},
                    "drawn": wanted[grade],
                    "short": number - eligible if rule == "count" and number > eligible else 0,
                }
            )
        to_draw.append({grade: count for grade, count in wanted.items() if count})

    # §4 walk the eligible targets in the order of their lottery numbers (then ids: two equal SHA-256 digests are
    # not expected), each plan taking the target while its grade's count is not reached. Only the front of the
    # order is needed, so the bands are sorted one at a time, in order, until every count is reached.
    open_strata = sum(len(wanted) for wanted in to_draw)
    drawn: list[tuple[bytes, list[Any], list[int]]] = []
    for band in bands:
        if not open_strata:
            break
        band.sort(key=lambda entry: (entry[0], entry[1]))
        for digest, _, chosen_by, row in band:
            by: list[int] = []
            for index in chosen_by:
                wanted = to_draw[index]
                grade = row[plans[index].stratify_by]
                if wanted.get(grade):
                    wanted[grade] -= 1
                    if not wanted[grade]:
                        del wanted[grade]
                        open_strata -= 1
                    by.append(index)
            if by:
                drawn.append((digest, row, by))
                if not open_strata:
                    break
    del bands

    # §5 inspectors: per drawn target (in lottery order) and agency, the least loaded, at random among equals.
    inspectors = top["inspectors"]
    if not isinstance(inspectors, list) or len(inspectors) > MAX_INSPECTORS:
        raise DrawProblem(f"inspectors: a list of at most {MAX_INSPECTORS:,} rows")
    by_agency: dict[str, list[tuple[str, frozenset[str]]]] = {}
    inspector_ids: set[str] = set()
    for position, row in enumerate(inspectors):
        if type(row) is not list or len(row) != 3:
            raise DrawProblem(f"inspectors[{position}]: a row of 3: {', '.join(INSPECTOR_FIELDS)}")
        inspector_id = _text(row[0], f"inspectors[{position}].id")
        if inspector_id in inspector_ids:
            raise DrawProblem(f"inspectors[{position}].id: each id once")
        inspector_ids.add(inspector_id)
        agency = _text(row[1], f"inspectors[{position}].agency")
        by_agency.setdefault(agency, []).append(
            (inspector_id, frozenset(_texts(row[2], f"inspectors[{position}].domains")))
        )
    avoid_rows = top["avoid"]
    if not isinstance(avoid_rows, list) or len(avoid_rows) > MAX_AVOID:
        raise DrawProblem(f"avoid: a list of at most {MAX_AVOID:,} rows")
    avoid: dict[str, set[str]] = {}
    if avoid_rows and (
        set(map(type, avoid_rows)) != {list}
        or set(map(len, avoid_rows)) != {3}
        or not {row[2] for row in avoid_rows} <= set(AVOID_REASONS)
        or {type(row[0]) for row in avoid_rows} | {type(row[1]) for row in avoid_rows} != {str}
    ):
        raise DrawProblem('avoid: rows [inspector, target, "relation" or "last_inspection"]')
    for inspector_id, target_id, _ in avoid_rows:
        if target_id in avoid:
            avoid[target_id].add(inspector_id)
        else:
            avoid[target_id] = {inspector_id}

    stream = Stream(seed, "inspectors")
    load: dict[str, int] = {}
    pools: dict[tuple[str, frozenset[str]], _Pool] = {}
    pools_of: dict[str, list[_Pool]] = {}
    drawn_out: list[dict[str, Any]] = []
    shortfalls = 0
    nobody: frozenset[str] = frozenset()
    items: dict[tuple[int, ...], list[str]] = {}

    shapes: dict[tuple[Any, ...], list[tuple[str, int, frozenset[str]]]] = {}

    def teams_of(by: list[int], domains: list[str]) -> list[tuple[str, int, frozenset[str]]]:
        """Per agency of the plans that drew a target: how many inspectors (the most any of its plans asks) and
        the domains they must cover (the plans' domains that are the target's)."""
        key = (*by, None, *domains)
        if key not in shapes:
            shapes[key] = []
            for agency in sorted({plans[index].agency for index in by}):
                own = [plans[index] for index in by if plans[index].agency == agency]
                needed = max(plan.inspectors_per_target for plan in own)
                covered = frozenset().union(*(plan.domains.intersection(domains) for plan in own))
                shapes[key].append((agency, needed, covered))
        return shapes[key]

    def items_of(by: list[int]) -> list[str]:
        key = tuple(by)
        if key not in items:
            items[key] = sorted({item for index in by for item in plans[index].items})
        return items[key]

    for rank, (digest, row, by) in enumerate(drawn, start=1):
        target_id = row[0]
        excluded = avoid.get(target_id, nobody)
        teams: list[dict[str, Any]] = []
        short: list[dict[str, Any]] = []
        for agency, needed, domains in teams_of(by, row[4]):
            pool = pools.get((agency, domains))
            if pool is None:
                able = [member for member, theirs in by_agency.get(agency, ()) if not theirs.isdisjoint(domains)]
                pool = pools[(agency, domains)] = _Pool(able, load)
                for member in able:
                    pools_of.setdefault(member, []).append(pool)
            avoided = [member for member in excluded if member in pool.index]
            if pool.size - len(avoided) < needed:
                short.append({"agency": agency, "needed": needed, "available": pool.size - len(avoided)})
                continue
            team: list[str] = []
            for _ in range(needed):
                # The acceptable (neither avoided nor already in the team) with the lowest load, sorted by id ...
                level = pool.lowest
                while True:
                    bucket = pool.levels.get(level, [])
                    skip = sorted(
                        bisect_left(bucket, member) for member in (*avoided, *team) if load.get(member, 0) == level
                    )
                    if len(skip) < len(bucket):
                        break
                    level += 1
                # ... and the one at a random position among them.
                position = stream.below(len(bucket) - len(skip))
                for passed in skip:
                    if passed > position:
                        break
                    position += 1
                member = bucket[position]
                team.append(member)
                load[member] = level + 1
                for holder in pools_of[member]:
                    holder.raised(member, level)
            teams.append({"agency": agency, "inspectors": team})
        shortfalls += bool(short)
        drawn_out.append(
            {
                "rank": rank,
                "lottery": digest.hex(),
                "target": target_id,
                "credit_code": row[1],
                "plans": [plans[index].id for index in by],
                "items": items_of(by),
                "teams": teams,
                "shortfalls": short,
            }
        )

    data = {
        "format": RESULT_FORMAT,
        "draw": about["id"],
        "inputs_sha256": inputs_sha256,
        "seed": {"source": source, "value": value, "sha256": seed.hex()},
        "strata": strata,
        "over_cap": [{"plan": plan.id, "targets": over_cap[index]} for index, plan in enumerate(plans)],
        "targets": drawn_out,
        "unstaffed": shortfalls,
    }
    encoded = canon.canonical(data)
    return Result(inputs_sha256, seed.hex(), data, encoded, canon.sha256_hex(encoded))


def recompute(published: bytes, seed_value: str) -> Result:
    """What anyone runs: the published file's bytes (which must be canonical) and the seed value."""
    with _without_cycle_collector():
        try:
            inputs = canon.canonical_document(published)
        except canon.NotCanonical as error:
            raise DrawProblem(str(error)) from error
        return _draw(inputs, seed_value, canon.sha256_hex(published))
