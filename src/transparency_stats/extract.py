"""From one report file to tidy figures: read → normalise → recognise → extract.

Many files at once (engines, cache, time limits) are :mod:`.batch`'s business.

:func:`extract_report` never raises for a bad file: it returns a
:class:`~.schema.ReportResult` whose issues name the file and the reason, so one
broken file never stops a batch.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from pathlib import Path

from .reading import Document, ReadError, read_document
from .recognise import Recognition, detect_layout, recognise
from .report_facts import report_facts
from .schema import Figure, Issue, ReportResult
from .tables import table_completeness

log = logging.getLogger(__name__)

def file_sha256(path: str | Path) -> str:
    """The file's SHA-256 (hex), read in blocks so a large file is never held whole.  Raises OSError."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def report_id_for(sha256: str) -> str:
    """Stable report id: the first 16 hex digits of the file's SHA-256."""
    return sha256[:16]




def unreadable_reason(path: str | Path, exc: OSError) -> str:
    """Why ``path`` cannot be read, for its error row (folders and symlinks named as such)."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        try:
            os.stat(path)
        except OSError as stat_exc:
            if stat_exc.errno == errno.ELOOP:
                return f"symlink loop: {path} -> {os.readlink(path)}"
        return f"dangling symlink: {path} -> {os.readlink(path)} (target missing)"
    if path.is_dir():
        try:
            os.listdir(path)
        except OSError as list_exc:
            return f"unreadable folder: {list_exc.strerror or list_exc}"
        return "folder reached twice through symlinks (a symlink loop?): searched once"
    return f"cannot read file: {exc.strerror or exc}"


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


def _paged_facts(doc: Document, figures: list[Figure], issues: list[Issue], facts: dict[str, object]) -> list[Figure]:
    """PDF and image files: OCR checks on figures read from scanned pages, and the page facts.

    Facts set here: ``pages`` (pages of the PDF or image file) and ``ocr_pages``
    (how many of them were read by OCR).  Figures from OCR lines get
    ``read_via="ocr"`` and their confidence; those that fail the OCR checks are
    left out with a warning (:func:`.ocr.apply_ocr_checks`).
    """
    if doc.kind not in ("pdf", "image"):
        return figures
    from .ocr import annotate, apply_ocr_checks

    facts["pages"] = doc.pages
    facts["ocr_pages"] = len(doc.ocr_pages)
    if doc.ocr_lines or doc.ocr_tables:
        figures = apply_ocr_checks(doc.text, doc.ocr_lines, figures, issues, doc.ocr_tables)
    annotate(figures, "pdf_text")
    return figures


def extract_report(path: str | Path, sha256: str | None = None) -> ReportResult:
    """Extract one report file; failures become error issues, never exceptions.

    ``sha256``: the file's hash when the caller has it already (a batch hashes every input).
    """
    source = str(path)
    result = ReportResult(source_file=source)
    try:
        sha256 = sha256 or file_sha256(path)
    except OSError as exc:
        result.issues.append(Issue(source, "error", "read", unreadable_reason(path, exc)))
        return result
    result.report_id = report_id_for(sha256)
    try:
        doc = read_document(path)
        recognition: Recognition = recognise(doc)
        result.agency = recognition.agency
        result.report_year = recognition.year
        layout, figures, issues = extract_recognised(doc, recognition.layout)
        figures = _paged_facts(doc, figures, issues, result.facts)
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
    result.facts.update(table_completeness(figures, layout))  # cells_expected, cells_read, …
    result.facts["narrative_figures"] = sum(1 for f in figures if f.table == "narrative" and not f.derived)
    issues = doc.issues + issues
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
