"""Command line: ``transparency-stats extract`` and ``transparency-stats build``."""

from __future__ import annotations

import argparse
import functools
import logging
import operator
import os
import sys
from pathlib import Path

from . import __version__
from .dataset import FolderBusy


class UsageError(Exception):
    """A command refused before writing anything; the message says why."""


def _companion(output: Path, kind: str) -> Path:
    """``figures.csv`` → ``figures.errors.csv`` / ``figures.warnings.csv``."""
    return output.with_name(f"{output.stem}.{kind}.csv")


def input_identities(inputs: list[Path]) -> tuple[dict[tuple[int, int], Path], dict[Path, Path]]:
    """What :func:`check_output_file` compares an output with: each input's (device, inode) when it
    exists, its resolved path when not (one ``stat`` per input, however many outputs are checked)."""
    inodes: dict[tuple[int, int], Path] = {}
    unresolved: dict[Path, Path] = {}
    for item in inputs:
        try:
            status = os.stat(item)
        except OSError:
            unresolved.setdefault(item.resolve(), item)
        else:
            inodes.setdefault((status.st_dev, status.st_ino), item)
    return inodes, unresolved


def check_output_file(raw: str, inputs: tuple[dict[tuple[int, int], Path], dict[Path, Path]]) -> Path:
    """The output path of ``-o``, or :class:`UsageError` when writing there would harm something.

    Refused: a path naming a folder (an existing one, or one written with a
    trailing slash), a symlink (even a dangling one), anything that exists and
    is not a regular file (a device such as ``/dev/null``, a FIFO, a socket),
    and a path that is one of the inputs (``inputs``: their :func:`input_identities`).
    """
    if raw.endswith(("/", os.sep)):
        raise UsageError(f"-o {raw}: names a folder; give a file name such as {raw.rstrip('/')}/figures.csv")
    path = Path(raw)
    if path.is_symlink():
        raise UsageError(f"-o {raw}: is a symbolic link; refusing to replace it (give the real file)")
    if path.is_dir():
        raise UsageError(f"-o {raw}: is a folder; give a file name such as {path / 'figures.csv'}")
    if path.exists() and not path.is_file():
        raise UsageError(f"-o {raw}: is not a regular file (a device, FIFO or socket); refusing to replace it")
    inodes, unresolved = inputs
    try:
        status = os.stat(path)
    except OSError:
        item = None
    else:
        item = inodes.get((status.st_dev, status.st_ino))
    if item is None and unresolved:
        item = unresolved.get(path.resolve())
    if item is not None:
        raise UsageError(f"-o {raw}: is an input ({item}); refusing to overwrite it")
    return path


def _report_kinds() -> str:
    from .reading import SUPPORTED_SUFFIXES

    return " ".join(SUPPORTED_SUFFIXES)


def _batch_options(args: argparse.Namespace) -> dict:
    return {"jobs": args.jobs, "engine": args.engine, "scheduler": args.scheduler,
            "timeout": args.timeout or None}


def _dataset_options(args: argparse.Namespace) -> dict:
    """:func:`_batch_options` and those of runs that write a dataset."""
    return {**_batch_options(args), "rehash": args.rehash}


def _print_failure(source: str, reason: str) -> None:
    print(f"{source}: error: {reason}", file=sys.stderr)


