"""Tests for analysis.ingest.clean: each pure function on its own, the pipelines on the five sample documents,
and hypothesis properties (idempotence, robustness, no loss of Chinese text outside boilerplate).

Golden values were derived by hand from data/raw/ (e.g. the slogan counts were taken with grep on a copy
of seed 000 with all spaces and <PAGE_DIV> markers deleted).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.ingest.clean import (
    Prepared,
    clean_body,
    clean_text,
    dedupe_paragraphs,
    detect_script,
    fix_cjk_spacing,
    html_headings,
    html_to_text,
    join_wrapped_lines,
    looks_like_html,
    markdown_headings,
    markdown_to_text,
    normalize_unicode,
    normalize_whitespace,
    prepare,
    remove_boilerplate,
    remove_pinyin_glosses,
    split_front_matter,
    to_simplified,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _seed(prefix: str) -> str:
    (path,) = RAW.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {p: _seed(p) for p in ("000", "001", "002", "003", "004")}


@pytest.fixture(scope="module")
def cleaned(seeds: dict[str, str]) -> dict[str, str]:
    return {p: clean_text(text) for p, text in seeds.items()}


# ---------------------------------------------------------------------------------------------------
# split_front_matter
# ---------------------------------------------------------------------------------------------------


def test_front_matter_of_seed_003(seeds: dict[str, str]) -> None:
    fm, body = split_front_matter(seeds["003"])
    assert fm["title"] == "中国联通召开党史学习教育总结会议"
    assert fm["date"] == "2022-01-14 13:02:46 +0800"
    assert fm["layout"] == "post"
    assert fm["categories"] == "renminyoudianbao"
    assert fm["tags"] == "人民邮电报新闻"
    assert body.startswith("<!-- EM_StockImg_Start -->")
    assert "layout:" not in body


def test_front_matter_values_stay_as_written() -> None:
    text = "---\ntitle: 标题\ndate: 2022-01-14\ntime: 2021-03-15 13:17:59\nversion: 1.10\ndraft: false\n"
    text += "tags: [党建, 主题教育]\nempty:\n---\n正文"
    fm, body = split_front_matter(text)
    assert fm == {
        "title": "标题",
        "date": "2022-01-14",
        "time": "2021-03-15 13:17:59",
        "version": "1.10",
        "draft": "false",
        "tags": "党建, 主题教育",
        "empty": "",
    }
    assert body == "正文"


def test_front_matter_with_bom_and_crlf() -> None:
    fm, body = split_front_matter("\ufeff---\r\ntitle: 甲\r\n---\r\n正文\r\n")
    assert fm == {"title": "甲"}
    assert body == "正文\r\n"


def test_malformed_front_matter_is_stripped_without_values() -> None:
    fm, body = split_front_matter("---\ntitle: [unclosed\ndate: 2024-01-01\n---\n正文")
    assert fm == {}
    assert body == "正文"
    assert split_front_matter("---\n---\n正文") == ({}, "正文")


def test_text_without_front_matter_is_unchanged() -> None:
    for text in ("正文\n---\na: b\n---", "---\n这是一段正文，不是元数据。\n---\n下文", "# 标题\n正文", ""):
        assert split_front_matter(text) == ({}, text)
    assert split_front_matter("\ufeff正文") == ({}, "正文")


# ---------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>页面标题</title><script>var x = "脚本";</script>
<style>p { color: red }</style></head><body><h1>中国联通  召开
会议</h1><!-- 注释 --><div>发布时间：2024-01-30</div>
<p>第一段&amp;<b>加粗</b>文字，<span>继续</span>。<img src="a.png" alt="配图"></p><p>第二段<br>换行</p>
<ul><li>甲</li><li>乙</li></ul><noscript>请开启脚本</noscript><template><p>模板</p></template>
<iframe src="x">框架</iframe><h2>小标题</h2><h4>四级</h4></body></html>"""


def test_looks_like_html() -> None:
    assert looks_like_html(PAGE)
    assert looks_like_html("<p>一</p><p>二</p>")
    assert not looks_like_html("纯文本 a < b 且 c > d")
    assert not looks_like_html("只有一个<br>标签")
    assert not looks_like_html("推动企<PAGE_DIV> 业<PAGE_DIV>")


def test_looks_like_html_on_seeds(seeds: dict[str, str]) -> None:
    assert looks_like_html(split_front_matter(seeds["003"])[1])
    for p in ("000", "001", "002", "004"):
        assert not looks_like_html(seeds[p])


def test_html_to_text_blocks_entities_and_dropped_elements() -> None:
    text = html_to_text(PAGE)
    assert text.split("\n") == [
        "中国联通 召开 会议",
        "发布时间：2024-01-30",
        "第一段&加粗文字，继续。",
        "第二段",
        "换行",
        "甲",
        "乙",
        "小标题",
        "四级",
    ]
    for gone in ("脚本", "color", "注释", "页面标题", "配图", "请开启脚本", "模板", "框架", "<", ">"):
        assert gone not in text


