"""Legal provisions by date, violations with their penalty rules, discretion benchmarks and no-penalty lists.

The law a case is judged by is data with its source, not code (ARCHITECTURE invariant 8): every provision
belongs to one version of a legal text, in force between two dates; a violation's penalty rule is one
legal basis in force between two dates; a benchmark is one agency's tiers for one rule from a day on.
Shipped data (zhifa/laws/data) is loaded by `zhifa laws load`; an agency's own benchmark versions are
added through laws/services.py, recorded in the ledger. Rows are added, never edited in place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import PartyKind
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.laws.choices import FineBasis, NoPenaltyKind, SimilarOutcome, TextLevel, Tier
from zhifa.laws.numerals import article_citation


class LegalText(models.Model):
    """A law, regulation or rule (法律、法规、规章), whatever its versions."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, help_text=_("文书引用时的名称，如“森林法”"))
    level = models.CharField(_("效力层级"), max_length=20, choices=TextLevel.choices)
    issuer = models.CharField(_("制定机关"), max_length=100)
    domains = models.JSONField(_("执法领域"), default=list)

    class Meta:
        verbose_name = _("法律、法规、规章")
        verbose_name_plural = _("法律、法规、规章")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegalTextVersion(models.Model):
    """One version of a legal text (a revision or amendment), in force from one day to another."""

    text = models.ForeignKey(LegalText, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(_("版本"), max_length=60)
    adopted_on = models.DateField(_("通过或修订日期"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效前最后一日"), null=True, blank=True)
    source = models.CharField(_("文本来源"), max_length=300)
    checked = models.BooleanField(_("已与官方文本核对"), default=False)

    class Meta:
        verbose_name = _("法律文本版本")
        verbose_name_plural = _("法律文本版本")
        ordering = ["text", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["text", "effective_from"], name="one_text_version_per_day"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="text_version_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text.short_name}（{self.label}）"

    def in_force(self, on_date: date) -> bool:
        return self.effective_from <= on_date and (self.effective_to is None or on_date <= self.effective_to)


class LegalProvision(models.Model):
    """法律依据: one article, paragraph or item of one version of a legal text, with its words."""

    version = models.ForeignKey(LegalTextVersion, on_delete=models.PROTECT, related_name="provisions")
    article = models.PositiveIntegerField(_("条"), validators=[MinValueValidator(1)])
    paragraph = models.PositiveSmallIntegerField(_("款"), default=0, help_text=_("0：整条"))
    item = models.PositiveSmallIntegerField(_("项"), default=0, help_text=_("0：整款"))
    body = models.TextField(_("条文"))
    checked = models.BooleanField(_("已与官方文本核对"), default=False)
    # The provision that takes its place when its version ends (a renumbered or re-enacted rule).
    successor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors", verbose_name=_("后继条款")
    )

    class Meta:
        verbose_name = _("法律条款")
        verbose_name_plural = _("法律条款")
        ordering = ["version", "article", "paragraph", "item"]
        constraints = [
            models.UniqueConstraint(fields=["version", "article", "paragraph", "item"], name="one_provision_per_place")
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        """How a document cites it: "森林法 第七十六条第一款"."""
        return f"{self.version.text.short_name} {article_citation(self.article, self.paragraph, self.item)}"

    @property
    def ref(self) -> str:
        """The stable reference the data files use: "forest-law@2020-07-01:76.1"; item 2 of an article
        without paragraphs is "…:83.0.2"."""
        numbers = [self.article, self.paragraph, self.item]
        while numbers[-1] == 0:
            numbers.pop()
        place = ".".join(str(n) for n in numbers)
        return f"{self.version.text.code}@{self.version.effective_from.isoformat()}:{place}"


def cite(provisions: list[LegalProvision]) -> str:
    """Provisions as a document cites them: one name per text, a provision left out when a more precise one of
    it is cited too ("水污染防治法 第八十三条第一款第二项", not also "第八十三条第一款")."""
    places = {(p.version_id, p.article, p.paragraph, p.item) for p in provisions}

    def covered(p: LegalProvision) -> bool:
        return any(
            (v, a) == (p.version_id, p.article)
            and (p.paragraph in (0, para))
            and p.item == 0
            and (para, item) != (p.paragraph, 0)
            for v, a, para, item in places
        )

    parts: list[str] = []
    last: tuple[str, int] | None = None  # the text and article of the provision cited just before
    for provision in provisions:
        if covered(provision):
            continue
        name = provision.version.text.short_name
        place = article_citation(provision.article, provision.paragraph, provision.item)
        if last == (name, provision.article) and (provision.paragraph or provision.item):
            # "第一百一十二条第一款第六项、第二款": the article is not repeated for its next paragraph.
            place = place.removeprefix(article_citation(provision.article))
        elif last is not None and last[0] == name:
            pass  # "森林法 第五十六条、第七十六条": the text is named once
        else:
            place = f"{name} {place}"
        parts.append(place)
        last = (name, provision.article)
    return "、".join(dict.fromkeys(parts))


class Violation(models.Model):
    """违法行为: a kind of unlawful act; its legal basis and penalty change by date (ViolationRule)."""

    code = models.SlugField(_("代码"), max_length=80, unique=True)
    name = models.CharField(_("违法行为"), max_length=200)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)

    class Meta:
        verbose_name = _("违法行为")
        verbose_name_plural = _("违法行为")
        ordering = ["domain", "code"]

    def __str__(self) -> str:
        return self.name


class ViolationRule(models.Model):
    """One violation's legal basis and statutory penalty, in force from one day to another: the provisions it
    breaks (行政处罚法 第五十九条: 违反的法律规定) and those that punish it (处罚依据), the penalty kinds, and the
    fine as the law sets it — an amount range, or a multiple of a base such as the value of the trees cut."""

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="rules")
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效前最后一日"), null=True, blank=True)
    prohibits = models.ManyToManyField(LegalProvision, related_name="prohibiting_rules", blank=True)
    penalises = models.ManyToManyField(LegalProvision, related_name="penalty_rules")
    kinds = models.JSONField(_("处罚种类"), default=list)
    orders = models.JSONField(_("责令改正等措施"), default=list, blank=True)
    fine_basis = models.CharField(_("罚款方式"), max_length=10, choices=FineBasis.choices)
    fine_of = models.CharField(_("倍数的基数"), max_length=100, blank=True, help_text=_("如：盗伐林木价值"))
    fine_min = models.DecimalField(_("罚款下限（元或倍）"), max_digits=16, decimal_places=4, null=True, blank=True)
    fine_max = models.DecimalField(_("罚款上限（元或倍）"), max_digits=16, decimal_places=4, null=True, blank=True)
    fine_min_organisation = models.DecimalField(
        _("单位罚款下限"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    fine_max_organisation = models.DecimalField(
        _("单位罚款上限"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    fallback_min = models.DecimalField(
        _("无法计算基数时的罚款下限（元）"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    fallback_max = models.DecimalField(
        _("无法计算基数时的罚款上限（元）"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    checked = models.BooleanField(_("数额已与官方文本核对"), default=False)
    # Set only where the law that ended this rule no longer makes the act an offence (从旧兼从轻: not punished);
    # a rule that ends without it and without a successor is a gap in the data, and the system refuses to guess.
    ends_offence = models.BooleanField(_("失效后不再认为违法"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("违法行为的处罚规定")
        verbose_name_plural = _("违法行为的处罚规定")
        ordering = ["violation", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["violation", "effective_from"], name="one_rule_per_violation_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.violation.name}（{self.effective_from} 起）"

    def in_force(self, on_date: date) -> bool:
        return self.effective_from <= on_date and (self.effective_to is None or on_date <= self.effective_to)

    @property
    def penalty_basis(self) -> str:
        """处罚依据 as the decision cites it (行政处罚法 第五十九条)."""
        return cite(list(self.penalises.all()))

    @property
    def legal_basis(self) -> str:
        """违反的法律规定: the provisions violated, or — where the penalty article itself describes the act ("违反本法
        规定，超过……排放的") — the penalty provisions."""
        return cite(list(self.prohibits.all())) or self.penalty_basis

    def fine_range(self, party_kind: str) -> tuple[Decimal | None, Decimal | None]:
        """(floor, ceiling) of the fine for a party of `party_kind`, in yuan or in multiples."""
        if party_kind == PartyKind.ORGANISATION and self.fine_max_organisation is not None:
            return self.fine_min_organisation, self.fine_max_organisation
        return self.fine_min, self.fine_max


class DiscretionBenchmark(models.Model):
    """行政处罚裁量基准: one agency's tiers for one penalty rule, from a day on. Versions are added, never edited;
    an agency without its own follows the nearest agency above, and at the top the benchmark shipped with the
    data (agency empty)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="benchmarks", verbose_name=_("制定机关")
    )
    rule = models.ForeignKey(ViolationRule, on_delete=models.PROTECT, related_name="benchmarks")
    effective_from = models.DateField(_("施行日期"))
    source = models.CharField(_("基准依据"), max_length=300, help_text=_("印发裁量基准的文件名称和文号"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["rule", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "rule", "effective_from"],
                condition=Q(agency__isnull=False),
                name="one_benchmark_version_per_day",
            ),
            models.UniqueConstraint(
                fields=["rule", "effective_from"],
                condition=Q(agency__isnull=True),
                name="one_shipped_benchmark_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.violation.name} 裁量基准（{self.effective_from} 起）"


class BenchmarkTier(models.Model):
    """One tier of a benchmark: its conditions, the penalty kinds and the fine range (in the rule's unit)."""

    benchmark = models.ForeignKey(DiscretionBenchmark, on_delete=models.PROTECT, related_name="tiers")
    tier = models.CharField(_("档次"), max_length=20, choices=Tier.choices)
    conditions = models.JSONField(_("适用情形"), default=list)
    kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine_min = models.DecimalField(_("罚款下限"), max_digits=16, decimal_places=4, null=True, blank=True)
    fine_max = models.DecimalField(_("罚款上限"), max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("裁量档次")
        verbose_name_plural = _("裁量档次")
        ordering = ["benchmark", "pk"]
        constraints = [models.UniqueConstraint(fields=["benchmark", "tier"], name="one_tier_of_a_kind")]

    def __str__(self) -> str:
        return self.get_tier_display()


class NoPenaltyList(models.Model):
    """首违不罚清单 / 轻微违法行为不予处罚清单: a published list, valid for a period (行政处罚法 第三十三条)."""

    code = models.SlugField(_("代码"), max_length=80, unique=True)
    name = models.CharField(_("清单名称"), max_length=200)
    issuer = models.CharField(_("发布机关"), max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="no_penalty_lists")
    source = models.CharField(_("依据"), max_length=300)
    valid_from = models.DateField(_("施行日期"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    domains = models.JSONField(_("执法领域"), default=list)
    checked = models.BooleanField(_("已与发布文本核对"), default=False)

    class Meta:
        verbose_name = _("不予处罚清单")
        verbose_name_plural = _("不予处罚清单")
        ordering = ["-valid_from", "code"]

    def __str__(self) -> str:
        return self.name

    def in_force(self, on_date: date) -> bool:
        return self.valid_from <= on_date and (self.valid_to is None or on_date <= self.valid_to)


class NoPenaltyItem(models.Model):
    """One item of a no-penalty list: the violation, the measurable conditions, and for a first offence the
    years within which no violation of the same kind may have been punished."""

    no_penalty_list = models.ForeignKey(NoPenaltyList, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("类型"), max_length=20, choices=NoPenaltyKind.choices)
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="no_penalty_items")
    conditions = models.JSONField(_("适用条件"), default=list)
    first_offence_years = models.PositiveSmallIntegerField(_("首违的认定年限"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=300)

    class Meta:
        verbose_name = _("不予处罚清单事项")
        verbose_name_plural = _("不予处罚清单事项")
        ordering = ["no_penalty_list", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.violation.name}"


class CaseText(models.Model):
    """类案推送's index: one row per closed case decided on its merits (a penalty or no penalty), with its words.

    Written by laws/similar.py when a case is closed (in the closing transaction) and by `zhifa laws reindex`;
    derived from the case, so a rebuild may replace every row. `tokens` are the case's title, lead and facts
    with the parties' names and numbers taken out, segmented by jieba, stop-words and one-character noise
    dropped, separated by spaces; `excerpt` is the start of the facts with the same redaction. `tree` is the
    path of the top-level agency (the province), the scope in which cases are compared.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="similar_text")
    violation = models.ForeignKey(
        Violation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("违法行为")
    )
    tree = models.CharField(_("所属最上级机关"), max_length=20)
    decided_on = models.DateField(_("决定日期"))
    outcome = models.CharField(_("处理结果"), max_length=20, choices=SimilarOutcome.choices)
    no_penalty_ground = models.CharField(_("不予处罚的情形"), max_length=40, blank=True)
    tokens = models.TextField(_("分词"))
    length = models.PositiveIntegerField(_("词数"))
    excerpt = models.CharField(_("事实摘要"), max_length=200)
    indexed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("类案索引")
        verbose_name_plural = _("类案索引")
        ordering = ["pk"]
        indexes = [models.Index(fields=["tree", "id"], name="case_text_tree_id")]

    def __str__(self) -> str:
        return f"类案索引 {self.case_id}"


class CaseTextTree(models.Model):
    """The version of one tree's part of the similar-case index: a fresh random `stamp` and the row count,
    written with every change to its rows, so that each process knows whether its copy in memory is current."""

    tree = models.CharField(max_length=20, primary_key=True)
    stamp = models.CharField(max_length=32)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("类案索引版本")
        verbose_name_plural = _("类案索引版本")

    def __str__(self) -> str:
        return f"{self.tree} {self.stamp}"
