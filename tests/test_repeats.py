"""Repeat removal (issue 14): only certain artefacts go, everything removed is recorded and restorable.

The fixtures below are news texts written for this test in the way the genre restates its lead: a lead
sentence restated in the body with new detail, an earlier rumour recalled with the lead's clause, the
meeting's theme repeated in the closing paragraph, a slogan repeated in three sentences. Their restated
sentences score up to 0.76 (character-bigram Jaccard), above the 0.5 threshold, and none may be removed:
a single restated sentence is never an artefact. Seed 001's machine-rewritten repeat is a run of two
restated sentences (0.59 and 0.52) and is removed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.clean import clean_body_recorded, clean_text, prepare, repeats
from analysis.ingest.clean.repeats import (
    REPEATED_PARAGRAPH,
    RESTATED_PASSAGE,
    Removal,
    removals_from_json,
    removals_to_json,
    remove_repeats,
    restore_repeats,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

LEAD_RESTATED = {
    "phone_booths": (
        "近日，上海街头的公用电话亭焕然一新。百年来的上海红色故事和红色通信故事，被制作成百余张海报，陆续张贴在全市的电话亭里。\n"
        "这项活动由中国电信上海公司与市党史研究部门共同策划，首批海报覆盖黄浦、静安等六个区。\n"
        "近日，上海街头的公用电话亭“红”了！百年来或广为人知、或鲜为人知的上海红色故事，以海报的形式走进市民的日常生活，"
        "不少市民驻足拍照。活动负责人介绍，下一步还将在电话亭中加装二维码，扫码即可收听故事音频。"
    ),
    "rumour": (
        "有消息称，中国电信将迎来新任总经理。此前曾有传闻称，中国移动副总经理、铁塔公司董事长刘爱力将出任中国电信总经理一职。\n"
        "记者从多个渠道获悉，相关任命程序正在推进。业内人士分析，三大运营商高层近年来交流任职已较为常见。\n"
        "而中国移动副总经理、铁塔公司董事长刘爱力将出任中国电信总经理一职。这一说法最终得到证实，任命于本月正式宣布。"
    ),
    "meeting": (
        "3月5日，中国移动召开2024年党风廉政建设和反腐败工作会议，深入学习贯彻二十届中央纪委三次全会精神。"
        "会议总结了2023年全面从严治党工作，部署了2024年重点任务。\n"
        "会议指出，过去一年，公司党组坚定扛起管党治党政治责任，推动全面从严治党向纵深发展，正风肃纪反腐取得新成效。\n"
        "会议强调，要深入学习贯彻二十届中央纪委三次全会精神，一体推进不敢腐、不能腐、不想腐。"
        "要坚持全面从严治党，推动2024年党风廉政建设和反腐败工作各项任务落到实处。"
    ),
    "slogan": (
        "中国联通党组召开会议，强调要坚定拥护“两个确立”、坚决做到“两个维护”。\n"
        "会议要求，各级党组织要把坚定拥护“两个确立”、坚决做到“两个维护”作为最高政治原则，落实到企业改革发展全过程。\n"
        "会议强调，要坚定拥护“两个确立”、坚决做到“两个维护”，以实际行动践行初心使命。"
    ),
    "summary_paragraph": (
        "中国电信召开2023年度基层党组织书记抓党建述职评议会，集团公司党组书记、董事长主持会议并讲话。"
        "会议听取了八家单位党委书记的现场述职。\n"
        "与会人员逐一点评，指出问题，提出改进建议。\n"
        "此次述职评议会由集团公司党组书记、董事长主持，八家单位党委书记现场述职，其余单位提交了书面述职报告，"
        "评议结果将纳入年度考核。"
    ),
}


@pytest.mark.parametrize("name", sorted(LEAD_RESTATED))
def test_news_that_restates_its_lead_loses_nothing(name: str) -> None:
    text = LEAD_RESTATED[name]
    assert remove_repeats(text) == (text, [])


def test_a_run_of_restated_sentences_is_removed_and_recorded() -> None:
    first = "警示教育会在研讨班期间以现场加视频方式召开。集团公司党组成员和各省级分公司主要负责人在现场参加会议。"
    again = "警示教育会在研讨班期间通过现场加视频的方式召开。集团公司党组成员以及各省级分公司的主要负责人都在现场参加了会议。"
    new = "会议还观看了警示教育片。"
    out, removals = remove_repeats(f"{first}\n{again}{new}")
    assert out == f"{first}\n{new}"
    assert removals == [Removal(len(first) + 1, again, RESTATED_PASSAGE)]


def test_exact_paragraph_repeats_ignore_whitespace_and_punctuation() -> None:
    para = "中国联通召开党纪学习教育警示教育会议，深化以案促改。"
    text = f"一、\n{para}\n一、\n中国联通 召开 党纪学习教育警示教育会议,深化以案促改\n二、"
    out, removals = remove_repeats(text)
    assert out == f"一、\n{para}\n一、\n二、"
    assert [r.reason for r in removals] == [REPEATED_PARAGRAPH]
    assert restore_repeats(out, removals) == text


def test_short_lines_repeat_legitimately() -> None:
    text = "会议强调\n会议强调\n一、\n一、"
    assert remove_repeats(text) == (text, [])


def test_seed_001_loses_its_restated_meeting_description_and_nothing_else() -> None:
    for path in sorted(RAW.glob("*")):
        prepared = prepare(path.read_text(encoding="utf-8"), fmt="markdown" if path.suffix == ".md" else "text")
        out, removals = clean_body_recorded(prepared.text)
        if path.name.startswith("001_"):
            assert [r.reason for r in removals] == [RESTATED_PASSAGE]
            assert removals[0].text.startswith("警示教育会在中国联通二级机构主要负责人研讨班期间通过“现场+视频”方式召开")
            assert len(removals[0].text) == 114
            assert restore_repeats(out, removals) == clean_body_recorded(prepared.text, keep_repeated=True)[0]
        else:
            assert removals == [], path.name


def test_the_decision_does_not_depend_on_line_wrapping() -> None:
    first = "警示教育会在研讨班期间以现场加视频方式召开。集团公司党组成员和各省级分公司主要负责人在现场参加会议。"
    again = "警示教育会在研讨班期间通过现场加视频的方式召开。集团公司党组成员以及各省级分公司的主要负责人都在现场参加了会议。"
    lead = LEAD_RESTATED["phone_booths"]
    flowing = f"{lead}\n{first}\n{again}会议还观看了警示教育片。"

    def wrap(text: str, width: int) -> str:  # a PDF text layer: every paragraph hard-wrapped
        return "\n".join(p[i : i + width] for p in text.split("\n") for i in range(0, len(p), width))

    removed = "".join(r.text for r in remove_repeats(flowing)[1])
    assert removed == again
    for width in (41, 47, 60):
        assert "".join(r.text for r in remove_repeats(wrap(flowing, width))[1]).replace("\n", "") == removed


def test_removals_round_trip_through_json() -> None:
    removals = [Removal(3, "甲乙丙。", RESTATED_PASSAGE), Removal(9, "丁\n", REPEATED_PARAGRAPH)]
    assert removals_from_json(removals_to_json(removals)) == removals
    assert removals_to_json([]) == "" and removals_from_json("") == []


def test_keep_repeated_keeps_everything() -> None:
    seed = next(RAW.glob("001_*")).read_text(encoding="utf-8")
    assert len(clean_text(seed, keep_repeated=True)) - len(clean_text(seed)) == 114


_PARAGRAPHS = st.sampled_from(
    [
        "中国联通召开党风廉政建设工作会议。",
        "会议强调，要坚持全面从严治党，推动企业高质量发展。",
        "会议要求，各级党组织要坚决做到“两个维护”。",
        "一、",
        "陕西分公司组织领导干部参观监狱，听取服刑人员现身说法。",
        "会议强调，要坚持全面从严治党，推动企业高质量发展！会议要求，各级党组织要坚决做到两个维护。",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PARAGRAPHS, max_size=12))
def test_removal_is_always_restorable(paragraphs: list[str]) -> None:
    text = "\n".join(paragraphs)
    out, removals = remove_repeats(text)
    assert restore_repeats(out, removals) == text
    assert sum(len(r.text) for r in removals) == len(text) - len(out)
    assert out.strip() == out and "\n\n" not in out


# --- The near-duplicate search (repeats._near_duplicates) against a brute-force reference -----------

_HAN = "党建工作会议中国移动联通电信召开全面从严治学习教育"


@st.composite
def _variant(draw: st.DrawFn, stem: str) -> str:
    """``stem`` with a few characters replaced, dropped or inserted: a near-duplicate, or not."""
    chars = list(stem)
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(chars)))
        op = draw(st.sampled_from(["replace", "drop", "insert"]))
        if op == "insert" or pos == len(chars):
            chars.insert(pos, draw(st.sampled_from(_HAN)))
        elif op == "drop":
            del chars[pos]
        else:
            chars[pos] = draw(st.sampled_from(_HAN))
    return "".join(chars)


@st.composite
def _keys(draw: st.DrawFn) -> list[str | None]:
    """Sentence keys of a document: variants of a few stems, unrelated keys and short (None) ones."""
    stems = draw(st.lists(st.text(alphabet=_HAN, min_size=2, max_size=16), min_size=1, max_size=4))
    key = st.one_of(st.none(), st.text(alphabet=_HAN, max_size=12), st.sampled_from(stems).flatmap(_variant))
    return draw(st.lists(key, max_size=30))


_KEYS = _keys()
_THRESHOLDS = st.sampled_from([0.2, 0.34, 0.5, 0.6, 0.75, 1.0])


def _brute_force_matches(keys: list[str | None], threshold: float) -> list[list[int]]:
    """Every earlier sentence at bigram Jaccard >= threshold, compared pair by pair; an identical key
    matches only its latest earlier occurrence (as in repeats._near_duplicates)."""
    grams = [{k[i : i + 2] for i in range(len(k) - 1)} if k is not None and len(k) > 1 else None for k in keys]
    first: dict[str, int] = {}
    latest: dict[str, int] = {}
    out: list[list[int]] = []
    for i, key in enumerate(keys):
        own = grams[i]
        if key is None or own is None:
            out.append([])
            continue
        if key in latest:
            out.append([latest[key]])
        else:
            found = []
            for j in first.values():
                other = grams[j]
                assert other is not None
                inter = len(own & other)
                if len(own) * threshold <= len(other) <= len(own) / threshold and (
                    inter / (len(own) + len(other) - inter) >= threshold
                ):
                    found.append(j)
            out.append(sorted(found))
            first[key] = i
        latest[key] = i
    return out


@settings(max_examples=300, deadline=None)
@given(_KEYS.map(lambda keys: keys[:9]), _THRESHOLDS)
def test_near_duplicate_search_finds_exactly_the_similar_pairs(keys: list[str | None], threshold: float) -> None:
    # at most 8 earlier sentences: the caps on comparisons and matches per sentence never apply
    found = repeats._near_duplicates(keys, threshold, precheck=False)
    assert [sorted(m) for m in found] == _brute_force_matches(keys, threshold)


@settings(max_examples=300, deadline=None)
@given(_KEYS, _THRESHOLDS, st.integers(min_value=1, max_value=3))
def test_the_pre_check_never_changes_what_is_removed(keys: list[str | None], threshold: float, min_run: int) -> None:
    """Sentences the pre-check does not search could only have had matches that no run uses."""
    full = repeats._near_duplicates(keys, threshold, precheck=False)
    checked = repeats._near_duplicates(keys, threshold, min_run=min_run)
    for got, want in zip(checked, full, strict=True):
        assert not got or got == want  # a searched sentence gets the full search's matches
    assert repeats._restated_runs(checked, min_run) == repeats._restated_runs(full, min_run)


@settings(max_examples=300, deadline=None)
@given(_KEYS, _THRESHOLDS)
def test_a_key_ruled_out_has_no_similar_earlier_key(keys: list[str | None], threshold: float) -> None:
    """_Bigrams.may_match is False exactly when the brute force finds no earlier key similar enough."""
    distinct = list(dict.fromkeys(k for k in keys if k is not None and len(k) > 1))
    if not distinct:
        return
    grams = [{k[i : i + 2] for i in range(len(k) - 1)} for k in distinct]

    def similar(a: set[str], b: set[str]) -> bool:
        inter = len(a & b)
        return inter / (len(a) + len(b) - inter) >= threshold

    want = [any(similar(grams[d], grams[e]) for e in range(d)) for d in range(len(distinct))]
    assert repeats._Bigrams(distinct).may_match(list(range(len(distinct))), threshold) == want


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8))
def test_span_keys_equal_the_keys_of_the_slices(text: str, spans: list[tuple[int, int]]) -> None:
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in spans]
    assert repeats._span_keys(text, spans) == [repeats._key(text[a:b]) for a, b in spans]


_WRAPPED_PIECES = ["中国联通召开会议", "。", "！”", "\n", "  ", "\n\n", "会议强调要坚持全面从严治党推动企业高质量发展" * 2, "a"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WRAPPED_PIECES), max_size=25).map("".join))
def test_sentences_are_non_blank_ordered_and_inside_their_paragraphs(text: str) -> None:
    lines = repeats._line_spans(text)
    wrapped = repeats._wrapped(text, lines)
    sentences = repeats._sentences(text, lines, wrapped)
    paragraphs = repeats._paragraphs(lines, wrapped)
    assert all(text[s:e].strip() for s, e in sentences)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(sentences))
    assert all(any(a <= s and e <= b for a, b in paragraphs) for s, e in sentences)
    assert paragraphs[-1][1] == len(text) and paragraphs[0][0] == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**40), st.integers(0, 2**20)), max_size=40), st.integers(0, 40))
def test_sorted_pairs_sort_by_major_then_minor(pairs: list[tuple[int, int]], shift: int) -> None:
    """Whichever width the combined key takes (32-bit, 64-bit or the lexsort fallback)."""
    major = np.array([a >> shift for a, _ in pairs], dtype=np.int64)
    minor = np.array([b for _, b in pairs], dtype=np.int64)
    got = repeats._sorted_pairs(major, minor)
    want = sorted(zip(major.tolist(), minor.tolist(), strict=True))
    assert list(zip(got[0].tolist(), got[1].tolist(), strict=True)) == want


@settings(max_examples=300, deadline=None)
@given(_KEYS)
def test_bigram_ranks_order_rarest_first_then_by_code(keys: list[str | None]) -> None:
    """The ranks of _Bigrams.ranked against their definition: the document's distinct bigrams ordered by
    how many keys hold them, then by code point; each key's ranks sorted."""
    distinct = list(dict.fromkeys(k for k in keys if k is not None and len(k) > 1))
    if not distinct:
        return
    grams = [sorted({k[i : i + 2] for i in range(len(k) - 1)}) for k in distinct]
    holders = Counter(g for gs in grams for g in gs)
    order = sorted(holders, key=lambda g: (holders[g], [ord(c) for c in g]))
    rank = {g: r for r, g in enumerate(order)}
    ranked, bounds = repeats._Bigrams(distinct).ranked()
    for d, gs in enumerate(grams):
        assert ranked[bounds[d] : bounds[d + 1]] == sorted(rank[g] for g in gs)


