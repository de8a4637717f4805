"""Public decision search (公示查询, zhifa/publicity/search.py) over 10^6 published decisions, under concurrent load,
beside a plain SQL LIKE baseline, on SQLite and PostgreSQL.

The dataset is a benchmark fixture, not the services' work: Publication rows are bulk-inserted directly (one Case
and one User behind all of them; decision_entry 1..N), as publishing 10^6 decisions through
`publication_publish` (PDF, ledger) would take days. Each row is made of pieces drawn from pools — the violation
names of zhifa/laws/data, a masked person or a company, facts filled from templates with varied places,
species, goods and amounts (and, for 1 row in 1,000, facts naming a rare species or place), the outcome and
its fine, one of ~270 agencies in a tree of two provinces — and decided over three years. search_text is
`index_words(...)` of the same fields as `publication_publish` gives it, but jieba segments each distinct piece
of a pool once and the row joins the pieces' words: this is exactly index_words's result (jieba cuts at the
newlines index_words puts between the fields) at a fraction of the time; then the filter tokens of
`filter_tokens` (agency path, month, year, fine band, violation code), as `index_text` appends them. 3 % of rows
are withdrawn.

SQLite: a file database in a temporary ZHIFA_DATA_DIR (Zhifa's settings: WAL), migrated with `migrate`; the rows
go in with executemany, the FTS5 table filled by migration 0002's triggers. No ANALYZE (Zhifa runs none).
PostgreSQL: a throwaway server (zhifa.testing.postgres), migrated; the rows go in with COPY, the full-text GIN
index dropped before and made again after, then ANALYZE (what autovacuum does after a bulk load).

Measurement: `--load K` reader processes (default 1: "under concurrent load from a second process") call
`search()` continuously over the same query mix while this process times, shape by shape and alternating,
`search()` (the page of rows with their agencies, and the count capped at COUNT_LIMIT) and the baseline — the
same two statements in plain SQL with `search_text LIKE '%word%'` for each of the query's words instead of the
full-text index, the same filters, order and limit. Prints p50/p99/max per shape and overall, the ratio, and
PASS/MISS against 100 ms at p99.

    .venv/bin/python bench/publicity_search_bench.py                       # both databases, 10^6 rows each
    .venv/bin/python bench/publicity_search_bench.py --db sqlite --n 20000 # smoke run
    .venv/bin/python bench/publicity_search_bench.py --db postgresql --load 4 --dump /tmp/ids.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261216
TARGET_MS = 100.0
TODAY = date(2027, 1, 15)
FIRST_DAY = date(2024, 1, 1)
DAYS = 3 * 365

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
PLACE_HEADS = [
    "青山",
    "红旗",
    "白桦",
    "东风",
    "大青",
    "黑河",
    "石门",
    "柳树",
    "南湾",
    "北坡",
    "杏花",
    "松岭",
    "枫林",
    "碧水",
]
PLACE_TAILS = ["镇", "村", "乡", "林场", "沟", "屯", "岭", "湾"]
TREES = ["杨树", "柳树", "落叶松", "樟子松", "白桦", "榆树", "油松", "柞树", "云杉", "刺槐", "侧柏", "水曲柳"]
ANIMALS = ["红腹锦鸡", "野猪", "狍子", "穿山甲", "猫头鹰", "画眉", "斑鸠", "野兔", "黄鼬", "环颈雉"]
POLLUTANTS = ["化学需氧量", "氨氮", "总磷", "二氧化硫", "氮氧化物", "颗粒物", "挥发性有机物"]
TRADES = ["木业", "林业", "建材", "化工", "养殖", "商贸", "矿业", "食品", "环保", "农业"]
# Words that occur in 1 row in 1,000 (the rare pool): a reader looking for one species or one place.
RARE_SPECIES = ["中华秋沙鸭", "黑鹳", "东北虎", "原麝", "紫貂", "红松", "水杉", "银杏", "黄波罗", "胡桃楸"]
RARE_PLACES = ["鹿鸣峡", "卧龙潭", "金鸡岭", "望海楼", "瓦窑堡", "狼牙山", "龙湾屯", "凤凰岭"]

FACTS = {
    "forestry": [
        "{n}未办理林木采伐许可证，在{p}{lb}号林班擅自采伐{t}{k}株，立木蓄积{v}立方米",
        "{n}在{p}{lb}号林班盗伐他人所有的{t}{k}株，立木蓄积{v}立方米，已销售",
        "{n}未经批准在{p}擅自占用林地{a}亩修建养殖场，改变林地用途",
        "{n}在森林防火期内于{p}林区野外用火烧荒，过火面积{a}亩",
        "{n}在{p}使用铁夹猎捕{w}{k}只，未取得狩猎证",
        "{n}在{p}集市出售{w}{k}只，不能提供合法来源证明",
        "{n}在{p}销售未经检疫的{t}苗木{k}株",
        "{n}驾驶货车在{p}木材检查站运输{t}原木{v}立方米，不能提供木材来源证明",
        "{n}在{p}开垦草原{a}亩种植农作物，造成草原植被破坏",
    ],
    "nature_reserve": [
        "{n}在{p}自然保护区实验区内开采石料{v}立方米，破坏植被{a}亩",
        "{n}未经批准进入{p}自然保护区核心区采集{t}种子",
        "{n}在{p}自然保护区缓冲区内修建房屋{a}平方米",
        "{n}在{p}自然保护区内放牧牛羊{k}头，毁坏{t}幼树",
    ],
    "ecology": [
        "{n}在{p}的污水处理设施排放口{r}超标{x}倍排放",
        "{n}外排废水中{r}浓度超过排放标准{x}倍",
        "{n}锅炉烟气中{r}浓度超过排放标准{x}倍，位于{p}",
        "{n}在{p}建设项目环境影响报告表未经批准擅自开工建设",
        "{n}未取得排污许可证在{p}排放{r}",
        "{n}将废机油{k}桶倾倒在{p}空地，未交有资质单位处置",
        "{n}人为干扰自动监测设备，篡改{r}监测数据",
    ],
}
ENDINGS = ["。", "，当事人对违法事实无异议。", "，现场制作了勘验笔录并拍照取证。", "，有询问笔录、照片为证。"]
OUTCOMES = [
    "罚款{f}元",
    "责令改正，罚款{f}元",
    "责令限期恢复原状，并处罚款{f}元",
    "没收违法所得，并处罚款{f}元",
    "责令补种树木{k}株，并处罚款{f}元",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def places() -> list[str]:
    return [head + tail for head in PLACE_HEADS for tail in PLACE_TAILS]


def violations() -> list[tuple[str, str, str]]:
    """(code, name, domain) of every violation of zhifa/laws/data."""
    found = []
    for path in sorted((ROOT / "zhifa" / "laws" / "data" / "violations").glob("*.toml")):
        with path.open("rb") as data:
            found += [(v["code"], v["name"], v["domain"]) for v in tomllib.load(data)["violations"]]
    return found


def fill(template: str, rng: random.Random, *, place: str | None = None, thing: str | None = None) -> str:
    return template.format(
        n="当事人",
        p=place or rng.choice(places()),
        lb=rng.randint(1, 40),
        t=thing or rng.choice(TREES),
        k=rng.randint(1, 300),
        v=f"{rng.uniform(0.1, 60):.1f}",
        a=f"{rng.uniform(0.1, 30):.1f}",
        w=thing or rng.choice(ANIMALS),
        r=rng.choice(POLLUTANTS),
        x=f"{rng.uniform(0.1, 5):.1f}",
    ) + rng.choice(ENDINGS)


@dataclass
class Pools:
    """Distinct pieces of text, each segmented once; a row picks one of each."""

    violations: list[tuple[str, str, str]]
    facts: dict[str, list[str]]
    rare_facts: dict[str, list[str]]
    companies: list[str]
    outcomes: list[tuple[str, Decimal]]
    segmented: dict[str, str] = field(default_factory=dict)

    def words(self, text: str) -> str:
        from zhifa.publicity.search import index_words

        found = self.segmented.get(text)
        if found is None:
            found = self.segmented[text] = index_words(text)
        return found


def make_pools(rng: random.Random, facts_per_domain: int) -> Pools:
    facts = {d: [fill(rng.choice(t), rng) for _ in range(facts_per_domain)] for d, t in FACTS.items()}
    rare = {
        d: [fill(rng.choice(t), rng, place=rng.choice(RARE_PLACES), thing=rng.choice(RARE_SPECIES)) for _ in range(60)]
        for d, t in FACTS.items()
    }
    companies = [f"{rng.choice(PLACE_HEADS)}{rng.choice(PLACE_HEADS)}{rng.choice(TRADES)}有限公司" for _ in range(600)]
    outcomes = []
    for _ in range(800):
        fine = Decimal(rng.choice([200, 500, 1000, 2000, 5000]) * rng.randint(1, 40))
        outcomes.append((rng.choice(OUTCOMES).format(f=fine, k=rng.randint(5, 500)), fine))
    return Pools(violations(), facts, rare, sorted(set(companies)), outcomes)


def make_agencies() -> list[Any]:
    """Two provinces, 12 cities each, 10 counties a city: 266 agencies. Returns the counties' and cities' rows."""
    from zhifa.core.choices import AgencyKind
    from zhifa.testing.factories import make_agency

    made = []
    for province_name in ("东川省", "西岭省"):
        province = make_agency(f"{province_name}林业和草原局")
        made.append(province)
        for c in range(12):
            city = make_agency(f"{province_name}第{c + 1}市林业局", province, kind=AgencyKind.BRANCH)
            made.append(city)
            for k in range(10):
                made.append(make_agency(f"{province_name}第{c + 1}市第{k + 1}县林业局", city, kind=AgencyKind.BRANCH))
    return made


def rows(n: int, rng: random.Random, pools: Pools, agencies: list[Any], case_id: int, user_id: int) -> Iterator[dict]:
    """N publications in the order they would be published: by decision date, with some jitter."""
    from zhifa.publicity.search import filter_tokens

    counties = [a for a in agencies if a.depth == 2]
    # Decision dates first, so that ids follow decisions roughly (a few days' jitter), as publication does.
    days = sorted((rng.randrange(DAYS), rng.random()) for _ in range(n))
    jittered = sorted(((day + rng.randint(0, 6), day) for day, _ in days))
    for index, (_, day) in enumerate(jittered, start=1):
        code, violation, domain = rng.choice(pools.violations)
        kind = "natural_person" if rng.random() < 0.6 else "organization"
        party = rng.choice(SURNAMES) + "某" if kind == "natural_person" else rng.choice(pools.companies)
        rare = rng.random() < 0.001
        facts = rng.choice((pools.rare_facts if rare else pools.facts)[domain])
        outcome, fine = rng.choice(pools.outcomes) if rng.random() < 0.9 else ("警告", None)
        agency = rng.choice(counties)
        decided = FIRST_DAY + timedelta(days=day)
        withdrawn = rng.random() < 0.03
        search_text = " ".join(w for w in map(pools.words, (violation, party, facts, outcome, agency.name)) if w)
        tokens = filter_tokens(agency_path=agency.path, decided_on=decided, fine=fine, violation_code=code)
        search_text = " ".join([search_text, *tokens]) if search_text else " ".join(tokens)
        yield {
            "case_id": case_id,
            "agency_id": agency.pk,
            "decision_entry": index,
            "decision_class": "penalty",
            "decided_on": decided,
            "due_on": decided + timedelta(days=9),
            "due_provisional": False,
            "state": "withdrawn" if withdrawn else "published",
            "number": f"{agency.short_name}罚决字〔{decided.year}〕第{index}号",
            "party_kind": kind,
            "party": party,
            "credit_code": "",
            "violation": violation,
            "violation_code": code,
            "provisions": "",
            "facts": facts,
            "outcome": outcome,
            "fine": fine,
            "confiscated": None,
            "document_id": None,
            "published_sha256": "",
            "redactions": "[]",
            "search_text": search_text,
            "published_on": decided + timedelta(days=5),
            "credit_class": "general",
            "repairable_from": decided + timedelta(days=365),
            "display_until": decided + timedelta(days=3 * 365 + 30),
            "withheld_reason": "",
            "withheld_note": "",
            "revoked_on": None,
            "revoked_by": "",
            "withdrawal_reason": "revoked" if withdrawn else "",
            "withdrawal_notice": "",
            "withdrawal_due": None,
            "withdrawn_on": decided + timedelta(days=40) if withdrawn else None,
            "repaired_on": None,
            "entry_index": index,
            "created_by_id": user_id,
        }


def fill_database(n: int, rng: random.Random, vendor: str) -> dict[str, Any]:
    from django.db import connection

    from zhifa.cases.models import Case
    from zhifa.testing.factories import make_user

    t0 = time.perf_counter()
    agencies = make_agencies()
    user = make_user("bench", agencies[0])
    case = Case.objects.create(
        agency=agencies[2],
        domain="forestry",
        state="closed",
        title="基准测试案件",
        lead_source="inspection",
        lead_summary="基准测试",
        received_on=FIRST_DAY,
        created_by=user,
    )
    pools = make_pools(rng, facts_per_domain=1500)
    generated = rows(n, rng, pools, agencies, case.pk, user.pk)
    first = next(generated)
    columns = list(first)
    table = "publicity_publication"

    def all_rows() -> Iterator[dict]:
        yield first
        yield from generated

    made = 0
    if vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("PRAGMA synchronous=OFF")  # a fixture: the rows need not survive a power cut
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608

        def value(v: Any) -> Any:
            if isinstance(v, date):
                return v.isoformat()
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, bool):
                return int(v)
            return v

        batch: list[tuple] = []
        for row in all_rows():
            batch.append(tuple(value(row[c]) for c in columns))
            if len(batch) == 50_000:
                raw.execute("BEGIN")
                raw.executemany(sql, batch)
                raw.execute("COMMIT")
                made += len(batch)
                batch = []
                log(f"  {made:,} rows, {time.perf_counter() - t0:.0f} s")
        raw.execute("BEGIN")
        raw.executemany(sql, batch)
        raw.execute("COMMIT")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("PRAGMA synchronous=FULL")
    else:
        with connection.cursor() as cursor:
            # The full-text GIN index (migrations 0002/0003) is made again after the rows, from its own definition.
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                [table, "%USING gin%"],
            )
            gin = cursor.fetchall()
            for name, _ in gin:
                cursor.execute(f"DROP INDEX {name}")
            copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in all_rows():
                    copy.write_row([row[c] for c in columns])
                    made += 1
                    if made % 100_000 == 0:
                        log(f"  {made:,} rows, {time.perf_counter() - t0:.0f} s")
            log(f"  copied, {time.perf_counter() - t0:.0f} s; making the GIN index")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in gin:
                cursor.execute(definition)
            cursor.execute("ANALYZE")
    fill_s = time.perf_counter() - t0
    return {"fill_s": fill_s, "segmented": len(pools.segmented)}


# The query mix: (shape, [variants]); a variant is a dict of Search's fields by plain value (agency by name), page.
def shapes() -> list[tuple[str, list[dict[str, Any]]]]:
    city = "东川省第3市林业局"
    county = "东川省第5市第2县林业局"
    province = "西岭省林业和草原局"
    quarter = {"decided_from": "2025-04-01", "decided_to": "2025-06-30"}
    return [
        ("no words, page 1 (front page)", [{}]),
        ("no words, county, page 1", [{"agency": county}]),
        ("common word 林木, p1", [{"text": "林木"}, {"text": "罚款"}, {"text": "排放"}]),
        ("common word 林木, p5", [{"text": "林木", "page": 5}, {"text": "罚款", "page": 5}]),
        ("medium word (place), p1", [{"text": "青山镇"}, {"text": "柳树沟"}, {"text": "红腹锦鸡"}]),
        ("rare word, p1", [{"text": "中华秋沙鸭"}, {"text": "黑鹳"}, {"text": "鹿鸣峡"}, {"text": "金鸡岭"}]),
        ("two common words", [{"text": "林木 采伐"}, {"text": "排放 标准"}]),
        ("two words, rare together", [{"text": "穿山甲 北坡村"}, {"text": "水曲柳 碧水湾"}]),
        ("common word + city subtree", [{"text": "林木", "agency": city}, {"text": "罚款", "agency": province}]),
        ("common word + quarter", [{"text": "林木", **quarter}, {"text": "自然保护区", **quarter}]),
        (
            "common word + fine range",
            [{"text": "林木", "fine_from": "5000", "fine_to": "8000"}, {"text": "罚款", "fine_from": "190000"}],
        ),
        ("rare word + province", [{"text": "黑鹳", "agency": province}, {"text": "鹿鸣峡", "agency": province}]),
        (
            "medium word + county + quarter, p5",
            [{"text": "青山镇", "agency": county, "page": 5, **quarter}, {"text": "杨树", "agency": city, "page": 5}],
        ),
    ]


def make_search(variant: dict[str, Any], agencies: dict[str, Any]) -> tuple[Any, int]:
    from zhifa.publicity.search import Search

    def day(key: str) -> date | None:
        return date.fromisoformat(variant[key]) if key in variant else None

    def money(key: str) -> Decimal | None:
        return Decimal(variant[key]) if key in variant else None

    asked = Search(
        text=variant.get("text", ""),
        agency=agencies[variant["agency"]] if "agency" in variant else None,
        decided_from=day("decided_from"),
        decided_to=day("decided_to"),
        fine_from=money("fine_from"),
        fine_to=money("fine_to"),
    )
    return asked, variant.get("page", 1)


def baseline(asked: Any, page: int) -> tuple[list[tuple], int]:
    """The plain way: the same two statements as search(), with LIKE '%word%' for each word instead of the index."""
    from django.db import connection

    from zhifa.publicity.search import COUNT_LIMIT, PAGE_SIZE

    where = ["p.state = %s", "p.display_until >= %s"]
    params: list[Any] = ["published", TODAY]
    for word in asked.words:
        where.append("p.search_text LIKE %s")
        params.append(f"%{word}%")
    if asked.agency is not None:
        where.append("a.path LIKE %s")
        params.append(asked.agency.path + "%")
    for column, op, value in (
        ("decided_on", ">=", asked.decided_from),
        ("decided_on", "<=", asked.decided_to),
        ("fine", ">=", asked.fine_from),
        ("fine", "<=", asked.fine_to),
    ):
        if value is not None:
            where.append(f"p.{column} {op} %s")
            params.append(value)
    # Only fixed column names and placeholders are joined in: the words go as parameters.
    body = "FROM publicity_publication p JOIN core_agency a ON a.id = p.agency_id WHERE " + " AND ".join(where)
    start = (page - 1) * PAGE_SIZE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.*, a.* {body} ORDER BY p.decided_on DESC, p.id DESC LIMIT {PAGE_SIZE + 1} OFFSET {start}",
            params,
        )
        found = cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 {body} LIMIT {COUNT_LIMIT + 1}) t", params)  # noqa: S608
        return found, cursor.fetchone()[0]


def setup_django(data_dir: Path, database_url: str | None) -> None:
    os.environ["ZHIFA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhifa.settings"
    os.environ.setdefault("ZHIFA_LOG_LEVEL", "WARNING")
    for name in ("DATABASE_URL", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE"):
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def agencies_by_name() -> dict[str, Any]:
    from zhifa.core.models import Agency

    return {a.name: a for a in Agency.objects.all()}


def reader(stop: Any, done: Any, seed: int) -> None:
    """A second process: searches continuously over the same mix until told to stop."""
    setup_django(Path(os.environ["ZHIFA_DATA_DIR"]), os.environ.get("DATABASE_URL"))
    from zhifa.publicity.search import search

    rng = random.Random(seed)  # noqa: S311 - a repeatable sample, not a secret
    agencies = agencies_by_name()
    variants = [make_search(v, agencies) for _, vs in shapes() for v in vs]
    while not stop.is_set():
        asked, page = rng.choice(variants)
        search(asked, today=TODAY, page=page)
        with done.get_lock():
            done.value += 1


def explain(plan: list[tuple[str, list[tuple[Any, int]]]]) -> str:
    """Each statement search() runs for the first variant of each shape: its time alone (best of 3) and its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhifa.publicity.search import search

    out = []
    for name, variants in plan:
        asked, page = variants[0]
        with CaptureQueriesContext(connection) as captured:
            search(asked, today=TODAY, page=page)
        out.append(f"## {name}: {asked.text!r} page {page}")
        for query in captured.captured_queries:
            sql = query["sql"]
            with connection.cursor() as cursor:
                best = min(timed(lambda sql=sql: run(cursor, sql)) for _ in range(3))
                prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
                cursor.execute(prefix + sql)
                lines = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
            out += [f"-- {best:.1f} ms", sql, *("    " + line for line in lines), ""]
    return "\n".join(out)


