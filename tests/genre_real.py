"""A second generated corpus of the genre, modelled on the layouts of real pages.

Written together with the metadata rules it checks (a regression test, not an independent measure of
accuracy: the held-back real collection is that).

``write_real_corpus(folder, seed)`` writes ~170 documents and returns the truth table
``[path, date, company, category, note]`` (``date`` ISO or None, ``company`` canonical or '').

The layouts were studied on stored public pages of the kind the sealed collection holds (company news
centres, SASAC, People's Daily / Xinhua / Guangming / regional portals, industry sites such as C114 and
CWW, the People's Posts and Telecommunications News e-paper, WeChat mirrors, Jekyll re-posts, Big5 mirrors
with pinyin glosses, PDF-extracted notices). Only the layouts and the ways dates are written carry over;
every sentence here is composed for this file.

Truth rules (what a human reading the page would say):
- ``date`` is the page's own publication date where the page states one: the date line near the title,
  a labelled 发布日期 / 發佈日期 line even below the body, the e-paper issue date, the dating line
  of an official notice (成文日期). Dates of events in the body, of related articles, of comments,
  of the crawl / save, of copyright ranges and of licence numbers are not publication dates; a page
  that states only those is undated.
- ``company`` is the company the document is about: named in the title, via a subsidiary or an older
  name of a unit that belongs to it, or only in the source line of a company-site page whose title says
  公司. Documents about a regulator, another SOE or a vendor are '' even when one operator is named
  once in a list.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

COMPANIES = ("中国联通", "中国移动", "中国电信", "中国铁塔", "中国广电")

# How each company is named in running text, and units that belong to it (subject via a subsidiary).
_FULL = {
    "中国联通": "中国联合网络通信集团有限公司",
    "中国移动": "中国移动通信集团有限公司",
    "中国电信": "中国电信集团有限公司",
    "中国铁塔": "中国铁塔股份有限公司",
    "中国广电": "中国广播电视网络集团有限公司",
}
_SUBSIDIARY = {
    "中国联通": ["联通数字科技有限公司（联通数科）", "联通智网科技股份有限公司", "中国联通广东省分公司"],
    "中国移动": ["咪咕文化科技有限公司", "中移铁通有限公司", "中国移动江苏公司"],
    "中国电信": ["天翼云科技有限公司", "天翼数字生活科技有限公司", "中国电信四川公司"],
    "中国铁塔": ["铁塔能源有限公司", "中国铁塔浙江省分公司", "铁塔智联技术有限公司"],
    "中国广电": ["中国广电河南网络有限公司", "中国广电山东网络有限公司", "中国广电甘肃网络股份有限公司"],
}
_SHORT_SUB = {
    "中国联通": ["联通数科", "联通智网科技", "广东联通"],
    "中国移动": ["咪咕公司", "中移铁通", "江苏移动"],
    "中国电信": ["天翼云", "天翼数字生活公司", "四川电信"],
    "中国铁塔": ["铁塔能源", "浙江铁塔", "铁塔智联"],
    "中国广电": ["中国广电河南公司", "中国广电山东公司", "中国广电甘肃公司"],
}
_ENGLISH = {
    "中国联通": "China Unicom",
    "中国移动": "China Mobile",
    "中国电信": "China Telecom",
    "中国铁塔": "China Tower",
    "中国广电": "China Broadnet",
}
_OFFICIAL_SITE = {
    "中国联通": "中国联通新闻中心",
    "中国移动": "中国移动 新闻中心",
    "中国电信": "中国电信集团有限公司",
    "中国铁塔": "中国铁塔股份有限公司",
    "中国广电": "中国广电官网",
}
_ICP = {
    "中国联通": "京ICP备09047236号",
    "中国移动": "京ICP备05002571号",
    "中国电信": "京ICP备09031924号",
    "中国铁塔": "京ICP备14042387号",
    "中国广电": "京ICP备16025432号",
}

# Subjects of documents about none of the five (truth ''), with how the body calls them.
_NONE_SUBJECTS = [
    ("国务院国资委", "国资委党委"),
    ("工业和信息化部", "工业和信息化部党组"),
    ("华为技术有限公司", "华为公司党委"),
    ("中兴通讯", "中兴通讯党委"),
    ("中国电子信息产业集团", "中国电子党组"),
    ("中国信息通信科技集团", "中国信科党委"),
    ("中国卫通集团股份有限公司", "中国卫通党委"),
    ("国家广播电视总局", "广电总局党组"),
    ("国家电网有限公司", "国家电网党组"),
    ("中国通信企业协会", "协会党委"),
]

# Party-building themes by year, so that a page reads like its time.
_THEMES = [
    (2008, 2010, "深入学习实践科学发展观活动"),
    (2010, 2012, "创先争优活动"),
    (2013, 2014, "党的群众路线教育实践活动"),
    (2015, 2015, "“三严三实”专题教育"),
    (2016, 2017, "“两学一做”学习教育"),
    (2018, 2018, "学习贯彻党的十九大精神"),
    (2019, 2020, "“不忘初心、牢记使命”主题教育"),
    (2021, 2021, "党史学习教育"),
    (2022, 2022, "学习宣传贯彻党的二十大精神"),
    (2023, 2023, "学习贯彻习近平新时代中国特色社会主义思想主题教育"),
    (2024, 2024, "党纪学习教育"),
    (2025, 2026, "深入贯彻中央八项规定精神学习教育"),
]
_MEETINGS = [
    "党组理论学习中心组集体学习会",
    "党风廉政建设和反腐败工作会议",
    "警示教育大会",
    "党建工作会议",
    "巡视工作动员部署会",
    "专题民主生活会",
    "基层党建工作推进会",
    "工作会议暨职工代表大会",
]


def _theme(year: int) -> str:
    for lo, hi, name in _THEMES:
        if lo <= year <= hi:
            return name
    return "党的建设"


# ------------------------------------------------------------------------------------------------ dates
_CN_DIGITS = "〇一二三四五六七八九"


def _cn_num(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n] if n else "〇"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def fmt(d: dt.date, style: str) -> str:
    """One way pages of the genre write a date."""
    y, m, dd = d.year, d.month, d.day
    return {
        "iso": f"{y}-{m:02d}-{dd:02d}",
        "iso_nopad": f"{y}-{m}-{dd}",
        "cn": f"{y}年{m}月{dd}日",
        "cn_pad": f"{y}年{m:02d}月{dd:02d}日",
        "cn_sp": f"{y} 年 {m} 月 {dd} 日",
        "dot": f"{y}.{m:02d}.{dd:02d}",
        "slash": f"{y}/{m}/{dd}",
        "slash_pad": f"{y}/{m:02d}/{dd:02d}",
        "cn_num": "".join(_CN_DIGITS[int(c)] for c in str(y)) + "年" + _cn_num(m) + "月" + _cn_num(dd) + "日",
        "en_long": d.strftime("%B ") + f"{dd}, {y}",
        "en_dmy": f"{dd} " + d.strftime("%B ") + str(y),
        "en_short": d.strftime("%b %d, %Y"),
    }[style]


_WEEKDAYS = "一二三四五六日"


def _hm(rng: random.Random) -> str:
    return f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}"


def _hms(rng: random.Random) -> str:
    return f"{_hm(rng)}:{rng.randint(0, 59):02d}"


# ------------------------------------------------------------------------------------------------- text
@dataclass
class Doc:
    """What one layout needs: the subject and its names, the date, and some body paragraphs."""

    rng: random.Random
    company: str  # truth ('' when the subject is another organisation)
    date: dt.date  # the publication date (written only if the layout states it)
    subject: str  # how the title names the subject
    body_name: str  # how the body names it
    via: str = "title"  # how the company is made known: title, subsidiary, source, english, none
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.date.year

    def event_day(self, back: int | None = None) -> dt.date:
        """A day before publication on which the reported event happened."""
        return self.date - dt.timedelta(days=back if back is not None else self.rng.randint(1, 4))

    def md(self, d: dt.date | None = None) -> str:
        d = d or self.event_day()
        return f"{d.month}月{d.day}日"


def _title(doc: Doc) -> str:
    r = doc.rng
    meeting = r.choice(_MEETINGS)
    theme = _theme(doc.year)
    forms = [
        f"{doc.subject}召开{doc.year}年{meeting}",
        f"{doc.subject}召开{meeting} 深入推进{theme}",
        f"{doc.subject}：以高质量党建引领高质量发展",
        f"{doc.subject}扎实开展{theme}",
        f"{doc.subject}党组部署推进全面从严治党工作",
        f"{doc.subject}举办青年理论学习分享会",
    ]
    return r.choice(forms)


def _paragraphs(doc: Doc, n: int = 4, *, year_in_body: bool = True) -> list[str]:
    """Body paragraphs composed for this corpus; they name the subject the way ``doc.body_name`` says."""
    r, name = doc.rng, doc.body_name
    theme = _theme(doc.year)
    first = (
        f"{doc.md()}，{name}召开会议，传达学习党中央关于{theme}的部署要求，"
        f"研究推进本单位贯彻落实工作。会议由党组主要负责同志主持，领导班子成员参加。"
    )
    pool = [
        f"会议指出，{name}要把讲政治摆在首位，自觉在思想上政治上行动上同党中央保持高度一致，"
        "坚定不移推动全面从严治党向纵深发展，切实把“两个维护”落到实处。",
        f"会议强调，要坚持问题导向，聚焦基层党组织建设中的薄弱环节，逐项制定整改措施，"
        f"确保{theme}各项任务落地见效，以党建成效检验发展成果。",
        "会议要求，各级党组织要严格落实管党治党政治责任，层层传导压力，把监督挺在前面，"
        "持之以恒纠治“四风”，一体推进不敢腐、不能腐、不想腐。",
        f"近年来，{name}持续深化“党建+业务”融合，围绕网络建设、客户服务和科技创新设立党员先锋岗"
        f"{r.randint(120, 980)}个，组建党员突击队{r.randint(20, 90)}支，推动党建工作与生产经营同频共振。",
        "与会同志结合分管工作谈体会、找差距、提措施，一致表示要以实际行动践行初心使命，"
        "为建设网络强国和数字中国贡献力量。",
        f"{name}有关负责同志表示，下一步将健全长效机制，把学习成果转化为推动改革发展的具体举措，"
        "努力在服务国家战略中展现新担当新作为。",
        "会上还通报了近期典型违纪违法案例，要求党员干部以案为鉴、以案促改，"
        "守住底线、不越红线，营造风清气正的良好政治生态。",
    ]
    if year_in_body and doc.year >= 2010:
        pool.append(
            f"据介绍，{doc.year - 1}年以来，{name}累计开展专题党课{r.randint(200, 3000)}场，"
            f"覆盖党员{r.randint(2, 40)}万余人次。"
        )
    r.shuffle(pool)
    return [first, *pool[: max(1, n - 1)]]


# ------------------------------------------------------------------------------------------- boilerplate
def _nav_company(co: str) -> list[str]:
    return [
        f"{_OFFICIAL_SITE.get(co, '新闻中心')}",
        "首页 | 关于我们 | 新闻中心 | 党的建设 | 社会责任 | 投资者关系 | 加入我们",
        "当前位置：首页 > 新闻中心 > 党建动态",
    ]


def _footer_company(co: str) -> list[str]:
    return [
        "【打印】【关闭】",
        "友情链接：国务院国资委 | 工业和信息化部 | 人民网 | 新华网",
        f"Copyright © 2008-2026 {_FULL.get(co, '')} 版权所有 {_ICP.get(co, '京ICP备05070218号')}",
        "京公网安备 11010202007588号",
    ]


def _related(rng: random.Random, d: dt.date, n: int = 4, *, style: str = "iso") -> list[str]:
    """A '相关新闻' list: other articles, each with its own (later or earlier) date."""
    heads = [
        "数字乡村建设取得新进展",
        "第十届青年创新大赛决赛举行",
        "全力做好汛期通信保障工作",
        "召开安全生产工作专题会议",
        "举办“我为群众办实事”成果展",
        "5G专网助力制造业转型升级",
    ]
    out = ["相关新闻："]
    for k in range(n):
        other = d + dt.timedelta(days=rng.randint(3, 400) * (1 if k % 2 else -1))
        out.append(f"· {rng.choice(heads)}  {fmt(other, style)}")
    return out


# ---------------------------------------------------------------------------------------------- layouts
Layout = Callable[[Doc], tuple[str, bool]]  # -> (text, states_its_date)


def lay_company_site(doc: Doc) -> tuple[str, bool]:
    """Company news centre: nav, breadcrumb, title, '发布时间：… 来源：…', body, print / copyright footer."""
    r = doc.rng
    src = doc.extra.get("source", r.choice(["新闻宣传中心", "党群工作部", "企业文化部", "办公室"]))
    date = fmt(doc.date, r.choice(["iso", "iso", "cn", "iso_nopad"]))
    head = r.choice([f"发布时间：{date}　来源：{src}", f"时间：{date} {_hms(r)}  来源：{src}  作者：{src}"])
    lines = [
        *_nav_company(doc.company),
        doc.extra.get("title") or _title(doc),
        head,
        "",
        *_paragraphs(doc, 5),
    ]
    lines += ["", "分享到：微信 微博 QQ空间", *_related(r, doc.date, 3), *_footer_company(doc.company)]
    return "\n".join(lines), True


def lay_source_only(doc: Doc) -> tuple[str, bool]:
    """Company site page whose title says only '公司…': the company is in the source line."""
    r = doc.rng
    co = doc.extra["source_company"]
    title = r.choice(
        [
            "公司召开党建工作领导小组会议",
            "公司党委理论学习中心组开展专题学习",
            f"公司召开{doc.year}年党风廉政建设工作会议",
            "公司举办新任职干部廉洁从业集体谈话",
        ]
    )
    lines = [
        "首页 > 新闻动态 > 公司新闻",
        title,
        f"来源：{co}　　发布时间：{fmt(doc.date, 'iso')}　　浏览次数：{r.randint(100, 9000)}",
        "",
        *_paragraphs(doc, 4),
        "",
        "上一篇：公司开展安全生产月活动",
        "下一篇：公司举办青年员工座谈会",
    ]
    return "\n".join(lines), True


def lay_sasac(doc: Doc) -> tuple[str, bool]:
    """SASAC article page: breadcrumb, title, 文章来源 + 发布时间 line, 字号 / 打印 / 关闭, footer."""
    r = doc.rng
    src = doc.extra.get("source", doc.subject if doc.company else "国资委新闻中心")
    variant = r.randrange(3)
    if variant == 0:
        head = [
            f"文章来源：{src}　发布时间：{fmt(doc.date, 'iso')}",
            "字号：[大 中 小]　【打印本页】【关闭窗口】",
        ]
    elif variant == 1:
        head = [f"{fmt(doc.date, 'cn_pad')} {_hm(r)}   来源：{src}   【打印】"]
    else:
        head = [f"日期：{fmt(doc.date, 'iso')} 字号：[大 中 小]", f"来源：{src}"]
    lines = [
        "国务院国有资产监督管理委员会",
        "首页 > 国资新闻 > 央企党建",
        doc.extra.get("title") or _title(doc),
        *head,
        "",
        *_paragraphs(doc, 4),
        "",
        "【打印本页】 【关闭窗口】",
        "主办单位：国务院国有资产监督管理委员会　版权所有：国务院国有资产监督管理委员会",
        "网站标识码bm33000002　京ICP备05030709号　京公网安备11010102000010号",
    ]
    return "\n".join(lines), True


def lay_people(doc: Doc) -> tuple[str, bool]:
    """People's Daily Online: '2020年05月06日10:20 | 来源：人民网－通信频道', editor, share, related."""
    r = doc.rng
    date_line = r.choice(
        [
            f"{fmt(doc.date, 'cn_pad')}{_hm(r)}  来源：人民网－通信频道",
            f"{fmt(doc.date, 'cn_pad')}{_hm(r)} | 来源：人民网－人民日报",
        ]
    )
    lines = [
        "人民网 >> 通信 >> 运营商",
        _title(doc),
        date_line,
        "分享到：",
        "",
        *_paragraphs(doc, 4),
        f"（责任编辑：{r.choice(['王晶', '李洁', '赵宁'])}、{r.choice(['刘畅', '孙韬', '周远'])}）",
        "分享让更多人看到",
        "推荐阅读",
        *_related(r, doc.date, 3, style="cn_pad")[1:],
        "人民日报社概况 | 关于人民网 | 报社招聘 | 招聘英才 | 广告服务 | 合作加盟",
        "人 民 网 股 份 有 限 公 司 版 权 所 有 ，未 经 书 面 授 权 禁 止 使 用",
        "Copyright © 1997-2026 by www.people.com.cn. all rights reserved",
    ]
    return "\n".join(lines), True


