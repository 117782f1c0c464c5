"""Generator of a realistic, labelled corpus of the genre (Chinese telecom SOE corporate / party news).

``write_genre_corpus(folder, seed)`` writes about 240 documents into ``folder`` and returns the
ground truth. Every sentence here is composed for this test (the style imitates what such pages look
like once scraped: site chrome, meta lines, mirror noise, PDF artefacts), nothing is copied from the web.

Ground-truth conventions (the acceptance criteria of issue 2 are measured against them):

- ``date`` is the publication date the document itself *states* (meta line near the title, YAML front
  matter, a state-media time stamp, a WeChat header, the date line of a PDF, the signature date of an
  official notice). Dates of events in the body, the crawl date in a site's top bar, the dates of other
  articles (previous/next, related news), a year in the title and a news-agency dateline without a year
  are not publication dates: a document with only those has ``date`` None.
- ``company`` is the canonical name of the company the document is about ('' for none of them): the one
  named in the title, else the one the body is about. A single mention among many enterprises, telecom
  words (电信诈骗, 移动通信, 广电总局, 互联互通) and the boilerplate of the site do not count.
- ``note`` is ``"<category>: <details>"``; the category groups the breakdown printed by the test.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# --------------------------------------------------------------------------------------------------
# Companies and vocabulary


@dataclass(frozen=True)
class Company:
    """One of the five companies, with the names a document of the genre uses for it."""

    name: str  # canonical
    full: str
    party: str  # 党组 or 党委
    suffix: str  # 广东 + 移动
    english: str
    since: int
    wenhao: str  # prefix of the official document number
    domain: str
    informal: str
    biz: tuple[str, ...]


COMPANIES: tuple[Company, ...] = (
    Company(
        "中国联通",
        "中国联合网络通信集团有限公司",
        "党组",
        "联通",
        "China Unicom",
        2008,
        "中联通党",
        "chinaunicom.example.cn",
        "联通集团",
        ("混合所有制改革", "智慧城市", "联通云"),
    ),
    Company(
        "中国移动",
        "中国移动通信集团有限公司",
        "党组",
        "移动",
        "China Mobile",
        2008,
        "中移党",
        "10086.example.cn",
        "中移动",
        ("千兆宽带", "移动云", "算力网络"),
    ),
    Company(
        "中国电信",
        "中国电信集团有限公司",
        "党组",
        "电信",
        "China Telecom",
        2008,
        "中国电信党",
        "chinatelecom.example.cn",
        "中国电信集团",
        ("天翼云", "云网融合", "翼支付"),
    ),
    Company(
        "中国铁塔",
        "中国铁塔股份有限公司",
        "党委",
        "铁塔",
        "China Tower",
        2015,
        "铁塔党",
        "chinatowercom.example.cn",
        "铁塔公司",
        ("通信铁塔共建共享", "基站配套建设", "换电业务"),
    ),
    Company(
        "中国广电",
        "中国广播电视网络集团有限公司",
        "党组",
        "广电",
        "China Broadnet",
        2016,
        "中广网党",
        "cbn.example.cn",
        "中国广电网络",
        ("全国一网整合", "700MHz 5G网络建设", "有线电视网络升级"),
    ),
)
BY_NAME = {c.name: c for c in COMPANIES}

PROVINCES = (
    "北京",
    "天津",
    "上海",
    "广东",
    "江苏",
    "浙江",
    "山东",
    "河南",
    "四川",
    "湖北",
    "福建",
    "陕西",
    "云南",
    "贵州",
    "河北",
    "安徽",
    "辽宁",
    "甘肃",
)
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
CITIES = ("杭州", "深圳", "苏州", "成都", "武汉", "青岛", "厦门", "西安", "长沙", "宁波", "佛山", "无锡")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
GIVEN = (
    "建国",
    "志强",
    "海峰",
    "卫东",
    "晓明",
    "立新",
    "振华",
    "伟",
    "敏",
    "静",
    "红梅",
    "国庆",
    "永刚",
    "丽娟",
    "文博",
    "思远",
    "宏伟",
    "春生",
    "玉兰",
    "德胜",
    "新民",
    "俊杰",
    "秀英",
    "明辉",
    "家豪",
    "子涵",
    "雨萱",
)
WEEKDAYS = "一二三四五六日"

THOUGHTS = (
    (2008, 2012, "以邓小平理论和“三个代表”重要思想为指导，深入贯彻落实科学发展观"),
    (2013, 2017, "深入学习贯彻习近平总书记系列重要讲话精神"),
    (2018, 2026, "坚持以习近平新时代中国特色社会主义思想为指导"),
)
CAMPAIGNS = (
    (2008, 2009, "深入学习实践科学发展观活动"),
    (2010, 2012, "创先争优活动"),
    (2013, 2014, "党的群众路线教育实践活动"),
    (2015, 2015, "“三严三实”专题教育"),
    (2016, 2018, "“两学一做”学习教育"),
    (2019, 2020, "“不忘初心、牢记使命”主题教育"),
    (2021, 2021, "党史学习教育"),
    (2022, 2022, "学习宣传贯彻党的二十大精神"),
    (2023, 2023, "学习贯彻习近平新时代中国特色社会主义思想主题教育"),
    (2024, 2024, "党纪学习教育"),
    (2025, 2025, "深入贯彻中央八项规定精神学习教育"),
    (2026, 2026, "学习贯彻党的二十届四中全会精神"),
)
ERA_BIZ = (
    (2008, 2008, ("北京奥运会通信保障", "抗震救灾通信抢修")),
    (2009, 2012, ("3G网络建设", "光纤宽带建设")),
    (2013, 2015, ("4G网络建设", "宽带中国战略")),
    (2015, 2018, ("提速降费", "网络扶贫")),
    (2019, 2020, ("5G网络建设", "疫情防控和复工复产")),
    (2021, 2022, ("5G应用创新", "数字乡村建设")),
    (2023, 2024, ("数字中国建设", "发展新质生产力")),
    (2025, 2026, ("“人工智能+”行动", "算力网络建设")),
)
MEETINGS = (
    "党建工作会议",
    "党风廉政建设和反腐败工作会议",
    "警示教育大会",
    "年度工作会议",
    "巡视整改工作推进会",
    "基层党建工作推进会",
    "干部大会",
    "理论学习中心组学习会",
)
TITLE_TAILS = (
    "以高质量党建引领保障高质量发展",
    "推动全面从严治党向纵深发展",
    "凝心聚力谱写发展新篇章",
    "奋力开创企业改革发展新局面",
    "把学习成果转化为干事创业的实际行动",
    "深化以案促改 筑牢廉洁防线",
    "强基固本 夯实基层党建",
    "党建引领 服务大局",
    "勇担使命 奋楫争先",
)
EDITORS = ("张三", "李明", "王芳", "赵磊", "陈晨", "刘洋", "孙悦", "周静")
SITE_SECTIONS = ("公司新闻", "党建工作", "集团要闻", "基层动态", "廉洁建设")


def _era(table: tuple[tuple[int, int, object], ...], year: int) -> object:
    for lo, hi, value in table:
        if lo <= year <= hi:
            return value
    return table[-1][2]


def person(rng: random.Random) -> str:
    """A made-up personal name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def province_branch(rng: random.Random, co: Company) -> tuple[str, str]:
    """(short branch name, formal branch name), e.g. (广东移动, 中国移动广东公司)."""
    prov = rng.choice(PROVINCES)
    level = "市" if prov in MUNICIPALITIES else "省"
    formal = {
        "中国联通": f"中国联通{prov}{level}分公司",
        "中国移动": f"中国移动{prov}公司",
        "中国电信": f"中国电信{prov}公司",
        "中国铁塔": f"中国铁塔{prov}{level}分公司",
        "中国广电": f"中国广电{prov}公司",
    }[co.name]
    short = formal if co.name == "中国广电" else f"{prov}{co.suffix}"
    return short, formal


# --------------------------------------------------------------------------------------------------
# Dates


def random_date(rng: random.Random, lo: int = 2008, hi: int = 2026) -> dt.date:
    """A uniformly drawn day between 1 January ``lo`` and 30 October ``hi``."""
    start = dt.date(lo, 1, 1).toordinal()
    end = dt.date(hi, 10, 30).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def hm(rng: random.Random) -> str:
    """A time of day, HH:MM."""
    return f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}"


def weekday(d: dt.date) -> str:
    """星期一 .. 星期日."""
    return "星期" + WEEKDAYS[d.weekday()]


_CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..31 in Chinese numerals as used in dates (十一, 二十, 三十一)."""
    if n <= 10:
        return "十" if n == 10 else _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def cn_date(d: dt.date, zero: str = "〇") -> str:
    """二〇二一年三月十五日 (``zero`` may be ○ or 零, as real documents spell it)."""
    year = "".join(_CN_DIGITS[int(ch)] for ch in str(d.year)).replace("〇", zero)
    return f"{year}年{cn_number(d.month)}月{cn_number(d.day)}日"


# Formats of the meta line next to the title of a web page. Each takes (date, rng) and returns a line.
def _meta_formats() -> dict[str, Callable[[dt.date, random.Random], str]]:
    return {
        "发布时间-iso": lambda d, r: f"发布时间：{d:%Y-%m-%d}",
        "发布时间-iso-hm": lambda d, r: f"发布时间：{d:%Y-%m-%d} {hm(r)}",
        "发布时间-nopad": lambda d, r: f"发布时间：{d.year}-{d.month}-{d.day}",
        "发布时间-halfcolon": lambda d, r: f"发布时间:{d:%Y-%m-%d}",
        "发布日期-cn-pad": lambda d, r: f"发布日期：{d.year}年{d.month:02d}月{d.day:02d}日",
        "日期-cn": lambda d, r: f"日期：{d.year}年{d.month}月{d.day}日",
        "时间-seconds": lambda d, r: f"时间：{d:%Y-%m-%d} {hm(r)}:{r.randint(0, 59):02d}",
        "dotted": lambda d, r: f"{d:%Y.%m.%d} {hm(r)}",
        "slashed": lambda d, r: f"发布日期：{d:%Y/%m/%d}",
        "spaced-cn": lambda d, r: f"发布时间：{d.year} 年 {d.month} 月 {d.day} 日",
        "bracket-label": lambda d, r: f"【发布时间】{d:%Y-%m-%d}",
        "发稿时间": lambda d, r: f"发稿时间：{d:%Y-%m-%d} {hm(r)}",
        "更新时间": lambda d, r: f"更新时间：{d.year}年{d.month:02d}月{d.day:02d}日 {hm(r)}",
        "时间-weekday": lambda d, r: f"时间：{d.year}年{d.month}月{d.day}日 {weekday(d)}",
        "发布于": lambda d, r: f"发布于 {d:%Y-%m-%d}",
        "square-brackets": lambda d, r: f"[{d:%Y-%m-%d}]",
        "bare-iso": lambda d, r: f"{d:%Y-%m-%d}",
        "bare-cn": lambda d, r: f"{d.year}年{d.month:02d}月{d.day:02d}日",
        "发布时间-cn": lambda d, r: f"发布时间：{d.year}年{d.month}月{d.day}日",
        "日期-cn-weekday": lambda d, r: f"日期：{d.year}年{d.month:02d}月{d.day:02d}日 {weekday(d)}",
    }


META_FORMATS = _meta_formats()


_FULLWIDTH = str.maketrans("0123456789-:", "０１２３４５６７８９－：")


def meta_line(
    rng: random.Random, d: dt.date | None, fmt: str, *, source: str, author: str = "", variant: str = ""
) -> str:
    """A meta line: the date (in format ``fmt``) among source, author and view-count fields.

    ``variant``: "split" puts label and value on separate lines (as HTML spans come out of a scraper),
    "fullwidth" writes the date with full-width digits, "empty-label" keeps the date label with no value.
    """
    parts: list[str] = []
    if d is not None:
        stamp = META_FORMATS[fmt](d, rng)
        if variant == "split" and "：" in stamp:
            stamp = stamp.replace("：", "：\n", 1)
        elif variant == "fullwidth":
            label, _, value = stamp.rpartition("：")
            stamp = f"{label}：{value.translate(_FULLWIDTH)}" if label else stamp.translate(_FULLWIDTH)
        parts.append(stamp)
    elif variant == "empty-label":
        parts.append("发布时间：")
    if author and rng.random() < 0.5:
        parts.append(f"作者：{author}")
    parts.append(f"来源：{source}")
    if rng.random() < 0.5:
        # a view counter can look like a year: 浏览次数：2019
        parts.append(f"浏览次数：{rng.choice([rng.randint(100, 9999), rng.randint(2008, 2026)])}")
    if d is not None and rng.random() < 0.3:
        first = parts.pop(0)
        parts.insert(1, first)  # source first, date second
    return "  ".join(parts)


# --------------------------------------------------------------------------------------------------
# Body text


@dataclass
class Ctx:
    """What a body is about: company (or None), its way of being named, the (hidden) real date."""

    rng: random.Random
    co: Company | None
    date: dt.date
    ref: str  # how the body names the company
    leader: str = ""
    leader2: str = ""
    branch: str = ""
    local: bool = False  # a branch or subsidiary: 党委, 总经理, not 党组, 董事长
    extras: dict[str, str] = field(default_factory=dict)

    def fill(self, template: str) -> str:
        r = self.rng
        y = self.date.year
        biz = list(_era(ERA_BIZ, y))  # type: ignore[arg-type]
        if self.co is not None and (self.co.name in ("中国铁塔", "中国广电") or r.random() < 0.3):
            biz = list(self.co.biz)
        event = self.date - dt.timedelta(days=r.randint(0, 3))
        other = self.date - dt.timedelta(days=r.randint(5, 40))
        values = {
            "co": self.ref,
            "party": self.co.party if self.co and not self.local else "党委",
            "chair": "总经理" if self.local else "董事长",
            "vice": "副总经理" if self.local else "总经理",
            "where": "" if self.local else "在京",
            "leader": self.leader,
            "leader2": self.leader2,
            "campaign": _era(CAMPAIGNS, y),
            "thought": _era(THOUGHTS, y),
            "biz": r.choice(biz),
            "meeting": r.choice(MEETINGS),
            "md": f"{event.month}月{event.day}日",
            "md2": f"{other.month}月{other.day}日",
            "n": str(r.randint(3, 12)),
            "k": str(r.randint(2, 60)),
            "year": str(y),
            "prev": str(y - 1),
            "branch": self.branch or self.ref,
            "person": person(r),
            "prov": r.choice(PROVINCES),
            "gov": (lambda p: p + ("市" if p in MUNICIPALITIES else "省"))(r.choice(PROVINCES)),
            **self.extras,
        }
        return template.format(**values)


LEADS_MEETING = (
    "{md}，{co}召开{meeting}，{co}{party}书记、{chair}{leader}出席会议并讲话。",
    "{md}，{co}{party}召开理论学习中心组学习会，{party}书记、{chair}{leader}主持会议并作总结讲话。",
    "为深入贯彻落实党中央决策部署，{co}于{md}{where}召开{meeting}，总结工作、分析形势、部署任务。",
    "{md}上午，{co}举行{meeting}，{party}副书记、{vice}{leader2}代表{party}作工作报告。",
)
LEADS_OTHER = (
    "近日，{co}{party}印发通知，对深入开展{campaign}作出安排部署，要求各级党组织高标准高质量抓好落实。",
    "记者从{co}获悉，{co}扎实推进{biz}，各项工作取得阶段性成效。",
    "{md}，{co}{party}书记、{chair}{leader}到基层单位调研，实地了解{biz}推进情况，看望慰问一线干部员工。",
)
LEADS = LEADS_MEETING + LEADS_OTHER
BODY_MEETING = (
    "会议指出，{thought}，是做好新形势下企业党建工作的根本遵循。",
    "{leader}强调，要把党的政治建设摆在首位，坚决维护党中央权威和集中统一领导，确保企业改革发展始终沿着正确方向前进。",
    "会议要求，各级党组织要切实扛起管党治党政治责任，层层传导压力，推动全面从严治党向纵深发展、向基层延伸。",
    "与会人员集中观看了警示教育片，大家纷纷表示要以案为鉴、以案促改，自觉筑牢拒腐防变的思想防线。",
    "{leader2}要求，要坚持问题导向，对照查摆出的问题逐项制定整改措施，明确责任人和完成时限。",
    "{party}书记、{chair}{leader}在讲话中回顾了过去一年的工作，充分肯定了取得的成绩，深入分析了面临的形势。",
    "会议以现场和视频相结合的方式召开，各省级分公司领导班子成员在分会场参加会议。",
    "会议对表现突出的先进基层党组织、优秀共产党员和优秀党务工作者进行了表彰。",
    "会上，{n}家单位作了交流发言，分享了在{biz}方面的经验做法。",
    "会议强调，要驰而不息纠治“四风”，坚决防止形式主义、官僚主义反弹回潮。",
    "{branch}党委书记{person}表示，将以此次会议为契机，把各项部署要求不折不扣落到实处。",
)
BODY = (
    "{co}坚持把{campaign}同推动企业中心工作紧密结合，做到两手抓、两不误、两促进。",
    "一年来，{co}各级党组织认真落实党建工作责任制，基层党组织的政治功能和组织功能不断增强。",
    "在{biz}中，广大党员冲锋在前、勇挑重担，党员先锋岗、党员突击队的作用得到充分发挥。",
    "{co}充分发挥网络和信息化优势，全力推进{biz}，为经济社会发展提供有力支撑。",
    "各单位要把学习成果转化为推动工作的具体举措，在服务国家战略中展现新担当新作为。",
    "{co}所属各单位结合实际，创新开展形式多样的学习活动，推动学习往深里走、往心里走、往实里走。",
    "基层党支部通过“三会一课”、主题党日等形式，组织党员深入学习、交流体会，进一步坚定了理想信念。",
    "{co}认真落实意识形态工作责任制，牢牢掌握意识形态工作的领导权、管理权和话语权。",
    "要坚持严管和厚爱结合、激励和约束并重，充分激发广大干部员工干事创业的积极性主动性创造性。",
    "{co}纪检监察部门紧盯关键岗位和重要环节，持续强化对“一把手”和领导班子的监督。",
    "{year}年以来，{co}各级党组织累计开展专题学习{k}0余场次，覆盖党员{n}万余人次。",
    "截至{prev}年底，{co}已在{prov}等地建成各类重点项目{k}个，服务能力持续增强。",
    "{md2}，{branch}党委召开专题会议，传达学习有关会议精神，研究部署贯彻落实举措。",
    "{co}持续为基层减负，切实把干部从文山会海中解脱出来，把更多精力用在抓落实上。",
    "{co}扎实推进{biz}，累计投入资金{k}亿元，有力支撑了地方经济社会发展。",
    "{co}坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，持续提升服务质量。",
    "{co}不断完善“大监督”工作格局，推动各类监督贯通协调、形成合力。",
    "{co}把党的领导融入公司治理各环节，切实发挥党组织把方向、管大局、保落实的领导作用。",
)
CLOSINGS = (
    "下一步，{co}将持续深化{campaign}成果，以高质量党建引领保障企业高质量发展。",
    "{co}表示，将以更加昂扬的精神状态和更加务实的工作作风，奋力谱写企业高质量发展新篇章。",
)
CLOSING_MEETING = (
    "会议号召，全体干部员工要更加紧密地团结在以习近平同志为核心的党中央周围，奋力完成全年目标任务。"
)
# A past event with a full date, placed deep in a body (never the publication date).
PAST_EVENT = "早在{past}，{co}就与{gov}人民政府签署了战略合作协议，双方在{biz}等领域开展深度合作。"


def company_body(ctx: Ctx, n_par: int, *, past_event: bool = False, lead: str | None = None) -> list[str]:
    """Paragraphs of a party/corporate news body about ``ctx.co``."""
    r = ctx.rng
    lead = lead or r.choice(LEADS)
    meeting = lead not in LEADS_OTHER
    pool = list(BODY + BODY_MEETING) if meeting else list(BODY)
    r.shuffle(pool)
    paras = [ctx.fill(lead) + ctx.fill(pool.pop())]
    for _ in range(n_par - 2):
        if not pool:
            break
        k = r.randint(2, 3)
        paras.append("".join(ctx.fill(pool.pop()) for _ in range(k) if pool))
    if past_event:
        past = ctx.date - dt.timedelta(days=r.randint(200, 900))
        ctx.extras["past"] = f"{past.year}年{past.month}月{past.day}日"
        paras.insert(max(1, len(paras) - 1), ctx.fill(PAST_EVENT))
    closings = [*CLOSINGS, CLOSING_MEETING] if meeting else list(CLOSINGS)
    paras.append(ctx.fill(r.choice(closings)))
    return paras


def make_ctx(rng: random.Random, co: Company | None, d: dt.date, style: str = "canonical") -> Ctx:
    """A body context; ``style`` says how the company is named (canonical, branch, informal, full)."""
    ctx = Ctx(rng, co, d, co.name if co else "", leader=person(rng), leader2=person(rng))
    if co is None:
        return ctx
    short, formal = province_branch(rng, co)
    ctx.branch = rng.choice([short, formal])
    if style == "branch":
        ctx.ref = short
        ctx.branch = short
        ctx.local = True
    elif style == "informal":
        ctx.ref = co.informal
    elif style == "city" and co.name != "中国广电":
        ctx.ref = f"{rng.choice(CITIES)}{co.suffix}"
        ctx.branch = ctx.ref
        ctx.local = True
    elif style == "full":
        ctx.ref = co.full
    return ctx


def company_title(ctx: Ctx, *, year_in_title: bool = False) -> str:
    """A headline naming the company (as ``ctx.ref``)."""
    r = ctx.rng
    co = ctx.ref
    y = ctx.date.year
    options = [
        f"{co}召开{y}年{r.choice(MEETINGS[:5])}" if year_in_title else f"{co}召开{r.choice(MEETINGS)}",
        f"{co}：{r.choice(TITLE_TAILS)}",
        f"{co}扎实开展{_era(CAMPAIGNS, y)}",
        f"{co}{ctx.co.party if ctx.co and not ctx.local else '党委'}理论学习中心组开展专题学习",
        f"{r.choice(TITLE_TAILS)} {co}{r.choice(['部署', '推进'])}{r.choice(['党建', '纪检', '巡视整改'])}工作",
    ]
    if year_in_title:
        return options[0]
    return r.choice(options)


def other_titles(rng: random.Random, n: int, companies: tuple[Company, ...] = COMPANIES) -> list[str]:
    """Headlines of other articles (previous/next, related news)."""
    out = []
    for _ in range(n):
        co = rng.choice(companies)
        out.append(f"{co.name}{rng.choice(['召开', '举办', '举行'])}{rng.choice(MEETINGS)}")
    return out


def around(rng: random.Random, d: dt.date, lo: int = 1, hi: int = 60) -> dt.date:
    """A different day near ``d`` (for other articles' dates)."""
    delta = rng.randint(lo, hi) * rng.choice([-1, 1])
    return d + dt.timedelta(days=delta)


# --------------------------------------------------------------------------------------------------
# Skins: how a document of each kind looks once scraped / extracted


@dataclass
class Article:
    """The content of one document before it gets a skin."""

    title: str
    paras: list[str]
    date: dt.date | None  # the stated publication date (None: the document states none)
    hidden: dt.date  # the real day behind the content (drives the dates of other articles)
    co: Company | None
    source: str
    author: str = ""


def icp(rng: random.Random) -> str:
    """A made-up ICP licence number (京ICP备NNNNNNNN号)."""
    return f"京ICP备{rng.randint(5, 19):02d}{rng.randint(0, 999999):06d}号"


def footer(rng: random.Random, owner: str, year: int, *, copyright_sign: bool = True) -> list[str]:
    """Site footer lines: copyright years, ICP and police registration numbers."""
    sign = "©" if copyright_sign else "Copyright"
    start = rng.choice([1999, 2000, 2008, 2009])
    end = min(2026, year + rng.randint(0, 4))
    lines = [
        f"版权所有 {sign} {start}-{end} {owner}  {icp(rng)}",
        f"京公网安备 110102{rng.randint(10000000, 99999999)}号",
    ]
    if rng.random() < 0.5:
        lines.insert(0, "关于我们 | 联系我们 | 网站地图 | 法律声明 | 隐私政策")
    return lines


def crawl_bar(rng: random.Random, site: str) -> str:
    """A top bar rendered on the day of the crawl (never the publication date)."""
    crawl = dt.date(2026, 11, 21) - dt.timedelta(days=rng.randint(0, 400))
    return rng.choice(
        [
            f"今天是{crawl.year}年{crawl.month}月{crawl.day}日 {weekday(crawl)}  欢迎访问{site}",
            f"{crawl.year}年{crawl.month:02d}月{crawl.day:02d}日 {weekday(crawl)} | 设为首页 | 加入收藏",
            f"欢迎您！今天是：{crawl:%Y-%m-%d} {weekday(crawl)}",
        ]
    )


def nav_lines(rng: random.Random, site_kind: str) -> list[str]:
    """Navigation bar and breadcrumb of a company site or a portal."""
    if site_kind == "company":
        nav = rng.choice(
            [
                "首页 | 关于我们 | 新闻中心 | 党建工作 | 产品服务 | 社会责任 | 联系我们",
                "网站首页  集团概况  新闻中心  党的建设  企业文化  社会责任  信息公开",
                "首页\n新闻中心\n党建工作\n关于我们\n投资者关系",
            ]
        )
        crumb = rng.choice(
            [
                f"当前位置：首页 > 新闻中心 > {rng.choice(SITE_SECTIONS)}",
                f"您现在的位置：首页 >> {rng.choice(SITE_SECTIONS)} >> 正文",
                f"首页 > 党建工作 > {rng.choice(SITE_SECTIONS)}",
            ]
        )
    else:
        nav = rng.choice(
            ["网站首页 | 网站地图", "首页 | 资讯 | 企业 | 党建 | 观点 | 专题", "首页  新闻  财经  科技  通信"]
        )
        crumb = rng.choice(
            ["首页 > 中国品牌 > 企业党建 > 正文", "当前位置：首页 > 企业动态", "首页 > 通信 > 运营商 > 正文"]
        )
    return [nav, crumb]


def prev_next(
    rng: random.Random, art: Article, *, with_dates: bool, companies: tuple[Company, ...] = COMPANIES
) -> list[str]:
    """上一篇/下一篇 lines naming other articles (with their own dates when ``with_dates``)."""
    t1, t2 = other_titles(rng, 2, companies)
    if with_dates:
        d1, d2 = around(rng, art.hidden, 1, 20), around(rng, art.hidden, 1, 20)
        return [f"上一篇：{t1}  {d1:%Y-%m-%d}", f"下一篇：{t2}  {d2:%Y-%m-%d}"]
    return [f"上一篇：{t1}", f"下一篇：{t2}"]


def related(
    rng: random.Random, art: Article, n: int = 4, companies: tuple[Company, ...] = COMPANIES
) -> list[str]:
    """A related-news block: other companies' headlines with their own dates."""
    head = rng.choice(["相关新闻", "相关阅读", "推荐阅读", "热点新闻"])
    lines = [head]
    for t in other_titles(rng, n, companies):
        d = around(rng, art.hidden, 1, 90)
        lines.append(
            rng.choice([f"· {t}  {d:%Y-%m-%d}", f"{t} [{d:%m-%d}]", f"· {t} {d.year}年{d.month}月{d.day}日"])
        )
    return lines


def site_news(
    rng: random.Random,
    art: Article,
    *,
    fmt: str = "发布时间-iso",
    site_kind: str = "company",
    site: str = "",
    crawl: bool = False,
    prevnext: str = "none",  # none / plain / dated
    related_news: bool = False,
    related_before: bool = False,
    date_above_title: bool = False,
    date_at_bottom: bool = False,
    date_in_title_line: bool = False,
    meta_variant: str = "",
    indent: bool = True,
    tags: bool = False,
) -> str:
    """A company or portal news page scraped to text."""
    site = site or (
        art.co.name
        if art.co and site_kind == "company"
        else rng.choice(["通信产业网", "大国新村", "信息通信周刊"])
    )
    # a company site lists its own news around an article; a portal lists everybody's
    neighbours = (art.co,) if art.co and site_kind == "company" else COMPANIES
    lines: list[str] = []
    if crawl:
        lines.append(crawl_bar(rng, site))
    lines.extend(nav_lines(rng, site_kind))
    if site_kind != "company":
        lines.insert(len(lines) - 1, site)
    if related_before:
        lines.extend(related(rng, art, 3, neighbours))
    meta = meta_line(rng, art.date, fmt, source=art.source, author=art.author, variant=meta_variant)
    if date_at_bottom:
        lines += [art.title, f"来源：{art.source}"]
    elif date_in_title_line and art.date is not None:
        lines += [f"{art.title}    {art.date:%Y-%m-%d}", f"来源：{art.source}"]
    elif date_above_title:
        lines += [meta, art.title]
    else:
        lines += [art.title, meta]
    if rng.random() < 0.4:
        lines.append(
            rng.choice(
                [
                    "【字体：大 中 小】【打印】【关闭】",
                    "字号：大 中 小",
                    "【大 中 小】 【打印本页】 【关闭窗口】",
                ]
            )
        )
    pad = "　　" if indent else rng.choice(["", "", "&nbsp;&nbsp;&nbsp;&nbsp;"])
    body = [pad + p for p in art.paras]
    if rng.random() < 0.25:
        body.insert(1, rng.choice(["image.png", "[图片]", "图为会议现场。", f"（摄影：{person(rng)}）"]))
    lines += body
    if date_at_bottom:
        lines.append(META_FORMATS[fmt](art.date, rng) if art.date else "")
    if rng.random() < 0.6:
        lines.append(
            f"（责任编辑：{rng.choice(EDITORS)}）" if rng.random() < 0.5 else f"编辑：{rng.choice(EDITORS)}"
        )
    if tags and art.co:
        lines.append(f"标签: 党建   {art.co.name}")
    if rng.random() < 0.6:
        lines.append("分享到：微信 微博 QQ空间")
    if prevnext != "none":
        lines += prev_next(rng, art, with_dates=prevnext == "dated", companies=neighbours)
    if related_news:
        lines += related(rng, art, rng.randint(3, 5), neighbours)
    owner = art.co.full if art.co and site_kind == "company" else site
    lines += footer(rng, owner, art.hidden.year)
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    return sep.join(lines) + "\n"


def people_daily(rng: random.Random, art: Article) -> str:
    """人民网 style: channel line, title, 'YYYY年MM月DD日HH:MM  来源：人民网-人民日报'."""
    assert art.date is not None
    d = art.date
    channel = rng.choice(
        ["人民网 >> 经济·科技 >> 正文", "人民网首页 | 财经 | 科技 | 党建", "人民网>>党建>>正文"]
    )
    stamp = f"{d.year}年{d.month:02d}月{d.day:02d}日{hm(rng)}"
    src = rng.choice(["人民网-人民日报", "人民网－人民日报海外版", "人民网-经济频道", "人民网"])
    sep = rng.choice(["  ", " | ", "  |  "])
    lines = [channel, art.title, f"{stamp}{sep}来源：{src}", "分享到："]
    paras = list(art.paras)
    if rng.random() < 0.5:
        paras[0] = f"本报北京{d.month}月{d.day}日电  （记者{person(rng)}）" + paras[0]
    lines += ["　　" + p for p in paras]
    lines.append("(责编：{}、{})".format(*rng.sample(EDITORS, 2)))
    lines += ["关注公众号：人民网财经", "分享让更多人看到"]
    lines += related(rng, art, 3)
    lines.append(
        "人民日报社概况 | 关于人民网 | 报社招聘 | 招聘英才 | 广告服务 | 合作加盟 | 供稿服务 | 网站声明 | 网站律师 | 信息保护 | 联系我们"
    )
    lines.append(
        f"人民网版权所有，未经书面授权禁止使用  Copyright © 1997-{min(2026, d.year + 2)} by www.people.com.cn. all rights reserved"
    )
    return "\n".join(lines) + "\n"


def xinhua(rng: random.Random, art: Article, *, stated: bool) -> str:
    """新华网 style; the dateline '新华社北京3月5日电' has no year. ``stated``: the page header has the date."""
    d = art.hidden
    lines = [rng.choice(["新华网 > > 正文", "新华网首页 > 时政 > 正文"]), art.title]
    if stated:
        assert art.date is not None
        lines.append(f"{art.date:%Y-%m-%d} {hm(rng)}:{rng.randint(0, 59):02d}　来源：新华网")
    elif rng.random() < 0.5:
        lines.append("来源：新华网")
    paras = list(art.paras)
    paras[0] = f"新华社北京{d.month}月{d.day}日电（记者{person(rng)}、{person(rng)}）" + paras[0]
    lines += paras
    lines += (
        [f"【纠错】 【责任编辑：{rng.choice(EDITORS)} 】", "新华网版权所有"]
        if stated
        else [f"责任编辑：{rng.choice(EDITORS)}"]
    )
    return "\n".join(lines) + "\n"


def sasac(rng: random.Random, art: Article) -> str:
    """国资委网站 style: '文章来源：中国移动 发布时间：2023-12-18' and print/close links."""
    lines = [
        "国务院国有资产监督管理委员会",
        "首页 | 机构概况 | 新闻发布 | 政务公开 | 国资监管 | 央企动态 | 党的建设",
        rng.choice(
            ["首页 > 央企动态 > 企业党建", "当前位置：首页 > 党的建设 > 央企党建", "首页 > 国资委 > 央企动态"]
        ),
        art.title,
    ]
    info = f"文章来源：{art.source}"
    if art.date is not None:
        info += f"  发布时间：{art.date:%Y-%m-%d}"
    lines += [info, "【字体：大 中 小】【打印】【关闭】"]
    lines += ["　　" + p for p in art.paras]
    lines += [
        "【打印】 【关闭】",
        "主办单位：国务院国有资产监督管理委员会  版权所有：国务院国有资产监督管理委员会",
        f"{icp(rng)}  网站标识码bm21000001",
    ]
    return "\n".join(lines) + "\n"


def wechat(rng: random.Random, art: Article, *, account: str, stamp: str) -> str:
    """A WeChat article as seen on a mirror site."""
    lines = [art.title]
    lines.append(stamp)
    lines.append(account)
    lines.append(
        rng.choice(["点击蓝字 关注我们", "点击上方蓝字关注我们", "▲点击上方“" + account + "”关注我们"])
    )
    for i, p in enumerate(art.paras):
        if i and rng.random() < 0.25:
            lines.append(f"0{i}")
        lines.append(p)
    lines += ["- END -", f"来源：{account}", f"编辑：{rng.choice(EDITORS)} | 审核：{rng.choice(EDITORS)}"]
    lines += rng.choice(
        [
            ["阅读原文"],
            ["阅读原文", "预览时标签不可点", "微信扫一扫", "关注该公众号", "知道了"],
            ["往期推荐", *other_titles(rng, 2), "分享", "收藏", "点赞", "在看", "阅读原文"],
        ]
    )
    return "\n".join(lines) + "\n"


def wechat_stamp(rng: random.Random, d: dt.date, co: Company, account: str) -> tuple[str, str]:
    """(header line, format key) of a WeChat article published on ``d``."""
    author = rng.choice([account, co.name, f"{co.name}党建"])
    if d.year >= 2022 and rng.random() < 0.6:
        return (
            f"原创 {author} {account} {d:%Y-%m-%d} {hm(rng)} 发表于{rng.choice(PROVINCES)}",
            "wx-原创-发表于",
        )
    options = [
        (f"原创 {author} {account} {d:%Y-%m-%d}", "wx-原创-iso"),
        (f"{account} {d.year}年{d.month:02d}月{d.day:02d}日 {hm(rng)}", "wx-cn-hm"),
        (f"{d:%Y-%m-%d}", "wx-bare-iso"),
        (f"{author}  {account}  {d.year}-{d.month}-{d.day}", "wx-nopad"),
    ]
    return rng.choice(options)


# PDF artefacts -----------------------------------------------------------------------------------


def pdf_spaces(rng: random.Random, text: str, rate: float = 0.04) -> str:
    """Insert the spaces a PDF text layer puts between characters and around punctuation."""
    out: list[str] = []
    for ch in text:
        if ch in "，。；：、" and rng.random() < 0.3:
            out.append(" " + ch if rng.random() < 0.5 else ch + " ")
            continue
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < rate:
            out.append(" ")
    return "".join(out)


def hard_wrap(rng: random.Random, text: str) -> list[str]:
    """Cut a paragraph into the fixed-width lines of a PDF text layer."""
    width = rng.randint(26, 38)
    return [text[i : i + width] for i in range(0, len(text), width)]


def pdf_doc(
    rng: random.Random,
    art: Article,
    *,
    date_line: str | None,
    header: str = "",
    wrap: bool = True,
    split_title: bool = True,
) -> str:
    """Text extracted from a PDF: spaced characters, a split title, page markers, running headers."""
    lines: list[str] = []
    if header:
        lines.append(header)
    title = art.title
    if split_title and len(title) > 8:
        cut = rng.randint(4, len(title) - 3)
        title = title[:cut] + rng.choice([" ", "\n"]) + title[cut:]
    lines.append(rng.choice(["", "# "]) + title)
    if date_line:
        lines.append(date_line)
    if rng.random() < 0.5:
        lines.append(f"本报记者  {person(rng)}")
    page = 1
    for i, p in enumerate(art.paras):
        body = pdf_spaces(rng, p)
        lines += hard_wrap(rng, body) if wrap else [body]
        if i % 3 == 2 and i < len(art.paras) - 1:
            page += 1
            lines += ["<PAGE_DIV>", f"— {page} —"]
            if header:
                lines.append(header)
    lines.append("<PAGE_DIV>")
    return "\n".join(lines) + "\n"


# Official notices ---------------------------------------------------------------------------------

NOTICE_ITEMS = (
    "充分认识重要意义。各单位要从讲政治的高度，充分认识开展此项工作的重要性和紧迫性，切实把思想和行动统一到党中央决策部署上来。",
    "明确目标任务。坚持问题导向、目标导向和结果导向，聚焦重点领域和关键环节，推动各项任务落地见效。",
    "抓好组织实施。各级党组织书记要履行第一责任人职责，亲自部署、亲自推动，班子成员要落实“一岗双责”。",
    "加强宣传引导。要充分运用内网、新媒体等平台，及时总结推广好经验好做法，营造良好氛围。",
    "严格督促检查。集团公司将适时开展督导检查，对工作不力的单位进行通报。",
)


def notice(
    rng: random.Random,
    co: Company,
    sign_date: dt.date,
    *,
    sign_style: str,  # cn-〇 / cn-○ / cn-零 / arabic
    web_date: dt.date | None = None,
    printed: bool = False,
    pdf: bool = False,
) -> tuple[str, str]:
    """(text, title) of an official notice signed by the company's party group on ``sign_date``."""
    y = sign_date.year
    campaign = _era(CAMPAIGNS, y)
    verb = "认真" if str(campaign).startswith(("学习宣传贯彻", "学习贯彻党的")) else "扎实开展"
    title = f"关于{verb}{campaign}的通知" if rng.random() < 0.5 else "关于进一步加强基层党组织建设的通知"
    number = f"{co.wenhao}〔{y}〕{rng.randint(3, 90)}号"
    deadline = sign_date + dt.timedelta(days=rng.randint(10, 40))
    cited = sign_date - dt.timedelta(days=rng.randint(30, 400))
    body = [
        "各省级分公司党委，集团总部各部门党支部，各直属单位党委：",
        f"为深入贯彻落实党中央关于全面从严治党的决策部署，根据《关于加强中央企业党的建设工作的意见》"
        f"（{cited.year}年{cited.month}月印发）有关要求，经{co.name}{co.party}研究，决定在全集团深入开展此项工作。"
        "现就有关事项通知如下。",
        *(
            f"{'一二三'[i]}、{NOTICE_ITEMS[j]}"
            for i, j in enumerate(sorted(rng.sample(range(len(NOTICE_ITEMS)), 3)))
        ),
        f"请各单位于{deadline.year}年{deadline.month}月{deadline.day}日前将工作方案报集团公司党建工作部。",
        f"联系人：{person(rng)}  联系电话：010-{rng.randint(60000000, 69999999)}",
        "附件：1.工作任务分工表\n2.工作情况统计表",
    ]
    if sign_style.startswith("cn"):
        sig_date = cn_date(sign_date, zero=sign_style[-1])
    else:
        sig_date = f"{sign_date.year}年{sign_date.month}月{sign_date.day}日"
    lines: list[str] = []
    if web_date is not None:
        lines += [
            *nav_lines(rng, "company"),
            title,
            f"发布时间：{web_date:%Y-%m-%d}  来源：{co.name}{co.party}办公室",
        ]
    else:
        lines += [f"{co.name}{co.party}文件", number, title]
    lines += body
    lines += [f"{co.name}{co.party}", sig_date]
    if rng.random() < 0.5:
        lines.append("（此件发至各省级分公司）")
    if printed:
        later = sign_date + dt.timedelta(days=rng.randint(1, 4))
        lines += [
            "抄送：集团公司领导，总部各部门。",
            f"{co.name}{co.party}办公室  {later.year}年{later.month}月{later.day}日印发",
        ]
    if pdf:
        lines = [pdf_spaces(rng, ln, 0.03) for ln in lines]
        lines.insert(len(lines) // 2, "<PAGE_DIV>")
        lines.append("<PAGE_DIV>")
    return "\n".join(lines) + "\n", title


# Jekyll / Markdown / HTML -------------------------------------------------------------------------


def html_paras(rng: random.Random, paras: list[str]) -> str:
    """Paragraphs as CMS HTML: <p>, entities, &nbsp; indents, an <img>."""
    out = []
    for p in paras:
        p = p.replace("“", "&ldquo;").replace("”", "&rdquo;") if rng.random() < 0.3 else p
        lead = "&nbsp;&nbsp;&nbsp;&nbsp;" if rng.random() < 0.4 else ""
        out.append(f"<p>{lead}{p}</p>")
    if rng.random() < 0.6:
        img = f'<p style="text-align:center;"><img src="/uploads/{rng.randint(100000, 999999)}.jpg" alt="" width="600" /></p>'
        out.insert(1, img)
    return "".join(out) if rng.random() < 0.5 else "\n".join(out)


def jekyll(rng: random.Random, art: Article, *, date_value: str | None, quote_title: bool = True) -> str:
    """A Jekyll post mirroring a news item: YAML front matter + HTML body (seed 003's layout)."""
    cat, cat_cn, src = rng.choice(
        [
            ("renminyoudianbao", "人民邮电报新闻", "人民邮电报"),
            ("txcy", "通信产业新闻", "通信产业报"),
            ("qiyedangjian", "企业党建", art.source),
        ]
    )
    fm = ["---", "layout: post", f'title: "{art.title}"' if quote_title else f"title: {art.title}"]
    if date_value is not None:
        fm.append(f"date: {date_value}")
    fm += [f"categories: {cat}", f"tags: {cat_cn}", "---"]
    body = html_paras(rng, art.paras)
    if rng.random() < 0.5:
        body = (
            '<!-- EM_StockImg_Start --><p style="text-align:center;"><img src="https://img.example.cn/k.png" '
            'border="0" alt="K图" /></p><!-- EM_StockImg_End -->' + body
        )
    body += f'<p class="em_media">（文章来源：{src}）</p>'
    code = f"NW{art.hidden:%Y%m%d}{rng.randint(10**9, 10**10 - 1)}"
    tail = [
        f"<http://finews.example.com/html_News/NewsShare.html?infoCode={code}>",
        f"[返回{cat_cn}](//finews.example.com/category/{cat}.html)｜[返回首页](//finews.example.com/)",
    ]
    return "\n".join(fm) + "\n" + body + "\n\n" + "\n\n".join(tail)


DISCLAIMER = (
    "本文档为 2024 CCF BDCI 比赛用语料的一部分。部分文档使用大语言模型改写生成,内容可能与现实情况不符,"
    "可能不具备现实意义,仅允许在本次比赛中使用。"
)


def to_halfwidth_commas(text: str) -> str:
    return text.replace("，", ",").replace("；", ";")


def markdown_doc(rng: random.Random, art: Article, *, date_line: str | None, disclaimer: bool) -> str:
    """Seed-000/001-like markdown: heading title, date line, '##' sections, <PAGE_DIV> page ends."""
    lines = []
    if disclaimer:
        lines.append(DISCLAIMER)
    lines.append(rng.choice(["# ", "## ", ""]) + art.title)
    if date_line:
        lines.append(date_line)
    heads = [
        "一、提高政治站位，统一思想认识",
        "二、突出工作重点，狠抓任务落实",
        "三、强化组织保障，确保取得实效",
    ]
    for i, p in enumerate(art.paras):
        if i in (1, 3, 5) and heads:
            lines.append("## " + heads.pop(0))
        p = to_halfwidth_commas(p) if rng.random() < 0.7 else p
        lines.append(p + ("<PAGE_DIV>" if i % 3 == 2 else ""))
    lines[-1] += "<PAGE_DIV>"
    return "\n\n".join(lines) + "\n"


def html_page(
    rng: random.Random,
    art: Article,
    *,
    charset: str,
    visible_date: str | None,
    meta_date: str | None,
    crawl: bool,
    related_news: bool,
) -> str:
    """A full HTML page of a company site."""
    site = art.co.name if art.co else "信息通信周刊"
    owner = art.co.full if art.co else site
    section = rng.choice(SITE_SECTIONS)
    head = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        f'<meta charset="{charset}">'
        if rng.random() < 0.5
        else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{art.title}_{section}_{site}</title>",
        f'<meta name="keywords" content="党建,{site},{section}">',
        f'<meta name="description" content="{art.paras[0][:60]}">',
    ]
    if meta_date:
        head.append(f'<meta name="{rng.choice(["publishdate", "PubDate"])}" content="{meta_date}">')
    crawl_day = dt.date(2026, 11, 21) - dt.timedelta(days=rng.randint(0, 300))
    head += [
        '<link rel="stylesheet" href="/css/main.css">',
        '<style type="text/css">.nav li{float:left;} .content p{text-indent:2em;}</style>',
        f'<script type="text/javascript">var buildTime = "{crawl_day:%Y-%m-%d} 09:00"; var siteId = {rng.randint(1, 99)};</script>',
        "</head>",
    ]
    body = ["<body>"]
    if crawl:
        body.append(f'<div class="top"><span id="today">{crawl_bar(rng, site)}</span></div>')
    body.append(
        '<ul class="nav">'
        + "".join(
            f'<li><a href="/{i}/">{n}</a></li>'
            for i, n in enumerate(["首页", "关于我们", "新闻中心", "党建工作", "社会责任", "联系我们"])
        )
        + "</ul>"
    )
    body.append(
        f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/news/">新闻中心</a> &gt; {section}</div>'
    )
    body.append(f'<div class="article"><h1>{art.title}</h1>')
    info = []
    if visible_date:
        info.append(f"<span>{visible_date}</span>")
    info.append(f"<span>来源：{art.source}</span>")
    if rng.random() < 0.5:
        info.append(f'<span>浏览次数：<em id="hits">{rng.randint(100, 9999)}</em></span>')
    body.append('<div class="info">' + "&nbsp;&nbsp;".join(info) + "</div>")
    body.append('<div class="content">' + html_paras(rng, art.paras) + "</div>")
    t1, t2 = other_titles(rng, 2, (art.co,) if art.co else COMPANIES)
    body.append(
        f'<div class="pn"><p>上一篇：<a href="/a/{rng.randint(1000, 9999)}.html">{t1}</a></p>'
        f'<p>下一篇：<a href="/a/{rng.randint(1000, 9999)}.html">{t2}</a></p></div></div>'
    )
    if related_news:
        items = []
        for t in other_titles(rng, 4, (art.co,) if art.co else COMPANIES):
            d = around(rng, art.hidden, 1, 60)
            items.append(
                f'<li><a href="/a/{rng.randint(1000, 9999)}.html">{t}</a><span>{d:%Y-%m-%d}</span></li>'
            )
        body.append('<div class="related"><h3>相关新闻</h3><ul>' + "".join(items) + "</ul></div>")
    body.append(
        f'<div class="footer">版权所有 &copy; 2008-{min(2026, art.hidden.year + 1)} {owner} {icp(rng)}</div>'
    )
    body.append(
        '<script>var _hmt = _hmt || []; (function(){ var hm = document.createElement("script"); })();</script>'
    )
    body += ["</body>", "</html>"]
    return "\n".join(head + body) + "\n"


# --------------------------------------------------------------------------------------------------
# Mirror noise, script, encodings

PINYIN = {
    "中": "zhōng",
    "国": "guó",
    "國": "guó",
    "联": "lián",
    "聯": "lián",
    "通": "tōng",
    "移": "yí",
    "动": "dòng",
    "動": "dòng",
    "电": "diàn",
    "電": "diàn",
    "信": "xìn",
    "铁": "tiě",
    "鐵": "tiě",
    "塔": "tǎ",
    "广": "guǎng",
    "廣": "guǎng",
    "家": "jiā",
    "党": "dǎng",
    "黨": "dǎng",
    "建": "jiàn",
    "会": "huì",
    "會": "huì",
    "议": "yì",
    "議": "yì",
    "学": "xué",
    "學": "xué",
    "习": "xí",
    "習": "xí",
    "发": "fā",
    "發": "fā",
    "展": "zhǎn",
    "新": "xīn",
    "公": "gōng",
    "司": "sī",
    "工": "gōng",
    "作": "zuò",
    "网": "wǎng",
    "網": "wǎng",
    "络": "luò",
    "絡": "luò",
    "企": "qǐ",
    "业": "yè",
    "業": "yè",
    "治": "zhì",
    "政": "zhèng",
    "教": "jiào",
    "育": "yù",
    "强": "qiáng",
    "高": "gāo",
    "质": "zhì",
    "質": "zhì",
    "量": "liàng",
    "数": "shù",
    "數": "shù",
    "字": "zì",
    "人": "rén",
    "民": "mín",
    "时": "shí",
    "時": "shí",
    "代": "dài",
    "全": "quán",
    "面": "miàn",
    "领": "lǐng",
    "領": "lǐng",
    "导": "dǎo",
    "導": "dǎo",
    "组": "zǔ",
    "組": "zǔ",
    "织": "zhī",
    "織": "zhī",
    "布": "bù",
    "佈": "bù",
    "间": "jiān",
    "間": "jiān",
    "书": "shū",
    "書": "shū",
    "记": "jì",
    "記": "jì",
    "团": "tuán",
    "團": "tuán",
    "集": "jí",
}


def gloss_pinyin(rng: random.Random, text: str, rate: float) -> str:
    """Mirror-site noise: a pinyin gloss after characters, e.g. 國(guó)家(jiā); company names always."""
    names = [c.name for c in COMPANIES] + ["中國聯通", "中國移動", "中國電信", "中國鐵塔", "中國廣電"]
    protected: set[int] = set()
    for name in names:
        start = text.find(name)
        while start != -1:
            protected.update(range(start, start + len(name)))
            start = text.find(name, start + 1)
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch in PINYIN and (i in protected or rng.random() < rate):
            out.append(f"({PINYIN[ch]})")
    return "".join(out)


@functools.lru_cache(maxsize=4)
def _converter(variant: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(variant)


def traditional(text: str, variant: str = "s2hk") -> str:
    """Simplified -> traditional with OpenCC (HK or TW conventions)."""
    return str(_converter(variant).convert(text))


_BIG5_SUBSTITUTES = {"©": "(C)", "〇": "○", "•": "·", "▲": "△", "－": "-", "｜": "|"}


def encode(text: str, encoding: str, *, crlf: bool = False) -> tuple[bytes, str]:
    """Bytes of ``text`` in ``encoding`` (falls back to utf-8 when it cannot be encoded); the encoding used."""
    if crlf:
        text = text.replace("\n", "\r\n")
    if encoding == "big5":
        for a, b in _BIG5_SUBSTITUTES.items():
            text = text.replace(a, b)
    try:
        if encoding == "utf-16":
            return text.encode("utf-16"), encoding  # with BOM, as Windows Notepad writes it
        return text.encode(encoding), encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


# --------------------------------------------------------------------------------------------------
# Documents about none of the companies

SOES = (
    "中国石油",
    "中国石化",
    "国家电网",
    "中国建筑",
    "中国中车",
    "招商局集团",
    "中国宝武",
    "国家能源集团",
    "中国中化",
    "中国航天科技",
    "中国一汽",
    "东方电气",
    "中国华能",
    "中国电建",
    "鞍钢集团",
    "中国五矿",
    "中国电子",
    "中国电科",
    "中国华电",
)


def sasac_meeting_paras(rng: random.Random, d: dt.date) -> tuple[str, list[str]]:
    """A SASAC meeting where one telecom company speaks among many SOEs (about none of them)."""
    telecom = rng.choice(COMPANIES[:3]).name
    speakers = [*rng.sample(SOES, rng.randint(5, 7)), telecom]
    rng.shuffle(speakers)
    title = rng.choice(
        [
            "国务院国资委党委召开中央企业党建工作座谈会",
            "中央企业党风廉政建设和反腐败工作会议在京召开",
            f"国资委召开中央企业{_era(CAMPAIGNS, d.year)}推进会",
        ]
    )
    paras = [
        f"{d.month}月{d.day}日，国务院国资委党委在京召开会议，深入学习贯彻党中央关于加强国有企业党的建设的决策部署，"
        f"国务院国资委党委书记、主任{person(rng)}出席会议并讲话。",
        "会议指出，国有企业是中国特色社会主义的重要物质基础和政治基础，是党执政兴国的重要支柱和依靠力量。",
        "会议强调，要坚持党对国有企业的全面领导，把加强党的领导和完善公司治理统一起来，推动中央企业加快建设世界一流企业。"
        "要持续深化国有企业改革，切实增强核心功能、提高核心竞争力。",
        f"会上，{'、'.join(speakers)}等{len(speakers)}家中央企业党委（党组）主要负责同志作交流发言。",
        "各中央企业党委（党组）书记、分管负责同志，国资委有关厅局负责同志参加会议。",
    ]
    return title, paras


def fraud_paras(rng: random.Random, d: dt.date) -> tuple[str, list[str]]:
    """An anti-fraud article (电信网络诈骗): telecom words, about none of the companies."""
    prov = rng.choice(PROVINCES)
    title = rng.choice(
        [
            "警惕新型电信网络诈骗 守护好群众“钱袋子”",
            f"{prov}警方破获一起特大电信网络诈骗案",
            "反诈宣传进社区 筑牢全民反诈防线",
        ]
    )
    paras = [
        f"近日，{prov}省公安厅通报了一起电信网络诈骗典型案例。犯罪嫌疑人冒充电商客服，以退款为由诱导受害人下载"
        f"共享屏幕软件，骗取资金{rng.randint(3, 90)}万余元。",
        "警方提示，凡是自称客服要求转账的、要求下载陌生软件的、索要短信验证码的，都是诈骗。",
        "移动支付给生活带来便利的同时，也给不法分子以可乘之机。公安机关会同电信主管部门和金融机构，持续加强涉诈"
        "电话卡、银行卡治理，电信企业要严格落实电话用户实名登记制度。",
        "广大群众要提高警惕，不轻信、不透露、不转账，遇到可疑情况及时拨打110报警。",
    ]
    return title, paras


def nrta_notice(rng: random.Random, d: dt.date, *, cn_sign: bool) -> tuple[str, str]:
    """A 广电总局 notice (about none of the companies), signed on ``d``."""
    title = rng.choice(
        [
            "国家广播电视总局办公厅关于做好重要保障期广播电视安全播出工作的通知",
            "国家广播电视总局办公厅关于进一步加强广播电视和网络视听文艺节目管理的通知",
        ]
    )
    lines = [
        title,
        "各省、自治区、直辖市广播电视局，新疆生产建设兵团文化体育广电和旅游局，总局机关各司局、直属各单位：",
        "为切实做好重要保障期广播电视安全播出工作，现将有关事项通知如下。",
        "一、提高政治站位。广电行业各单位要充分认识做好安全播出工作的重要意义，压紧压实各方责任。",
        "二、加强技术保障。各级有线电视网络、直播卫星和地面无线传输覆盖网要全面排查安全隐患，完善应急预案。",
        "三、严格值班值守。各单位要落实领导带班和24小时值班制度，发现问题第一时间处置并报告。",
        "国家广播电视总局办公厅",
        cn_date(d) if cn_sign else f"{d.year}年{d.month}月{d.day}日",
        "（此件主动公开）",
    ]
    return "\n".join(lines) + "\n", title


def tech_paras(rng: random.Random, d: dt.date, *, report_trap: bool) -> tuple[str, list[str]]:
    """A 5G / 移动通信 technology article (about none of the companies)."""
    title = rng.choice(
        ["5G移动通信技术的发展与展望", "第五代移动通信技术赋能千行百业", "从1G到5G：移动通信技术的演进"]
    )
    paras = [
        "移动通信技术大约每十年更新换代一次。第五代移动通信技术（5G）具有高速率、低时延、大连接等特点，"
        "是新型基础设施的重要组成部分。",
        f"截至{d.year - 1}年底，我国5G基站总数持续增长，5G移动电话用户规模不断扩大，网络覆盖全国所有地级市城区。",
        "在工业互联网、车联网、智慧医疗等领域，5G应用正从“样板间”走向“商品房”。电信运营商、设备制造商和"
        "垂直行业用户需要加强协同，共同培育应用生态。",
        "移动互联网的快速发展，深刻改变了人们的生产生活方式。专家认为，下一步要加快推进5G-A和6G技术研发，"
        "实现网络互联互通和数据安全有序流动。",
    ]
    if report_trap:
        paras.insert(
            2,
            f"据《中国移动互联网发展报告（{d.year}）》显示，我国移动互联网用户规模稳步增长，"
            "移动互联网接入流量持续攀升。",
        )
    return title, paras


def soe_paras(rng: random.Random, d: dt.date) -> tuple[str, list[str]]:
    """Party news of another SOE, with telecom-looking words (互联互通, 输电铁塔, 电信)."""
    soe, extra = rng.choice(
        [
            ("中国邮政", "中国邮政持续推进寄递物流网络互联互通，不断提升农村地区寄递服务水平。"),
            ("国家电网", "国家电网组织党员突击队开展输电铁塔巡检，确保迎峰度夏期间电网安全稳定运行。"),
            ("中国石化", "中国石化加快推进加油站网络数字化改造，实现各类服务平台互联互通。"),
            ("中国华能", "中国华能推动新能源场站与电网调度系统互联互通，电力通信保障能力显著增强。"),
        ]
    )
    ctx = make_ctx(rng, None, d)
    ctx.ref = soe
    ctx.branch = f"{soe}{rng.choice(PROVINCES)}公司"
    title = f"{soe}{rng.choice(['召开', '举行'])}{rng.choice(MEETINGS[:3])}"
    paras = company_body(ctx, rng.randint(4, 6))
    paras.insert(2, extra)
    return title, paras


def miit_paras(rng: random.Random, d: dt.date) -> tuple[str, list[str]]:
    """A ministry meeting that names the three operators equally (about none of them)."""
    title = rng.choice(["工业和信息化部召开基础电信企业座谈会", "工信部部署进一步提升移动互联网应用服务能力"])
    paras = [
        f"{d.month}月{d.day}日，工业和信息化部召开座谈会，听取基础电信企业关于网络建设和服务质量的情况汇报，"
        "研究部署下一阶段重点工作。",
        "中国电信、中国移动、中国联通有关负责同志参加座谈并发言。",
        "会议要求，基础电信企业要持续提升网络供给能力，切实维护用户合法权益，坚决整治骚扰电话、不合理资费等问题。",
        "会议强调，要统筹发展和安全，加强网络和数据安全保障，推动行业高质量发展。",
    ]
    return title, paras


def industry_history_paras(rng: random.Random, d: dt.date) -> tuple[str, list[str]]:
    """An industry overview where 中国电信业 means China's telecom industry."""
    title = "改革开放以来我国信息通信业发展成就综述"
    paras = [
        "改革开放以来，中国电信业走过了从“跟跑”到“并跑”再到“领跑”的发展历程。",
        "固定电话、移动电话从稀缺资源变为寻常百姓家的日常用品，宽带网络实现了从无到有、从慢到快的跨越。",
        "信息通信业持续深化改革，引入竞争机制，行业发展活力不断增强，电信业务收入和业务总量保持增长。",
        "展望未来，信息通信业将在建设网络强国和数字中国中发挥更加重要的作用。",
    ]
    return title, paras


# --------------------------------------------------------------------------------------------------
# Multi-company paragraphs (the subject is named in the title; others are partners)


def partner_paras(ctx: Ctx) -> list[str]:
    """Paragraphs naming the partner companies of the subject (共建共享)."""
    k = ctx.rng.randint(5, 90)
    ref = ctx.ref
    if ctx.co is not None and ctx.co.name == "中国铁塔":
        return [
            f"{ref}坚持共享发展理念，统筹满足中国移动、中国联通、中国电信三家电信企业的建设需求，累计承接塔类项目需求{k}万个。",
            f"通过共建共享，中国移动、中国联通和中国电信的新建铁塔共享率大幅提升，{ref}节约了大量社会资源。",
        ]
    if ctx.co is not None and ctx.co.name == "中国广电":
        return [
            f"{ref}与中国移动携手推进700MHz 5G网络共建共享，双方按照约定共同投资建设无线网络。",
            f"中国移动负责网络运营维护，{ref}按照约定支付网络维护费用，实现了优势互补、合作共赢。",
        ]
    return [
        f"{ref}与中国联通深化5G网络共建共享，双方累计开通共享基站{k}万个，节约投资超过百亿元。",
        f"中国联通有关负责同志表示，将与{ref}继续深化合作，推动共建共享向纵深发展。",
    ]


# --------------------------------------------------------------------------------------------------
# The corpus


@dataclass
class Doc:
    """One generated file and its truth."""

    ext: str
    text: str
    date: dt.date | None
    company: str
    note: str
    encoding: str = "utf-8"
    crlf: bool = False


class _Builder:
    """Builds the documents of each category; one RNG, so the corpus is a function of the seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.docs: list[Doc] = []
        self._fmt_cycle = 0

    # helpers ----------------------------------------------------------------------------------
    def pick(self, lo: int = 2008, hi: int = 2026, names: tuple[str, ...] = ()) -> tuple[Company, dt.date]:
        r = self.rng
        co = BY_NAME[r.choice(names)] if names else r.choices(COMPANIES, weights=[26, 26, 24, 12, 12])[0]
        low = max(lo, co.since)
        if co.name == "中国广电" and r.random() < 0.7:
            low = max(low, 2019)
        return co, random_date(r, low, max(low, hi))

    def next_fmt(self) -> str:
        keys = list(META_FORMATS)
        fmt = keys[self._fmt_cycle % len(keys)]
        self._fmt_cycle += 1
        return fmt

    def web_encoding(self) -> tuple[str, bool]:
        r = self.rng
        enc = r.choices(["utf-8", "gb18030", "utf-8-sig"], weights=[5, 3, 2])[0]
        return enc, r.random() < 0.2

    def article(
        self,
        co: Company,
        d: dt.date,
        *,
        stated: bool,
        style: str = "canonical",
        n_par: tuple[int, int] = (4, 8),
        past_event: bool = False,
        generic_title: bool = False,
        year_in_title: bool = False,
        lead: str | None = None,
    ) -> tuple[Article, Ctx]:
        r = self.rng
        ctx = make_ctx(r, co, d, style)
        title = r.choice(TITLE_TAILS) if generic_title else company_title(ctx, year_in_title=year_in_title)
        paras = company_body(ctx, r.randint(*n_par), past_event=past_event, lead=lead)
        source = r.choice(
            [
                co.name,
                ctx.branch,
                "新闻宣传中心",
                f"{co.name}{co.party if r.random() < 0.5 else ''}党建工作部",
            ]
        )
        if style == "branch":
            source = ctx.ref
        art = Article(title, paras, d if stated else None, d, co, source, author=person(r))
        return art, ctx

    def add(self, doc: Doc) -> None:
        self.docs.append(doc)

    # categories -------------------------------------------------------------------------------
    def site_news(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            style = r.choices(["canonical", "branch", "city", "full", "informal"], weights=[12, 4, 2, 2, 2])[
                0
            ]
            if style == "city" and co.name == "中国广电":
                style = "branch"
            generic = r.random() < 0.12
            full_lead = r.random() < 0.15
            lead = None
            if full_lead:  # the lead opens with the event's full date, a day or two before publication
                ev = d - dt.timedelta(days=r.randint(1, 3))
                lead = (
                    f"{ev.year}年{ev.month}月{ev.day}日，"
                    + "{co}召开{meeting}，{co}{party}书记、{chair}{leader}出席会议并讲话。"
                )
            art, _ = self.article(
                co,
                d,
                stated=True,
                style=style,
                past_event=r.random() < 0.25,
                generic_title=generic,
                lead=lead,
            )
            fmt = self.next_fmt()
            traps = {
                "full-date-lead": full_lead,
                "crawl": r.random() < 0.3,
                "prevnext": r.choice(["none", "plain", "dated", "dated"]),
                "related": r.random() < 0.3,
                "related_before": r.random() < 0.1,
                "date_above_title": r.random() < 0.15,
            }
            text = site_news(
                r,
                art,
                fmt=fmt,
                crawl=traps["crawl"],
                prevnext=traps["prevnext"],
                related_news=traps["related"],
                related_before=traps["related_before"],
                date_above_title=traps["date_above_title"],
                indent=r.random() < 0.7,
            )
            enc, crlf = self.web_encoding()
            on = [k if v is True else f"{k}={v}" for k, v in traps.items() if v and v != "none"]
            note = f"site_news: fmt={fmt}; names={style}{'+generic-title' if generic else ''}; {','.join(on)}"
            self.add(Doc("txt", text, d, co.name, note, enc, crlf))

    def site_news_layouts(self) -> None:
        """Less common but real layouts of the date on a page."""
        r = self.rng
        plans = (
            [("split", False)] * 3
            + [("fullwidth", False)] * 2
            + [("", True)] * 3
            + [("title-line", False)] * 2
        )
        for variant, bottom in plans:
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True, style=r.choice(["canonical", "branch", "city"]))
            fmt = r.choice(["发布时间-iso", "发布日期-cn-pad", "日期-cn", "时间-seconds"])
            text = site_news(
                r,
                art,
                fmt=fmt,
                prevnext="dated",
                meta_variant=variant,
                date_at_bottom=bottom,
                date_in_title_line=variant == "title-line",
                related_news=r.random() < 0.5,
            )
            what = "date at the bottom, after the body" if bottom else f"meta line {variant}"
            if variant == "title-line":
                what, fmt = "title and date on one line ('标题    2019-06-12')", "bare-iso"
            self.add(
                Doc(
                    "txt",
                    text,
                    d,
                    co.name,
                    f"layout: {what}; fmt={fmt}; prevnext dated",
                    *self.web_encoding(),
                )
            )

    def evaluator_patterns(self) -> None:
        """Layouts the independent evaluator found breaking extraction (filed under existing categories).

        A labelled meta line with a weekday above the title; the three operators in one enumeration;
        province/city 铁塔 branches outside the big cities; a generic title whose short body is about one
        company, with a tag line and a portal's headline list naming the others; a related-news block
        with dated headlines above the article; an English date under a Hong Kong page's title.
        """
        r = self.rng
        for i in range(3):  # 时间：2016年6月27日 星期一  作者：…  来源：… as the line before the title
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True, generic_title=i == 2)
            meta = (
                f"{r.choice(['时间', '日期', '发布时间'])}：{d.year}年{d.month}月{d.day}日 星期{weekday(d)}"
                f"  作者：{art.author}  来源：{art.source}"
            )
            lines = nav_lines(r, "company")
            if i == 1:  # the breadcrumb under the meta line
                lines = [lines[0], meta, lines[1]]
            else:
                lines.append(meta)
            lines += [art.title, *art.paras, f"（责任编辑：{r.choice(EDITORS)}）"]
            note = "layout: labelled weekday meta line above the title" + ("; breadcrumb below it" if i == 1 else "")
            self.add(Doc("txt", "\n".join(lines) + "\n", d, co.name, note))
        for i in range(2):  # 中国电信、中国移动、中国联通有关负责同志参加座谈
            d = random_date(r, 2012)
            sep = "和" if i else "、"
            lead = (
                f"{d.month}月{d.day}日，工业和信息化部召开信息通信业座谈会，听取企业对行业发展的意见建议。"
                f"中国电信、中国移动{sep}中国联通有关负责同志参加座谈。"
            )
            paras = [
                lead,
                "会议指出，要加快建设新型信息基础设施，提升网络服务能力，更好支撑经济社会数字化转型。",
                "会议要求，各企业要落实网络安全主体责任，持续提升服务质量，切实维护用户合法权益。",
            ]
            art = Article("工信部召开信息通信业座谈会", paras, d, d, None, "工业和信息化部")
            text = site_news(r, art, fmt="发布时间-iso", site_kind="portal", prevnext="plain")
            self.add(Doc("txt", text, d, "", "none: the three operators in one enumeration"))
        for city in ("珠海", "绍兴", "泉州"):  # 珠海铁塔扎实开展… / 记者从绍兴铁塔获悉
            co, d = self.pick(2016, 2026, ("中国铁塔",))
            art, _ = self.article(co, d, stated=True, generic_title=city == "绍兴")
            branch = f"{city}铁塔"
            paras = [p.replace("中国铁塔", branch) for p in art.paras]
            paras[0] = f"记者从{branch}获悉，" + paras[0]
            title = art.title.replace("中国铁塔", branch)
            art = Article(title, paras, d, d, co, branch, author=art.author)
            text = site_news(r, art, fmt=self.next_fmt(), site_kind="portal", prevnext="plain")
            self.add(Doc("txt", text, d, co.name, f"site_news: names=city 铁塔 branch {branch}"))
        for i in range(2):  # a generic title, a short body, the tag line and a portal's headline list
            co, d = self.pick(2012, 2026, ("中国移动", "中国电信"))
            art, _ = self.article(co, d, stated=True, generic_title=True, n_par=(2, 3))
            others = [c for c in COMPANIES if c.name != co.name]
            heads = other_titles(r, 6, tuple(others))
            items = [f"{t} [{around(r, d, 1, 30):%m-%d}]" for t in heads] if i else heads
            lines = [*nav_lines(r, "portal"), art.title, META_FORMATS["发布时间-iso"](d, r), *art.paras]
            lines += [f"标签: 党建 {co.name}", *items]
            self.add(
                Doc("txt", "\n".join(lines) + "\n", d, co.name, "multi: generic title, tag line, bare headline list")
            )
        for tail in ("[{d:%m-%d}]", "{d:%Y-%m-%d}"):  # related news above the article, date line above title
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True)
            other = other_titles(r, 1, tuple(c for c in COMPANIES if c.name != co.name))[0]
            prev = around(r, d, 1, 20)
            lines = [
                *nav_lines(r, "portal"),
                "相关新闻",
                f"{other} {tail.format(d=prev)}",
                f"{d:%Y-%m-%d} 来源：{art.source}",
                art.title,
                *art.paras,
            ]
            self.add(Doc("txt", "\n".join(lines) + "\n", d, co.name, "layout: related headline above the article"))
        co, d = self.pick(2010)  # Hong Kong page: 3 May 2019 | 中國聯通
        art, _ = self.article(co, d, stated=True)
        lines = [art.title, f"{d.day} {d:%B} {d.year} | {co.name}", *art.paras]
        text = traditional("\n".join(lines) + "\n", "s2hk")
        self.add(Doc("txt", text, d, co.name, "traditional: English date under the title"))

    def subsidiaries(self) -> None:
        """News of a subsidiary: named by its own brand, the parent named once in the body."""
        r = self.rng
        for parent, sub in (
            ("中国移动", "咪咕公司"),
            ("中国移动", "中移物联网有限公司"),
            ("中国电信", "天翼云科技有限公司"),
            ("中国联通", "联通数科"),
            ("中国铁塔", "铁塔能源有限公司"),
        ):
            co, d = self.pick(2019, 2026, (parent,))
            ctx = make_ctx(r, co, d)
            ctx.ref = sub
            ctx.branch = sub
            ctx.local = True
            title = f"{sub}党委{r.choice(['召开', '举行'])}{r.choice(MEETINGS[:3])}"
            paras = company_body(ctx, r.randint(4, 6), lead=r.choice(LEADS_MEETING))
            paras.insert(
                1,
                f"{sub}党委认真落实{co.name}{co.party}部署要求，结合专业公司实际细化工作举措，确保各项任务落地见效。",
            )
            art = Article(title, paras, d, d, co, sub, author=person(r))
            fmt = r.choice(["发布时间-iso", "日期-cn", "发布时间-iso-hm"])
            self.add(
                Doc(
                    "txt",
                    site_news(r, art, fmt=fmt, site_kind="portal", prevnext="plain"),
                    d,
                    co.name,
                    f"subsidiary: {sub} (parent {co.name} named once in body); fmt={fmt}",
                )
            )

    def self_reference(self) -> None:
        """A company-site page that calls its company 集团公司; the name only in 来源 and footer."""
        r = self.rng
        for _ in range(3):
            co, d = self.pick(2010, 2026, ("中国联通", "中国移动", "中国电信"))
            ctx = make_ctx(r, co, d)
            ctx.ref = "集团公司"
            ctx.branch = f"{r.choice(PROVINCES)}公司"
            title = f"集团公司召开{d.year}年{r.choice(MEETINGS[:2])}"
            paras = company_body(ctx, r.randint(4, 6), lead=LEADS_MEETING[0])
            art = Article(title, paras, d, d, co, f"{co.name}{co.party}党建工作部", author=person(r))
            fmt = r.choice(["发布时间-iso", "日期-cn"])
            self.add(
                Doc(
                    "txt",
                    site_news(r, art, fmt=fmt, prevnext="none"),
                    d,
                    co.name,
                    f"self-reference: 集团公司 in title/body, company only in 来源 line and footer; fmt={fmt}",
                )
            )

    def site_news_empty_label(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=False)
            text = site_news(r, art, prevnext="dated", related_news=True, meta_variant="empty-label")
            self.add(
                Doc("txt", text, None, co.name, "undated: empty 发布时间 label; prevnext + related dated")
            )

    def meeting_notice_unsigned(self) -> None:
        """A meeting notice scraped without its signature: only the meeting's own dates."""
        r = self.rng
        co, d = self.pick(2012, 2026, ("中国联通", "中国电信"))
        meet = d + dt.timedelta(days=r.randint(7, 20))
        due = meet - dt.timedelta(days=3)
        lines = [
            *nav_lines(r, "company"),
            f"关于召开{co.name}{d.year}年党建工作会议的通知",
            "各省级分公司党委，集团总部各部门：",
            f"经{co.name}{co.party}研究，定于近期召开{d.year}年党建工作会议。现将有关事项通知如下：",
            f"一、会议时间：{meet.year}年{meet.month}月{meet.day}日（{weekday(meet)}）上午9:00",
            f"二、会议地点：{co.name}总部{r.randint(2, 9)}层会议室，各单位设视频分会场",
            "三、参会人员：各单位党委书记、分管党建工作负责同志",
            f"四、请各单位于{due.month}月{due.day}日前将参会人员名单报{co.name}党建工作部。",
            f"联系人：{person(r)}  电话：010-{r.randint(60000000, 69999999)}",
        ]
        self.add(
            Doc("txt", "\n".join(lines) + "\n", None, co.name, "undated: meeting notice, only 会议时间 dates")
        )

    def site_news_undated(self, n: int, *, crawl: bool = False, year_in_title: bool = False) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            art, _ = self.article(
                co, d, stated=False, past_event=r.random() < 0.3, year_in_title=year_in_title
            )
            prevnext = r.choice(["plain", "dated"])
            rel = r.random() < 0.5
            text = site_news(r, art, crawl=crawl, prevnext=prevnext, related_news=rel)
            if r.random() < 0.4:
                text = DISCLAIMER + "\n\n" + text
            enc, crlf = self.web_encoding()
            what = "crawl-bar" if crawl else "year-in-title" if year_in_title else "event dates in body"
            self.add(
                Doc(
                    "txt",
                    text,
                    None,
                    co.name,
                    f"undated: site page, {what}; prevnext={prevnext}{', related' if rel else ''}",
                    enc,
                    crlf,
                )
            )

    def lead_with_full_date(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            event = d - dt.timedelta(days=r.randint(0, 2))
            lead = f"{event.year}年{event.month}月{event.day}日，{{co}}召开{{meeting}}，{{co}}{{party}}书记、{{chair}}{{leader}}出席会议并讲话。"
            art, _ = self.article(co, d, stated=False, lead=lead)
            text = site_news(r, art, site_kind="portal", prevnext="plain")
            self.add(
                Doc("txt", text, None, co.name, "undated: lead sentence starts with the full event date")
            )

    def aggregator(self, n: int, *, stated: bool) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            generic = r.random() < 0.3
            art, _ = self.article(co, d, stated=stated, generic_title=generic, n_par=(5, 8))
            fmt = r.choice(["bare-iso", "发布时间-iso-hm", "dotted", "时间-seconds", "发布时间-cn"])
            others = tuple(c for c in COMPANIES if c is not co)
            text = site_news(
                r, art, fmt=fmt, site_kind="portal", prevnext="dated", related_news=False, tags=True
            )
            # the portal's related list shows other companies' news, with dates
            text += "\n".join(related(r, art, 4, others)) + "\n"
            if stated:
                note = f"aggregator: fmt={fmt}; related other companies{'; generic title' if generic else ''}"
            else:
                note = f"undated: portal page (seed-004-like), related list with dates{'; generic title' if generic else ''}"
            self.add(Doc("txt", text, d if stated else None, co.name, note, *self.web_encoding()))

    def people_daily(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True, style=r.choice(["canonical", "canonical", "informal"]))
            self.add(
                Doc(
                    "txt",
                    people_daily(r, art),
                    d,
                    co.name,
                    "people_daily: 'YYYY年MM月DD日HH:MM 来源：人民网'",
                    *self.web_encoding(),
                )
            )

    def xinhua(self, n: int, *, stated: bool) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=stated, n_par=(3, 6))
            text = xinhua(r, art, stated=stated)
            if stated:
                self.add(Doc("txt", text, d, co.name, "xinhua: header date + dateline without year"))
            else:
                self.add(Doc("txt", text, None, co.name, "undated: xinhua dateline without year only"))

    def sasac(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick(2012)
            art, _ = self.article(co, d, stated=True)
            art.title = f"{co.name}：{r.choice(TITLE_TAILS)}" if r.random() < 0.6 else art.title
            art.source = co.name
            self.add(
                Doc(
                    "txt",
                    sasac(r, art),
                    d,
                    co.name,
                    "sasac: '文章来源：X  发布时间：YYYY-MM-DD'",
                    *self.web_encoding(),
                )
            )

    def wechat(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick(2014)
            art, _ = self.article(co, d, stated=True, n_par=(4, 7), generic_title=r.random() < 0.3)
            account = r.choice([co.name, f"{co.name}党建", f"{co.suffix}青年"])
            stamp, fmt = wechat_stamp(r, d, co, account)
            text = wechat(r, art, account=account, stamp=stamp)
            if r.random() < 0.3:
                text = text.replace("点击", "👇点击")
            self.add(Doc("txt", text, d, co.name, f"wechat: {fmt}; account={account}", "utf-8"))

    def pdf(self, n: int, *, stated: bool) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=stated, n_par=(5, 9))
            header = ""
            if stated:
                kind = r.choice(["spaced", "spaced-pad", "plain", "label", "newspaper"])
                date_line = {
                    "spaced": f"{d.year} 年 {d.month} 月 {d.day} 日",
                    "spaced-pad": f"{d.year} 年 {d.month:02d} 月 {d.day:02d} 日",
                    "plain": f"{d.year}年{d.month}月{d.day}日",
                    "label": f"发布日期： {d:%Y-%m-%d}",
                    "newspaper": None,
                }[kind]
                if kind == "newspaper":
                    header = f"人民邮电  {d.year}年{d.month}月{d.day}日  {weekday(d)}  第{r.randint(1, 8)}版"
                note = f"pdf: date={kind}; spaced chars, split title, hard wraps, <PAGE_DIV>"
            else:
                date_line = None
                header = f"《企业党建》{d.year}年第{r.randint(1, 12)}期"
                note = "undated: pdf, journal issue header 'YYYY年第N期' only"
            text = pdf_doc(r, art, date_line=date_line, header=header, wrap=r.random() < 0.7)
            self.add(Doc("txt", text, d if stated else None, co.name, note, r.choice(["utf-8", "gb18030"])))

    def notices(self) -> None:
        r = self.rng
        plans = [
            ("cn-〇", False, False, False),
            ("cn-〇", False, False, True),
            ("cn-〇", False, True, False),
            ("cn-○", False, False, False),
            ("cn-○", False, False, True),
            ("cn-零", False, False, False),
            ("arabic", False, False, False),
            ("arabic", False, True, True),
            ("cn-〇", True, False, False),
            ("arabic", True, False, False),
        ]
        for style, web, printed, pdf in plans:
            co, d = self.pick(2012, 2026, ("中国联通", "中国移动", "中国电信", "中国铁塔"))
            web_date = d + dt.timedelta(days=r.randint(1, 6)) if web else None
            text, _ = notice(r, co, d, sign_style=style, web_date=web_date, printed=printed, pdf=pdf)
            truth = web_date or d
            what = "web page 发布时间 + later signature" if web else f"signature date {style}"
            if printed:
                what += " + later 印发 date"
            self.add(
                Doc(
                    "txt",
                    text,
                    truth,
                    co.name,
                    f"notice: {what}{'; pdf' if pdf else ''}",
                    r.choice(["utf-8", "gb18030"]),
                )
            )

    def jekyll(self, n: int, *, stated: bool) -> None:
        r = self.rng
        values = [
            ("with-tz", lambda d: f"{d:%Y-%m-%d} {hm(r)}:{r.randint(0, 59):02d} +0800"),
            ("date-only", lambda d: f"{d:%Y-%m-%d}"),
            ("iso-T-quoted", lambda d: f"'{d:%Y-%m-%d}T08:00:00+08:00'"),
            ("after-midnight-tz", lambda d: f"{d:%Y-%m-%d} 00:{r.randint(10, 59):02d}:00 +0800"),
            ("quoted-hm", lambda d: f'"{d:%Y-%m-%d} {hm(r)}"'),
        ]
        for i in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=stated, n_par=(4, 7))
            art.source = r.choice(["人民邮电报", co.name, "通信产业报"])
            if stated:
                kind, make = values[i % len(values)]
                text = jekyll(r, art, date_value=make(d), quote_title=r.random() < 0.7)
                self.add(Doc("md", text, d, co.name, f"jekyll: date={kind}; html body"))
            else:
                text = jekyll(r, art, date_value=None)
                self.add(
                    Doc("md", text, None, co.name, "undated: jekyll front matter without date (infoCode URL)")
                )

    def markdown(self, n: int) -> None:
        r = self.rng
        lines = [
            ("spaced-cn", lambda d: f"发布时间：{d.year} 年 {d.month} 月 {d.day} 日"),
            ("iso+发布人", lambda d: f"发布时间：{d:%Y-%m-%d} 发布人：新闻宣传中心"),
            ("时间-seconds", lambda d: f"时间:{d:%Y-%m-%d} {hm(r)}:{r.randint(0, 59):02d}"),
            ("dotted", lambda d: f"{d:%Y.%m.%d} {hm(r)}"),
        ]
        for i in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True, n_par=(5, 8))
            kind, make = lines[i % len(lines)]
            disclaimer = r.random() < 0.5
            text = markdown_doc(r, art, date_line=make(d), disclaimer=disclaimer)
            text = pdf_spaces(r, text, 0.01) if r.random() < 0.5 else text
            self.add(
                Doc(
                    r.choice(["txt", "md"]),
                    text,
                    d,
                    co.name,
                    f"markdown: date={kind}{'; disclaimer with 2024' if disclaimer else ''}",
                )
            )

    def html(self, n: int, *, stated: bool) -> None:
        r = self.rng
        for i in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=stated, n_par=(4, 7))
            charset = r.choice(["utf-8", "gb2312", "gbk"])
            enc = "utf-8" if charset == "utf-8" else "gb18030"
            meta = f"{d:%Y-%m-%d} {hm(r)}:00"
            if not stated:
                text = html_page(
                    r, art, charset=charset, visible_date=None, meta_date=None, crawl=True, related_news=True
                )
                self.add(
                    Doc(
                        "html",
                        text,
                        None,
                        co.name,
                        "undated: html page, crawl bar + related dates + script",
                        enc,
                    )
                )
                continue
            if i == 0:
                text = html_page(
                    r,
                    art,
                    charset=charset,
                    visible_date=None,
                    meta_date=meta,
                    crawl=False,
                    related_news=False,
                )
                self.add(Doc("html", text, d, co.name, "html: date only in <meta name=publishdate>", enc))
                continue
            fmt = r.choice(["发布时间-iso-hm", "发布日期-cn-pad", "日期-cn", "bare-iso", "时间-seconds"])
            visible = META_FORMATS[fmt](d, r)
            text = html_page(
                r,
                art,
                charset=charset,
                visible_date=visible,
                meta_date=meta if r.random() < 0.4 else None,
                crawl=r.random() < 0.4,
                related_news=r.random() < 0.5,
            )
            self.add(Doc(r.choice(["html", "html", "htm"]), text, d, co.name, f"html: visible {fmt}", enc))

    def traditional(self, n: int, *, stated: bool) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick(2010)
            variant = r.choice(["s2hk", "s2tw"])
            kind = (
                r.choice(["site", "site", "portal", "wechat", "notice"])
                if stated
                else r.choice(["site", "portal"])
            )
            if kind == "wechat" and d.year < 2014:
                kind = "site"
            if kind == "notice":
                text, _ = notice(r, co, d, sign_style="cn-○")
                detail = "notice signed 二○一X年…"
            elif kind == "wechat":
                art, _ = self.article(co, d, stated=True, n_par=(4, 6))
                stamp, fmt = wechat_stamp(r, d, co, co.name)
                text = wechat(r, art, account=co.name, stamp=stamp)
                detail = f"wechat {fmt}"
            else:
                art, _ = self.article(co, d, stated=stated, generic_title=r.random() < 0.2)
                fmt = r.choice(
                    ["发布时间-cn", "发布时间-iso", "日期-cn-weekday", "发布日期-cn-pad", "bare-cn"]
                )
                text = site_news(
                    r,
                    art,
                    fmt=fmt,
                    site_kind="company" if kind == "site" else "portal",
                    crawl=r.random() < 0.3,
                    prevnext=r.choice(["plain", "dated"]),
                )
                detail = f"{kind} {fmt}" if stated else f"{kind} without date"
            text = traditional(text, variant)
            want = r.choices(["big5", "utf-8", "utf-8-sig"], weights=[6, 3, 1])[0]
            _, used = encode(text, want)
            prefix = "traditional" if stated else "undated"
            self.add(
                Doc(
                    "txt",
                    text,
                    d if stated else None,
                    co.name,
                    f"{prefix}: {variant} {detail}; {used}{' (big5 impossible)' if used != want else ''}",
                    want,
                )
            )

    def pinyin(self, n: int, *, stated: bool) -> None:
        r = self.rng
        for i in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=stated, generic_title=r.random() < 0.3)
            fmt = r.choice(["发布时间-iso", "发布时间-cn", "日期-cn", "时间-seconds"])
            text = site_news(r, art, fmt=fmt, site_kind="portal", prevnext="plain")
            trad = i % 3 == 2
            if trad:
                text = traditional(text, "s2hk")
            text = gloss_pinyin(r, text, rate=r.choice([0.05, 0.15, 0.3]))
            prefix = "pinyin" if stated else "undated"
            self.add(
                Doc(
                    "txt",
                    text,
                    d if stated else None,
                    co.name,
                    f"{prefix}: pinyin glosses{' traditional' if trad else ''} {fmt if stated else 'no date'}",
                )
            )

    def utf16(self, n: int) -> None:
        r = self.rng
        for _ in range(n):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True)
            fmt = r.choice(["发布时间-iso", "日期-cn"])
            self.add(
                Doc("txt", site_news(r, art, fmt=fmt), d, co.name, f"utf16: site page {fmt}", "utf-16", True)
            )

    def multi(self) -> None:
        """Several companies in one document; the title names the subject."""
        r = self.rng
        for name in ("中国铁塔", "中国铁塔", "中国铁塔", "中国广电", "中国广电", "中国电信", "中国电信"):
            co, d = self.pick(2019 if name != "中国铁塔" else 2016, 2026, (name,))
            art, ctx = self.article(co, d, stated=True, n_par=(4, 6))
            extra = partner_paras(ctx)
            art.paras[1:1] = extra
            fmt = r.choice(["发布时间-iso", "日期-cn", "发布时间-iso-hm"])
            self.add(
                Doc(
                    "txt",
                    site_news(r, art, fmt=fmt, prevnext="dated"),
                    d,
                    co.name,
                    f"multi: {name} subject, partners named in body",
                    *self.web_encoding(),
                )
            )
        # title names nobody; the body is about one company; the portal lists other companies' news
        for _ in range(3):
            co, d = self.pick()
            art, _ = self.article(co, d, stated=True, generic_title=True, n_par=(4, 6))
            others = tuple(c for c in COMPANIES if c is not co)
            text = site_news(r, art, fmt="发布时间-iso", site_kind="portal", related_news=False)
            text += "\n".join(related(r, art, 4, others)) + "\n"
            self.add(
                Doc(
                    "txt",
                    text,
                    d,
                    co.name,
                    "multi: generic title, subject in body, other companies in related list",
                )
            )

    def none_docs(self) -> None:
        r = self.rng
        # SASAC meetings mentioning one telecom company among many SOEs
        for i in range(4):
            d = random_date(r, 2013)
            title, paras = sasac_meeting_paras(r, d)
            art = Article(title, paras, d if i < 3 else None, d, None, "国资委网站")
            text = sasac(r, art)
            self.add(Doc("txt", text, art.date, "", "none: SASAC meeting, one telecom company among SOEs"))
        for i in range(3):
            d = random_date(r, 2016)
            title, paras = fraud_paras(r, d)
            art = Article(
                title,
                paras,
                d if i != 1 else None,
                d,
                None,
                r.choice(["平安中国", "法治日报", "人民公安报"]),
            )
            text = site_news(r, art, fmt=self.next_fmt(), site_kind="portal", prevnext="plain")
            self.add(Doc("txt", text, art.date, "", "none: 电信网络诈骗 article", *self.web_encoding()))
        for i in range(3):
            d = random_date(r, 2018)
            text, _ = nrta_notice(r, d, cn_sign=i == 0)
            self.add(
                Doc("txt", text, d, "", f"none: 广电总局 notice, signature {'cn' if i == 0 else 'arabic'}")
            )
        for i in range(3):
            d = random_date(r, 2019)
            title, paras = tech_paras(r, d, report_trap=i == 0)
            art = Article(title, paras, d if i != 2 else None, d, None, "通信产业网", author=person(r))
            text = site_news(r, art, fmt="发布时间-iso", site_kind="portal", prevnext="plain")
            note = "none: 5G 移动通信 technology" + ("; trap 《中国移动互联网发展报告》" if i == 0 else "")
            self.add(Doc("txt", text, art.date, "", note))
        for i in range(4):
            d = random_date(r)
            title, paras = soe_paras(r, d)
            art = Article(title, paras, d if i != 3 else None, d, None, "企业党建网")
            text = site_news(r, art, fmt=self.next_fmt(), site_kind="portal", prevnext="plain")
            self.add(
                Doc("txt", text, art.date, "", "none: another SOE's party news (互联互通/输电铁塔/电信)")
            )
        for i in range(2):
            d = random_date(r, 2015)
            title, paras = miit_paras(r, d)
            art = Article(title, paras, d if i == 0 else None, d, None, "工业和信息化部")
            text = site_news(r, art, fmt="发布时间-iso", site_kind="portal", prevnext="plain")
            self.add(
                Doc("txt", text, art.date, "", "none: 工信部 meeting, the three operators named equally")
            )
        d = random_date(r, 2018, 2019)
        title, paras = industry_history_paras(r, d)
        art = Article(title, paras, d, d, None, "通信产业网")
        self.add(
            Doc(
                "txt",
                site_news(r, art, fmt="日期-cn", site_kind="portal"),
                d,
                "",
                "none: 中国电信业 = the industry",
            )
        )
        d = random_date(r, 2017)
        title, paras = fraud_paras(r, d)
        art = Article(title, paras, d, d, None, "香港文匯網")
        text = traditional(site_news(r, art, fmt="发布时间-cn", site_kind="portal"), "s2hk")
        self.add(Doc("txt", text, d, "", "none: traditional 電信網絡詐騙 article; big5", "big5"))


