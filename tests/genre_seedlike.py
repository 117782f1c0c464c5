"""A corpus modelled on the five seed documents themselves (issue 2, "Tests and acceptance").

The sealed acceptance set is drawn from the same source as ``data/raw/``: a 2024 CCF BDCI competition
corpus of Chinese SOE party-building / governance news, partly rewritten by LLMs. This module writes ~150
variants of the seeds' three shapes, across the five operators, a few non-operator SOEs / SASAC, and the
years 2008-2026:

- ``A`` (seeds 000/001/002, PDF text turned into Markdown): optional disclaimer line, ``#``/``##``/bare
  title with PDF spaces inside words, a ``发布时间 / 发布日期 / 发布人`` header line, ``## 一、`` headings,
  ASCII commas followed by spaces, ``<PAGE_DIV>`` mid-paragraph and at paragraph ends, event dates in the
  body ("7 月 29 日,…", "2024 年初,…", full dates of earlier events).
- ``B`` (seed 003, Jekyll post): YAML front matter, HTML body with a stock-chart image block, a
  ``（文章来源：…）`` paragraph, a trailing share URL and ``返回`` links.
- ``C`` (seed 004, scraped portal page): ``网站首页 | 网站地图``, site name, breadcrumb, title, optional
  ``发布时间 / 来源 … 时间`` line, body, ``[责任编辑:…]``, ``标签:``, sometimes a related-news list
  and a copyright footer.

Any shape may be converted to traditional script (OpenCC s2t; Big5 or UTF-8 bytes) and/or carry
mirror-site pinyin glosses (``中(zhōng)国(guó)``).

Truth rules (what a careful reader of the document would record):

- date: the publication date stated in the document's header -- the ``发布时间/发布日期`` line of shape A,
  the front-matter ``date`` of shape B (as written, local time), the date line under the title of shape C.
  A document without such a header is undated even when its body names full dates of events, and
  dates of other articles (related-news lists), the disclaimer's "2024" and copyright year ranges are
  not its date.
- company: the canonical operator the document is about (title first; province branches and
  subsidiaries map to their group); ``''`` for documents about SASAC or another SOE, even when an
  operator is mentioned in passing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import opencc
import pandas as pd

COMPANIES = ("中国联通", "中国移动", "中国电信", "中国铁塔", "中国广电")

DISCLAIMER = (
    "本文档为 2024 CCF BDCI 比赛用语料的一部分。部分文档使用大语言模型改写生成,内容可能与现实情况不符,"
    "可能不具备现实意义,仅允许在本次比赛中使用。"
)

# first year each subject plausibly publishes party-building news as an operator
FIRST_YEAR = {"中国联通": 2008, "中国移动": 2008, "中国电信": 2008, "中国铁塔": 2015, "中国广电": 2021}
SHORT = {"中国联通": "联通", "中国移动": "移动", "中国电信": "电信", "中国铁塔": "铁塔"}
SUBSIDIARIES = {
    "中国联通": ("联通数科", "联通数科"),
    "中国移动": ("咪咕公司", "中移物联网"),
    "中国电信": ("天翼云", "天翼云科技公司"),
    "中国铁塔": ("铁塔能源", "铁塔智联"),
    "中国广电": ("中国广电河南公司", "中国广电江苏公司"),
}
PROVINCES = ("广东", "浙江", "江苏", "四川", "山东", "河南", "湖北", "北京", "福建", "陕西", "天津", "安徽")
STOCK = {"中国联通": "1.600050", "中国移动": "1.600941", "中国电信": "1.601728", "中国铁塔": "116.00788"}
PUBLISHERS = ("新闻宣传中心", "党群工作部", "办公室", "企业文化部", "新闻中心", "党建工作部")
SITES = ("大国新村", "央企视点网", "国企党建在线", "企业文化传媒网", "中华企业资讯网", "通信产业观察")
EDITORS = ("潘旺旺", "李晓峰", "王佳", "张弛", "刘思远", "陈静")
SOURCES = ("人民邮电报", "国资小新", "新华网", "人民网", "中国企业报", "通信信息报", "国资委网站")

# subjects of the documents about none of the operators: (name, organ, passing mention of an operator?)
OTHERS = (
    ("国务院国资委", "党委"),
    ("国家电网", "党组"),
    ("中国石化", "党组"),
    ("中国华能", "党组"),
    ("中国中铁", "党委"),
    ("国务院国资委", "党委"),
)

PINYIN = {
    "中": "zhōng", "国": "guó", "國": "guó", "联": "lián", "聯": "lián", "通": "tōng", "移": "yí",
    "动": "dòng", "動": "dòng", "电": "diàn", "電": "diàn", "信": "xìn", "铁": "tiě", "鐵": "tiě",
    "塔": "tǎ", "广": "guǎng", "廣": "guǎng", "党": "dǎng", "黨": "dǎng", "建": "jiàn", "发": "fā",
    "發": "fā", "布": "bù", "佈": "bù", "时": "shí", "時": "shí", "间": "jiān", "間": "jiān",
    "公": "gōng", "司": "sī", "会": "huì", "會": "huì", "议": "yì", "議": "yì", "学": "xué",
    "學": "xué", "习": "xí", "習": "xí", "家": "jiā", "集": "jí", "团": "tuán", "團": "tuán",
    "年": "nián", "月": "yuè", "日": "rì", "组": "zǔ", "組": "zǔ", "工": "gōng", "作": "zuò",
    "教": "jiào", "育": "yù", "展": "zhǎn", "新": "xīn", "全": "quán", "面": "miàn", "治": "zhì",
    "政": "zhèng", "企": "qǐ", "业": "yè", "業": "yè", "高": "gāo", "质": "zhì", "質": "zhì",
    "量": "liàng", "网": "wǎng", "網": "wǎng", "来": "lái", "來": "lái", "源": "yuán",
}


@dataclass
class Spec:
    """How one document is built, and its truth."""

    shape: str  # A, B, C
    company: str  # canonical truth ('' for none)
    subject: str  # how the subject is named in the document (广东联通, 咪咕公司, 国家电网, ...)
    group: str  # the group name used in the body (中国联通 / 国家电网 ...)
    organ: str  # 党组 / 党委
    title_form: str  # named, implicit
    date: dt.date | None  # truth
    when: dt.date  # the (possibly unstated) publication day; body event dates derive from it
    style: str  # date header style
    trad: bool = False
    encoding: str = "utf-8"
    pinyin: bool = False
    other: str = ""  # another operator mentioned in the body
    extras: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- text


def _theme(year: int) -> str:
    if year <= 2009:
        return "深入学习实践科学发展观活动"
    if year <= 2012:
        return "创先争优活动"
    if year <= 2014:
        return "党的群众路线教育实践活动"
    if year == 2015:
        return "“三严三实”专题教育"
    if year <= 2017:
        return "“两学一做”学习教育"
    if year == 2018:
        return "党的十九大精神"
    if year <= 2020:
        return "“不忘初心、牢记使命”主题教育"
    if year <= 2022:
        return "党史学习教育"
    if year == 2023:
        return "学习贯彻习近平新时代中国特色社会主义思想主题教育"
    if year == 2024:
        return "党纪学习教育"
    if year == 2025:
        return "深入贯彻中央八项规定精神学习教育"
    return "党的二十届四中全会精神"


TITLES_NAMED = (
    "{s}召开{theme}推进会",
    "{s}召开{y}年党风廉政建设和反腐败工作会议",
    "{s}{o}理论学习中心组专题学习{theme}",
    "{s}召开警示教育会 推动全面从严治党向纵深发展",
    "{s}扎实开展{theme} 以高质量党建引领高质量发展",
    "{s}举办基层党组织书记培训班",
    "{s}召开巡视整改工作推进会",
    "{s}开展“七一”主题党日活动 重温入党誓词",
    "{s}:牢牢把握主题主线 推动{theme}走深走实",
    "{s}召开{y}年工作会议暨职工代表大会",
)
TITLES_IMPLICIT = (
    "公司召开{o}理论学习中心组学习会",
    "集团公司召开{y}年党风廉政建设和反腐败工作会议",
    "{o}理论学习中心组专题学习{theme}",
    "公司召开{theme}总结会议",
    "集团公司举办党支部书记示范培训班",
    "公司召开巡视整改专题民主生活会",
)
TITLES_OTHER = (
    "{s}召开中央企业党建工作推进会",
    "{s}召开{y}年党风廉政建设和反腐败工作会议",
    "{s}{o}理论学习中心组专题学习{theme}",
    "{s}扎实推进{theme}",
)
HEADINGS = (
    "提高政治站位,深化思想认识",
    "突出学思践悟,强化理论武装",
    "坚持问题导向,抓实检视整改",
    "聚焦主责主业,推动高质量发展",
    "加强组织领导,压紧压实责任",
)
PARAGRAPHS = (
    "会议强调,要深入学习贯彻习近平新时代中国特色社会主义思想,深刻领悟“两个确立”的决定性意义,"
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”,切实把学习成果转化为推动{g}高质量发展的强大动力。",
    "会议指出,{s}要坚持以高质量党建引领高质量发展,把党的领导融入公司治理各环节,推动党建工作与生产经营"
    "深度融合,在建设网络强国、数字中国中展现新担当新作为。",
    "会议要求,各级党组织要认真履行全面从严治党主体责任,持之以恒正风肃纪,一体推进不敢腐、不能腐、不想腐,"
    "持续营造风清气正的良好政治生态。",
    "近年来,{s}坚持把学习贯彻党的创新理论作为首要政治任务,通过中心组学习、专题读书班、“三会一课”等多种形式,"
    "推动理论学习往深里走、往心里走、往实里走。",
    "{s}聚焦群众急难愁盼问题,深入开展“我为群众办实事”实践活动,优化服务流程,推进农村和边远地区网络覆盖,"
    "切实提升人民群众的获得感、幸福感、安全感。",
    "在基层一线,{s}广大党员干部充分发挥先锋模范作用,组建党员突击队 {n} 支,在重大活动通信保障、抢险救灾等"
    "急难险重任务中冲锋在前、勇挑重担。",
    "{s}坚持问题导向,对照检视查找的问题逐条制定整改措施,建立整改台账,实行清单化管理、销号式推进,"
    "确保整改工作取得实实在在的成效。",
    "{s}深化廉洁文化建设,组织开展警示教育月活动,通过观看警示教育片、参观廉政教育基地、以案说纪等方式,"
    "引导党员干部知敬畏、存戒惧、守底线。",
    "在数字化转型方面,{s}加快推进 5G、算力网络、云计算等新型信息基础设施建设,以科技创新赋能千行百业,"
    "服务经济社会高质量发展。",
    "与会人员表示,将把会议精神传达好、学习好、贯彻好,以实际行动推动全面从严治党向纵深发展,"
    "确保党中央决策部署在公司不折不扣落到实处。",
)
CLOSING = (
    "下一步,{s}将以更高标准、更严要求推动各项任务落地见效,坚定不移做强做优做大,为以中国式现代化全面推进"
    "强国建设、民族复兴伟业作出新的更大贡献。"
)
VIDEO = (
    "会议以“现场+视频”方式召开。{g}{o}成员在主会场参加会议,各省级分(子)公司、各直属单位主要负责人"
    "在视频分会场参加会议。"
)
OTHER_OP = (
    "{s}还与{x}开展党建联建共建,围绕 5G 网络共建共享、应急通信保障等工作交流经验、互学互鉴。",
    "会上,{s}与{x}等单位交流了基层党建工作经验。",
)
PARTNER_OP = {
    "中国铁塔": "{s}坚持服务中国移动、中国联通、中国电信三家电信企业和社会行业客户,累计新建共享铁塔 {n} 万座,"
    "有效减少重复建设。",
    "中国广电": "{s}与中国移动深入推进 700MHz 5G 网络共建共享,持续扩大网络覆盖。",
    "中国电信": "{s}与中国联通持续深化 5G 网络共建共享,累计节约投资 {n} 亿元。",
    "中国联通": "{s}与中国电信持续深化 5G 网络共建共享,累计节约投资 {n} 亿元。",
    "中国移动": "{s}与中国广电携手推进 700MHz 5G 网络共建共享,助力广电网络转型升级。",
}
FORMAL = {
    "中国联通": "中国联合网络通信集团有限公司",
    "中国移动": "中国移动通信集团有限公司",
    "中国电信": "中国电信集团有限公司",
    "中国铁塔": "中国铁塔股份有限公司",
    "中国广电": "中国广播电视网络集团有限公司",
}
BRANCH = {
    "中国联通": "中国联通{p}省分公司",
    "中国移动": "中国移动{p}公司",
    "中国电信": "中国电信{p}分公司",
    "中国铁塔": "中国铁塔{p}省分公司",
    "中国广电": "中国广电{p}公司",
}
NONE_PASSING = (
    "会上,{x}、中国建筑、中国宝武等 {n} 家中央企业作交流发言。",
    "{s}与{x}签署战略合作协议,在数字化转型、智慧能源等领域深化合作。",
    "在应急保障中,{s}会同{x}等单位组建联合保障队伍,确保关键设施安全稳定运行。",
)
RELATED = (
    "{s}召开{theme}动员部署会",
    "{s}举办青年干部培训班",
    "{s}召开党建工作领导小组会议",
    "中央企业党建工作经验交流会召开",
)


def _cn_date(d: dt.date, pdf: bool) -> str:
    return f"{d.year} 年 {d.month} 月 {d.day} 日" if pdf else f"{d.year}年{d.month}月{d.day}日"


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _pdf_noise(text: str, rng: random.Random) -> str:
    """Spaces after some commas and inside some words, as in seeds 000/001."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        inside_word = _cjk(ch) and i + 1 < len(text) and _cjk(text[i + 1])
        if (ch == "," and rng.random() < 0.35) or (inside_word and rng.random() < 0.006):
            out.append(" ")
    return "".join(out)