_LINE_PIECES = ["中国联通召开会议", "。", "！”", "）", "’", " ", "\u3000", "：", "…", "a", "?", ")", "」 "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_LINE_PIECES, "会议强调要坚持全面从严治党推动企业高质量发展"]), max_size=12).map("".join))
def test_a_line_continues_unless_it_ends_complete(line: str) -> None:
    """_continues reads the line's end; its definition is a search of the whole stripped line."""
    stripped = line.strip()
    want = len(stripped) >= repeats._WRAPPED_LINE_MIN_CHARS and not repeats._LINE_COMPLETE_RE.search(stripped)
    assert repeats._continues(line) == want


def _sentences_line_by_line(text: str, lines: list[tuple[int, int]], wrapped: list[bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for (a, b), goes_on in zip(lines, wrapped, strict=True):
        if start is None:
            start = a
        pos = a
        for m in repeats._SENTENCE_END_RE.finditer(text, a, b):
            out.append((start, m.end()))
            start = pos = m.end()
        if not goes_on:
            if text[pos:b].strip():
                out.append((start, b))
            start = None
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_WRAPPED_PIECES, "！", "?!", "”", "）"]), max_size=30).map("".join))
def test_sentence_ends_found_in_one_pass_equal_those_found_line_by_line(text: str) -> None:
    lines = repeats._line_spans(text)
    wrapped = repeats._wrapped(text, lines)
    assert repeats._sentences(text, lines, wrapped) == _sentences_line_by_line(text, lines, wrapped)