def lay_xinhua(doc: Doc) -> tuple[str, bool]:
    """Xinhua: date + time + 来源 on one line under the title, 【纠错】, editor in brackets."""
    r = doc.rng
    lines = [
        "新华网 > > 正文",
        _title(doc),
        f"{fmt(doc.date, 'iso')} {_hms(r)}　来源： 新华网",
        "",
        f"新华社北京{doc.date.month}月{doc.date.day}日电（记者{r.choice(['张辛欣', '王思北', '高亢'])}）"
        + _paragraphs(doc, 1)[0],
        *_paragraphs(doc, 3)[1:],
        f"【纠错】 【责任编辑：{r.choice(['刘阳', '薛涛', '邬翠'])}】",
        "新华网版权所有，未经协议授权，禁止下载使用或建立镜像",
    ]
    return "\n".join(lines), True


def lay_cww(doc: Doc) -> tuple[str, bool]:
    """Industry portal: '责任编辑:xx 2024.04.15 15:23 来源:通信世界全媒体', image.png lines."""
    r = doc.rng
    paras = _paragraphs(doc, 4)
    lines = [
        _title(doc),
        "",
        f"责任编辑:{r.choice(['包羽', '宋婷', '吕欣'])} {fmt(doc.date, 'dot')} {_hm(r)} 来源:通信世界全媒体",
        "",
        f"通信世界网消息（CWW）{paras[0]}",
        "image.png",
        *paras[1:],
        "image.png",
        "扫码关注通信世界网公众号",
    ]
    return "\n".join(lines), True


