"""From a report file to tidy figures: read → normalise → recognise → extract.

:func:`extract_report` never raises for a bad file: it returns a
:class:`~.schema.ReportResult` whose issues name the file and the reason, so one
broken file never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .layout import detect_layout
from .meta import detect_agency, detect_year
from .reading import SUPPORTED_SUFFIXES, Document, ReadError, read_document
from .report_facts import report_facts
from .schema import Figure, Issue, ReportResult

log = logging.getLogger(__name__)

# Titles vary: 政府信息公开工作年度报告, 政府信息公开年度工作报告, 年度政府信息公开工作报告,
# 年度信息公开报告, 政府信息公开年报 …
_REPORT_WORDS_RE = re.compile(
    r"信息公开.{0,8}(?:年度|年)(?:工作)?报告|(?:年度|年)政府信息公开.{0,4}报告|年度信息公开.{0,4}报告"
    r"|信息公开(?:工作)?年报|政务公开.{0,6}年度报告"
)
_NARRATIVE_TOPICS = ("主动公开", "依申请公开", "政府信息公开")


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


def _looks_like_report(doc: Document) -> bool:
    text = doc.text
    return bool(_REPORT_WORDS_RE.search(text)) and sum(t in text for t in _NARRATIVE_TOPICS) >= 2


def _truncation(doc: Document, layout: str) -> str | None:
    """Why a standard report looks cut off, or None."""
    if layout == "narrative":
        return None
    compact = re.sub(r"\s+", "", doc.text)
    if "本年新收政府信息公开申请数量" in compact and "结转下年度继续办理" not in compact:
        return "table 三 ends before its last row (结转下年度继续办理): the file looks truncated"
    if "结转下年度继续办理" in compact and not re.search(r"行政复议.{0,80}尚未审结", compact):
        return "table 四 (行政复议、行政诉讼) is missing after table 三: the file looks truncated"
    return None


def extract_document(doc: Document) -> tuple[str, list[Figure], list[Issue]]:
    """Layout plus figures and issues of one normalised document."""
    from .narrative import extract_text_figures
    from .tables import extract_tables

    layout = detect_layout(doc)
    figures: list[Figure] = []
    issues: list[Issue] = []
    if layout != "narrative":
        table_figures, table_issues = extract_tables(doc, layout)
        figures += table_figures
        issues += table_issues
    text_figures, text_issues = extract_text_figures(doc, layout)
    figures += text_figures
    issues += text_issues
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
        if not _looks_like_report(doc):
            raise ReadError(
                "not a government information disclosure annual report "
                "(no 政府信息公开…年度报告 title or its usual sections found)"
            )
        result.agency = detect_agency(doc.text)
        result.report_year = detect_year(doc.text)
        layout, figures, issues = extract_document(doc)
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
    result.facts.update(report_facts(doc.text, doc.metadata, result.report_year))  # see report_facts
    truncated = _truncation(doc, layout)
    if truncated:
        issues.append(Issue(source, "error", "truncated", truncated))
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
