"""The functions an analyst calls from ``import transparency_stats as ts``.

``ts.load`` reads reports and figure tables, ``ts.load_processed`` /
``ts.load_metrics`` what ``transparency-stats build`` wrote, ``ts.wide`` turns a
metric into an organ × year table, ``ts.fields`` is the data dictionary.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

__all__ = ["fields", "load", "load_metrics", "wide"]


def load(
    paths: str | Path | Iterable[str | Path], *, progress: bool = False, dedupe: bool = False
) -> pd.DataFrame:
    """The tidy figures table of every report and figure table under ``paths``.

    Report files (.txt .html .htm .md .docx .pdf) are extracted; CSV/XLSX files
    in the tidy layout are validated and merged.  Nullable dtypes: a blank cell
    is NA, never 0.  Files that fail are logged (:func:`transparency_stats.load_batch`
    lists them).

    Raises :class:`FileNotFoundError` for a path that does not exist; warns
    (``UserWarning``) when nothing gave figures, and when an organ and year was
    read from more than one file.  ``dedupe=True`` keeps one report per organ
    and year, by :data:`transparency_stats.checks.DUPLICATE_PREFERENCE`: the one
    with more figures read from tables, then the one with fewer OCR figures,
    then the first file name.
    """
    from . import checks, store

    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    missing = [str(p) for p in items if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    batch = store.load_batch(items, progress=progress)
    for issue in batch.issues:
        if issue.severity == "error":
            log.warning("%s: %s", issue.source_file, issue.message)
    figures = batch.figures
    if figures.empty:
        warnings.warn(f"no figures in {', '.join(map(str, items))}: {batch.reports} report files read, "
                      f"{batch.failed} failed (load_batch(...).errors says why)", UserWarning, stacklevel=2)
        return figures
    dupes = checks.duplicate_reports(figures)
    if not dupes.empty:
        extra = dupes[~dupes["kept"]]
        listed = "; ".join(f"{a} {int(y)}" for a, y in dupes[["agency", "report_year"]].drop_duplicates()
                           .itertuples(index=False))
        if dedupe:
            figures = checks.drop_duplicate_reports(figures)
            log.info("dedupe: left out %d duplicate reports (%s)", len(extra), listed)
        else:
            warnings.warn(f"{len(extra)} reports repeat an organ and year already read ({listed}); "
                          "load(..., dedupe=True) keeps one of each", UserWarning, stacklevel=2)
    return figures


def load_metrics(processed: str | Path | None = None) -> pd.DataFrame:
    """The metrics table of ``transparency-stats build`` (with year-on-year change and compound growth).

    Without an argument: ``data/processed`` of the working directory or of this
    checkout.  Raises :class:`FileNotFoundError` when nothing was built there.
    """
    from .processed import has_figures, load_bundle, resolve_data_dir

    folder = resolve_data_dir(processed)
    if not has_figures(folder):
        raise FileNotFoundError(f"no figures in {folder}: run `transparency-stats build` (or `make report`) first")
    return load_bundle(folder).metrics


def wide(
    metric: str,
    data: pd.DataFrame | None = None,
    *,
    index: str = "agency",
    columns: str = "report_year",
) -> pd.DataFrame:
    """One metric as a table: one row per organ, one column per year (NA where no value).

    ``data`` is a metrics table (:func:`load_metrics`, :func:`compute_metrics`)
    or a figures table (only ``applicant == "total"`` rows are used, chosen as
    metrics choose them); without it, the built metrics are loaded.  A metric
    id unknown to ``data`` raises :class:`KeyError` naming close ids.
    """
    from .schema import select_figures

    if data is None:
        data = load_metrics()
    if "applicant" in data.columns:  # a figures table
        data = select_figures(data, "total")
    rows = data[data["metric"] == metric]
    if rows.empty:
        import difflib

        known = sorted(str(m) for m in data["metric"].dropna().unique())
        close = difflib.get_close_matches(metric, known, n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no rows of metric {metric!r}{hint}")
    rows = rows[rows[index].notna() & rows[columns].notna()]
    # One value per cell: the first non-NA one (a report read twice gives the same organ and year twice).
    rows = rows.assign(_na=rows["value"].isna()).sort_values([index, columns, "_na"], kind="stable")
    rows = rows.drop_duplicates([index, columns])
    table = rows.pivot(index=index, columns=columns, values="value").astype("Float64")
    table.columns.name = columns
    return table.sort_index(axis=0).sort_index(axis=1)


def fields() -> pd.DataFrame:
    """The data dictionary: every metric id with its table, unit (code, zh, en), zh/en labels and meaning."""
    from .registry import fields as registry_fields

    return registry_fields()