def lay_c114(doc: Doc) -> tuple[str, bool]:
    """C114: site line, channel, the date ABOVE the title, author line."""
    r = doc.rng
    lines = [
        "C114通信网  |  通信人家园",
        "",
        r.choice(["运营商", "党建", "行业动态"]),
        f"{fmt(doc.date, 'slash')} {_hm(r)}",
        "",
        _title(doc),
        "",
        r.choice(["人民邮电报", "C114讯", "通信产业网"]) + "  ",
        "",
        *_paragraphs(doc, 4),
        "给作者点赞",
        "0 VS 0",
        "写得不太好　写得不错",
    ]
    return "\n".join(lines), True


def lay_epaper(doc: Doc) -> tuple[str, bool]:
    """People's Posts and Telecommunications News e-paper: issue date and page in the header."""
    r = doc.rng
    wd = _WEEKDAYS[doc.date.weekday()]
    page = r.choice(["第01版：要闻", "第02版：综合新闻", "第03版：要闻", "第04版：党建"])
    head = r.choice(
        [
            [f"人民邮电报 {fmt(doc.date, 'cn')} 星期{wd}", f"{page}", "上一版  下一版  版面导航"],
            [f"{page} {fmt(doc.date, 'cn')}", "上一期  下一期  往期回顾"],
        ]
    )
    lines = [
        *head,
        _title(doc),
        f"本报记者 {r.choice(['王琦', '刘畅', '高超'])}",
        "",
        *_paragraphs(doc, 4),
        "",
        "本版责编：孙燕　美编：李丹",
    ]
    return "\n".join(lines), True


