"""Small text files are ingested in batches, one step at a time over a batch (corpus._process_files).

The records must be those of one file at a time, file by file in order, whatever fails where; a batch
that fails as a whole (its worker killed: a crash, a time limit) is run again file by file, so only the
file at fault is skipped.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from test_repeats import break_repeats_on

import analysis.ingest.corpus as corpus_mod
from analysis import config
from analysis.ingest import limits
from analysis.ingest.corpus import read_corpus

SEEDS = config.RAW_DIR  # the sample corpus: the seeds, bundled
ALIASES = (str(config.COMPANIES_FILE),)
DOC = "{co}召开党建工作会议\n\n发布时间：2022-0{m}-10\n\n{co}党委坚持全面从严治党，推动高质量发展，取得新成效。\n"
REPEATED = (
    "中国移动召开党风廉政建设工作会议\n"
    "会议指出，要深入学习贯彻党的二十大精神，坚定不移推进全面从严治党向纵深发展。\n"
    "会议要求，各级党组织要压紧压实管党治党政治责任，一体推进不敢腐、不能腐、不想腐。\n"
    "会议指出，要深入学习贯彻党的二十大精神，坚定不移推进全面从严治党向纵深发展。\n"
    "会议要求，各级党组织要压紧压实管党治党政治责任，一体推进不敢腐、不能腐、不想腐。\n"
)
HTML = (
    "<html><head><title>中国联通召开警示教育大会</title>"
    '<meta name="publishdate" content="2023-05-06"></head><body><h1>中国联通召开警示教育大会</h1>'
    "<p>中国联通党组召开警示教育大会，推动全面从严治党向纵深发展。</p></body></html>"
)


def _folder(tmp_path: Path) -> Path:
    """Files of every outcome: seeds, repeats to remove, HTML with a date tag, undecodable bytes, a page
    of navigation only (nothing left after cleaning)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        shutil.copy(seed, folder / seed.name)
    for i, co in enumerate(["中国卫通", "中国联通", "中国移动"]):
        (folder / f"doc{i}.txt").write_text(DOC.format(co=co, m=i + 1), encoding="utf-8")
    (folder / "repeated.txt").write_text(REPEATED, encoding="utf-8")
    (folder / "page.html").write_text(HTML, encoding="utf-8")
    (folder / "bad.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "nav.txt").write_text("首页 | 新闻中心 | 网站地图 | 联系我们\n", encoding="utf-8")
    return folder


def _args(folder: Path, keep_repeated: bool = False, keep_prepared: bool = False) -> list[tuple]:
    names = sorted(p.name for p in folder.iterdir())
    return [(str(folder), name, keep_repeated, ALIASES, keep_prepared, False, None) for name in names]


@pytest.mark.parametrize("keep_repeated", [False, True])
@pytest.mark.parametrize("keep_prepared", [False, True])
def test_a_batch_gives_the_records_of_one_file_at_a_time(
    tmp_path: Path, keep_repeated: bool, keep_prepared: bool
) -> None:
    args = _args(_folder(tmp_path), keep_repeated, keep_prepared)
    one_by_one = [corpus_mod._process_file(*a) for a in args]
    assert corpus_mod._process_files(args) == one_by_one
    assert corpus_mod._process_files(args[::-1]) == one_by_one[::-1]
    by_path = {r["path"]: r for r in one_by_one}
    # every outcome is in the batch, each at its own file
    assert by_path["bad.txt"]["status"] == "skipped"
    assert by_path["nav.txt"] == {
        "status": "skipped",
        "path": "nav.txt",
        "reason": "no text left after cleaning",
    }
    assert by_path["page.html"]["date"] == "2023-05-06"
    assert (by_path["repeated.txt"]["removed_chars"] > 0) is not keep_repeated
    assert by_path["doc1.txt"]["company"] == "中国联通"
    assert all(("prep_text" in r) is keep_prepared for r in one_by_one if r["status"] == "ok")


def test_a_step_failing_on_one_file_skips_that_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = _args(_folder(tmp_path))
    expected = [corpus_mod._process_file(*a) for a in args]
    break_repeats_on(monkeypatch, "中国移动召开党风廉政建设工作会议")
    got = corpus_mod._process_files(args)
    for want, rec in zip(expected, got, strict=True):
        if rec["path"] == "repeated.txt":
            assert rec == {
                "status": "skipped",
                "path": "repeated.txt",
                "reason": "unexpected error: ValueError: boom",
            }
        else:
            assert rec == want


def _job(name: str) -> tuple:
    return ("/root", name, False, ALIASES, False, None, None, "")


def test_batches_hold_consecutive_small_text_files() -> None:
    names = [f"{i:02d}.txt" for i in range(70)] + ["a.pdf", "b.md", "c.docx", "d.html", "big.txt", "gone.txt"]
    sizes = {n: 100 for n in names if not n.endswith((".pdf", ".docx"))}
    sizes["big.txt"] = corpus_mod._BATCH_FILE_BYTES + 1
    del sizes["gone.txt"]  # no size: could not be read, the worker says why
    batches = corpus_mod._batches([_job(n) for n in names], sizes)
    assert [[job[1] for job in b] for b in batches] == [
        names[0:32], names[32:64], names[64:70], ["a.pdf"], ["b.md"], ["c.docx"], ["d.html"], ["big.txt"], ["gone.txt"],
    ]  # fmt: skip
    # a batch also ends at _BATCH_BYTES
    per = corpus_mod._BATCH_BYTES // 5  # (below _BATCH_FILE_BYTES: each may be batched)
    batches = corpus_mod._batches([_job(n) for n in names[:12]], dict.fromkeys(names[:12], per))
    assert [len(b) for b in batches] == [5, 5, 2]


def test_batchable_sizes_are_the_text_files_on_disk(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "x.pdf").write_bytes(b"%PDF-1.4")
    todo = [(str(p), p.name) for p in sorted(folder.iterdir())] + [(str(folder / "gone.txt"), "gone.txt")]
    sizes = corpus_mod._batchable_sizes(todo)
    assert sizes == {p.name: p.stat().st_size for p in folder.iterdir() if p.suffix in (".txt", ".html")}


def _read(folder: Path, tmp_path: Path, name: str) -> corpus_mod.IngestResult:
    return read_corpus(folder, progress=False, n_jobs=2, cache_dir=tmp_path / name)


def _many(tmp_path: Path) -> Path:
    folder = _folder(tmp_path)
    for i in range(corpus_mod._PARALLEL_MIN_FILES):  # enough files for two workers and several batches
        (folder / f"more{i:03d}.txt").write_text(DOC.format(co="中国电信", m=i % 9 + 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("fault", "seconds", "reason"),
    [
        ("dies", 120, "the reader crashed (worker process exited with code 3)"),
        ("hangs", 2, "time limit: still running after 2 s"),
    ],
)
def test_a_batch_that_fails_as_a_whole_is_run_again_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, seconds: int, reason: str
) -> None:
    folder = _many(tmp_path)
    expected = _read(folder, tmp_path, "before")
    bad = f"more031-{fault}.txt"  # in the middle of a batch
    (folder / bad).write_text(DOC.format(co="中国移动", m=5), encoding="utf-8")
    real = corpus_mod.read_document

    def faulty(path, *args, **kwargs):
        if Path(path).name == bad:
            if fault == "dies":
                os._exit(3)
            time.sleep(30)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(corpus_mod, "read_document", faulty)
    with limits.applied(limits.Limits(seconds=seconds)):
        result = _read(folder, tmp_path, "after")
    # the other files of its batch are all there
    pd.testing.assert_frame_equal(result.corpus, expected.corpus)
    why = result.report.set_index("path").loc[bad]
    assert why["status"] == "skipped" and why["reason"].startswith(reason)


def test_describing_one_field_at_a_time_gives_what_describe_gives(tmp_path: Path) -> None:
    from analysis.ingest.metadata import describe, describe_each, load_aliases

    records = [
        r
        for r in corpus_mod._process_files(_args(_folder(tmp_path), keep_prepared=True))
        if r["status"] == "ok"
    ]
    docs = [
        {
            "text": r["prep_text"] or r["text"],
            "front_matter": {"source": "人民网"} if i == 2 else {},
            "spaced_text": r["prep_spaced"] or None,
            "spaced_headings": ["一个标题"] if i == 3 else None,
            "date_front_matter": {"date": "2021-03-04"} if i == 4 else None,
        }
        for i, r in enumerate(records)
    ]
    aliases = load_aliases()
    want = [describe(**doc, aliases=aliases) for doc in docs]
    assert describe_each(docs, aliases) == want
    assert want[2].source == "人民网" and str(want[4].date) == "2021-03-04" and want[3].title == "一个标题"


def test_a_field_failing_on_one_document_leaves_that_document_undescribed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analysis.ingest.metadata as metadata

    args = _args(_folder(tmp_path))
    expected = corpus_mod._process_files(args)
    real = metadata._company_explained

    def failing(title: str, lines, aliases=None):
        if "中国移动召开党风廉政建设工作会议" in lines.text:
            raise KeyError("boom")
        return real(title, lines, aliases)

    monkeypatch.setattr(metadata, "_company_explained", failing)
    got = corpus_mod._process_files(args)
    for want, rec in zip(expected, got, strict=True):
        if rec["path"] != "repeated.txt":
            assert rec == want
            continue
        empty = dict.fromkeys(
            ("title", "date", "company", "source", "date_source", "company_source", "doc_type"), ""
        )
        assert rec == {**want, **empty, "doc_type_source": "", "warning": (
            "metadata extraction failed (KeyError: 'boom'); title/date/company/source left empty"
        )}  # fmt: skip


def test_records_described_again_in_batches_are_those_of_a_fresh_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a new alias file: every cached record is described again (not read), 32 to a job, on two workers
    folder = _many(tmp_path)
    extra = tmp_path / "aliases.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n", encoding="utf-8")
    _read(folder, tmp_path, "cache")
    fresh = read_corpus(folder, progress=False, n_jobs=2, cache_dir=tmp_path / "fresh", companies=[extra])
    log, real = tmp_path / "reads.log", corpus_mod.read_document

    def counted(path, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{Path(path).name}\n")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(corpus_mod, "read_document", counted)
    again = read_corpus(folder, progress=False, n_jobs=2, cache_dir=tmp_path / "cache", companies=[extra])
    assert not log.exists()  # (bad.txt and nav.txt are skips the cache keeps)
    pd.testing.assert_frame_equal(again.corpus, fresh.corpus)
    pd.testing.assert_frame_equal(again.report, fresh.report)
    assert again.corpus.set_index("path").loc["doc0.txt", "company"] == "中国卫通"
    assert len(again.corpus) > 2 * corpus_mod._BATCH_FILES


def test_stepwise_runs_each_step_over_every_item_before_the_next() -> None:
    from analysis.ingest.stepwise import stepwise

    calls: list[tuple[str, int]] = []

    def first(item: int, state: dict) -> None:
        calls.append(("first", item))
        if item == 1:
            raise ValueError("one")
        state["x"] = item * 10

    def second(item: int, state: dict) -> None:
        calls.append(("second", item))
        if item == 2:
            raise KeyError("two")
        state["y"] = state["x"] + 1

    live, failed = stepwise([0, 1, 2, 3], (first, second))
    assert calls == [
        ("first", 0),
        ("first", 1),
        ("first", 2),
        ("first", 3),
        ("second", 0),
        ("second", 2),
        ("second", 3),
    ]
    assert live == {0: {"x": 0, "y": 1}, 3: {"x": 30, "y": 31}}
    assert {k: type(e) for k, e in failed.items()} == {1: ValueError, 2: KeyError}


def test_a_joint_step_takes_the_items_still_going_at_once() -> None:
    from analysis.ingest.stepwise import Joint, stepwise

    seen: list[list[int]] = []

    def first(item: int, state: dict) -> None:
        if item == 1:
            raise ValueError("one")
        state["x"] = item

    def together(items: list[int], states: list[dict]) -> list[Exception | None]:
        seen.append(list(items))
        for st in states:
            st["y"] = sum(items)
        return [KeyError("three") if item == 3 else None for item in items]

    def last(item: int, state: dict) -> None:
        state["z"] = state["y"] + item

    live, failed = stepwise([0, 1, 2, 3], (first, Joint(together), last))
    assert seen == [[0, 2, 3]]  # one call, without the item that failed before
    assert live == {0: {"x": 0, "y": 5, "z": 5}, 2: {"x": 2, "y": 5, "z": 7}}
    assert {k: type(e) for k, e in failed.items()} == {1: ValueError, 3: KeyError}

    def broken(items: list[int], states: list[dict]) -> list[Exception | None]:
        raise RuntimeError("all of them")

    live, failed = stepwise([0, 1, 2], (first, Joint(broken), last))
    assert live == {}
    assert {k: str(e) for k, e in failed.items()} == {1: "one", 0: "all of them", 2: "all of them"}

    with pytest.raises(ValueError, match="2 outcomes for 3 items"):
        stepwise([0, 2, 3], (Joint(lambda items, states: [None, None]),))