def _space_title(title: str, rng: random.Random) -> str:
    """One PDF line-break space inside a word of the title (seed 000: 反腐败工 作会议)."""
    spots = [i for i in range(3, len(title) - 2) if "\u4e00" <= title[i - 1] <= "\u9fff" and "\u4e00" <= title[i] <= "\u9fff"]
    if not spots:
        return title
    i = rng.choice(spots)
    return title[:i] + " " + title[i:]


def _gloss(text: str, rng: random.Random) -> str:
    """Mirror-site pinyin after some characters: 中(zhōng)国(guó)."""
    out = []
    for ch in text:
        out.append(ch)
        if ch in PINYIN and rng.random() < 0.45:
            out.append(f"({PINYIN[ch]})")
    return "".join(out)


def _fullwidth(text: str) -> str:
    return text.replace(",", "，").replace("(", "（").replace(")", "）").replace(": ", "：")


def _event_sentence(spec: Spec, rng: random.Random, pdf: bool) -> str:
    """Lead sentence; its date (if any) is an event date, never the truth on its own."""
    ev = spec.when - dt.timedelta(days=rng.choice((0, 1, 1, 2, 3)))
    theme = _theme(spec.when.year)
    kind = rng.choice(("md", "md", "full", "early", "recent"))
    if kind == "full" and spec.shape != "B":  # B replaces the lead with month and day
        spec.extras.append("body-fulldate")
    if kind == "md":
        when = f"{ev.month} 月 {ev.day} 日" if pdf else f"{ev.month}月{ev.day}日"
    elif kind == "full":
        when = _cn_date(ev, pdf)
    elif kind == "early":
        when = f"{ev.year} 年初" if pdf else f"{ev.year}年初"
    else:
        when = "近日"
    return (
        f"{when},{spec.subject}{spec.organ}召开会议,深入学习贯彻{theme},研究部署下一阶段重点工作。"
        f"{spec.organ}书记主持会议并讲话。"
    )


