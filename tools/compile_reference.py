"""Compile data/raw/reference_figures.csv: figures (facts with their source), no report text.

Runs this package's extractor over every folder of real reports given, each
described by a ``sources.csv`` (file, repo, path, commit_or_id, …) and writes the tidy rows
with ``raw_label`` emptied (it would carry report wording), ``raw_value`` clipped
to at most ``MAX_RAW_CHARS`` characters (a statement of none such as ``未发生…`` is
report wording too) and ``source_file`` replaced by the report's public provenance,
whose page folder keeps its numeric id but not the report title it is named after.
Table labels in ``location`` are the national template's, not report text. Where two files are copies of one
report (same page folder or file), the copy that yields more figures is kept.
Extra figure tables already in the tidy layout (e.g. facts transcribed from a
published comparison) can be appended with ``--extra FILE=PROVENANCE``.

    python tools/compile_reference.py \
        --reports ../shared/corpus/reports ../shared/corpus/sources.csv \
        --reports ../shared/corpus/harvest/reports ../shared/corpus/harvest/sources.csv \
        --extra tests/fixtures/tidy/suqian_2023_2024.csv="宿迁市 2023/2024 tables (published comparison report)" \
        -o data/raw/reference_figures.csv

Per-report facts (publication date, parts present …; no text) of the same
reports go to ``data/raw/reference_reports.csv`` with ``--reports-output FILE``.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import pandas as pd

from transparency_stats.extract import extract_report
from transparency_stats.schema import FIGURE_COLUMNS, coerce_figures, figures_to_frame
from transparency_stats.store import read_figure_table, write_csv

SEED = "000_4c0351ed7b07ef03.txt"
#: Longest piece of report wording a shipped figure keeps (raw_value); longer is clipped.
MAX_RAW_CHARS = 12


def clip_raw(value: object) -> object:
    """A raw value short enough to be a cell, never a sentence of the report."""
    if not isinstance(value, str) or len(value) <= MAX_RAW_CHARS:
        return value
    return value[: MAX_RAW_CHARS - 1] + "…"


def _untitled(path: str) -> str:
    """A path with the report-title part of folder names (``80678_<title>``) replaced by ``*``."""
    parts = path.split("/")
    kept = [re.sub(r"^(\d+)_.+$", r"\1_*", part) for part in parts[:-1]] + parts[-1:]
    if len(kept) > 3:
        kept = kept[:1] + ["*"] + kept[-3:]
    return "/".join(kept)


def provenance(row: dict[str, str]) -> str:
    commit = (row.get("commit_or_id") or row.get("commit") or "").split(" ")[0][:12]
    if row.get("repo", "-") in ("", "-"):
        return row["file"]
    return f"{row['repo']}:{_untitled(row['path'])}@{commit}"


def described_reports(folders: list[tuple[Path, Path]]) -> list[tuple[Path, dict[str, str]]]:
    """(report file, its sources.csv row) for every folder and its sources.csv."""
    out = []
    for reports, sources in folders:
        with sources.open(encoding="utf-8") as handle:
            out.extend((reports / row["file"], row) for row in csv.DictReader(handle))
    return out


def compile_reference(folders: list[tuple[Path, Path]], extras: list[tuple[Path, str]]) -> pd.DataFrame:
    best: dict[str, pd.DataFrame] = {}
    for path, row in described_reports(folders):
        if row["file"] == SEED:
            continue  # the seed ships as a report in data/raw; its figures come from there
        result = extract_report(path)
        if result.failed or not result.figures:
            print(f"skipped {row['file']}: {[i.message for i in result.issues if i.severity == 'error']}")
            continue
        frame = figures_to_frame(result.figures)
        frame["raw_label"] = pd.NA
        frame["raw_value"] = frame["raw_value"].map(clip_raw)
        frame["source_file"] = provenance(row)
        # page.txt and page.html of one crawled page, or a PDF and its text layer: one report
        folder = str(Path(row["path"]).parent)
        key = f"{row['repo']}:{folder if folder != '.' else row['path']}"
        if key not in best or len(frame) > len(best[key]):
            best[key] = frame
    frames = list(best.values())
    for path, source in extras:
        frame = read_figure_table(path)
        frame["raw_label"] = pd.NA
        frame["raw_value"] = frame["raw_value"].map(clip_raw)
        frame["source_file"] = source
        frames.append(frame)
    combined = coerce_figures(pd.concat(frames, ignore_index=True))[FIGURE_COLUMNS]
    return combined.sort_values(["agency", "report_year", "table", "metric", "applicant"], kind="stable")


# --------------------------------------------------------------------------- per-report facts

REPORT_FACT_COLUMNS = ["report_id", "source_file", "agency", "report_year", "format_version"]


def compile_reference_reports(pairs: list[tuple[Path, Path]]) -> pd.DataFrame:
    """``reference_reports.csv``: one row per report with its facts (``ReportResult.facts``), no text.

    ``pairs`` are (reports folder, its sources.csv); the seed is included (it ships
    in data/raw), copies of one report are kept once by the rule of
    :func:`compile_reference` (the copy with more figures), so report ids match
    the reference figures.
    """
    best: dict[str, tuple[int, dict]] = {}
    for reports, sources in pairs:
        with sources.open(encoding="utf-8") as handle:
            described = list(csv.DictReader(handle))
        for row in described:
            result = extract_report(reports / row["file"])
            if result.failed:
                continue
            commit = row.get("commit_or_id") or row.get("commit") or ""
            row = {**row, "commit_or_id": commit}
            facts = {"report_id": result.report_id, "agency": result.agency, "report_year": result.report_year,
                     "format_version": result.format_version,
                     "source_file": row["file"] if row["file"] == SEED else provenance(row), **result.facts}
            folder = str(Path(row.get("path", row["file"])).parent)
            key = f"{row.get('repo', '-')}:{folder if folder != '.' else row.get('path', row['file'])}"
            if row["file"] == SEED:
                key = SEED
            if key not in best or len(result.figures) > best[key][0]:
                best[key] = (len(result.figures), facts)
    frame = pd.DataFrame([facts for _, facts in best.values()])
    columns = REPORT_FACT_COLUMNS + [c for c in frame.columns if c not in REPORT_FACT_COLUMNS]
    return frame[columns].sort_values(["agency", "report_year", "report_id"], kind="stable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", nargs=2, action="append", type=Path, required=True,
                        metavar=("FOLDER", "SOURCES_CSV"), help="a folder of reports and its sources.csv (repeatable)")
    parser.add_argument("--extra", action="append", default=[], help="FILE=PROVENANCE")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--reports-output", type=Path,
                        help="also write per-report facts (reference_reports.csv) of these reports")
    args = parser.parse_args()
    if args.reports_output:
        reports = compile_reference_reports([(folder, sources) for folder, sources in args.reports])
        write_csv(reports, args.reports_output)
        print(f"{len(reports)} reports → {args.reports_output}")
    extras = [(Path(item.split("=", 1)[0]), item.split("=", 1)[1]) for item in args.extra]
    frame = compile_reference([(folder, sources) for folder, sources in args.reports], extras)
    write_csv(frame, args.output)
    summary = frame.groupby(["agency", "report_year"], dropna=False).size()
    print(summary.to_string())
    print(f"{len(frame)} figures → {args.output}")


if __name__ == "__main__":
    main()