def test_html_headings() -> None:
    assert html_headings(PAGE) == ["中国联通 召开 会议", "小标题"]
    assert html_headings("<p>无标题</p><div>x</div>") == []


def test_html_fragments_in_text_files_keep_their_lines() -> None:
    text = "会议强调了第一点。<br>\n会议部署了第二点。\n网站首页 | 网站地图\n<p>会议要求第三点。</p>"
    assert html_to_text(text) == "会议强调了第一点。\n会议部署了第二点。 网站首页 | 网站地图\n会议要求第三点。"
    assert html_to_text(text, keep_newlines=True) == (
        "会议强调了第一点。\n会议部署了第二点。\n网站首页 | 网站地图\n会议要求第三点。"
    )
    assert clean_text(text) == "会议强调了第一点。\n会议部署了第二点。\n会议要求第三点。"
    assert clean_text(text, fmt="html") == "会议强调了第一点。\n会议部署了第二点。网站首页|网站地图\n会议要求第三点。"


def test_html_ruby_annotations_are_dropped() -> None:
    assert html_to_text("<p><ruby>國<rp>(</rp><rt>guó</rt><rp>)</rp></ruby>家安全</p><div>x</div>") == "國家安全\nx"


def test_html_with_many_sibling_blocks() -> None:
    text = html_to_text("<p>段</p>" * 20000)
    assert text.count("\n") == 19999


def test_html_blank_lines_inside_text_nodes_stay_paragraphs() -> None:
    text = html_to_text("<p>一</p><p>二</p>\n\n[返回首页](//example.com/)\n\n尾行")
    assert text == "一\n二\n[返回首页](//example.com/)\n尾行"


# ---------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------

MARKDOWN = """# 标题一 #
正文[链接](http://a.com "t")和![图](x.png)以及<http://b.com>**粗体***斜*_下_~~删~~`代码`
- 列表项
1. 有序项
> 引用
设置标题
===
---
[ref]: http://x.com
#紧凑标题
snake_case_name a*b*c 3*4*5
"""


def test_markdown_to_text() -> None:
    lines = markdown_to_text(MARKDOWN).split("\n")
    assert [line for line in lines if line] == [
        "标题一",
        "正文链接和以及粗体斜下删代码",
        "列表项",
        "有序项",
        "引用",
        "设置标题",
        "紧凑标题",
        "snake_case_name a*b*c 3*4*5",
    ]


def test_markdown_headings() -> None:
    assert markdown_headings(MARKDOWN) == ["标题一", "设置标题", "紧凑标题"]
    assert markdown_headings("## [中国联通](http://x) **召开** 会议") == ["中国联通 召开 会议"]
    assert markdown_headings("正文里的 # 不是标题\n#话题# 也不是") == []


def test_markdown_links_of_seed_003_reduce_to_text() -> None:
    line = "[返回人民邮电报新闻](//finews.withounder.com/category/renminyoudianbao.html)｜[返回首页](//finews.withounder.com/)"
    assert markdown_to_text(line) == "返回人民邮电报新闻｜返回首页"


# ---------------------------------------------------------------------------------------------------
# Unicode and spacing
# ---------------------------------------------------------------------------------------------------


def test_normalize_unicode() -> None:
    assert normalize_unicode("ＡＢＣ１２３ｘ") == "ABC123x"
    assert normalize_unicode("，。：；！？“”‘’「」《》（）【】、") == "，。：；！？“”‘’「」《》（）【】、"
    assert normalize_unicode("1＋N　两个维护") == "1+N 两个维护"
    assert normalize_unicode("甲\u00a0乙\u200b丙\ufeff丁\u00ad戊") == "甲 乙丙丁戊"
    assert normalize_unicode("一\r\n二\r三\u2028四") == "一\n二\n三\n四"
    assert normalize_unicode("a\x00b\x07c\x1bd") == "abcd"
    assert normalize_unicode("⼀带⼀路") == "一带一路"  # Kangxi radicals from a PDF text layer
    assert normalize_unicode("五&nbsp;六") == "五 六"
    assert normalize_unicode("a\tb") == "a b"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("反腐败工 作会议", "反腐败工作会议"),
        ("2024 年 1 月 30 日", "2024年1月30日"),
        ("5 个主题教育", "5个主题教育"),
        ("5G 网络", "5G网络"),
        ("累计观看人次达 2.2 万余次", "累计观看人次达2.2万余次"),
        ("2024 CCF BDCI 比赛", "2024 CCF BDCI比赛"),
        ("征程中, 中国联通", "征程中,中国联通"),
        ("以 “现场+视频” 方式", "以“现场+视频”方式"),
        ("责任 ， 义务 。", "责任，义务。"),
        ("“真学” “真思”", "“真学”“真思”"),
        ("各省级分 (子) 公司", "各省级分(子)公司"),
        ("推动企<PAGE_DIV> 业", "推动企业"),
        ("中　国", "中国"),
        ("发布时间：2024-07-30 发布人：新闻宣传中心", "发布时间：2024-07-30 发布人：新闻宣传中心"),
        ("2022-01-14 13:02:46 +0800", "2022-01-14 13:02:46 +0800"),
        ("发布时间： 2024-07-30", "发布时间：2024-07-30"),
        ("时间 13:02 发布", "时间 13:02 发布"),
        ("发布日期：2019年07月22日  来源：党建工作部  浏览次数：9521", "发布日期：2019年07月22日  来源：党建工作部  浏览次数：9521"),
        ("9521 来源：新华网", "9521 来源：新华网"),
        ("会议 强调：", "会议强调："),
        ("said “hello” and  left", "said “hello” and  left"),
        ("中国\n 联通", "中国\n 联通"),
    ],
)
def test_fix_cjk_spacing(before: str, after: str) -> None:
    assert fix_cjk_spacing(before) == after


