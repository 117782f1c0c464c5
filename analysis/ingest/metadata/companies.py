"""Company (``extract_company``)
-----------------------------
Names are matched with the alias table (``resources/companies.csv``: ``company,alias,kind,weight``;
``kind`` is ``name`` for a literal or ``pattern`` for a regular expression, such as the province
branches 广东移动/北京联通/上海电信). Matching is on NFKC-normalised simplified text, Latin letters
case-insensitive, leftmost-longest and non-overlapping. Ambiguous bare words (移动, 电信, 铁塔, 广电)
are not aliases; bare 联通 is a pattern that skips 设施联通/互联联通/联通性. Branch forms (浦东电信局,
临港分局, 福州电信分公司) are patterns of the table; bare 移动 / 电信 count only in the positions and
texts :mod:`.companyforms` allows (``移动抢险救灾党员突击队`` in a telecom text).

1. The title names exactly one company: that company.
2. The title names several: the first named, unless another one named in the title has at least
   1.5 times its weighted mentions in the body. A title naming them only as items of one list
   (``中国电信、中国移动、中国联通…``, ``中国移动等26家…``) has no subject: rule 3 decides.
3. No company in the title: mentions in the article (from the title line to the first
   related-links line; site bars and link lists above the title do not count), weighted by the
   alias weight, doubled in the first 150 characters of the first body paragraph (the lead) and
   tripled in its first 40 (the subject: ``近日，中国联通召开…``), except items of a list
   (``中国石油、中国移动等``). A publisher that is one of the companies (``来源：中国移动``) adds 2
   to its score. The leader wins only with a score of at least 3, at least one mention (the lead's
   subject and the publisher count as one each) per 2,500 characters, and twice the score of the
   runner-up (three times when the lead enumerates three or more companies and has no subject).
   Otherwise the document is about none of them: '' (one passing mention, a list of many
   enterprises, two operators on equal footing). A company opening a clause after a time word in
   the lead (``…。近日，中国移动某市分公司…``) is a subject too; on a page without a headline the first
   paragraph (whose opening became the title) is the lead. A dash subtitle next to the title naming
   exactly one company (``——某物业党支部、中国移动通信集团北京有限公司``) adds 2, like a publisher.

Not counted as mentions: other articles' headlines inside the article span (``·标题``, ``标题
[04-14]``, ``标题 2021-03-04``, everything after 为您推荐 / 大家都在看 ..., a run of headline-like
lines after the last paragraph). Items of an enumeration (``中国电信、中国移动、中国联通有关…``, every
item including the last; ``国家电网和中国移动``; ``中国移动等``) count half and get no lead bonus. A tag
line naming exactly one company (``标签: 党建 中国移动``) adds 2, like a publisher.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from analysis import config
from analysis._text import HAN_BMP
from analysis.errors import AnalysisError
from analysis.ingest.metadata import companyforms, runin
from analysis.ingest.metadata.lines import (
    _LIST_HEADER_RE,
    _LIST_ITEM_RE,
    _MAX_MATCH_CHARS,
    _META_LABEL_RE,
    _article_end,
    _chrome_end,
    _cjk_count,
    _drop_cjk_spaces,
    _first_body,
    _is_body_line,
    _is_sentence,
    _Lines,
    _lines,
    _locate,
    _norm,
    _norm_joined,
    _norm_line,
)
from analysis.ingest.metadata.sources import (
    _source,
)
from analysis.ingest.metadata.textsearch import first_pairs, occurrences, window, windowed_spans
from analysis.ingest.metadata.titles import (
    _dated_headline,
    _is_title_candidate,
    _title_line_index,
)

# ----------------------------------------------------------------------------------------------
# Companies
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasEntry:
    """One row of the alias table: ``alias`` (a literal name or a regex) means ``company``."""

    company: str
    alias: str
    kind: str = "name"  # "name" | "pattern"
    weight: float = 1.0


class Mention(NamedTuple):
    """One company mention found in a text (character offsets in the normalised text)."""

    start: int
    end: int
    company: str
    alias: str
    weight: float


def _needle(alias: str) -> str:
    """A substring every match of a literal alias contains (lower case; first word if spaced)."""
    return alias.strip().lower().split()[0] if alias.strip() else alias


def _pattern_needle(pattern: str) -> str | None:
    """The longest run of literal characters every match of ``pattern`` must contain (lower case), or
    None when there is none worth testing (then the regex always runs)."""
    try:
        from re import _parser  # the standard library's own regex parser

        parsed = _parser.parse(pattern)
    except Exception:  # any doubt: no needle, the regex decides
        return None
    if parsed.state.flags & re.VERBOSE:
        return None
    best, run = "", []
    for op, arg in parsed:
        if op is _parser.LITERAL:
            run.append(chr(arg))
            continue
        if op in (_parser.ASSERT, _parser.ASSERT_NOT, _parser.AT):
            continue  # zero-width: the literals on either side are still adjacent
        best, run = max(best, "".join(run), key=len), []
    best = max(best, "".join(run), key=len)
    return best.lower() if len(best) >= 2 else None


# Characters that str.lower() leaves alone and makes from no other character (Han, ASCII digits and
# punctuation), and the only characters whose lower case holds a given ASCII letter besides its two
# cases (İ -> i̇, the Kelvin sign -> k); the tests check both over every code point.
_SELF_LOWER_RE = re.compile(f"[{HAN_BMP}\x00-\x40\x5b-\x60\x7b-\x7f]")
_LOWERS_TO = {"i": "\u0130", "k": "\u212a"}


def _lowered_needle_test(needle: str | None) -> tuple[bool, tuple[str, ...] | None]:
    """How to test ``needle in text.lower()`` cheaply: ``(True, None)``: it is ``needle in text`` (every
    character of the needle lower-cases only from itself); ``(False, hints)``: only if one of ``hints``
    is in ``text`` (None: no such hint) is the lower-cased text worth making and searching."""
    if not needle:
        return False, None
    head = ""
    for c in needle:
        if not _SELF_LOWER_RE.match(c):
            break
        head += c
    if head == needle:
        return True, None
    if head:
        return False, (head,)
    first = needle[0]
    if first.isascii() and first.isalpha():
        return False, tuple(dict.fromkeys(first.lower() + first.upper() + _LOWERS_TO.get(first.lower(), "")))
    return False, None


def _roots_search(roots: list[str]) -> tuple[re.Pattern[str], frozenset[str]]:
    """An alternation finding which roots occur in a text (``findall``), and the roots it may miss.

    No root holds another (a needle holding a shorter one has that one as its root), so two roots
    never match at one position and an occurrence of a root is passed over only where it begins
    inside a match of another: where a proper end of that one begins it. Those roots are tested
    apart (a substring test)."""
    hideable = frozenset(
        r for r in roots if any(a != r and any(r.startswith(a[i:]) for i in range(1, len(a))) for a in roots)
    )
    ordered = sorted(roots, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, ordered)) if roots else "(?!)"), hideable


def _is_han_literal(rx: re.Pattern[str], needle: str | None) -> bool:
    """Is ``rx`` the literal ``needle`` of Han characters alone (caseless: re.I changes nothing)?"""
    return bool(needle) and rx.pattern == re.escape(needle or "") and _HAN_ONLY_RE.fullmatch(needle or "") is not None


_HAN_ONLY_RE = re.compile(f"[{HAN_BMP}]+")


def _alias_regex(entry: AliasEntry) -> str:
    if entry.kind == "pattern":
        return entry.alias
    parts = [r"\s+" if ch.isspace() else re.escape(ch) for ch in re.sub(r"\s+", " ", entry.alias.strip())]
    rx = "".join(parts)
    if re.match(r"[A-Za-z0-9]", entry.alias):
        rx = r"(?<![A-Za-z0-9])" + rx
    if re.search(r"[A-Za-z0-9]$", entry.alias):
        rx += r"(?![A-Za-z0-9])"
    return rx


@dataclass(frozen=True)
class CompanyAliases:
    """The alias table: canonical company names and what names them in text.

    ``find(text)`` returns leftmost-longest, non-overlapping mentions on normalised (NFKC, simplified)
    text; ``scores(text)`` sums their weights per company; ``canonical(name)`` maps any alias to its
    canonical company ('' if unknown).
    """

    entries: tuple[AliasEntry, ...]
    # (regex, entry, needle, window): ``window`` see textsearch.window (None: the regex scans the text)
    _compiled: tuple[tuple[re.Pattern[str], AliasEntry, str | None, Any], ...] = field(
        init=False, repr=False, compare=False
    )
    # the windowed entries (indices into _compiled) grouped under their root: the shortest windowed
    # needle inside theirs (移动 for 中国移动通信集团), so that an absent root skips the whole group;
    # and the other entries
    _groups: tuple[tuple[str, tuple[int, ...]], ...] = field(init=False, repr=False, compare=False)
    _scanned: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _windowed: tuple[tuple[str, tuple[Any, ...]], ...] = field(init=False, repr=False, compare=False)
    # the scanned entries grouped by how to test their needle (see _lowered_needle_test)
    _scan_plans: tuple[tuple[bool, tuple[str, ...] | None, tuple[int, ...]], ...] = field(
        init=False, repr=False, compare=False
    )
    _any_needed: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    # the roots as one alternation, and the roots an occurrence of which its matches can pass over
    _roots: tuple[re.Pattern[str], frozenset[str]] = field(init=False, repr=False, compare=False)
    _hints: dict[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)  # _naming_hint

    def __post_init__(self) -> None:
        compiled = []
        for e in self.entries:
            if e.weight <= 0:
                continue
            try:
                # a literal's needle is a cheap substring test before its regex runs
                needle = _pattern_needle(e.alias) if e.kind == "pattern" else _needle(e.alias)
                rx = re.compile(_alias_regex(e), re.I)
                compiled.append((rx, e, needle, window(rx, needle)))
            except re.error as exc:
                raise AnalysisError(f"company alias {e.alias!r} ({e.company}): bad pattern: {exc}") from None
        needles = sorted({n for _, _, n, w in compiled if w is not None}, key=len)
        groups: dict[str, list[int]] = {}
        for k, (_, _, n, w) in enumerate(compiled):
            if w is not None:
                groups.setdefault(next(r for r in needles if r in n), []).append(k)
        object.__setattr__(self, "_compiled", tuple(compiled))
        object.__setattr__(self, "_groups", tuple((r, tuple(ks)) for r, ks in groups.items()))
        object.__setattr__(self, "_scanned", tuple(k for k, c in enumerate(compiled) if c[3] is None))
        plans: dict[tuple[bool, tuple[str, ...] | None], list[int]] = {}
        for k in self._scanned:  # (the order of the mentions found does not matter: they are sorted)
            plans.setdefault(_lowered_needle_test(compiled[k][2]), []).append(k)
        object.__setattr__(self, "_scan_plans", tuple((*test, tuple(ks)) for test, ks in plans.items()))
        object.__setattr__(self, "_roots", _roots_search(list(groups)))
        object.__setattr__(self, "_hints", {})
        # one search for what any mention needs (a root, a plain needle, a hint): a text holding none of
        # them (most short texts) names no company; None when some entry has no such string
        needed = [*groups, *(n for plain, hints in plans if plain for k in plans[(plain, hints)] if (n := compiled[k][2]))]
        for plain, hints in plans:
            if not plain:
                needed.extend(hints or [""])
        object.__setattr__(
            self,
            "_any_needed",
            re.compile("|".join(map(re.escape, sorted(set(needed), key=lambda w: (-len(w), w)))))
            if needed and all(needed)
            else None,
        )
        # the same groups, each member as (index, regex, needle, offset of the root in the needle (-1:
        # the needle is the root), window (None: a Han literal, no regex needed), -weight, the two
        # characters a match begins with (textsearch.first_pairs))
        object.__setattr__(
            self,
            "_windowed",
            tuple(
                (
                    root,
                    tuple(
                        (k, compiled[k][0], compiled[k][2], -1 if compiled[k][2] == root else compiled[k][2].find(root),  # type: ignore[union-attr]
                         None if _is_han_literal(compiled[k][0], compiled[k][2]) else compiled[k][3],
                         -compiled[k][1].weight, first_pairs(compiled[k][0]))
                        for k in ks
                    ),
                )
                for root, ks in groups.items()
            ),
        )

    @property
    def companies(self) -> tuple[str, ...]:
        """Canonical names in table order."""
        return tuple(dict.fromkeys(e.company for e in self.entries))

    def find(self, text: str) -> list[Mention]:
        """Company mentions in ``text`` (normalised here), leftmost-longest, non-overlapping."""
        return self._find_prepared(prepare_for_matching(text))

    def _find_prepared(self, t: str, windows: bool = True) -> list[Mention]:
        """Mentions in prepared text ``t``. ``windows=False``: every alias scans the whole text (the
        reference the windowed search is tested against)."""
        found: list[tuple[int, int, int]] = []  # (start, end, entry index)
        compiled = self._compiled
        if windows:
            if self._any_needed is not None and not self._any_needed.search(t):
                return []
            # the root's occurrences, found once, give every member's: a member's needle holds the root
            # at offset ``off``
            roots_rx, hideable = self._roots
            present = set(roots_rx.findall(t))
            for root, members in self._windowed:
                if root not in present and (root not in hideable or root not in t):
                    continue  # no needle of the group can occur
                starts = occurrences(t, root)
                for k, rx, needle, off, win, heavy, pairs in members:
                    if off < 0:
                        at = starts
                    else:
                        at = [p - off for p in starts if p >= off and t.startswith(needle, p - off)]
                        if not at:
                            continue
                    if win is None:  # a Han literal: it matches wherever its needle (itself) occurs
                        size, nxt = len(needle), 0
                        for a in at:
                            if a >= nxt:
                                found.append((a, -size, heavy, k))
                                nxt = a + size
                        continue
                    found.extend((a, a - b, heavy, k) for a, b in windowed_spans(rx, t, len(needle), win, at, pairs))
            plans: Iterable[tuple[bool, tuple[str, ...] | None, tuple[int, ...]]] = self._scan_plans
        else:
            plans = ((False, None, tuple(range(len(compiled)))),)
        lowered = None  # t.lower(), made when a needle needs it
        for plain, hints, ks in plans:
            if hints is not None and not any(h in t for h in hints):
                continue  # no character of t lower-cases to the needles' beginning
            for k in ks:
                rx, e, needle, _ = compiled[k]
                if needle is not None:
                    if plain:  # (its lower case occurs in t.lower() where it occurs in t)
                        if needle not in t:
                            continue
                    else:
                        if lowered is None:
                            lowered = t.lower()
                        if needle not in lowered:
                            continue
                found.extend(
                    (m.start(), m.start() - m.end(), -e.weight, k) for m in rx.finditer(t) if m.end() > m.start()
                )
        # leftmost, then longest, then heaviest, then first in the table
        found.sort()
        out: list[Mention] = []
        end = -1
        for start, neg_len, _, k in found:
            if start >= end:
                e = compiled[k][1]
                end = start - neg_len
                out.append(Mention(start, end, e.company, e.alias, e.weight))
        return out

    def _naming_hint(self, company: str) -> re.Pattern[str] | None:
        """One search for what a mention of ``company`` needs (the roots of its windowed aliases, the
        needles or hints of its scanned ones, its bare short forms): a prepared text holding none of
        them names it nowhere. None when one of its aliases has no such string."""
        done = self._hints
        if company not in done:
            needed: list[str] = []
            for root, members in self._windowed:
                if any(self._compiled[m[0]][1].company == company for m in members):
                    needed.append(root)
            for plain, hints, ks in self._scan_plans:
                for k in ks:
                    if self._compiled[k][1].company == company:
                        needed.extend([self._compiled[k][2] or ""] if plain else (hints or [""]))
            needed.extend(short for _, c, short, _ in companyforms._short_forms() if c == company)
            done[company] = (
                re.compile("|".join(map(re.escape, sorted(set(needed), key=lambda w: (-len(w), w)))))
                if needed and all(needed)
                else None
            )
        return done[company]

    def scores(self, text: str) -> dict[str, float]:
        """Sum of mention weights per company."""
        totals: dict[str, float] = {}
        for mention in self.find(text):
            totals[mention.company] = totals.get(mention.company, 0.0) + mention.weight
        return totals

    def canonical(self, name: str) -> str:
        """Canonical company for a name that is (or contains only) one alias; '' if none."""
        name = (name or "").strip()
        if name in self.companies:
            return name
        mentions = self.find(name)
        companies = {m.company for m in mentions}
        if (
            len(companies) == 1
            and sum(m.end - m.start for m in mentions) >= len(prepare_for_matching(name)) - 2
        ):
            return companies.pop()
        return ""


def prepare_for_matching(text: str) -> str:
    """Text as alias matching sees it: NFKC, simplified, no spaces between CJK characters."""
    return _drop_cjk_spaces(_norm(text or ""))


def _read_alias_file(path: Path) -> list[AliasEntry]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            fieldnames = [f.strip().lower() for f in (reader.fieldnames or [])]
    except FileNotFoundError:
        raise AnalysisError(f"{path}: company alias file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AnalysisError(f"{path}: cannot read company alias file: {exc}") from None
    if not {"company", "alias"} <= set(fieldnames):
        raise AnalysisError(
            f"{path}: company alias file needs columns company,alias (has: {', '.join(fieldnames)})"
        )
    entries = []
    for lineno, row in enumerate(rows, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        company, alias = row.get("company", ""), row.get("alias", "")
        if not company or company.startswith("#") or not alias:
            continue
        kind = (row.get("kind") or "name").lower()
        if kind not in ("name", "pattern"):
            raise AnalysisError(f"{path}:{lineno}: kind must be 'name' or 'pattern', not {kind!r}")
        try:
            weight = float(row.get("weight") or 1.0)
        except ValueError:
            raise AnalysisError(
                f"{path}:{lineno}: weight must be a number, not {row.get('weight')!r}"
            ) from None
        if not math.isfinite(weight) or weight < 0:
            raise AnalysisError(f"{path}:{lineno}: weight must be >= 0, not {weight}")
        if kind == "name":
            alias = _norm(alias)
        else:
            try:
                re.compile(alias)
            except re.error as exc:
                raise AnalysisError(f"{path}:{lineno}: bad pattern {alias!r}: {exc}") from None
        entries.append(AliasEntry(_norm(company), alias, kind, weight))
    return entries


@functools.lru_cache(maxsize=16)
def _load_cached(files: tuple[tuple[str, int, int], ...]) -> CompanyAliases:
    merged: dict[tuple[str, str, str], AliasEntry] = {}
    for path, _mtime, _size in files:
        for e in _read_alias_file(Path(path)):
            merged.pop((e.company, e.alias, e.kind), None)  # a later file may re-weight (0 = switch off)
            merged[(e.company, e.alias, e.kind)] = e
    # A literal that a pattern of the same company covers would bypass the pattern's exclusions
    # (中國移動 normalises to 中国移动, which the 中国移动(?!互联网…) pattern handles): drop it.
    patterns = [e for e in merged.values() if e.kind == "pattern"]
    for k, e in list(merged.items()):
        if e.kind == "name" and any(
            p.company == e.company and re.fullmatch(p.alias, e.alias, re.I) for p in patterns
        ):
            del merged[k]
    for company in dict.fromkeys(e.company for e in merged.values()):  # the canonical name names itself
        own = [e for e in merged.values() if e.company == company]
        if not any(re.fullmatch(_alias_regex(e), company, re.I) for e in own):
            merged[(company, company, "name")] = AliasEntry(company, company)
    if not merged:
        raise AnalysisError(f"no company aliases in {', '.join(p for p, _, _ in files)}")
    return CompanyAliases(tuple(merged.values()))


def load_aliases(path: str | Path | None = None, extra: Iterable[str | Path] = ()) -> CompanyAliases:
    """Alias table from ``path`` (default ``resources/companies.csv``) plus user CSV files ``extra``.

    CSV columns: ``company,alias`` and optionally ``kind`` (``name`` literal, default; ``pattern``
    regular expression) and ``weight`` (default 1; 0 switches an alias off). Later files add aliases
    and companies or re-weight earlier rows. Cached per (path, mtime, size).
    """
    paths = [Path(path) if path is not None else config.COMPANIES_FILE, *(Path(p) for p in extra)]
    key = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            raise AnalysisError(f"{p}: company alias file not found") from None
        key.append((str(p.resolve()), st.st_mtime_ns, st.st_size))
    return _load_cached(tuple(key))


_LEAD_CHARS = 150
_SUBJECT_CHARS = 40
_LIST_SEP_RE = re.compile(r"\s*(?:、|,|和|与|及|以及|或|同)\s*")
_LIST_SEPS = frozenset(("、", ",", "和", "与", "及", "以及", "或", "同"))


def _is_list_sep(gap: str) -> bool:
    """``_LIST_SEP_RE.fullmatch(gap)``: a separator between spaces (re's \\s is str.isspace, what strip
    removes); a long gap, mostly text between two mentions, goes to the regex, which fails at once."""
    if len(gap) > 2 and not (gap[0].isspace() or gap[-1].isspace()):
        return False  # (a separator is one or two characters: the rest are spaces around it)
    if len(gap) > 16:
        return bool(_LIST_SEP_RE.fullmatch(gap))
    return gap.strip() in _LIST_SEPS
# Before a mention: an earlier item of an enumeration (中国石油、国家电网和中国移动); after it: 等.
_LIST_BEFORE_RE = re.compile(r"、[^,。;!?:\n]{1,15}(?:和|及|以及|与|或)\s*$")
_LIST_AFTER_RE = re.compile(r"\s*等(?![待候级同])")
_TAG_LINE_RE = re.compile(r"^[\[【(]?\s*(?:标签|关键词|关键字|tags?|keywords?)\s*[\]】)]?\s*:", re.I)


def _list_items(text: str, mentions: Sequence[Mention]) -> set[int]:
    """Indices of mentions that are items of an enumeration.

    ``中国电信、中国移动、中国联通有关负责同志``: every item, the last one too; ``中国石油、中国移动等``:
    an item next to 、 or before 等; ``国家电网和中国移动``after an earlier 、 item. Two names joined by
    和/与 alone (``中国移动与中国联通签署协议``) are not a list.
    """
    out: set[int] = set()
    group: list[int] = []
    enumerated = False

    def close() -> None:
        if len(group) >= 3 or (len(group) >= 2 and (enumerated or closed_by_deng())):
            out.update(group)  # 中国电信和中国移动等: both items

    def closed_by_deng() -> bool:
        end = mentions[group[-1]].end
        after = text[end : end + 3]
        return "等" in after and bool(_LIST_AFTER_RE.match(after))

    for k, m in enumerate(mentions):
        if group:
            gap = text[mentions[group[-1]].end : m.start]
            if _is_list_sep(gap):
                group.append(k)
                enumerated = enumerated or "、" in gap
                continue
            close()
        group, enumerated = [k], False
    close()
    for k, m in enumerate(mentions):
        before, after = text[max(0, m.start - 25) : m.start], text[m.end : m.end + 3]
        enumerated = before.endswith("、") or after.startswith("、")
        if (
            enumerated
            or ("等" in after and _LIST_AFTER_RE.match(after))
            or ("、" in before and _LIST_BEFORE_RE.search(before))
        ):
            out.add(k)
    return out


def _headline_lines(lines: _Lines, first: int, end: int, title_idx: int) -> set[int]:
    """Lines of the article span that are other articles' headlines, not the article's text.

    Link-list items (``·标题``, ``标题 [04-14]``, ``标题 2021-03-04``), everything after a list header
    (为您推荐, 大家都在看 ...) and, after the last paragraph, a run of two or more headline-like lines.
    """
    skip: set[int] = set()
    for i in range(max(first, 0), end):
        if i == title_idx:
            continue
        norm = lines.norm[i]
        if len(norm) <= 20 and _LIST_HEADER_RE.match(norm) and not runin.is_promotion(norm):
            skip.update(range(i, end))
            break
        if _is_sentence(norm) or _META_LABEL_RE.search(norm):
            continue
        if _LIST_ITEM_RE.search(norm) or (_dated_headline(norm) and _cjk_count(norm) >= 6):
            skip.add(i)
    last_body = next((i for i in range(end - 1, max(first, 0) - 1, -1) if _is_body_line(lines.norm[i])), -1)
    if last_body >= 0:
        run: list[int] = []
        for i in range(last_body + 1, end + 1):
            if (
                i < end
                and i not in skip
                and _is_title_candidate(lines.norm[i])
                and not _is_sentence(lines.norm[i])
            ):
                run.append(i)
                continue
            if len(run) >= 2:
                skip.update(run)
            run = []
    return skip


def _tagged_company(lines: _Lines, first: int, end: int, aliases: CompanyAliases) -> str:
    """The one company named on the article's tag line (标签: 党建 中国移动), else ''."""
    for i in range(max(first, 0), end):
        norm = lines.norm[i]
        if _TAG_LINE_RE.match(norm) and len(norm) <= 80:
            named = {m.company for m in aliases.find(norm)}
            return named.pop() if len(named) == 1 else ""
    return ""