def lay_paper_bottom(doc: Doc) -> tuple[str, bool]:
    """Newspaper re-post on a portal: the issue date only at the bottom, '《光明日报》（2025年04月02日 09版）'."""
    r = doc.rng
    paper = r.choice(["光明日报", "经济日报", "人民邮电报", "中国纪检监察报"])
    lines = [
        _title(doc),
        "",
        *_paragraphs(doc, 4),
        "",
        f"《{paper}》（{fmt(doc.date, 'cn_pad')} {r.randint(1, 12):02d}版）",
        "",
        f"来源：光明网-《{paper}》",
    ]
    return "\n".join(lines), True


def lay_bottom_paren(doc: Doc) -> tuple[str, bool]:
    """Date only after the body: '（2019年4月2日）' or '（中国联通新闻宣传中心 2019年4月2日）'."""
    r = doc.rng
    sign = r.choice(["", f"{doc.body_name}新闻宣传中心 ", "供稿：党群工作部 "])
    lines = [_title(doc), "", *_paragraphs(doc, 4), f"（{sign}{fmt(doc.date, 'cn')}）"]
    return "\n".join(lines), True


def lay_bottom_label(doc: Doc) -> tuple[str, bool]:
    """Government-style page: '发布日期：…' only after the body, then print / close."""
    r = doc.rng
    lines = [
        "您当前的位置：首页 > 工作动态",
        _title(doc),
        "",
        *_paragraphs(doc, 4),
        "",
        f"发布日期：{fmt(doc.date, r.choice(['iso', 'cn']))}",
        "【打印本页】【关闭窗口】",
    ]
    return "\n".join(lines), True


def lay_bottom_after_body_date(doc: Doc) -> tuple[str, bool]:
    """Lead sentence with the full event date; the publication date only at the bottom."""
    ev = doc.event_day(2)
    paras = _paragraphs(doc, 4)
    paras[0] = f"{fmt(ev, 'cn')}，{doc.body_name}召开会议，专题研究部署{_theme(doc.year)}有关工作。"
    lines = [_title(doc), "", *paras, "", f"（来源：{doc.body_name}　{fmt(doc.date, 'cn')}）"]
    return "\n".join(lines), True


def lay_brackets(doc: Doc) -> tuple[str, bool]:
    """Bracket header: 【来源：…】【时间：…】【作者：…】【字号：大 中 小】."""
    r = doc.rng
    src = doc.extra.get("source", r.choice(["人民邮电报", "企业党建网", "中国经济网"]))
    lines = [
        _title(doc),
        r.choice(
            [
                f"【来源：{src}】【时间：{fmt(doc.date, 'iso')}】【作者：{r.choice(['本站', '通讯员'])}】【字号：大 中 小】",
                f"【发布时间：{fmt(doc.date, 'iso')} {_hms(r)}】【来源：{src}】【点击：{r.randint(10, 999)}】",
            ]
        ),
        "",
        *_paragraphs(doc, 4),
    ]
    return "\n".join(lines), True


def lay_wechat(doc: Doc) -> tuple[str, bool]:
    """WeChat article mirror: '原创 账号 账号 2023-05-18 18:30 发表于北京', 阅读原文 / 在看 / 留言."""
    r = doc.rng
    acct = doc.extra.get("account", doc.subject)
    head = r.choice(
        [
            f"原创 {acct} {acct} {fmt(doc.date, 'iso')} {_hm(r)} 发表于北京",
            f"{acct} {acct}",
        ]
    )
    states = head.startswith("原创")
    if not states:  # the older mirror layout puts the date on its own line
        head += f"\n{fmt(doc.date, 'iso')}"
        states = True
    lines = [
        _title(doc),
        head,
        "",
        *_paragraphs(doc, 4),
        "",
        "- END -",
        "来源 | 党群工作部",
        "编辑 | 小翼 审核 | 新闻中心",
        "阅读原文",
        f"阅读 {r.randint(1000, 9999)}",
        "在看  点赞",
        "写留言",
        "留言",
        f"精选留言 {doc.md(doc.date + dt.timedelta(days=1))}",
    ]
    return "\n".join(lines), states


def lay_jekyll(doc: Doc) -> tuple[str, bool]:
    """Jekyll re-post (like seed 003): YAML front matter with a date, HTML body, back-links."""
    r = doc.rng
    title = _title(doc)
    date_v = r.choice(
        [
            f"{fmt(doc.date, 'iso')} {_hms(r)} +0800",
            f"{fmt(doc.date, 'iso')}T{_hms(r)}+08:00",
            f"'{fmt(doc.date, 'iso')}'",
        ]
    )
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(doc, 4))
    lines = [
        "---",
        "layout: post",
        f'title: "{title}"',
        f"date: {date_v}",
        "categories: renminyoudianbao",
        "tags: 人民邮电报新闻",
        "---",
        body + '<p class="em_media">（文章来源：人民邮电报）</p>',
        "",
        "[返回人民邮电报新闻](//finews.example.com/category/renminyoudianbao.html)｜[返回首页](//finews.example.com/)",
    ]
    return "\n".join(lines), True


def lay_markdown_seed(doc: Doc) -> tuple[str, bool]:
    """Markdown export (like seeds 000 / 001): '## 标题', '发布时间：2024 年 1 月 30 日 发布人：…', <PAGE_DIV>."""
    r = doc.rng
    style = r.choice(["cn_sp", "iso"])
    paras = _paragraphs(doc, 4)
    lines = [
        f"## {_title(doc)}",
        "",
        f"发布时间：{fmt(doc.date, style)}" + r.choice(["", " 发布人：新闻宣传中心"]),
        "",
        *(p + r.choice(["", "<PAGE_DIV> "]) for p in paras),
    ]
    return "\n\n".join(lines), True


def lay_html_sidebar(doc: Doc) -> tuple[str, bool]:
    """Full HTML page: a dated '最新动态' sidebar BEFORE the article, date in a span under the title."""
    r = doc.rng
    side = "".join(
        f"<li><a href='/n{r.randint(1000, 9999)}.html'>{t}</a><span>{fmt(doc.date + dt.timedelta(days=k), 'iso')}</span></li>"
        for k, t in zip(
            (9, 15, 40), ("党建共建签约仪式举行", "青年志愿服务队走进社区", "召开安全生产专题会"), strict=True
        )
    )
    title = _title(doc)
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(doc, 4))
    html = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_新闻中心</title>
