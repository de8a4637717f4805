"""One ordinary case from lead to archive through the pages, in a real browser, as the officer and the head."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from zhifa.cases.models import Case
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.cases.workflow import State
from zhifa.ledger.models import Entry
from zhifa.ledger.tests.test_upload_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Officer:
    """A person at the browser: opens the case, clicks an action, fills its form and submits it."""

    def __init__(self, page: Page, base: str, clock: time_machine.TimeMachineFixture) -> None:
        self.page = page
        self.base = base
        self.clock = clock

    def on(self, day: str) -> None:
        """The story's day becomes today: the page offers what may be done today (services.availability)."""
        self.clock.move_to(datetime.combine(date.fromisoformat(day), time(9), tzinfo=ZoneInfo("Asia/Shanghai")))

    def act(self, case: int, label: str, on_date: str, **fields: str) -> None:
        page = self.page
        self.on(on_date)
        page.goto(f"{self.base}/cases/{case}/")
        page.locator("#case-actions").get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        page.locator("#id_on_date").fill(on_date)
        for name, value in fields.items():
            page.locator(f"#id_{name}").fill(value)
        self.submit(label)

    def submit(self, label: str) -> None:
        self.page.get_by_role("button", name="提交并记录").click()
        expect(self.page.locator(".messages")).to_contain_text(f"已{label}")

    def upload(self, path: Path) -> None:
        # The widget marks itself ready once its script has run; a file set before that would wait for it.
        expect(self.page.locator(".evidence-upload[data-ready]")).to_have_count(1)
        self.page.get_by_label("证据文件").set_input_files(str(path))
        expect(self.page.locator(".evidence-upload .upload")).to_have_class("upload done", timeout=30_000)