def test_normalize_whitespace() -> None:
    assert normalize_whitespace("  a   b \n\n\t\n 中国  联通 \n") == "a b\n中国 联通"
    assert normalize_whitespace("\n \n") == ""


# ---------------------------------------------------------------------------------------------------
# Pinyin glosses
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("國(guó)家(jiā)", "國家"),
        ("国（guó）家（jiā）安全", "国家安全"),
        ("中(zhong1)国(guo2)", "中国"),
        ("中 (zhōng) 国", "中 国"),
        ("國(guó)(jiā)", "國"),
        ("2024 CCF BDCI(CCF)", "2024 CCF BDCI(CCF)"),
        ("中国联通(CCF)", "中国联通(CCF)"),
        ("网络(5G)建设", "网络(5G)建设"),
        ("中国移动(以下简称公司)", "中国移动(以下简称公司)"),
        ("公司(the)", "公司(the)"),
        ("条款(b)", "条款(b)"),
        ("word (guó)", "word (guó)"),
        ("國(guó)(CCF)", "國(CCF)"),
    ],
)
def test_remove_pinyin_glosses(before: str, after: str) -> None:
    assert remove_pinyin_glosses(before) == after


# ---------------------------------------------------------------------------------------------------
# Script
# ---------------------------------------------------------------------------------------------------


def test_to_simplified() -> None:
    assert to_simplified("「中國聯通發佈時間」") == "「中国联通发布时间」"
    assert to_simplified("全面從嚴治黨、兩個維護") == "全面从严治党、两个维护"
    assert to_simplified("已是简体：中国联通") == "已是简体：中国联通"
    assert to_simplified("no CJK at all") == "no CJK at all"


def test_detect_script(seeds: dict[str, str]) -> None:
    assert detect_script("中國聯通發佈時間：二〇二四年一月") == "traditional"
    assert detect_script("中国联通发布时间：二〇二四年一月") == "simplified"
    assert detect_script("中国联通发布时间。中國聯通發佈時間。") == "mixed"
    assert detect_script("CCF BDCI 2024") == "none"
    assert detect_script("") == "none"
    assert detect_script("中国人民") == "simplified"  # no script-specific character
    for text in seeds.values():
        assert detect_script(text) == "simplified"


def test_prepare_converts_traditional_and_records_script() -> None:
    prepared = prepare("# 中國聯通召開黨風廉政建設會議\n\n發佈時間：2024 年 1 月 30 日\n\n全面從嚴治黨。")
    assert prepared.script == "traditional"
    assert prepared.headings == ["中国联通召开党风廉政建设会议"]
    assert prepared.text == "中国联通召开党风廉政建设会议\n发布时间：2024年1月30日\n全面从严治党。"


# ---------------------------------------------------------------------------------------------------
# Boilerplate
# ---------------------------------------------------------------------------------------------------

BODY = "中国联通召开党史学习教育总结会议，认真学习贯彻习近平总书记重要讲话和重要指示精神。"


@pytest.mark.parametrize(
    "line",
    [
        "网站首页 | 网站地图",
        "首页 > 中国品牌 > 企业党建 > 正文",
        "当前位置：首页 > 新闻中心",
        "新闻中心 › 集团新闻 › 党建工作",
        "返回首页",
        "返回人民邮电报新闻｜返回首页",
        "【打印本页】【关闭窗口】",
        "分享到：微信 微博 QQ空间",
        "【字体：大 中 小】",
        "上一篇：中国联通召开2023年工作会议",
        "下一篇：中国移动发布年报",
        "[责任编辑:潘旺旺]",
        "责任编辑：张三",
        "（编辑 李四）",
        "标签: 主题教育   中国移动",
        "image.png",
        "图片",
        "图1",
        "IMG_2034.JPG",
        "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201142248170578",
        "<http://example.com/a>",
        "本文档为 2024 CCF BDCI 比赛用语料的一部分。部分文档使用大语言模型改写生成,内容可能与现实情况不符,"
        "可能不具备现实意义,仅允许在本次比赛中使用。",
        "<PAGE_DIV>",
        "版权所有 © 2024 中国联合网络通信集团有限公司",
        "Copyright © 2008-2024 China Unicom. All rights reserved.",
        "京ICP备09015132号",
        "扫一扫在手机打开当前页",
        "微信二维码",
        "相关新闻",
        "- 3 -",
        "第 2 页 共 5 页",
        "浏览次数：128",
        "2024年05月12日星期四|设为首页|加入收藏",
        "今天是2026年9月4日 星期五  欢迎访问中国广电",
        "▲点击上方“中国联通党建”关注我们",
        "点击蓝字 关注我们",
        "- END -",
        "阅读原文",
        "分享让更多人看到",
        "【纠错】",
        "新华网> >正文",
        "网站首页集团概况新闻中心党的建设企业文化社会责任信息公开",
        "中国广电举行年度工作会议 [05-10]",
        "· 中国移动举行干部大会 2017年1月6日",
        "02",
        "★★★",
    ],
)
def test_boilerplate_lines_are_removed(line: str) -> None:
    assert remove_boilerplate(f"{BODY}\n{line}\n{BODY}") == f"{BODY}\n{BODY}"


