"""Reads of the law for the pages and the API: violations by domain and words, one violation with its rules by date
and the benchmark an agency follows, the legal texts with their versions, the no-penalty lists, an agency's
benchmarks in force. The law is public: nothing here is scoped by the reader, except whose benchmark applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from zhifa.cases.choices import PenaltyKind
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.laws.benchmarks import BenchmarkBook
from zhifa.laws.choices import FineBasis, Tier
from zhifa.laws.models import (
    BenchmarkTier,
    DiscretionBenchmark,
    LegalProvision,
    LegalText,
    LegalTextVersion,
    NoPenaltyItem,
    NoPenaltyList,
    Violation,
    ViolationRule,
)
from zhifa.laws.numerals import amount_text

# A search word longer than this is cut: nobody types a violation's name of 50 characters.
QUERY_LENGTH = 50


def kind_labels(kinds: list[str]) -> list[str]:
    labels = dict(PenaltyKind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds]


def unit_of(rule: ViolationRule) -> str:
    """The unit of the rule's (and its tiers') fine figures: yuan, or multiples of the base the law names."""
    return f"倍（{rule.fine_of}）" if rule.fine_basis == FineBasis.MULTIPLE else "元"


def range_text(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    if low is None and high is None:
        return "—"
    return f"{amount_text(low)}至{amount_text(high)}{unit}"


def fine_text(rule: ViolationRule) -> str:
    """The fine as the law sets it: "100,000至1,000,000元", "滥伐林木价值3至5倍", or "不处罚款"."""
    if rule.fine_basis == FineBasis.NONE:
        return "不处罚款"
    if rule.fine_basis == FineBasis.MULTIPLE:
        text = f"{rule.fine_of}{amount_text(rule.fine_min)}至{amount_text(rule.fine_max)}倍"
        if rule.fallback_max is not None:
            text += f"（无法计算{rule.fine_of}的，{range_text(rule.fallback_min, rule.fallback_max, '元')}）"
    else:
        text = range_text(rule.fine_min, rule.fine_max, "元")
    if rule.fine_max_organisation is not None:
        text += f"；单位 {range_text(rule.fine_min_organisation, rule.fine_max_organisation, unit_of(rule))}"
    return text


def tier_text(rule: ViolationRule, tier: BenchmarkTier) -> str:
    if tier.tier == Tier.NO_PENALTY:
        return "不予处罚"
    if tier.fine_min is None and tier.fine_max is None:
        return "不处罚款"
    return range_text(tier.fine_min, tier.fine_max, unit_of(rule))


def violation_list(*, domain: str = "", q: str = "") -> QuerySet[Violation]:
    """Violations of a domain (all when empty) whose name or keywords hold `q`. Keywords are matched in Python: a
    JSON list's text is stored escaped on SQLite, where a database lookup would miss Chinese words."""
    found = Violation.objects.all()
    if domain:
        found = found.filter(domain=domain)
    words = q.strip()[:QUERY_LENGTH]
    if words:
        keyed = [
            pk
            for pk, keywords in found.values_list("pk", "keywords")
            if any(words in str(keyword) for keyword in keywords or ())
        ]
        found = found.filter(Q(name__icontains=words) | Q(code__icontains=words) | Q(pk__in=keyed))
    return found.order_by("domain", "name", "code")


def domain_counts() -> list[tuple[str, str, int]]:
    """(domain, label, violations) for the list's filter, the domains that have any."""
    counts: dict[str, int] = {}
    for domain in Violation.objects.values_list("domain", flat=True):
        counts[domain] = counts.get(domain, 0) + 1
    return [(value, str(label), counts[value]) for value, label in Domain.choices if value in counts]


def _provisions() -> QuerySet[LegalProvision]:
    return LegalProvision.objects.select_related("version__text", "successor__version__text")


def violation_with_rules(code: str) -> Violation:
    """The violation with its rules and their provisions in a handful of queries (DoesNotExist when unknown)."""
    rules = ViolationRule.objects.prefetch_related(
        Prefetch("prohibits", queryset=_provisions()), Prefetch("penalises", queryset=_provisions())
    ).order_by("-effective_from")
    return Violation.objects.prefetch_related(Prefetch("rules", queryset=rules)).get(code=code)


@dataclass
class BenchmarkView:
    """A benchmark version as its reader needs it: whose it is, and its tiers in the rule's unit."""

    benchmark: DiscretionBenchmark
    rule: ViolationRule
    whose: str  # "own", "inherited" or "shipped", seen from the agency asked about
    in_force: bool = False

    @property
    def owner(self) -> str:
        return self.benchmark.agency.name if self.benchmark.agency is not None else "随系统提供"

    @property
    def tiers(self) -> list[tuple[BenchmarkTier, str, list[str]]]:
        return [(tier, tier_text(self.rule, tier), kind_labels(tier.kinds)) for tier in self.benchmark.tiers.all()]