def _body(spec: Spec, rng: random.Random, *, pdf: bool, n: int) -> list[str]:
    paras = [_event_sentence(spec, rng, pdf)]
    # telecom-specific paragraphs (network coverage, 5G, shock teams) only for the operators
    pool = list(PARAGRAPHS if spec.company else [PARAGRAPHS[i] for i in (0, 2, 3, 6, 7, 9)])
    rng.shuffle(pool)
    paras += pool[:n]
    if spec.company and rng.random() < 0.5:
        paras.insert(2, VIDEO)
    if rng.random() < 0.3 and spec.shape != "B":
        # an earlier dated event, as LLM-rewritten seeds like to recall
        if "body-fulldate" not in spec.extras:
            spec.extras.append("body-fulldate")
        past = dt.date(spec.when.year - 1, rng.randint(1, 12), rng.randint(1, 28))
        paras.insert(1, f"{_cn_date(past, pdf)},{spec.group}印发实施方案,对相关工作作出全面部署。")
    if spec.other:
        if not spec.company:
            tpl = rng.choice(NONE_PASSING)
        elif spec.other == "partner":
            tpl = PARTNER_OP[spec.company]
        else:
            tpl = rng.choice(OTHER_OP)
        paras.insert(rng.randint(2, len(paras) - 1), tpl)
    if spec.company:
        paras.append(CLOSING)
    fmt = {"s": spec.subject, "g": spec.group, "o": spec.organ, "x": spec.other, "n": rng.randint(3, 120)}
    return [p.format(**fmt) for p in paras]


