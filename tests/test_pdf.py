"""PDF reading: encrypted files, page limits, and the text layer through pdfium."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from transparency_stats.extract import extract_report
from transparency_stats.paged import MAX_OCR_PAGES_ENV, MAX_PDF_PAGES, MAX_PDF_PAGES_ENV
from transparency_stats.reading import (
    ReadError,
    read_document,
)

TABLES = Path(__file__).parent / "fixtures" / "tables"


def _values(result) -> dict:
    return {(f.table, f.metric, f.applicant): (f.value, f.cell) for f in result.figures}


def _encrypt(src: Path, dst: Path, user: str, algorithm: str) -> None:
    pytest.importorskip("cryptography")
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=user, owner_password="owner-secret", algorithm=algorithm)
    with dst.open("wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_encrypted_pdf_with_empty_password_reads_like_the_plain_one(algorithm: str, tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    _encrypt(TABLES / "gov2021.pdf", path, "", algorithm)
    assert b"/Encrypt" in path.read_bytes()
    plain = extract_report(TABLES / "gov2021.pdf")
    locked = extract_report(path)
    assert not locked.failed
    assert _values(locked) == _values(plain) and len(plain.figures) > 100


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_pdf_that_needs_a_password_gets_an_error_row(algorithm: str, tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    _encrypt(TABLES / "gov2019.pdf", path, "a-real-password", algorithm)
    result = extract_report(path)
    assert result.failed and not result.figures
    errors = [i for i in result.issues if i.severity == "error"]
    assert errors[0].kind == "read" and "password" in errors[0].message


def _blank_pdf(path: Path, pages: int) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842).close()
    pdf.save(str(path))
    pdf.close()


def test_a_5000_page_pdf_is_refused_at_once_with_the_limit_named(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_PDF_PAGES_ENV, raising=False)
    path = tmp_path / "long.pdf"
    _blank_pdf(path, 5000)
    start = time.perf_counter()
    result = extract_report(path)
    assert time.perf_counter() - start < 10
    message = next(i.message for i in result.issues if i.severity == "error")
    assert f"5000 pages, more than the limit of {MAX_PDF_PAGES}" in message and MAX_PDF_PAGES_ENV in message


def test_page_limits_are_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "short.pdf"
    _blank_pdf(path, 4)
    monkeypatch.setenv(MAX_PDF_PAGES_ENV, "3")
    with pytest.raises(ReadError, match="4 pages, more than the limit of 3"):
        read_document(path)
    monkeypatch.setenv(MAX_PDF_PAGES_ENV, "10")
    with pytest.raises(ReadError, match="no Chinese text layer"):
        read_document(path)  # past the limit: read, and found empty


def test_ocr_page_limit_refuses_long_scans_before_recognising(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    path = tmp_path / "scan.pdf"
    pages = [Image.new("RGB", (200, 280), "white") for _ in range(3)]
    pages[0].save(str(path), format="PDF", save_all=True, append_images=pages[1:])
    monkeypatch.setenv(MAX_OCR_PAGES_ENV, "2")
    with pytest.raises(ReadError, match="3 scanned pages to recognise, more than the limit of 2"):
        read_document(path)


def test_damaged_pdf_gets_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes((TABLES / "gov2019.pdf").read_bytes()[:400])
    result = extract_report(path)
    assert result.failed and "PDF" in result.issues[0].message