def _with_short_forms(text: str, found: list[Mention]) -> list[Mention]:
    """``found`` plus the bare short forms of a telecom text (移动抢险救灾党员突击队), non-overlapping."""
    extra = [Mention(f.start, f.end, f.company, f.alias, 1.0) for f in companyforms.short_form_mentions(text)]
    if not extra:
        return found
    taken = [(m.start, m.end) for m in found]
    extra = [m for m in extra if not any(a < m.end and m.start < b for a, b in taken)]
    return sorted([*found, *extra], key=lambda m: m.start)


def _first_line_naming(
    lines: _Lines, company: str, aliases: CompanyAliases, lo: int, hi: int, known: dict[str, list[Mention]]
) -> str:
    """``; line N: …`` for the first line in ``lo:hi`` that names ``company`` (evidence). ``known``: the
    mentions already found in some prepared texts (the title's, often the title line's too)."""
    hint = aliases._naming_hint(company)
    for i in range(max(lo, 0), min(hi, len(lines.norm))):
        t = _drop_cjk_spaces(_norm_line(lines, lines.norm[i]))  # prepare_for_matching
        if hint is not None and not hint.search(t):
            continue  # nothing the company's aliases or short forms need occurs: the line cannot name it
        found = known.get(t)
        if found is None:
            found = aliases._find_prepared(t)
        if any(m.company == company for m in _with_short_forms(t, found)):
            snippet = lines.norm[i] if len(lines.norm[i]) <= 40 else lines.norm[i][:39] + "…"
            return f"; line {i + 1}: {snippet}"
    return ""