class BatchTally:
    """What a batch gave, for the summary at its end: files with figures, files with only an error row,
    and standard-table reports whose identities (tables 三 and 四) hold, break or cannot be checked.

    Identities are checked on the table 三 and 四 figures of a few hundred
    reports at a time, so a large batch is never held in memory.
    """

    CHUNK = 200

    def __init__(self) -> None:
        self.files = 0
        self.with_figures = 0
        self.errors_only = 0
        self.identities: dict[str, int] = {"pass": 0, "fail": 0, "incomplete": 0, "no_tables": 0}
        self._pending: list = []
        self._pending_reports: list[str] = []

    def add(self, result: object) -> None:
        """Count one report's result (:class:`.schema.ReportResult`)."""
        from .vocabulary import STANDARD_LAYOUTS

        self.files += 1
        if result.figures:  # type: ignore[attr-defined]
            self.with_figures += 1
        elif result.failed:  # type: ignore[attr-defined]
            self.errors_only += 1
        if result.format_version not in STANDARD_LAYOUTS:  # type: ignore[attr-defined]
            return
        key = result.report_id or result.source_file  # type: ignore[attr-defined]
        self._pending_reports.append(key)
        # the columns identities read, the report's own keys in place of each figure's
        own = (key, result.source_file, result.format_version)  # type: ignore[attr-defined]
        self._pending += [(*own, *_TALLY_FIELDS_OF(f)) for f in result.figures  # type: ignore[attr-defined]
                          if f.table in IDENTITY_TABLES]
        if len(self._pending_reports) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._pending_reports:
            return
        import pandas as pd

        from .checks import identity_checks
        from .schema import columns_of

        checks = identity_checks(pd.DataFrame(columns_of(_TALLY_COLUMNS, self._pending))) if self._pending else None
        self.add_checks(checks, self._pending_reports)
        self._pending, self._pending_reports = [], []

    def add_checks(self, checks: object, reports: list[str]) -> None:
        """Count the identity statuses of ``reports`` (standard-table report ids) from a checks table."""
        self.add_statuses(_statuses_of(checks) if checks is not None and len(checks) else {},  # type: ignore[arg-type]
                          reports)

    def add_statuses(self, statuses: dict[str, set[str]], reports: list[str]) -> None:
        """Count ``reports`` (standard-table report ids) by the identity statuses each has in ``statuses``."""
        for report_id in reports:
            found = statuses.get(report_id)
            if not found:
                self.identities["no_tables"] += 1
            elif "broken" in found:
                self.identities["fail"] += 1
            elif found == {"ok"}:
                self.identities["pass"] += 1
            else:
                self.identities["incomplete"] += 1

    def lines(self) -> list[str]:
        """The summary: one line on the files, one on the identities of the standard-table reports."""
        self._flush()
        other = self.files - self.with_figures - self.errors_only
        first = (f"summary: {self.with_figures} of {self.files} files gave figures, "
                 f"{self.errors_only} gave only an error row" + (f", {other} neither" if other else ""))
        ids = self.identities
        standard = sum(ids.values())
        second = (f"summary: {standard} standard-table reports: {ids['pass']} pass their identities, "
                  f"{ids['fail']} fail, {ids['incomplete']} cannot be checked (a blank or missing cell)"
                  + (f", {ids['no_tables']} without tables 三 and 四" if ids["no_tables"] else ""))
        return [first, second]


def tally_processed(folder: Path, jobs: int = 1) -> BatchTally:
    """The summary counts of a processed dataset: its reports table and its identity checks (computed,
    when the dataset has none stored, bucket by bucket of reports on ``jobs`` processes)."""
    from .processed import _derived, load_reports
    from .vocabulary import STANDARD_LAYOUTS

    tally = BatchTally()
    reports = load_reports(folder)
    reports = reports[reports["input_kind"].fillna("report") == "report"] if "input_kind" in reports else reports
    tally.files = len(reports)
    tally.with_figures = int((reports["figures"].fillna(0) > 0).sum())
    tally.errors_only = int(((reports["figures"].fillna(0) == 0) & (reports["errors"].fillna(0) > 0)).sum())
    standard = reports[reports["format_version"].isin(STANDARD_LAYOUTS).fillna(False)]
    ids = [str(r) for r in standard["report_id"]]
    checks = _derived(folder, "checks", ["report_id", "kind", "status"])
    if checks is not None or not ids:
        tally.add_checks(checks, ids)
    else:
        tally.add_statuses(identity_statuses(folder, jobs), ids)
    return tally


def identity_statuses(folder: Path, jobs: int = 1) -> dict[str, set[str]]:
    """Each standard-layout report's identity statuses (report id → {ok, broken, incomplete}) from the
    figures of a dataset folder, as :func:`.checks.identity_checks` gives them on all its figures at once.

    A published dataset is read bucket by bucket of whole reports (``build``'s buckets) on ``jobs``
    processes; a folder of single files, at once.
    """
    from .build import map_tasks, report_buckets
    from .checks import identity_checks
    from .dataset import published_chunks
    from .processed import load_figures
    from .vocabulary import STANDARD_LAYOUTS

    chunks = published_chunks(folder)
    if chunks is None:
        tables = _field_in("table", IDENTITY_TABLES)
        return _statuses_of(identity_checks(load_figures(folder, layouts=list(STANDARD_LAYOUTS), filter=tables)))
    scan = functools.partial(map_tasks, engine="local", jobs=jobs, scheduler=None, client=None)
    statuses: dict[str, set[str]] = {}
    for found in scan(_bucket_statuses, report_buckets(folder, chunks, scan)):
        for key, some in found.items():
            statuses.setdefault(key, set()).update(some)
    return statuses


