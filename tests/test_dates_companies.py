"""Dates and companies on pages written by others (issue 15) and the four page kinds of issue 7 item 4.

Every fixture below is a sentence of our own, written from the description of a kind of page (a Hong
Kong header, a mirror of a month-first page, a flattened WeChat repost, an operator's branch office, a
page about several operators ...), not copied from any page. Property tests check the two promises
that hold for every input: a date inside a body sentence is never taken as the publication date, and
the order in which a list names the operators never changes the answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.ingest.corpus import read_corpus
from analysis.ingest.metadata import (
    datefmt,
    explain_company,
    explain_date,
    extract_company,
    extract_date,
    extract_title,
    load_aliases,
    runin,
)

D = dt.date
# Paragraphs of our own: long enough to be body text, with no date and no company in them.
PARA = "会议指出，要坚持以党建引领业务发展，把学习成果转化为推动工作的实际成效，切实提升服务群众的能力和水平。"
PARA2 = "与会人员结合各自岗位实际作了交流发言，大家表示将以更加饱满的热情投入到下一阶段的各项工作中去。"


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def date_of(text: str) -> dt.date | None:
    return extract_date({}, text, title=extract_title({}, [], text))


def company_of(text: str) -> str:
    return extract_company(extract_title({}, [], text), text)


# ----------------------------------------------------------------------------------------------
# Day/month order
# ----------------------------------------------------------------------------------------------


def _match(s: str) -> re.Match[str]:
    m = datefmt.DAY_MONTH_RE.search(s)
    assert m is not None, s
    return m


@pytest.mark.parametrize(
    ("written", "order", "expected"),
    [
        ("22/09/2025", None, D(2025, 9, 22)),  # 22 cannot be a month: day first, certain
        ("09/22/2025", None, D(2025, 9, 22)),  # 22 cannot be a month: month first, certain
        ("5/5/2020", None, D(2020, 5, 5)),  # both readings are the same day
        ("6/11/2019", None, None),  # June 11 or 6 November: no guess
        ("6/11/2019", "mdy", D(2019, 6, 11)),
        ("6/11/2019", "dmy", D(2019, 11, 6)),
        ("31.12.2020", None, D(2020, 12, 31)),
        ("13/13/2020", None, None),  # no month 13 either way
        ("22/09/1989", None, None),  # before the plausible years
    ],
)
def test_day_month_order_is_read_only_when_certain(written: str, order: str | None, expected: dt.date | None) -> None:
    assert datefmt.resolve(_match(written), order) == expected  # type: ignore[arg-type]


def test_page_order_from_a_certain_date_elsewhere_on_the_page() -> None:
    lines = ["刊登 04/05/2021", "相关稿件 18/03/2021"]
    ev = datefmt.page_order(lines)
    assert ev is not None and ev.order == "dmy" and ev.line == 1
    assert datefmt.page_order(["刊登 04/05/2021", "03/18/2021", "19/03/2021"]) is None  # contradictory
    assert datefmt.page_order(["刊登 04/05/2021"]) is None  # nothing to go on


def test_hong_kong_header_day_first() -> None:
    text = doc("本港電訊商公布季度業績", "22/09/2025 09:26", "中國移動香港公司表示，本季度新增用戶數字理想，" + PARA)
    date, source = explain_date({}, text, title=extract_title({}, [], text))
    assert date == D(2025, 9, 22)
    assert "line 2" in source and "22/09/2025" in source


def test_ambiguous_dateline_settled_by_yesterday_and_the_event_date() -> None:
    # Month first: 6/11/2019 is 11 June; 昨日 is 10 June, and the text names 6月10日.
    june = doc("防汛保障通信畅通", "6/11/2019，昨日，某省通信管理局召开防汛通信保障部署会，回顾了6月10日以来的降雨过程。" + PARA)
    date, source = explain_date({}, june, title="防汛保障通信畅通")
    assert date == D(2019, 6, 11)
    assert "month first" in source and "6月10日" in source
    # Day first: 6/11/2019 is 6 November; 昨日 is 5 November, and the text names 11月5日.
    november = june.replace("6月10日", "11月5日")
    assert date_of(november) == D(2019, 11, 6)


def test_ambiguous_date_without_evidence_stays_undated() -> None:
    assert date_of(doc("防汛保障通信畅通", "6/11/2019，昨日，某省召开防汛通信保障部署会，会议回顾了近期降雨过程。" + PARA)) is None
    assert date_of(doc("防汛保障通信畅通", "07/08/2020", PARA, PARA2)) is None
    # both readings fit some month-day date in the text: still no guess
    both = doc("防汛保障通信畅通", "6/11/2019，昨日，某省召开会议，回顾6月10日和11月5日两次过程。" + PARA)
    assert date_of(both) is None


# ----------------------------------------------------------------------------------------------
# Full-width digits, run-in timestamps, datelines
# ----------------------------------------------------------------------------------------------


def test_fullwidth_digits() -> None:
    text = doc("某运营商召开年中工作会", "发布时间：２０２５年９月２２日", "９月２２日，" + PARA)
    assert date_of(text) == D(2025, 9, 22)
    # a stock code in full-width brackets and a month-day date: nothing to read
    assert date_of(doc("某通信公司（００７８８）公布业绩", "９月２２日，" + PARA, PARA2)) is None


def test_run_in_timestamp_of_a_flattened_repost() -> None:
    text = "某集团总经理因工作调整辞任公众号某某财经2023-07-30 11:07某某日报 记者甲 7月30日晚间，某集团发布公告称，总经理因工作调整辞去职务，公司经营一切正常。\n"
    title = extract_title({}, [], text)
    assert title == "某集团总经理因工作调整辞任"  # the headline, without the WeChat marker
    date, source = explain_date({}, text, title=title)
    assert date == D(2023, 7, 30) and "2023-07-30 11:07某某日报" in source
    assert date_of(doc("某集团召开会议", text.replace("2023-07-30 11:07", ""))) is None
    # when the line cannot be cut (no paragraph after the names), the timestamp rule alone reads it
    short = "某集团总经理因工作调整辞任公众号某某财经2023-07-30 11:07某某日报 7月30日晚间公告称总经理辞职\n"
    date, source = explain_date({}, short)
    assert date == D(2023, 7, 30) and source.startswith("run-in timestamp")


def test_a_timestamp_inside_a_sentence_is_not_run_in() -> None:
    # a clock time inside prose, with no outlet next to it: an event, not the page's timestamp
    text = doc("抢修纪实", "抢修队伍在连续奋战后，于2023-07-30 11:07恢复了全部基站的供电，群众纷纷点赞。" + PARA)
    assert date_of(text) is None


def test_relative_dateline_vs_event_date() -> None:
    assert date_of(doc("标题某运营商开展志愿服务", "2021年3月6日，昨日，某运营商青年志愿者走进社区。" + PARA)) == D(2021, 3, 6)
    assert date_of(doc("标题某运营商开展志愿服务", "2021年3月5日，某运营商青年志愿者走进社区开展服务。" + PARA)) is None
    assert date_of(doc("标题某运营商开展志愿服务", "本报讯 2021年3月6日，今日，某运营商青年志愿者走进社区。" + PARA)) == D(2021, 3, 6)
    # a longer text before the date is a sentence, not a dateline label
    assert date_of(doc("标题某运营商开展志愿服务", "据某某网消息称2021年3月6日，昨日，某运营商志愿者走进社区。" + PARA)) is None


# ----------------------------------------------------------------------------------------------
# Header run into the paragraph: the same answer whatever the wrapping (issue 7, item 4)
# ----------------------------------------------------------------------------------------------

TITLE = "中国联通某分公司召开警示教育大会"
HEADER = "时间：2021-05-21 10:10 来源：某某网 作者：记者乙"
LEAD = "近日，中国联通某分公司召开警示教育大会，通报了近期查处的典型案例，要求全体干部职工引以为戒。"


def test_header_run_into_the_first_paragraph() -> None:
    apart = doc(TITLE, HEADER, LEAD, PARA)
    run_in = doc(TITLE, HEADER + " " + LEAD, PARA)
    assert date_of(apart) == date_of(run_in) == D(2021, 5, 21)
    assert company_of(apart) == company_of(run_in) == "中国联通"


def test_run_in_split_only_cuts_a_labelled_opening() -> None:
    assert runin._split_point(HEADER + " " + LEAD) == len(HEADER) + 1
    assert runin._split_point(LEAD) == -1  # plain paragraph
    assert runin._split_point("来源：某某网近日，中国联通召开会议，" + PARA) == -1  # no space: no safe cut


def test_promotion_line_and_byline_under_the_date() -> None:
    text = doc(
        "党风廉政建设推进会召开",
        "2018-12-25 15:22",
        "更多资讯可登录某某网客户端查看",
        "某某网  记者/",
        "本报讯 12月24日，中国移动某市分公司召开党风廉政建设推进会，传达上级纪委全会精神，部署明年重点工作。",
        PARA,
    )
    assert extract_title({}, [], text) == "党风廉政建设推进会召开"
    assert date_of(text) == D(2018, 12, 25)
    assert company_of(text) == "中国移动"  # the promotion line does not end the article
    assert runin.is_promotion("更多资讯可登录某某网客户端查看") and not runin.is_promotion("更多资讯")


def test_page_without_headline_keeps_the_lead_company() -> None:
    text = doc(
        "某地新闻电（记者 丙）为扎实推进主题教育走深走实，进一步凝聚干事创业合力。"
        "近日，中国移动某省某市分公司组织党员干部赴革命纪念馆开展现场教学，重温入党誓词。",
        PARA,
    )
    title = extract_title({}, [], text)
    assert title == "为扎实推进主题教育走深走实，进一步凝聚干事创业合力"  # the dateline is no part of it
    company, source = explain_company(title, text)
    assert company == "中国移动" and "lead subject" in source


def test_company_named_only_as_organiser_in_a_subtitle() -> None:
    text = doc(
        "党建联建聚合力",
        "——某社区物业党支部、中国移动通信集团北京有限公司某党支部联合开展主题党日活动",
        "近日，两个党支部的党员一同参观了革命旧址，围绕做好社区通信服务保障进行了座谈交流。",
        "中国移动通信集团北京有限公司相关负责同志介绍了近期网络建设情况。" + PARA,
    )
    company, source = explain_company(extract_title({}, [], text), text)
    assert company == "中国移动" and "subtitle organiser" in source


# ----------------------------------------------------------------------------------------------
# Companies: branch forms, short forms, several operators
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        doc("临港分局党支部开展主题党日", "上海浦东电信局临港分局党支部组织党员前往红色教育基地参观学习，重温入党誓词。" + PARA),
        doc("校企党支部结对共建", "福州电信分公司网络发展部党支部与某大学信息学院党支部签订共建协议，双方将在人才培养方面合作。" + PARA),
        doc("设计院与运营商共建党建品牌", "某设计院党委与福建电信东南信息园党支部开展联学联建，共同打造党建品牌。" + PARA),
    ],
)
def test_branch_forms_name_the_operator(text: str) -> None:
    assert company_of(text) == "中国电信"


def test_branch_forms_are_not_foreign_operators() -> None:
    aliases = load_aliases()
    assert aliases.canonical("浦东电信局") == "中国电信"
    assert {m.company for m in aliases.find("德国电信分公司在华业务")} == set()
    assert {m.company for m in aliases.find("韩国电信局面临挑战")} == set()


def test_bare_short_forms_in_telecom_context() -> None:
    text = doc(
        "风雨中的党旗",
        "台风过境后，移动抢险救灾党员突击队连夜赶赴受灾乡镇，抢修中断的基站和光缆。据统计，移动在全国累计出动保障人员两万余人次，保障通信畅通。",
        PARA,
    )
    company, source = explain_company(extract_title({}, [], text), text)
    assert company == "中国移动" and "line 2" in source
    # the same words outside a telecom text: 移动 is just "mobile"
    plain = doc("风雨中的党旗", "台风过境后，移动抢险队伍连夜赶赴受灾乡镇，转移受困群众。移动公司化运作的救援模式受到好评。", PARA)
    assert company_of(plain) == ""
    # 移动 inside a longer word never counts
    assert company_of(doc("移动支付进社区", "社区推广移动支付和移动办公，基站覆盖和网络信号不断改善，居民生活更加便利。" + PARA)) == ""


MANY = ["中国电信", "中国移动", "中国联通", "中国广电"]


def test_page_about_several_operators_names_none() -> None:
    title = "部领导出席中国电信、中国移动、中国联通、中国广电年度工作会议"
    text = doc(
        title,
        "近日，部领导分别出席中国电信、中国移动、中国联通和中国广电年度工作会议并讲话。",
        "在中国电信会议上，他要求加快推进云网融合。在中国移动会议上，他强调要深化数智化转型。",
        "在中国联通会议上，他指出要做强做优主责主业。在中国广电会议上，他要求推进有线无线融合发展。",
    )
    company, source = explain_company(title, text)
    assert company == "" and "title lists" in source
    counted = "中央巡视组对中国移动等26家中管企业党组开展常规巡视"
    text2 = doc(counted, "根据中央巡视工作领导小组统一部署，近日各巡视组陆续进驻，对26家企业党组开展常规巡视。" + PARA)
    assert extract_company(counted, text2) == ""


def test_two_companies_joined_by_and_keep_the_first_named() -> None:
    title = "中国移动与中国联通签署共建共享合作协议"
    assert extract_company(title, doc(title, PARA)) == "中国移动"


# ----------------------------------------------------------------------------------------------
# Evidence columns in the corpus table
# ----------------------------------------------------------------------------------------------


def test_corpus_table_records_the_evidence(tmp_path: Path) -> None:
    (tmp_path / "hk.txt").write_text(
        doc("本港電訊商公布季度業績", "22/09/2025 09:26", "中國移動香港公司表示，本季度新增用戶數字理想。" + PARA), encoding="utf-8"
    )
    (tmp_path / "none.txt").write_text(doc("某单位召开学习会", "2015年3月2日，某单位召开学习会。" + PARA), encoding="utf-8")
    cache = tmp_path.parent / (tmp_path.name + "-cache")
    corpus = read_corpus(tmp_path, progress=False, n_jobs=1, cache_dir=cache).corpus.set_index("path")
    hk, none = corpus.loc["hk.txt"], corpus.loc["none.txt"]
    assert hk["date"] == dt.datetime(2025, 9, 22) and "22/09/2025" in hk["date_source"]
    assert hk["company"] == "中国移动" and "中国移动" in hk["company_source"]
    assert none["date_source"] == "" and none["company_source"] == "no company named"
    again = read_corpus(tmp_path, progress=False, n_jobs=1, cache_dir=cache).corpus.set_index("path")  # cached
    assert list(again["date_source"]) == list(corpus["date_source"])
    assert list(again["company_source"]) == list(corpus["company_source"])


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------


def _written(day: dt.date, form: str) -> str:
    if form == "cjk":
        return f"{day.year}年{day.month}月{day.day}日"
    if form == "iso":
        return day.isoformat()
    if form == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if form == "dmy":  # day first, certain because the day is above 12
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if form == "clock":  # with a clock time, as a repost's timestamp would have
        return f"{day.isoformat()} 10:30"
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{day.year}年{day.month}月{day.day}日")


EVENTS = [
    "，某公司召开党委理论学习中心组学习会，传达学习上级会议精神。",
    "，某分公司党支部组织党员开展主题党日活动，重温入党誓词。",
    "，某运营商举行应急通信保障演练，检验了队伍的快速反应能力。",
    "上午，公司领导带队深入一线检查安全生产工作。",
    "至今，该项目已累计服务用户超过十万户。",
]
OPENERS = ["", "据了解，", "会议回顾了", "本报讯 ", "在"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    day=st.dates(min_value=D(1995, 1, 13), max_value=D(2024, 12, 31)).filter(lambda d: d.day > 12),
    form=st.sampled_from(["cjk", "iso", "slash", "dmy", "fullwidth", "clock"]),
    opener=st.sampled_from(OPENERS),
    event=st.sampled_from(EVENTS),
    position=st.integers(0, 2),
    width=st.one_of(st.none(), st.integers(12, 40)),
)
# wrapping cuts the clock time (``2000-01-13 10:`` / ``30，…``) or leaves a trailing space (``在2000-01-13 ``)
@example(day=D(2000, 1, 13), form="clock", opener="", event=EVENTS[0], position=0, width=14)
@example(day=D(2000, 1, 13), form="clock", opener="在", event=EVENTS[0], position=1, width=12)
def test_a_body_sentence_event_date_is_never_the_publication_date(
    day: dt.date, form: str, opener: str, event: str, position: int, width: int | None
) -> None:
    sentence = opener + _written(day, form) + event + PARA
    paragraphs = [PARA, PARA2]
    paragraphs.insert(position, sentence)
    if width is not None:  # the whole text hard-wrapped at a fixed width (a copy from a terminal, an e-mail)
        paragraphs = [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]
    text = doc("某公司党建工作取得新进展", *paragraphs)
    date, source = explain_date({}, text, title="某公司党建工作取得新进展")
    assert date is None, source


ITEMS = ["中国电信", "中国移动", "中国联通", "中国广电", "中国铁塔"]


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.sampled_from(ITEMS), min_size=2, max_size=5, unique=True),
    joiner=st.sampled_from(["、", "和"]),
    subject=st.sampled_from(["", "中国联通", "中国移动"]),
    in_title=st.booleans(),
    joint=st.booleans(),
    data=st.data(),
)
def test_shuffling_the_operators_of_a_list_never_changes_the_answer(
    items: list[str], joiner: str, subject: str, in_title: bool, joint: bool, data: st.DataObject
) -> None:
    if len(items) == 2 and in_title:
        joiner = "、"  # 中国电信和中国移动签署协议 names two subjects, first named first: not a list
    def page(order: list[str]) -> tuple[str, str]:
        listed = "、".join(order[:-1]) + joiner + order[-1]
        title = f"{listed}共同发布行业倡议" if in_title else "信息通信行业共同发布倡议"
        lead = (f"近日，{subject}牵头，" if subject else "近日，") + f"{listed}等单位共同发布行业自律倡议。"
        if joint:  # a joint activity with a non-company partner: 某研究院与A、B和C举行共建签约仪式
            lead = (f"近日，{subject}牵头，" if subject else "近日，") + f"某研究院与{listed}举行共建签约仪式。"
        each = "".join(f"{c}代表作了发言。" for c in order)
        return title, doc(title, lead + PARA, each + PARA2)

    shuffled = data.draw(st.permutations(items))
    assert extract_company(*page(items)) == extract_company(*page(list(shuffled)))


def test_every_order_of_four_operators_gives_the_same_answer() -> None:
    answers = set()
    for order in itertools.permutations(MANY):
        listed = "、".join(order)
        text = doc("年度工作会议相继召开", f"近日，{listed}相继召开年度工作会议，部署全年重点任务。" + PARA)
        answers.add(company_of(text))
    assert answers == {""}


def test_yesterday_with_the_day_in_brackets_settles_the_order() -> None:
    text = doc("防汛保障", "6/11/2019，昨日（10日），某省通信管理局召开防汛通信保障部署会，回顾了近期的降雨过程。" + PARA)
    assert date_of(text) == D(2019, 6, 11)
    assert date_of(text.replace("（10日）", "（5日）")) == D(2019, 11, 6)
    assert date_of(text.replace("（10日）", "（8日）")) is None  # neither reading: no guess


def test_short_form_before_a_branch_name() -> None:
    text = doc("支部共建", "近日，电信浦东分公司党支部与某街道党工委开展共建活动，双方围绕基站建设和网络信号优化深入交流。" + PARA)
    assert company_of(text) == "中国电信"


def test_lead_listing_several_operators_needs_a_clear_leader() -> None:
    text = doc(
        "年度工作会议密集召开",
        "近日，中国电信、中国移动、中国联通和中国广电相继召开年度工作会议，部署全年重点任务。",
        "中国电信会议提出，要加快云网融合，推进数字化转型，持续提升服务质量和经营效益。",
        "中国电信还表示，要持续深化改革，激发干部员工干事创业的积极性和创造性。",
        "中国电信强调，要坚持以党建引领发展，全面从严治党，推动企业高质量发展迈上新台阶。",
        "中国移动会议强调，要加快建设世界一流信息服务科技创新公司，深化数智化转型。",
        "中国联通会议要求，要做强做优做大主责主业，持续推进高质量发展。",
        "中国广电会议指出，要推进有线无线融合发展，加快网络整合和业务创新。",
    )
    company, source = explain_company("年度工作会议密集召开", text)
    assert company == "" and "lead lists several" in source


HEADERS = [
    "时间：2021-05-21 10:10 来源：某某网",
    "发布时间：2021-05-21 来源：某某网 作者：记者乙",
    "来源：某某网 日期：2021年5月21日",
    "2021-05-21 10:10:03 来源：某某网",
]
LEADS = [
    "近日，中国联通某分公司召开警示教育大会，通报了近期查处的典型案例，要求全体干部职工引以为戒。",
    "5月20日，中国联通某分公司党委召开理论学习中心组学习会，传达学习上级有关会议精神，研究部署贯彻措施。",
]


@settings(max_examples=80, deadline=None)
@given(
    header=st.sampled_from(HEADERS),
    lead=st.sampled_from(LEADS),
    joiner=st.sampled_from([" ", "  ", "\u3000", "\t"]),
    blank=st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]),
    split_sentences=st.booleans(),
)
def test_the_same_date_and_company_whatever_the_wrapping(
    header: str, lead: str, joiner: str, blank: str, split_sentences: bool
) -> None:
    body = [PARA, PARA2]
    if split_sentences:  # one sentence a line in the paragraphs after the lead
        body = [s + "。" for p in body for s in p.split("。") if s]
    apart = blank.join([TITLE, header, lead, *body]) + "\n"
    run_in = blank.join([TITLE, header + joiner + lead, *body]) + "\n"
    into_title = blank.join([TITLE + joiner + header, lead, *body]) + "\n"
    flat = blank.join([TITLE + joiner + header + joiner + lead, *body]) + "\n"
    expected = (D(2021, 5, 21), "中国联通")
    for text in (apart, run_in, into_title, flat):
        assert (date_of(text), company_of(text)) == expected
        assert extract_title({}, [], text) == TITLE


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("發佈時間：22/09/2025 09:26", D(2025, 9, 22)),
        ("最後更新：22/09/2025 09:26", D(2025, 9, 22)),
        ("發佈時間：07/09/2025 09:26", None),  # 7 September or 9 July: the page does not say
        ("發佈時間：13.09.2025", D(2025, 9, 13)),
    ],
)
def test_labelled_day_first_headers_in_traditional_script(header: str, expected: dt.date | None) -> None:
    text = doc("中國鐵塔公布中期業績 純利按年上升", header, "中國鐵塔今日公布中期業績，純利按年上升，董事會宣派中期股息。" + PARA)
    assert date_of(text) == expected


@pytest.mark.parametrize(
    "byline",
    [
        "某某网  记者/",
        "中国某某新闻网  记者/王小明 刘大伟 通讯员/张三丰 李四光 陈五",  # long enough to pass for a headline
        "某某网讯（记者 王小明）",
    ],
)
def test_a_byline_is_never_the_title_and_does_not_hide_the_date(byline: str) -> None:
    text = doc(
        "党风廉政建设推进会召开",
        "2018-12-25 15:22",
        "更多资讯可登录某某网或下载某某新闻客户端",
        byline,
        "本报讯 12月24日，中国移动某市分公司召开党风廉政建设推进会，传达上级纪委全会精神，部署明年重点工作。",
        PARA,
    )
    title = extract_title({}, [], text)
    assert title == "党风廉政建设推进会召开"
    assert extract_date({}, text, title=title) == D(2018, 12, 25)
    assert runin.is_byline(byline.replace("（", "(").replace("）", ")"))
    assert not runin.is_byline("记者节里的坚守：一线通信人的一天")


def test_override_rows_are_the_evidence(tmp_path: Path) -> None:
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    meta = tmp_path / "meta.csv"
    meta.write_text("path,title,date,company,source\n004_83744d454e603408.txt,,2024-02-22,中国联通,\n", encoding="utf-8")
    corpus = read_corpus(raw, metadata=meta, progress=False, n_jobs=1).corpus.set_index("path")
    row = corpus.loc["004_83744d454e603408.txt"]
    assert row["date_source"] == "metadata file meta.csv, row 2"
    assert row["company_source"] == "metadata file meta.csv, row 2"
    front = corpus.loc[next(p for p in corpus.index if p.startswith("003_"))]
    assert front["date_source"] == "front matter or <meta> date: date"


def test_operator_as_partner_of_a_university_in_a_joint_activity() -> None:
    text = doc(
        "校企党建共建签约",
        "为深入推进校企合作，近日，某某大学信息工程学院第一党支部、第二党支部与福州电信分公司网络发展部党支部"
        "在福州举行党建共建签约仪式，双方表示将在人才培养方面深化合作。",
        "福州电信分公司网络发展部党支部书记介绍了支部建设情况。" + PARA,
    )
    company, source = explain_company("校企党建共建签约", text)
    assert company == "中国电信" and "lead subject" in source
    # operators listed together are no partners: whichever comes last gets nothing extra
    for order in itertools.permutations(["中国电信", "中国移动", "中国联通"]):
        listed = f"{order[0]}、{order[1]}和{order[2]}"
        lead = f"为深入推进行业协同，近日，某研究院与{listed}在京举行共建签约仪式，各方表示将深化合作。"
        each = "中国电信代表介绍了云网融合进展。中国移动代表介绍了算力网络建设。中国联通代表介绍了数字化转型成果。"
        assert company_of(doc("行业共建签约仪式举行", lead, each + PARA)) == ""


@pytest.mark.parametrize("width", [12, 16, 20, 26, 34])
def test_hard_wrapped_text_gives_the_answer_of_the_unwrapped_text(width: int) -> None:
    lead = "近日，中国电信某分公司召开党委理论学习中心组学习会，传达学习上级会议精神，研究部署贯彻落实措施。"
    paragraphs = [lead, PARA, PARA2]
    wrapped = [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]
    flat = doc("某公司党建工作取得新进展", "发布时间：2021-05-21", *paragraphs)
    hard = doc("某公司党建工作取得新进展", "发布时间：2021-05-21", *wrapped)
    assert runin.looks_hard_wrapped(hard.split("\n")) and not runin.looks_hard_wrapped(flat.split("\n"))
    assert (date_of(hard), company_of(hard)) == (date_of(flat), company_of(flat)) == (D(2021, 5, 21), "中国电信")


@pytest.mark.parametrize(
    "line",
    [
        "截至二零二五年六月三十日止六個月",  # an interim report's period, under the headline
        "截至30/06/2025止六個月業績",
        "2025年1月1日起施行",
        "2024年1月1日至2024年12月31日",
        "请于2024年3月31日前报送",
    ],
)
def test_a_period_or_deadline_under_the_title_is_not_the_page_date(line: str) -> None:
    text = doc("中國鐵塔公布中期業績 純利按年上升", line, "中國鐵塔今日公布中期業績，純利按年上升，董事會宣派中期股息。" + PARA)
    assert date_of(text) is None
    assert date_of(text.replace(line, line + "\n发布时间：2025-08-12")) == D(2025, 8, 12)


def test_english_month_day_on_a_mirror_settles_the_order() -> None:
    text = doc("防汛保障通信畅通", "6/11/2019，昨日，某省召开防汛通信保障部署会（原文 June 10 meeting）。" + PARA)
    assert date_of(text) == D(2019, 6, 11)
    assert date_of(text.replace("June 10", "5 Nov")) == D(2019, 11, 6)
