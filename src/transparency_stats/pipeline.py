"""``data/raw`` → ``data/processed``: figures, issues, checks and metrics, each written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .processed import load_figures
from .store import load_batch, write_csv, write_parquet

DEFAULT_PROCESSED = Path("data/processed")


def _repo_processed_dir() -> Path:
    """``data/processed`` of the working directory, or of the checkout this package lives in."""
    here = Path.cwd() / DEFAULT_PROCESSED
    if here.exists():
        return here
    for parent in Path(__file__).resolve().parents:
        candidate = parent / DEFAULT_PROCESSED
        if candidate.exists():
            return candidate
    return here


def build_processed(raw: Path, processed: Path, *, progress: bool = True) -> str:
    """Extract ``raw`` and write figures (Parquet + CSV), errors, warnings, checks and metrics."""
    batch = load_batch([raw], progress=progress)
    figures = batch.figures
    processed.mkdir(parents=True, exist_ok=True)
    write_parquet(figures, processed / "figures.parquet")
    write_csv(figures, processed / "figures.csv")
    write_csv(batch.errors, processed / "errors.csv")
    write_csv(batch.warnings, processed / "warnings.csv")
    outputs = ["figures", "errors", "warnings"]
    for name, frame in derived_tables(figures).items():
        write_parquet(frame, processed / f"{name}.parquet")
        write_csv(frame, processed / f"{name}.csv")
        outputs.append(name)
    return (
        f"{batch.reports} reports and figure tables → {len(figures)} figures, "
        f"{batch.failed} failed, {len(batch.warnings)} warnings; wrote {', '.join(outputs)} to {processed}"
    )


def derived_tables(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Checks and metrics (with year-on-year change and compound growth) computed from the figures."""
    from .checks import run_checks
    from .metrics import cagr, compute_metrics, yoy_change

    metrics = compute_metrics(figures)
    growth = [frame for frame in (yoy_change(metrics), cagr(metrics)) if len(frame)]
    if growth:
        metrics = pd.concat([metrics, *growth], ignore_index=True)
    return {"checks": run_checks(figures), "metrics": metrics}


def load_processed(processed: str | Path | None = None) -> pd.DataFrame:
    """The figures table written by ``transparency-stats build`` (nullable dtypes).

    Without an argument: ``data/processed`` of the working directory or of this
    checkout.  Raises FileNotFoundError when nothing was built there yet.
    """
    folder = Path(processed) if processed is not None else _repo_processed_dir()
    if not any((folder / f"figures.{ext}").exists() for ext in ("parquet", "csv")):
        raise FileNotFoundError(f"no figures in {folder}: run `transparency-stats build` (or `make report`) first")
    return load_figures(folder)