def whose(benchmark: DiscretionBenchmark, agency: Agency | None) -> str:
    if benchmark.agency_id is None:
        return "shipped"
    return "own" if agency is not None and benchmark.agency_id == agency.pk else "inherited"


@dataclass
class RuleView:
    rule: ViolationRule
    in_force: bool
    benchmark: BenchmarkView | None
    history: list[BenchmarkView]

    @property
    def prohibits(self) -> list[LegalProvision]:
        return list(self.rule.prohibits.all())

    @property
    def penalises(self) -> list[LegalProvision]:
        return list(self.rule.penalises.all())

    @property
    def kinds(self) -> list[str]:
        return kind_labels(self.rule.kinds)

    @property
    def fine(self) -> str:
        return fine_text(self.rule)


@dataclass
class ViolationView:
    violation: Violation
    on_date: date
    agency: Agency | None
    rules: list[RuleView]
    no_penalty: list[tuple[NoPenaltyItem, str]] = field(default_factory=list)  # with the list's validity


def violation_view(violation: Violation, *, agency: Agency | None, on_date: date) -> ViolationView:
    """`violation` (from violation_with_rules) with each rule, newest first, the benchmark `agency` follows for it
    on `on_date` (and every version it has followed or may follow), and the no-penalty items that name it."""
    rules = list(violation.rules.all())
    book = BenchmarkBook(rule.pk for rule in rules)
    views = []
    for rule in rules:
        current = book.in_force(agency, rule.pk, on_date)
        history = [
            BenchmarkView(version, rule, whose(version, agency), current is not None and version.pk == current.pk)
            for version in book.history(agency, rule.pk)
        ]
        in_force = next((view for view in history if view.in_force), None)
        views.append(RuleView(rule, rule.in_force(on_date), in_force, history))
    items = list(
        NoPenaltyItem.objects.filter(violation=violation)
        .select_related("no_penalty_list")
        .order_by("-no_penalty_list__valid_from", "pk")
    )
    listed = [(item, validity(item.no_penalty_list, on_date)) for item in items]
    return ViolationView(violation, on_date, agency, views, listed)


def validity(listed: NoPenaltyList, on_date: date) -> str:
    """ "in_force", "expired" or "not_yet" on `on_date`."""
    if listed.in_force(on_date):
        return "in_force"
    return "not_yet" if on_date < listed.valid_from else "expired"


def legal_text_with_versions(code: str) -> LegalText:
    """The text with its versions (newest first) and each version's provisions with their successors and the
    provisions they succeed (DoesNotExist when unknown)."""
    provisions = LegalProvision.objects.select_related("successor__version__text").prefetch_related(
        Prefetch("predecessors", queryset=LegalProvision.objects.select_related("version__text"))
    )
    versions = LegalTextVersion.objects.prefetch_related(Prefetch("provisions", queryset=provisions)).order_by(
        "-effective_from"
    )
    return LegalText.objects.prefetch_related(Prefetch("versions", queryset=versions)).get(code=code)


def legal_texts(*, text: str = "", level: str = "") -> QuerySet[LegalText]:
    """The legal texts by rank, those whose name holds `text` and of rank `level` when given."""
    texts = LegalText.objects.order_by("level", "code")
    if text:
        texts = texts.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
    if level:
        texts = texts.filter(level=level)
    return texts


def no_penalty_lists(on_date: date) -> list[tuple[NoPenaltyList, str]]:
    """Every list, newest first, with its items and their violations, and its validity on `on_date`."""
    items = NoPenaltyItem.objects.select_related("violation").order_by("pk")
    lists = NoPenaltyList.objects.select_related("agency").prefetch_related(Prefetch("items", queryset=items))
    return [(listed, validity(listed, on_date)) for listed in lists]


@dataclass
class AgencyBenchmark:
    """One rule in force on the day and the benchmark `agency` follows for it."""

    rule: ViolationRule
    view: BenchmarkView

    @property
    def citation(self) -> str:
        return "、".join(provision.citation for provision in self.rule.penalises.all())


def rules_in_force(on_date: date) -> QuerySet[ViolationRule]:
    return (
        ViolationRule.objects.filter(effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .select_related("violation")
        .prefetch_related(Prefetch("penalises", queryset=LegalProvision.objects.select_related("version__text")))
        .order_by("violation__domain", "violation__name", "violation__code")
    )


def agency_benchmarks(agency: Agency, on_date: date) -> list[AgencyBenchmark]:
    """For every rule in force on `on_date` that has a benchmark for `agency` (its own, an agency's above it, or
    the shipped one), that benchmark — saying whose it is."""
    rules = list(rules_in_force(on_date))
    book = BenchmarkBook(rule.pk for rule in rules)
    found = []
    for rule in rules:
        benchmark = book.in_force(agency, rule.pk, on_date)
        if benchmark is not None:
            found.append(AgencyBenchmark(rule, BenchmarkView(benchmark, rule, whose(benchmark, agency), True)))
    return found
