"""Figures in memory: ``ts.load`` of reports and figure tables, CSV output, atomic files."""

from __future__ import annotations

import csv
import logging
import operator
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from . import validate
from .csvsafe import FORMULA_PREFIXES, safe_cell, safe_frame
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
    """CSV with a BOM (opens in Excel with Chinese intact), formula-like text neutralised, written atomically.

    Lines end in CRLF (RFC 4180, as :class:`FigureCsvWriter` writes them), so a
    cell holding a lone CR is quoted and survives the round trip.
    """
    with atomic_text(target) as handle:
        safe_frame(frame).to_csv(handle, index=False, lineterminator="\r\n")


def write_parquet(frame: pd.DataFrame, target: str | Path) -> None:
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False)


# --------------------------------------------------------------------------- figure tables


def read_figure_table(path: str | Path) -> pd.DataFrame:
    """A figure table an analyst compiled (CSV or XLSX in the tidy layout), validated.

    See :mod:`transparency_stats.validate`: rows with an invalid cell are left
    out (with a logged warning here; :func:`load_batch` keeps them as warning
    rows); a file that cannot be read raises ``validate.FigureTableError``.
    """
    frame, issues = validate.read_figure_table(path)
    for issue in issues:
        log.warning("%s: %s", issue.source_file, issue.message)
    return frame


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
    jobs: int = 1,
    engine: str = "local",
) -> BatchResult:
    """Extract every report under ``paths`` and merge in any figure tables found there.

    Everything is held in memory: for a corpus larger than a few thousand
    reports, write a dataset (``transparency-stats build`` or
    :func:`.batch.extract_to_dataset`) and read it with filters instead.
    """
    from .batch import extract_paths, iter_figure_tables

    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    batch = BatchResult()
    for result in extract_paths(paths, progress=progress, jobs=jobs, engine=engine):
        batch.add(result)
        if on_result is not None:
            on_result(result)
    for table in iter_figure_tables(paths):
        try:
            frame, issues = validate.read_figure_table(table)
            batch.figure_frames.append(frame)
            batch.issues.extend(issues)
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
    """Streams figures and error rows to CSV files that appear atomically on close.

    While open it holds the output folder's lock (a second run writing there is
    refused) and it first removes temporaries a killed run left beside its files.
    """

    def __init__(self, figures_path: str | Path, errors_path: str | Path, warnings_path: str | Path):
        self._targets = [Path(figures_path), Path(errors_path), Path(warnings_path)]
        self._stack: list = []
        self._handles: list[IO[str]] = []

    def __enter__(self) -> FigureCsvWriter:
        from .dataset import folder_lock, remove_stale_temporaries

        folder = self._targets[0].parent
        folder.mkdir(parents=True, exist_ok=True)
        lock = folder_lock(folder)
        lock.__enter__()
        self._stack.append(lock)
        remove_stale_temporaries(folder, [t.name for t in self._targets])
        for target, columns in zip(self._targets, [FIGURE_COLUMNS, ISSUE_COLUMNS, ISSUE_COLUMNS], strict=True):
            manager = atomic_text(target)
            handle = manager.__enter__()
            self._stack.append(manager)
            self._handles.append(handle)
            csv.writer(handle).writerow(columns)
        self._errors, self._warnings = (csv.writer(h) for h in self._handles[1:])
        return self

    def write(self, result: ReportResult) -> None:
        # the columns read straight off each row (fields are plain values: no deep copy as asdict makes)
        self.write_rows(map(_FIGURE_ROW, result.figures), map(_ISSUE_ROW, result.issues))

    def write_rows(self, figures: Iterable[Sequence[object]], issues: Iterable[Sequence[object]]) -> None:
        """Figure rows (values in :data:`FIGURE_COLUMNS` order) and issue rows (:data:`ISSUE_COLUMNS` order)."""
        self._handles[0].write(figure_lines(figures))
        for row in issues:
            writer = self._errors if row[ISSUE_SEVERITY] == "error" else self._warnings
            writer.writerow([_csv_value(v) for v in row])

    def __exit__(self, *exc_info: object) -> None:
        for manager in reversed(self._stack):
            manager.__exit__(*exc_info)


_FIGURE_ROW = operator.attrgetter(*FIGURE_COLUMNS)
_ISSUE_ROW = operator.attrgetter(*ISSUE_COLUMNS)
#: Where an issue row (:data:`ISSUE_COLUMNS` order) holds its severity.
ISSUE_SEVERITY = ISSUE_COLUMNS.index("severity")


def figure_lines(rows: Iterable[Sequence[object]]) -> str:
    """CSV lines of ``rows``: the text ``csv.writer`` writes for ``[_csv_value(v) for v in row]``, row by row.

    Built a column at a time (the excel dialect: CRLF, a cell quoted only when it holds a comma, a
    double quote, CR or LF): a text column is scanned once for cells to quote or to make safe
    (:func:`~.csvsafe.safe_cell`), so most cells cost no call of their own.  About a fifth of the CPU of
    ``extract -o`` went to the ``csv`` module, which checks every character of every cell.
    """
    columns = []
    for column in zip(*rows, strict=True):
        kinds = set(map(type, column))
        if kinds == _TEXT:
            column = _text_column(column)
        elif kinds == _FLOAT:
            column = [str(int(v)) if v.is_integer() else repr(v) for v in column]
        elif kinds == _INT:
            column = list(map(str, column))
        elif kinds == _BOOL:
            column = list(map(_BOOL_TEXT.__getitem__, column))
        elif kinds == _NONE:
            column = [""] * len(column)
        else:
            column = list(map(_csv_cell, column))
        columns.append(column)
    if not columns:
        return ""
    if len(columns) == 1:  # a row of one empty cell is written as "" (else it would be a blank line)
        columns[0] = [cell or '""' for cell in columns[0]]
    return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"


_TEXT, _FLOAT, _INT, _BOOL, _NONE = {str}, {float}, {int}, {bool}, {type(None)}
_BOOL_TEXT = {True: "true", False: "false"}
#: A formula's first character at the start of a cell after the first, when a column is joined on NUL.
_FORMULA_AFTER_NUL_RE = re.compile("\x00[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def _text_column(column: Sequence[str]) -> Sequence[str]:
    """The cells of a column of text as CSV (made safe, quoted where needed)."""
    joined = "\x00".join(column)
    if joined.startswith(FORMULA_PREFIXES) or _FORMULA_AFTER_NUL_RE.search(joined):
        column = [safe_cell(v) if v.startswith(FORMULA_PREFIXES) else v for v in column]
    elif not _needs_quotes(joined):
        return column
    return list(map(_quoted_if_needed, column))


def _needs_quotes(text: str) -> bool:
    """Whether the excel dialect quotes a cell of ``text`` (or any cell of a column joined into it)."""
    return "," in text or '"' in text or "\r" in text or "\n" in text


def _quoted_if_needed(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _needs_quotes(text) else text


def _csv_cell(value: object) -> str:
    """One cell as CSV text, whatever its type (what ``csv.writer`` writes for :func:`_csv_value` of it)."""
    value = _csv_value(value)  # text made safe; None is "" by now
    if isinstance(value, str):
        return _quoted_if_needed(value)
    return repr(value) if isinstance(value, float) else str(value)


def _csv_value(value: object) -> object:
    if isinstance(value, str):
        return safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