@pytest.mark.parametrize(
    "line",
    [
        "发布时间：2024-07-30 发布人：新闻宣传中心",
        "发布时间：2024 年 1 月 30 日",
        "（文章来源：人民邮电报）",
        "文章来源：中国联通",
        "来源：人民网 | 作者：张三 | 2024-01-30",
        "一、会议背景与深远意义",
        "他返回家乡后，积极投身乡村振兴，为当地群众办实事。",
        "会议要求，各级责任编辑要切实履行把关职责，确保宣传报道导向正确。",
        "公司严格保护知识产权，所有作品版权所有权归属清晰，相关制度已经全面建立并持续完善，各单位须遵照执行，"
        "确保合规经营不出问题，切实维护企业的合法权益和良好声誉。",
        "企业发展部/法律部明确领学环节体系化要求。",
        "位置：北京市西城区金融大街21号",
        "用户扫码即可办理业务，方便快捷。",
        "中国移动(以下简称公司)党组坚持以习近平新时代中国特色社会主义思想为指导。",
    ],
)
def test_content_lines_are_kept(line: str) -> None:
    assert remove_boilerplate(f"{BODY}\n{line}") == f"{BODY}\n{line}"


def test_short_label_between_navigation_lines_is_removed() -> None:
    nav = "网站首页 | 网站地图\n大国新村\n首页 > 中国品牌 > 企业党建 > 正文\n"
    assert remove_boilerplate(nav + BODY) == BODY
    # Not between two navigation lines, or too long / a sentence: kept.
    assert remove_boilerplate(f"网站首页 | 网站地图\n大国新村\n{BODY}") == f"大国新村\n{BODY}"
    kept = "一、总体要求，坚持稳中求进。"
    assert remove_boilerplate(f"网站首页 | 网站地图\n{kept}\n首页 > 新闻 > 正文") == kept


def test_inline_boilerplate_is_cut_from_body_lines() -> None:
    assert remove_boilerplate("详见http://a.com/x?y=1。") == "详见。"
    assert remove_boilerplate("访问 www.example.com/page, 了解更多") == "访问 , 了解更多"
    assert remove_boilerplate("访问www.10010.com了解更多") == "访问了解更多"
    assert remove_boilerplate("正文结束。（责任编辑：张三）") == "正文结束。"
    assert remove_boilerplate("推动企<PAGE_DIV>业发展") == "推动企 业发展"
    assert remove_boilerplate("本文档为比赛用语料的一部分。中国联通召开会议。") == "中国联通召开会议。"
    assert remove_boilerplate("本文档为语料的一部分。仅允许在本次比赛中使用。公司举办技能比赛。") == "公司举办技能比赛。"


# ---------------------------------------------------------------------------------------------------
# Repeated paragraphs
# ---------------------------------------------------------------------------------------------------


def test_dedupe_exact_paragraphs_whitespace_insensitive() -> None:
    para = "中国联通召开党纪学习教育警示教育会议"
    text = f"一、\n{para}\n一、\n中国联通 召开 党纪学习 教育警示教育会议\n二、"
    assert dedupe_paragraphs(text) == f"一、\n{para}\n一、\n二、"


def test_dedupe_short_lines_are_kept() -> None:
    assert dedupe_paragraphs("会议强调\n会议强调\n一、\n一、") == "会议强调\n会议强调\n一、\n一、"


def test_dedupe_keeps_a_single_restated_sentence() -> None:
    # Issue 14: a sentence restated once is news restating itself, not an artefact (tests/test_repeats.py).
    first = "此次会议不仅是一次重要的党纪学习教育活动,更是一次集体警示教育的良好示范。"
    again = "会议的召开不仅是一次重要的党纪学习教育活动,更是一次集体警示教育的良好示范。"
    other = "陕西分公司则组织领导干部参观监狱,听取服刑人员现身说法。"
    text = f"{first}{other}\n{again}"
    assert dedupe_paragraphs(text) == text


def test_dedupe_keeps_titles_that_restate_the_body() -> None:
    title = "中国联通积极响应国务院国资委党风廉政建设和反腐败工作会议精神,全面深化从严治党"
    body = "中国联通积极响应国务院国资委党风廉政建设和反腐败工作会议号召,将全面从严治党作为企业发展的生命线。"
    assert dedupe_paragraphs(f"{title}\n{body}") == f"{title}\n{body}"


