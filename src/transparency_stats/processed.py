"""The processed data folder as notebooks see it: figures, checks and metrics.

``data/processed`` holds ``figures.parquet`` (and CSV copies) written by
``transparency-stats build``; checks and metrics are read when present and
computed from the figures otherwise, so a notebook always gets all three.  An
empty or missing folder gives empty tables (a notebook then says there is no
data) rather than an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .checks import empty_checks, run_checks
from .metrics import cagr, compute_metrics, empty_metrics, yoy_change
from .schema import coerce_figures, empty_figures


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


def resolve_data_dir(data_dir: str | Path, start: str | Path | None = None) -> Path:
    """Find ``data_dir`` whether given relative to ``start`` (default: the working directory),
    to a ``notebooks/`` folder, or to the repository root.

    Notebooks say ``DATA_DIR = "../data/processed"``; this makes that work when
    the kernel runs in ``notebooks/``, in the repository root, or anywhere below it.
    Returns the first existing candidate, else the path relative to ``start``.
    """
    path = Path(data_dir).expanduser()
    if path.is_absolute():
        return path
    base = Path(start) if start is not None else Path.cwd()
    candidates = [base / path]
    for parent in [base, *base.resolve().parents]:
        candidates.append(parent / "notebooks" / path)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return (base / path).resolve()


def _read_table(folder: Path, name: str) -> pd.DataFrame | None:
    parquet = folder / f"{name}.parquet"
    if parquet.exists():
        return pd.read_parquet(parquet)
    csv = folder / f"{name}.csv"
    if csv.exists():
        return pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    return None


def load_figures(data_dir: str | Path) -> pd.DataFrame:
    """The figures table of a processed folder (empty when there is none)."""
    folder = resolve_data_dir(data_dir)
    frame = _read_table(folder, "figures")
    return empty_figures() if frame is None else coerce_figures(frame)


def load_bundle(data_dir: str | Path) -> Processed:
    """Figures, checks and metrics of a processed folder (computed when not stored)."""
    folder = resolve_data_dir(data_dir)
    figures = load_figures(folder)
    if figures.empty:
        return Processed(figures, empty_checks(), empty_metrics(), folder)
    checks = _read_table(folder, "checks")
    metrics = _read_table(folder, "metrics")
    stale_checks = checks is None or not set(empty_checks().columns) <= set(checks.columns)
    stale_metrics = metrics is None or not set(empty_metrics().columns) <= set(metrics.columns)
    if stale_checks or stale_metrics:
        derived = derived_tables(figures)
    checks = derived["checks"] if stale_checks else _retype(checks, empty_checks())
    metrics = derived["metrics"] if stale_metrics else _retype(metrics, empty_metrics())
    return Processed(figures, checks, metrics, folder)


def _retype(frame: pd.DataFrame, template: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column, dtype in template.dtypes.items():
        if str(dtype) in ("Float64", "Int64"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(str(dtype))
        else:
            frame[column] = frame[column].astype("string")
    return frame


def derived_tables(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Checks and metrics (with year-on-year change and compound growth) computed from the figures."""
    metrics = compute_metrics(figures)
    growth = [frame for frame in (yoy_change(metrics), cagr(metrics)) if len(frame)]
    if growth:
        metrics = pd.concat([metrics, *growth], ignore_index=True)
    return {"checks": run_checks(figures), "metrics": metrics}


def write_processed(figures: pd.DataFrame, out_dir: str | Path) -> Path:
    """Write figures, checks and metrics (Parquet + CSV with BOM, each atomically) to ``out_dir``."""
    from .store import write_csv, write_parquet

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    figures = coerce_figures(figures)
    tables = {"figures": figures, **derived_tables(figures)}
    for name, frame in tables.items():
        write_parquet(frame, folder / f"{name}.parquet")
        write_csv(frame, folder / f"{name}.csv")
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
