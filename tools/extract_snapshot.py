"""Snapshot of everything extraction says about a set of report files, to compare two versions byte for byte.

For every file: report id, organ, year, layout, per-report facts, every figure
(all columns) and every issue (warnings and errors), as one JSON line.  A change
meant to make extraction faster must leave the snapshot identical:

    python tools/extract_snapshot.py write baseline.jsonl [PATHS ...]
    python tools/extract_snapshot.py check baseline.jsonl [PATHS ...]   # exit 1 and the first differences

Without PATHS: ``../shared/corpus/reports``, ``../shared/corpus/harvest/reports``
(when present), ``tests/fixtures`` and ``data/raw`` (report files only).
``--time`` also prints the CPU time of ``extract_report`` per file kind.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transparency_stats.batch import iter_report_files  # noqa: E402
from transparency_stats.extract import extract_report  # noqa: E402

DEFAULT_PATHS = [
    ROOT.parent / "shared" / "corpus" / "reports",
    ROOT.parent / "shared" / "corpus" / "harvest" / "reports",
    ROOT / "tests" / "fixtures",
    ROOT / "data" / "raw",
]


def _plain(value: object) -> object:
    if isinstance(value, float) and value != value:
        return "NaN"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot_line(path: Path) -> str:
    """One file's extraction as a JSON line (paths relative to the project or its parent)."""
    result = extract_report(path)
    record = {
        "file": _relative(path),
        "report_id": result.report_id,
        "agency": result.agency,
        "report_year": result.report_year,
        "format_version": result.format_version,
        "facts": {k: _plain(v) for k, v in sorted(result.facts.items())},
        "figures": [{k: _plain(v) for k, v in dataclasses.asdict(f).items()} for f in result.figures],
        "issues": [dataclasses.asdict(i) for i in result.issues],
    }
    return json.dumps(record, ensure_ascii=False, default=repr, sort_keys=False)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT.parent))
    except ValueError:
        return str(path)


def files_of(paths: list[Path]) -> list[Path]:
    existing = [p for p in paths if p.exists()]
    return sorted(set(iter_report_files(existing)), key=str)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("write", "check"))
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--time", action="store_true", help="print CPU ms of extract_report per file kind")
    args = parser.parse_args()
    files = files_of(args.paths or DEFAULT_PATHS)
    lines = []
    cpu: dict[str, list[float]] = {}
    for path in files:
        start = time.process_time()
        lines.append(snapshot_line(path))
        cpu.setdefault(path.suffix.lower(), []).append(time.process_time() - start)
    # paths of this checkout written as <ROOT>, so two checkouts compare equal
    text = "\n".join(line.replace(str(ROOT), "<ROOT>") for line in lines) + "\n"
    if args.time:
        for kind, times in sorted(cpu.items()):
            print(f"{kind:<6}{len(times):>5} files {1000 * sum(times) / len(times):>9.1f} ms CPU each", file=sys.stderr)
    if args.mode == "write":
        args.snapshot.write_text(text, encoding="utf-8")
        print(f"{len(files)} files written to {args.snapshot}", file=sys.stderr)
        return 0
    expected = args.snapshot.read_text(encoding="utf-8").splitlines()
    actual = text.splitlines()
    if expected == actual:
        print(f"{len(files)} files: identical to {args.snapshot}", file=sys.stderr)
        return 0
    shown = 0
    for old, new in zip(expected, actual, strict=False):
        if old != new and shown < 5:
            shown += 1
            print(f"- {old[:2000]}\n+ {new[:2000]}\n")
    print(f"DIFFERENT: {sum(a != b for a, b in zip(expected, actual, strict=False))} lines differ; "
          f"{len(expected)} expected, {len(actual)} now", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
