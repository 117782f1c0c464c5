"""The shortcuts of metadata extraction give exactly what the general path gives.

Each fast path (alias patterns tried only around their literal needle, ...) keeps the general path
it replaces callable; these property tests compare the two on generated text built from the pieces
the rules care about (city names, operator names, the words the patterns exclude, digits, dates).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.ingest.metadata import AliasEntry, CompanyAliases, load_aliases, prepare_for_matching

_PIECES = [
    "北京", "内蒙古", "内蒙", "中山", "中卫", "黑龙江", "浦东", "福州", "省", "市", "自治区",
    "移动", "联通", "电信", "铁塔", "广电", "分公司", "公司", "集团", "中国", "中移", "中移动",
    "设施", "互联", "互联网", "支付", "性", "起来", "集中", "外国", "香港", "有限", "通信", "网络",
    "、", "，", ",", "和", "等", " ", "\n", "China", " Mobile", "unicom", "UNICOM", "5G", "广电5G",
    "党支部", "近日", "。", "a", "9", "ſ", "K",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_windowed_alias_search_equals_full_scan(text: str) -> None:
    aliases = load_aliases()
    t = prepare_for_matching(text)
    assert aliases._find_prepared(t) == aliases._find_prepared(t, windows=False)


def test_the_shipped_patterns_are_windowed() -> None:
    """The province-branch patterns (the costly ones) are searched around their needle."""
    aliases = load_aliases()
    windowed = {e.alias for _, e, _, window in aliases._compiled if window is not None}
    assert sum(a.startswith("(?:呼和浩特") for a in windowed) >= 3
    assert "中国移动通信集团有限公司" in windowed


_USER_PATTERNS = [
    "移动", "^移动", "移动$", r"\b移动", "移动(?=分公司)", "(?<=北京)移动", "(?<!中国)联通", "联通+",
    "(?:北京|内蒙古?)(?:市)?联通", "[北内]移动", "联通(?:集团)?", "(?:a|b)?电信", r"\w{0,3}电信",
    "中国(?:移动|联通)", "(移动)\\1", "电信.{0,5}公司", "(?i)china mobile", "移动|联通",
    "中国移动", "中国移动通信", "移动通信", "北京移动", "China Mobile",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_USER_PATTERNS), min_size=1, max_size=5, unique=True), _TEXT)
def test_windowed_search_equals_full_scan_for_any_pattern(patterns: list[str], text: str) -> None:
    """User alias files may hold any pattern: anchors, lookarounds, repeats, alternations."""
    aliases = CompanyAliases(
        tuple(
            AliasEntry(f"公司{k % 2}", p, "name" if re.fullmatch(r"[\w ]+", p) else "pattern", 1.0 + k % 3)
            for k, p in enumerate(patterns)
        )
    )
    t = prepare_for_matching(text)
    assert aliases._find_prepared(t) == aliases._find_prepared(t, windows=False)


_DATE_PIECES = [
    "2024", "1999", "2019", "20", "19", "0", "1", "2", "3", "9", "12", "31", "年", "月", "日", "号", "-", "/",
    ".", ":", " ", "T", "10:30", "二〇二四", "〇", "一", "十", "三十", "廿", "元", "O", "May", "sept", "Dec",
    "3rd", ",", "星期一", "发布时间:", "截至", "(", "ſep", "Ｍay", "2024-01-30", "2024/7/30", "2024.04.15",
    "20240130", "3 May 2019", "May 3, 2019", "22/09/2025", "6/11/2019", "二〇二四年一月三十日", "2024年1月30日",
    "3 DEC 2019", "JUNE 5, 2020", "ſept 9 2021", "9 ſep 2021",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=16).map("".join), st.sampled_from([None, "dmy", "mdy"]))
def test_date_prefilter_never_hides_a_date(line: str, order: str | None) -> None:
    """A line the prefilter turns away (no 19xx/20xx year, no 年 and 月) holds no date in any format."""
    from analysis.ingest.metadata.dates import _find_dates, _scan_dates

    assert _find_dates.__wrapped__(line, order) == _scan_dates(line, order)


_LINE_PIECES = [
    "中国移动", "國際電聯", "發佈時間", "，", "：", "（", "）", "１２", "ＡＢ", "ｶ", "ﾞ", "ｱ", "\u3099", "e", "\u0301",
    "\u00e9", "ㄱ", "ㅏ", "\u1100", "\u1161", "\u11a8", "가", "\u200b", "\u00ad", "\ufeff", "ﬁ", "①", "㈱", "\u3000",
    " ", "\t", "\n", "\r", "Ⅻ", "½", "x", "\u0338", "=", "<", "\u2028", "臺灣",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=8).map("".join), max_size=8))
def test_line_by_line_normalisation_equals_whole_text(raw: list[str]) -> None:
    """NFKC never reaches across a line break; the script conversion is decided on the whole text."""
    from analysis.ingest.metadata.lines import _Lines, _norm, _norm_joined

    lines = _Lines([], [])
    assert _norm_joined(lines, raw) == _norm("\n".join(raw))
    assert _norm_joined(lines, raw) == _norm("\n".join(raw))  # again, from the per-document memo


# The line classifiers' patterns as they were written before the word lists were searched as substrings.
_BARRIER = r"无障碍(?=\s|$|\||浏览|阅读|通道|模式)"
_BREAD = r"[^›»\s][^›»]{0,15}[›»][^›»]{1,16}[›»]"


def _reference_patterns() -> dict[str, re.Pattern[str]]:
    from analysis._text import words_pattern

    crawl = words_pattern("layout_chrome.txt") + rf"|{_BARRIER}|(?<![A-Za-z])English(?![A-Za-z])|(?:查看)?更多\s*(?:>|»|$)"
    return {
        "_DISCLAIMER_RE": re.compile(words_pattern("layout_disclaimer.txt"), re.I),
        "_NAV_RE": re.compile(
            words_pattern("layout_navigation.txt")
            + rf"|首页\s*[>»›/]|[>»›]\s*正文|{_BARRIER}|(?<![A-Za-z])English(?![A-Za-z])|{_BREAD}"
        ),
        "_CRAWL_NAV_RE": re.compile(crawl),
        "_CHROME_RE": re.compile(crawl + r"|首页\s*[>»›/]|[>»›]\s*正文|当前位置|您的位置|你的位置|您现在的位置|所在位置|" + _BREAD),
    }


def _layout_pieces() -> st.SearchStrategy[str]:
    """Words of the lists, halves of them, and the characters the other alternatives need (as often)."""
    from analysis._text import word_list

    words = [w for name in ("disclaimer", "navigation", "chrome") for w in word_list(f"layout_{name}.txt")]
    halves = [w[: len(w) // 2] for w in words] + [w[len(w) // 2 :] for w in words]
    extra = [
        "首页", "正文", ">", "»", "›", "/", " ", "\t", "|", "无障碍", "浏览", "English", "Englishman", "xEnglish",
        "更多", "查看", "COPYRIGHT", "Copyright", "copyrıght", "icp备", "ICP证", "©", "中国移动", "党建", "ſ", "K", "。",
        "当前位置", "您现在的位置", "a", "1",
    ]  # fmt: skip
    return st.one_of(st.sampled_from(sorted(set(words + halves))), st.sampled_from(extra))


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_word_list_classifiers_equal_their_regex(data: st.DataObject) -> None:
    from analysis.ingest.metadata import lines

    line = "".join(data.draw(st.lists(_layout_pieces(), max_size=12)))
    for name, reference in _reference_patterns().items():
        fast = getattr(lines, name)
        assert fast.search(line) == bool(reference.search(line)), (name, line)
        assert bool(re.compile(fast.pattern, fast.flags).search(line)) == bool(reference.search(line)), name


@given(st.text(alphabet=st.sampled_from("中国移动㐀䶿一鿿豈\ufaff\uf8ff\u3000，。a1 \n𠀀〇")))
def test_cjk_count_counts_the_cjk_characters(s: str) -> None:
    from analysis.ingest.metadata.lines import _CJK_RE, _cjk_count

    assert _cjk_count.__wrapped__(s) == len(_CJK_RE.findall(s))


_SHORT_PIECES = [
    "移动", "电信", "移", "动", "公司", "公司化", "分公司", "集团", "党员", "在全国", "突击队", "抢险", "浦东", "福州",
    "基站", "通信", "网络", "宽带", "5G", "，", "。", "、", " ", "“", "(", "中国", "a", "\n",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SHORT_PIECES), max_size=30).map("".join))
def test_short_forms_searched_where_they_occur_equal_full_scan(text: str) -> None:
    from analysis.ingest.metadata import companyforms

    assert companyforms.short_form_mentions(text) == companyforms.short_form_mentions(text, windows=False)


_NFKC_PIECES = [
    "中国", "，", "：", "（", "）", "！", "？", "　", "０", "９", "Ａ", "ｚ", "～", "＼", "\u0301", "\u0308", "\u3099",
    "ｶ", "ﾞ", "e", "A", " ", "ﬁ", "①", "\u200b", "\u00ad", "國", "\u1100", "\u1161", "ㄱ", "ㅏ", "\u0338", "<",
    "\uff5f", "\uff00", "\uffe0", "²", "ä", "a\u0308", "(", "guó", "(guó)", "2(èr)", "（jiā）",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_NFKC_PIECES), max_size=12).map("".join))
def test_fullwidth_fast_path_is_nfkc(s: str) -> None:
    import unicodedata

    from analysis.ingest.metadata import lines

    assert lines._nfkc(s) == lines._ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFKC", s))
    assert lines._strip_glosses(s) == lines._DIGIT_GLOSS_RE.sub("", lines._GLOSS_RE.sub("", s))


def test_fullwidth_forms_decompose_to_the_ascii_character() -> None:
    """The premise of the fast path, for every character it replaces."""
    import unicodedata

    from analysis.ingest.metadata import lines

    for cp in [*range(0xFF01, 0xFF5F), 0x3000]:
        c = chr(cp)
        assert lines._FULLWIDTH_RE.fullmatch(c)
        ascii_char = lines._FULLWIDTH_RE.sub(lines._fullwidth_to_ascii, c)
        assert unicodedata.decomposition(c) == f"<wide> {ord(ascii_char):04X}"
        assert not unicodedata.decomposition(ascii_char)


def test_ignorecase_variants_of_ascii_letters() -> None:
    """Every character re.I matches with an ASCII letter is one of the letter's listed variants."""
    from analysis.ingest.metadata.lines import _ignorecase_variants

    letter = re.compile("[a-z]", re.I)
    for cp in range(0x110000):
        c = chr(cp)
        if letter.fullmatch(c):
            matched = [x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(x, c, re.I)]
            assert matched and all(c in _ignorecase_variants(x) for x in matched), c
    for x in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        assert all(re.fullmatch(x, v, re.I) for v in _ignorecase_variants(x))