<script>var _hmt=_hmt||[];var now='{fmt(doc.date + dt.timedelta(days=500), "iso")}';</script>
<style>.side{{float:left}}</style></head>
<body><div class="top"><a href="/">网站首页</a> | <a href="/map">网站地图</a></div>
<div class="side"><h3>最新动态</h3><ul>{side}</ul></div>
<div class="main"><div class="crumb">首页 &gt; 新闻中心 &gt; 正文</div>
<h1>{title}</h1>
<div class="info"><span class="date">{fmt(doc.date, "iso")} {_hm(r)}</span>&nbsp;&nbsp;<span>来源：{doc.extra.get("source", "本网")}</span></div>
<div class="content">{body}</div>
<div class="share">分享到：<a>微信</a><a>微博</a></div></div>
<div class="foot">Copyright &copy; 2008-2026 版权所有 京ICP备05070218号</div>
</body></html>
"""
    return html, True


def lay_html_meta_only(doc: Doc) -> tuple[str, bool]:
    """HTML page with a visible '发布时间' and a matching <meta name="PubDate">."""
    r = doc.rng
    title = _title(doc)
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(doc, 4))
    iso = fmt(doc.date, "iso")
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="PubDate" content="{iso} {_hm(r)}"><meta name="ContentSource" content="{doc.extra.get("source", "本网")}">
<title>{title}</title></head><body>
<table><tr><td><a href="/">首页</a> &gt; <a href="/dj/">党建工作</a></td></tr></table>
<table><tr><td class="title">{title}</td></tr>
<tr><td class="info">发布时间：{iso}&nbsp;&nbsp;&nbsp;&nbsp;点击数：<span id="hits">0</span>&nbsp;&nbsp;【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</td></tr>
<tr><td>{body}</td></tr></table></body></html>
"""
    return html, True


def lay_bilingual(doc: Doc) -> tuple[str, bool]:
    """English + Chinese page: English title and date line, Chinese body, English summary."""
    r = doc.rng
    en = _ENGLISH.get(doc.company, "SASAC")
    d_en = r.choice(
        [
            f"Updated: {fmt(doc.date, 'iso')} {_hm(r)}",
            f"By Staff Writer | chinadaily.com.cn | Updated: {fmt(doc.date, 'iso')} {_hm(r)}",
            f"Published: {fmt(doc.date, 'en_dmy')}",
            f"{fmt(doc.date, 'en_long')} | Source: {en}",
        ]
    )
    lines = [
        f"{en} holds Party building work conference",
        d_en,
        "",
        *_paragraphs(doc, 3),
        "",
        f"{en} convened a meeting on Party conduct and clean governance, calling on all units to strengthen "
        "supervision and deepen reform.",
        "Copyright 1995 - 2026. All rights reserved.",
    ]
    return "\n".join(lines), True


def lay_multiline_labels(doc: Doc) -> tuple[str, bool]:
    """Portal with one label per line: 文章来源 / 作者 / 字体 / 发布时间 (each on its own line)."""
    r = doc.rng
    lines = [
        "首页 > 科技 > 通信 > 正文",
        "",
        _title(doc),
        "",
        f"文章来源:{r.choice(['中国网科技', '中国经济网', '央广网'])}",
        "作者:",
        "字体:",
        f"发布时间:{fmt(doc.date, 'iso')} {_hms(r)}",
        "",
        *("  " + p for p in _paragraphs(doc, 4)),
        "",
        "大视窗",
    ]
    return "\n".join(lines), True


def lay_gov_index(doc: Doc) -> tuple[str, bool]:
    """Government disclosure page: index block with 发布日期, then a notice dated (成文) earlier."""
    r = doc.rng
    signed = doc.date - dt.timedelta(days=r.randint(5, 40))
    org = doc.extra.get("org", doc.subject)
    lines = [
        f"- 索引号：{r.randint(10000000, 99999999)}/{doc.year}-{r.randint(10, 999):05d}",
        f"- 发文字号：{r.choice(['工信厅', '国资党委', '通信管理局'])}〔{signed.year}〕{r.randint(1, 90)}号",
        f"- 发布日期：{fmt(doc.date, 'iso')} {_hm(r)}",
        f"{org}关于深入推进{_theme(doc.year)}的通知",
        f"发布时间：{fmt(doc.date, 'iso')} {_hm(r)} 浏览次数：",
        "各有关单位：",
        *_paragraphs(doc, 3),
        org,
        fmt(signed, "cn"),
        "（此件公开发布）",
    ]
    return "\n".join(lines), True


def lay_updated(doc: Doc) -> tuple[str, bool]:
    """'发布时间：… 更新时间：…': the later update is not the publication date."""
    r = doc.rng
    upd = doc.date + dt.timedelta(days=r.randint(1, 30))
    lines = [
        _title(doc),
        f"发布时间：{fmt(doc.date, 'iso')}　更新时间：{fmt(upd, 'iso')}　来源：{doc.extra.get('source', '党建频道')}",
        "",
        *_paragraphs(doc, 4),
    ]
    return "\n".join(lines), True


def lay_forum(doc: Doc) -> tuple[str, bool]:
    """Discuz forum repost: '时间:2024-11-26 17:23 0 25 | 复制链接 |', register prompts."""
    r = doc.rng
    lines = [
        "收起左侧",
        "发新帖",
        "",
        _title(doc),
        "",
        f"时间:{fmt(doc.date, 'iso')} {_hm(r)} 0 {r.randint(10, 500)} | 复制链接 |",
        "",
        "马上注册，结交更多好友",
        "您需要 登录 才可以下载或查看，没有账号？立即注册",
        "",
        *_paragraphs(doc, 3),
        "您需要登录后才可以回帖 登录 | 立即注册",
        "本版积分规则",
        "快速回复 返回列表 返回顶部",
    ]
    return "\n".join(lines), True


def lay_glued(doc: Doc) -> tuple[str, bool]:
    """Date glued to neighbouring words: '大众新闻·海报新闻    2026-01-14 16:59:06原创'."""
    r = doc.rng
    head = r.choice(
        [
            f"大众新闻·海报新闻    {fmt(doc.date, 'iso')} {_hms(r)}原创",
            f"{fmt(doc.date, 'cn_pad')}{doc.extra.get('source', '企业党建')}浏览量：{r.randint(0, 999)}",
            f"发布日期:{fmt(doc.date, 'iso')}访问次数: 信息来源:{doc.extra.get('source', '办公室')}",
        ]
    )
    lines = [_title(doc), "", head, "", *_paragraphs(doc, 4), f"责任编辑：{r.choice(['窦伟', '刘敏'])}"]
    return "\n".join(lines), True