@pytest.mark.dateless  # it moves its own clock along its days
def test_a_case_from_lead_to_archive_through_the_pages(
    page: Page, browser: Browser, live_server, world, evidence, tmp_path, time_machine, settings
):
    # The officers act on the days of the story, so the clock follows the story: what the case page offers
    # depends on the day (an annual review fallen due since stops an officer), never on the real date.
    time_machine.move_to(datetime(2026, 10, 12, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
    # Two weeks pass in the story while the two stay logged in.
    settings.SESSION_COOKIE_AGE = settings.SESSION_MAX_HOURS = 30 * 24 * 3600
    desk = Desk(world, evidence)  # the head and certificates issued 2025-12-01, reviewed yearly
    photo = tmp_path / "伐桩.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    base = live_server.url
    officer = Officer(page, base, time_machine)
    head_page = browser.new_page()
    head = Officer(head_page, base, time_machine)
    log_in(page, base, "officer", "/cases/")
    log_in(head_page, base, desk.approver.username, "/cases/")

    # 登记案源
    page.get_by_role("link", name="登记案源").click()
    page.locator("#id_on_date").fill("2026-10-12")
    page.get_by_label("执法领域").select_option("forestry")
    page.locator("#id_source").select_option("inspection")
    page.locator("#id_title").fill("滥伐林木")
    page.get_by_label("案源情况").fill("巡护发现新伐桩十二个")
    page.get_by_label("发现或受理日期").fill("2026-10-12")
    page.get_by_label("违法行为终了日期").fill("2026-10-10")
    page.get_by_label("当事人类型").select_option("citizen")
    page.get_by_label("当事人姓名或名称").fill("张某")
    officer.submit("登记案源")
    case = Case.objects.get(title="滥伐林木").pk
    expect(page.locator("#case-actions")).to_contain_text("只有案件审批人可以批准立案")

    head.act(case, "批准立案", "2026-10-13")
    expect(head_page.locator("#case-deadlines")).to_contain_text("立案后作出处罚决定")
    head_page.locator("#case-actions").get_by_role("link", name="指派承办人员").click()
    head_page.locator("#id_on_date").fill("2026-10-13")
    head_page.get_by_label("主办人").select_option(label="甲执法")
    head_page.locator("#id_others").get_by_label("乙执法").check()
    # Forgetting 乙执法's recusal declaration is refused with the article, and nothing is saved.
    head_page.locator("#id_declared").get_by_label("甲执法").check()
    head_page.get_by_role("button", name="提交并记录").click()
    expect(head_page.locator(".field-error")).to_contain_text("乙执法 尚未声明与本案无应当回避的情形")
    expect(head_page.locator(".field-error")).to_contain_text("第四十三条")
    head_page.locator("#id_declared").get_by_label("乙执法").check()
    head.submit("指派承办人员")

    officer.on("2026-10-14")
    page.goto(f"{base}/cases/{case}/")
    page.locator("#case-actions").get_by_role("link", name="登记证据", exact=True).click()
    page.locator("#id_on_date").fill("2026-10-14")
    page.locator("#id_officers").get_by_label("甲执法").check()
    page.locator("#id_officers").get_by_label("乙执法").check()
    page.get_by_label("证据种类").select_option("object")
    page.get_by_label("证据名称及证明事项").fill("伐桩照片")
    officer.upload(photo)
    # Gathering evidence is recorded as circumstances require (the recording list): no video, so the reason.
    page.get_by_label("未音像记录的理由").fill("照片已全面记录伐桩情况")
    officer.submit("登记证据")
    expect(page.locator("#case-records")).to_contain_text("伐桩照片")

    officer.on("2026-10-15")
    page.locator("#case-actions").get_by_role("link", name="调查终结报告", exact=True).click()
    page.locator("#id_on_date").fill("2026-10-15")
    page.locator("#id_facts_found").fill("张某未经许可采伐林木12株")
    page.get_by_label("违反的法律规定").fill("森林法 第五十六条")
    page.get_by_label("处罚依据").fill("森林法 第七十六条")
    page.locator("#id_penalty_kinds").get_by_label("罚款", exact=True).check()
    page.get_by_label("罚款金额（元）").fill("3000")
    page.get_by_label("拟处罚内容").fill("罚款三千元")
    page.locator("#id_discretion_reasons").fill("滥伐数量较少，属一般情节，按裁量基准处罚")
    officer.submit("调查终结报告")

    officer.act(case, "提交负责人审批", "2026-10-15")
    head.act(case, "批准拟处罚", "2026-10-16")
    officer.on("2026-10-19")
    page.goto(f"{base}/cases/{case}/")
    # The notice is served only once the system has made it: the page says so, and offers to make it.
    expect(page.locator("#case-actions")).to_contain_text("请先制作行政处罚事先告知书")
    page.get_by_role("button", name="制作行政处罚事先告知书").click()
    expect(page.locator("#case-documents")).to_contain_text("罚告字〔")
    page.locator("#case-actions").get_by_role("link", name="送达行政处罚告知书").click()
    page.locator("#id_on_date").fill("2026-10-19")
    page.get_by_label("告知书已载明拟处罚内容及事实、理由、依据，并告知陈述、申辩和要求听证的权利").check()
    page.get_by_role("button", name="提交并记录").click()  # neither a recording nor why not: refused, named
    expect(page.locator(".field-error")).to_contain_text("应当根据情况音像记录")
    page.get_by_label("未音像记录的理由").fill("直接送达，当事人当场签收")
    officer.submit("送达行政处罚告知书")
    expect(page.locator("#case-deadlines")).to_contain_text("陈述、申辩")

    officer.on("2026-10-20")
    page.locator("#case-actions").get_by_role("link", name="记录陈述、申辩").click()
    page.locator("#id_on_date").fill("2026-10-20")
    page.get_by_label("当事人书面明确放弃陈述、申辩").check()
    page.get_by_label("当事人书面明确放弃要求听证").check()
    page.get_by_role("button", name="提交并记录").click()  # without the party's signed statement: refused
    expect(page.locator(".field-error")).to_contain_text("须有当事人签名的书面声明")
    officer.upload(photo)  # the signed waiver, scanned
    officer.submit("记录陈述、申辩")

    head.act(case, "作出行政处罚决定", "2026-10-21")  # the form comes filled with the proposed penalty
    officer.on("2026-10-22")
    page.goto(f"{base}/cases/{case}/")
    page.get_by_role("button", name="制作行政处罚决定书").click()
    expect(page.locator("#case-documents")).to_contain_text("罚决字〔")
    page.locator("#case-actions").get_by_role("link", name="送达行政处罚决定书").click()
    page.locator("#id_on_date").fill("2026-10-22")
    page.get_by_label("送达方式").select_option("direct")
    officer.upload(photo)
    page.get_by_label("已音像记录，稍后上传").check()  # the body camera's video comes from the office
    officer.submit("送达行政处罚决定书")
    expect(page.locator("#recording-acts")).to_contain_text("待上传：应于 2026-10-23 前")
    expect(page.locator("#case-deadlines")).to_contain_text("缴纳罚款")

    officer.act(case, "登记缴款", "2026-10-23", amount="3000", receipt="NS20261023001")
    head.act(case, "结案", "2026-10-26")
    officer.act(case, "归档", "2026-10-27")
    expect(page.locator(".steps li.current")).to_have_text("已归档")
    expect(page.locator("#case-actions")).to_contain_text("本案已办结")

    assert Case.objects.get(pk=case).state == State.ARCHIVED
    actions = list(Entry.objects.filter(subject=f"cases.case:{case}").values_list("action", flat=True))
    assert len(actions) == 16  # 14 acts and the two documents served
    assert actions[0] == "case.register_lead"
    assert actions[-1] == "case.archive"
    expect(page.locator("#ledger-entries tbody tr")).to_have_count(16)
    head_page.close()  # before the live server stops, so that no request thread outlives the test


@pytest.mark.dateless  # it moves its own clock along its days
def test_the_defence_accepted_the_head_decides_no_penalty_through_the_pages(
    page: Page, browser: Browser, live_server, world, evidence, time_machine, settings
):
    # 行政处罚法 第四十五条、第五十七条第一款第二项: the party's defence is re-examined; accepted, no penalty is given.
    time_machine.move_to(datetime(2026, 10, 16, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
    settings.SESSION_COOKIE_AGE = settings.SESSION_MAX_HOURS = 30 * 24 * 3600
    desk = Desk(world, evidence)  # the case up to the advance notice, taken by the services
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    case = desk("notify", date(2026, 10, 16), rights_stated=True).pk
    base = live_server.url
    officer = Officer(page, base, time_machine)
    head_page = browser.new_page()
    head = Officer(head_page, base, time_machine)
    log_in(page, base, "officer", "/cases/")
    log_in(head_page, base, desk.approver.username, "/cases/")

    officer.on("2026-10-19")
    page.goto(f"{base}/cases/{case}/")
    page.locator("#case-actions").get_by_role("link", name="记录陈述、申辩").click()
    page.locator("#id_on_date").fill("2026-10-19")
    page.locator("#id_content").fill("当事人提交林木采伐许可证，申辩所伐两株在许可范围内")
    page.get_by_label("陈述、申辩的事实、理由成立，予以采纳").check()
    officer.submit("记录陈述、申辩")
    expect(page.locator("#case-records")).to_contain_text("所伐两株在许可范围内")

    head.on("2026-10-20")
    head_page.goto(f"{base}/cases/{case}/")
    # The head sees the outcomes open to him; the officer does not get them.
    expect(head_page.locator("#case-actions").get_by_role("link", name="决定不予处罚")).to_be_visible()
    expect(page.locator("#case-actions").get_by_role("link", name="决定不予处罚")).to_have_count(0)
    head_page.locator("#case-actions").get_by_role("link", name="决定不予处罚").click()
    head_page.locator("#id_on_date").fill("2026-10-20")
    head_page.get_by_label("不予处罚的情形").select_option("facts_unclear")
    head_page.get_by_role("button", name="提交并记录").click()  # no reason: refused, naming the field
    reason = head_page.locator(".field.has-error")
    expect(reason.locator("label")).to_have_text("理由 *")
    expect(reason.locator(".field-error")).to_have_text("请填写理由")
    head_page.locator("#id_reason").fill("经复核，当事人的申辩成立：所伐林木在采伐许可范围内，违法事实不能成立")
    head.submit("决定不予处罚")
    expect(head_page.locator("h1 .state")).to_have_text("不予处罚")
    # The page says the case left the penalty's path, and why.
    expect(head_page.locator("p.alert")).to_contain_text("本案已进入“不予处罚”：经复核，当事人的申辩成立")
    expect(head_page.locator("#case-records")).to_contain_text("违法事实不能成立")
    # The statement period stopped with the case; nothing waits on it.
    expect(head_page.locator("#case-deadlines")).not_to_contain_text("陈述、申辩")

    head.act(case, "结案", "2026-10-21")
    assert Case.objects.get(pk=case).state == State.CLOSED
    assert Entry.objects.filter(subject=f"cases.case:{case}", action="case.decide_no_penalty").exists()
    head_page.close()