_SOURCE_PIECES = [
    "来源", "文章来源", "稿件来源", "信息来源", "新闻来源", "消息来源", "内容来源", "本文来源", "稿源", "出处", "转载自",
    "转自", "来源于", "source", "SOURCE", "Source", "ſource", "发布单位", "发布机构", "发布部门", "发稿单位", "供稿单位",
    "供稿", "信息提供", "主办单位", "发布人", "发布者", "信息发布人", "来 源", "发 布 人", ":", "：", " ", "  ", "\n",
    "人民网", "新华社", "中国移动", "2024-01-30", "数据", "图片", "。", "，", "本站", "作者", "|",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SOURCE_PIECES), max_size=25).map("".join))
def test_source_label_prefilter_equals_full_scan(text: str) -> None:
    from analysis.ingest.metadata.lines import _lines
    from analysis.ingest.metadata.sources import _find_labelled_source

    assert _find_labelled_source(_lines(text)) == _find_labelled_source(_lines(text), needles=False)


_META_REFERENCE = re.compile(
    r"来源|作者|编辑|责编|记者|通讯员|浏览|阅读|点击|字号|字体|打印|分享|供稿|出处|发布人|发布者|发布单位|"
    r"发表于|发布于|稿源|摄影|审核|校对|访问量|原创|转载|投稿|栏目|(?:查看|回复)\s*[:：]\s*[0-9]|"
    r"source|author|editor|views?\b",
    re.I,
)
_META_LABEL_REFERENCE = re.compile(
    r"(?:来源|作者|责任编辑|编辑|责编|记者|通讯员|浏览|阅读|点击|字号|字体|供稿|出处|发布人|发布者|发布单位|"
    r"发布时间|发布日期|发表时间|发表日期|更新时间|日\s*期|时\s*间|稿源|摄影|审核|标签|关键词|关键字|"
    r"source|author|date|published|tags?)(?:次数|量)?\s*[:：]",
    re.I,
)
_META_PIECES = [
    "来源", "作者", "责任编辑", "日 期", "时  间", "查看", "回复", "访问量", "发布时间", "次数", "量", ":", "：", " ",
    "3", "Source", "SOURCE", "ſource", "Author", "editor", "view", "views", "viewsx", "Date", "publiſhed", "TAGS",
    "tag", "新闻", "，", "a", "_", "\u212a",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_META_PIECES), max_size=10).map("".join))
