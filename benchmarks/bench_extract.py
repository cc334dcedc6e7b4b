"""Throughput and memory of table extraction (``make bench``; not part of the tests).

Synthetic reports are written to a temporary folder from the table fixtures
(``tests/fixtures/tables``): each copy gets its own organ name so no two files
are the same.  For every input kind it times read → recognise layout → extract
tables on one core, then measures peak Python memory (tracemalloc) while a batch
of 100 and of 1000 text reports is extracted (figures dropped after each report,
as a streaming writer does, and all kept), and times
``pandas.read_html`` on the same HTML files for comparison.

    python benchmarks/bench_extract.py [--n 200] [--big 1000]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transparency_stats.layout import detect_layout  # noqa: E402
from transparency_stats.reading import read_document  # noqa: E402
from transparency_stats.tables import extract_tables  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "tables"
KINDS: dict[str, list[str]] = {
    "html": ["gov2019.html", "gov2021.html"],
    "text (spaced)": ["gov2019_spaced.txt", "gov2021_spaced.txt"],
    "text (run-together)": ["gov2019_runtogether.txt", "gov2021_runtogether.txt"],
    "pdf": ["gov2019.pdf", "gov2021.pdf"],
    "docx": ["gov2019.docx", "gov2021.docx"],
}
_ORGANS = {"gov2019": "示例县人民政府", "gov2021": "示例市测试局"}


def make_copies(kind: str, n: int, folder: Path) -> list[Path]:
    """n distinct report files of one kind (text formats get a numbered organ name)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        source = FIXTURES / KINDS[kind][i % len(KINDS[kind])]
        target = folder / f"{i:05d}_{source.name}"
        if source.suffix in (".html", ".txt"):
            organ = _ORGANS[source.name.split("_")[0].split(".")[0]]
            text = source.read_text(encoding="utf-8").replace(organ, f"{organ}{i}号")
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        paths.append(target)
    return paths


def extract(path: Path) -> list:
    doc = read_document(path)
    figures, _ = extract_tables(doc, detect_layout(doc))
    return figures


def rate(func: Callable[[Path], object], paths: list[Path]) -> float:
    """Files per second of func over paths (after one warm-up call)."""
    func(paths[0])
    gc.collect()
    start = time.perf_counter()
    for path in paths:
        func(path)
    return len(paths) / (time.perf_counter() - start)


def peak_memory(paths: list[Path], keep: bool) -> tuple[float, int]:
    """Peak traced memory (MiB) while extracting paths, keeping the figures or not; figure count."""
    gc.collect()
    tracemalloc.start()
    kept: list = []
    count = 0
    for path in paths:
        figures = extract(path)
        count += len(figures)
        if keep:
            kept.extend(figures)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="reports per input kind for throughput")
    parser.add_argument("--big", type=int, default=1000, help="largest batch for the memory test")
    args = parser.parse_args()
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="ts-bench-") as tmp:
        root = Path(tmp)
        print(f"throughput, one core, {args.n} reports per kind (read + layout + tables)")
        print(f"{'input':<22}{'reports/s':>10}{'ms/report':>11}")
        html_paths: list[Path] = []
        for kind in KINDS:
            n = args.n if kind != "pdf" else max(20, args.n // 4)
            paths = make_copies(kind, n, root / kind.split()[0] / kind.replace(" ", "_"))
            if kind == "html":
                html_paths = paths
            per_second = rate(extract, paths)
            print(f"{kind:<22}{per_second:>10.0f}{1000 / per_second:>11.2f}")

        print()
        print(f"HTML side by side ({len(html_paths)} files)")
        ours = rate(extract, html_paths)
        docs = {p: read_document(p) for p in html_paths}
        tables_only = rate(lambda p: extract_tables(docs[p], detect_layout(docs[p])), html_paths)
        theirs = rate(lambda p: pd.read_html(p, flavor="lxml"), html_paths)
        print(f"{'read + tables':<22}{ours:>10.0f} reports/s  (text and grids normalised, figures)")
        print(f"{'  tables only':<22}{tables_only:>10.0f} reports/s  (layout + extract_tables on a read Document)")
        print(f"{'pandas.read_html':<22}{theirs:>10.0f} reports/s  (DataFrames of raw cells)")
        print(f"{'ratio read + tables':<22}{ours / theirs:>10.2f}x")

        print()
        print("peak Python memory (tracemalloc) over a batch of run-together text reports")
        print(f"{'batch':>7}{'figures':>10}{'streamed MiB':>14}{'all kept MiB':>14}")
        small = max(1, args.big // 10)
        for n in (small, args.big):
            paths = make_copies("text (run-together)", n, root / f"mem{n}")
            streamed, count = peak_memory(paths, keep=False)
            kept, _ = peak_memory(paths, keep=True)
            print(f"{n:>7}{count:>10}{streamed:>14.1f}{kept:>14.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
