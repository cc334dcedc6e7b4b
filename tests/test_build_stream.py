"""The streamed build (per-report buckets, then the small cross-report tables) gives the rows of the
whole-table computation."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import transparency_stats as ts
from transparency_stats import build
from transparency_stats.dataset import (
    Chunk,
    DatasetRun,
    InputFile,
    chunk_id_for,
    figures_table_from_frame,
    issues_table,
    write_chunk,
)
from transparency_stats.processed import load_bundle
from transparency_stats.schema import coerce_figures

FIXTURES = Path(__file__).parent / "fixtures" / "tidy"


def _copy(frame: pd.DataFrame, report_id: str | None, source: str, **changes: object) -> pd.DataFrame:
    out = frame.copy()
    out["report_id"] = report_id
    out["source_file"] = source
    for column, value in changes.items():
        out[column] = value
    return out


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    """Several organs and years, with duplicates of one organ-year, identical files, no organ, no id."""
    sample = pd.read_csv(FIXTURES / "sample_figures.csv", dtype=str)
    suqian = pd.read_csv(FIXTURES / "suqian_2023_2024.csv", dtype=str)
    by_id = {rid: group for rid, group in pd.concat([sample, suqian]).groupby("report_id", sort=False)}
    changed = by_id["suqian2023"].copy()
    carried = changed["metric"] == "requests_carried_forward"
    changed.loc[carried, "value"] = (pd.to_numeric(changed.loc[carried, "value"]) + 1).astype(str)
    ocr = _copy(by_id["a2021"], "a2021scan", "a2021_scan.pdf", read_via="ocr")
    parts = [
        sample, suqian,
        _copy(changed, "suqian2023b", "suqian_2023_again.html"),      # same organ and year, other numbers
        _copy(by_id["suqian2024"], "suqian2024b", "suqian_2024_again.txt"),
        ocr,                                                         # same organ and year, read by OCR
        _copy(by_id["a2020"], "a2020", "a2020_same_bytes.txt"),      # identical file: same report id
        _copy(by_id["c2021"], "x2021", "no_organ.txt", agency=None),
        _copy(by_id["b2021"], None, "no_id.txt"),
    ]
    return coerce_figures(pd.concat(parts, ignore_index=True))


def _same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    keys = list(got.columns)
    pd.testing.assert_frame_equal(expected[keys].sort_values(keys).reset_index(drop=True),
                                  got.sort_values(keys).reset_index(drop=True), check_dtype=False)


def test_report_buckets_then_cross_report_give_the_whole_table_rows(figures: pd.DataFrame) -> None:
    expected = build.derived_tables(figures)
    report = figures["report_id"].fillna(figures["source_file"])
    ids = list(dict.fromkeys(report))
    bucket_of = {rid: k % 3 for k, rid in enumerate(ids)}  # one organ's reports in several buckets
    stages = [build.report_stage(figures[report.map(bucket_of) == b]) for b in range(3)]
    small = {name: pd.concat([s[name] for s in stages], ignore_index=True)
             for name in ("summaries", "instances", "series")}
    across = build.cross_report_stage(small["summaries"], small["instances"], small["series"])
    for name in ("checks", "metrics"):
        got = pd.concat([s[name] for s in stages] + across[name], ignore_index=True)
        _same(expected[name], got)
    checks = expected["checks"]
    assert {"identity", "cross_year", "duplicate"} <= set(checks["kind"])
    assert expected["metrics"]["metric"].str.endswith("__yoy").any()


def _publish_in_chunks(figures: pd.DataFrame, folder: Path, chunks: list[list[str]], jobs: int = 1) -> None:
    """A dataset whose chunks hold the files named, as extraction would write it; then checks and metrics."""
    with DatasetRun(folder, "test") as run:
        for k, files in enumerate(chunks):
            inputs = [InputFile(name, f"{k}", 0, "figure_table") for name in files]
            table = figures_table_from_frame(figures[figures["source_file"].isin(files)])
            run.add(write_chunk(folder, chunk_id_for(inputs, "test"), "test", inputs, table, [], issues_table([])))
        extra = build.write_derived(run, jobs=jobs)
        run.publish(extra={k: v for k, v in extra.items() if k != "derived_parts"}, derived=extra["derived_parts"])


def test_streamed_build_writes_the_whole_table_rows(figures: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(build, "BUCKET_ROWS", 500)  # several buckets of chunks
    calls: list[set] = []
    stage = build.report_stage

    def counted(frame: pd.DataFrame) -> dict:
        calls.append(set(frame["report_id"].fillna(frame["source_file"])))
        return stage(frame)

    monkeypatch.setattr(build, "report_stage", counted)
    files = list(dict.fromkeys(figures["source_file"]))
    # the identical file (same report id) lands in another chunk than its twin: its rows span buckets
    twin = "a2020_same_bytes.txt"
    chunks = [[f for f in files[k::3] if f != twin] for k in range(3)] + [[twin]]
    assert all(chunks)
    out = tmp_path / "processed"
    _publish_in_chunks(figures, out, chunks)
    assert len(calls) >= 3
    for k, one in enumerate(calls):
        assert not any(one & other for other in calls[k + 1:]), "a report's rows are all in one bucket"
    assert any(call == {"a2020"} for call in calls), "the report in two chunks is derived on its own"
    stored = ts.load_processed(out)
    assert len(stored) == len(figures)
    expected = build.derived_tables(stored)
    bundle = load_bundle(out)
    for name in ("checks", "metrics"):
        assert len(getattr(bundle, name)) > 0
        _same(expected[name], getattr(bundle, name))
    on_two = tmp_path / "on_two_workers"
    _publish_in_chunks(figures, on_two, chunks, jobs=2)
    for name in ("checks", "metrics"):
        _same(getattr(bundle, name), getattr(load_bundle(on_two), name))


def test_buckets_from_the_report_keys_of_the_seals_are_those_a_scan_of_the_parts_gives(
        figures: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(build, "BUCKET_ROWS", 500)
    files = list(dict.fromkeys(figures["source_file"]))
    twin = "a2020_same_bytes.txt"
    chunks = [[f for f in files[k::3] if f != twin] for k in range(3)] + [[twin]]
    out = tmp_path / "processed"
    _publish_in_chunks(figures, out, chunks)
    sealed = [Chunk.from_json(json.loads(p.read_text(encoding="utf-8")))
              for p in sorted((out / "chunks").glob("*.json"))]
    assert all(c.report_keys for c in sealed)
    scanned: list[int] = []

    def mapper(func, tasks):
        scanned.extend(index for index, _ in tasks)
        return map(func, tasks)

    from_seals = build.report_buckets(out, sealed, mapper)
    assert not scanned
    unrecorded = [replace(c, report_keys=None) for c in sealed]  # as an older version sealed them
    assert build.report_buckets(out, unrecorded, mapper) == from_seals
    assert scanned and any(b.without for b in from_seals) and any(b.only for b in from_seals)


def test_duplicates_of_an_organ_year_give_rows_linear_in_reports(figures: pd.DataFrame) -> None:
    suqian = figures[figures["agency"] == "宿迁市人民政府"]
    copies = []
    for k in range(6):  # six copies of each year: 36 pairs, but one row per report of the later year
        for year in ("2023", "2024"):
            one = suqian[suqian["report_id"] == f"suqian{year}"]
            copies.append(_copy(one, f"s{year}_{k}", f"s{year}_{k}.txt"))
    checks = ts.run_checks(coerce_figures(pd.concat(copies, ignore_index=True)))
    carried = checks[checks["identity"] == "carried_over"]
    assert len(carried) == 6 and set(carried["report_year"]) == {2024}
    assert carried["detail"].str.endswith("report s2023_0").all(), "compared with the 2023 report kept"
    assert (checks["kind"] == "duplicate").sum() == 10
    assert np.isfinite(carried["difference"].to_numpy(dtype=float)).all()


def test_identity_statuses_bucket_by_bucket_are_those_of_all_figures_at_once(
        figures: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    from transparency_stats import cli

    monkeypatch.setattr(build, "BUCKET_ROWS", 500)
    files = list(dict.fromkeys(figures["source_file"]))
    twin = "a2020_same_bytes.txt"  # its report's rows span two chunks
    chunks = [[f for f in files[k::3] if f != twin] for k in range(3)] + [[twin]]
    out = tmp_path / "processed"
    _publish_in_chunks(figures, out, chunks)
    expected = cli._statuses_of(ts.run_checks(ts.load_processed(out)))
    assert len(expected) >= 5 and {"ok", "broken"} <= set().union(*expected.values())
    for jobs in (1, 2):
        assert cli.identity_statuses(out, jobs) == expected


def _slow_bucket(bucket: build.ReportBucket) -> dict:
    """:func:`build.derive`, slowed down for one bucket before others, so that it finishes after them."""
    import time

    if (tuple(Path(f).name for f in bucket.files), bucket.without, bucket.only) == _SLOW_BUCKET[0]:
        time.sleep(1.5)
    return _plain_derive(bucket)


_plain_derive = build.derive
_SLOW_BUCKET: list[tuple] = []


def test_derived_files_are_the_same_rows_in_the_same_order_on_any_number_of_workers(
        figures: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    from transparency_stats.dataset import published_chunks

    monkeypatch.setattr(build, "BUCKET_ROWS", 500)
    files = list(dict.fromkeys(figures["source_file"]))
    twin = "a2020_same_bytes.txt"
    chunks = [[twin]] + [[f for f in files[k::3] if f != twin] for k in range(3)]
    one, two = tmp_path / "one", tmp_path / "two"
    _publish_in_chunks(figures, one, chunks)
    buckets = build.report_buckets(one, published_chunks(one))
    assert len(buckets) >= 3
    # the first bucket with figures of its own (not a report's rows kept for a bucket of their own)
    slow = next(k for k, b in enumerate(buckets) if not b.without and b.only is None)
    assert slow < len(buckets) - 1
    first = buckets[slow]
    monkeypatch.setattr(build, "derive", _slow_bucket)
    monkeypatch.setattr(sys.modules[__name__], "_SLOW_BUCKET",
                        [(tuple(Path(f).name for f in first.files), first.without, first.only)])
    _publish_in_chunks(figures, two, chunks, jobs=2)
    for name in ("checks", "metrics"):
        [first_file] = (one / "derived").glob(f"*/{name}.parquet")
        [second_file] = (two / "derived").glob(f"*/{name}.parquet")
        expected, got = pq.read_table(first_file), pq.read_table(second_file)
        assert expected.num_rows > 0
        assert got.equals(expected), f"{name}: same rows in the same order"