def test_meta_line_words_split_by_case_equal_one_regex(s: str) -> None:
    from analysis.ingest.metadata.lines import _META_LABEL_RE, _META_RE

    for fast, reference in ((_META_RE, _META_REFERENCE), (_META_LABEL_RE, _META_LABEL_REFERENCE)):
        assert bool(fast.search(s)) == bool(reference.search(s))
        assert bool(fast.match(s)) == bool(reference.match(s))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("中国移动㐀豈a1 \t\n\u3000　，")))
def test_cjk_space_substring_test_equals_the_regex(s: str) -> None:
    from analysis.ingest.metadata.lines import _CJK_SPACE_RE, _drop_cjk_spaces

    assert _drop_cjk_spaces(s) == _CJK_SPACE_RE.sub("", s)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["中", "国", "2", "(", "（", ")", "）", " ", "\t", "\n", "guó", "èr", "a", "Z", "1"]), max_size=20).map("".join))
def test_gloss_hint_never_hides_a_gloss(s: str) -> None:
    from analysis.ingest.metadata.lines import _DIGIT_GLOSS_RE, _GLOSS_RE, _strip_glosses

    assert _strip_glosses(s) == _DIGIT_GLOSS_RE.sub("", _GLOSS_RE.sub("", s))


_TITLE_PIECES = [
    "#", "##", " ", "\t", "\u3000", "（", "(", "【", "[", "组图", "视频", "图", ")", "）", "】", "]",
    "，", "。", "2024", "年", "月", "日", "标题", "a", "**",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=14).map("".join))