def _title(spec: Spec, rng: random.Random) -> str:
    if not spec.company:
        tpl = rng.choice(TITLES_OTHER)
    elif spec.title_form == "implicit":
        tpl = rng.choice(TITLES_IMPLICIT)
    else:
        tpl = rng.choice(TITLES_NAMED)
    return tpl.format(s=spec.subject, o=spec.organ, y=spec.when.year, theme=_theme(spec.when.year))


# --------------------------------------------------------------------------------------------- shapes


def _shape_a(spec: Spec, rng: random.Random) -> str:
    d = spec.date
    pub = rng.choice(PUBLISHERS)
    style = spec.style
    if d is None:
        header = {
            "pub-only": f"发布人：{pub}",
            "empty": f"发布时间： 发布人：{pub}",  # the date was an image or script on the page
            "source": f"来源：{rng.choice(SOURCES)}",
        }.get(style, "")
    else:
        iso = d.isoformat()
        header = {
            "cn-pdf": f"发布时间：{_cn_date(d, True)}",
            "iso-pub": f"发布时间：{iso} 发布人：{pub}",
            "pub-iso": f"发布人：{pub} 发布时间：{iso}",
            "riqi": f"发布日期：{iso}",
            "cn-pub": f"发布时间：{_cn_date(d, False)} 发布人：{pub}",
            "iso-ascii": f"发布时间: {iso}",
            "iso-time": f"发布时间：{iso} {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}",
            "slash": f"发布时间：{d.year}/{d.month:02d}/{d.day:02d}",
            "label-space": f"发布 时间：{iso} 发布人：{pub}",
            "cn-time": f"发布时间：{d.year}年{d.month:02d}月{d.day:02d}日 {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}",
            "shijian": f"时间：{iso}  来源：{pub}",
            "colon-space": f"发布时间 ： {_cn_date(d, True)}  发布人 ： {pub}",
        }[style]
    title = _space_title(_title(spec, rng), rng)
    lines: list[str] = []
    if "disclaimer" in spec.extras:
        lines += [DISCLAIMER, ""]
    lines += [rng.choice(("# ", "## ", "## ", "")) + title, ""]
    if header:
        lines += [header, ""]
    body = _body(spec, rng, pdf=True, n=rng.randint(4, 7))
    heads = list(HEADINGS)
    rng.shuffle(heads)
    numerals = "一二三四五"
    k = 0
    for i, p in enumerate(body):
        if i and i % 2 == 0 and k < 4 and rng.random() < 0.6:
            lines += [f"## {numerals[k]}、{heads[k]}", ""]
            k += 1
        p = _pdf_noise(p, rng)
        r = rng.random()
        if r < 0.25:
            p = p + "<PAGE_DIV> "
        elif r < 0.4:
            cut = p.find("。") + 1
            if 0 < cut < len(p):
                p = p[:cut] + "<PAGE_DIV> " + p[cut:]
        lines += [p, ""]
    if rng.random() < 0.3:
        lines[-2] = lines[-2] + "<PAGE_DIV> <PAGE_DIV> "
    if "disclaimer-end" in spec.extras:
        lines += [DISCLAIMER, ""]
    return "\n".join(lines)