# ---------------------------------------------------------------------------------------------------
# PDF line wrapping
# ---------------------------------------------------------------------------------------------------


def test_join_wrapped_lines() -> None:
    text = (
        "以高质量党建引领保障高质量发展 中\n"
        "国电信推进巡视整改工作\n"
        "2026年3月24日\n"
        "中国电信坚持把学习贯彻党的二十届四中全会精神同推动企业\n"
        "中心工作紧密结合，做到两手抓、两不误。累计开展专题学习36\n"
        "0余场次，覆盖党员3万余人次，持续有力推动全面从严\n"
        "治党向纵深发展。\n"
        "\n"
        "一、会议背景与深远意义\n"
        "2024年初，国资委党委召开了一场具有里程碑意义的会议，会议\n"
        "发布时间：2024年1月30日\n"
        "The committee adopted the new rules for the\n"
        "next five years."
    )
    assert join_wrapped_lines(text).split("\n") == [
        "以高质量党建引领保障高质量发展 中国电信推进巡视整改工作",
        "2026年3月24日",
        "中国电信坚持把学习贯彻党的二十届四中全会精神同推动企业中心工作紧密结合，做到两手抓、两不误。"
        "累计开展专题学习360余场次，覆盖党员3万余人次，持续有力推动全面从严治党向纵深发展。",
        "",
        "一、会议背景与深远意义",
        "2024年初，国资委党委召开了一场具有里程碑意义的会议，会议",
        "发布时间：2024年1月30日",
        "The committee adopted the new rules for the next five years.",
    ]


def test_pdf_text_is_rejoined_in_prepare() -> None:
    wrapped = "中国联通坚持把学习贯彻党的二十大精神作为首要政治任务，推动全面从严\n治党向纵深发展。"
    assert "全面从严治党" in clean_text(wrapped, fmt="pdf")
    assert "全面从严治党" in clean_text(wrapped + "<PAGE_DIV>")  # PDF text saved as .txt
    assert "全面从严治党" not in clean_text(wrapped)  # plain text: lines are paragraphs


# ---------------------------------------------------------------------------------------------------
# Pipelines on the sample documents
# ---------------------------------------------------------------------------------------------------


def test_prepare_rejects_unknown_format() -> None:
    with pytest.raises(AnalysisError, match="format"):
        prepare("正文", fmt="rtf")


def test_prepare_seed_000(seeds: dict[str, str]) -> None:
    prepared = prepare(seeds["000"])
    assert isinstance(prepared, Prepared)
    assert prepared.front_matter == {}
    assert prepared.script == "simplified"
    title = "中国联通积极响应国务院国资委党风廉政建设和反腐败工作会议精神,全面深化从严治党"
    assert prepared.headings[0] == title
    assert prepared.headings[1:] == [
        "一、会议背景与深远意义",
        "二、中国联通的积极响应与全面部署",
        "三、具体实践成果与经验总结",
        "四、未来展望与持续努力",
    ]
    lines = prepared.text.split("\n")
    assert lines[0] == title
    assert lines[1] == "发布时间：2024年1月30日"  # header kept for metadata extraction
    assert "<PAGE_DIV>" not in prepared.text
    assert "#" not in prepared.text


def test_prepare_keeps_header_lines_for_metadata(seeds: dict[str, str]) -> None:
    assert "发布时间：2024-07-30 发布人：新闻宣传中心" in prepare(seeds["001"]).text.split("\n")
    text_002 = prepare(seeds["002"]).text
    assert text_002.startswith("本文档为2024 CCF BDCI比赛用语料的一部分。")
    assert "发布时间：2023-05-18 发布人：新闻宣传中心" in text_002.split("\n")
    lines_004 = prepare(seeds["004"]).text.split("\n")
    assert lines_004[:4] == [
        "网站首页|网站地图",
        "大国新村",
        "首页>中国品牌>企业党建>正文",
        "中国移动:牢牢把握主题主线推动主题教育成果持续巩固有效转化",
    ]


def test_prepare_seed_003_front_matter_and_html(seeds: dict[str, str]) -> None:
    prepared = prepare(seeds["003"])
    assert prepared.front_matter["title"] == "中国联通召开党史学习教育总结会议"
    assert prepared.front_matter["date"] == "2022-01-14 13:02:46 +0800"
    assert prepared.headings == []
    assert prepared.text.startswith("1月13日，中国联通召开党史学习教育总结会议，")
    for gone in ("<", "EM_StockImg", "eastmoney", "K图", "layout", "---", "](", "http"):
        assert gone not in prepared.text
    assert prepared.text.split("\n")[-2:] == ["（文章来源：人民邮电报）", "返回人民邮电报新闻|返回首页"]