def test_title_removal_hints_never_hide_a_match(s: str) -> None:
    from analysis.ingest.metadata.titles import _HINTS, _sub_where

    for rx in _HINTS:
        assert _sub_where(rx, s) == rx.sub("", s), rx.pattern


_DOCTYPE_PIECES = [
    "通知", "公告", "报告", "年度报告摘要", "ESG报告", "esg报告", "Report", "REPORT", "annual report",
    "Annual  Report", "新闻", "关于", "的", "中国移动", " ", "\n", "。", "《", "》", "ſ", "K", "İ", "x",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_DOCTYPE_PIECES), max_size=12).map("".join))
def test_type_word_search_from_the_tail_equals_full_search(s: str) -> None:
    from analysis.ingest.metadata.doctype import _ending, _type_at_end, doc_type_words

    m = _ending().search(s.strip())
    expected = (doc_type_words()[m.group(1).lower()], m.group(1)) if m else None
    assert _type_at_end(s) == expected


_PROSE_PIECES = ["中国移动", "党建", "㐀", "豈", "一", "。", ",", "，", ";", "!", "?", "…", "a", "1", " ", "\u3000", "ab12"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PROSE_PIECES), max_size=120).map("".join), st.integers(0, 120))
def test_cjk_at_least_equals_counting(line: str, n: int) -> None:
    from analysis.ingest.metadata.lines import _cjk_at_least, _cjk_count

    assert _cjk_at_least(line, n) == (_cjk_count.__wrapped__(line) >= n)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PROSE_PIECES), max_size=120).map("".join))
