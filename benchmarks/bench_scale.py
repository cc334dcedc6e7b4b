"""A country-size run on this machine: ``build`` over a large mixed corpus, then again unchanged.

Makes N copies of real-size reports (see ``bench_extract.make_mixed_corpus``) in
a temporary folder, runs ``transparency-stats build --raw CORPUS --processed OUT``
(extraction into the Parquet dataset, checks and metrics per bucket of reports, then
across reports), times it with its peak memory (and that of each kind of process), runs it again on the unchanged corpus, and checks that
every copy's figures are present and identical to those of its source read alone.
Everything is deleted afterwards (``--keep`` keeps it).

    python benchmarks/bench_scale.py --n 5000 [--jobs 2] [--corpus DIR] [--tmp /tmp]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extract import SHARED_CORPUS, corpus_sources, make_mixed_corpus, run_command  # noqa: E402

#: Columns compared between a copy and its source (the rest names the file).
COMPARED = ["agency", "report_year", "format_version", "table", "metric", "applicant", "value", "cell",
            "approximate", "derived", "raw_label", "raw_value", "location", "read_via", "confidence"]


def _digest(rows: list[tuple]) -> str:
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


def source_digests(sources: set[Path]) -> dict[Path, tuple[int, str]]:
    """(figure count, digest of the figure rows) of each source report read alone."""
    from transparency_stats.extract import extract_report

    out = {}
    for source in sources:
        result = extract_report(source)
        rows = [tuple(getattr(f, c) for c in COMPARED) for f in result.figures]
        out[source] = (len(rows), _digest(rows))
    return out


def dataset_digests(folder: Path) -> dict[str, tuple[int, str]]:
    """The same per copy, streamed part by part from the published dataset (a file is in one part)."""
    import pyarrow.parquet as pq

    from transparency_stats.dataset import part_files

    rows_of: dict[str, list[tuple]] = defaultdict(list)
    out: dict[str, tuple[int, str]] = {}
    for part in part_files(folder, "figures"):
        table = pq.read_table(part, columns=["source_file", *COMPARED]).to_pylist()
        rows_of.clear()
        for row in table:
            rows_of[row["source_file"]].append(tuple(row[c] for c in COMPARED))
        for source, rows in rows_of.items():
            if source in out:
                raise AssertionError(f"{source}: figures split over two parts")
            out[source] = (len(rows), _digest(rows))
    return out


def _manifest(root: Path) -> dict:
    from transparency_stats.dataset import read_manifest

    return read_manifest(root / "processed") or {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--tmp", type=Path, default=None, help="where to make the corpus (default: system temp)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="ts-scale-", dir=args.tmp))
    try:
        origin, sources = corpus_sources(args.corpus, root / "sources")
        origins: dict[str, Path] = {}
        started = time.perf_counter()
        counts = make_mixed_corpus(sources, args.n, root / "raw", origins=origins)
        size = sum(p.stat().st_size for p in (root / "raw").rglob("*") if p.is_file()) / 2**20
        print(f"{args.n} reports from {origin}: {counts}; {size:.0f} MiB, made in {time.perf_counter() - started:.0f} s")
        print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores")
        build = ["build", "--raw", str(root / "raw"), "--processed", str(root / "processed"),
                 "-j", str(args.jobs), "--csv", "no", "-q"]
        seconds, peak, cpu = run_command(build)
        print(f"build (extract + checks + metrics): {seconds:.1f} s, {args.n / seconds:.1f} reports/s, "
              f"CPU {cpu:.0f} s ({1000 * cpu / args.n:.1f} ms per report), "
              f"peak RSS of the largest process {peak:.0f} MiB")
        manifest = _manifest(root)
        print(f"  of which checks and metrics: {manifest['seconds']}")
        print(f"  peak RSS (MiB) by process: {manifest.get('peak_rss_mib')}")
        print(f"load average after: {os.getloadavg()}")
        seconds, peak, cpu = run_command(build)
        print(f"build again, unchanged corpus: {seconds:.1f} s (CPU {cpu:.0f} s), peak {peak:.0f} MiB; "
              f"checks and metrics {_manifest(root)['seconds']}")

        expected = source_digests(set(origins.values()))
        got = dataset_digests(root / "processed")
        missing = [c for c in origins if c not in got and expected[origins[c]][0] > 0]
        different = [c for c in origins if c in got and got[c] != expected[origins[c]]]
        figures = sum(expected[origins[c]][0] for c in origins)
        print(f"figures expected {figures}, found {sum(n for n, _ in got.values())}; "
              f"copies missing {len(missing)}, copies different {len(different)}")
        for copy in (missing + different)[:5]:
            print(f"  {copy} (from {origins[copy].name})")
        return 0 if not missing and not different else 1
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
