"""``data/raw`` → ``data/processed``: the figures dataset, then checks and metrics, published as one run.

Checks and metrics come in two stages, so memory depends on a bucket of
reports, never on an organ or the corpus:

1. **Per report**, bucket by bucket: a bucket is a run of consecutive chunks
   (about :data:`BUCKET_ROWS` figure rows; a chunk holds whole reports), read
   where the workers wrote it, never copied (:func:`report_buckets`); each
   bucket gives, on a worker, its identity checks and metrics (written out as
   they come) and three small
   tables: one summary row per report (the few figures cross-year checks
   compare), one row per report file (for duplicates), and each organ's
   candidate value per metric and year (for growth).
2. **Across reports**, on those small tables only: cross-year and duplicate
   checks, year-on-year change and compound growth.

The rows are those :func:`derived_tables` gives on all the figures at once.
When the chunks of a run are those the previous checks were computed from,
they are kept as they are.
"""

from __future__ import annotations

import functools
import hashlib
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .dataset import FIGURE_SCHEMA, Chunk, DatasetRun, figure_report_keys, read_manifest
from .schema import coerce_figures

#: Figure rows per bucket when checks and metrics are computed (bounds build memory).
BUCKET_ROWS = 150_000
#: ``--csv auto`` writes CSV copies up to this many reports.
CSV_AUTO_REPORTS = 5_000
LEGACY_FILES = ("figures.parquet", "checks.parquet", "metrics.parquet")
CSV_TABLES = ("figures", "checks", "metrics", "reports", "errors", "warnings")
#: Order of the metrics table before series are taken from it (as :func:`.metrics.compute_metrics` sorts).
_METRIC_ORDER = ["agency", "report_year", "report_id", "metric"]