def lay_thepaper(doc: Doc) -> tuple[str, bool]:
    """Paper-style self-media page: column|title, date, 来源, 字号, licence numbers in the footer."""
    r = doc.rng
    lines = [
        "- +1",
        f"{r.choice(['印记', '党建动态', '基层一线'])}|{_title(doc)}",
        f"{fmt(doc.date, 'iso')} {_hm(r)}",
        "来源：澎湃新闻·澎湃号·政务",
        "字号",
        *_paragraphs(doc, 3),
        "特别声明",
        "本文为澎湃号作者或机构在澎湃新闻上传并发布，仅代表该作者或机构观点。",
        "收藏 我要举报 查看更多",
        "报料热线: 021-962866",
        "互联网新闻信息服务许可证:31120170006",
        "增值电信业务经营许可证:沪B2-2017116",
        "© 2014-2026 上海东方报业有限公司",
    ]
    return "\n".join(lines), True


def lay_reprint(doc: Doc) -> tuple[str, bool]:
    """Reprint with its own header date and a note on the earlier original."""
    r = doc.rng
    orig = doc.date - dt.timedelta(days=r.randint(2, 9))
    lines = [
        _title(doc),
        f"发布时间：{fmt(doc.date, 'iso')}　来源：{r.choice(['企业党建网', '国资小新'])}",
        "",
        *_paragraphs(doc, 4),
        f"本文转自人民邮电报（原载于{fmt(orig, 'cn')}《人民邮电报》第{r.randint(1, 4)}版）",
    ]
    return "\n".join(lines), True


def lay_crawl_line(doc: Doc) -> tuple[str, bool]:
    """First line is the site name + the date the page was saved; the article states its own date."""
    r = doc.rng
    saved = doc.date + dt.timedelta(days=r.randint(100, 900))
    first = r.choice(
        [
            f"中国经济网 采集时间：{fmt(saved, 'iso')} {_hms(r)}",
            f"Saved from {r.choice(['http://www.ce.cn/', 'https://www.cnii.com.cn/'])} on {fmt(saved, 'iso')}",
        ]
    )
    lines = [
        first,
        "",
        _title(doc),
        f"{fmt(doc.date, 'iso')} {_hm(r)}　来源：中国经济网",
        "",
        *_paragraphs(doc, 4),
    ]
    return "\n".join(lines), True


def lay_pdf_notice(doc: Doc) -> tuple[str, bool]:
    """PDF-extracted official notice: running header with the document number, page numbers, 成文日期."""
    r = doc.rng
    org = doc.extra.get("org", f"{doc.subject}党组")
    number = f"{org}〔{doc.year}〕{r.randint(2, 60)}号"
    style = "cn_num" if doc.year <= 2012 else "cn"
    paras = _paragraphs(doc, 5, year_in_body=False)
    pages, cur = [], []
    for p in paras:
        cur.append(p)
        if len(cur) == 2:
            pages.append(cur)
            cur = []
    if cur:
        pages.append(cur)
    out = [
        number,
        "",
        f"关于印发《{doc.subject}{_theme(doc.year)}实施方案》的通知",
        "",
        "各单位党委：",
        "",
    ]
    for k, page in enumerate(pages, 1):
        if k > 1:
            out += [number, ""]
        out += page
        out += ["", f"— {k} —", ""]
    out += [org, "", fmt(doc.date, style), "", "（此件发至各省级公司）"]
    text = "\n".join(out)
    if r.random() < 0.5:  # PDF spacing: spaces between characters of some lines
        text = text.replace("各单位党委：", "各 单 位 党 委 ：")
    return text, True