# --- Many documents at once (remove_repeats_each, _Bigrams.each, _span_keys_each) -----------------


# a run of two restated sentences, removed (as in test_a_run_of_restated_sentences_is_removed_and_recorded)
SEED_LIKE_REPEAT = (
    "警示教育会在研讨班期间以现场加视频方式召开。集团公司党组成员和各省级分公司主要负责人在现场参加会议。\n"
    "警示教育会在研讨班期间通过现场加视频的方式召开。集团公司党组成员以及各省级分公司的主要负责人都在现场参加了会议。"
    "会议还观看了警示教育片。"
)


def _sample_texts() -> list[str]:
    """The sample corpus's texts as cleaning hands them to repeat removal."""
    texts = []
    for path in sorted(RAW.glob("*")):
        prepared = prepare(path.read_text(encoding="utf-8"), fmt="markdown" if path.suffix == ".md" else "text")
        texts.append(clean_body_recorded(prepared.text, keep_repeated=True)[0])
    assert len(texts) == 5
    return texts


def _bigram_arrays(b: repeats._Bigrams) -> tuple[int, list[int], list[int], list[bool], list[int]]:
    return b.n, b.code.tolist(), b.seg.tolist(), b.first_of_code.tolist(), b.size.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(_KEYS, min_size=1, max_size=6))
