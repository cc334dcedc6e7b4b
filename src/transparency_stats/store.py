"""Loading figures (from reports and from figure tables) and writing them atomically."""

from __future__ import annotations

import csv
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO

import pandas as pd

from .extract import extract_paths
from .schema import (
    FIGURE_COLUMNS,
    ISSUE_COLUMNS,
    Issue,
    ReportResult,
    coerce_figures,
    empty_figures,
    figures_to_frame,
    issues_to_frame,
)

log = logging.getLogger(__name__)

FIGURE_TABLE_SUFFIXES = (".csv", ".xlsx")
#: Files in a raw folder that describe the data rather than hold it.
NON_DATA_FILES = {"sources.csv", "reference_reports.csv"}  # reference_reports: per-report facts, not figures


# --------------------------------------------------------------------------- atomic output


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextmanager
def atomic_text(target: str | Path, encoding: str = "utf-8-sig") -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``target`` only when complete."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding=encoding, newline="") as handle:
        yield handle


def write_csv(frame: pd.DataFrame, target: str | Path) -> None:
    """CSV with a BOM (opens in Excel with Chinese intact), written atomically."""
    with atomic_text(target) as handle:
        frame.to_csv(handle, index=False)


def write_parquet(frame: pd.DataFrame, target: str | Path) -> None:
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False)


# --------------------------------------------------------------------------- figure tables


def read_figure_table(path: str | Path) -> pd.DataFrame:
    """A figure table an analyst compiled (CSV or XLSX in the tidy layout).

    Needs at least ``metric`` and ``value``; missing contract columns become NA,
    ``source_file`` defaults to the table's own path.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, dtype=str)
    else:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    missing = {"metric", "value"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not a figure table (missing columns {', '.join(sorted(missing))})")
    if "source_file" not in frame.columns:
        frame["source_file"] = str(path)
    frame["source_file"] = frame["source_file"].fillna(str(path))
    if "applicant" not in frame.columns:
        frame["applicant"] = "total"
    frame["applicant"] = frame["applicant"].fillna("total")
    for flag in ("approximate", "derived"):
        if flag not in frame.columns:
            frame[flag] = False
    return coerce_figures(frame)


def _figure_tables(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for child in candidates:
            if (
                child.is_file()
                and child.suffix.lower() in FIGURE_TABLE_SUFFIXES
                and child.name.lower() not in NON_DATA_FILES
                and not child.name.startswith(".")
            ):
                yield child


# --------------------------------------------------------------------------- batch


class BatchResult:
    """Figures and issues of a batch, collected per report."""

    def __init__(self) -> None:
        self.figure_frames: list[pd.DataFrame] = []
        self.issues: list[Issue] = []
        self.reports = 0
        self.failed = 0

    def add(self, result: ReportResult) -> None:
        self.reports += 1
        self.failed += result.failed
        if result.figures:
            self.figure_frames.append(figures_to_frame(result.figures))
        self.issues.extend(result.issues)

    @property
    def figures(self) -> pd.DataFrame:
        frames = [f for f in self.figure_frames if len(f)]
        if not frames:
            return empty_figures()
        return coerce_figures(pd.concat(frames, ignore_index=True))

    @property
    def errors(self) -> pd.DataFrame:
        return issues_to_frame(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> pd.DataFrame:
        return issues_to_frame(i for i in self.issues if i.severity != "error")


def load_batch(
    paths: str | Path | Iterable[str | Path],
    *,
    progress: bool = False,
    on_result: Callable[[ReportResult], None] | None = None,
) -> BatchResult:
    """Extract every report under ``paths`` and merge in any figure tables found there."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    batch = BatchResult()
    for result in extract_paths(paths, progress=progress):
        batch.add(result)
        if on_result is not None:
            on_result(result)
    for table in _figure_tables(paths):
        try:
            batch.figure_frames.append(read_figure_table(table))
        except (ValueError, OSError) as exc:
            batch.issues.append(Issue(str(table), "error", "figure_table", str(exc)))
    return batch


def load(paths: str | Path | Iterable[str | Path], *, progress: bool = False) -> pd.DataFrame:
    """The tidy figures table of every report and figure table under ``paths``.

    Report files (.txt .html .htm .md .docx .pdf) are extracted; CSV/XLSX files
    in the tidy layout are read as they are and merged.  Nullable dtypes: a
    blank cell is NA, never 0.  Files that fail are logged and listed by
    :func:`load_batch`.
    """
    batch = load_batch(paths, progress=progress)
    for issue in batch.issues:
        if issue.severity == "error":
            log.warning("%s: %s", issue.source_file, issue.message)
    return batch.figures


# --------------------------------------------------------------------------- streaming CSV


class FigureCsvWriter:
    """Streams figures and error rows to CSV files that appear atomically on close."""

    def __init__(self, figures_path: str | Path, errors_path: str | Path, warnings_path: str | Path):
        self._targets = [Path(figures_path), Path(errors_path), Path(warnings_path)]
        self._stack: list = []
        self._handles: list[IO[str]] = []

    def __enter__(self) -> FigureCsvWriter:
        for target, columns in zip(self._targets, [FIGURE_COLUMNS, ISSUE_COLUMNS, ISSUE_COLUMNS], strict=True):
            manager = atomic_text(target)
            handle = manager.__enter__()
            self._stack.append(manager)
            self._handles.append(handle)
            csv.writer(handle).writerow(columns)
        self._figures, self._errors, self._warnings = (csv.writer(h) for h in self._handles)
        return self

    def write(self, result: ReportResult) -> None:
        for figure in result.figures:
            row = asdict(figure)
            self._figures.writerow(_csv_value(row[c]) for c in FIGURE_COLUMNS)
        for issue in result.issues:
            writer = self._errors if issue.severity == "error" else self._warnings
            row = asdict(issue)
            writer.writerow(_csv_value(row[c]) for c in ISSUE_COLUMNS)

    def __exit__(self, *exc_info: object) -> None:
        for manager in reversed(self._stack):
            manager.__exit__(*exc_info)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

