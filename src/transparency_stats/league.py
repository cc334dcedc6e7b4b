"""Scorecards for reading: league tables per peer group, failures, and a processed folder's scorecards.

Views of :func:`.quality.scorecard`'s table for notebook 07 and the ``report``
command, and the inputs it reads from a processed folder (the reports table,
``reference_reports.csv`` of the raw folder beside it, the warnings).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .quality import STATUSES, WEIGHTS_PATH, load_weights, scorecard


def totals(cards: pd.DataFrame) -> pd.DataFrame:
    """One row per report: its total score and counts, ranked within peer group and year (1 = best)."""
    out = cards[cards["criterion"] == "total"].copy()
    out["peer_group"] = out["peer_group"].fillna("?")
    out["rank"] = (out.groupby(["peer_group", "report_year"], dropna=False)["score"]
                   .rank(method="min", ascending=False).astype("Int64"))
    columns = ["peer_group", "report_year", "rank", "organ", "score", "points", "weight", "detail",
               "published_on", "format_version", "report_id"]
    return out.sort_values(["peer_group", "report_year", "rank", "organ"])[columns].reset_index(drop=True)


def league_table(cards: pd.DataFrame) -> pd.DataFrame:
    """Organs ranked within peer group and year (best report of an organ-year when there are copies).

    Reports whose organ is not known are scored but not ranked.
    """
    table = totals(cards[cards["organ"].notna()]).sort_values("score", ascending=False, kind="stable")
    table = table.drop_duplicates(["peer_group", "report_year", "organ"])
    table["rank"] = (table.groupby(["peer_group", "report_year"], dropna=False)["score"]
                     .rank(method="min", ascending=False).astype("Int64"))
    return table.sort_values(["peer_group", "report_year", "rank", "organ"]).reset_index(drop=True)


def organ_scores(cards: pd.DataFrame) -> pd.DataFrame:
    """Organ × report year: the total score (best copy), organs as rows."""
    table = league_table(cards)
    if table.empty:
        return pd.DataFrame()
    return table.pivot_table(index="organ", columns="report_year", values="score", aggfunc="max")


def criteria_failed(cards: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: how many reports meet it, fail it, cannot be told, or are exempt; most failed first."""
    judged = cards[cards["criterion"] != "total"]
    if judged.empty:
        return pd.DataFrame(columns=["criterion", *STATUSES])
    table = judged.groupby(["criterion", "status"]).size().unstack("status", fill_value=0)
    table = table.reindex(columns=list(STATUSES), fill_value=0).reset_index()
    table.columns.name = None
    return table.sort_values(["not_met", "cannot_tell"], ascending=False).reset_index(drop=True)


def failures(cards: pd.DataFrame) -> pd.DataFrame:
    """Every failed check: report, criterion, what failed and where."""
    failed = cards[cards["status"] == "not_met"]
    return failed[["organ", "report_year", "source_file", "criterion", "detail", "location", "value",
                   "report_id"]].sort_values(["organ", "report_year", "criterion"]).reset_index(drop=True)


def reasons_unknown(cards: pd.DataFrame) -> pd.DataFrame:
    """Why criteria could not be told: criterion, reason and how many reports."""
    unknown = cards[cards["status"] == "cannot_tell"]
    if unknown.empty:
        return pd.DataFrame(columns=["criterion", "detail", "reports"])
    reason = unknown["detail"].str.replace(r"\d+", "N", regex=True)
    table = unknown.assign(detail=reason).groupby(["criterion", "detail"]).size().rename("reports")
    return table.reset_index().sort_values(["reports", "criterion"], ascending=[False, True]).reset_index(drop=True)


def weights_table(weights: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The weights table as given (default ``data/scorecard_weights.csv``), for display."""
    if isinstance(weights, pd.DataFrame):
        return weights
    load_weights(weights)  # validates
    return pd.read_csv(weights or WEIGHTS_PATH, encoding="utf-8")


def plot_organ_scores(cards: pd.DataFrame, lang: str = "zh"):
    """Each organ's total score over the report years (one line per organ); returns the figure."""
    import matplotlib.pyplot as plt

    table = organ_scores(cards)
    fig, ax = plt.subplots(figsize=(9, 0.25 * max(len(table), 12) + 1.5))
    title = "各机关历年得分" if lang == "zh" else "Score by organ and year"
    if table.empty:
        ax.text(0.5, 0.5, "无数据" if lang == "zh" else "No data", ha="center", va="center")
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=100)
    ax.set_yticks(range(len(table)), [str(o) for o in table.index])
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=90)
    ax.set_xlabel("报告年度" if lang == "zh" else "report year")
    fig.colorbar(image, ax=ax, label="得分 (0-100)" if lang == "zh" else "score (0-100)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- inputs and outputs


def load_warnings(data_dir: str | Path) -> pd.DataFrame:
    """The extraction warnings of a processed folder (``warnings.csv``); empty when there are none."""
    from .processed import resolve_data_dir

    path = resolve_data_dir(data_dir) / "warnings.csv"
    if not path.exists():
        return pd.DataFrame(columns=["report_id", "kind", "message", "location"])
    return _read_text_table(path)


def load_reports(data_dir: str | Path, raw_dir: str | Path | None = None) -> pd.DataFrame:
    """The reports table of a processed folder plus ``reference_reports.csv`` of the raw folder.

    ``data_dir`` may hold a build's reports table (or, from older builds,
    ``reports.parquet`` / ``reports.csv``: one row per report with its facts); ``raw_dir`` (default: ``raw`` beside ``data_dir``)
    may hold ``reference_reports.csv``, the facts of the shipped reference
    figures.  Rows of the processed table win for a report id in both.  Empty
    when neither exists.
    """
    from . import dataset
    from .processed import load_reports as load_built_reports
    from .processed import resolve_data_dir

    folder = resolve_data_dir(data_dir)
    raw = Path(raw_dir) if raw_dir is not None else folder.parent / "raw"
    frames = []
    if dataset.read_manifest(folder) is not None:
        frames.append(load_built_reports(folder))
    elif (folder / "reports.parquet").exists():
        frames.append(pd.read_parquet(folder / "reports.parquet"))
    elif (folder / "reports.csv").exists():
        frames.append(_read_text_table(folder / "reports.csv"))
    if (raw / "reference_reports.csv").exists():
        frames.append(_read_text_table(raw / "reference_reports.csv"))
    if not frames:
        return pd.DataFrame(columns=["report_id"])
    table = pd.concat(frames, ignore_index=True)
    table["report_id"] = table["report_id"].astype("string")
    return table.drop_duplicates("report_id").reset_index(drop=True)


def _read_text_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])


def scorecard_of(data_dir: str | Path, weights: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The scorecard of a processed folder: its figures, reports table (+ reference facts) and warnings."""
    from .processed import load_figures

    return scorecard(load_figures(data_dir), load_reports(data_dir), weights=weights,
                     warnings=load_warnings(data_dir))


def export_scorecards(cards: pd.DataFrame, out_dir: str | Path) -> list[Path]:
    """``scorecards.csv`` (UTF-8 with BOM) and ``scorecards.xlsx`` (scorecards + league sheets), atomically."""
    from .publish import write_workbook
    from .store import atomic_path, write_csv

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out / "scorecards.csv", out / "scorecards.xlsx"
    write_csv(cards, csv_path)
    with atomic_path(xlsx_path) as tmp:
        write_workbook(tmp, {"scorecards": cards, "league": league_table(cards)})
    return [csv_path, xlsx_path]