def test_bigrams_of_many_documents_equal_each_document_alone(documents: list[list[str | None]]) -> None:
    distinct = [list(repeats._distinct(keys)) for keys in documents]
    distinct = [d for d in distinct if d]
    if not distinct:
        return
    joint = repeats._Bigrams.each(distinct)
    for view, keys in zip(joint, distinct, strict=True):
        alone = repeats._Bigrams(keys)
        assert _bigram_arrays(view) == _bigram_arrays(alone)
        assert view.novel(0.5) == alone.novel(0.5)
        assert [a.tolist() for a in view.ranked_arrays()] == [a.tolist() for a in alone.ranked_arrays()]


def test_bigrams_of_many_documents_beyond_one_sort_key() -> None:
    """Enough keys that (bigram, document, key) no longer fits one 63-bit number: the lexsort way."""
    keys = [f"{chr(0x4E00 + i % 500)}{chr(0x10000 + i)}会议" for i in range(3000)]
    documents = [keys[:1500], keys[1500:], ["全面从严治党", "全面从严治党建设"]]
    for view, own in zip(repeats._Bigrams.each(documents), documents, strict=True):
        assert _bigram_arrays(view) == _bigram_arrays(repeats._Bigrams(own))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5), st.data())
def test_span_keys_of_many_texts_equal_each_text_alone(texts: list[str], data: st.DataObject) -> None:
    spans = [
        [
            (min(a, b), max(a, b))
            for a, b in data.draw(st.lists(st.tuples(st.integers(0, len(t)), st.integers(0, len(t))), max_size=6))
        ]
        for t in texts
    ]
    assert repeats._span_keys_each(texts, spans) == [repeats._span_keys(t, s) for t, s in zip(texts, spans, strict=True)]


