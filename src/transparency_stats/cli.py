"""Command line: ``transparency-stats extract`` and ``transparency-stats build``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__


def _companion(output: Path, kind: str) -> Path:
    """``figures.csv`` → ``figures.errors.csv`` / ``figures.warnings.csv``."""
    return output.with_name(f"{output.stem}.{kind}.csv")


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_paths
    from .store import FigureCsvWriter

    output = Path(args.output)
    errors_path = _companion(output, "errors")
    warnings_path = _companion(output, "warnings")
    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"{path}: error: no such file or folder", file=sys.stderr)
    reports = failed = figures = warnings = 0
    with FigureCsvWriter(output, errors_path, warnings_path) as writer:
        for result in extract_paths(args.paths, progress=not args.quiet, jobs=args.jobs):
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
    from .pipeline import build_processed

    summary = build_processed(Path(args.raw), Path(args.processed), progress=not args.quiet)
    if not args.quiet:
        print(summary, file=sys.stderr)
    return 0


def _years(text: str) -> list[int]:
    """``2019,2021-2023`` → [2019, 2021, 2022, 2023]."""
    years: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                years.extend(range(lo, hi + 1))
            else:
                years.append(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a year or year range: {part!r}") from None
    return years


def _organs(text: str) -> list[str]:
    return [o.strip() for o in text.replace("，", ",").split(",") if o.strip()]


def cmd_report(args: argparse.Namespace) -> int:
    from .publish import ExportedPage, ReportError, export_reports, export_tables, list_notebooks

    processed, notebooks, out = Path(args.processed), Path(args.notebooks), Path(args.out)
    if not notebooks.is_dir() or not list_notebooks(notebooks):
        print(f"transparency-stats: error: no numbered notebooks (NN-name.ipynb) in {notebooks}", file=sys.stderr)
        return 2
    if not processed.is_dir():
        print(f"transparency-stats: error: {processed} not found: run `transparency-stats build` first",
              file=sys.stderr)
        return 2
    langs = ("zh", "en") if args.lang == "both" else (args.lang,)

    def progress(page: ExportedPage) -> None:
        if not args.quiet:
            how = "unchanged" if page.cached else f"{page.seconds:.1f} s"
            print(f"{out / page.html.name}  ({how})", file=sys.stderr)

    export_tables(processed, out, args.organs, args.years)
    try:
        pages = export_reports(notebooks, out, processed, langs=langs, organs=args.organs, years=args.years,
                               jobs=args.jobs, on_page=progress)
    except ReportError as error:
        print(f"transparency-stats: error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{out / 'index.html'}  ({len(pages)} pages, data dictionary, methods)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transparency-stats",
        description="Figures from government information-disclosure annual reports (政府信息公开工作年度报告).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="extract the tidy figures table from report files")
    extract.add_argument("paths", nargs="+", help="report files (.txt .html .htm .md .docx .pdf) or folders")
    extract.add_argument("-o", "--output", required=True, help="figures CSV to write (UTF-8 with BOM)")
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    extract.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    extract.set_defaults(func=cmd_extract)

    build = sub.add_parser("build", help="turn data/raw into data/processed (figures, checks, metrics)")
    build.add_argument("--raw", default="data/raw", help="folder of reports and figure tables")
    build.add_argument("--processed", default="data/processed", help="output folder")
    build.add_argument("-q", "--quiet", action="store_true")
    build.set_defaults(func=cmd_build)

    report = sub.add_parser("report", help="execute the notebooks and export self-contained HTML reports")
    report.add_argument("--notebooks", default="notebooks", help="folder of numbered notebooks")
    report.add_argument("--processed", default="data/processed", help="processed data folder")
    report.add_argument("--out", default="reports", help="output folder for HTML, CSV and XLSX")
    report.add_argument("--lang", choices=["zh", "en", "both"], default="both",
                        help="page language: zh (NN-name.html), en (NN-name.en.html) or both (default)")
    report.add_argument("--organs", type=_organs, default=None, help="comma-separated organ names (default: all)")
    report.add_argument("--years", type=_years, default=None, help="report years, e.g. 2019,2021-2023 (default: all)")
    report.add_argument("-j", "--jobs", type=int, default=None, help="notebooks executed at once (default: 2-4)")
    report.add_argument("-q", "--quiet", action="store_true")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``transparency-stats`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"transparency-stats: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
