"""The Parquet dataset: same rows as the CSV, incremental runs, runs published as one unit."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

import transparency_stats as ts
from transparency_stats import batch, build
from transparency_stats import dataset as dataset_module
from transparency_stats.cli import main
from transparency_stats.dataset import (
    HASH_CACHE,
    DatasetRun,
    FolderBusy,
    folder_lock,
    published_chunks,
    read_figures,
    read_hash_cache,
    read_manifest,
    read_table,
)
from transparency_stats.processed import load_bundle
from transparency_stats.schema import coerce_figures

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "000_4c0351ed7b07ef03.txt"
TABLES = ROOT / "tests" / "fixtures" / "tables"
CORPUS_FILES = [SEED, TABLES / "gov2021_spaced.txt", TABLES / "gov2019.html", TABLES / "gov2019_runtogether.txt",
                ROOT / "tests" / "fixtures" / "narrative" / "traditional_pinyin.txt"]
NOTICE = "notice.txt"
INPUTS = len(CORPUS_FILES) + 1  # the corpus fixture adds NOTICE
ORDER = ["source_file", "location", "metric", "applicant", "table"]


def sorted_rows(frame: pd.DataFrame, blank_is_na: bool = False) -> pd.DataFrame:
    frame = coerce_figures(frame)
    if blank_is_na:  # CSV cannot tell an empty text from a missing one
        text = [c for c in frame.columns if str(frame[c].dtype) == "string"]
        frame[text] = frame[text].replace("", pd.NA)
    return frame.sort_values(ORDER).reset_index(drop=True)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, folder / path.name)
    # one file that is no annual report: its row says "failed" and the batch goes on
    (folder / NOTICE).write_text("关于报送某项材料的通知\n各科室：请于月底前报送。\n", encoding="utf-8")
    return folder


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])


def test_dataset_holds_the_csv_rows_with_nullable_types(corpus: Path, tmp_path: Path) -> None:
    assert main(["extract", str(corpus), "-o", str(tmp_path / "figures.csv"), "-q"]) == 0
    assert main(["extract", str(corpus), "--dataset", str(tmp_path / "ds"), "-q"]) == 0
    from_csv = sorted_rows(read_csv(tmp_path / "figures.csv"), blank_is_na=True)
    from_dataset = read_figures(tmp_path / "ds")
    assert str(from_dataset["value"].dtype) == "Float64" and str(from_dataset["report_year"].dtype) == "Int64"
    assert str(from_dataset["approximate"].dtype) == "boolean"
    pd.testing.assert_frame_equal(sorted_rows(from_dataset, blank_is_na=True), from_csv)
    in_memory = ts.load(corpus)
    pd.testing.assert_frame_equal(sorted_rows(from_dataset), sorted_rows(in_memory))
    parts = sorted(p.relative_to(tmp_path / "ds").parts[:3] for p in (tmp_path / "ds" / "figures").rglob("*.parquet"))
    assert ("figures", "report_year=2018", "format_version=narrative") in parts
    assert any(p[2] == "format_version=gov2021" for p in parts)

    reports = read_table(tmp_path / "ds", "reports")
    assert len(reports) == INPUTS
    assert set(reports["status"]) == {"ok", "failed"}
    assert reports.loc[reports["status"] == "failed", "source_file"].str.endswith(NOTICE).all()
    seed = reports[reports["source_file"].str.endswith(SEED.name)].iloc[0]
    assert seed["report_year"] == 2018 and seed["figures"] == 17 and seed["report_id"] == seed["sha256"][:16]
    errors = read_table(tmp_path / "ds", "issues")
    assert (errors["severity"] == "error").sum() == (reports["status"] == "failed").sum()


def _pieces_of(size: int):
    """A stand-in for :func:`batch.chunk_sizes`: chunks of ``size`` files (the last one the rest)."""
    return lambda count, workers: [size] * (count // size) + ([count % size] if count % size else [])


def test_csv_with_a_dataset_is_written_from_it_byte_for_byte_as_alone(corpus: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    (corpus / "sub").mkdir()
    shutil.copy(TABLES / "gov2019.html", corpus / "sub" / "again.html")  # a second chunk's worth of order
    (corpus / "sub" / "broken.pdf").write_bytes(b"not a pdf at all")  # an error row
    alone = tmp_path / "alone" / "figures.csv"
    assert main(["extract", str(corpus), "-o", str(alone), "-q"]) == 0
    monkeypatch.setattr(batch, "chunk_sizes", _pieces_of(2))  # several chunks
    both = tmp_path / "both" / "figures.csv"
    assert main(["extract", str(corpus), "--dataset", str(tmp_path / "ds"), "-o", str(both), "-q"]) == 0
    for name in ("figures.csv", "figures.errors.csv", "figures.warnings.csv"):
        assert (both.parent / name).read_bytes() == (alone.parent / name).read_bytes(), name
    assert len(read_csv(alone.parent / "figures.errors.csv")) == 2
    assert len(read_csv(alone.parent / "figures.warnings.csv")) > 0

    def must_not_read(path, sha256=None):  # unchanged: the CSV comes from the dataset alone
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(batch, "extract_report", must_not_read)
    again = tmp_path / "again" / "figures.csv"
    assert main(["extract", str(corpus), "--dataset", str(tmp_path / "ds"), "-o", str(again), "-q"]) == 0
    for name in ("figures.csv", "figures.errors.csv", "figures.warnings.csv"):
        assert (again.parent / name).read_bytes() == (alone.parent / name).read_bytes(), name


def test_csv_with_a_dataset_follows_input_order_after_a_file_is_read_again(corpus: Path, tmp_path: Path,
                                                                          monkeypatch) -> None:
    monkeypatch.setattr(batch, "chunk_sizes", _pieces_of(3))  # chunks of consecutive inputs
    out = tmp_path / "ds"
    assert main(["extract", str(corpus), "--dataset", str(out), "-q"]) == 0
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    middle = files[1]  # the second input of the first chunk: read again alone, between its old neighbours
    middle.write_text(middle.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    both = tmp_path / "both" / "figures.csv"
    assert main(["extract", str(corpus), "--dataset", str(out), "-o", str(both), "-q"]) == 0
    assert len(published_chunks(out)) > 2
    alone = tmp_path / "alone" / "figures.csv"
    assert main(["extract", str(corpus), "-o", str(alone), "-q"]) == 0
    for name in ("figures.csv", "figures.errors.csv", "figures.warnings.csv"):
        assert (both.parent / name).read_bytes() == (alone.parent / name).read_bytes(), name


def test_second_run_only_hashes_and_follows_changes(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "ds"
    first = batch.extract_to_dataset([corpus], out, progress=False)
    assert first.read == INPUTS
    before = sorted_rows(read_figures(out))

    def must_not_read(path, sha256=None):  # an unchanged corpus is hashed, never read again
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(batch, "extract_report", must_not_read)
    again = batch.extract_to_dataset([corpus], out, progress=False)
    assert (again.read, again.reused) == (0, INPUTS)
    pd.testing.assert_frame_equal(sorted_rows(read_figures(out)), before)
    monkeypatch.undo()

    changed = corpus / "gov2021_spaced.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("示例市测试局", "示例市变更局"), encoding="utf-8")
    (corpus / "gov2019.html").unlink()
    shutil.copy(SEED, corpus / "copy_of_seed.txt")
    third = batch.extract_to_dataset([corpus], out, progress=False)
    assert third.read == 2, "only the changed and the added file are read"
    after = read_figures(out)
    assert not after["source_file"].str.endswith("gov2019.html").any(), "a removed file drops out"
    assert (after["source_file"].str.endswith("copy_of_seed.txt")).sum() == 17
    assert "示例市变更局" in set(after["agency"].dropna()) and "示例市测试局" not in set(after["agency"].dropna())
    reports = read_table(out, "reports")
    assert sorted(Path(p).name for p in reports["source_file"]) == sorted(p.name for p in corpus.iterdir())
    assert len(list((out / "chunks").glob("*.json"))) == len(read_manifest(out)["chunks"])


def test_unchanged_files_are_not_read_to_hash_them_again(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "ds"
    hashed: list[str] = []
    real_sha256 = batch.file_sha256

    def counting_sha256(path):
        hashed.append(Path(path).name)
        return real_sha256(path)

    monkeypatch.setattr(batch, "file_sha256", counting_sha256)
    # files made just before a run are not cached (their times may not show a change in the same tick)
    batch.extract_to_dataset([corpus], out, progress=False)
    assert len(hashed) == INPUTS and read_hash_cache(out) == {}

    monkeypatch.setattr(dataset_module, "RACY_NS", 0)  # from here on, files count as old enough
    batch.extract_to_dataset([corpus], out, progress=False)
    assert len(read_hash_cache(out)) == INPUTS
    hashed.clear()
    again = batch.extract_to_dataset([corpus], out, progress=False)
    assert hashed == [] and (again.read, again.reused) == (0, INPUTS)

    # a change of the same size with the old modification time put back: its ctime still tells
    changed = corpus / "gov2021_spaced.txt"
    info = changed.stat()
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("示例市测试局", "示例市变更局"), encoding="utf-8")
    assert changed.stat().st_size == info.st_size
    os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns))
    third = batch.extract_to_dataset([corpus], out, progress=False)
    assert hashed == ["gov2021_spaced.txt"] and third.read == 1
    assert "示例市变更局" in set(read_figures(out)["agency"].dropna())

    hashed.clear()
    forced = batch.extract_to_dataset([corpus], out, progress=False, rehash=True)
    assert len(hashed) == INPUTS and forced.read == 0

    (out / HASH_CACHE).write_bytes(b"not parquet")  # a damaged cache only costs hashing again
    hashed.clear()
    assert batch.extract_to_dataset([corpus], out, progress=False).read == 0
    assert len(hashed) == INPUTS


def test_interrupted_run_keeps_finished_chunks_and_publishes_nothing(corpus: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    out = tmp_path / "ds"
    (out / "figures").mkdir(parents=True)
    stale = out / "figures" / ".part.123.tmp"
    stale.write_text("left by a killed run")

    def interrupted(run):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.extract_to_dataset([corpus], out, progress=False, before_publish=interrupted)
    assert read_manifest(out) is None, "nothing is published by a run that did not finish"
    assert not stale.exists(), "stale temporaries are cleaned"
    monkeypatch.setattr(batch, "extract_report", lambda path, sha256=None: pytest.fail(f"{path} read again"))
    resumed = batch.extract_to_dataset([corpus], out, progress=False)
    assert resumed.read == 0 and resumed.reused == INPUTS
    assert len(read_table(out, "reports")) == INPUTS


def test_concurrent_runs_on_one_folder_are_refused(corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "ds"
    with DatasetRun(out, "x"):
        with pytest.raises(FolderBusy, match="another transparency-stats run is writing here"):
            batch.extract_to_dataset([corpus], out, progress=False)
        assert main(["extract", str(corpus), "--dataset", str(out), "-q"]) != 0
        assert "another transparency-stats run" in capsys.readouterr().err
    assert read_manifest(out) is None


def test_build_publishes_one_run_and_streams_checks_by_report(tmp_path: Path, monkeypatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(TABLES / "gov2021_spaced.txt", raw / "gov2021_spaced.txt")
    shutil.copy(SEED, raw / SEED.name)
    compiled = pd.read_csv(ROOT / "tests" / "fixtures" / "tidy" / "sample_figures.csv", dtype=str)
    compiled[compiled["metric"].isin(["requests_received", "proactive_items_total", "requests_carried_over",
                                      "requests_carried_forward"])].to_csv(raw / "compiled.csv", index=False)
    calls = []
    stage = build.report_stage

    def counted(figures):
        calls.append(set(figures["report_id"].fillna(figures["source_file"])))
        return stage(figures)

    monkeypatch.setattr(build, "BUCKET_ROWS", 150)  # a few report buckets
    monkeypatch.setattr(build, "report_stage", counted)
    out = tmp_path / "processed"
    build.build_processed(raw, out, progress=False, csv="no")
    manifest = read_manifest(out)
    assert all((out / p).exists() for p in manifest["parts"] + manifest["derived"])
    assert not (out / "figures.csv").exists() and manifest["csv"] == []
    assert len(calls) >= 2, "figures were split into buckets"
    for one, other in itertools.combinations(calls, 2):
        assert not one & other, "a report's rows are all in one bucket"

    figures = ts.load_processed(out)
    assert len(figures) == manifest["counts"]["figures"]
    expected = build.derived_tables(figures)
    bundle = load_bundle(out)
    for name in ("checks", "metrics"):
        got = getattr(bundle, name)
        keys = list(got.columns)
        pd.testing.assert_frame_equal(expected[name][keys].sort_values(keys).reset_index(drop=True),
                                      got.sort_values(keys).reset_index(drop=True), check_dtype=False)
        assert len(got) > 0

    only_2021 = ts.load_processed(out, layouts=["gov2021"], filter=ds.field("metric") == "requests_received")
    assert len(only_2021) and set(only_2021["format_version"]) == {"gov2021"}
    assert set(only_2021["metric"]) == {"requests_received"}
    reports = ts.load_reports(out)
    assert set(reports["input_kind"]) == {"report", "figure_table"}


def test_build_keeps_checks_when_nothing_changed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    out = tmp_path / "processed"
    build.build_processed(raw, out, progress=False)
    first = read_manifest(out)
    assert set(first["csv"]) == {f"{n}.csv" for n in build.CSV_TABLES}
    assert all((out / name).exists() for name in first["csv"])
    build.build_processed(raw, out, progress=False)
    second = read_manifest(out)
    assert second["derived"] == first["derived"] and second["run"] != first["run"]
    assert len(ts.load_processed(out)) == 17


def test_csv_output_cleans_stale_temporaries_and_refuses_a_second_writer(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".figures.csv.abc123.tmp"
    stale.write_text("left by a killed run")
    with folder_lock(out):
        assert main(["extract", str(SEED), "-o", str(out / "figures.csv"), "-q"]) != 0
        assert "another transparency-stats run" in capsys.readouterr().err
        assert not (out / "figures.csv").exists()
    assert main(["extract", str(SEED), "-o", str(out / "figures.csv"), "-q"]) == 0
    assert not stale.exists()
    assert sorted(p.name for p in out.iterdir()) == ["figures.csv", "figures.errors.csv", "figures.warnings.csv"]


def test_cache_key_covers_subpackage_modules_and_data():
    from transparency_stats.batch import extraction_sources

    sources = extraction_sources()
    assert "tables/text.py" in sources and "tables/labels.py" in sources
    assert "narrative.py" in sources and "data/table_labels.csv" in sources
    assert "publish.py" not in sources and "checks.py" not in sources
