"""Command line: ``transparency-stats extract`` and ``transparency-stats build``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .dataset import FolderBusy


def _companion(output: Path, kind: str) -> Path:
    """``figures.csv`` → ``figures.errors.csv`` / ``figures.warnings.csv``."""
    return output.with_name(f"{output.stem}.{kind}.csv")


def _wants_dataset(output: str | None) -> bool:
    """``-o DIR/`` (or an existing folder) asks for the Parquet dataset rather than a CSV file."""
    return output is not None and (output.endswith(("/", "\\")) or Path(output).is_dir())


def _batch_options(args: argparse.Namespace) -> dict:
    return {"jobs": args.jobs, "engine": args.engine, "scheduler": args.scheduler,
            "timeout": args.timeout or None}


def _print_failure(source: str, reason: str) -> None:
    print(f"{source}: error: {reason}", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import extract_paths
    from .store import FigureCsvWriter

    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"{path}: error: no such file or folder", file=sys.stderr)
    dataset_dir = args.dataset or (args.output if _wants_dataset(args.output) else None)
    if dataset_dir is not None:
        from .batch import extract_to_dataset

        summary = extract_to_dataset(args.paths, dataset_dir, progress=not args.quiet,
                                     on_failure=_print_failure, **_batch_options(args))
        if not args.quiet:
            counts = summary.manifest["counts"]
            print(
                f"{summary.files} files ({summary.read} read, {summary.reused} unchanged since the last run), "
                f"{counts['figures']} figures, {len(summary.failures)} failed → {dataset_dir} "
                f"in {summary.seconds:.1f} s",
                file=sys.stderr,
            )
        if args.output is None or _wants_dataset(args.output):
            return 0
    output = Path(args.output)
    errors_path = _companion(output, "errors")
    warnings_path = _companion(output, "warnings")
    reports = failed = figures = warnings = 0
    with FigureCsvWriter(output, errors_path, warnings_path) as writer:
        for result in extract_paths(args.paths, progress=not args.quiet, **_batch_options(args)):
            writer.write(result)
            reports += 1
            figures += len(result.figures)
            warnings += sum(i.severity != "error" for i in result.issues)
            errors = [i for i in result.issues if i.severity == "error"]
            if errors:
                failed += 1
                reason = "; ".join(i.message for i in errors)
                print(f"{result.source_file}: error: {reason}", file=sys.stderr)
    if not args.quiet:
        print(
            f"{reports} reports, {figures} figures, {failed} failed, {warnings} warnings → {output}"
            f" (errors: {errors_path.name}, warnings: {warnings_path.name})",
            file=sys.stderr,
        )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_processed

    summary = build_processed(Path(args.raw), Path(args.processed), progress=not args.quiet, csv=args.csv,
                              on_failure=None if args.quiet else _print_failure, **_batch_options(args))
    if not args.quiet:
        print(summary, file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import export_reports, export_tables

    out = Path(args.out)
    export_tables(Path(args.processed), out)
    data_dir = str(Path(args.processed).resolve())
    written = export_reports(Path(args.notebooks), out, parameters={"DATA_DIR": data_dir})
    if not args.quiet:
        print(f"wrote {len(written)} HTML reports and index.html to {out}", file=sys.stderr)
    return 0


def _add_batch_options(parser: argparse.ArgumentParser) -> None:
    from .batch import DEFAULT_TIMEOUT, ENGINES

    parser.add_argument("-j", "--jobs", type=int, default=1,
                        help="worker processes (local engine) or workers of a local Dask cluster (default 1)")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local (this machine) or dask (a Dask distributed cluster)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler to use (e.g. tcp://host:8786); default: a LocalCluster")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"per-file time limit; a file past it gets an error row (default {DEFAULT_TIMEOUT:g}, "
                        "0: none)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transparency-stats",
        description="Figures from government information-disclosure annual reports (政府信息公开工作年度报告).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="extract the tidy figures table from report files")
    extract.add_argument("paths", nargs="+", help="report files (.txt .html .htm .md .docx .pdf) or folders")
    extract.add_argument("-o", "--output", help="figures CSV to write (UTF-8 with BOM); a folder (DIR/) "
                         "writes the Parquet dataset instead")
    extract.add_argument("--dataset", metavar="DIR", help="write the Parquet dataset (figures by year and "
                         "layout, reports, issues) to DIR; files unchanged since the last run are not read again")
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    _add_batch_options(extract)
    extract.set_defaults(func=cmd_extract)

    build = sub.add_parser("build", help="turn data/raw into data/processed (figures, checks, metrics)")
    build.add_argument("--raw", default="data/raw", help="folder of reports and figure tables")
    build.add_argument("--processed", default="data/processed", help="output folder")
    build.add_argument("-q", "--quiet", action="store_true")
    build.add_argument("--csv", choices=("auto", "yes", "no"), default="auto",
                       help="CSV copies beside the dataset (auto: up to 5,000 reports)")
    _add_batch_options(build)
    build.set_defaults(func=cmd_build)

    report = sub.add_parser("report", help="execute the notebooks and export self-contained HTML reports")
    report.add_argument("--notebooks", default="notebooks", help="folder of numbered notebooks")
    report.add_argument("--processed", default="data/processed", help="processed data folder")
    report.add_argument("--out", default="reports", help="output folder for HTML, CSV and XLSX")
    report.add_argument("-q", "--quiet", action="store_true")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``transparency-stats`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "extract" and args.output is None and args.dataset is None:
        parser.error("extract needs -o FILE.csv (or -o DIR/) or --dataset DIR")
    if getattr(args, "scheduler", None) and args.engine != "dask":
        args.engine = "dask"
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"transparency-stats: error: {exc}", file=sys.stderr)
        return 2
    except FolderBusy as exc:
        print(f"transparency-stats: error: {exc}", file=sys.stderr)
        return 75


if __name__ == "__main__":
    sys.exit(main())