def lay_pdf_report(doc: Doc) -> tuple[str, bool]:
    """PDF text of a web article: seed-like spacing '发布时间：2024 年 1 月 30 日', broken words, page marks."""
    r = doc.rng
    paras = _paragraphs(doc, 5)
    title = _title(doc)
    cut = max(2, len(title) // 2)
    lines = [
        f"# {title[:cut]} {title[cut:]}",
        "",
        f"发布时间：{fmt(doc.date, 'cn_sp')}",
        "",
        *(p.replace("，", " ，", 1) + "<PAGE_DIV> " for p in paras),
        f"- {r.randint(1, 3)} -",
    ]
    return "\n".join(lines), True


def lay_big5_mirror(doc: Doc) -> tuple[str, bool]:
    """Traditional mirror: '發佈時間: … |來源:… | |責任編輯: …' with a few pinyin glosses (set later)."""
    r = doc.rng
    head = r.choice(
        [
            f"发布时间: {fmt(doc.date, 'iso')} {_hms(r)} |来源:{doc.extra.get('source', '联盟中国')} | |责任编辑: 曹阳",
            f"发布日期：{fmt(doc.date, 'cn_pad')}",
            f"文章来源:国资委研究中心 发布时间:{fmt(doc.date, 'iso')}",
            f"日期：{fmt(doc.date, 'iso')}　來源：大公網",
        ]
    )
    lines = [_title(doc), head, *_paragraphs(doc, 4), "版权所有 © 2010-2026 ｜ 免责声明 ｜ 联系我们"]
    return "\n".join(lines), True


# ----------------------------------------------------------------------------------------- undated pages
def und_seed004(doc: Doc) -> tuple[str, bool]:
    """Like seed 004: nav, breadcrumb, title, body with month/day only, editor and tags, copyright range."""
    lines = [
        "网站首页 | 网站地图",
        "",
        "大国新村",
        "首页 > 中国品牌 > 企业党建 > 正文",
        "",
        _title(doc),
        "",
        *_paragraphs(doc, 4, year_in_body=False),
        "",
        f"[责任编辑:{doc.rng.choice(['潘旺', '李想'])}]",
        f"标签: {_theme(doc.year)}   {doc.subject}",
        "Copyright © 2008-2026 大国新村 All Rights Reserved",
    ]
    return "\n".join(lines), False


def und_related(doc: Doc) -> tuple[str, bool]:
    """Undated article followed by a related list whose items carry dates."""
    r = doc.rng
    lines = [
        _title(doc),
        "",
        *_paragraphs(doc, 4, year_in_body=False),
        "",
        *_related(r, doc.date, 4, style=r.choice(["iso", "cn_pad"])),
    ]
    return "\n".join(lines), False


def und_comments(doc: Doc) -> tuple[str, bool]:
    """Undated article with reader comments carrying timestamps."""
    r = doc.rng
    lines = [
        "首页 > 资讯 > 正文",
        _title(doc),
        "",
        *_paragraphs(doc, 3, year_in_body=False),
        "",
        f"网友评论（{r.randint(2, 30)}）",
        f"通信老兵 {fmt(doc.date + dt.timedelta(days=2), 'iso')} {_hm(r)}：写得实在，点赞！",
        f"匿名用户 {fmt(doc.date + dt.timedelta(days=5), 'iso')} {_hm(r)}：基层党建确实要落到实处。",
        "发表评论 查看全部评论",
    ]
    return "\n".join(lines), False


def und_crawl(doc: Doc) -> tuple[str, bool]:
    """The only date on the page is when it was collected / saved."""
    r = doc.rng
    saved = doc.date + dt.timedelta(days=r.randint(30, 600))
    first = r.choice(
        [
            f"采集时间：{fmt(saved, 'iso')} {_hms(r)}  网页快照",
            f"保存时间：{fmt(saved, 'slash_pad')} {_hm(r)}",
        ]
    )
    lines = [first, "", _title(doc), "", *_paragraphs(doc, 4, year_in_body=False)]
    return "\n".join(lines), False


def und_body_dates(doc: Doc) -> tuple[str, bool]:
    """Undated commentary whose body cites full dates of rules and past events."""
    r = doc.rng
    rule = dt.date(max(2008, doc.year - 2), r.randint(1, 12), r.randint(1, 28))
    past = dt.date(max(2008, doc.year - 5), r.randint(1, 12), r.randint(1, 28))
    paras = _paragraphs(doc, 3, year_in_body=False)
    paras.insert(
        1,
        f"自{fmt(rule, 'cn')}起施行的有关管理办法，对党员干部廉洁从业提出了更加明确的要求。"
        f"早在{fmt(past, 'cn')}，{doc.body_name}就建立了党建工作责任制考核办法。",
    )
    lines = [f"【党建论坛】{_title(doc)}", "", *paras, "", "（作者单位：党校教研室）"]
    return "\n".join(lines), False


def und_html_script(doc: Doc) -> tuple[str, bool]:
    """HTML page whose only dates are inside <script> and an HTML comment (nothing a reader sees)."""
    title = _title(doc)
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(doc, 4, year_in_body=False))
    ts = fmt(doc.date + dt.timedelta(days=700), "iso")
    html = f"""<!DOCTYPE html>
<!-- Page saved with SingleFile url: https://www.example.cn/a/123.html saved date: {ts} 10:00:00 -->
<html><head><meta charset="utf-8"><title>{title}</title>
<script type="text/javascript">var pubtime = "{ts} 10:00:00"; document.write('');</script></head>
<body><div class="nav">网站首页 | 网站地图</div><h1>{title}</h1>
<div class="article">{body}</div><div class="tools">分享到： 返回顶部 关闭窗口</div></body></html>
"""
    return html, False


def und_wechat(doc: Doc) -> tuple[str, bool]:
    """WeChat mirror that lost its date line."""
    acct = doc.extra.get("account", doc.subject)
    lines = [
        _title(doc),
        f"{acct} {acct}",
        "",
        *_paragraphs(doc, 4, year_in_body=False),
        "阅读原文",
        "在看  点赞  分享",
    ]
    return "\n".join(lines), False


def und_markdown(doc: Doc) -> tuple[str, bool]:
    """Markdown with front matter but no date key (title / tags only)."""
    lines = [
        "---",
        f"title: {_title(doc)}",
        "tags: [党建, 国企]",
        "layout: post",
        "---",
        "",
        *_paragraphs(doc, 4, year_in_body=False),
        "",
        "[返回首页](/)",
    ]
    return "\n\n".join(lines), False


def und_pdf_attachment(doc: Doc) -> tuple[str, bool]:
    """PDF attachment (an implementation plan) with running header and page numbers but no dating line."""
    org = f"{doc.subject}党组"
    number = f"{org}〔{doc.year}〕{doc.rng.randint(2, 60)}号"
    paras = _paragraphs(doc, 4, year_in_body=False)
    out = ["附件", "", f"{doc.subject}{_theme(doc.year)}实施方案", ""]
    for k, p in enumerate(paras, 1):
        out += [number, "", p, "", f"— {k} —", ""]
    return "\n".join(out), False


def und_big5(doc: Doc) -> tuple[str, bool]:
    """Traditional page without a date; footer with a copyright range."""
    lines = [
        "首頁 > 內地新聞 > 正文",
        _title(doc),
        *_paragraphs(doc, 4, year_in_body=False),
        "版權所有 © 2008-2026 ｜ 私隱政策",
    ]
    return "\n".join(lines), False


# --------------------------------------------------------------------------------------------- assembly
@lru_cache(maxsize=4)
def _converter(config: str):  # -> opencc.OpenCC
    import opencc

    return opencc.OpenCC(config)


_GLOSSES = {
    "國": "guó",
    "家": "jiā",
    "聯": "lián",
    "業": "yè",
    "發": "fā",
    "黨": "dǎng",
    "建": "jiàn",
    "設": "shè",
}


def _gloss(text: str, rng: random.Random, *, tones: bool) -> str:
    """Mirror-site noise: pinyin after some characters of the body (never in the first two lines)."""
    lines = text.split("\n")
    out = lines[:2]
    for line in lines[2:]:
        chars = []
        for ch in line:
            chars.append(ch)
            if ch in _GLOSSES and rng.random() < 0.7:
                py = _GLOSSES[ch]
                if not tones:
                    py = "".join(c for c in unicodedata.normalize("NFD", py) if not unicodedata.combining(c))
                chars.append(f"({py})")
        out.append("".join(chars))
    return "\n".join(out)


def _encode(text: str, encoding: str) -> tuple[bytes, str]:
    try:
        return text.encode(encoding), encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