#: The figure tables identities read (tables 三 and 四).
IDENTITY_TABLES = ("requests", "review_litigation")
#: The figure fields :class:`BatchTally` keeps for identities, after the report's id, file and layout.
_TALLY_FIELDS = ("agency", "report_year", "table", "metric", "applicant", "value", "derived")
_TALLY_FIELDS_OF = operator.attrgetter(*_TALLY_FIELDS)
_TALLY_COLUMNS = ("report_id", "source_file", "format_version", *_TALLY_FIELDS)


def _field_in(name: str, values: tuple[str, ...]) -> object:
    """A pyarrow dataset filter: column ``name`` is one of ``values``."""
    import pyarrow.dataset as ds

    return ds.field(name).isin(list(values))


def _bucket_statuses(bucket: object) -> dict[str, set[str]]:
    """:func:`identity_statuses` of one bucket of whole reports (runs in workers)."""
    from .build import bucket_figures
    from .checks import identity_checks
    from .vocabulary import STANDARD_LAYOUTS

    row_filter = _field_in("table", IDENTITY_TABLES) & _field_in("format_version", STANDARD_LAYOUTS)
    return _statuses_of(identity_checks(bucket_figures(bucket, row_filter)))  # type: ignore[arg-type]


def _statuses_of(checks: object) -> dict[str, set[str]]:
    """Report id → the statuses of its identity rows in a checks table."""
    statuses: dict[str, set[str]] = {}
    identity = checks[checks["kind"] == "identity"]  # type: ignore[index]
    # as plain lists: iterating the Arrow-backed columns cost a call per cell (seconds at scale)
    for report_id, status in zip(identity["report_id"].tolist(), identity["status"].tolist(), strict=True):
        statuses.setdefault(str(report_id), set()).add(str(status))
    return statuses