def derived_tables(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Checks and metrics (with year-on-year change and compound growth) computed from the figures."""
    from .checks import run_checks
    from .metrics import cagr, compute_metrics, yoy_change

    metrics = compute_metrics(figures)
    growth = [frame for frame in (yoy_change(metrics), cagr(metrics)) if len(frame)]
    if growth:
        metrics = pd.concat([metrics, *growth], ignore_index=True)
    return {"checks": run_checks(figures), "metrics": metrics}


def report_stage(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """What the figures of whole reports give on their own (any bucket of reports).

    ``checks`` (identities) and ``metrics`` are final rows; ``summaries``,
    ``instances`` and ``series`` are the small inputs of :func:`cross_report_stage`.
    """
    from .checks import identity_checks, report_instances, report_summaries
    from .metrics import compute_metrics
    from .series import series_values

    metrics = compute_metrics(figures)
    return {"checks": identity_checks(figures), "metrics": metrics, "summaries": report_summaries(figures),
            "instances": report_instances(figures), "series": series_values(metrics)}


def cross_report_stage(summaries: pd.DataFrame, instances: pd.DataFrame,
                       series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Cross-year and duplicate checks, year-on-year change and growth, from the small tables of
    :func:`report_stage` of every bucket (concatenated in any order).
    """
    from .checks import cross_year_checks_from, duplicate_checks_from
    from .metrics import cagr, empty_metrics, yoy_change

    checks = [cross_year_checks_from(summaries, instances), duplicate_checks_from(instances)]
    if len(series):
        # the order compute_metrics gives: the series keep, per organ, metric and year, the first value
        series = series.sort_values(_METRIC_ORDER, kind="stable").reset_index(drop=True)
        growth = [yoy_change(series), cagr(series)]
    else:
        growth = [empty_metrics()]
    return {"checks": [c for c in checks if len(c)], "metrics": [g for g in growth if len(g)]}


def _arrow_schema(template: pd.DataFrame) -> pa.Schema:
    types = {"Int64": pa.int64(), "Float64": pa.float64(), "boolean": pa.bool_()}
    return pa.schema([(c, types.get(str(t), pa.string())) for c, t in template.dtypes.items()])


def derived_schemas() -> dict[str, pa.Schema]:
    """The Arrow schemas of the checks and metrics tables."""
    return dict(_derived_schemas())


@functools.lru_cache(maxsize=1)
def _derived_schemas() -> dict[str, pa.Schema]:
    from .checks import empty_checks
    from .metrics import empty_metrics

    return {"checks": _arrow_schema(empty_checks()), "metrics": _arrow_schema(empty_metrics())}


#: Columns the checks and metrics read (the others are left blank in the workers: less to carry).
DERIVE_COLUMNS = ("report_id", "source_file", "agency", "report_year", "format_version", "table", "metric",
                  "applicant", "value", "derived", "read_via")


@dataclass(frozen=True)
class ReportBucket:
    """Figure part files to derive from: every row of them, or only the rows of the reports ``only``
    names, less those of the reports ``without`` names (reports are keyed by report_id, else file).
    """

    files: tuple[str, ...]
    without: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None



def _group_keys(task: tuple[int, list[str]]) -> tuple[int, list[str]]:
    """The reports (keys) whose rows are in one group of part files (runs in workers)."""
    index, files = task
    keys: set[str] = set()
    for path in files:
        keys.update(pc.unique(figure_report_keys(pq.read_table(path, columns=["report_id", "source_file"]))).to_pylist())
    return index, sorted(keys)


def report_buckets(folder: Path, chunks: list[Chunk], mapper: Callable | None = None) -> list[ReportBucket]:
    """The run's figures as buckets of whole reports, about :data:`BUCKET_ROWS` rows each, without copying.

    Consecutive chunks make a bucket (a chunk holds whole reports).  A report whose
    rows are in more than one bucket (the same file twice in different chunks, a
    figure table naming a report of another input) is left out of those buckets
    and gets buckets of its own, which read only its rows.  ``mapper(func, tasks)``
    runs the scan of report keys (default: here, one after another).
    """
    groups: list[list[str]] = []
    sealed: list[set[str] | None] = []  # a group's report keys, from its chunks' seals when all record them
    rows = BUCKET_ROWS
    for chunk in chunks:
        parts = sorted(str(folder / p) for p in chunk.parts if p.startswith("figures/"))
        if not parts:
            continue
        if rows + chunk.counts.get("figures", 0) > BUCKET_ROWS:
            groups.append([])
            sealed.append(set())
            rows = 0
        groups[-1].extend(parts)
        if sealed[-1] is not None and chunk.report_keys is not None:
            sealed[-1].update(chunk.report_keys)
        else:
            sealed[-1] = None
        rows += chunk.counts.get("figures", 0)
    # the part files are read for the keys only of groups with a seal that does not record them
    scans = [(index, files) for index, files in enumerate(groups) if sealed[index] is None]
    found = [(index, sorted(keys)) for index, keys in enumerate(sealed) if keys is not None]
    seen: dict[str, int] = {}
    shared: dict[str, set[int]] = {}
    scanned = list((mapper or map)(_group_keys, scans)) if scans else []
    for index, keys in sorted(found + scanned):
        for key in keys:
            first = seen.setdefault(key, index)
            if first != index:
                shared.setdefault(key, {first}).add(index)
    without: dict[int, list[str]] = {}
    for key, where in shared.items():
        for index in where:
            without.setdefault(index, []).append(key)
    buckets = [ReportBucket(tuple(files), tuple(sorted(without.get(index, []))))
               for index, files in enumerate(groups)]
    if shared:
        per_report = max(1, sum(c.counts.get("figures", 0) for c in chunks) // max(1, len(seen)))
        keys = sorted(shared)
        step = max(1, BUCKET_ROWS // per_report)
        for start in range(0, len(keys), step):
            some = keys[start:start + step]
            files = sorted({f for k in some for index in shared[k] for f in groups[index]})
            buckets.append(ReportBucket(tuple(files), only=tuple(some)))
    return buckets


def bucket_figures(bucket: ReportBucket, row_filter: ds.Expression | None = None) -> pd.DataFrame:
    """The figures of one bucket (those ``row_filter`` keeps, if given) with the columns checks and metrics
    read (the others blank)."""
    table = ds.dataset(list(bucket.files), schema=FIGURE_SCHEMA, format="parquet").to_table(
        columns=list(DERIVE_COLUMNS), filter=row_filter)
    if bucket.only is not None:
        table = table.filter(pc.is_in(figure_report_keys(table), value_set=pa.array(bucket.only, pa.string())))
    if bucket.without:
        table = table.filter(pc.invert(pc.is_in(figure_report_keys(table),
                                                value_set=pa.array(bucket.without, pa.string()))))
    return derive_frame(table)


def derive_frame(table: pa.Table) -> pd.DataFrame:
    """Figures read with the columns checks and metrics read (:data:`DERIVE_COLUMNS`) as the DataFrame they
    take, the other columns blank; in one Arrow chunk per column (a take over the part files' many chunks
    costs more than the checks)."""
    for name in FIGURE_SCHEMA.names:
        if name not in DERIVE_COLUMNS:
            table = table.append_column(FIGURE_SCHEMA.field(name), pa.nulls(table.num_rows, FIGURE_SCHEMA.field(name).type))
    table = table.select(FIGURE_SCHEMA.names).combine_chunks()
    return coerce_figures(table.to_pandas(types_mapper=_pandas_type))


def derive(bucket: ReportBucket) -> dict:
    """:func:`report_stage` of one bucket of whole reports (runs in workers).

    Checks and metrics come back as Arrow tables, the small tables as DataFrames.
    """
    out = report_stage(bucket_figures(bucket))
    schemas = derived_schemas()
    for name, schema in schemas.items():
        out[name] = pa.Table.from_pandas(out[name][schema.names], schema=schema, preserve_index=False)
    return out


def map_tasks(func: Callable, tasks: list, *, engine: str, jobs: int, scheduler: str | None, client: object | None,
              ordered: bool = False):
    """``func`` over ``tasks`` on the run's engine, results as they come, or in task order when ``ordered``.

    In order, at most ``2 × jobs`` tasks run or wait ahead of the next result due (at least 4), so
    the results held back for order never grow with the number of tasks.
    """
    window = max(4, 2 * jobs) if ordered else len(tasks)
    if engine == "dask":
        from distributed import as_completed

        from .batch import dask_session

        with dask_session(scheduler, jobs, client) as session:
            if not ordered:
                for future in as_completed([session.submit(func, task, pure=False) for task in tasks]):
                    yield future.result()
                return
            yield from _in_order(lambda task: session.submit(func, task, pure=False), tasks, window)
    elif jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield func(task)
    else:
        from concurrent.futures import FIRST_COMPLETED, wait

        from pebble import ProcessPool

        with ProcessPool(max_workers=jobs) as pool:
            if ordered:
                yield from _in_order(lambda task: pool.schedule(func, args=(task,)), tasks, window)
                return
            pending = {pool.schedule(func, args=(task,)) for task in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()


def _in_order(submit: Callable, tasks: list, window: int):
    """Results of ``submit(task)`` futures in task order, with at most ``window`` submitted and not yet yielded."""
    from collections import deque
    from itertools import islice

    upcoming = iter(tasks)
    ahead = deque(map(submit, islice(upcoming, window)))
    while ahead:
        result = ahead.popleft().result()
        ahead.extend(map(submit, islice(upcoming, 1)))  # the next task, if any, takes its place
        yield result


def _pandas_type(arrow_type: pa.DataType) -> object:
    return {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
            pa.bool_(): pd.BooleanDtype()}.get(arrow_type)


@functools.lru_cache(maxsize=1)
def derivation_version() -> str:
    """Hash of the package's code: checks and metrics are recomputed when any of it changes."""
    from .batch import package_digest, package_sources

    return package_digest(package_sources())


def _peak_rss_mib(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def write_derived(
    run: DatasetRun, *, engine: str = "local", jobs: int = 1, scheduler: str | None = None,
    client: object | None = None,
) -> dict:
    """Checks and metrics of the run's figures as Parquet under ``derived/<run>/``: per report bucket by
    bucket on the run's engine, then across reports (see the module docstring); kept as they are when
    neither the figures nor the code changed.
    """
    folder = run.folder
    basis = hashlib.sha256(("\n".join(sorted(run.chunks)) + run.extractor + derivation_version()).encode())
    basis = basis.hexdigest()[:20]
    previous = read_manifest(folder) or {}
    if previous.get("derived_basis") == basis and all((folder / p).exists() for p in previous.get("derived", [])):
        return {"derived_parts": previous["derived"], "derived_basis": basis,
                "tables": previous.get("tables", {})}
    workers_before = _peak_rss_mib(resource.RUSAGE_CHILDREN)
    schemas = derived_schemas()
    relative = {name: f"derived/{run.run_id}/{name}.parquet" for name in schemas}
    (folder / "derived" / run.run_id).mkdir(parents=True, exist_ok=True)
    writers = {name: pq.ParquetWriter(str(folder / relative[name]) + ".tmp", schema)
               for name, schema in schemas.items()}
    small: dict[str, list[pd.DataFrame]] = {"summaries": [], "instances": [], "series": []}
    try:
        from . import checks, metrics, series  # noqa: F401  (imported once here, not in every forked worker)

        # the key scan on the local pool (a Dask session is opened once, for the buckets)
        scan = functools.partial(map_tasks, engine="local", jobs=jobs, scheduler=None, client=None)
        tasks = report_buckets(folder, [run.chunks[c] for c in sorted(run.chunks)],
                               scan if engine == "local" else None)
        # in bucket order, so that the files are the same on every run whatever the engine and workers
        for tables in map_tasks(derive, tasks, engine=engine, jobs=jobs, scheduler=scheduler, client=client,
                                ordered=True):
            for name in schemas:
                if tables[name].num_rows:
                    writers[name].write_table(tables[name])
            for name, frames in small.items():
                if len(tables[name]):
                    frames.append(tables[name])
        if small["summaries"] or small["instances"]:
            from .checks import SUMMARY_COLUMNS, report_instances

            merged = {name: pd.concat(frames, ignore_index=True) if frames else None
                      for name, frames in small.items()}
            summaries = merged["summaries"] if merged["summaries"] is not None else \
                pd.DataFrame(columns=SUMMARY_COLUMNS)
            instances = merged["instances"] if merged["instances"] is not None else \
                report_instances(pd.DataFrame())
            series = merged["series"] if merged["series"] is not None else pd.DataFrame()
            across = cross_report_stage(summaries, instances, series)
            for name, frames in across.items():
                for frame in frames:
                    writers[name].write_table(pa.Table.from_pandas(frame[schemas[name].names], schema=schemas[name],
                                                                   preserve_index=False))
    finally:
        for writer in writers.values():
            writer.close()
    for path in relative.values():
        Path(str(folder / path) + ".tmp").replace(folder / path)
    peak = {"main process": _peak_rss_mib(resource.RUSAGE_SELF), "extract workers": workers_before,
            "all workers": _peak_rss_mib(resource.RUSAGE_CHILDREN)}
    return {"derived_parts": sorted(relative.values()), "derived_basis": basis, "tables": relative,
            "peak_rss_mib": peak}


def write_csv_copies(run: DatasetRun) -> list[str]:
    """CSV copies (UTF-8 with BOM) of the run's tables beside the dataset, renamed into place together."""
    from .dataset import ISSUE_SCHEMA
    from .store import atomic_text

    folder = run.folder
    parts = [p for c in run.chunks.values() for p in c.parts]
    manifest_tables = getattr(run, "derived_tables", {})
    sources: dict[str, Callable[[], Iterator[pd.DataFrame]]] = {
        "figures": lambda: _frames([folder / p for p in parts if p.startswith("figures/")], FIGURE_SCHEMA),
        "checks": lambda: _frames([folder / manifest_tables["checks"]], None),
        "metrics": lambda: _frames([folder / manifest_tables["metrics"]], None),
        "reports": lambda: _report_frames(folder, [p for p in parts if p.startswith("reports/")]),
        "errors": lambda: _issue_frames([folder / p for p in parts if p.startswith("issues/")], ISSUE_SCHEMA, True),
        "warnings": lambda: _issue_frames([folder / p for p in parts if p.startswith("issues/")], ISSUE_SCHEMA,
                                          False),
    }
    staged = []
    managers = []
    try:
        for name, frames in sources.items():
            manager = atomic_text(folder / f"{name}.csv")
            handle = manager.__enter__()
            managers.append(manager)
            header = True
            for frame in frames():
                frame.to_csv(handle, index=False, header=header)
                header = False
            if header:
                handle.write(",".join(_empty_columns(name)) + "\n")
            staged.append(f"{name}.csv")
    except BaseException as exc:
        for manager in managers:
            manager.__exit__(type(exc), exc, None)
        raise
    for manager in managers:  # the renames, one after another, once every copy is complete
        manager.__exit__(None, None, None)
    return staged


def _empty_columns(name: str) -> list[str]:
    from .dataset import REPORT_COLUMNS
    from .schema import FIGURE_COLUMNS, ISSUE_COLUMNS

    if name == "figures":
        return FIGURE_COLUMNS
    if name in ("errors", "warnings"):
        return ISSUE_COLUMNS
    if name == "reports":
        return list(REPORT_COLUMNS)
    return derived_schemas()[name].names


def _frames(files: list[Path], schema: pa.Schema | None) -> Iterator[pd.DataFrame]:
    files = [f for f in files if f.exists()]
    if not files:
        return
    dataset = ds.dataset([str(f) for f in files], schema=schema, format="parquet")
    for batch in dataset.to_batches(batch_size=100_000):
        if batch.num_rows:
            yield batch.to_pandas(types_mapper=_pandas_type)


def _issue_frames(files: list[Path], schema: pa.Schema, errors: bool) -> Iterator[pd.DataFrame]:
    for frame in _frames(files, schema):
        chosen = frame[(frame["severity"] == "error") == errors]
        if len(chosen):
            yield chosen


def _report_frames(folder: Path, parts: list[str]) -> Iterator[pd.DataFrame]:
    from .dataset import read_table

    if not parts:
        return
    # the reports table is one row per report: small enough to read at once
    frame = read_table(folder, "reports", files=[folder / p for p in parts])
    if len(frame):
        yield frame


def build_processed(
    raw: Path,
    processed: Path,
    *,
    progress: bool = True,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    timeout: float | None = None,
    csv: str = "auto",
    client: object | None = None,
    on_failure: Callable[[str, str], None] | None = None,
    rehash: bool = False,
) -> str:
    """Extract ``raw`` (reports and figure tables) into the ``processed`` dataset, incrementally,
    with checks and metrics; CSV copies when ``csv`` is ``yes`` (or ``auto`` and the run is small).
    """
    from .batch import DEFAULT_TIMEOUT, extract_to_dataset

    raw, processed = Path(raw), Path(processed)
    if not raw.is_dir():
        raise FileNotFoundError(f"{raw} not found (a folder of reports and figure tables)")

    timings: dict[str, float] = {}

    def finish(run: DatasetRun) -> dict:
        started = time.monotonic()
        derived = write_derived(run, engine=engine, jobs=jobs, scheduler=scheduler, client=client)
        timings["checks and metrics"] = time.monotonic() - started
        run.derived_tables = derived["tables"]  # type: ignore[attr-defined]
        reports = sum(c.counts.get("reports", 0) for c in run.chunks.values())
        wanted = csv == "yes" or (csv == "auto" and reports <= CSV_AUTO_REPORTS)
        if wanted:
            derived["csv"] = write_csv_copies(run)
        else:
            for name in CSV_TABLES:  # stale copies of an earlier run would mislead
                (processed / f"{name}.csv").unlink(missing_ok=True)
            derived["csv"] = []
        for name in LEGACY_FILES:
            (processed / name).unlink(missing_ok=True)
        timings["csv copies"] = time.monotonic() - started - timings["checks and metrics"]
        derived["seconds"] = {k: round(v, 2) for k, v in timings.items()}
        return derived

    summary = extract_to_dataset(
        [raw], processed, figure_tables=True, progress=progress, jobs=jobs, engine=engine,
        scheduler=scheduler, timeout=DEFAULT_TIMEOUT if timeout is None else timeout, client=client,
        on_failure=on_failure, before_publish=finish, rehash=rehash,
    )
    counts = summary.manifest["counts"]
    failed = len(summary.failures)
    return (
        f"{summary.files} reports and figure tables ({summary.read} read, {summary.reused} unchanged) → "
        f"{counts['figures']} figures, {failed} failed in this run, {summary.warnings} warnings in this run; "
        f"published figures, reports, issues, checks, metrics to {processed} in {summary.seconds:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in timings.items())})"
    )