def test_line_classes_equal_their_counting_definition(line: str) -> None:
    """``_is_sentence`` and ``_is_body_line`` test the cheap conditions first, and count CJK characters
    only as far as a threshold needs: the same answers as the definitions written with the count."""
    from analysis.ingest.metadata.lines import _DISCLAIMER_RE, _SENTENCE_END_RE, _is_body_line, _is_sentence

    cjk = len(re.findall("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", line))
    sentence = (
        "。" in line
        or (cjk >= 30 and (line.count(",") >= 2 or bool(_SENTENCE_END_RE.search(line))))
        or (cjk >= 80 and "," in line)
    )
    assert _is_sentence.__wrapped__(line) == sentence
    body = not _DISCLAIMER_RE.search(line) and ((cjk >= 25 and sentence) or cjk >= 100)
    assert _is_body_line.__wrapped__(line) == body


_SPAN_PATTERNS = [
    "中国联通", "联通", "联通联通", "(?:北京|上海)?(?:市)?联通", "联通(?!性)", "(?<!设施)联通", "[北上]?联通集?团?",
    "(?:北京|上海|中国)(?:市)?联通", "(?:北京|上海市)联通", "(?<=[中北])(?:国联|京联)?联通", "(北京|上海)联通", "北京联通",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(_SPAN_PATTERNS),
    st.lists(st.sampled_from(["联通", "联", "通", "中国", "北京", "上海", "市", "性", "设施", "集团", "a"]), max_size=30).map("".join),
)
def test_windowed_spans_equal_windowed_matches(pattern: str, t: str) -> None:
    """The list form given the needle's occurrences yields what the generator yields."""
    from analysis.ingest.metadata.companies import _pattern_needle
    from analysis.ingest.metadata.textsearch import (
        first_pairs,
        occurrences,
        window,
        windowed_matches,
        windowed_spans,
    )

    rx = re.compile(pattern, re.I)
    needle = _pattern_needle(pattern)
    win = window(rx, needle)
    assert needle is not None and win is not None
    expected = [(m.start(), m.end()) for m in windowed_matches(rx, t, needle, win, t.find(needle))]
    assert windowed_spans(rx, t, len(needle), win, occurrences(t, needle)) == expected
    assert windowed_spans(rx, t, len(needle), win, occurrences(t, needle), first_pairs(rx)) == expected
    assert expected == [(m.start(), m.end()) for m in rx.finditer(t)]
    pairs = first_pairs(rx)
    assert pairs is None or all(t[m.start() : m.start() + 2] in pairs for m in rx.finditer(t))


def test_self_lowering_characters_and_ascii_preimages() -> None:
    """The premises of the scanned needles' test (companies._lowered_needle_test), over every code point:
    a character of _SELF_LOWER_RE lower-cases to itself and comes out of no other character's lower
    case; an ASCII letter comes out of its two cases and _LOWERS_TO only."""
    from analysis.ingest.metadata.companies import _LOWERS_TO, _SELF_LOWER_RE

    for cp in range(0x110000):
        c = chr(cp)
        low = c.lower()
        if _SELF_LOWER_RE.match(c):
            assert low == c, c
        for x in low:
            if x != c:
                assert not _SELF_LOWER_RE.match(x), (c, x)
            if x.isascii() and x.isalpha():
                assert c in (x, x.upper(), *_LOWERS_TO.get(x, "")), (c, x)


