"""From a report file to tidy figures: read → normalise → recognise → extract.

:func:`extract_report` never raises for a bad file: it returns a
:class:`~.schema.ReportResult` whose issues name the file and the reason, so one
broken file never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from .reading import SUPPORTED_SUFFIXES, Document, ReadError, read_document
from .recognise import Recognition, detect_layout, recognise
from .schema import Figure, Issue, ReportResult

log = logging.getLogger(__name__)

def report_id_for(data: bytes) -> str:
    """Stable report id: the first 16 hex digits of the file's SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


def iter_report_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to extract: given files as they are, folders searched recursively.

    Inside folders only report file types (and legacy .doc, to report them) are
    taken; hidden files are skipped.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or any(p.startswith(".") for p in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES + (".doc",):
                    yield child
        else:
            yield path


def extract_document(doc: Document) -> tuple[str, list[Figure], list[Issue]]:
    """Layout plus figures and issues of one normalised document."""

    return extract_recognised(doc, detect_layout(doc))


def extract_recognised(doc: Document, layout: str) -> tuple[str, list[Figure], list[Issue]]:
    """Figures and issues of one normalised document whose layout is known."""
    from .narrative import extract_text_figures
    from .tables import extract_tables

    figures: list[Figure] = []
    issues: list[Issue] = []
    if layout != "narrative":
        table_figures, table_issues = extract_tables(doc, layout)
        figures += table_figures
        issues += table_issues
    text_figures, text_issues = extract_text_figures(doc, layout)
    figures += text_figures
    issues += text_issues
    if not figures:
        issues.append(Issue(doc.path, "error", "no_figures",
                            f"recognised as a {layout} report, but no figure could be read unambiguously"
                            + (" (see its warnings)" if issues else "")))
    return layout, figures, issues


def extract_report(path: str | Path) -> ReportResult:
    """Extract one report file; failures become error issues, never exceptions."""
    source = str(path)
    result = ReportResult(source_file=source)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        result.issues.append(Issue(source, "error", "read", f"cannot read file: {exc.strerror or exc}"))
        return result
    result.report_id = report_id_for(data)
    try:
        doc = read_document(path)
        recognition: Recognition = recognise(doc)
        result.agency = recognition.agency
        result.report_year = recognition.year
        layout, figures, issues = extract_recognised(doc, recognition.layout)
    except ReadError as exc:
        result.issues.append(Issue(source, "error", "read", str(exc), report_id=result.report_id))
        return result
    except Exception as exc:  # a defect must not stop the batch; it is reported with the file
        log.exception("extraction failed for %s", source)
        result.issues.append(
            Issue(source, "error", "internal", f"{type(exc).__name__}: {exc}", report_id=result.report_id)
        )
        return result
    result.format_version = layout
    if recognition.truncated:
        issues.append(Issue(source, recognition.truncated_severity, "truncated", recognition.truncated))
    for span in doc.mojibake:
        issues.append(
            Issue(source, "warning", "mojibake",
                  f"garbled text left out of extraction: {span.text!r}", f"char:{span.start}")
        )
    if result.report_year is None:
        issues.append(Issue(source, "warning", "no_year", "report year not found (title or 统计期限)"))
    if result.agency is None:
        issues.append(Issue(source, "warning", "no_agency", "reporting organ not found in the title"))
    for figure in figures:
        figure.source_file = source
        figure.report_id = result.report_id
        figure.agency = result.agency
        figure.report_year = result.report_year
        figure.format_version = layout
    for issue in issues:
        issue.source_file = source
        issue.report_id = result.report_id
    result.figures = figures
    result.issues = issues
    return result


def extract_paths(
    paths: Iterable[str | Path], *, progress: bool = True, jobs: int = 1
) -> Iterator[ReportResult]:
    """Extract every report under ``paths``, one result at a time, in input order.

    ``jobs`` > 1 spreads files over that many worker processes; results still
    stream back one by one, so memory stays flat however large the batch.
    """
    files = list(iter_report_files(paths))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), desc="extracting", unit="report", disable=None, leave=False)
    try:
        if jobs > 1 and len(files) > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for result in pool.map(extract_report, files, chunksize=8):
                    if bar is not None:
                        bar.update()
                    yield result
        else:
            for path in files:
                result = extract_report(path)
                if bar is not None:
                    bar.update()
                yield result
    finally:
        if bar is not None:
            bar.close()