def _stock_block(company: str, rng: random.Random) -> str:
    code = STOCK.get(company)
    if not code:
        return ""
    token = hashlib.md5(f"{company}{rng.random()}".encode()).hexdigest()
    num = code.split(".")[1]
    return (
        f'<!-- EM_StockImg_Start --><p style="text-align:center;"><img src="https://webquoteklinepic.eastmoney.com/'
        f'GetPic.aspx?nid={code}&imageType=k&token={token}&at=1" border="0" alt="K图 {num}_0" '
        f'data-code="K {num}|1|1" width="578" height="276" /></p><!-- EM_StockImg_End -->'
    )


def _shape_b(spec: Spec, rng: random.Random) -> str:
    title = _title(spec, rng)
    src = rng.choice(("人民邮电报", "人民邮电报", "通信信息报", "国资小新"))
    cat = {"人民邮电报": "renminyoudianbao", "通信信息报": "txxxb", "国资小新": "guozixiaoxin"}[src]
    fm = ["---", "layout: post", rng.choice((f'title: "{title}"', f"title: {title}"))]
    d = spec.date
    if d is not None:
        t = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        fm.append(
            {
                "full": f"date: {d.isoformat()} {t} +0800",
                "day": f"date: {d.isoformat()}",
                "quoted": f'date: "{d.isoformat()} {t} +0800"',
                "isot": f"date: {d.isoformat()}T{t}+08:00",
            }[spec.style]
        )
    fm += [f"categories: {cat}", f"tags: {src}新闻", "---"]
    when = spec.when
    paras = _body(spec, rng, pdf=False, n=rng.randint(4, 6))
    # Jekyll posts of the genre lead with month and day only (the year is in the front matter)
    ev = when - dt.timedelta(days=rng.choice((0, 1)))
    paras[0] = f"{ev.month}月{ev.day}日，" + paras[0].split(",", 1)[1]
    html = "".join(f"<p>{_fullwidth(p)}</p>" for p in paras)
    if rng.random() < 0.3:
        html = html.replace("</p><p>", '</p><p style="text-align:center;"><img src="/upload/photo.jpg" /></p><p>', 1)
    info = f"NW{when:%Y%m%d}{rng.randint(10**9, 10**10 - 1)}"
    body = (
        _stock_block(spec.company, rng)
        + html
        + f'<p class="em_media">（文章来源：{src}）</p>\n\n'
        + f"<http://finews.zning.xyz/html_News/NewsShare.html?infoCode={info}>\n\n"
        + f"[返回{src}新闻](//finews.withounder.com/category/{cat}.html)｜[返回首页](//finews.withounder.com/)"
    )
    return "\n".join(fm) + "\n" + body + "\n"