def test_clean_seed_000(cleaned: dict[str, str]) -> None:
    text = cleaned["000"]
    assert text.split("\n")[0] == "中国联通积极响应国务院国资委党风廉政建设和反腐败工作会议精神,全面深化从严治党"
    assert text.count("全面从严治党") == 12
    assert text.count("党风廉政建设") == 15
    assert "<PAGE_DIV>" not in text
    assert "工 作" not in text
    assert text.endswith("为实现中华民族伟大复兴的中国梦贡献自己的力量！")


def test_clean_seed_001_repeated_meeting_description(seeds: dict[str, str], cleaned: dict[str, str]) -> None:
    text = cleaned["001"]
    kept = clean_text(seeds["001"], keep_repeated=True)
    meeting = "警示教育会在中国联通二级机构主要负责人研讨班期间"
    assert text.count(meeting) == 1
    assert kept.count(meeting) == 2
    # a single restated sentence stays (issue 14): only the restated two-sentence passage goes
    assert text.count("不仅是一次重要的党纪学习教育活动") == kept.count("不仅是一次重要的党纪学习教育活动") == 2
    assert len(text) < len(kept)
    assert text.count("全面从严治党") == kept.count("全面从严治党") == 5
    assert "推动企业全面从严治党向纵深发展" in text.split("\n")[0]


def test_clean_seed_002_disclaimer_removed(cleaned: dict[str, str]) -> None:
    text = cleaned["002"]
    assert "本文档为" not in text
    assert "语料" not in text
    assert "大语言模型" not in text
    assert text.split("\n")[0] == "中国联通直属党委走在前、作表率走好中国联通主题教育“第一方阵”"
    assert "5个主题教育巡回指导组" in text
    assert "5G共建共享工作组" in text


def test_clean_seed_003(cleaned: dict[str, str]) -> None:
    text = cleaned["003"]
    lines = text.split("\n")
    assert lines[0].startswith("1月13日，中国联通召开党史学习教育总结会议")
    assert lines[-1] == "（文章来源：人民邮电报）"
    for gone in ("返回", "http", "finews", "<", "K图", "EM_StockImg"):
        assert gone not in text
    assert len(lines) == 8


def test_clean_seed_004(seeds: dict[str, str], cleaned: dict[str, str]) -> None:
    text = cleaned["004"]
    lines = text.split("\n")
    for gone in ("网站首页", "网站地图", "首页>", "正文", "责任编辑", "潘旺旺", "标签"):
        assert gone not in text
    assert "大国新村" not in text  # site name between two navigation lines
    assert lines[0] == "中国移动:牢牢把握主题主线推动主题教育成果持续巩固有效转化"
    assert lines[-1].startswith("下一步,中国移动将紧密结合公司实际")
    # The body is intact: every body paragraph of the source is present, spaces aside.
    source_paras = [re.sub(r"\s+", "", p) for p in seeds["004"].split("\n") if len(p) > 60]
    assert [re.sub(r"\s+", "", p) for p in lines[1:]] == source_paras


def test_clean_body_on_prepared_equals_clean_text(seeds: dict[str, str], cleaned: dict[str, str]) -> None:
    for p, raw in seeds.items():
        assert clean_body(prepare(raw).text) == cleaned[p]


def test_clean_text_is_idempotent_on_seeds(cleaned: dict[str, str]) -> None:
    for text in cleaned.values():
        assert clean_text(text) == text


def test_clean_text_html_format_forced() -> None:
    html = "<div>网站首页 | 网站地图</div><p>中国联通 召开&nbsp;会议。</p><p>责任编辑：王五</p>"
    assert clean_text(html, fmt="html") == "中国联通召开会议。"


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

_FRAGMENTS = (
    "网站首页 | 网站地图", "首页 > 新闻 > 正文", "返回首页", "分享到：", "[责任编辑:张三]", "标签: 党建",
    "image.png", "图片", "http://a.com/x?y=1", "<PAGE_DIV>", "本文档为 2024 CCF BDCI 比赛用语料的一部分。",
    "版权所有 ©2024", "# ", "## ", "- ", "1. ", "**", "*", "_", "[", "](", ")", "(", "（", "）", "<p>", "</p>",
    "<br>", "\n---\n", "國(guó)", "(jiā)", "發佈時間：", "2024 年 1 月", "5G", "CCF BDCI", "“", "”", "，",
    "。", "、", "！", "《", "》", "「", "」", " ", "  ", "\n", "\n\n", "\t", "\u3000", "\xa0", "中国联通",
    "全面从严治党", "｜", ">", "&nbsp;", "<!-- c -->", "`", "~~", "![a](b)", "<http://x.y>", "===", "\u200b",
    "Ａ", "１", "＋", "：", "2024-07-30",
)  # fmt: skip
_MIXED_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    ),
    max_size=50,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MIXED_TEXT)
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_clean_text_never_raises_on_arbitrary_unicode(text: str) -> None:
    out = clean_text(text)
    assert isinstance(out, str)
    assert "\r" not in out
    assert not out.startswith(("\n", " ")) and not out.endswith(("\n", " "))


