"""Similar-case search (类案推送, zhifa/laws/similar.py) over 10^5 closed cases, beside a plain SQL LIKE baseline.

Fills a fresh temporary ZHIFA_DATA_DIR (SQLite, Zhifa's own settings) with N closed cases whose facts come from
templates over ~30 violations (forestry, ecology, market regulation), with varied places, species, numbers and
goods; 10 % of them in a second province. Builds the index with `similar.rebuild()` (what `zhifa laws reindex`
runs), then times Q queries — open cases written from the same templates — through `similar_cases()` (the
actor's scope check, the version row, segmentation, BM25, the rows shown) and through a plain SQL LIKE over the
same table with the query's three most telling words, ORDER BY decided_on DESC LIMIT 10, alternating the two.
Prints p50/p95/p99 of both, the ratio, and PASS/MISS against 200 ms at p99.

    .venv/bin/python bench/similar_bench.py           # 10^5 cases, 300 queries
    .venv/bin/python bench/similar_bench.py --quick   # 10^4 cases, 100 queries
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 20261206
TARGET_MS = 200.0

PLACES = ["青山镇", "红旗村", "白桦乡", "东风林场", "大青山", "黑河口", "石门镇", "柳树沟", "南湾村", "北坡"]
TREES = ["杨树", "柳树", "落叶松", "樟子松", "白桦", "榆树", "油松", "柞树", "云杉", "刺槐"]
ANIMALS = ["红腹锦鸡", "野猪", "狍子", "穿山甲", "猫头鹰", "画眉", "斑鸠", "野兔"]
GOODS = ["食品", "化妆品", "电动自行车", "儿童玩具", "白酒", "药品", "农药", "化肥"]
POLLUTANTS = ["化学需氧量", "氨氮", "总磷", "二氧化硫", "氮氧化物", "颗粒物"]
NAMES = ["张某", "李某", "王某", "赵某", "刘某", "陈某", "杨某", "黄某"]

# (code, name, domain, templates): each template is filled with the slots below.
VIOLATIONS: list[tuple[str, str, str, list[str]]] = [
    (
        "logging",
        "滥伐林木",
        "forestry",
        [
            "{n}未办理林木采伐许可证，在{p}{lb}号林班擅自采伐{t}{k}株，立木蓄积{v}立方米",
            "{n}超出林木采伐许可证规定的数量，在{p}多采伐{t}{k}株，蓄积{v}立方米",
        ],
    ),
    (
        "theft",
        "盗伐林木",
        "forestry",
        [
            "{n}在{p}{lb}号林班盗伐他人所有的{t}{k}株，立木蓄积{v}立方米，已销售",
            "{n}趁夜间在{p}国有林场盗伐{t}{k}株并运至自家院内",
        ],
    ),
    (
        "land",
        "非法占用林地",
        "forestry",
        [
            "{n}未经批准在{p}擅自占用林地{a}亩修建养殖场，改变林地用途",
            "{n}在{p}{lb}号林班开垦林地{a}亩种植玉米，毁坏{t}幼树",
        ],
    ),
    (
        "fire",
        "违规野外用火",
        "forestry",
        [
            "{n}在森林防火期内于{p}林区野外用火烧荒，过火面积{a}亩",
            "{n}在{p}林缘上坟烧纸，引燃{t}林下枯草{a}亩",
        ],
    ),
    (
        "wildlife",
        "非法猎捕野生动物",
        "forestry",
        [
            "{n}在{p}使用铁夹猎捕{w}{k}只，未取得狩猎证",
            "{n}在{p}禁猎区设置猎套，猎获{w}{k}只",
        ],
    ),
    (
        "wildlife-trade",
        "非法出售野生动物",
        "forestry",
        [
            "{n}在{p}集市出售{w}{k}只，不能提供合法来源证明",
            "{n}通过网络平台出售{w}制品{k}件",
        ],
    ),
    (
        "seedlings",
        "销售未经检疫的林木种苗",
        "forestry",
        [
            "{n}在{p}销售未经检疫的{t}苗木{k}株",
            "{n}从外省调入{t}苗木{k}株未办理植物检疫证书",
        ],
    ),
    (
        "transport",
        "无证运输木材",
        "forestry",
        [
            "{n}驾驶货车在{p}木材检查站运输{t}原木{v}立方米，不能提供木材来源证明",
        ],
    ),
    (
        "reserve",
        "在自然保护区内违规开矿采石",
        "forestry",
        [
            "{n}在{p}自然保护区实验区内开采石料{v}立方米，破坏植被{a}亩",
        ],
    ),
    (
        "grassland",
        "非法开垦草原",
        "forestry",
        [
            "{n}在{p}开垦草原{a}亩种植农作物，造成草原植被破坏",
        ],
    ),
    (
        "water-excess",
        "超标排放水污染物",
        "ecology",
        [
            "{n}在{p}的污水处理设施排放口{r}超标{x}倍排放",
            "{n}外排废水中{r}浓度超过排放标准{x}倍",
        ],
    ),
    (
        "air-excess",
        "超标排放大气污染物",
        "ecology",
        [
            "{n}锅炉烟气中{r}浓度超过排放标准{x}倍，位于{p}",
        ],
    ),
    (
        "no-eia",
        "未批先建",
        "ecology",
        [
            "{n}在{p}建设项目环境影响报告表未经批准擅自开工建设",
        ],
    ),
    (
        "no-permit",
        "无证排污",
        "ecology",
        [
            "{n}未取得排污许可证在{p}排放{r}",
        ],
    ),
    (
        "waste",
        "违规处置危险废物",
        "ecology",
        [
            "{n}将废机油{k}桶倾倒在{p}空地，未交有资质单位处置",
            "{n}未按规定贮存危险废物{v}吨，露天堆放于{p}",
        ],
    ),
    (
        "noise",
        "建筑施工噪声超标",
        "ecology",
        [
            "{n}在{p}夜间施工噪声超过排放标准，影响周边居民休息",
        ],
    ),
    (
        "dust",
        "施工扬尘未采取防治措施",
        "ecology",
        [
            "{n}在{p}工地土方未覆盖，运输车辆未密闭，扬尘污染",
        ],
    ),
    (
        "monitoring",
        "篡改自动监测数据",
        "ecology",
        [
            "{n}人为干扰自动监测设备，篡改{r}监测数据",
        ],
    ),
    (
        "food-expired",
        "销售过期食品",
        "market",
        [
            "{n}在{p}经营的超市销售超过保质期的{g}{k}件，货值{m}元",
        ],
    ),
    (
        "fake",
        "销售假冒注册商标商品",
        "market",
        [
            "{n}在{p}销售假冒注册商标的{g}{k}件，货值{m}元",
        ],
    ),
    (
        "no-licence",
        "无证经营",
        "market",
        [
            "{n}未取得营业执照在{p}从事{g}经营活动，违法所得{m}元",
        ],
    ),
    (
        "label",
        "标签不符合规定",
        "market",
        [
            "{n}在{p}销售的{g}标签未标注生产日期和生产者名称，共{k}件",
        ],
    ),
    (
        "weight",
        "短斤少两",
        "market",
        [
            "{n}在{p}农贸市场使用不合格计量器具销售商品，短秤{x}%",
        ],
    ),
    (
        "price",
        "不明码标价",
        "market",
        [
            "{n}在{p}经营的门店销售{g}未明码标价",
        ],
    ),
    (
        "ad",
        "发布虚假广告",
        "market",
        [
            "{n}通过微信公众号发布{g}虚假广告，宣称具有治疗功效，广告费{m}元",
        ],
    ),
    (
        "quality",
        "生产销售不合格产品",
        "market",
        [
            "{n}在{p}生产的{g}经抽检不合格，已销售{k}件，货值{m}元",
        ],
    ),
    (
        "drug",
        "销售劣药",
        "market",
        [
            "{n}在{p}药店销售超过有效期的{g}{k}盒",
        ],
    ),
    (
        "special",
        "特种设备未经检验使用",
        "market",
        [
            "{n}在{p}使用未经定期检验的电梯{k}台",
        ],
    ),
    (
        "pesticide",
        "经营禁用农药",
        "market",
        [
            "{n}在{p}农资店销售国家禁用的{g}{k}瓶",
        ],
    ),
    (
        "contract",
        "利用合同格式条款侵害消费者权益",
        "market",
        [
            "{n}在{p}以格式条款免除自身责任，侵害消费者权益",
        ],
    ),
]


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        n="当事人" + rng.choice(NAMES),
        p=rng.choice(PLACES),
        lb=rng.randint(1, 40),
        t=rng.choice(TREES),
        k=rng.randint(1, 300),
        v=f"{rng.uniform(0.1, 60):.1f}",
        a=f"{rng.uniform(0.1, 30):.1f}",
        w=rng.choice(ANIMALS),
        r=rng.choice(POLLUTANTS),
        x=f"{rng.uniform(0.1, 5):.1f}",
        g=rng.choice(GOODS),
        m=rng.randint(100, 200000),
    ) + rng.choice(["。", "，当事人对违法事实无异议。", "，现场制作了勘验笔录并拍照取证。", "，有询问笔录、照片为证。"])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def setup_django(data_dir: Path) -> None:
    os.environ["ZHIFA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhifa.settings"
    os.environ.setdefault("ZHIFA_LOG_LEVEL", "WARNING")
    for name in ("DATABASE_URL", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE"):
        os.environ.pop(name, None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_world(size: int, queries: int, rng: random.Random) -> dict[str, Any]:
    from zhifa.cases.models import Case
    from zhifa.cases.workflow import State
    from zhifa.core.choices import AgencyKind, Role
    from zhifa.laws.choices import Tier
    from zhifa.laws.models import Violation
    from zhifa.testing.factories import make_agency, make_user

    province = make_agency("本省林业和草原局")
    branches = [make_agency(f"第{i}分局", province, kind=AgencyKind.BRANCH) for i in range(1, 11)]
    other = make_agency("外省林业局")
    supervisor = make_user("supervisor", province, Role.SUPERVISOR)
    violations = [
        (Violation.objects.create(code=code, name=name, domain=domain), domain, templates)
        for code, name, domain, templates in VIOLATIONS
    ]
    tiers = [Tier.LIGHTER, Tier.ORDINARY, Tier.HEAVIER]
    start = date(2021, 1, 1)

    def case(state: str, agency: Any) -> Case:
        violation, domain, templates = rng.choice(violations)
        facts = fill(rng.choice(templates), rng)
        decided = start + timedelta(days=rng.randint(0, 5 * 365))
        closed = state == State.CLOSED
        return Case(
            agency=agency,
            domain=domain,
            state=state,
            title=violation.name,
            lead_source="inspection",
            lead_summary="巡查发现" + violation.name + "线索",
            received_on=decided - timedelta(days=40),
            facts_found=facts,
            violation=violation,
            tier=rng.choice(tiers) if closed else "",
            penalty_kinds=["fine"] if closed else [],
            fine=Decimal(rng.randint(1, 500) * 100) if closed else None,
            decided_on=decided if closed else None,
            closed_on=decided + timedelta(days=30) if closed else None,
            created_by=supervisor,
        )

    made = 0
    while made < size:
        chunk = min(5000, size - made)
        rows = [case(State.CLOSED, other if rng.random() < 0.1 else rng.choice(branches)) for _ in range(chunk)]
        Case.objects.bulk_create(rows, batch_size=1000)
        made += chunk
        log(f"  {made:,} closed cases")
    asked = [case(State.INVESTIGATING, rng.choice(branches)) for _ in range(queries)]
    Case.objects.bulk_create(asked)
    open_cases = list(Case.objects.filter(state=State.INVESTIGATING).select_related("agency").order_by("pk"))
    return {"province": province, "supervisor": supervisor, "queries": open_cases, "violations": violations}


def baseline(case: Any, words: list[str]) -> list[int]:
    """The plain way: the closed cases of the province whose facts contain any of the query's words, latest first."""
    from django.db import connection

    likes = " OR ".join("c.facts_found LIKE %s" for _ in words) or "1 = 1"
    # Only placeholders are joined in: the words go as parameters.
    sql = (
        "SELECT c.id FROM cases_case c JOIN core_agency a ON a.id = c.agency_id "  # noqa: S608
        "WHERE c.state IN ('closed', 'archived') AND a.path LIKE %s AND c.id <> %s "
        f"AND ({likes}) ORDER BY c.decided_on DESC LIMIT 10"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.agency.path[:9] + "%", case.pk, *[f"%{word}%" for word in words]])
        return [row[0] for row in cursor.fetchall()]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10^4 cases, 100 queries")
    parser.add_argument("--size", type=int, help="closed cases (default 10^5)")
    parser.add_argument("--queries", type=int, help="queries timed (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args(argv)
    size = args.size or (10**4 if args.quick else 10**5)
    queries = args.queries or (100 if args.quick else 300)
    rng = random.Random(SEED)  # noqa: S311 - reproducible data, not cryptography
    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-similar-bench-"))
    try:
        log(f"data in {data_dir}; {platform.python_version()}, {os.cpu_count()} CPUs")
        setup_django(data_dir)
        import django
        from django.db import connection

        from zhifa.laws import similar
        from zhifa.laws.similar_text import terms

        log(f"filling {size:,} closed cases and {queries} open ones")
        t0 = time.perf_counter()
        world = build_world(size, queries, rng)
        fill_s = time.perf_counter() - t0

        log("building the index (similar.rebuild, as `zhifa laws reindex`)")
        t0 = time.perf_counter()
        indexed = similar.rebuild()
        rebuild_s = time.perf_counter() - t0

        actor, asked = world["supervisor"], world["queries"]
        before = rss_mb()
        cold_ms = timed(lambda: similar.similar_cases(asked[0], actor=actor))
        memory = rss_mb() - before

        # Warm both (the first LIKE pays SQLite's page cache), then alternate, query by query.
        index = similar._current(similar.tree_of(world["province"]))
        keywords = {}
        for case in asked:
            chosen = similar._query_terms(index, terms(similar.case_text(case)))
            keywords[case.pk] = [word for word, _idf in chosen[:3]]
        for case in asked[:10]:
            similar.similar_cases(case, actor=actor)
            baseline(case, keywords[case.pk])
        ours, plain, hits = [], [], []
        for case in asked:
            found: list[Any] = []
            ours.append(timed(lambda case=case, found=found: found.extend(similar.similar_cases(case, actor=actor))))
            plain.append(timed(lambda case=case: baseline(case, keywords[case.pk])))
            hits.append(found)

        # The path without a violation (BM25 over every case of the province), fewer queries.
        unclassified = []
        for case in asked[: max(20, queries // 6)]:
            case.violation_id = None
            unclassified.append(timed(lambda case=case: similar.similar_cases(case, actor=actor)))

        # One case closed: its row written with the version row, then the next query brings the copy up to date.
        from zhifa.cases.workflow import State

        closing = asked[-1]
        closing.state, closing.decided_on = State.CLOSED, date(2026, 1, 1)
        closing.save()
        index_ms = timed(lambda: similar.index_case(closing))
        refresh_ms = timed(lambda: similar.similar_cases(asked[0], actor=actor))

        same = sum(1 for found in hits for item in found if item.same_violation)
        shown = sum(len(found) for found in hits)
        p_ours, p_plain = percentiles(ours), percentiles(plain)
        p_none = percentiles(unclassified)
        print(f"# Similar cases (类案推送): {indexed:,} closed cases indexed, {len(asked)} queries")
        print(
            f"# {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"SQLite {connection.Database.sqlite_version}, {os.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.2f}"
        )
        print(
            f"fill {fill_s:.1f} s; rebuild (jieba + rows) {rebuild_s:.1f} s; cold first query {cold_ms:.0f} ms "
            f"(loads the copy in memory, ~{memory:.0f} MB RSS)"
        )
        print(f"one closure indexed {index_ms:.1f} ms; next query with the copy brought up to date {refresh_ms:.1f} ms")
        print(f"results: {shown / len(hits):.1f} a query, {same / max(shown, 1):.0%} of the same violation")
        print()
        print(f"{'':34}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
        print(f"{'similar_cases (BM25, jieba)':34}" + "".join(f"{v:>10.1f}" for v in p_ours))
        print(f"{'baseline: SQL LIKE, 3 words':34}" + "".join(f"{v:>10.1f}" for v in p_plain))
        ratios = [a / b for a, b in zip(p_ours, p_plain, strict=True)]
        print(f"{'ratio (ours / baseline)':34}" + "".join(f"{v:>10.2f}" for v in ratios))
        print(f"{'without a violation (all cases)':34}" + "".join(f"{v:>10.1f}" for v in p_none))
        verdict = "PASS" if p_ours[2] < TARGET_MS else "MISS"
        print(f"\np99 {p_ours[2]:.1f} ms against {TARGET_MS:.0f} ms at {indexed:,} cases: {verdict}")
        return 0
    finally:
        if args.keep:
            log(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