_NEEDLES = ["china", "unicom", "cmcc", "广电5g", "中国联合网络通信(集团)有限公司", "ik", "kı", "ſi", "é中", "中é", "a(b)"]


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(_NEEDLES),
    st.lists(
        st.sampled_from(["China", "CHINA", "cHiNa", "Unicom", "CMCC", "广电5G", "广电5g", "中国", "(集团)", "İ", "\u212a",
                         "K", "ı", "ſ", "É", "é", "中", "I", "i", "k", "a", "(", "B)", " ", "Σ"]),
        max_size=12,
    ).map("".join),
)  # fmt: skip
def test_scanned_needle_test_equals_lowering(needle: str, text: str) -> None:
    """What the plan decides equals ``needle in text.lower()``, the test it replaces."""
    from analysis.ingest.metadata.companies import _lowered_needle_test

    plain, hints = _lowered_needle_test(needle)
    if plain:
        decided = needle in text
    else:
        decided = (hints is None or any(h in text for h in hints)) and needle in text.lower()
    assert decided == (needle in text.lower())


def _list_items_reference(text: str, mentions: list) -> set[int]:
    """companies._list_items as written before its prefilters (every regex tried on every mention)."""
    from analysis.ingest.metadata.companies import _LIST_AFTER_RE, _LIST_BEFORE_RE, _LIST_SEP_RE

    out: set[int] = set()
    group: list[int] = []
    enumerated = False

    def close() -> None:
        closed_by_deng = bool(group) and _LIST_AFTER_RE.match(text[mentions[group[-1]].end :][:3])
        if len(group) >= 3 or (len(group) >= 2 and (enumerated or closed_by_deng)):
            out.update(group)

    for k, m in enumerate(mentions):
        if group:
            gap = text[mentions[group[-1]].end : m.start]
            if _LIST_SEP_RE.fullmatch(gap):
                group.append(k)
                enumerated = enumerated or "、" in gap
                continue
            close()
        group, enumerated = [k], False
    close()
    for k, m in enumerate(mentions):
        before, after = text[max(0, m.start - 25) : m.start], text[m.end : m.end + 3]
        if before.endswith("、") or after.startswith("、") or _LIST_AFTER_RE.match(after) or _LIST_BEFORE_RE.search(before):
            out.add(k)
    return out


_LIST_PIECES = [
    "中国移动", "中国电信", "中国联通", "国家电网", "中国石油", "、", "和", "与", "及", "以及", "或", "同", ",", " ",
    "等", "等待", "等级", "有关", "负责同志", "签署协议", "。", "\n", "党支部", "近日",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LIST_PIECES), max_size=30).map("".join))
def test_list_item_prefilters_equal_the_regexes(text: str) -> None:
    from analysis.ingest.metadata.companies import _list_items

    mentions = load_aliases().find(text)
    t = prepare_for_matching(text)
    assert _list_items(t, mentions) == _list_items_reference(t, mentions)


@settings(max_examples=800, deadline=None)
@given(st.data())
def test_telecom_context_search_equals_one_test_per_word(data: st.DataObject) -> None:
    """Two different context words, found with one alternation, as one substring test per word finds."""
    from analysis.ingest.metadata.companyforms import (
        _context_words,
        telecom_context,
        telecom_context_by_words,
    )

    words = list(_context_words())
    halves = [w[: len(w) // 2] for w in words] + [w[len(w) // 2 :] for w in words]
    pieces = st.sampled_from(sorted(set(words + halves + ["中国移动", "，", "。", "a", " "])))
    text = "".join(data.draw(st.lists(pieces, max_size=8)))
    assert telecom_context(text) == telecom_context_by_words(text)



_BYLINE_PIECES = [
    "记者", "通讯员", "摄影", "实习生", "见习记者", "特约记者", "/", "|", ":", " ", "(", "某某网", "新华", "网", "报",
    "社", "台", "电视台", "讯", "王某", "。", "!", "?", "中国移动", "a", "\n",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_BYLINE_PIECES), max_size=14).map("".join))