@settings(max_examples=80, deadline=None)
@given(st.text())
def test_prepare_never_raises_on_arbitrary_unicode_html(text: str) -> None:
    prepared = prepare(f"<p>{text}</p><div>{text}</div>", fmt="html")
    assert prepared.script in {"simplified", "traditional", "mixed", "none"}


# Boilerplate words that a random paragraph must not contain for the preservation property to apply.
_BOILERPLATE_WORDS = (
    "首页", "地图", "返回", "分享", "关闭", "打印", "收藏", "编辑", "标签", "图", "版权", "二维码", "扫",
    "语料", "上一", "下一", "微信", "微博", "更多", "登录", "注册", "繁", "简体", "正文", "详情", "位置",
    "评论", "点赞", "相关", "推荐", "阅读", "浏览", "点击", "访问", "链接", "网址", "页", "字体", "字号",
    "责编", "审", "校对", "关键", "豆瓣", "朋友圈", "声明", "举报", "未经", "安备", "长按", "篇", "导航",
    "我们", "顶部", "无障碍", "照片", "喜欢", "文章", "热点",
)  # fmt: skip
_CJK_PARAGRAPHS = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(["，", "。", "、", "；", "：", "“", "”", "《", "》", "（", "）", " ", "  ", "\n", "\u3000"]),
    ),
    min_size=1,
    max_size=80,
).map("".join)
_HAN = re.compile(r"[\u4e00-\u9fff]")


@settings(max_examples=150, deadline=None)
@given(_CJK_PARAGRAPHS)
def test_clean_text_keeps_every_chinese_character_outside_boilerplate(text: str) -> None:
    simplified = to_simplified(text)
    if any(word in simplified for word in _BOILERPLATE_WORDS):
        return
    out = clean_text(text, keep_repeated=True)
    # Every ideograph survives, in order (only spaces, blank lines and nothing else may go).
    assert _HAN.findall(out) == _HAN.findall(simplified)


@settings(max_examples=100, deadline=None)
@given(_CJK_PARAGRAPHS)
def test_fix_cjk_spacing_only_removes_spaces(text: str) -> None:
    fixed = fix_cjk_spacing(text)
    assert re.sub(r"\s", "", fixed) == re.sub(r"\s", "", text)
    assert fix_cjk_spacing(fixed) == fixed


# Fast paths of the spacing rules against their plain formulation.
_SPACING_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.sampled_from(["(guó)", "（jia1）", "(zhōng)", "(ā)", "（e2）", "(a)", "(CCF)", "(xyz)", "2024-07-30", "来源：", "…"]),
        st.sampled_from(["\n", " ", "\t", "\u3000", "\u2003", "\n ", " \n", "  "]),
        st.sampled_from(["中", "国", "，", "。", "“", "”", "a", "5"]),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_SPACING_TEXT)
def test_fix_cjk_spacing_changes_only_runs_between_two_non_spaces(text: str) -> None:
    from analysis.ingest.clean import spacing

    between = re.compile(rf"(?<=\S)[{spacing._HSPACE_CHARS}]+(?=\S)")  # the rule as the docstring says it
    text = spacing.drop_page_divs(text)
    expected = between.sub(lambda m: spacing._space_repl(spacing._HSPACE_RUN_RE.match(text, m.start())), text)
    assert fix_cjk_spacing(text) == expected


@settings(max_examples=300, deadline=None)
@given(_SPACING_TEXT)
def test_pinyin_gloss_pre_check_agrees_with_the_full_rule(text: str) -> None:
    from analysis.ingest.clean import spacing

    assert remove_pinyin_glosses(text) == spacing._GLOSS_RUN_RE.sub(spacing._gloss_repl, text)


@settings(max_examples=300, deadline=None)
@given(_SPACING_TEXT)
def test_normalize_whitespace_agrees_with_collapsing_every_run(text: str) -> None:
    from analysis.ingest.clean import spacing

    collapsed = re.sub(f"[{spacing._HSPACE_CHARS}]+", " ", text)
    expected = "\n".join(line for line in (raw.strip() for raw in collapsed.split("\n")) if line)
    assert normalize_whitespace(text) == expected


_UNICODE_TEXT = st.lists(
    st.one_of(
        st.sampled_from("\r\n\x0b\x0c\x85\u2028\u2029\x00\x1f\u200b\ufeff\ud800\t\xa0\u3000&;# 中国ａ１＋⼈⺠豈ﬁ\U0002f800"),
        st.sampled_from(["&nbsp;", "&#12288;", "&NBSP", "\r\n", "&nb\x00sp;", "\r\x00\n"]),
        st.characters(),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_UNICODE_TEXT)
def test_normalize_unicode_skips_only_steps_that_would_change_nothing(text: str) -> None:
    from analysis.ingest.clean import spacing
    from analysis.ingest.clean.chars import map_chars

    expected = spacing._LINE_BREAKS_RE.sub("\n", text)
    expected = spacing._CONTROL_RE.sub("", expected)
    expected = spacing._ENTITY_SPACE_RE.sub(" ", expected)
    expected = spacing._ODD_SPACES_RE.sub(" ", expected)
    expected = spacing._translate(map_chars(expected))
    assert normalize_unicode(text) == expected


_LINE_PIECES = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.sampled_from(
            ["分享到", "上一篇", "责任编辑：", "【编辑：张三】", "Tags:", "相关新闻", "图片", "IMG_2.JPG", "点击查看大图",
             "浏览次数：12次", "- 3 -", "第3页 共10页", "原文链接", "THE END", "12", "点击上方蓝字关注", "关注我们",
             "今天是2024年5月1日星期三", "欢迎访问", "[2024-05-01]", "·某某新闻2024年5月1日", "版权所有",
             "Copyright", "ICP备", "扫一扫", "二维码", "朋友圈", "中" * 15, "，", "。"]
        ),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E10),
    ),
    max_size=12,
).map("".join)


