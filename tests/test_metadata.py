"""Metadata extraction: golden values for the five samples and synthetic cases of the genre.

Golden values were read off the sample files by hand. The synthetic cases cover every date form the
ingestion issue names, scraped-page layouts (navigation with a crawl date, source lines, table cells),
traditional script, PDF spacing, and documents that state no publication date (which must stay
undated).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.ingest.metadata import (
    CompanyAliases,
    extract_company,
    extract_date,
    extract_source,
    extract_title,
    load_aliases,
    parse_date,
)

D = dt.date
RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

# A body paragraph: long enough, with sentence punctuation, mentions no company and no date.
BODY = "会议强调，要深入学习贯彻习近平新时代中国特色社会主义思想，全面从严治党，推动企业高质量发展，取得新成效。"
TITLE = "中国联通召开党风廉政建设工作会议"


@pytest.fixture(scope="module")
def aliases() -> CompanyAliases:
    return load_aliases()


# ----------------------------------------------------------------------------------------------
# The five samples
# ----------------------------------------------------------------------------------------------

# file prefix -> (title, date, company, source)
GOLDEN = {
    "000": (
        "中国联通积极响应国务院国资委党风廉政建设和反腐败工作会议精神,全面深化从严治党",
        D(2024, 1, 30),
        "中国联通",
        "",
    ),
    "001": (
        "中国联通召开警示教育会 巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
        D(2024, 7, 30),
        "中国联通",
        "新闻宣传中心",
    ),
    "002": (
        "中国联通直属党委走在前、作表率 走好中国联通主题教育“第一方阵”",
        D(2023, 5, 18),
        "中国联通",
        "新闻宣传中心",
    ),
    "003": ("中国联通召开党史学习教育总结会议", D(2022, 1, 14), "中国联通", "人民邮电报"),
    "004": ("中国移动:牢牢把握主题主线 推动主题教育成果持续巩固有效转化", None, "中国移动", ""),
}


def _sample(prefix: str) -> str:
    (path,) = RAW.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _squash(s: str) -> str:
    """Titles compared without spaces: the cleaning step may drop the clause separators."""
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("prefix", sorted(GOLDEN))
def test_samples_from_raw_text(prefix: str, aliases: CompanyAliases) -> None:
    """The extractors cope with the raw file text (front matter, HTML, PDF spacing and all)."""
    title, date, company, source = GOLDEN[prefix]
    raw = _sample(prefix)
    got_title = extract_title({}, [], raw)
    assert got_title == title
    assert extract_date({}, raw, title=got_title) == date
    assert extract_company(got_title, raw, aliases) == company
    assert extract_source({}, raw) == source


@pytest.mark.parametrize("prefix", sorted(GOLDEN))
def test_samples_through_clean_prepare(prefix: str, aliases: CompanyAliases) -> None:
    """The same golden values on what the pipeline really passes in (clean.prepare output)."""
    import analysis.ingest.clean as clean
    title, date, company, source = GOLDEN[prefix]
    fmt = "markdown" if prefix == "003" else "text"
    prepared = clean.prepare(_sample(prefix), fmt=fmt)
    got_title = extract_title(prepared.front_matter, prepared.headings, prepared.text)
    assert _squash(got_title) == _squash(title)
    assert extract_date(prepared.front_matter, prepared.text, title=got_title) == date
    assert extract_company(got_title, prepared.text, aliases) == company
    assert extract_source(prepared.front_matter, prepared.text) == source


def test_sample_004_stays_undated_although_its_body_has_years() -> None:
    raw = _sample("004")
    assert re.search(r"\d{4}", raw) or "年" in raw
    assert extract_date({}, raw) is None
    assert extract_date({}, raw, title="中国移动:牢牢把握主题主线 推动主题教育成果持续巩固有效转化") is None


# ----------------------------------------------------------------------------------------------
# Dates: every form, and the header layouts of scraped pages
# ----------------------------------------------------------------------------------------------


def _doc(*header: str, body: str = BODY) -> str:
    return "\n".join((TITLE, *header, body))


DATE_CASES = [
    # labelled forms
    ("cjk-spaced", _doc("发布时间：2024 年 1 月 30 日"), D(2024, 1, 30)),
    ("cjk", _doc("发布时间：2024年1月30日"), D(2024, 1, 30)),
    ("iso", _doc("发布时间：2024-07-30 发布人：新闻宣传中心"), D(2024, 7, 30)),
    ("slash", _doc("日期：2024/7/30"), D(2024, 7, 30)),
    ("dot-time", _doc("2024.04.15 15:23"), D(2024, 4, 15)),
    ("time-label", _doc("时间:2021-03-15 13:17:59"), D(2021, 3, 15)),
    ("compact-labelled", _doc("发布日期：20240130"), D(2024, 1, 30)),
    ("iso-T", _doc("2024-01-30T10:30:00+08:00"), D(2024, 1, 30)),
    ("fullwidth", _doc("发布日期：２０２４年１月３０日"), D(2024, 1, 30)),
    ("brackets", _doc("【发布时间】2008-12-01"), D(2008, 12, 1)),
    ("square-weak", _doc("[日期] 2010年5月1日"), D(2010, 5, 1)),
    ("pdf-spaced-label", _doc("发 布 时 间 ： 2024 年 1 月 30 日"), D(2024, 1, 30)),
    ("markdown-bold-label", "# " + TITLE + "\n\n**发布时间**：2024-01-30\n\n" + BODY, D(2024, 1, 30)),
    ("published-en", "Published: January 30, 2024\nChina Unicom holds a meeting\n" + BODY, D(2024, 1, 30)),
    ("label-own-cell", _doc("发布日期：", "2024-01-30"), D(2024, 1, 30)),
    ("publish-beats-update", _doc("发布时间：2024-07-30 更新时间：2024-08-01"), D(2024, 7, 30)),
    ("update-only", _doc("更新时间：2012-08-01"), D(2012, 8, 1)),
    # Chinese numerals
    ("cn-numerals", _doc("二〇二四年一月三十日"), D(2024, 1, 30)),
    ("cn-circle-zero", _doc("（二○二四年十二月三十一日）"), D(2024, 12, 31)),
    ("cn-ling", _doc("发布时间：二零一九年三月五日"), D(2019, 3, 5)),
    ("cn-latin-o", _doc("二O一八年十月二十日"), D(2018, 10, 20)),
    # traditional script
    ("trad", _doc("發佈時間：2019年3月5日 來源：人民郵電報"), D(2019, 3, 5)),
    ("trad-fabu", _doc("發布日期：2011-09-09"), D(2011, 9, 9)),
    # scraped meta lines
    ("source-line", _doc("2018-06-12 09:30:15 来源：人民网 作者：张三 【字体：大 中 小】"), D(2018, 6, 12)),
    ("people-style", _doc("2018年06月12日09:30  来源：人民网－人民日报"), D(2018, 6, 12)),
    ("outlet-edition", _doc("人民邮电报 2024年01月30日 第01版"), D(2024, 1, 30)),
    ("wechat", "原创 中国联通 中国联通 2024-01-30 18:00 发表于北京\n" + TITLE + "\n" + BODY, D(2024, 1, 30)),
    ("title-line-date", TITLE + " 2024-01-30\n" + BODY, D(2024, 1, 30)),
    ("footer-label", _doc(body=BODY + "\n（文章来源：人民邮电报） 发布日期：2019-03-05"), D(2019, 3, 5)),
    ("signature", "关于开展主题教育的通知\n" + BODY + "\n中国联通党组\n2024年1月30日", D(2024, 1, 30)),
    ("dateline", _doc(body="新华社北京2015年3月2日电（记者张三）中国电信召开党风廉政建设工作会议，总结工作，部署任务。"), D(2015, 3, 2)),
    # navigation with a crawl date, and the real date later
    (
        "crawl-date-then-real",
        "您好！今天是2026年11月21日 星期六 | 登录 | 注册\n首页 > 新闻中心 > 正文\n" + _doc("发布时间：2016-05-06"),
        D(2016, 5, 6),
    ),
    ("newspaper-page-header", "人民邮电 2021年2月26日 星期五 第2版\n" + _doc(), D(2021, 2, 26)),
    (
        "epaper-masthead-two-lines",
        "人民邮电报 2016年6月9日 星期四\n第03版：要闻\n上一版  下一版  版面导航\n" + _doc("本报记者 刘畅"),
        D(2016, 6, 9),
    ),
    ("weekday-site-bar-not-masthead", "人民网 2026年11月21日 星期六\n网站首页\n" + _doc(), None),
    (
        "meta-line-above-title",
        "首页 > 新闻中心 > 党建工作\n时间：2021年6月5日星期六 作者：曹文博 来源：中国联通\n" + _doc(),
        D(2021, 6, 5),
    ),
    (
        "footer-time-label",
        _doc(body=BODY + "\n时间：2021-05-21 10:10:03\n（责任编辑：孙悦）\n上一篇：中国电信举行干部大会 2021-05-08"),
        D(2021, 5, 21),
    ),
    ("years-2008", _doc("发布时间：2008-01-02"), D(2008, 1, 2)),
    ("years-2026", _doc("发布时间：2026-03-04"), D(2026, 3, 4)),
    # never invent
    ("crawl-date-only", "您好！今天是2026年11月21日 星期六 | 登录 | 注册\n" + _doc(), None),
    ("weekday-nav-only", "2026年11月21日 星期六\n网站首页\n" + _doc(), None),
    ("today-colon", "今天是：2026-11-21\n" + _doc(), None),
    ("month-day-only", _doc(body="7月29日，中国联通召开会议，研究部署工作。会议强调要坚持党的领导，推动企业改革发展。"), None),
    ("event-deep-in-body", _doc(body=BODY + "\n2023年5月18日，公司召开会议，" + BODY), None),
    ("event-first-sentence", _doc(body="2015年3月2日，中国电信召开2015年党风廉政建设工作会议，总结工作，部署任务。" + BODY), None),
    ("year-only-title", "中国联通2024年工作会议召开\n" + BODY, None),
    ("year-in-body", _doc(body="2024年初，国资委召开会议。" + BODY), None),
    ("compact-unlabelled", _doc("20240130"), None),
    ("impossible-date", _doc("发布时间：2024-02-30"), None),
    ("too-early", _doc("发布时间：1985-02-03"), None),
    ("too-late", _doc(f"发布时间：{dt.date.today().year + 2}-02-03"), None),
    ("meeting-time", _doc("会议时间：2024年3月5日"), None),
    ("deadline", _doc("截止日期：2024年3月5日"), None),
    ("event-block", "关于举办培训班的通知\n时间：2024年3月5日\n地点：北京\n" + BODY, None),
    ("event-block-in-body", _doc(body=BODY + "\n时间：2024年3月5日\n地点：北京"), None),
    ("site-bar-date-line", "中国联通网上营业厅\n2026-11-21\n网站首页\n" + _doc(), None),
    ("site-bar-then-real", "中国联通网上营业厅\n2026-11-21\n网站首页\n" + _doc("2024-01-30"), D(2024, 1, 30)),
    ("related-list", _doc(body=BODY + "\n相关新闻：中国联通召开工作会议 2019-01-10"), None),
    ("related-block", _doc(body=BODY + "\n相关新闻\n中国联通召开工作会议\n发布时间：2019-01-10"), None),
    ("comments", _doc(body=BODY + "\n网友评论\n张三 2024-01-05 12:00 评论：说得好"), None),
    ("glued-meta-line", _doc("来源：人民网发布时间：2024-01-30"), D(2024, 1, 30)),
    ("glued-weak-label", _doc("作者：张三来源：人民网日期：2024年1月30日"), D(2024, 1, 30)),
    ("prefixed-label", _doc("文章发布时间：2024-01-30"), D(2024, 1, 30)),
    ("results-published", _doc(body=BODY + "\n成绩公布时间：2024-03-05"), None),
    ("link-list", "中国联通召开工作会议 2019-01-10\n中国移动召开党建会议 2019-01-08\n" + _doc(), None),
    ("footer-update", _doc(body=BODY + "\n网站更新时间：2026-11-20"), None),
    ("empty", "", None),
    ("no-digits", "中国联通召开会议\n会议强调要坚持党的领导。", None),
]


@pytest.mark.parametrize(("name", "text", "expected"), DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_extract_date_cases(name: str, text: str, expected: dt.date | None) -> None:
    assert extract_date({}, text) == expected


def test_date_prefers_header_over_event_dates_in_body() -> None:
    text = _doc("发布时间：2024-07-30", body="2024年7月29日，中国联通召开会议。" + BODY)
    assert extract_date({}, text) == D(2024, 7, 30)


def test_date_uses_the_given_title_to_place_the_header() -> None:
    text = "热点\n2024-01-02\n网站首页\n" + TITLE + "\n2024-01-30\n" + BODY
    assert extract_date({}, text, title=TITLE) == D(2024, 1, 30)


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ({"date": "2022-01-14 13:02:46 +0800"}, D(2022, 1, 14)),
        ({"Published": "2019年3月5日"}, D(2019, 3, 5)),
        ({"pubdate": "Tue, 30 Jan 2024 10:30:00 +0800"}, D(2024, 1, 30)),
        ({"publish_date": "20240130"}, D(2024, 1, 30)),
        ({"created": "2015-06-01T08:00:00Z"}, D(2015, 6, 1)),
        ({"lastmod": "2020-02-02", "date": "2019-01-01"}, D(2019, 1, 1)),
        ({"date": "not a date"}, None),
        ({"title": "2024-01-30"}, None),
    ],
)
def test_date_from_front_matter(front_matter: dict[str, str], expected: dt.date | None) -> None:
    assert extract_date(front_matter, BODY) == expected


def test_html_meta_tags_passed_as_front_matter() -> None:
    """readers.read_html puts <meta name=publishdate> etc. into RawDocument.meta."""
    meta = {"publishdate": "2020-02-17", "articletitle": "中国联通推进党建工作_中国联通", "contentsource": "中国联通"}
    assert extract_date(meta, BODY) == D(2020, 2, 17)
    assert extract_title(meta, [], BODY) == "中国联通推进党建工作"
    assert extract_source(meta, BODY) == "中国联通"
    assert extract_source({"og:site_name": "人民网"}, BODY) == "人民网"


def test_front_matter_date_beats_text_date() -> None:
    assert extract_date({"date": "2022-01-14"}, _doc("发布时间：2024-07-30")) == D(2022, 1, 14)


def test_front_matter_block_in_raw_text_is_read() -> None:
    text = "---\ntitle: \"中国联通召开会议\"\ndate: 2022-01-14 13:02:46 +0800\n---\n" + BODY
    assert extract_date({}, text) == D(2022, 1, 14)
    assert extract_title({}, [], text) == "中国联通召开会议"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024年1月30日", D(2024, 1, 30)),
        ("2024-1-3", D(2024, 1, 3)),
        ("二〇〇八年八月八日", D(2008, 8, 8)),
        ("二〇二四年十月十日", D(2024, 10, 10)),
        ("二〇二四年元月廿一日", D(2024, 1, 21)),
        ("30 January 2024", D(2024, 1, 30)),
        (D(2020, 5, 5), D(2020, 5, 5)),
        ("2024年13月1日", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


# ----------------------------------------------------------------------------------------------
# Titles
# ----------------------------------------------------------------------------------------------

TITLE_CASES = [
    (
        "mirror-nav",
        {},
        [],
        "网站首页 | 网站地图\n\n大国新村\n首页 > 中国品牌 > 企业党建 > 正文\n\n中国移动召开党建工作会议\n\n" + BODY,
        "中国移动召开党建工作会议",
    ),
    ("front-matter-suffix", {"title": "中国联通召开会议_中国联通"}, [], BODY, "中国联通召开会议"),
    ("people-suffix", {}, [], "中国联通召开党史学习教育总结会议 - 人民网\n" + BODY, "中国联通召开党史学习教育总结会议"),
    ("bar-suffix", {}, [], "中国联通召开党史学习教育总结会议|新华网\n" + BODY, "中国联通召开党史学习教育总结会议"),
    ("quotes", {}, [], "“中国联通召开党史学习教育总结会议”\n" + BODY, "中国联通召开党史学习教育总结会议"),
    ("brackets", {}, [], "【中国联通召开党史学习教育总结会议】\n" + BODY, "中国联通召开党史学习教育总结会议"),
    ("picture-mark", {}, [], "中国联通召开党史学习教育总结会议（组图）\n" + BODY, "中国联通召开党史学习教育总结会议"),
    ("subtitle-kept", {}, [], "奋进新征程——记中国联通党建工作\n" + BODY, "奋进新征程——记中国联通党建工作"),
    (
        "disclaimer-skipped",
        {},
        [],
        "本文档为 2024 CCF BDCI 比赛用语料的一部分。部分文档使用大语言模型改写生成。\n\n中国联通召开工作会议\n\n发布时间：2023-05-18\n" + BODY,
        "中国联通召开工作会议",
    ),
    ("date-line-skipped", {}, [], "发布时间：2024-01-30\n中国移动召开党风廉政建设工作会议\n" + BODY, "中国移动召开党风廉政建设工作会议"),
    ("heading-first", {}, ["中国电信召开警示教育大会"], "中国电信\n中国电信召开警示教育大会\n" + BODY, "中国电信召开警示教育大会"),
    (
        "section-heading-not-title",
        {},
        ["一、坚持党的全面领导"],
        "中国联通召开工作会议\n发布时间：2023-05-18\n" + BODY + "\n一、坚持党的全面领导\n" + BODY,
        "中国联通召开工作会议",
    ),
    (
        "pdf-broken-word",
        {},
        [],
        "# 中国联通召开警示教育会 巩固深化党纪学习教育成效 推动企 业全面从严治党向纵深发展\n" + BODY,
        "中国联通召开警示教育会 巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
    ),
    ("pdf-broken-word-2", {}, [], "中国联通积极响应反腐败工 作会议精神\n" + BODY, "中国联通积极响应反腐败工作会议精神"),
    ("pdf-number", {}, [], "中国电信召开2024 年工作会议\n" + BODY, "中国电信召开2024年工作会议"),
    ("traditional", {}, [], "中國聯通召開黨史學習教育總結會議\n" + BODY, "中国联通召开党史学习教育总结会议"),
    ("pinyin-glosses", {}, [], "中國(guó)聯(lián)通(tōng)召開黨建工作會議\n" + BODY, "中国联通召开党建工作会议"),
    (
        "long-nav-items",
        {},
        [],
        "首页\n中国联通网上营业厅\n党建工作动态\n中国联通召开党风廉政建设工作会议\n发布时间：2024-01-30\n" + BODY,
        "中国联通召开党风廉政建设工作会议",
    ),
    (
        "subtitle-not-title",
        {},
        [],
        "中国联通召开党风廉政建设工作会议\n——深入学习贯彻党的二十大精神\n发布时间：2024-01-30\n" + BODY,
        "中国联通召开党风廉政建设工作会议",
    ),
    ("byline-not-title", {}, [], "党建动态\n中国联通召开党风廉政建设工作会议\n本报记者 张三 通讯员 李四\n" + BODY, "中国联通召开党风廉政建设工作会议"),
    ("after-breadcrumbs", {}, [], "中国联通网上营业厅\n首页 > 新闻 > 正文\n中国联通召开党风廉政建设工作会议\n" + BODY, "中国联通召开党风廉政建设工作会议"),
    (
        "related-list-above-meta",
        {},
        [],
        "当前位置：首页>新闻中心\n相关新闻\n·中国广电举行干部大会2012年12月28日\n中国联通举办学习会 [04-14]\n"
        "日期：2013年3月22日 来源：中国电信\n深化以案促改筑牢廉洁防线中国电信部署党建工作\n" + BODY,
        "深化以案促改筑牢廉洁防线中国电信部署党建工作",
    ),
    ("title-with-date", {}, [], "中国联通召开工作会议 2024-01-30 10:30\n" + BODY, "中国联通召开工作会议"),
    ("no-title", {}, [], BODY, "会议强调，要深入学习贯彻习近平新时代中国特色社会主义思想，全面从严治党，推动企业高质量发展，取得新成效"),
    ("empty", {}, [], "", ""),
]


@pytest.mark.parametrize(
    ("name", "front_matter", "headings", "text", "expected"), TITLE_CASES, ids=[c[0] for c in TITLE_CASES]
)
def test_extract_title_cases(
    name: str, front_matter: dict[str, str], headings: list[str], text: str, expected: str
) -> None:
    assert extract_title(front_matter, headings, text) == expected


# ----------------------------------------------------------------------------------------------
# Companies
# ----------------------------------------------------------------------------------------------

COMPANY_CASES = [
    ("title-one", "中国铁塔召开2024年工作会议", BODY, "中国铁塔"),
    ("title-two-first-named", "中国移动与中国联通签署合作协议", BODY, "中国移动"),
    (
        "title-two-body-decides",
        "中国移动与中国联通签署合作协议",
        "中国联通与中国移动签署协议。中国联通表示，中国联通将深化合作，中国联通党组要求抓好落实。",
        "中国联通",
    ),
    ("province-mobile", "广东移动召开党建工作会议", BODY, "中国移动"),
    ("province-unicom", "北京联通开展主题教育", BODY, "中国联通"),
    ("city-tower", "深圳铁塔扎实开展学习教育", BODY, "中国铁塔"),
    ("tower-subsidiary", "铁塔能源有限公司党委召开党建工作会议", BODY, "中国铁塔"),
    ("not-a-tower-company", "埃菲尔铁塔迎来游客高峰", "巴黎埃菲尔铁塔游客众多。", ""),
    (
        "related-news-ignored",
        "党建引领服务大局",
        "党建引领服务大局\n6月5日，四川铁塔召开学习会，研究部署工作。"
        + BODY
        + "\n相关新闻\n中国广电召开会议\n中国广电举办学习会\n中国广电召开大会",
        "中国铁塔",
    ),
    ("province-telecom", "上海电信召开警示教育大会", BODY, "中国电信"),
    ("bare-unicom", "联通召开党组会议", BODY, "中国联通"),
    ("traditional", "中國電信召開黨建工作會議", BODY, "中国电信"),
    ("english", "China Unicom holds party meeting", "China Unicom held a meeting on Tuesday.", "中国联通"),
    ("english-mobile", "CHINA MOBILE annual meeting", "", "中国移动"),
    ("broadnet", "中国广电5G网络服务正式启动", BODY, "中国广电"),
    ("subsidiary", "中移物联网公司召开会议", BODY, "中国移动"),
    ("full-name", "中国联合网络通信集团有限公司召开会议", BODY, "中国联通"),
    (
        "body-dominated",
        "党建引领高质量发展",
        "近日，中国联通召开党建工作会议。中国联通党组书记出席会议并讲话。会议强调，中国联通要坚持党的领导。",
        "中国联通",
    ),
    ("body-subject-and-source", "公司召开党组理论学习中心组学习会", "来源：中国移动\n1月30日，中国移动党组召开学习会。" + BODY, "中国移动"),
    ("fraud", "警惕电信诈骗 守护百姓钱袋子", "近期电信诈骗案件多发，电信业务经营者要落实实名制，移动互联网应用要加强管理。", ""),
    ("regulator", "广电总局部署安全播出工作", "国家广电总局召开会议，部署安全播出工作。广电总局要求各地加强管理。", ""),
    ("belt-and-road", "推进一带一路设施联通", "设施联通是优先领域，要推动基础设施互联互通，实现设施联通和联通性提升。", ""),
    (
        "passing-mention",
        "国资委召开中央企业负责人会议",
        "国资委召开会议，中国石油、中国石化、国家电网、中国移动等中央企业负责人参加会议。" + BODY * 3,
        "",
    ),
    ("three-operators", "三大运营商发布5G进展", "中国移动、中国联通、中国电信分别发布数据。中国移动、中国联通、中国电信均表示将加大投入。", ""),
    ("mobile-internet", "中国移动互联网发展报告发布", "报告显示，中国移动互联网用户规模持续增长。", ""),
    ("telecom-industry", "中国电信业发展回顾", "中国电信业经历了多次重组，中国电信市场竞争充分。", ""),
    ("not-a-company", "集中移交档案工作部署", "公司集中移交档案，深圳移动支付普及率高。", ""),
    ("nothing", "", "", ""),
]


@pytest.mark.parametrize(("name", "title", "text", "expected"), COMPANY_CASES, ids=[c[0] for c in COMPANY_CASES])
def test_extract_company_cases(name: str, title: str, text: str, expected: str, aliases: CompanyAliases) -> None:
    assert extract_company(title, text, aliases) == expected


def test_company_default_aliases_are_loaded() -> None:
    assert extract_company("中国电信召开会议", BODY) == "中国电信"


def test_aliases_table_shape(aliases: CompanyAliases) -> None:
    assert aliases.companies == ("中国联通", "中国移动", "中国电信", "中国铁塔", "中国广电")
    assert aliases.canonical("联通") == "中国联通"
    assert aliases.canonical("中國移動") == "中国移动"
    assert aliases.canonical("China Telecom") == "中国电信"
    assert aliases.canonical("国家电网") == ""


def test_matching_is_leftmost_longest(aliases: CompanyAliases) -> None:
    mentions = aliases.find("中国联合网络通信（集团）有限公司与中国移动通信集团")
    assert [(m.company, m.alias) for m in mentions] == [
        ("中国联通", "中国联合网络通信(集团)有限公司"),
        ("中国移动", "中国移动通信集团"),
    ]


def test_user_alias_file_extends_and_switches_off(tmp_path: Path) -> None:
    extra = tmp_path / "more.csv"
    extra.write_text(
        "company,alias,kind,weight\n中国卫通,中国卫通,name,1\n中国卫通,卫通集团,name,1\n中国联通,Unicom,name,0\n",
        encoding="utf-8",
    )
    table = load_aliases(extra=[extra])
    assert "中国卫通" in table.companies
    assert extract_company("卫通集团召开会议", BODY, table) == "中国卫通"
    assert extract_company("Unicom holds a meeting", "", table) == ""
    assert extract_company("Unicom holds a meeting", "", load_aliases()) == "中国联通"


def test_user_alias_file_as_the_only_table(tmp_path: Path) -> None:
    only = tmp_path / "only.csv"
    only.write_text("company,alias\n华为,Huawei\n", encoding="utf-8-sig")
    table = load_aliases(only)
    assert table.companies == ("华为",)
    assert extract_company("HUAWEI launches phone", "", table) == "华为"
    assert extract_company("华为发布新手机", "", table) == "华为"  # the canonical name names itself


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,alias\n中国联通,联通\n", "columns company,alias"),
        ("company,alias,kind\n中国联通,联通,fuzzy\n", "kind must be"),
        ("company,alias,kind\n中国联通,(联通,pattern\n", "bad pattern"),
        ("company,alias,weight\n中国联通,联通,heavy\n", "weight must be a number"),
        ("company,alias,weight\n中国联通,联通,-1\n", "weight must be >= 0"),
    ],
)
def test_bad_alias_files_raise_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        load_aliases(bad)


def test_missing_alias_file(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="not found"):
        load_aliases(tmp_path / "nope.csv")


# ----------------------------------------------------------------------------------------------
# Source
# ----------------------------------------------------------------------------------------------

SOURCE_CASES = [
    ("publisher-person", {}, _doc("发布时间：2024-07-30 发布人：新闻宣传中心"), "新闻宣传中心"),
    ("scraped-line", {}, _doc("2018-06-12 09:30:15 来源：人民网 作者：张三 【字体：大 中 小】"), "人民网"),
    ("traditional", {}, _doc("發佈時間：2019年3月5日 來源：人民郵電報"), "人民邮电报"),
    ("closing-line", {}, BODY + "\n（文章来源：人民邮电报）", "人民邮电报"),
    ("before-date-label", {}, "文章来源：新华社  发布时间：2024-01-30\n" + BODY, "新华社"),
    ("glued-after-date", {}, _doc("发布日期：2019年3月5日来源：中国铁塔"), "中国铁塔"),
    ("bar-and-date", {}, "来源: 人民网-人民日报 | 2024-01-30\n" + BODY, "人民网-人民日报"),
    ("info-source", {}, "信息来源：中国移动党建工作部 浏览次数：123\n" + BODY, "中国移动党建工作部"),
    ("source-beats-person", {}, _doc("发布人：张三 来源：人民网"), "人民网"),
    ("english", {}, "Source: Xinhua\n" + BODY, "Xinhua"),
    ("front-matter", {"source": "中国电信"}, "来源：人民网\n" + BODY, "中国电信"),
    ("front-matter-tags", {"categories": "renminyoudianbao", "tags": "人民邮电报新闻"}, BODY, "人民邮电报"),
    ("glued-before-date-label", {}, _doc("来源：人民网发布时间：2024-01-30"), "人民网"),
    ("glued-before-editor", {}, _doc("稿件来源：人民邮电报责任编辑：赵六"), "人民邮电报"),
    ("related-block", {}, BODY + "\n相关新闻\n中国联通召开工作会议 来源：人民网", ""),
    ("data-source", {}, BODY + "\n数据来源：国家统计局", ""),
    ("image-source", {}, BODY + "\n图片来源：视觉中国", ""),
    ("placeholder", {}, "来源：本站\n" + BODY, ""),
    ("url", {}, "来源：http://www.example.com/a.html\n" + BODY, ""),
    ("editor-only", {}, "[责任编辑:潘旺旺]\n标签: 主题教育   中国移动", ""),
    ("prose", {}, "这些经验来源于基层实践。" + BODY, ""),
    ("prose-with-space", {}, "问题来源 是多方面的，要认真分析\n" + BODY, ""),
    ("english-prose", {}, "We use open source software here\n" + BODY, ""),
    ("space-separated-meta", {}, "来源 人民网  作者 张三\n" + BODY, "人民网"),
    ("none", {}, BODY, ""),
]


@pytest.mark.parametrize(
    ("name", "front_matter", "text", "expected"), SOURCE_CASES, ids=[c[0] for c in SOURCE_CASES]
)
def test_extract_source_cases(name: str, front_matter: dict[str, str], text: str, expected: str) -> None:
    assert extract_source(front_matter, text) == expected


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------

_DATEISH = st.sampled_from(
    list("年月日号时间发布日期来源：:-/. 0123456789〇○零一二三四五六七八九十廿卅元OT星期今天是\n，。中国联通移动<>【】()２０")
)
_TEXT = st.text(alphabet=_DATEISH | st.characters(), max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, title=st.text(max_size=30))
def test_extract_date_never_raises_and_never_invents_without_numerals(text: str, title: str) -> None:
    date = extract_date({}, text, title=title)
    assert date is None or 1990 <= date.year <= dt.date.today().year + 1
    if not any(ch.isnumeric() for ch in unicodedata.normalize("NFKC", text)):
        assert date is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, title=st.text(max_size=30))
def test_other_extractors_never_raise(text: str, title: str) -> None:
    assert isinstance(extract_title({}, [title], text), str)
    assert isinstance(extract_company(title, text), str)
    assert isinstance(extract_source({}, text), str)


# ----------------------------------------------------------------------------------------------
# Whole pages of the genre: title found as ingestion finds it, then date and company from it.
# Each case is a failure pattern reported by the independent evaluator or a real-world layout.
# ----------------------------------------------------------------------------------------------

MOBILE_BODY = (
    "近日，中国移动党组召开党建工作会议，研究部署今年党建工作。会议强调，要落实全面从严治党要求，推动企业高质量发展。\n"
    "中国移动党组书记出席会议并讲话，要求各单位压实责任，抓好落实，取得实效。\n"
    "中国移动各部门负责人参加会议，大家表示要把会议精神落到实处，以党建引领改革发展。\n"
    "标签: 党建 中国移动\n"
)
HEADLINES = (
    "中国联通举办理论学习中心组学习会",
    "中国电信召开党风廉政建设工作会议",
    "中国联通召开警示教育大会",
    "中国电信部署主题教育工作",
    "中国联通深化国企改革三年行动",
    "中国联通召开干部大会",
)
WEEKDAY_META = "时间：2016年6月27日 星期一  作者：张三  来源：集团公司党群工作部"

PAGE_CASES = [
    # 1. a labelled meta line with a weekday above the title is the publication date
    ("weekday-meta-above-title", f"{WEEKDAY_META}\n{TITLE}\n{BODY}", TITLE, D(2016, 6, 27), "中国联通"),
    (
        "weekday-meta-above-breadcrumbs",
        f"{WEEKDAY_META}\n首页 > 新闻中心 > 正文\n{TITLE}\n{BODY}",
        TITLE,
        D(2016, 6, 27),
        "中国联通",
    ),
    (
        "weekday-meta-split-over-two-lines",
        f"日期：2016年6月27日 星期一\n作者：张三  来源：集团公司党群工作部\n{TITLE}\n{BODY}",
        TITLE,
        D(2016, 6, 27),
        "中国联通",
    ),
    ("crawl-bar-weekday-still-ignored", f"2026年11月21日 星期六 欢迎访问\n首页 > 正文\n{TITLE}\n{BODY}", TITLE, None, "中国联通"),
    ("crawl-bar-weekday-label", f"日期：2026年11月21日 星期六\n网站首页 | 网站地图\n{TITLE}\n{BODY}", TITLE, None, "中国联通"),
    # 2. the three operators listed: every item (the last one too) is a list mention
    (
        "three-operators-list-in-lead",
        "工信部召开座谈会听取企业意见\n发布时间：2019-03-04\n"
        "近日，工信部召开座谈会，中国电信、中国移动和中国联通有关负责同志参加座谈。" + BODY,
        "工信部召开座谈会听取企业意见",
        D(2019, 3, 4),
        "",
    ),
    (
        "three-operators-list-then-one-remark",
        "工信部召开座谈会听取企业意见\n发布时间：2019-03-04\n"
        + BODY
        + "中国电信、中国移动、中国联通分别介绍了情况。中国联通表示将加大投入。",
        "工信部召开座谈会听取企业意见",
        D(2019, 3, 4),
        "",
    ),
    (
        "list-with-other-soes",
        "国资委召开中央企业座谈会\n发布时间：2019-03-04\n近日，国资委召开座谈会，中国石油、国家电网及中国移动等企业参加。"
        + BODY,
        "国资委召开中央企业座谈会",
        D(2019, 3, 4),
        "",
    ),
    # 3. province and city 铁塔 branches
    ("city-tower-title", f"珠海铁塔扎实开展主题教育\n发布时间：2019-03-04\n{BODY}", "珠海铁塔扎实开展主题教育", D(2019, 3, 4), "中国铁塔"),
    (
        "province-tower-first-half",
        f"上海铁塔上半年党建工作综述\n发布时间：2019-03-04\n{BODY}",
        "上海铁塔上半年党建工作综述",
        D(2019, 3, 4),
        "中国铁塔",
    ),
    (
        "city-tower-body",
        "党建引领促发展\n发布时间：2019-03-04\n记者从绍兴铁塔获悉，" + BODY + "绍兴铁塔党委书记出席会议。绍兴铁塔将继续努力。",
        "党建引领促发展",
        D(2019, 3, 4),
        "中国铁塔",
    ),
    (
        "generic-towers",
        "输电铁塔巡检工作有序推进\n发布时间：2019-03-04\n近日，国网公司组织对输电铁塔、通信铁塔开展巡检，铁塔基站运行平稳。"
        + BODY
        + "东方铁塔钢结构公司参与了铁塔加固。",
        "输电铁塔巡检工作有序推进",
        D(2019, 3, 4),
        "",
    ),
    # 4. related headlines (with or without a header) are not mentions
    *(
        (
            f"related-headlines-{name}",
            "党建引领 凝心聚力\n2021-03-04 来源：人民网\n" + MOBILE_BODY + header + "\n".join(items),
            "党建引领 凝心聚力",
            D(2021, 3, 4),
            "中国移动",
        )
        for name, header, items in (
            ("bare", "", HEADLINES),
            ("recommended", "为您推荐\n", HEADLINES),
            ("everyone-reads", "大家都在看\n", HEADLINES),
            ("month-day", "", [f"{h} [04-{10 + i}]" for i, h in enumerate(HEADLINES)]),
            ("iso", "", [f"{h} 2021-03-0{i + 1}" for i, h in enumerate(HEADLINES)]),
            ("bullets", "", ["·" + h for h in HEADLINES]),
        )
    ),
    # 5. related news above the article: a headline with its date is not the title
    *(
        (
            f"related-above-title-{name}",
            f"相关新闻\n中国联通举办理论学习中心组学习会{tail}\n{date_line}\n中国铁塔召开党建工作会议\n{BODY}",
            "中国铁塔召开党建工作会议",
            D(2021, 4, 15),
            "中国铁塔",
        )
        for name, tail in (("month-day", " [04-14]"), ("bare-month-day", " 04-14"), ("iso", " 2021-04-14"),
                           ("paren", "（2021年4月14日）"), ("slash", " 2021/04/14 10:20"))
        for date_line in ("发布时间：2021年4月15日", "2021-04-15 来源：人民网")
    ),
    # real-world layouts
    ("hk-english-date", "中國聯通召開黨建工作會議\n3 May 2019 | 中國聯通\n" + BODY, TITLE[:4] + "召开党建工作会议", D(2019, 5, 3), "中国联通"),
    ("hk-english-date-us", "中國聯通召開黨建工作會議\nMay 3, 2019\n" + BODY, TITLE[:4] + "召开党建工作会议", D(2019, 5, 3), "中国联通"),
    ("hk-fabu-slash", "中國聯通召開黨建工作會議\n發佈日期：2019/5/3\n" + BODY, TITLE[:4] + "召开党建工作会议", D(2019, 5, 3), "中国联通"),
    ("bracketed-label", f"{TITLE}\n【发布时间：2020-05-06】\n{BODY}", TITLE, D(2020, 5, 6), "中国联通"),
    ("source-and-reads", f"{TITLE}\n2020-05-06 来源：中国移动 阅读：123\n{BODY}", TITLE, D(2020, 5, 6), "中国联通"),
    ("date-then-title-one-line", f"2020-05-06 {TITLE}\n{BODY}", TITLE, D(2020, 5, 6), "中国联通"),
    ("cjk-date-then-title-one-line", f"2020年5月6日 {TITLE}\n{BODY}", TITLE, D(2020, 5, 6), "中国联通"),
    ("weekday-date-then-title-one-line", f"2026年11月21日 星期六 {TITLE}\n{BODY}", TITLE, None, "中国联通"),
    (
        "newspaper-source-edition",
        f"{TITLE}\n来源：人民邮电报 2021年04月14日 第 03 版\n人民邮电报讯（记者 张三）近日，中国联通召开会议，{BODY}",
        TITLE,
        D(2021, 4, 14),
        "中国联通",
    ),
    (
        "newspaper-byline-undated",
        f"{TITLE}\n人民邮电报讯（记者 张三）近日，中国联通召开会议，{BODY}",
        TITLE,
        None,
        "中国联通",
    ),
    ("date-time-glued", f"{TITLE}\n2020-05-0610:20:30 来源：人民网\n{BODY}", TITLE, D(2020, 5, 6), "中国联通"),
    ("date-weekday-under-title", f"{TITLE}\n2020.05.06 星期三\n{BODY}", TITLE, D(2020, 5, 6), "中国联通"),
    ("year-month-only", f"{TITLE}\n2020年5月\n{BODY}", TITLE, None, "中国联通"),
    (
        "pinyin-glossed-digits",
        f"{TITLE}\n发(fā)布(bù)时(shí)间(jiān)：2(èr)0(líng)2(èr)1(yī)-0(líng)4(sì)-1(yī)4(sì)\n{BODY}",
        TITLE,
        D(2021, 4, 14),
        "中国联通",
    ),
    (
        "pdf-title-wrapped",
        "中国联通召开警示教育会 巩固深化党纪学习教育成效 推动\n企业全面从严治党向纵深发展\n发布时间：2024-07-30\n" + BODY,
        "中国联通召开警示教育会 巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
        D(2024, 7, 30),
        "中国联通",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "title", "date", "company"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES]
)
def test_page_cases(name: str, text: str, title: str, date: dt.date | None, company: str, aliases: CompanyAliases) -> None:
    got_title = extract_title({}, [], text)
    assert _squash(got_title) == _squash(title)
    assert extract_date({}, text, title=got_title) == date
    assert extract_company(got_title, text, aliases) == company


@pytest.mark.parametrize("page", [c[1] for c in PAGE_CASES[:8]])
def test_page_cases_through_clean_prepare(page: str, aliases: CompanyAliases) -> None:
    """The first page cases give the same answers on what clean.prepare passes in."""
    import analysis.ingest.clean as clean
    prepared = clean.prepare(page, fmt="text")
    raw_title = extract_title({}, [], page)
    got_title = extract_title(prepared.front_matter, prepared.spaced_headings, prepared.spaced_text)
    assert _squash(got_title) == _squash(raw_title)
    assert extract_date(prepared.front_matter, prepared.text, title=got_title) == extract_date({}, page, title=raw_title)
    assert extract_company(got_title, prepared.text, aliases) == extract_company(raw_title, page, aliases)


# ----------------------------------------------------------------------------------------------
# Forum threads (Discuz and the like): the thread's date sits under the title, above login prompts.
# ----------------------------------------------------------------------------------------------

FORUM_TITLE = "中国广电举办5G业务分享会"
LOGIN_PROMPT = "您需要 登录 才可以下载或查看，没有账号？立即注册"
REGISTER_PROMPT = "马上注册，结交更多好友，享用更多功能，让你轻松玩转社区。"
BROADNET_BODY = (
    "近日，中国广电举办5G业务分享会，交流各地推进5G业务发展的经验做法。会议强调，要坚持党建引领，推动业务高质量发展。\n"
    "中国广电有关部门负责人出席会议并讲话，要求各单位压实责任，抓好落实，取得实效。"
)
REPLIES = "沙发\n李四\n发表于 2016-10-04 08:15:00 | 只看该作者\n说得好，学习了"

FORUM_CASES = [
    ("weak-label-above-login-prompt", f"{FORUM_TITLE}\n时间:2016-10-03 20:57 0 396 | 复制链接 |\n{LOGIN_PROMPT}\n{BROADNET_BODY}",
     D(2016, 10, 3)),
    (
        "weak-label-both-prompts",
        f"收起左侧\n发新帖\n{FORUM_TITLE}\n时间:2016-10-03 20:57 0 396 | 复制链接 |\n马上注册，结交更多好友\n{LOGIN_PROMPT}\n"
        f"{BROADNET_BODY}\n您需要登录后才可以回帖 登录 | 立即注册\n本版积分规则\n快速回复 返回列表 返回顶部",
        D(2016, 10, 3),
    ),
    (
        "user-bar-above-and-prompt-below",
        f"用户名 密码 自动登录 找回密码 立即注册\n{FORUM_TITLE}\n日期：2016年10月3日\n{LOGIN_PROMPT}\n{BROADNET_BODY}",
        D(2016, 10, 3),
    ),
    (
        "discuz-thread",
        f"中国广电论坛 › 行业资讯 › 查看内容\n{FORUM_TITLE}\n查看: 396|回复: 0\n[复制链接]\n楼主\nadmin\n"
        f"发表于 2016-10-3 20:57:12 | 只看该作者 |倒序浏览 |阅读模式\n{REGISTER_PROMPT}\n{LOGIN_PROMPT}\nx\n{BROADNET_BODY}",
        D(2016, 10, 3),
    ),
    ("louzhu-line", f"{FORUM_TITLE}\n楼主| 发表于 2016-10-03 20:57 | 只看该作者\n{LOGIN_PROMPT}\n{BROADNET_BODY}", D(2016, 10, 3)),
    (
        "discuz-portal",
        f"{FORUM_TITLE}\n2016-10-3 20:57| 发布者: admin| 查看: 396| 评论: 0\n{LOGIN_PROMPT}\n{BROADNET_BODY}",
        D(2016, 10, 3),
    ),
    (
        "views-replies-meta",
        f"{FORUM_TITLE}\n2016-10-03 20:57 | 查看: 396 | 回复: 0\n{LOGIN_PROMPT}\n{BROADNET_BODY}",
        D(2016, 10, 3),
    ),
    (
        "thread-date-beats-replies",
        f"{FORUM_TITLE}\n楼主| 发表于 2016-10-03 20:57\n{LOGIN_PROMPT}\n{BROADNET_BODY}\n{REPLIES}",
        D(2016, 10, 3),
    ),
    # never invent: the only dates are replies' timestamps, a crawl bar, or an unlabelled date in a user bar
    ("replies-only", f"{FORUM_TITLE}\n楼主\n{LOGIN_PROMPT}\n{BROADNET_BODY}\n{REPLIES}", None),
    ("reply-floor-only", f"{FORUM_TITLE}\n{BROADNET_BODY}\n2#\n李四 发表于 2016-10-04 08:15:00\n说得好", None),
    ("crawl-bar-above-title", f"今天是2026年11月21日 | 登录 | 注册\n{FORUM_TITLE}\n{LOGIN_PROMPT}\n{BROADNET_BODY}", None),
    # the same rule on other pages: a toolbar (繁體 / 手机版 / English) under the date line is no site bar
    ("toolbar-under-labelled-date", f"{FORUM_TITLE}\n日期：2019-05-03\n【简体】【繁體】【打印本页】【关闭窗口】\n{BROADNET_BODY}",
     D(2019, 5, 3)),
    ("toolbar-under-bare-date", f"{FORUM_TITLE}\n2019-05-03\n【简体】【繁體】\n{BROADNET_BODY}", D(2019, 5, 3)),
    ("mobile-english-under-meta", f"{FORUM_TITLE}\n2019-05-03 来源：中国广电\n手机版 | English\n{BROADNET_BODY}", D(2019, 5, 3)),
    # never invent: a crawl date under the page title repeated above the site bar, or below a nav bar
    (
        "page-title-crawl-date-then-bar-then-headline",
        f"{FORUM_TITLE}_中国广电\n2026-11-21\n网站首页 | 登录 | 注册\n{FORUM_TITLE}\n{BROADNET_BODY}",
        None,
    ),
    ("bare-date-under-a-nav-bar", f"{FORUM_TITLE}\n网站首页 | 登录\n2026-11-21\n网站地图\n{BROADNET_BODY}", None),
    ("weekday-date-under-title-above-bar", f"{FORUM_TITLE}\n2026年11月21日 星期六\n网站首页 | 登录\n{BROADNET_BODY}", None),
    (
        "labelled-date-under-a-nav-bar-under-the-title",
        f"{FORUM_TITLE}\n网站首页 | 登录 | 注册\n日期：2026年11月21日 星期六\n网站地图 | 登录\n{BROADNET_BODY}",
        None,
    ),
]


@pytest.mark.parametrize(("name", "text", "date"), FORUM_CASES, ids=[c[0] for c in FORUM_CASES])
def test_forum_threads(name: str, text: str, date: dt.date | None, aliases: CompanyAliases) -> None:
    title = extract_title({}, [], text)
    assert title == FORUM_TITLE
    assert extract_date({}, text, title=title) == date
    assert extract_company(title, text, aliases) == "中国广电"


# ----------------------------------------------------------------------------------------------
# A closing line under the last paragraph: the issuing unit or outlet with the date, in brackets.
# ----------------------------------------------------------------------------------------------

MOBILE_TITLE = "中国移动召开党风廉政建设工作会议"
MOBILE_PARAS = (
    "近日，中国移动召开党风廉政建设工作会议，总结去年工作，部署今年任务。会议强调，要坚定不移推进全面从严治党。\n"
    "中国移动党组书记出席会议并讲话，要求各单位压实责任，抓好落实，以党建引领企业高质量发展。"
)


def _closing(*tail: str, head: str = "") -> str:
    return "\n".join((MOBILE_TITLE, *([head] if head else []), MOBILE_PARAS, *tail))


CLOSING_CASES = [
    ("date-only", _closing("（2023年1月17日）"), D(2023, 1, 17)),
    ("unit-and-date", _closing("（中国移动新闻宣传中心 2023年1月17日）"), D(2023, 1, 17)),
    ("unit-no-space", _closing("（中国移动新闻宣传中心2023年1月17日）"), D(2023, 1, 17)),
    ("unit-comma", _closing("（中国移动党群工作部，2023年1月17日）"), D(2023, 1, 17)),
    ("unit-iso", _closing("（中国移动新闻宣传中心 2023-01-17）"), D(2023, 1, 17)),
    ("date-then-unit", _closing("（2023年1月17日 中国移动新闻宣传中心）"), D(2023, 1, 17)),
    ("source-label", _closing("（来源：人民邮电报 2021年4月14日）"), D(2021, 4, 14)),
    ("news-agency", _closing("（新华社 2019年3月5日）"), D(2019, 3, 5)),
    ("outlet-in-book-marks", _closing("（《人民邮电报》 2021年4月14日）"), D(2021, 4, 14)),
    ("paper-edition", _closing("《人民日报》（2021年04月14日 第03版）"), D(2021, 4, 14)),
    ("ascii-brackets", _closing("(中国移动新闻宣传中心 2023年1月17日)"), D(2023, 1, 17)),
    ("square-brackets", _closing("【中国移动新闻宣传中心 2023年1月17日】"), D(2023, 1, 17)),
    ("cn-numerals", _closing("（中共中国移动通信集团有限公司党组 二〇二三年一月十七日）"), D(2023, 1, 17)),
    ("then-editor-line", _closing("（中国移动新闻宣传中心 2023年1月17日）", "责任编辑：张三"), D(2023, 1, 17)),
    ("then-related-news", _closing("（中国移动新闻宣传中心 2023年1月17日）", "相关新闻", "中国联通召开工作会议 2019-01-10"),
     D(2023, 1, 17)),
    ("signature-one-line", _closing("中国移动党组 2023年1月17日"), D(2023, 1, 17)),
    ("signature-dash", _closing("——中国移动新闻宣传中心 2023年1月17日"), D(2023, 1, 17)),
    ("newspaper-one-line", _closing("人民邮电报 2021年4月14日"), D(2021, 4, 14)),
    ("traditional", _closing("（中國移動新聞宣傳中心 2023年1月17日）"), D(2023, 1, 17)),
    ("fullwidth", _closing("（中国移动新闻宣传中心\u3000２０２３年１月１７日）"), D(2023, 1, 17)),
    ("with-time", _closing("（中国移动新闻宣传中心 2023-01-17 10:30）"), D(2023, 1, 17)),
    ("company-only", _closing("（中国移动 2023年1月17日）"), D(2023, 1, 17)),
    ("header-date-wins", _closing("（中国移动新闻宣传中心 2023年1月17日）", head="2023-01-20"), D(2023, 1, 20)),
    # never invent: dates inside sentences, cut-off and validity notes, other fields, mid-article notes
    ("sentence-date", _closing("会议于2023年1月17日在北京召开。"), None),
    ("as-of", _closing("（截至2023年1月17日）"), None),
    ("data-as-of", _closing("（数据截至2023年1月17日）"), None),
    ("in-force", _closing("（2023年1月17日起施行）"), None),
    ("in-force-sentence", _closing("（本办法自2023年1月17日起施行）"), None),
    ("other-field", _closing("（统计时间：2023年1月17日）"), None),
    ("meeting-name", _closing("（中国移动党风廉政建设工作会议 2023年1月17日）"), None),
    ("person", _closing("（张三 2023年1月17日）"), None),
    ("mid-article", "\n".join((MOBILE_TITLE, MOBILE_PARAS, "（中国移动新闻宣传中心 2023年1月17日）", MOBILE_PARAS)), None),
    ("after-related-header", _closing("相关新闻", "（中国移动新闻宣传中心 2023年1月17日）"), None),
    ("copyright", _closing("版权所有 中国移动通信集团有限公司 2008-2023"), None),
    ("site-footer", _closing("中国移动网上营业厅 2026-11-21"), None),
    ("related-list-items", _closing("中国移动召开党组会议 2023-01-10", "中国移动部署主题教育 2023-01-08"), None),
    ("coverage-list", _closing("人民日报 2023-01-10", "经济日报 2023-01-08"), None),
    ("website-footer", _closing("人民网 2026-11-21"), None),
    ("issued-by", _closing("（中共中央办公厅 国务院办公厅 2019年3月5日印发）"), None),
    ("photo-credit", _closing("（中国移动新闻宣传中心 供图）"), None),
    ("no-year", _closing("（新华社北京1月17日电）"), None),
]


@pytest.mark.parametrize(("name", "text", "date"), CLOSING_CASES, ids=[c[0] for c in CLOSING_CASES])
def test_closing_unit_and_date(name: str, text: str, date: dt.date | None, aliases: CompanyAliases) -> None:
    title = extract_title({}, [], text)
    assert title == MOBILE_TITLE
    assert extract_date({}, text, title=title) == date
    assert extract_company(title, text, aliases) == "中国移动"


@pytest.mark.parametrize(
    "page", [FORUM_CASES[0][1], FORUM_CASES[3][1], CLOSING_CASES[1][1], CLOSING_CASES[7][1], CLOSING_CASES[18][1]]
)
def test_forum_and_closing_through_clean_prepare(page: str) -> None:
    """What the pipeline passes in (clean.prepare output) gives the same date as the raw text."""
    import analysis.ingest.clean as clean
    prepared = clean.prepare(page, fmt="text")
    title = extract_title(prepared.front_matter, prepared.spaced_headings, prepared.spaced_text)
    assert extract_date(prepared.front_matter, prepared.text, title=title) == extract_date(
        {}, page, title=extract_title({}, [], page)
    )