def write_genre_corpus(folder: Path, seed: int = 0) -> pd.DataFrame:
    """Write the genre corpus into ``folder``; return the truth ``[path, date, company, note]``.

    ``path`` is relative to ``folder`` (POSIX), ``date`` an ISO string or None, ``company`` canonical or ''.
    The same seed writes the same bytes.
    """
    b = _Builder(seed)
    b.site_news(34)
    b.aggregator(10, stated=True)
    b.people_daily(8)
    b.xinhua(6, stated=True)
    b.sasac(10)
    b.wechat(12)
    b.pdf(8, stated=True)
    b.notices()
    b.jekyll(10, stated=True)
    b.markdown(10)
    b.html(12, stated=True)
    b.traditional(14, stated=True)
    b.pinyin(6, stated=True)
    b.utf16(2)
    b.multi()
    b.site_news_layouts()
    b.evaluator_patterns()
    b.subsidiaries()
    b.self_reference()
    # documents that state no publication date
    b.site_news_undated(6)
    b.site_news_undated(4, crawl=True)
    b.site_news_undated(2, year_in_title=True)
    b.lead_with_full_date(3)
    b.aggregator(5, stated=False)
    b.xinhua(4, stated=False)
    b.jekyll(2, stated=False)
    b.pdf(3, stated=False)
    b.html(3, stated=False)
    b.traditional(3, stated=False)
    b.pinyin(2, stated=False)
    b.site_news_empty_label(2)
    b.meeting_notice_unsigned()
    b.none_docs()

    rng = b.rng
    docs = list(b.docs)
    rng.shuffle(docs)
    folder = Path(folder)
    rows = []
    for i, doc in enumerate(docs):
        digest = hashlib.sha1(f"{seed}-{i}".encode()).hexdigest()[:16]
        sub = rng.choice(["", "", "", "", "", "batch2/", "batch3/mirror/"])
        rel = f"{sub}{i:03d}_{digest}.{doc.ext}"
        data, _ = encode(doc.text, doc.encoding, crlf=doc.crlf)
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        rows.append(
            {
                "path": rel,
                "date": doc.date.isoformat() if doc.date else None,
                "company": doc.company,
                "note": doc.note,
            }
        )
    return pd.DataFrame(rows, columns=["path", "date", "company", "note"]).sort_values(
        "path", ignore_index=True
    )
