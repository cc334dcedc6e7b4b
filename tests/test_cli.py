"""The extract and build commands on a mixed batch: good reports keep flowing past broken files."""

import csv
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import transparency_stats as ts
from conftest import SEED_AGENCY, SEED_PATH, SEED_YEAR
from transparency_stats import store
from transparency_stats.cli import main

SEED = SEED_PATH

TRUNCATED = """某县人民政府2022年政府信息公开工作年度报告
本年报所载数据时段为2022年1月至12月。
一、总体情况
全年主动公开政府信息320条。依申请公开工作有序开展。
三、收到和处理政府信息公开申请情况
申请人情况 自然人 法人或其他组织 总计
一、本年新收政府信息公开申请数量 5 0 0 0 0 0 5
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果 (一)予以公开 3 0 0 0 0 0 3
"""

NOT_A_REPORT = """<html><body><div>首页 新闻中心</div><p>某市召开春季植树动员会，共植树1200株。</p>
<table><tr><td>日期</td><td>数量</td></tr><tr><td>3月12日</td><td>1200</td></tr></table></body></html>"""


@pytest.fixture()
def batch_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    (folder / "garbage.txt").write_bytes(bytes(range(128, 256)) * 30 + b"\x00\x01\x02" * 50)
    (folder / "news.html").write_text(NOT_A_REPORT, encoding="utf-8")
    (folder / "truncated.txt").write_text(TRUNCATED, encoding="utf-8")
    return folder


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_extract_batch_survives_broken_files(batch_dir: Path, tmp_path: Path, capsys, seed_figures) -> None:
    out = tmp_path / "out" / "figures.csv"
    assert main(["extract", str(batch_dir), "-o", str(out), "-q"]) == 0
    figures = read_csv_rows(out)
    errors = read_csv_rows(out.with_name("figures.errors.csv"))
    failed = {Path(row["source_file"]).name: row["message"] for row in errors}
    assert set(failed) == {"empty.txt", "binary.pdf", "garbage.txt", "news.html", "truncated.txt"}
    assert len(errors) == 5, "one error row per broken file"
    assert "empty" in failed["empty.txt"]
    assert "PDF" in failed["binary.pdf"]
    assert "undecodable" in failed["garbage.txt"] or "binary" in failed["garbage.txt"]
    assert "not a government information disclosure annual report" in failed["news.html"]
    assert "truncated" in failed["truncated.txt"]
    seed_rows = [r for r in figures if r["source_file"].endswith(SEED.name)]
    assert {r["metric"]: float(r["value"]) for r in seed_rows} == seed_figures
    assert {r["agency"] for r in seed_rows} == {SEED_AGENCY}
    assert {r["report_year"] for r in seed_rows} == {str(SEED_YEAR)}
    stderr = capsys.readouterr().err
    for name in failed:
        assert stderr.count(name) == 1, f"{name}: a failure is printed once"


def test_extract_accepts_files(tmp_path: Path, seed_figures) -> None:
    out = tmp_path / "f.csv"
    assert main(["extract", str(SEED), "-o", str(out), "-q"]) == 0
    assert len(read_csv_rows(out)) == len(seed_figures)