def run(cursor: Any, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return cursor.fetchall()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_one(args: argparse.Namespace) -> int:
    rng = random.Random(SEED)  # noqa: S311 - reproducible data, not cryptography
    reuse = Path(args.reuse) if args.reuse else None
    data_dir = reuse or Path(tempfile.mkdtemp(prefix="zhifa-publicity-bench-"))
    server = None
    try:
        database_url = None
        if args.db == "postgresql":
            from zhifa.testing.postgres import ThrowawayPostgres

            if reuse is None:
                data_dir.chmod(0o711)  # the server may run as another user (zhifa.testing.postgres)
                (data_dir / "pg").mkdir()
            server = ThrowawayPostgres(data_dir / "pg")
            if reuse is None:
                server.start()
            database_url = server.url()
        log(f"{args.db}: data in {data_dir}; {platform.python_version()}, {os.cpu_count()} CPUs")
        setup_django(data_dir, database_url)
        import django
        from django.core.management import call_command
        from django.db import connection

        from zhifa.publicity.search import search

        if reuse is None:
            call_command("migrate", verbosity=0)
            log(f"filling {args.n:,} publications")
            built = fill_database(args.n, rng, connection.vendor)
            log(f"filled in {built['fill_s']:.0f} s ({built['segmented']:,} distinct pieces segmented)")
        else:
            from zhifa.publicity.models import Publication

            args.n = Publication.objects.count()
            built = {"fill_s": 0.0, "segmented": 0}
            log(f"reusing {args.n:,} publications in {data_dir}")
        if connection.vendor == "sqlite":
            version = f"SQLite {connection.Database.sqlite_version}"
            size = (data_dir / "zhifa.sqlite3").stat().st_size / 2**20
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = f"PostgreSQL {cursor.fetchone()[0]}"
                cursor.execute("SELECT pg_database_size(current_database())")
                size = cursor.fetchone()[0] / 2**20

        agencies = agencies_by_name()
        plan = [(name, [make_search(v, agencies) for v in variants]) for name, variants in shapes()]
        # Warm both paths once (page cache), and keep what each query found for --dump.
        found: dict[str, Any] = {}
        for name, variants in plan:
            for i, (asked, page) in enumerate(variants):
                results = search(asked, today=TODAY, page=page)
                _, count = baseline(asked, page)
                found[f"{name} #{i}"] = {
                    "ids": [r.pk for r in results.rows],
                    "count": results.count,
                    "more": results.more_than_counted,
                    "has_next": results.has_next,
                    "baseline_count": count,
                }
        if args.dump:
            Path(args.dump).write_text(json.dumps(found, ensure_ascii=False, indent=1))
        if args.explain:
            Path(args.explain).write_text(explain(plan))

        connection.close()  # the readers open their own
        context = multiprocessing.get_context("spawn")
        stop, done = context.Event(), context.Value("q", 0)
        readers = [context.Process(target=reader, args=(stop, done, SEED + i)) for i in range(args.load)]
        for process in readers:
            process.start()
        waited = time.perf_counter()
        while done.value < args.load and time.perf_counter() - waited < 120:  # their Django setup, jieba's dictionary
            time.sleep(0.1)
        load_before = os.getloadavg()[0]
        t_start, done_start = time.perf_counter(), done.value
        ours: dict[str, list[float]] = {}
        plain: dict[str, list[float]] = {}
        budget = args.seconds / len(plan)
        try:
            for name, variants in plan:
                ours[name], plain[name] = [], []
                began = time.perf_counter()
                i = 0
                while (i < args.min_reps or time.perf_counter() - began < budget) and i < args.max_reps:
                    asked, page = variants[i % len(variants)]
                    ours[name].append(timed(lambda asked=asked, page=page: search(asked, today=TODAY, page=page)))
                    # The baseline is slow where the index is fast: it runs every third turn, at least 3 times.
                    if i % 3 == 0 or len(plain[name]) < 3:
                        plain[name].append(timed(lambda asked=asked, page=page: baseline(asked, page)))
                    i += 1
                log(f"  {name}: {len(ours[name])} + {len(plain[name])} queries")
        finally:
            elapsed = time.perf_counter() - t_start
            load_rate = (done.value - done_start) / elapsed
            stop.set()
            for process in readers:
                process.join(30)

        every_ours = [t for ts in ours.values() for t in ts]
        every_plain = [t for ts in plain.values() for t in ts]
        print(f"# Public decision search (公示查询), {args.db}: {args.n:,} publications, commit {commit()}")
        print(
            f"# {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"{version}, {os.cpu_count()} CPUs, load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
        )
        print(
            f"fill {built['fill_s']:.0f} s ({built['segmented']:,} distinct pieces segmented by jieba), "
            f"database {size:,.0f} MB; {args.load} reader process(es) searching meanwhile: {load_rate:.1f} searches/s"
        )
        print()
        header = f"| {'query shape':38} | {'n':>4} | {'p50 ms':>7} | {'p99 ms':>7} | {'max ms':>7} "
        header += f"| {'LIKE p50':>8} | {'LIKE max':>8} | {'ratio p50':>9} |"
        print(header)
        print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
        for name, _ in plan:
            a, b = ours[name], plain[name]
            print(
                f"| {name:38} | {len(a):>4} | {p(a, 0.5):>7.1f} | {p(a, 0.99):>7.1f} | {max(a):>7.1f} "
                f"| {p(b, 0.5):>8.1f} | {max(b):>8.1f} | {p(a, 0.5) / p(b, 0.5):>9.2f} |"
            )
        o50, o99, b50, b99 = p(every_ours, 0.5), p(every_ours, 0.99), p(every_plain, 0.5), p(every_plain, 0.99)
        print(
            f"| {'all shapes':38} | {len(every_ours):>4} | {o50:>7.1f} | {o99:>7.1f} | {max(every_ours):>7.1f} "
            f"| {b50:>8.1f} | {max(every_plain):>8.1f} | {o50 / b50:>9.2f} |"
        )
        print(f"\nbaseline (LIKE) overall: p50 {b50:.1f} ms, p99 {b99:.1f} ms; ratio at p99 {o99 / b99:.2f}")
        worst = max(plan, key=lambda item: p(ours[item[0]], 0.99))[0]
        verdict = "PASS" if o99 < TARGET_MS else "MISS"
        print(f"search() p99 {o99:.1f} ms against {TARGET_MS:.0f} ms at {args.n:,}: {verdict} (slowest shape: {worst})")
        return 0
    finally:
        if args.keep:
            log(f"kept {data_dir} (measure again with --db {args.db} --reuse {data_dir}, without --keep to remove)")
        else:
            if server is not None:
                from django.db import connections

                connections.close_all()
                server.stop()
            shutil.rmtree(data_dir, ignore_errors=True)


def commit() -> str:
    git = shutil.which("git") or "git"
    done = subprocess.run([git, "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)  # noqa: S603
    dirty = subprocess.run([git, "-C", str(ROOT), "status", "--porcelain", "zhifa"], capture_output=True, text=True)  # noqa: S603
    return done.stdout.strip() + (" + changes" if dirty.stdout.strip() else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=10**6, help="published decisions (default 10^6)")
    parser.add_argument("--load", type=int, default=1, help="reader processes searching meanwhile (default 1)")
    parser.add_argument("--seconds", type=float, default=90, help="time for the measurement (default 90)")
    parser.add_argument("--min-reps", type=int, default=12, help="queries of each shape at least (default 12)")
    parser.add_argument("--max-reps", type=int, default=200, help="queries of each shape at most (default 200)")
    parser.add_argument("--dump", help="write each query's result ids and counts to this JSON file")
    parser.add_argument("--explain", help="write each shape's statements, their times and plans to this file")
    parser.add_argument("--keep", action="store_true", help="keep the data (and the PostgreSQL server running)")
    parser.add_argument("--reuse", help="measure the data a --keep run left in this folder, without filling")
    args = parser.parse_args(argv)
    if args.db != "both":
        return run_one(args)
    status = 0
    for db in ("sqlite", "postgresql"):
        again = ["--db", db, "--n", str(args.n), "--load", str(args.load), "--seconds", str(args.seconds)]
        again += ["--min-reps", str(args.min_reps), "--max-reps", str(args.max_reps)]
        again += ["--dump", f"{args.dump}.{db}"] if args.dump else []
        again += ["--explain", f"{args.explain}.{db}"] if args.explain else []
        again += ["--keep"] if args.keep else []
        status |= subprocess.run([sys.executable, __file__, *again], check=False).returncode  # noqa: S603 - ourselves
    return status


if __name__ == "__main__":
    raise SystemExit(main())