def _shape_c(spec: Spec, rng: random.Random) -> str:
    site = rng.choice(SITES)
    title = _title(spec, rng)
    lines = ["网站首页 | 网站地图", "", site]
    if "nav-ops" in spec.extras:
        lines += ["首页 | 中国移动 | 中国电信 | 中国联通 | 中国铁塔 | 中国广电 | 央企党建 | 专题"]
    lines += ["首页 > " + rng.choice(("中国品牌", "央企动态", "国资国企")) + " > 企业党建 > 正文", ""]
    d = spec.date
    src = rng.choice(SOURCES)
    if spec.style == "fabu-above":
        lines += [f"{d.isoformat()} {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}  来源：{src}", ""]
    lines += [title, ""]
    if d is not None and spec.style != "fabu-above":
        hm = f"{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}"
        lines += [
            {
                "fabu": f"发布时间：{d.isoformat()} {hm}  来源：{src}",
                "laiyuan": f"来源：{src} 时间：{d.isoformat()} {hm}:{rng.randint(0, 59):02d}",
                "dots": f"{d:%Y.%m.%d} {hm}  来源：{src}",
                "cn": f"时间：{d.year}年{d.month:02d}月{d.day:02d}日  来源：{src}  作者：{rng.choice(EDITORS)}",
                "zihao": f"{d.isoformat()} {hm}:{rng.randint(0, 59):02d} 来源: {src} 【字号 大 中 小】",
            }[spec.style],
            "",
        ]
    elif spec.style == "source-only":
        lines += [f"来源：{src}", ""]
    paras = _body(spec, rng, pdf=False, n=rng.randint(4, 7))
    for p in paras:
        lines += [p, ""]
    lines += [f"[责任编辑:{rng.choice(EDITORS)}]"]
    tag = spec.group if spec.company else "中央企业"
    lines += [f"标签: {rng.choice(('党建', '主题教育', '全面从严治党', '廉洁文化'))}   {tag}"]
    if "related" in spec.extras:
        lines += ["", "相关新闻"]
        for k, tpl in enumerate(rng.sample(RELATED, 3)):
            other_day = spec.when - dt.timedelta(days=7 * (k + 1) + rng.randint(0, 5))
            name = spec.group if k == 0 else rng.choice(COMPANIES)
            t = tpl.format(s=name, theme=_theme(other_day.year))
            lines.append(f"· {t}  {other_day.isoformat()}")
    if "prevnext" in spec.extras:
        others = [c for c in COMPANIES if c != spec.company]
        a, b = rng.sample(others, 2)
        pd1 = spec.when - dt.timedelta(days=rng.randint(1, 9))
        pd2 = spec.when + dt.timedelta(days=rng.randint(1, 9))
        lines += ["", f"上一篇：{a}召开{_theme(pd1.year)}推进会（{pd1.isoformat()}）"]
        lines += [f"下一篇：{b}举办基层党组织书记培训班（{pd2.isoformat()}）"]
    if "footer" in spec.extras:
        lines += ["", f"Copyright © 2008-{spec.when.year + rng.randint(0, 1)} {site} 版权所有"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- plan


def _subject(company: str, form: str, rng: random.Random) -> tuple[str, str, str]:
    """(subject as named, party organ, title form) for a company and a naming form."""
    if form == "province":
        prov = rng.choice(PROVINCES)
        if company == "中国广电":
            return f"中国广电{prov}公司", "党委", "named"
        return prov + SHORT[company], "党委", "named"
    if form == "branch":
        return BRANCH[company].format(p=rng.choice(PROVINCES)), "党委", "named"
    if form == "formal":  # formal name in the body, title without a name
        return FORMAL[company], "党组" if company != "中国铁塔" else "党委", "implicit"
    if form == "sub":
        return rng.choice(SUBSIDIARIES[company]), "党委", "named"
    if form == "implicit":
        return company, "党组" if company != "中国铁塔" else "党委", "implicit"
    return company, "党组" if company != "中国铁塔" else "党委", "named"


def _random_day(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def _plan(rng: random.Random) -> list[Spec]:
    specs: list[Spec] = []
    # (shape, styles for dated, styles for undated, how many, undated share)
    a_dated = (
        "cn-pdf", "iso-pub", "iso-pub", "pub-iso", "riqi", "cn-pub", "iso-ascii", "iso-time", "slash",
        "label-space", "cn-time", "shijian", "colon-space",
    )
    a_undated = ("none", "none", "pub-only", "empty", "source")
    b_dated = ("full", "full", "day", "quoted", "isot")
    c_dated = ("fabu", "laiyuan", "dots", "cn", "zihao", "fabu-above")
    c_undated = ("none", "none", "source-only")
    forms = ("named", "named", "named", "province", "branch", "sub", "implicit", "formal")
    layout = [("A", 62, 0.2), ("B", 30, 0.07), ("C", 46, 0.55)]
    years = list(range(2008, 2027))
    i = 0
    for shape, count, undated_share in layout:
        for _ in range(count):
            company = COMPANIES[i % 5]
            i += 1
            year = max(FIRST_YEAR[company], rng.choice(years))
            if i in (1, 2):  # the corpus spans 2008-2026: pin both ends on dated documents
                year = (2008, 2026)[i - 1]
            when = _random_day(rng, year)
            form = forms[rng.randrange(len(forms))]
            if company == "中国广电" and form in ("implicit", "formal"):
                form = "named"
            subject, organ, title_form = _subject(company, form, rng)
            undated = rng.random() < undated_share and i not in (1, 2)
            if shape == "A":
                style = rng.choice(a_undated if undated else a_dated)
            elif shape == "B":
                style = "nodate" if undated else rng.choice(b_dated)
            else:
                style = rng.choice(c_undated if undated else c_dated)
            spec = Spec(
                shape, company, subject, company, organ, title_form, None if undated else when, when, style
            )
            r = rng.random()
            if r < 0.15:
                spec.other = rng.choice([c for c in COMPANIES if c != company])
            elif r < 0.3:
                spec.other = "partner"
            _decorate(spec, rng)
            specs.append(spec)
    # documents about none of the operators (SASAC, other SOEs), most mentioning an operator in passing
    for k in range(14):
        name, organ = OTHERS[k % len(OTHERS)]
        year = rng.choice(years)
        when = _random_day(rng, year)
        shape = ("A", "C", "A", "B", "C", "A", "C")[k % 7]
        undated = k % 3 == 0
        style = {"A": ("none", "iso-pub"), "B": ("nodate", "full"), "C": ("none", "laiyuan")}[shape][0 if undated else 1]
        spec = Spec(shape, "", name, name, organ, "named", None if undated else when, when, style)
        if k % 4 != 3:
            spec.other = COMPANIES[k % 5]
        _decorate(spec, rng)
        specs.append(spec)
    return specs


def _decorate(spec: Spec, rng: random.Random) -> None:
    if spec.shape == "A":
        r = rng.random()
        if r < 0.4:
            spec.extras.append("disclaimer")
        elif r < 0.5:
            spec.extras.append("disclaimer-end")
    if spec.shape == "C":
        if rng.random() < 0.2:
            spec.extras.append("nav-ops")
        if rng.random() < 0.25:
            spec.extras.append("prevnext")
        if rng.random() < 0.25:
            spec.extras.append("related")
        if rng.random() < 0.3:
            spec.extras.append("footer")
    r = rng.random()
    if r < 0.2:
        spec.trad, spec.encoding = True, "big5"
    elif r < 0.3:
        spec.trad = True
    if spec.shape != "B" and rng.random() < 0.15:
        spec.pinyin, spec.encoding = True, "utf-8"  # Big5 has no tone marks


# --------------------------------------------------------------------------------------------- writer


def write_seedlike_corpus(folder: Path, seed: int = 0) -> pd.DataFrame:
    """Write the corpus under ``folder``; return its truth.

    Columns: ``path`` (relative posix), ``date`` (ISO string or None), ``company`` (canonical or ''),
    ``category`` (shape plus ``-trad`` / ``-pinyin``), ``note`` (how the document was built, ``enc=…``).
    """
    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    s2tw = opencc.OpenCC("s2tw")  # Taiwan forms (為 裡 群) are the ones Big5 can encode
    s2hk = opencc.OpenCC("s2hk")  # Hong Kong mirrors
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, spec in enumerate(_plan(rng)):
        text = {"A": _shape_a, "B": _shape_b, "C": _shape_c}[spec.shape](spec, rng)
        if spec.trad:
            if spec.encoding == "big5":
                text = s2tw.convert(text)
            else:
                text = (s2hk if i % 3 == 0 else s2t).convert(text)
        if spec.encoding == "big5":
            text = text.replace("©", "(C)")
        if spec.pinyin:
            text = _gloss(text, rng)
        encoding = spec.encoding
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            encoding = "utf-8"
            data = text.encode(encoding)
        name = f"{i:03d}_{hashlib.sha1(f'{seed}:{i}'.encode()).hexdigest()[:16]}.txt"
        (folder / name).write_bytes(data)
        category = spec.shape + ("-trad" if spec.trad else "") + ("-pinyin" if spec.pinyin else "")
        note = (
            f"style={spec.style} form={spec.title_form} subject={spec.subject}"
            + (f" other={spec.other}" if spec.other else "")
            + (f" extras={','.join(spec.extras)}" if spec.extras else "")
            + f" enc={encoding}"
        )
        rows.append(
            {
                "path": name,
                "date": spec.date.isoformat() if spec.date else None,
                "company": spec.company,
                "category": category,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=["path", "date", "company", "category", "note"])
