"""OCR cost per scanned page (``make bench``; not part of the tests).

The table fixture PDFs (``tests/fixtures/tables``), and the gov2021 tables drawn
as ruled tables, are scanned at 150 dpi into image-only PDFs (slight rotation, noise, a red seal: ``tests/fixtures/scans``),
then read by the whole ``extract_report`` on one core (one OCR thread, one
ONNX Runtime thread).  Reported: CPU seconds per A4 page (``time.process_time``,
user + sys, so other work on the machine does not count), wall seconds per
page, and peak resident memory of the process (the engine's models and page
images are native memory, which tracemalloc does not see).  Aim: at most 3 s
per page at 150 dpi.

    python benchmarks/bench_ocr.py [--repeat 2] [--dpi 150]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scans"))

import make_scans  # noqa: E402

from transparency_stats.extract import extract_report  # noqa: E402
from transparency_stats.ocr import page_workers_set  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "tables"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs over the scanned files (best is kept)")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scans = []
        for layout in ("gov2019", "gov2021"):
            path = Path(tmp) / f"{layout}_scan.pdf"
            make_scans.scan_pdf(FIXTURES / f"{layout}.pdf", path, dpi=args.dpi)
            scans.append(path)
        ruled = Path(tmp) / "gov2021_ruled.pdf"  # tables drawn with rules, as most reports print them
        make_scans.write_ruled_pdf(FIXTURES / "gov2021.html", ruled)
        scans.append(Path(tmp) / "gov2021_ruled_scan.pdf")
        make_scans.scan_pdf(ruled, scans[-1], dpi=args.dpi)
        extract_report(scans[0])  # load the engine once, outside the timing
        best = wall = float("inf")
        pages = figures = 0
        for _ in range(args.repeat):
            pages = figures = 0
            start, start_wall = time.process_time(), time.perf_counter()
            with page_workers_set(1):
                for path in scans:
                    result = extract_report(path)
                    pages += int(result.facts.get("ocr_pages", 0))
                    figures += len(result.figures)
            best = min(best, time.process_time() - start)
            wall = min(wall, time.perf_counter() - start_wall)
    print(f"{'kind':<22}{'pages':>7}{'figures':>9}{'cpu s/page':>12}{'wall s/page':>13}{'peak RSS MB':>13}")
    print(f"{'ocr (' + str(args.dpi) + ' dpi, 1 core)':<22}{pages:>7}{figures:>9}{best / max(pages, 1):>12.2f}"
          f"{wall / max(pages, 1):>13.2f}{_peak_rss_mb():>13.0f}")


if __name__ == "__main__":
    main()