_DOC_PIECES = [
    *LEAD_RESTATED.values(),
    "会议强调要坚持全面从严治党推动企业高质量发展。",
    "会议强调，要坚持全面从严治党，推动企业实现高质量发展。",
    "中国联通召开会议。",
    "\n",
    "",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_DOC_PIECES), max_size=8).map("".join), max_size=8))
def test_repeats_of_many_texts_equal_each_text_alone(texts: list[str]) -> None:
    assert repeats.remove_repeats_each(texts) == [remove_repeats(t) for t in texts]


def test_repeats_of_many_texts_on_the_sample() -> None:
    """The sample's cleaned texts, one batch: the same as one at a time (seed 001 loses its restated run)."""
    sample_texts = _sample_texts()
    got = repeats.remove_repeats_each(sample_texts)
    assert got == [remove_repeats(t) for t in sample_texts]
    assert sum(bool(removals) for _, removals in got) >= 1


def break_repeats_on(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """Make repeat removal's first step (``_wrapped``, run text by text over a batch) raise
    ``ValueError("boom")`` for a text holding ``marker``."""
    real = repeats._wrapped

    def failing(text: str, lines: list[tuple[int, int]]) -> list[bool]:
        if marker in text:
            raise ValueError("boom")
        return real(text, lines)

    monkeypatch.setattr(repeats, "_wrapped", failing)


def test_a_text_that_fails_leaves_the_others_their_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*LEAD_RESTATED.values(), SEED_LIKE_REPEAT]
    want = [remove_repeats(t) for t in texts]
    break_repeats_on(monkeypatch, "公用电话亭")
    got = repeats.remove_repeats_each(texts)
    assert isinstance(got[0], ValueError) and got[1:] == want[1:]
    with pytest.raises(ValueError, match="boom"):
        remove_repeats(texts[0])


@pytest.mark.parametrize("broken", ["_span_keys_each", "each"])
def test_a_failing_joint_pass_falls_back_to_one_text_at_a_time(broken: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*LEAD_RESTATED.values(), SEED_LIKE_REPEAT]
    want = [remove_repeats(t) for t in texts]

    def failing(*args: object, **kw: object) -> object:
        raise MemoryError("joint pass")

    if broken == "each":
        monkeypatch.setattr(repeats._Bigrams, "each", classmethod(failing))
    else:
        monkeypatch.setattr(repeats, broken, failing)
    assert repeats.remove_repeats_each(texts) == want
    assert want[-1][1]  # the restated run is found alone too
