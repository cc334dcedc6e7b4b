"""What a report page shows: the building blocks the notebooks call.

A notebook makes one :class:`Page` from its parameters (data folder, organs,
years, language) and displays its parts: trend charts with alt text and a
source line, organ × year tables of headline figures, short tables of checks
with organ and year (never a hash id), and links to the full CSV/XLSX tables.
Every part is HTML in which data is escaped text; nothing here parses reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from . import registry
from .formatting import BLANK, escape, format_count, format_metric_value, format_rate, format_year, html_table
from .plotting import bar_chart, figure_html, names_list, organ_palette, trend_chart, year_span
from .processed import load_bundle, subset

#: the long tables a page links to (written by ``transparency-stats report`` beside the pages)
DOWNLOADS = ("figures.csv", "metrics.csv", "checks.csv", "transparency_stats.xlsx")

COLUMN_LABELS: dict[str, dict[str, str]] = {
    "agency": {"zh": "机关", "en": "Organ"},
    "report_year": {"zh": "年度", "en": "Year"},
    "format_version": {"zh": "格式", "en": "Layout"},
    "metric": {"zh": "指标", "en": "Metric"},
    "label": {"zh": "指标名称", "en": "Metric name"},
    "value": {"zh": "数值", "en": "Value"},
    "identity": {"zh": "恒等式", "en": "Identity"},
    "column": {"zh": "列/项", "en": "Column"},
    "left": {"zh": "左边", "en": "Left"},
    "right": {"zh": "右边", "en": "Right"},
    "difference": {"zh": "差额", "en": "Difference"},
    "status": {"zh": "状态", "en": "Status"},
    "kind": {"zh": "类别", "en": "Kind"},
    "detail": {"zh": "内容", "en": "Detail"},
    "cell": {"zh": "单元格", "en": "Cell"},
    "raw_value": {"zh": "原文数值", "en": "Raw value"},
    "applicant": {"zh": "申请人", "en": "Applicant"},
    "broken_rows": {"zh": "不满足的行数", "en": "Rows broken"},
    "columns": {"zh": "涉及的列", "en": "Columns"},
    "rows": {"zh": "行数", "en": "Rows"},
    "years": {"zh": "年度", "en": "Years"},
    "first": {"zh": "首年数值", "en": "First value"},
    "last": {"zh": "末年数值", "en": "Last value"},
    "growth": {"zh": "年均复合增长率", "en": "Compound annual growth"},
    "year_before": {"zh": "变化前年度", "en": "Year before"},
    "group_before": {"zh": "变化前口径", "en": "Group before"},
    "year_after": {"zh": "变化后年度", "en": "Year after"},
    "group_after": {"zh": "变化后口径", "en": "Group after"},
    "ok": {"zh": "通过", "en": "ok"},
    "broken": {"zh": "不满足", "en": "broken"},
    "warning": {"zh": "提示", "en": "warning"},
    "incomplete": {"zh": "不完整", "en": "incomplete"},
}

LAYOUT_LABELS: dict[str, dict[str, str]] = {
    "narrative": {"zh": "文字", "en": "narrative"},
    "gov2019": {"zh": "2019 版表格", "en": "2019 tables"},
    "gov2021": {"zh": "2021 版表格", "en": "2021 tables"},
}


class HTMLPart:
    """HTML a notebook displays (``_repr_html_``), also usable as a string."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __add__(self, other: HTMLPart) -> HTMLPart:
        return HTMLPart(self.markup + str(other))


