"""The automatic redaction pass on realistic decision texts: what it masks, what it must leave alone, and the
`zhifa redact` command. Pure: no database."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.core.validators import credit_code_check_char, resident_id_check_char
from zhifa.publicity.redaction import Confidence, Finding, Kind, Known, apply, find, leaks, merge

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def valid_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


ID = valid_id("53011219850612301")  # 云南省昆明市西山区, born 1985-06-12
ID_SPACED_FULL_WIDTH = f"{ID[:6]} {ID[6:14]} {ID[14:]}".translate(FULL_WIDTH)
WRONG_CHECK_ID = ID[:17] + ("0" if ID[17] != "0" else "1")
CREDIT = "91530100MA6K1234" + "5"
CREDIT = CREDIT + credit_code_check_char(CREDIT)

# 1. A forestry decision on an individual.
FORESTRY = f"""云南省昆明市林业和草原局
行政处罚决定书
云林罚决〔2026〕12号

当事人：李建华，男，汉族，1985年6月12日出生，
公民身份号码：{ID_SPACED_FULL_WIDTH}，
住址：云南省昆明市西山区团结街道龙潭村委会大麦地村３组１２号，
联系电话：138-0013-8000。

经查，2026年3月5日，当事人李建华未经林业主管部门批准，在西山区团结街道龙潭村集体林地内擅自采伐云南松
18株，蓄积6.4立方米。以上事实有现场勘验笔录、询问笔录、证人张秀英的证言等证据证实。
本机关决定：责令当事人补种树木90株，并处罚款人民币30000元。
当事人应当自收到本决定书之日起15个工作日内到指定银行缴纳罚款。
执法人员：王志强（执法证号：53010012345）、赵敏（执法证号：53010012346）
云南省昆明市林业和草原局
2026年4月20日
"""
OFFICERS = ["王志强", "赵敏"]

# 2. A decision on a company: its name, code and registered address are published; its representative's are not.
COMPANY = f"""当事人：昆明滇林木业有限公司
统一社会信用代码：{CREDIT}
住所：云南省昆明市官渡区关上街道春城路88号
法定代表人：欧阳明辉，联系电话：0871-65123456，手机：+86 139 8712 3456
经查，当事人于2026年2月收购无合法来源的木材12立方米。本机关依据《中华人民共和国森林法》第六十五条，
决定没收违法收购的木材，并处罚款人民币36000元。
"""
COMPANY_NAME = "昆明滇林木业有限公司"
COMPANY_ADDRESS = "云南省昆明市官渡区关上街道春城路88号"


def kinds(findings: list[Finding]) -> list[tuple[Kind, str]]:
    return [(finding.kind, finding.text) for finding in findings]


def of_kind(findings: list[Finding], kind: Kind) -> list[str]:
    return [finding.text for finding in findings if finding.kind == kind]


def test_an_individuals_decision_masks_name_id_address_below_the_county_and_phone():
    findings = find(FORESTRY, known=Known(persons=["李建华", "张秀英"], keep=OFFICERS))
    masked = apply(FORESTRY, findings)

    assert of_kind(findings, Kind.ID_NUMBER) == [ID_SPACED_FULL_WIDTH]
    [id_finding] = [f for f in findings if f.kind == Kind.ID_NUMBER]
    assert id_finding.confidence == Confidence.CERTAIN
    assert "校验码正确" in id_finding.reason
    assert "公民身份号码：[身份证号码]，" in masked
    assert "联系电话：[电话号码]。" in masked
    # The county stays, the village, group and house number go.
    assert "住址：云南省昆明市西山区***，" in masked
    # Every mention of a known person, the party's name in the facts too.
    assert "李建华" not in masked
    assert masked.count("李**") == 2
    assert "证人张**的证言" in masked


def test_the_decisions_numbers_amounts_dates_and_time_limits_are_not_masked():
    masked = apply(FORESTRY, find(FORESTRY, known=Known(keep=OFFICERS)))

    for public in (
        "云林罚决〔2026〕12号",
        "罚款人民币30000元",
        "2026年3月5日",
        "1985年6月12日出生",
        "15个工作日内",
        "6.4立方米",
        "补种树木90株",
        "2026年4月20日",
        # Officers are published with their certificate numbers.
        "王志强（执法证号：53010012345）",
        "赵敏（执法证号：53010012346）",
    ):
        assert public in masked, public


def test_officers_kept_are_never_masked_even_when_jieba_takes_them_for_names():
    guessed = find(FORESTRY)
    assert "王志强" in of_kind(guessed, Kind.PERSON_NAME)

    kept = find(FORESTRY, known=Known(keep=OFFICERS))
    assert "王志强" not in of_kind(kept, Kind.PERSON_NAME)
    assert "赵敏" not in of_kind(kept, Kind.PERSON_NAME)


def test_names_after_a_label_are_certain_and_jiebas_guesses_only_likely():
    findings = find(FORESTRY, known=Known(keep=OFFICERS))
    names = [finding for finding in findings if finding.kind == Kind.PERSON_NAME]

    assert [(f.text, f.confidence) for f in names] == [
        ("李建华", Confidence.CERTAIN),
        ("李建华", Confidence.CERTAIN),  # the facts repeat the name given after 当事人：
        ("张秀英", Confidence.LIKELY),  # only jieba says so: 证人张秀英 has no colon
    ]
    assert "当事人" in names[0].reason


def test_a_company_keeps_its_name_code_and_address_but_not_its_representatives():
    findings = find(COMPANY, known=Known(keep=[COMPANY_NAME, COMPANY_ADDRESS]))
    masked = apply(COMPANY, findings)

    assert COMPANY_NAME in masked
    assert COMPANY_ADDRESS in masked
    [code] = [f for f in findings if f.kind == Kind.CREDIT_CODE]
    assert (code.text, code.masked, code.confidence) == (CREDIT, False, Confidence.CERTAIN)
    assert CREDIT in masked
    assert "法定代表人：欧阳**，" in masked  # a compound surname is kept whole
    assert "联系电话：[电话号码]，手机：[电话号码]" in masked
    assert of_kind(findings, Kind.PHONE) == ["0871-65123456", "+86 139 8712 3456"]


def test_a_name_inside_an_organisations_name_is_published_with_it():
    text = "证人刘德华系昆明张建国商贸有限公司员工。"
    assert of_kind(find(text), Kind.PERSON_NAME) == ["刘德华"]


def test_a_wrong_check_character_is_still_an_id_number_but_says_so():
    text = f"当事人：王某，身份证号码{WRONG_CHECK_ID}，对上述事实无异议。"
    [finding] = find(text)

    assert (finding.kind, finding.text, finding.confidence) == (Kind.ID_NUMBER, WRONG_CHECK_ID, Confidence.LIKELY)
    assert "校验码不符" in finding.reason
    assert apply(text, [finding]) == "当事人：王某，身份证号码[身份证号码]，对上述事实无异议。"


def test_an_old_fifteen_digit_id_is_found():
    [finding] = find("身份证号：530112850612301，", guess_names=False)
    assert finding.kind == Kind.ID_NUMBER
    assert "15位" in finding.reason


def test_a_bank_account_after_its_label_an_unlabelled_card_and_an_enterprise_account():
    text = (
        "当事人已将违法所得转入其个人账号：6222 0212 3456 7890 128，"
        "另查明其使用银行卡4111111111111111收款。"
        "罚款缴入本机关指定开户行，非税收入汇缴账户：2502010409200123456789。"
    )
    findings = find(text, guess_names=False)

    assert kinds(findings) == [
        (Kind.BANK_ACCOUNT, "6222 0212 3456 7890 128"),
        (Kind.BANK_ACCOUNT, "4111111111111111"),
        (Kind.BANK_ACCOUNT, "2502010409200123456789"),  # 22 digits, no Luhn: found by its label
    ]
    assert "Luhn" in findings[1].reason


def test_plates_keep_the_province_and_city_letter():
    text = "当事人驾驶云A12345号货车运输木材，后改用新能源车粤BD12345，另有警车云A1234警到场。"
    findings = find(text, guess_names=False)

    assert of_kind(findings, Kind.PLATE) == ["云A12345", "粤BD12345", "云A1234警"]
    assert apply(text, findings).startswith("当事人驾驶云A*****号货车")


def test_numbers_are_found_in_full_width_with_spaces_line_breaks_and_inside_addresses():
    text = (
        "联系电话：１３８　００１３　８０００；备用电话 0871 6512 3456；\n"
        "手机号码139-8712\n-3456。邮箱：li.jianhua@example.cn。"
        "住址：云南省大理白族自治州大理市下关镇建设路12号2单元301室13800138000"
    )
    findings = find(text, guess_names=False)

    assert of_kind(findings, Kind.PHONE) == ["１３８　００１３　８０００", "0871 6512 3456", "139-8712\n-3456"]
    assert of_kind(findings, Kind.EMAIL) == ["li.jianhua@example.cn"]
    # The phone written into the address merges with it: one mask for the whole stretch.
    [address] = [f for f in findings if f.kind == Kind.ADDRESS]
    assert address.text == "下关镇建设路12号2单元301室13800138000"
    assert apply(text, findings).endswith("住址：云南省大理白族自治州大理市***")


def test_an_address_without_a_label_is_a_likely_finding():
    text = "经查，当事人在昆明市五华区龙翔街道学府路某小区3栋2单元301室内非法经营野生动物制品。"
    [address] = find(text, guess_names=False)

    assert address.text == "龙翔街道学府路某小区3栋2单元301室"
    assert address.confidence == Confidence.LIKELY


def test_the_place_of_the_violation_in_a_reserve_is_not_an_address():
    text = "当事人在大青山国家级自然保护区实验区哈拉沁沟二号林班内采伐油松十二株。"
    assert find(text, guess_names=False) == []


def test_known_names_are_found_across_line_breaks_and_marked_terms_masked_as_they_are():
    text = "询问人：王志强\n被询问人：张\n三丰\n当事人使用的“滇林一号”配方属其商业秘密。"
    known = Known(persons=["张三丰"], private=["滇林一号"], keep=["王志强"])
    findings = find(text, known=known)

    assert kinds(findings) == [(Kind.PERSON_NAME, "张\n三丰"), (Kind.MARKED, "滇林一号")]
    assert apply(text, findings) == "询问人：王志强\n被询问人：张**\n当事人使用的“[不予公开]”配方属其商业秘密。"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("姓名 张三 性别 男", "姓名 张** 性别 男"),
        ("法定代表人（负责人）：王建国", "法定代表人（负责人）：王**"),
        ("户籍地：云南省曲靖市会泽县娜姑镇白雾村委会白雾村12号", "户籍地：云南省曲靖市会泽县***"),
        ("家住云南省楚雄彝族自治州楚雄市鹿城镇南路5号附2号", "家住云南省楚雄彝族自治州楚雄市***"),
        ("现住址：北京市朝阳区建国路88号院3号楼1单元502", "现住址：北京市朝阳区***"),
        (
            "居住于新疆维吾尔自治区乌鲁木齐市天山区解放南路18号，身份证号码65010219900101001X",
            "居住于新疆维吾尔自治区乌鲁木齐市天山区***，身份证号码[身份证号码]",
        ),
        ("住址：云南省昆明市盘龙区", "住址：云南省昆明市盘龙区"),  # nothing below the county
        ("本机关地址：昆明市五华区学府路1号", "本机关地址：昆明市五华区学府路1号"),  # the agency's own
    ],
)
def test_header_lines_as_decisions_write_them(text, masked):
    assert apply(text, find(text)) == masked


def test_pseudonyms_and_organisations_after_a_label_are_not_names():
    text = "当事人：张某某。证人：李某。负责人：大青山林场。"
    assert of_kind(find(text), Kind.PERSON_NAME) == []


def test_overlapping_findings_merge_into_the_one_that_takes_precedence():
    text = "住址：云南省昆明市盘龙区张家村3组"
    findings = find(text, known=Known(persons=["张家"]))

    [address] = findings
    assert address.kind == Kind.ADDRESS
    assert address.text == "张家村3组"
    assert merge(text, [*findings, *findings]) == findings


def test_apply_refuses_a_finding_from_another_text():
    [finding] = find("电话13800138000", guess_names=False)
    with pytest.raises(ValueError, match="does not match"):
        apply("电话13900139000", [finding])


def test_a_twenty_page_decision_takes_well_under_a_second():
    import time

    find("预热")  # jieba's dictionary loads once per process
    text = (FORESTRY + COMPANY) * 12  # about 20 pages of 800 characters
    started = time.perf_counter()
    find(text, known=Known(persons=["李建华"], keep=OFFICERS))
    assert time.perf_counter() - started < 1.0


# Properties.

PROVINCES = ["11", "31", "44", "53", "65", "15", "82"]
SEPARATORS = st.sampled_from([" ", "-", "\u3000", "\n", "  "])


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + f"{draw(st.integers(0, 9999)):04d}"
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
    serial = f"{draw(st.integers(0, 999)):03d}"
    return valid_id(region + born.strftime("%Y%m%d") + serial)


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """`number` as someone might type it: full-width or not, broken by spaces, hyphens or a line break."""
    if draw(st.booleans()):
        number = number.translate(FULL_WIDTH)
    cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=4)))
    parts = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    return "".join(part + (draw(SEPARATORS) if i < len(parts) - 1 else "") for i, part in enumerate(parts))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), number=id_numbers())
def test_every_valid_id_is_found_however_it_is_written(data, number):
    shown = data.draw(written(number))
    text = f"公民身份号码：{shown}，现住本村。"

    found = [f for f in find(text, guess_names=False) if f.kind == Kind.ID_NUMBER]

    assert [(f.text, f.confidence) for f in found] == [(shown, Confidence.CERTAIN)]


PUBLIC_FRAGMENTS = [
    "云林罚决〔2026〕12号",
    "罚款人民币30000元",
    "罚款人民币1,500.00元",
    "2026年10月26日",
    "2026-10-26",
    "自收到本决定书之日起15个工作日内",
    "执法证号：53010012345",
    "依据《中华人民共和国森林法》第七十六条第二款",
    "蓄积6.4立方米",
    "林班号0213",
]


@st.composite
def decisions(draw: st.DrawFn) -> tuple[str, str]:
    """A text of public fragments and personal numbers joined by commas, and what it should become."""
    text, expected = [], []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.integers(0, 2))
        if choice == 0:
            fragment = draw(st.sampled_from(PUBLIC_FRAGMENTS))
            text.append(fragment)
            expected.append(fragment)
        elif choice == 1:
            text.append(draw(written(draw(id_numbers()))))
            expected.append("[身份证号码]")
        else:
            mobile = "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 999_999_999)):09d}"
            text.append(draw(written(mobile)))
            expected.append("[电话号码]")
    return "，".join(text), "，".join(expected)


@settings(max_examples=80, deadline=None)
@given(decision=decisions())
def test_masking_changes_the_personal_numbers_and_nothing_else(decision):
    text, expected = decision
    assert apply(text, find(text, guess_names=False)) == expected


# The command.


def test_the_command_prints_each_finding_with_its_place_and_the_masked_text(tmp_path):
    path = tmp_path / "decision.txt"
    path.write_text(FORESTRY, encoding="utf-8")
    out = StringIO()

    call_command("redact", str(path), "--keep", "王志强", "--keep", "赵敏", "--show-text", stdout=out)

    printed = out.getvalue()
    assert f"6:8\t身份证号码\t确定\t18位居民身份证号码，校验码正确\t{ID_SPACED_FULL_WIDTH} → [身份证号码]" in printed
    assert "联系电话：[电话号码]。" in printed.split("脱敏后的文本")[1]
    assert "王志强 →" not in printed


def test_the_command_reads_gb18030_and_writes_json(tmp_path):
    path = tmp_path / "decision.txt"
    path.write_bytes(COMPANY.encode("gb18030"))
    out = StringIO()

    call_command("redact", str(path), "--json", "--no-guess", stdout=out)

    findings = json.loads(out.getvalue())["findings"]
    assert {"kind": "credit_code", "masked": False, "text": CREDIT}.items() <= findings[0].items()
    assert [row["kind"] for row in findings[1:]] == ["address", "person_name", "phone", "phone"]


def test_the_command_refuses_a_missing_or_too_large_file_in_chinese(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("redact", str(tmp_path / "none.txt"))
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="文件过大"):
        call_command("redact", str(big))
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(CommandError, match="无法识别文件的编码"):
        call_command("redact", str(binary))
    not_pdf = tmp_path / "scan.pdf"
    not_pdf.write_bytes(b"GIF89a")
    with pytest.raises(CommandError, match="不是 PDF 文件"):
        call_command("redact", str(not_pdf))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj")
    with pytest.raises(CommandError, match="无法读取 PDF 文件"):
        call_command("redact", str(broken))


# PDFs, made with WeasyPrint and the documents' Chinese fonts as the decisions are.


def pdf_of(text: str) -> bytes:
    from weasyprint import HTML

    from zhifa.documents.fonts import BODY_FAMILIES, require_chinese_font

    require_chinese_font()
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines())
    html = f'<html><body style="font-family: {", ".join(BODY_FAMILIES)}; font-size: 12pt">{paragraphs}</body></html>'
    pdf = HTML(string=html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def test_the_command_reads_a_pdf_and_gives_page_numbers(tmp_path):
    path = tmp_path / "decision.pdf"
    path.write_bytes(pdf_of(FORESTRY))
    out = StringIO()

    call_command("redact", str(path), "--keep", "王志强", "--keep", "赵敏", "--json", stdout=out)

    rows = json.loads(out.getvalue())["findings"]
    assert {row["page"] for row in rows} == {1}
    assert {"id_number", "phone", "address", "person_name"} <= {row["kind"] for row in rows}


def test_leaks_finds_a_confirmed_term_still_in_the_pdf_however_it_is_broken():
    pdf = pdf_of("当事人：李建华\n联系电话：138-0013-8000\n住址：云南省昆明市西山区***")

    assert leaks(pdf, ["李建华", "13800138000", "龙潭村委会大麦地村３组１２号", "张秀英"]) == ["李建华", "13800138000"]
