"""``data/raw`` → ``data/processed``: figures, issues, checks and metrics, each written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .processed import load_figures, write_processed
from .store import load_batch, write_csv

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
    """Extract ``raw`` and write figures, checks and metrics (Parquet + CSV), errors and warnings."""
    batch = load_batch([raw], progress=progress)
    figures = batch.figures
    write_processed(figures, processed)
    write_csv(batch.errors, processed / "errors.csv")
    write_csv(batch.warnings, processed / "warnings.csv")
    return (
        f"{batch.reports} reports and figure tables → {len(figures)} figures, "
        f"{batch.failed} failed, {len(batch.warnings)} warnings; "
        f"wrote figures, checks, metrics, errors, warnings to {processed}"
    )


def load_processed(processed: str | Path | None = None) -> pd.DataFrame:
    """The figures table written by ``transparency-stats build`` (nullable dtypes).

    Without an argument: ``data/processed`` of the working directory or of this
    checkout.  Raises FileNotFoundError when nothing was built there yet.
    """
    folder = Path(processed) if processed is not None else _repo_processed_dir()
    if not any((folder / f"figures.{ext}").exists() for ext in ("parquet", "csv")):
        raise FileNotFoundError(f"no figures in {folder}: run `transparency-stats build` (or `make report`) first")
    return load_figures(folder)