def _subtitle_company(lines: _Lines, title_idx: int, start: int, aliases: CompanyAliases) -> str:
    """The one company named on the subtitle lines around the title (——…、中国移动…), else ''."""
    if title_idx < 0:
        return ""
    named: set[str] = set()
    for i in range(max(0, title_idx - 3), min(start, title_idx + 4, len(lines.norm))):
        if i != title_idx and companyforms.is_subtitle(lines.norm[i]):
            named.update(m.company for m in aliases.find(lines.norm[i]))
    return named.pop() if len(named) == 1 else ""


def extract_company(title: str, text: str, aliases: CompanyAliases | None = None) -> str:
    """Canonical company the document is about, or '' (rules in the module docstring)."""
    return _company(title, _lines(text or ""), aliases)


def explain_company(title: str, text: str, aliases: CompanyAliases | None = None) -> tuple[str, str]:
    """:func:`extract_company` and its evidence (``company_source``): the rule, the scores, the line."""
    return _company_explained(title, _lines(text or ""), aliases)


def _company(title: str, lines: _Lines, aliases: CompanyAliases | None = None) -> str:
    return _company_explained(title, lines, aliases)[0]


def _company_explained(
    title: str, lines: _Lines, aliases: CompanyAliases | None = None, *, title_decides: bool = True
) -> tuple[str, str]:
    """``(company, company_source)`` of a document. ``title_decides=False`` searches the body even when
    the title names one company alone (the general path that the shortcut is tested against)."""
    aliases = aliases if aliases is not None else load_aliases()
    text = lines.text
    title_t = prepare_for_matching(title or "")
    title_found = aliases._find_prepared(title_t)
    in_title = list(dict.fromkeys(m.company for m in title_found))
    title_list = companyforms.title_lists_several(title_t, [(m.start, m.end, m.company) for m in title_found])
    if title_decides and len(in_title) == 1 and not title_list:
        # the body could only put another company of the title before this one: there is none
        return in_title[0], f"title names {in_title[0]}"
    title_idx = _locate(lines, title) if title else -1
    if title_idx < 0:
        title_idx = _title_line_index(lines)
    start = _first_body(lines, title_idx)
    if 0 <= title_idx < len(lines.norm) and not in_title and _is_body_line(lines.norm[title_idx]):
        start = title_idx  # no headline: the "title" is the opening of the first paragraph, the lead
    # The article only: not the site bars and link lists above the title, nor related news below.
    first = max(title_idx, _chrome_end(lines, title_idx if title_idx >= 0 else start) + 1, 0)
    end = _article_end(lines, start)
    if first > 0 or end < len(lines.raw) or len(text or "") <= _MAX_MATCH_CHARS:
        skip = _headline_lines(lines, first, end, title_idx)
        body = _drop_cjk_spaces(
            _norm_joined(
                lines, [lines.raw[i] for i in range(first, end) if i not in skip], bool(lines.memo.get("no_trad"))
            )
        )
    else:
        body = prepare_for_matching((text or "")[:_MAX_MATCH_CHARS])
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    found = _with_short_forms(body, aliases._find_prepared(body))
    listed = _list_items(body, found)
    for k, mention in enumerate(found):  # an item of a list (中国电信、中国移动、中国联通) counts half
        scores[mention.company] = scores.get(mention.company, 0.0) + mention.weight * (
            0.5 if k in listed else 1
        )
        counts[mention.company] = counts.get(mention.company, 0) + 1
    if in_title and not title_list:
        head = in_title[0]
        rival = max(in_title, key=lambda c: scores.get(c, 0.0))
        if rival != head and scores.get(rival, 0.0) >= 1.5 * max(scores.get(head, 0.0), 1.0):
            return rival, f"title names {', '.join(in_title)}; {rival} has 1.5x the mentions in the body"
        if len(in_title) > 1:
            return head, f"title names {', '.join(in_title)}; the first named"
        return head, f"title names {head}"
    if not scores:
        return "", "no company named" if not in_title else f"title lists {', '.join(in_title)}; body names none"
    strong: dict[str, int] = {}  # subject of the lead or publisher: worth more than a mention
    why: dict[str, list[str]] = {}
    lead_listed: set[str] = set()
    if start < len(lines.norm):
        lead = _drop_cjk_spaces(_norm_line(lines, lines.norm[start]))[:_LEAD_CHARS]  # prepare_for_matching
        in_lead = _with_short_forms(lead, aliases._find_prepared(lead))
        lead_list = _list_items(lead, in_lead)
        # the partner of a joint activity (…党支部与福州电信分公司党支部举行共建…) is no list item
        partners = {
            k
            for k, m in enumerate(in_lead)
            if companyforms.partner_subject(lead, m.start, m.end)
            and not (k > 0 and _is_list_sep(lead[in_lead[k - 1].end : m.start]))  # 中国电信和中国移动
            and not (k + 1 < len(in_lead) and _is_list_sep(lead[m.end : in_lead[k + 1].start]))
            and not _LIST_AFTER_RE.match(lead[m.end : m.end + 3])  # 中国移动等
        }
        lead_list -= partners
        lead_listed = {in_lead[k].company for k in lead_list}
        for k, m in enumerate(in_lead):  # the lead counts double, its subject triple
            if k in lead_list:
                continue  # an item of a list: 中国石油、中国移动等
            subject = (
                m.start < _SUBJECT_CHARS or k in partners or companyforms.subject_after_time_word(lead, m.start)
            )
            scores[m.company] = scores.get(m.company, 0.0) + m.weight * (2 if subject else 1)
            strong[m.company] = strong.get(m.company, 0) + subject
            why.setdefault(m.company, []).append("lead subject" if subject else "lead")
    for m in aliases.find(_source({}, lines)):  # 来源：中国移动 -> the publisher is the company
        scores[m.company] = scores.get(m.company, 0.0) + 2 * m.weight
        strong[m.company] = strong.get(m.company, 0) + 1
        why.setdefault(m.company, []).append("publisher")
    tagged = _tagged_company(lines, first, end, aliases)
    if tagged:  # 标签: 党建 中国移动 -> the site filed the article under the company
        scores[tagged] = scores.get(tagged, 0.0) + 2
        strong[tagged] = strong.get(tagged, 0) + 1
        why.setdefault(tagged, []).append("tag line")
    organiser = _subtitle_company(lines, title_idx, start, aliases)
    if organiser:  # ——某物业党支部、中国移动通信集团北京有限公司: one of the organisers
        scores[organiser] = scores.get(organiser, 0.0) + 2
        strong[organiser] = strong.get(organiser, 0) + 1
        why.setdefault(organiser, []).append("subtitle organiser")
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    leader, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    needed = max(1, math.ceil(len(body) / 2500))
    # A lead enumerating three or more companies, none of them its subject, is about all of them:
    # one of them must stand out three times over, not twice (会议…中国电信、中国移动、中国联通…).
    several = len(lead_listed) >= 3 and not any(strong.values())
    margin = 3 if several else 2
    table = ", ".join(f"{c} {v:g}" for c, v in ranked[:4])
    lead_in = f"title lists {', '.join(in_title)}; " if in_title else ""
    if top >= 3 and counts.get(leader, 0) + strong.get(leader, 0) >= needed and top >= margin * runner_up:
        reasons = f" ({', '.join(dict.fromkeys(why[leader]))})" if why.get(leader) else ""
        where = _first_line_naming(lines, leader, aliases, first, end, {title_t: title_found})
        return leader, f"{lead_in}article scores {table}{reasons}{where}"
    if len(ranked) > 1 and top < margin * runner_up:
        listed_lead = "the lead lists several; " if several else ""
        return "", f"{lead_in}{listed_lead}no single subject: several companies share it ({table})"
    return "", f"{lead_in}too few mentions to name a subject ({table})"
