"""Batch runs at scale: time limits, dead workers, the Dask engine, progress without a terminal."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from transparency_stats import batch
from transparency_stats.dataset import InputFile, read_figures, read_table
from transparency_stats.schema import ReportResult

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "000_4c0351ed7b07ef03.txt"
TABLES = ROOT / "tests" / "fixtures" / "tables"
ORDER = ["source_file", "location", "metric", "applicant", "table"]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder / "a_seed.txt")
    shutil.copy(TABLES / "gov2021_spaced.txt", folder / "b_table.txt")
    shutil.copy(SEED, folder / "c_seed_again.txt")
    return folder


def hostile_work(files: list[InputFile]) -> list[ReportResult]:
    """Chunk work whose worker hangs in C-like fashion or dies on files named so."""
    for file in files:
        if "hang" in Path(file.path).name:
            time.sleep(60)  # a hard hang: only the parent's deadline ends it
        if "oom" in Path(file.path).name:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return batch.extract_chunk(files, timeout=3)


def test_a_slow_file_becomes_a_timeout_row(tmp_path: Path, monkeypatch) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text("x", encoding="utf-8")

    def crawl(path, sha256=None):
        while True:  # a pattern that never ends, in Python code
            pass

    monkeypatch.setattr(batch, "extract_report", crawl)
    started = time.monotonic()
    result = batch.extract_one(batch.hash_file(slow), timeout=0.5)
    assert time.monotonic() - started < 5
    assert [(i.severity, i.kind, i.message) for i in result.issues] == [("error", "timeout", "timeout after 0.5 s")]
    assert result.report_id and result.source_file == str(slow)


def _in_thread(func):
    """func() in another thread (as a Dask worker runs a task): its result, or the exception it raised."""
    out: list = []

    def run() -> None:
        try:
            out.append(func())
        except BaseException as exc:  # noqa: BLE001  (the test looks at what came out)
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the time limit did not stop the thread"
    return out[0]


def test_a_slow_file_becomes_a_timeout_row_in_a_thread_too(tmp_path: Path, monkeypatch) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text("x", encoding="utf-8")

    def crawl(path, sha256=None):
        while True:
            pass

    monkeypatch.setattr(batch, "extract_report", crawl)
    started = time.monotonic()
    result = _in_thread(lambda: batch.extract_one(batch.hash_file(slow), timeout=0.5))
    assert time.monotonic() - started < 5
    assert [(i.kind, i.message) for i in result.issues] == [("timeout", "timeout after 0.5 s")]


def test_a_thread_time_limit_never_fires_after_its_block() -> None:
    def blocks() -> tuple[int, int]:
        timed_out = finished = 0
        for k in range(300):  # blocks that end about when their limit does
            try:
                with batch.time_limit(0.002):
                    end = time.perf_counter() + 0.002 * (k % 3) / 2
                    while time.perf_counter() < end:
                        pass
                finished += 1
            except batch.FileTimeout:
                timed_out += 1
        end = time.perf_counter() + 0.3  # nothing may surface here, after every block is over
        while time.perf_counter() < end:
            pass
        return timed_out, finished

    outcome = _in_thread(blocks)
    assert isinstance(outcome, tuple), outcome
    timed_out, finished = outcome
    assert timed_out + finished == 300 and finished >= 100


def test_hashing_in_processes_gives_the_hashes_of_one_process(tmp_path: Path, monkeypatch) -> None:
    for index in range(7):
        (tmp_path / f"{index}.txt").write_text("年度报告" * index, encoding="utf-8")
    paths = [*sorted(tmp_path.iterdir()), tmp_path / "missing.txt"]  # an unreadable file: empty hash
    monkeypatch.setattr(batch, "HASH_POOL_MIN", 2)
    monkeypatch.setattr(batch, "HASH_BLOCK", 3)
    counted: list[int] = []
    pooled = batch.hash_files(paths, 2, counted.append)
    assert pooled == [batch.hash_file(p) for p in paths]
    assert sum(counted) == len(paths) and pooled[-1].sha256 == ""


def test_a_dead_or_hung_worker_costs_only_its_file(corpus: Path) -> None:
    for name in ("d_oom.txt", "e_hang.txt"):
        shutil.copy(SEED, corpus / name)
    files = [batch.hash_file(p) for p in sorted(corpus.iterdir())]
    chunks = [files[:2], files[2:]]  # one good file shares a chunk with the bad ones: it is read again alone
    outcomes: dict[str, ReportResult] = {}
    for chunk, results in batch.run_chunks(hostile_work, batch._lost_results, chunks, jobs=2, timeout=3.0):
        for file, result in zip(chunk, results, strict=True):
            outcomes[Path(file.path).name] = result
    assert sorted(outcomes) == sorted(p.name for p in corpus.iterdir())
    assert [i.kind for i in outcomes["d_oom.txt"].issues] == ["worker_died"]
    assert "died" in outcomes["d_oom.txt"].issues[0].message
    assert [(i.kind, i.message) for i in outcomes["e_hang.txt"].issues] == [("timeout", "timeout after 3 s")]
    for name in ("a_seed.txt", "c_seed_again.txt"):
        assert len(outcomes[name].figures) == 17, name
    assert len(outcomes["b_table.txt"].figures) > 17


def test_dask_engine_writes_the_rows_of_the_local_engine(corpus: Path, tmp_path: Path) -> None:
    local = tmp_path / "local"
    batch.extract_to_dataset([corpus], local, progress=False)
    client = batch.dask_client(jobs=2, processes=False)
    try:
        summary = batch.extract_to_dataset([corpus], tmp_path / "dask", progress=False, engine="dask",
                                           client=client)
    finally:
        client.close()
        client.cluster.close()
    assert summary.read == 3
    expected = read_figures(local).sort_values(ORDER).reset_index(drop=True)
    got = read_figures(tmp_path / "dask").sort_values(ORDER).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == 17 + 17 + len(got[got["source_file"].str.endswith("b_table.txt")])
    drop = ["extractor"]
    pd.testing.assert_frame_equal(
        read_table(tmp_path / "dask", "reports").drop(columns=drop).sort_values("source_file").reset_index(drop=True),
        read_table(local, "reports").drop(columns=drop).sort_values("source_file").reset_index(drop=True),
    )


def test_progress_without_a_terminal_prints_lines(capsys) -> None:
    progress = batch.Progress(10, "extracting", every=0)
    progress.update(4, errors=1)
    progress.update(6)
    progress.close()
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("extracting: 4/10 files (40 %)") and "files/s, 1 errors, ETA" in lines[0]
    assert lines[-1].startswith("extracting: 10/10 files (100 %)")


def test_extract_paths_keeps_input_order_with_workers(corpus: Path) -> None:
    for i in range(5):
        shutil.copy(SEED, corpus / f"z{i}.txt")
    names = [Path(r.source_file).name for r in batch.extract_paths([corpus], progress=False, jobs=2)]
    assert names == sorted(p.name for p in corpus.iterdir())