def _print_summary(tally: BatchTally) -> None:
    for line in tally.lines():
        print(line, file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import extract_paths, iter_report_files
    from .store import FigureCsvWriter

    missing = [p for p in args.paths if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise UsageError("; ".join(f"{p}: no such file or folder" for p in missing))
    files = list(iter_report_files(args.paths))
    if not files:
        raise UsageError(f"no report file found in {', '.join(args.paths)} (looked for {_report_kinds()})")
    if args.dataset is not None:
        dataset_dir = Path(args.dataset)
        if dataset_dir.is_symlink() or (dataset_dir.exists() and not dataset_dir.is_dir()):
            raise UsageError(f"--dataset {args.dataset}: is not a folder")
    output = None
    if args.output is not None:
        identities = input_identities(files)
        output = check_output_file(args.output, identities)
        errors_path = _companion(output, "errors")
        warnings_path = _companion(output, "warnings")
        for companion in (errors_path, warnings_path):
            check_output_file(str(companion), identities)
    if args.dataset is not None:
        from .batch import extract_to_dataset

        summary = extract_to_dataset(args.paths, args.dataset, progress=not args.quiet,
                                     on_failure=_print_failure, **_dataset_options(args))
        if not args.quiet:
            counts = summary.manifest["counts"]
            print(
                f"{summary.files} files ({summary.read} read, {summary.reused} unchanged since the last run), "
                f"{counts['figures']} figures, {len(summary.failures)} failed → {args.dataset} "
                f"in {summary.seconds:.1f} s",
                file=sys.stderr,
            )
            _print_summary(tally_processed(Path(args.dataset), args.jobs))
        if output is None:
            if summary.files and len(summary.failures) >= summary.files:
                print(f"transparency-stats extract: error: every input failed ({len(summary.failures)} of "
                      f"{summary.files})", file=sys.stderr)
                return 1
            return 0
        # the CSV copies what the dataset now holds: nothing is read twice, unchanged files not at all
        return _csv_from_dataset(Path(args.dataset), [str(f) for f in files], output, errors_path,
                                 warnings_path, quiet=args.quiet)
    reports = failed = figures = warnings = 0
    tally = None if args.quiet else BatchTally()  # the summary's counts; -q prints none
    with FigureCsvWriter(output, errors_path, warnings_path) as writer:
        for result in extract_paths(files, progress=not args.quiet, **_batch_options(args)):
            writer.write(result)
            if tally is not None:
                tally.add(result)
            reports += 1
            figures += len(result.figures)
            warnings += sum(i.severity != "error" for i in result.issues)
            errors = [i for i in result.issues if i.severity == "error"]
            if errors:
                failed += 1
                reason = "; ".join(dict.fromkeys(i.message for i in errors))
                print(f"{result.source_file}: error: {reason}", file=sys.stderr)
    if tally is not None:
        print(
            f"{reports} reports, {figures} figures, {failed} failed, {warnings} warnings → {output}"
            f" (errors: {errors_path.name}, warnings: {warnings_path.name})",
            file=sys.stderr,
        )
        _print_summary(tally)
    if failed == reports:
        print(f"transparency-stats extract: error: every input failed ({failed} of {reports}); "
              f"reasons in {errors_path}", file=sys.stderr)
        return 1
    return 0


def _csv_from_dataset(folder: Path, inputs: list[str], output: Path, errors_path: Path, warnings_path: Path,
                      *, quiet: bool) -> int:
    """Write the figures, errors and warnings CSVs of ``extract -o`` from the dataset ``--dataset`` just
    published (rows in input order); 1 when every input failed."""
    from .dataset import published_rows
    from .schema import ISSUE_COLUMNS
    from .store import ISSUE_SEVERITY, FigureCsvWriter

    source = ISSUE_COLUMNS.index("source_file")
    figures = warnings = 0
    failed: set[str] = set()
    with FigureCsvWriter(output, errors_path, warnings_path) as writer:
        for figure_rows, issue_rows in published_rows(folder, inputs):
            writer.write_rows(figure_rows, issue_rows)
            figures += len(figure_rows)
            for row in issue_rows:
                if row[ISSUE_SEVERITY] == "error":
                    failed.add(row[source])
                else:
                    warnings += 1
    reports = len(inputs)
    if not quiet:
        print(f"{reports} reports, {figures} figures, {len(failed)} failed, {warnings} warnings → {output}"
              f" (errors: {errors_path.name}, warnings: {warnings_path.name})", file=sys.stderr)
    if reports and len(failed) >= reports:
        print(f"transparency-stats extract: error: every input failed ({len(failed)} of {reports}); "
              f"reasons in {errors_path}", file=sys.stderr)
        return 1
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    raw = Path(args.raw)
    if not raw.is_dir():
        raise UsageError(f"{args.raw} not found: run `transparency-stats build` in a project folder "
                         "(one with data/raw/) or pass --raw FOLDER")
    processed = Path(args.processed)
    if processed.is_symlink() or (processed.exists() and not processed.is_dir()):
        raise UsageError(f"--processed {args.processed}: is not a folder")
    from .build import build_processed

    summary = build_processed(raw, processed, progress=not args.quiet, csv=args.csv,
                              on_failure=None if args.quiet else _print_failure, **_dataset_options(args))
    if not args.quiet:
        print(summary, file=sys.stderr)
        _print_summary(tally_processed(processed, args.jobs))
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
    processed, notebooks, out = Path(args.processed), Path(args.notebooks), Path(args.out)
    if not notebooks.is_dir():
        raise UsageError(f"{args.notebooks} not found: no notebooks to run (pass --notebooks FOLDER)")
    from .processed import has_figures

    if not processed.is_dir():
        raise UsageError(f"no figures in {args.processed}: the folder is not found; "
                         "run `transparency-stats build` first")
    if not has_figures(processed):
        raise UsageError(f"no figures in {args.processed}: run `transparency-stats build` first")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"--out {args.out}: is not a folder")
    from . import league
    from .publish import (  # slow to import: after the cheap checks
        ExportedPage,
        ReportError,
        export_reports,
        export_tables,
        list_notebooks,
    )

    if not list_notebooks(notebooks):
        raise UsageError(f"no numbered notebooks (NN-name.ipynb) in {args.notebooks}")
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
    league.export_scorecards(league.scorecard_of(processed), out)  # beside notebook 07
    if not args.quiet:
        print(f"{out / 'index.html'}  ({len(pages)} pages, data dictionary, methods)", file=sys.stderr)
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
    parser.add_argument("--rehash", action="store_true",
                        help="with a dataset: hash every file again, even one whose size, times and inode are "
                        "those it had when the last run hashed it")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transparency-stats",
        description="Figures from government information-disclosure annual reports (政府信息公开工作年度报告).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="extract the tidy figures table from report files")
    extract.add_argument("paths", nargs="+", help="report files (.txt .html .htm .md .docx .pdf) or folders")
    extract.add_argument("-o", "--output", help="figures CSV to write (UTF-8 with BOM), with its "
                         ".errors.csv and .warnings.csv beside it")
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
    if args.command == "extract" and args.output is None and args.dataset is None:
        parser.error("extract needs -o FILE.csv (or -o DIR/) or --dataset DIR")
    if getattr(args, "scheduler", None) and args.engine != "dask":
        args.engine = "dask"
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"transparency-stats {args.command}: error: {exc}", file=sys.stderr)
        return 2
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
