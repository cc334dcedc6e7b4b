"""Time of the derived tables: metrics, checks and growth (``make bench``; not part of the tests).

The figures of ``data/raw`` are copied into ``--n`` reports: each copy of a
report gets an invented organ name (a few organs share each name, so an organ
has reports in consecutive years) and its year is shifted, so cross-year and
duplicate checks have pairs to find.  Times ``compute_metrics``, ``run_checks``
and ``build.derived_tables`` (best of ``--repeat`` runs) for a small and the
full number of reports, and the two stages of the streamed ``build``
(``build.report_stage`` on the reports, ``build.cross_report_stage`` on its small
tables) in CPU time per report: time should grow about linearly with the reports.

    python benchmarks/bench_derived.py [--n 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import transparency_stats as ts  # noqa: E402
from transparency_stats import build  # noqa: E402


def synthetic(figures: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` reports made from the reports of ``figures`` (see the module docstring)."""
    figures = figures.assign(report_id=figures["report_id"].fillna(figures["source_file"]))
    ids = list(dict.fromkeys(figures["report_id"]))
    by_report = dict(tuple(figures.groupby("report_id", sort=False)))
    parts = []
    for k in range(n):
        copy = by_report[ids[k % len(ids)]].copy()
        organ, shift = divmod(k, 4)
        copy["report_id"] = f"bench{k:05d}"
        copy["source_file"] = f"bench/{k:05d}.txt"
        copy["agency"] = f"示例第{organ % max(1, n // 8)}县人民政府"
        copy["report_year"] = copy["report_year"] + shift
        parts.append(copy)
    return pd.concat(parts, ignore_index=True)


def best(func: Callable[[], object], repeat: int) -> float:
    """Least CPU seconds of ``repeat`` runs (the cores are shared: wall time would measure the others)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        func()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="reports in the large run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    source = ts.load(ROOT / "data" / "raw")
    for n in sorted({max(1, args.n // 10), args.n}):
        figures = synthetic(source, n)
        metrics = best(lambda f=figures: ts.compute_metrics(f), args.repeat)
        checks = best(lambda f=figures: ts.run_checks(f), args.repeat)
        derived = best(lambda f=figures: build.derived_tables(f), args.repeat)
        stage = build.report_stage(figures)
        per_report = best(lambda f=figures: build.report_stage(f), args.repeat)
        across = best(lambda s=stage: build.cross_report_stage(s["summaries"], s["instances"], s["series"]),
                      args.repeat)
        print(f"{n:5d} reports, {len(figures):7d} figures: compute_metrics {metrics:6.2f} s, "
              f"run_checks {checks:6.2f} s, derived_tables {derived:6.2f} s; streamed: per report "
              f"{1000 * per_report / n:.2f} ms, across reports {1000 * across / n:.3f} ms per report")


if __name__ == "__main__":
    main()