def test_byline_branches_apart_equal_the_alternation(line: str) -> None:
    from analysis.ingest.metadata import runin

    assert runin.is_byline(line) == (
        bool(runin._BYLINE_RE.search(line)) and not runin._SENTENCE_PUNCT_RE.search(line)
    )


_BLANKS = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2003", "\u2028", "\u202f",
           "\u3000", "\u200b", "\ufeff"]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([*_BLANKS, ":", "：", "来源", "中", "a", "、", ",", "和", "以及", "或", "同", "与", "及",
                                 "等", "x"]), max_size=12).map("".join))  # fmt: skip
def test_whitespace_tests_by_str_methods_equal_the_regexes(s: str) -> None:
    """re's \\s is str.isspace: the label-end and list-separator tests written with split/strip."""
    from analysis.ingest.metadata.companies import _LIST_SEP_RE, _is_list_sep
    from analysis.ingest.metadata.sources import _LABEL_END_RE, _has_label_end

    assert _has_label_end(s) == bool(_LABEL_END_RE.search(s))
    assert _is_list_sep(s) == bool(_LIST_SEP_RE.fullmatch(s))
    assert _is_list_sep(s * 9) == bool(_LIST_SEP_RE.fullmatch(s * 9))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["中", "国", "㐀", "\u4dbf", "\u4dc0", "豈", "\ufaff", "\ufb00", "\u9fff", "a", " ",
                                         "\t", "\u3000", "\n"])))  # fmt: skip
def test_cjk_space_runs_equal_the_lookaround_regex(s: str) -> None:
    from analysis.ingest.metadata.lines import _CJK_SPACE_RE, _drop_cjk_spaces

    assert _drop_cjk_spaces(s) == _CJK_SPACE_RE.sub("", s)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=16).map("".join))
def test_day_month_prefilter_never_hides_a_match(line: str) -> None:
    """A line datefmt.may_hold_day_month turns away holds no DAY_MONTH_RE match."""
    from analysis.ingest.metadata import datefmt

    if datefmt.DAY_MONTH_RE.search(line):
        assert datefmt.may_hold_day_month(line)


def test_every_white_space_but_the_space_is_unprintable() -> None:
    """The premise of sources._has_label_end's shortcut (a printable line without " " holds no \\s)."""
    for cp in range(0x110000):
        c = chr(cp)
        if c.isspace() and c != " ":
            assert not c.isprintable(), hex(cp)
        if re.fullmatch(r"\s", c):
            assert c.isspace(), hex(cp)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["。", "!", "?", "！", "？", ";", "；", "…", "”", "’", "」", "』", ")", "）", "】", "》", "中",
                                 "a", " ", "\n", "(", "“"]), max_size=10).map("".join))  # fmt: skip
def test_sentence_end_at_the_end_equals_the_regex(s: str) -> None:
    from analysis.ingest.metadata import runin

    assert runin._ends_sentence(s) == bool(runin._SENTENCE_END_RE.search(s))


_SCRIPT_PIECES = [
    "中国移动", "国家", "國", "聯通", "發佈時間", "\uf92d", "\uf93f", "\ufa3b", "\u2f00", "㈱", "（", "）", "，", "Ａ",
    "\u3000", " ", "  ", "\t", "\n", "\r\n", "来源：", "记者/", "\u200b", "e\u0301", "\u0301", "2024年1月30日", "a",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SCRIPT_PIECES), max_size=30).map("".join))
def test_document_without_traditional_script_skips_the_script_test(text: str) -> None:
    """What the extractors normalise again (a line, a part of one, the article's lines joined) comes
    out as the general normalisation gives it, whether or not the document shows traditional script."""
    from analysis.ingest.metadata.lines import _lines, _norm, _norm_joined, _norm_key, _norm_line

    lines = _lines(text)
    for line in lines.norm:
        assert _norm_line(lines, line) == _norm(line)
        assert _norm_line(lines, line[1:]) == _norm(line[1:])
        assert _norm_key(line, lines) == _norm_key(line)
    for sub in (lines.raw, lines.raw[1:], [r[1:] for r in lines.raw]):
        assert _norm_joined(lines, sub, bool(lines.memo.get("no_trad"))) == _norm("\n".join(sub))