def _boilerplate_line_by_each_rule(line: str) -> bool:
    from analysis.ingest.clean import boilerplate

    rules = boilerplate._LINE_RULES
    if not boilerplate._reads_like_sentence(line):
        rules = rules + boilerplate._FOOTER_RULES
    return not re.search(r"\w", line) or any(
        (max_len is None or len(line) <= max_len) and pattern.search(line) for pattern, max_len in rules
    )


def test_boilerplate_line_rules_apply_up_to_their_length_exactly() -> None:
    from analysis.ingest.clean import boilerplate

    for prefix in ("分享到", "版权所有", "二维码", "今天是2024年5月1日星期三", "欢迎访问", "上一篇"):
        for limit in boilerplate._RULE_LENGTHS:
            for n in (limit - 1, limit, limit + 1):
                line = prefix + "中" * (n - len(prefix))
                assert boilerplate._is_boilerplate_line(line) == _boilerplate_line_by_each_rule(line), line


@settings(max_examples=500, deadline=None)
@given(_LINE_PIECES)
def test_boilerplate_line_rules_combined_agree_with_each_rule(line: str) -> None:
    from analysis.ingest.clean import boilerplate

    line = line.strip()
    if not line or "\n" in line:
        return
    assert boilerplate._is_boilerplate_line(line) == _boilerplate_line_by_each_rule(line)
    commas = len(re.findall(r"[，,]", line)) >= 2
    assert boilerplate._reads_like_sentence(line) == (len(line) > 40 and commas and line.endswith(("。", "！", "？", "!", "?")))


_MARKDOWN_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.sampled_from(["+ ", "> ", "1) ", "3. ", "|", " | ", "---", ":", "\n:---:\n", "```", "~~~", "[x] ", "[a]: http://x", "=", "#标题"]),
        st.sampled_from(["\n", "中国联通", "会议。", "２", "5", " "]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MARKDOWN_TEXT)
def test_markdown_line_pre_check_agrees_with_every_rule(text: str) -> None:
    from analysis.ingest.clean import markup

    fast = markup._markdown(text)
    assert all(
        bool(markup._MD_LINE_HINT_RE.search(line))
        == bool(markup._MD_INLINE_CHARS_RE.search(line) or markup._MD_BLOCK_START_RE.match(line))
        for line in text.split("\n")
    )
    hint = markup._MD_INLINE_CHARS_RE
    try:
        markup._MD_INLINE_CHARS_RE = re.compile("")  # every line through every rule
        assert markup._markdown(text) == fast
    finally:
        markup._MD_INLINE_CHARS_RE = hint


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("wW./:中a\n "), max_size=20))
def test_url_hint_by_substrings_equals_the_hint_regex(text: str) -> None:
    from analysis.ingest.clean import boilerplate

    assert boilerplate._has_url_hint(text) == (boilerplate._URL_HINT_RE.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["中国联通召开会议", "。", " ", "\u3000", "a", "会议强调要坚持全面从严治党推动企业高质量发展" * 2]), max_size=8).map("".join))
def test_body_line_test_equals_its_regex(line: str) -> None:
    from analysis.ingest.clean import boilerplate

    assert boilerplate._is_body_line(line) == (boilerplate._BODY_LINE_RE.search(line) is not None)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \n\u3000\t\r\x1c\x85中a"), max_size=16))
def test_normalize_whitespace_fast_path_equals_the_general_rule(text: str) -> None:
    from analysis.ingest.clean import spacing

    general = "\n".join(filter(None, map(str.strip, spacing._HSPACE_CHANGE_RE.sub(" ", text).split("\n"))))
    assert normalize_whitespace(text) == general


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("\r\x0b&\t\u3000⼀Ａ１豈\ufeff\u200b中a \n\ud800\U000e0001"), st.characters()), max_size=300))
def test_hint_table_finds_what_the_hint_regex_finds(text: str) -> None:
    from analysis.ingest.clean import spacing

    assert spacing._has_hinted_char(text) == (spacing._normalize_hint_re().search(text) is not None)
    padded = "中" * spacing._TABLE_SCAN_MIN_CHARS + text  # long enough for the table path of normalize_unicode
    assert normalize_unicode(padded) == "中" * spacing._TABLE_SCAN_MIN_CHARS + normalize_unicode(text)