class Page:
    """The data of one page (already narrowed to ``organs`` and ``years``) and its parts in ``lang``."""

    def __init__(self, data_dir: str, organs: list[str] | None = None, years: list[int] | None = None,
                 lang: str = "zh") -> None:
        if lang not in registry.LANGS:
            raise ValueError(f"lang must be one of {registry.LANGS}, not {lang!r}")
        self.lang = lang
        bundle = load_bundle(data_dir)
        # every organ of the data, so an organ has the same colour on every chart of every page
        self.palette = organ_palette(bundle.figures["agency"])
        self.figures = subset(bundle.figures, organs, years)
        self.metrics = subset(bundle.metrics, organs, years)
        self.checks = subset(bundle.checks, organs, years)

    # ----------------------------------------------------------------- text

    def t(self, zh: str, en: str) -> str:
        """``zh`` or ``en`` by the page language."""
        return zh if self.lang == "zh" else en

    def header(self, column: str) -> str:
        return COLUMN_LABELS.get(column, {}).get(self.lang, column)

    @property
    def empty(self) -> bool:
        return self.figures.empty

    def summary(self) -> HTMLPart:
        """One line: reports, organs, years and figures this page rests on (or: no data)."""
        if self.empty:
            return HTMLPart("<p class=\"nodata\">" + escape(self.t(
                "无数据。请先运行 transparency-stats build。", "No data. Run transparency-stats build first.")) + "</p>")
        figures = self.figures
        reports = figures["report_id"].nunique()
        organs = figures["agency"].nunique()
        span = year_span(figures["report_year"])
        line = self.t(f"本页依据 {reports} 份报告、{organs} 个机关、{span} 年的 {len(figures):,} 个数字。",
                      f"This page rests on {len(figures):,} figures from {reports} reports of {organs} organs, {span}.")
        return HTMLPart(f"<p class=\"summary\">{escape(line)}</p>")

    def downloads(self) -> HTMLPart:
        """Links to the full tables written beside the pages."""
        links = " · ".join(f'<a href="{name}">{name}</a>' for name in DOWNLOADS)
        return HTMLPart(f"<p class=\"downloads\">{escape(self.t('完整数据表：', 'Full tables: '))}{links}</p>")

    # ----------------------------------------------------------------- charts

    def trends(self, metric_ids: Iterable[str]) -> HTMLPart:
        """A chart per metric with two or more years for some organ; one-year organs as a sentence;
        metrics without data named in one line."""
        parts = []
        missing = []
        for metric in metric_ids:
            trend = trend_chart(self.metrics, metric, self.lang, self.palette)
            if trend.figure is None and trend.single.empty:
                missing.append(registry.label(metric, self.lang))
                continue
            label = registry.label(metric, self.lang)
            parts.append(f"<h3>{escape(label)}</h3>")
            if trend.figure is not None:
                parts.append(figure_html(trend.figure, trend.alt_text(self.lang), trend.source_line(self.lang)))
            if not trend.single.empty:
                parts.append(self._single_points(metric, trend.single, drawn=trend.figure is not None))
        if missing:
            parts.append("<p class=\"nodata\">" + escape(self.t("无数据：", "No data: ") + names_list(
                missing, self.lang, limit=20)) + "</p>")
        return HTMLPart("\n".join(parts))

    def _single_points(self, metric: str, single: pd.DataFrame, drawn: bool) -> str:
        items = []
        for row in single.sort_values(["agency", "report_year"]).itertuples(index=False):
            value = format_metric_value(metric, row.value, getattr(row, "numerator", None),
                                        getattr(row, "denominator", None))
            items.append(f"{row.agency} {format_year(row.report_year)}: {value}")
        head = self.t("只有一个年度的机关（不画线）：" if drawn else "只有一个年度，不作图：",
                      "Organs with one year only (not drawn): " if drawn else "One year only, no chart: ")
        sep = "；" if self.lang == "zh" else "; "
        return f"<p class=\"single\">{escape(head + sep.join(items))}</p>"

    def report_bars(self, report_id: str | None, metric_ids: list[str] | None = None) -> HTMLPart:
        """One report's figures as bars (the first report when ``report_id`` is absent from the data)."""
        if self.empty:
            return HTMLPart("")
        if report_id is None or not (self.figures["report_id"] == report_id).any():
            report_id = str(self.figures["report_id"].iloc[0])
        if metric_ids is None:
            metric_ids = [m for m in self.figures.loc[self.figures["report_id"] == report_id, "metric"].unique()
                          if registry.unit(str(m)) not in ("fraction", "")]
        fig = bar_chart(self.figures, report_id, self.lang, metric_ids,
                        color=self._color_of_report(report_id))
        if fig is None:
            return HTMLPart("")
        rows = self.figures[self.figures["report_id"] == report_id]
        organ = str(rows["agency"].dropna().iloc[0]) if rows["agency"].notna().any() else BLANK
        year = format_year(rows["report_year"].dropna().iloc[0]) if rows["report_year"].notna().any() else BLANK
        alt = self.t(f"条形图：{organ} {year} 年报告所述的 {len(metric_ids)} 项数字。",
                     f"Bar chart of {len(metric_ids)} figures stated by the {year} report of {organ}.")
        source = self.t(f"来源：1 份报告（{organ}，{year} 年）。", f"Source: one report ({organ}, {year}).")
        return HTMLPart(figure_html(fig, alt, source))

    def _color_of_report(self, report_id: str) -> str:
        organs = self.figures.loc[self.figures["report_id"] == report_id, "agency"].dropna()
        style = self.palette.get(str(organs.iloc[0])) if len(organs) else None
        return style.color if style else "#1f77b4"

    # ----------------------------------------------------------------- tables

    def _figure_rows(self, metric: str) -> pd.DataFrame:
        """Figures of ``metric`` (applicant total) shaped like metric rows: value, no numerator/denominator."""
        from .metrics import select_figures

        chosen = select_figures(self.figures[self.figures["metric"] == metric], "total")
        return chosen.assign(numerator=pd.NA, denominator=pd.NA)

    def organ_year_table(self, metric: str, caption: str | None = None, source: str = "metrics") -> HTMLPart:
        """Organs down, report years across, one headline figure per cell (rates with their parts).

        ``source`` is ``metrics`` (computed metrics) or ``figures`` (figures as published).
        """
        frame = self.metrics[self.metrics["metric"] == metric] if source == "metrics" else self._figure_rows(metric)
        rows = frame[frame["report_year"].notna() & frame["agency"].notna()]
        # organs and years with nothing to show stay out: a wall of — says nothing
        has_parts = rows["denominator"].notna() if "denominator" in rows.columns else False
        rows = rows[rows["value"].notna() | has_parts]
        label = caption or registry.label(metric, self.lang)
        if rows.empty:
            return HTMLPart(f"<p class=\"nodata\">{escape(label)}: {escape(self.t('无数据', 'no data'))}</p>")
        rows = rows.assign(_na=rows["value"].isna()).sort_values(["agency", "report_year", "_na"])
        rows = rows.drop_duplicates(["agency", "report_year"])
        approximate = self._approximate(metric)
        rows = rows.assign(text=[format_metric_value(metric, v, n, d, (r, metric) in approximate) for v, n, d, r in
                                 zip(rows["value"], rows["numerator"], rows["denominator"], rows["report_id"],
                                     strict=True)],
                           report_year=rows["report_year"].astype(int))
        table = rows.pivot(index="agency", columns="report_year", values="text").fillna(BLANK)
        table = table.reindex(columns=sorted(table.columns))
        table.index.name = self.header("agency")
        table.columns = [str(c) for c in table.columns]
        unit = registry.unit(metric, self.lang)
        return HTMLPart(html_table(table, index=True, numeric=list(table.columns),
                                   caption=f"{label}（{unit}）" if self.lang == "zh" else f"{label} ({unit})"))

    def _approximate(self, metric: str) -> set[tuple[str, str]]:
        """(report, metric) pairs whose figure the report gives as approximate (余/多)."""
        flagged = self.figures[(self.figures["metric"] == metric)
                               & self.figures["approximate"].astype("boolean").fillna(False).astype(bool)]
        return {(str(r), metric) for r in flagged["report_id"]}

    def count_matrix(self, frame: pd.DataFrame, caption: str) -> HTMLPart:
        """How many rows of ``frame`` each organ has per report year (organs down, years across)."""
        rows = frame[frame["agency"].notna() & frame["report_year"].notna()]
        if rows.empty:
            return HTMLPart(f"<p class=\"nodata\">{escape(caption)}: {escape(self.t('无', 'none'))}</p>")
        table = (rows.assign(report_year=rows["report_year"].astype(int))
                 .groupby(["agency", "report_year"]).size().unstack("report_year"))
        table = table.reindex(columns=sorted(table.columns))
        table.index.name = self.header("agency")
        table.columns = [str(c) for c in table.columns]
        return HTMLPart(html_table(table, index=True, numeric=list(table.columns), caption=caption))

    def growth_table(self, metric: str) -> HTMLPart:
        """Per organ: first and last year with a value, both values and the compound annual growth."""
        from .metrics import cagr

        growth = cagr(self.metrics, metric)
        growth = growth[growth["value"].notna()]
        if growth.empty:
            return HTMLPart("")
        frame = pd.DataFrame({
            "agency": growth["agency"],
            "years": growth["note"],
            "first": growth["denominator"].map(format_count),
            "last": growth["numerator"].map(format_count),
            "growth": growth["value"].map(format_rate),
        }).sort_values("agency")
        return HTMLPart(html_table(frame, headers=self._headers(frame), numeric=["first", "last", "growth"],
                                   caption=registry.label(f"{metric}__cagr", self.lang)))

    def table(
        self,
        frame: pd.DataFrame,
        columns: list[str],
        download: str,
        max_rows: int = 25,
        formatters: dict[str, Callable[[object], str]] | None = None,
        caption: str | None = None,
    ) -> HTMLPart:
        """The first ``max_rows`` rows of ``frame`` (organ and year, never a hash id) and a link to
        ``download`` for the rest."""
        if frame.empty:
            return HTMLPart(f"<p class=\"nodata\">{escape(self.t('无 / none', 'none'))}</p>")
        shown = frame[columns].head(max_rows).copy()
        if "metric" in shown.columns:
            shown.insert(shown.columns.get_loc("metric") + 1, "label",
                         shown["metric"].map(lambda m: registry.label(str(m), self.lang)))
        if "status" in shown.columns:
            shown["status"] = shown["status"].map(lambda s: COLUMN_LABELS.get(str(s), {}).get(self.lang, s))
        if "format_version" in shown.columns:
            shown["format_version"] = shown["format_version"].map(
                lambda v: LAYOUT_LABELS.get(str(v), {}).get(self.lang, v))
        formats = {"report_year": format_year, **(formatters or {})}
        numeric = [c for c in shown.columns if c in ("left", "right", "difference", "value", "broken_rows", "rows")
                   or c in (formatters or {})]
        markup = html_table(shown, headers=self._headers(shown), formatters=formats, numeric=numeric,
                            caption=caption)
        if len(frame) > max_rows:
            more = len(frame) - max_rows
            markup += ("<p class=\"more\">" + escape(self.t(f"另有 {more:,} 行，见 ", f"{more:,} more rows in "))
                       + f'<a href="{escape(download)}">{escape(download)}</a></p>')
        return HTMLPart(markup)

    def _headers(self, frame: pd.DataFrame) -> dict[str, str]:
        return {str(c): self.header(str(c)) for c in frame.columns}

    def text(self, words: str) -> HTMLPart:
        """A paragraph of plain text (escaped: data is never read as Markdown or HTML)."""
        return HTMLPart(f"<p>{escape(words)}</p>")