DATED: list[tuple[str, Layout, str]] = [
    ("company_site", lay_company_site, ".txt"),
    ("source_only", lay_source_only, ".txt"),
    ("sasac", lay_sasac, ".txt"),
    ("people", lay_people, ".txt"),
    ("xinhua", lay_xinhua, ".txt"),
    ("cww", lay_cww, ".txt"),
    ("c114_date_above_title", lay_c114, ".txt"),
    ("epaper", lay_epaper, ".txt"),
    ("paper_date_at_bottom", lay_paper_bottom, ".txt"),
    ("bottom_paren", lay_bottom_paren, ".txt"),
    ("bottom_label", lay_bottom_label, ".txt"),
    ("bottom_after_body_date", lay_bottom_after_body_date, ".txt"),
    ("brackets", lay_brackets, ".txt"),
    ("wechat", lay_wechat, ".txt"),
    ("jekyll", lay_jekyll, ".md"),
    ("markdown_seed", lay_markdown_seed, ".md"),
    ("html_sidebar_first", lay_html_sidebar, ".html"),
    ("html_table", lay_html_meta_only, ".html"),
    ("bilingual", lay_bilingual, ".txt"),
    ("multiline_labels", lay_multiline_labels, ".txt"),
    ("gov_index", lay_gov_index, ".txt"),
    ("updated_later", lay_updated, ".txt"),
    ("forum", lay_forum, ".txt"),
    ("glued", lay_glued, ".txt"),
    ("thepaper", lay_thepaper, ".txt"),
    ("reprint", lay_reprint, ".txt"),
    ("crawl_line_dated", lay_crawl_line, ".txt"),
    ("pdf_notice", lay_pdf_notice, ".txt"),
    ("pdf_report", lay_pdf_report, ".txt"),
    ("big5_mirror", lay_big5_mirror, ".txt"),
]
UNDATED: list[tuple[str, Layout, str]] = [
    ("undated_seed004", und_seed004, ".txt"),
    ("undated_related_dates", und_related, ".txt"),
    ("undated_comments", und_comments, ".txt"),
    ("undated_crawl_only", und_crawl, ".txt"),
    ("undated_body_dates", und_body_dates, ".txt"),
    ("undated_html_script", und_html_script, ".html"),
    ("undated_wechat", und_wechat, ".txt"),
    ("undated_markdown", und_markdown, ".md"),
    ("undated_pdf_attachment", und_pdf_attachment, ".txt"),
    ("undated_big5", und_big5, ".txt"),
]
_TRADITIONAL = {"big5_mirror", "undated_big5"}
_NO_NONE = {"source_only", "bilingual"}  # layouts that need a company


def _make_doc(rng: random.Random, layout: str, company: str, date: dt.date, k: int) -> Doc:
    """Pick how the subject is named: title, subsidiary, source line, or another organisation."""
    if not company:
        org, body = _NONE_SUBJECTS[k % len(_NONE_SUBJECTS)]
        doc = Doc(rng, "", date, org, body, via="none")
        if k % 4 == 0:  # a passing mention of one operator in a list of enterprises
            listed = COMPANIES[k % 5]
            doc.extra["mention"] = listed
        doc.extra["org"] = org
        return doc
    if layout == "source_only":
        doc = Doc(rng, company, date, "公司", "公司", via="source")
        doc.extra["source_company"] = company
        return doc
    if layout == "bilingual":
        return Doc(rng, company, date, _ENGLISH[company], "公司", via="english")
    if k % 5 == 3:
        idx = k % 3
        doc = Doc(rng, company, date, _SUBSIDIARY[company][idx], _SHORT_SUB[company][idx], via="subsidiary")
        if company == "中国移动" and date.year < 2015 and idx == 1:  # before its 2015 rename it was 中国铁通
            doc.subject, doc.body_name = "中国铁通集团有限公司", "中国铁通"
        return doc
    short = (
        company
        if k % 7
        else {
            "中国联通": "联通集团",
            "中国移动": "中移动",
            "中国电信": "中国电信集团",
            "中国铁塔": "铁塔公司",
            "中国广电": "中国广电",
        }[company]
    )
    return Doc(rng, company, date, company if k % 6 else _FULL[company], short)


def _date_for(rng: random.Random, company: str, k: int) -> dt.date:
    lo = {"中国铁塔": 2015, "中国广电": 2016}.get(company, 2008)
    year = lo + (k * 7 + rng.randint(0, 3)) % (2026 - lo + 1)
    if k % 37 == 0:
        year = 2008 if lo == 2008 else year
    if k % 41 == 1:
        year = 2026
    month = rng.randint(1, 12)
    if year == 2026:
        month = rng.randint(1, 2)
    return dt.date(year, month, rng.randint(1, 28))


def _apply_mention(text: str, doc: Doc) -> str:
    listed = doc.extra.get("mention")
    if not listed:
        return text
    sentence = f"中国石油、国家电网、中国中车、{listed}、中国建筑等中央企业负责同志在分会场参加会议。"
    parts = text.split("\n")
    mid = max(4, len(parts) // 2)
    return "\n".join([*parts[:mid], sentence, *parts[mid:]])


def write_real_corpus(folder: Path, seed: int = 0) -> pd.DataFrame:
    """Write the corpus under ``folder``; return the truth ``[path, date, company, category, note]``."""
    folder = Path(folder)
    rng = random.Random(seed)
    rows = []
    companies = [*COMPANIES, ""]
    # (layout, company): every layout meets several companies (and '' where it can be about none)
    plan: list[tuple[str, Layout, str, str]] = []
    for rep in range(4):
        for group in (DATED, UNDATED):
            for i, (n, f, s) in enumerate(group):
                company = companies[(i + rep * 5 + (group is UNDATED)) % len(companies)]
                if not company and n in _NO_NONE:
                    company = COMPANIES[(i + rep) % 5]
                plan.append((n, f, s, company))
    for k, (name, func, suffix, company) in enumerate(plan):
        date = _date_for(rng, company, k)
        doc = _make_doc(rng, name, company, date, k)
        text, states = func(doc)
        text = _apply_mention(text, doc)
        traditional = name in _TRADITIONAL
        if traditional:
            text = _converter(rng.choice(["s2hk", "s2tw", "s2t"])).convert(text)
            if name == "big5_mirror" and k % 2 == 0:
                text = _gloss(text, rng, tones=bool(k % 4))
            # Big5 has no ©, and OpenCC's 's2t' gives variants Big5 lacks; the mirrors write these forms
            text = text.replace("©", "(C)").replace("户", "戶").replace("爲", "為")
            encoding = "big5" if k % 3 else "utf-8"
        elif suffix == ".html":
            encoding = "utf-8"
        else:
            encoding = ("utf-8", "utf-8-sig", "gb18030", "utf-8")[(k + k // (len(DATED) + len(UNDATED))) % 4]
        data, encoding = _encode(text, encoding)
        rel = f"{name}/{k:03d}_{doc.via}{suffix}"
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        truth_date = doc.date.isoformat() if states else None
        note = f"{name}: via={doc.via} subject={doc.subject} enc={encoding}"
        if doc.extra.get("mention"):
            note += f" mentions={doc.extra['mention']}"
        rows.append({"path": rel, "date": truth_date, "company": company, "category": name, "note": note})
    return pd.DataFrame(rows, columns=["path", "date", "company", "category", "note"])
