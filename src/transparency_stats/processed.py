"""The processed data folder as notebooks see it: figures, reports, checks and metrics.

``data/processed`` is the dataset folder ``transparency-stats build`` publishes
(see :mod:`.dataset`): figures as Parquet partitioned by report year and layout,
a reports table, errors and warnings, checks and metrics, and a manifest naming
them.  Readers see only what the manifest names.  Checks and metrics are
computed from the figures when not stored, so a notebook always gets all three;
an empty or missing folder gives empty tables (a notebook then says there is no
data) rather than an error.  A folder of single files (``figures.parquet`` or
``figures.csv``, as older builds wrote) is still read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from . import dataset
from .checks import empty_checks
from .metrics import empty_metrics
from .schema import coerce_figures, empty_figures

DEFAULT_PROCESSED = Path("data/processed")


@dataclass
class Processed:
    """The three tables of a processed folder."""

    figures: pd.DataFrame
    checks: pd.DataFrame
    metrics: pd.DataFrame
    folder: Path

    @property
    def empty(self) -> bool:
        return self.figures.empty


def resolve_data_dir(data_dir: str | Path | None = None, start: str | Path | None = None) -> Path:
    """The processed folder meant by ``data_dir`` (default ``data/processed``).

    A relative path is tried relative to ``start`` (default: the working
    directory), to a ``notebooks/`` folder of it or of any parent (notebooks say
    ``DATA_DIR = "../data/processed"``), and, for the default, in the checkout
    this package lives in.  Returns the first existing candidate, else the path
    relative to ``start``.
    """
    path = Path(data_dir if data_dir is not None else DEFAULT_PROCESSED).expanduser()
    if path.is_absolute():
        return path
    base = Path(start) if start is not None else Path.cwd()
    candidates = [base / path]
    for parent in [base, *base.resolve().parents]:
        candidates.append(parent / "notebooks" / path)
    if data_dir is None:
        candidates += [parent / DEFAULT_PROCESSED for parent in Path(__file__).resolve().parents]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return (base / path).resolve()


def _read_single(folder: Path, name: str) -> pd.DataFrame | None:
    parquet = folder / f"{name}.parquet"
    if parquet.exists():
        return pd.read_parquet(parquet)
    csv = folder / f"{name}.csv"
    if csv.exists():
        return pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    return None


def has_figures(folder: str | Path) -> bool:
    """Whether a build published figures in ``folder``."""
    folder = Path(folder)
    return dataset.read_manifest(folder) is not None or any(
        (folder / f"figures.{ext}").exists() for ext in ("parquet", "csv"))


def load_figures(
    data_dir: str | Path | None = None,
    *,
    years: Iterable[int] | None = None,
    layouts: Iterable[str] | None = None,
    filter: ds.Expression | None = None,
) -> pd.DataFrame:
    """The figures table of a processed folder (empty when there is none).

    ``years`` and ``layouts`` prune partitions; ``filter`` (a pyarrow
    expression, e.g. ``pyarrow.dataset.field("metric") == "requests_received"``)
    is pushed down to the Parquet files.
    """
    folder = resolve_data_dir(data_dir)
    if dataset.read_manifest(folder) is not None:
        return dataset.read_figures(folder, years=years, layouts=layouts, filter=filter)
    frame = _read_single(folder, "figures")
    if frame is None:
        return empty_figures()
    frame = coerce_figures(frame)
    if years is not None:
        frame = frame[frame["report_year"].isin([int(y) for y in years])]
    if layouts is not None:
        frame = frame[frame["format_version"].isin(list(layouts))]
    if filter is not None:
        import pyarrow as pa

        table = pa.Table.from_pandas(frame, preserve_index=False).filter(filter)
        frame = coerce_figures(table.to_pandas(types_mapper=dataset._PANDAS_TYPES.get))
    return frame.reset_index(drop=True)


def load_processed(
    processed: str | Path | None = None,
    *,
    years: Iterable[int] | None = None,
    layouts: Iterable[str] | None = None,
    filter: ds.Expression | None = None,
) -> pd.DataFrame:
    """The figures table written by ``transparency-stats build`` (nullable dtypes).

    Without an argument: ``data/processed`` of the working directory or of this
    checkout.  ``years``, ``layouts`` and ``filter`` as in :func:`load_figures`.
    Raises FileNotFoundError when nothing was built there yet.
    """
    folder = resolve_data_dir(processed)
    if not has_figures(folder):
        raise FileNotFoundError(f"no figures in {folder}: run `transparency-stats build` (or `make report`) first")
    return load_figures(folder, years=years, layouts=layouts, filter=filter)


def load_reports(processed: str | Path | None = None, *, filter: ds.Expression | None = None) -> pd.DataFrame:
    """The reports table of a build: one row per report file (id, file, hash, organ, year, layout,
    status, counts) and every per-report fact the extractor recorded (e.g. ``published_on``).
    """
    folder = resolve_data_dir(processed)
    if dataset.read_manifest(folder) is None:
        raise FileNotFoundError(f"no reports table in {folder}: run `transparency-stats build` first")
    return dataset.read_table(folder, "reports", filter=filter)


def load_issues(processed: str | Path | None = None) -> pd.DataFrame:
    """Errors and warnings of a build (column ``severity``)."""
    folder = resolve_data_dir(processed)
    return dataset.read_table(folder, "issues")


def _derived(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    manifest = dataset.read_manifest(folder)
    if manifest is not None:
        relative = manifest.get("tables", {}).get(name)
        if relative and (folder / relative).exists():
            return pd.read_parquet(folder / relative, columns=columns)
        return None
    frame = _read_single(folder, name)
    return frame if frame is None or columns is None else frame[columns]


def load_bundle(data_dir: str | Path | None = None) -> Processed:
    """Figures, checks and metrics of a processed folder (computed when not stored)."""
    folder = resolve_data_dir(data_dir)
    figures = load_figures(folder)
    if figures.empty:
        return Processed(figures, empty_checks(), empty_metrics(), folder)
    checks = _derived(folder, "checks")
    metrics = _derived(folder, "metrics")
    stale_checks = checks is None or not set(empty_checks().columns) <= set(checks.columns)
    stale_metrics = metrics is None or not set(empty_metrics().columns) <= set(metrics.columns)
    if stale_checks or stale_metrics:
        from .build import derived_tables

        derived = derived_tables(figures)
    checks = derived["checks"] if stale_checks else _retype(checks, empty_checks())
    metrics = derived["metrics"] if stale_metrics else _retype(metrics, empty_metrics())
    return Processed(figures, checks, metrics, folder)


def _retype(frame: pd.DataFrame, template: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column, dtype in template.dtypes.items():
        if str(dtype) in ("Float64", "Int64"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(str(dtype))
        elif str(dtype) == "boolean":
            frame[column] = frame[column].astype("boolean")
        else:
            frame[column] = frame[column].astype("string")
    return frame


def write_processed(figures: pd.DataFrame, out_dir: str | Path) -> Path:
    """Publish a figures table as a processed folder (dataset, checks, metrics, CSV copies)."""
    from .build import write_csv_copies, write_derived
    from .dataset import (
        DatasetRun,
        InputFile,
        chunk_id_for,
        figures_table_from_frame,
        issues_table,
        write_chunk,
    )

    folder = Path(out_dir)
    figures = coerce_figures(figures)
    source = InputFile("<figures table>", "", 0, "figure_table")
    with DatasetRun(folder, "frame") as run:
        table = figures_table_from_frame(figures)
        run.add(write_chunk(folder, chunk_id_for([source], run.run_id), "frame", [source], table, [],
                            issues_table([])))
        extra = write_derived(run)
        run.derived_tables = extra["tables"]  # type: ignore[attr-defined]
        extra["csv"] = write_csv_copies(run)
        run.publish(extra={k: v for k, v in extra.items() if k != "derived_parts"}, derived=extra["derived_parts"])
    return folder


def subset(frame: pd.DataFrame, organs: list[str] | None = None, years: list[int] | None = None) -> pd.DataFrame:
    """Rows of ``frame`` for some organs (matched by canonical name) and report years; None keeps all."""
    from .checks import canonical_agency

    out = frame
    if organs is not None and "agency" in out.columns:
        wanted = {canonical_agency(o) for o in organs}
        out = out[out["agency"].map(canonical_agency).isin(wanted)]
    if years is not None and "report_year" in out.columns:
        out = out[out["report_year"].isin([int(y) for y in years])]
    return out.reset_index(drop=True)