def test_outputs_are_written_atomically(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "figures.csv"
    target.write_text("previous complete content", encoding="utf-8")

    def crash(*_args, **_kwargs):
        raise RuntimeError("simulated crash while writing")

    frame = pd.DataFrame({"a": [1, 2]})
    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(RuntimeError):
        store.write_csv(frame, target)
    assert target.read_text(encoding="utf-8") == "previous complete content"
    assert [p.name for p in tmp_path.iterdir()] == ["figures.csv"], "no temporary file left behind"


def test_load_returns_nullable_tidy_frame_and_merges_figure_tables(tmp_path: Path, seed_figures) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    table = pd.DataFrame(
        {
            "agency": ["某市人民政府", "某市人民政府"],
            "report_year": [2020, 2020],
            "metric": ["proactive_items_total", "requests_received"],
            "value": ["1500", ""],
            "cell": ["number", "blank"],
        }
    )
    table.to_csv(tmp_path / "compiled.csv", index=False, encoding="utf-8-sig")
    (tmp_path / "SOURCES.csv").write_text("file,url\n", encoding="utf-8")
    figures = ts.load(tmp_path)
    assert str(figures["value"].dtype) == "Float64"
    assert str(figures["report_year"].dtype) == "Int64"
    compiled = figures[figures["agency"] == "某市人民政府"].set_index("metric")
    assert compiled.loc["proactive_items_total", "value"] == 1500
    assert pd.isna(compiled.loc["requests_received", "value"]), "blank must stay NA, never 0"
    assert (figures["agency"] == SEED_AGENCY).sum() == len(seed_figures)


def test_build_writes_processed_outputs(tmp_path: Path, raw_with_seed: Path, seed_figures) -> None:
    (raw_with_seed / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a corrupt figure table
    processed = tmp_path / "processed"
    assert main(["build", "--raw", str(raw_with_seed), "--processed", str(processed), "-q"]) == 0
    errors = read_csv_rows(processed / "errors.csv")
    assert [Path(r["source_file"]).name for r in errors] == ["broken.xlsx"]
    for name in ("manifest.json", "figures.csv", "errors.csv", "warnings.csv", "checks.csv", "metrics.csv",
                 "reports.csv"):
        assert (processed / name).exists(), name
    assert not [p for p in os.listdir(processed) if p.endswith(".tmp")]
    loaded = ts.load_processed(processed)
    assert len(loaded) == len(seed_figures)


def test_title_variants_are_recognised_as_reports(tmp_path: Path) -> None:
    path = tmp_path / "variant.txt"
    path.write_text(
        "某某县审计局2015年度政府信息公开年度工作报告\n一、概述\n全年主动公开政府信息36条。"
        "二、依申请公开情况\n全年未收到政府信息公开申请。\n",
        encoding="utf-8",
    )
    result = ts.extract_report(path)
    assert not result.failed, result.issues
    assert result.report_year == 2015
    assert result.agency == "某某县审计局"
    values = {f.metric: f.value for f in result.figures}
    assert values.get("proactive_items_total") == 36


def test_extract_command_on_the_shipped_seed(tmp_path: Path, seed_figures, seed_approximate) -> None:
    out = tmp_path / "seed.csv"
    assert main(["extract", str(SEED), "-o", str(out), "-q"]) == 0
    rows = read_csv_rows(out)
    assert {r["metric"]: float(r["value"]) for r in rows} == seed_figures
    assert len(rows) == len(seed_figures)
    assert {r["metric"] for r in rows if r["approximate"] == "true"} == seed_approximate
    assert {(r["agency"], r["report_year"], r["format_version"]) for r in rows} == {
        (SEED_AGENCY, str(SEED_YEAR), "narrative")
    }
    warnings = read_csv_rows(out.with_name("seed.warnings.csv"))
    assert sum(r["kind"] == "mojibake" for r in warnings) == 3, "each garbled span is reported"


# --------------------------------------------------------------------------- loud failures, truthful exit codes


def _only_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_extract_refuses_a_missing_path_and_writes_nothing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "f.csv"
    assert main(["extract", str(SEED), str(tmp_path / "nope.txt"), "-o", str(out), "-q"]) != 0
    assert "nope.txt: no such file or folder" in _only_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_extract_on_an_empty_folder_names_the_file_kinds_it_looks_for(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.csv").write_text("a,b\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    assert main(["extract", str(empty), "-o", str(out)]) != 0
    line = _only_error_line(capsys.readouterr().err)
    assert "no report file found" in line and ".pdf" in line and ".docx" in line and ".html" in line
    assert not out.exists()


def test_extract_exits_non_zero_when_every_input_failed(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "broken.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "f.csv"
    assert main(["extract", str(bad), "-o", str(out), "-q"]) == 1
    stderr = capsys.readouterr().err
    assert stderr.count("empty.txt") == 1 and stderr.count("broken.pdf") == 1
    assert "every input failed" in stderr
    assert len(read_csv_rows(out.with_name("f.errors.csv"))) == 2


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _symlink(path: Path) -> Path:
    path.symlink_to(path.parent / "elsewhere.csv")
    return path


def _through_linked_folder(tmp: Path) -> Path:
    (tmp / "view").symlink_to(tmp / "in")
    return tmp / "view" / SEED.name


def _hard_link(path: Path) -> Path:
    path.hardlink_to(path.parent / "in" / SEED.name)
    return path


@pytest.mark.parametrize(
    ("make_output", "reason"),
    [
        (lambda tmp: _fifo(tmp / "pipe.csv"), "not a regular file"),
        (lambda tmp: _symlink(tmp / "link.csv"), "symbolic link"),
        (lambda tmp: tmp / "in" / SEED.name, "is an input"),
        (lambda tmp: _through_linked_folder(tmp), "is an input"),
        (lambda tmp: _hard_link(tmp / "copy.csv"), "is an input"),
        (lambda tmp: tmp / "in", "is a folder"),
        (lambda tmp: str(tmp / "newdir") + "/", "names a folder"),
    ],
    ids=["fifo", "symlink", "input", "input-via-linked-folder", "hard-link", "folder", "trailing-slash"],
)
def test_extract_refuses_a_harmful_output_before_writing(tmp_path: Path, capsys, make_output, reason) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    before = SEED.read_bytes()
    output = make_output(tmp_path)
    listing = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["extract", str(inputs), "-o", str(output), "-q"]) == 2
    assert reason in _only_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing, "nothing written"
    assert (inputs / SEED.name).read_bytes() == before


def test_extract_refuses_a_device(tmp_path: Path, capsys) -> None:
    assert main(["extract", str(SEED), "-o", os.devnull, "-q"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert Path(os.devnull).is_char_device()


def test_build_outside_a_project_says_data_raw_not_found(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-q"]) != 0
    assert "data/raw not found" in _only_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == [], "nothing created"


def test_report_checks_its_inputs_before_writing(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01-x.ipynb").write_text("{}", encoding="utf-8")
    assert main(["report", "-q"]) != 0
    assert "no figures in data/processed" in _only_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"], "no reports/ folder created"
    assert main(["report", "--notebooks", "missing", "-q"]) != 0
    assert "missing not found" in capsys.readouterr().err


def test_load_raises_for_a_missing_path_and_warns_on_an_empty_result(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        ts.load(tmp_path / "nope")
    (tmp_path / "readme.md").write_text("# nothing here\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="no figures"):
        figures = ts.load(tmp_path)
    assert figures.empty and list(figures.columns)[:3] == ["source_file", "report_id", "agency"]


def test_load_reports_a_page_saved_twice_and_dedupe_keeps_one(tmp_path: Path, seed_figures) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(SEED, tmp_path / name / SEED.name)
    with pytest.warns(UserWarning, match="repeat an organ and year"):
        both = ts.load(tmp_path)
    assert len(both) == 2 * len(seed_figures)
    one = ts.load(tmp_path, dedupe=True)
    assert len(one) == len(seed_figures)
    assert set(one["source_file"]) == {str(tmp_path / "a" / SEED.name)}, "the first file name is kept"


# --------------------------------------------------------------------------- formula neutralisation


def test_every_csv_writer_neutralises_formula_text_and_keeps_numbers(tmp_path: Path, monkeypatch) -> None:
    frame = pd.DataFrame({
        "agency": ['=HYPERLINK("http://x","y")', "@SUM(A1)", "\tcmd", "\rx", "+A1", "-A1", "-5", "plain", None],
        "count": pd.array([-5, 3, 0, 1, 2, 3, 4, 5, None], dtype="Int64"),
        "value": [-1.5, 2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, None],
    })
    target = tmp_path / "out.csv"
    store.write_csv(frame, target)
    rows = read_csv_rows(target)
    assert [r["agency"] for r in rows] == [
        '\'=HYPERLINK("http://x","y")', "'@SUM(A1)", "'\tcmd", "'\rx", "'+A1", "'-A1", "-5", "plain", "",
    ]
    assert [r["count"] for r in rows] == ["-5", "3", "0", "1", "2", "3", "4", "5", ""]
    assert rows[0]["value"] == "-1.5"
    assert frame.loc[0, "agency"].startswith("="), "the caller's frame is not changed"

    # extract's streaming writer: a report file named like a formula
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED, tmp_path / "=1+1.txt")
    assert main(["extract", "=1+1.txt", "-o", "figures.csv", "-q"]) == 0
    written = read_csv_rows(tmp_path / "figures.csv")
    assert {r["source_file"] for r in written} == {"'=1+1.txt"}
    assert all(not r[c].startswith(("=", "+", "@", "\t", "\r")) for r in written for c in r)
    assert {float(r["value"]) for r in written} >= {26000.0, 0.0}


# --------------------------------------------------------------------------- the package API


def test_dir_lists_the_public_api_and_import_stays_cheap() -> None:
    import subprocess
    import sys

    names = set(dir(ts))
    assert {"load", "load_processed", "load_metrics", "compute_metrics", "metrics", "wide", "fields",
            "trend_chart", "bar_chart", "organ_palette", "html_table", "Page", "scorecard"} <= names
    assert "annotations" not in names
    for name in ts.__all__:
        assert getattr(ts, name) is not None, name
    assert callable(ts.metrics.compute_metrics) and ts.compute_metrics is ts.metrics.compute_metrics
    code = "import sys, transparency_stats as ts; dir(ts); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", "importing the package must not import pandas"


def test_wide_and_fields(tmp_path: Path, raw_with_seed: Path) -> None:
    figures = pd.DataFrame({
        "agency": ["甲县", "甲县", "乙县", "甲县"], "report_year": [2020, 2021, 2021, 2021],
        "report_id": ["a20", "a21", "b21", "a21"], "metric": ["requests_received"] * 3 + ["results_total"],
        "applicant": "total", "value": [5, 7, None, 6], "table": "requests",
    })
    table = ts.wide("requests_received", figures)
    assert list(table.index) == ["乙县", "甲县"] and list(table.columns) == [2020, 2021]
    assert table.loc["甲县", 2020] == 5 and table.loc["甲县", 2021] == 7
    assert pd.isna(table.loc["乙县", 2021]) and pd.isna(table.loc["乙县", 2020])
    with pytest.raises(KeyError, match="requests_received"):
        ts.wide("requests_recieved", figures)
    fields = ts.fields()
    assert {"metric", "label_zh", "label_en", "unit", "unit_zh", "unit_en"} <= set(fields.columns)
    assert fields.set_index("metric").at["requests_received", "unit_en"] == "count"
    processed = tmp_path / "processed"
    with pytest.raises(FileNotFoundError):
        ts.load_metrics(processed)
    assert main(["build", "--raw", str(raw_with_seed), "--processed", str(processed), "-q"]) == 0
    loaded = ts.load_metrics(processed)
    assert ts.wide("on_time_rate", loaded).loc["南昌市东湖区人民政府", 2018] == 1.0


TABLE_FIXTURES = Path(__file__).parent / "fixtures" / "tables"


@pytest.fixture()
def summary_batch(tmp_path: Path) -> Path:
    """Two standard reports whose identities hold, one that breaks one, one run together (cells left out),
    a narrative report and a file that gives only an error row."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ("gov2021_spaced.txt", "gov2019_spaced.txt", "gov2021_runtogether.txt"):
        shutil.copy(TABLE_FIXTURES / name, folder / name)
    text = (TABLE_FIXTURES / "gov2021_spaced.txt").read_text(encoding="utf-8")
    assert "（一）予以公开 50 12 1 0 2 1 66" in text
    broken = text.replace("（一）予以公开 50 12 1 0 2 1 66", "（一）予以公开 51 12 1 0 2 1 67")
    (folder / "broken.txt").write_text(broken.replace("示例市测试局", "示例市另一局"), encoding="utf-8")
    shutil.copy(SEED, folder / SEED.name)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _summary_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("summary:")]


def test_extract_ends_with_a_batch_summary(summary_batch: Path, tmp_path: Path, capsys) -> None:
    assert main(["extract", str(summary_batch), "-o", str(tmp_path / "figures.csv")]) == 0
    lines = _summary_lines(capsys.readouterr().err)
    assert lines == [
        "summary: 5 of 6 files gave figures, 1 gave only an error row",
        "summary: 4 standard-table reports: 2 pass their identities, 1 fail, 1 cannot be checked "
        "(a blank or missing cell)",
    ]
    assert main(["extract", str(summary_batch), "-o", str(tmp_path / "again.csv"), "-q"]) == 0
    assert not _summary_lines(capsys.readouterr().err)


def test_build_and_dataset_end_with_the_same_summary(summary_batch: Path, tmp_path: Path, capsys) -> None:
    assert main(["extract", str(summary_batch), "-o", str(tmp_path / "figures.csv")]) == 0
    want = _summary_lines(capsys.readouterr().err)
    assert main(["extract", str(summary_batch), "--dataset", str(tmp_path / "ds")]) == 0
    assert _summary_lines(capsys.readouterr().err) == want
    assert main(["build", "--raw", str(summary_batch), "--processed", str(tmp_path / "processed")]) == 0
    assert _summary_lines(capsys.readouterr().err) == want