_ROOTS = ["天翼", "翼支付", "中移", "移动", "中国广电", "电信", "联通", "通信", "信号", "号码"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([*_ROOTS, "天", "翼", "支付", "中", "国", "广", "移", "动", "电", "信", "号", "码", "a"]),
                max_size=12).map("".join))  # fmt: skip
def test_roots_found_by_one_alternation_equal_substring_tests(t: str) -> None:
    """Which roots occur: one findall plus a substring test for the roots a match may pass over."""
    from analysis.ingest.metadata.companies import _roots_search

    rx, hideable = _roots_search(_ROOTS)
    present = set(rx.findall(t))
    assert {r for r in _ROOTS if r in present or (r in hideable and r in t)} == {r for r in _ROOTS if r in t}


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_BLANKS, "#", "*", "##", "标题", "中国移动", "Ａ", "（", "國", "a"]), max_size=12).map("".join))
def test_line_key_by_split_equals_the_regex(s: str) -> None:
    from analysis.ingest.metadata.lines import _KEY_DROP_RE, _norm, _norm_key

    assert _norm_key(s) == _KEY_DROP_RE.sub("", _norm(s))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "基站", "通信", "宽带", "咪咕", "天翼", "翼支付", "中国铁通", "铁塔"]),
                max_size=30).map("".join))  # fmt: skip
def test_naming_hint_never_hides_a_mention(text: str) -> None:
    """A prepared text in which a company's naming hint finds nothing names that company nowhere."""
    from analysis.ingest.metadata.companies import _with_short_forms

    aliases = load_aliases()
    t = prepare_for_matching(text)
    named = {m.company for m in _with_short_forms(t, aliases._find_prepared(t))}
    for company in aliases.companies:
        hint = aliases._naming_hint(company)
        assert hint is not None
        if not hint.search(t):
            assert company not in named, company


_TITLE_PIECES = ["中国移动", "中国联通", "中国电信", "召开", "党建", "、", "与", "和", "等", "——", "北京移动", "会议"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_TITLE_PIECES), max_size=6).map("".join),
    st.lists(st.lists(st.sampled_from([*_PIECES, *_TITLE_PIECES, "来源：", "标签："]), max_size=20).map("".join),
             max_size=6),
)  # fmt: skip
def test_a_title_naming_one_company_decides_as_the_full_rule(title: str, paragraphs: list[str]) -> None:
    """A title that names one company alone, as no list, is the answer without searching the body;
    the full rule (every body mention scored against the title's companies) agrees on every document."""
    from analysis.ingest.metadata.companies import _company_explained
    from analysis.ingest.metadata.lines import _lines

    aliases = load_aliases()
    text = "\n".join([title, *paragraphs])
    assert _company_explained(title, _lines(text), aliases) == _company_explained(
        title, _lines(text), aliases, title_decides=False
    )


def test_a_title_naming_one_company_searches_no_body(monkeypatch) -> None:
    from analysis.ingest.metadata.companies import _company_explained
    from analysis.ingest.metadata.lines import _lines

    aliases = load_aliases()
    searched: list[str] = []
    find = CompanyAliases._find_prepared
    monkeypatch.setattr(CompanyAliases, "_find_prepared", lambda self, t, *a, **k: searched.append(t) or find(self, t, *a, **k))
    title = "中国移动召开党建工作会议"
    text = f"{title}\n近日，中国联通与中国联通北京分公司开展共建。中国联通党委书记出席。\n中国联通表示将继续推进。"
    assert _company_explained(title, _lines(text), aliases) == ("中国移动", "title names 中国移动")
    assert searched == [prepare_for_matching(title)]  # the title only
    assert _company_explained(title, _lines(text), aliases, title_decides=False)[0] == "中国移动"
    assert len(searched) > 2  # the full rule searched the body and the lead as well
