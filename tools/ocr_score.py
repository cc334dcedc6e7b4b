"""Rasterise text-layer PDFs into image-only PDFs and score what OCR reads against the text layer.

Each PDF is rendered page by page (pypdfium2) at ``--dpi``, optionally turned,
speckled and stamped like a scanner's output (``--scanner``), and written as an
image-only PDF (Pillow) to a temporary folder.  Both the original and the scan
go through :func:`transparency_stats.extract.extract_report`; each figure of the
scan is compared by (table, metric, applicant, derived) with the original's:

* **correct**: same value and cell kind;
* **wrong**: a different value or cell kind (must be zero: never a wrong number);
* **missed**: in the original, not read from the scan (left out with a warning, or not found);
* **extra**: read from the scan, absent from the original (counted as wrong).

Recall is correct / figures of the original.  Per file: pages, OCR CPU seconds
(``time.process_time`` of the scan's extraction) and seconds per page.  Nothing
is written beside the inputs; ``--keep DIR`` keeps the image-only PDFs (never
commit scans of real reports).

    python tools/ocr_score.py ../shared/corpus/reports/021.pdf --dpi 150 [--verbose]
    python tools/ocr_score.py --fixtures --dpi 150     # the generated fixture reports
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

Key = tuple[str, str, str, bool]


@dataclass
class Score:
    """Comparison of the figures read from a scan with those of its text-layer original."""

    name: str
    pages: int = 0
    cpu_seconds: float = 0.0
    correct: int = 0
    wrong: list[tuple[Key, object, object]] = field(default_factory=list)
    missed: list[Key] = field(default_factory=list)
    extra: list[Key] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.correct + len(self.wrong) + len(self.missed)

    @property
    def recall(self) -> float:
        return self.correct / self.total if self.total else 1.0


def rasterise(src: Path, dst: Path, dpi: int, *, scanner: bool = False) -> int:
    """Write ``dst``: every page of ``src`` as an image at ``dpi`` in an image-only PDF; the page count."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    try:
        images = [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    finally:
        pdf.close()
    if scanner:
        sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scans"))
        import make_scans

        images = [make_scans._scanned(im, 7 + k, 0.6 if k % 2 == 0 else -0.6, 12.0, k == 0)
                  for k, im in enumerate(images)]
    images[0].save(str(dst), format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return len(images)


def _values(result: object) -> dict[Key, tuple[object, str]]:
    return {(f.table, f.metric, f.applicant, f.derived): (f.value, f.cell)
            for f in result.figures}  # type: ignore[attr-defined]


def score(src: Path, scan: Path, pages: int, reference: Path | None = None) -> Score:
    """Extract ``src`` (or its ``reference``: the HTML a ruled PDF was drawn from) and its ``scan``; compare.

    Against a reference only the tables count (the drawn PDF leaves the prose out).
    """
    from transparency_stats.extract import extract_report

    original = extract_report(reference or src)
    start = time.process_time()
    scanned = extract_report(scan)
    out = Score(src.name, pages, time.process_time() - start)
    want, got = _values(original), _values(scanned)
    if reference is not None:
        want = {k: v for k, v in want.items() if k[0] != "narrative"}
        got = {k: v for k, v in got.items() if k[0] != "narrative"}
    used: set[Key] = set()
    for key, value in want.items():
        # a sum the scan derived where the text layer printed it (or the reverse) counts when the values agree
        twin = (*key[:3], not key[3])
        if key not in got and twin in got and twin not in want and got[twin][0] == value[0]:
            used.add(twin)
            out.correct += 1
        elif key not in got:
            out.missed.append(key)
        elif got[key] == value:
            out.correct += 1
        else:
            out.wrong.append((key, got[key], value))
    out.extra = [k for k in got if k not in want and k not in used]
    out.warnings = [f"{i.location}: {i.message}" for i in scanned.issues if i.kind == "ocr"]
    return out


def fixture_pdfs(folder: Path) -> list[tuple[Path, Path | None]]:
    """The generated fixture reports as text-layer PDFs, each with the file its figures are compared with.

    Both table layouts as text (compared with themselves), drawn as ruled tables
    (compared with the HTML they were drawn from), and a narrative report.
    """
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scans"))
    import make_scans

    tables = ROOT / "tests" / "fixtures" / "tables"
    out: list[tuple[Path, Path | None]] = [(tables / "gov2019.pdf", None), (tables / "gov2021.pdf", None)]
    for layout in ("gov2019", "gov2021"):
        ruled = folder / f"{layout}_ruled.pdf"
        make_scans.write_ruled_pdf(tables / f"{layout}.html", ruled)
        out.append((ruled, tables / f"{layout}.html"))
    narrative = folder / "narrative.pdf"
    make_scans.write_narrative_pdf(narrative)
    out.append((narrative, None))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path, help="text-layer PDFs")
    parser.add_argument("--fixtures", action="store_true", help="score the generated fixture reports too")
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--scanner", action="store_true", help="turn, speckle and stamp the pages like a scan")
    parser.add_argument("--keep", type=Path, help="folder to keep the image-only PDFs in")
    parser.add_argument("--verbose", action="store_true", help="list wrong, missed and warnings")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    scores: list[Score] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = [(p, None) for p in args.pdfs] + (fixture_pdfs(work) if args.fixtures else [])
        if not sources:
            parser.error("no PDF given (name PDFs or --fixtures)")
        for src, reference in sources:
            folder = args.keep or work
            folder.mkdir(parents=True, exist_ok=True)
            scan = folder / f"{src.stem}_{args.dpi}dpi_scan.pdf"
            pages = rasterise(src, scan, args.dpi, scanner=args.scanner)
            s = score(src, scan, pages, reference)
            scores.append(s)
            print(f"{s.name:<28} pages {s.pages:>2}  figures {s.total:>4}  correct {s.correct:>4}  "
                  f"wrong {len(s.wrong) + len(s.extra):>2}  missed {len(s.missed):>3}  recall {s.recall:.3f}  "
                  f"cpu {s.cpu_seconds:6.1f} s  {s.cpu_seconds / max(1, s.pages):5.2f} s/page", flush=True)
            if args.verbose:
                for key, got, want in s.wrong:
                    print(f"  WRONG {key}: read {got}, text layer {want}")
                for key in s.extra:
                    print(f"  EXTRA {key}")
                for key in s.missed:
                    print(f"  missed {key}")
                for w in s.warnings:
                    print(f"  warning {w}")
    total = sum(s.total for s in scores)
    correct = sum(s.correct for s in scores)
    wrong = sum(len(s.wrong) + len(s.extra) for s in scores)
    pages = sum(s.pages for s in scores)
    cpu = sum(s.cpu_seconds for s in scores)
    print(f"{'ALL':<28} pages {pages:>2}  figures {total:>4}  correct {correct:>4}  wrong {wrong:>2}  "
          f"missed {sum(len(s.missed) for s in scores):>3}  "
          f"recall {correct / max(1, total):.3f}  cpu {cpu:6.1f} s  {cpu / max(1, pages):5.2f} s/page")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
