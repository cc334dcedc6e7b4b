"""Charts with Chinese text that render on a fresh machine.

:func:`setup_fonts` registers Noto Sans CJK SC, shipped by the ``mplfonts``
package, with matplotlib and makes it the default sans-serif font, so no
"Glyph … missing from font" warnings appear.  Every label comes from the field
registry in the language asked for (``zh`` or ``en``).
"""

from __future__ import annotations

import html
import warnings
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.ticker import PercentFormatter

from . import registry
from .metrics import select_figures

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_FALLBACK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC",
                      "WenQuanYi Zen Hei")

TEXT: dict[str, dict[str, str]] = {
    "break": {"zh": "统计口径变化", "en": "layout change"},
    "year": {"zh": "年度", "en": "Year"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "blank": {"zh": "空白", "en": "blank"},
    "approximate": {"zh": "约数", "en": "approx."},
}

COLUMN_LABELS: dict[str, dict[str, str]] = {
    "report_id": {"zh": "报告编号", "en": "Report id"},
    "source_file": {"zh": "来源文件", "en": "Source file"},
    "agency": {"zh": "机关", "en": "Organ"},
    "report_year": {"zh": "年度", "en": "Year"},
    "format_version": {"zh": "格式", "en": "Layout"},
    "metric": {"zh": "指标", "en": "Metric"},
    "label": {"zh": "指标名称", "en": "Metric name"},
    "numerator": {"zh": "分子", "en": "Numerator"},
    "denominator": {"zh": "分母", "en": "Denominator"},
    "value": {"zh": "数值", "en": "Value"},
    "comparable_group": {"zh": "可比口径", "en": "Comparable group"},
    "note": {"zh": "说明", "en": "Note"},
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
    "raw_label": {"zh": "原文标签", "en": "Raw label"},
    "applicant": {"zh": "申请人", "en": "Applicant"},
    "count": {"zh": "数量", "en": "Count"},
}


def cjk_font_path() -> Path | None:
    """Path of the Noto Sans CJK SC font file inside the ``mplfonts`` package, if installed."""
    try:
        path = resources.files("mplfonts") / "fonts" / CJK_FONT_FILE
    except ModuleNotFoundError:
        return None
    path = Path(str(path))
    return path if path.exists() else None


def setup_fonts() -> str:
    """Register a CJK font with matplotlib and make it the default; returns its family name.

    Uses the font shipped by ``mplfonts``; without it, the first CJK family
    matplotlib already knows.  Also sets ``axes.unicode_minus = False`` (the
    CJK font has no U+2212) and leaves every other setting alone.
    """
    family = None
    path = cjk_font_path()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    else:
        known = {f.name for f in font_manager.fontManager.ttflist}
        family = next((name for name in _FALLBACK_FAMILIES if name in known), None)
        if family is None:
            warnings.warn("no CJK font found: install mplfonts to render Chinese labels", stacklevel=2)
            family = "DejaVu Sans"
    sans = [family] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = sans
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def text(key: str, lang: str = "zh") -> str:
    """A fixed chart text (``break``, ``year``, ``no_data`` …) in ``lang``."""
    return TEXT[key][lang]


def display_table(frame: pd.DataFrame, lang: str = "zh", metric_column: str = "metric") -> pd.DataFrame:
    """A copy for display: a metric-label column after ``metric`` and column headers in ``lang``."""
    out = frame.copy()
    if metric_column in out.columns:
        labels = out[metric_column].map(lambda m: registry.label(str(m), lang) if pd.notna(m) else m)
        out.insert(out.columns.get_loc(metric_column) + 1, "label", labels)
    return out.rename(columns={c: COLUMN_LABELS[c][lang] for c in out.columns if c in COLUMN_LABELS})


def _percent_axis(ax: plt.Axes) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))


def _no_data(ax: plt.Axes, title: str, lang: str) -> None:
    ax.text(0.5, 0.5, text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def has_data(metrics: pd.DataFrame, metric: str) -> bool:
    """Whether ``metrics`` holds at least one non-blank value of ``metric`` with a year."""
    data = metrics[(metrics["metric"] == metric) & metrics["report_year"].notna()]
    return bool(data["value"].notna().any())


def show_line_charts(metrics: pd.DataFrame, metric_ids: list[str], lang: str = "zh") -> None:
    """Draw :func:`line_chart` for every id that has data; name the others in one line.

    Ids without data get no empty chart, only a mention.
    """
    from IPython.display import Markdown, display

    missing = []
    for metric in metric_ids:
        if has_data(metrics, metric):
            line_chart(metrics, metric, lang)
            plt.show()
        else:
            missing.append(metric)
    if missing:
        names = "、".join(html.escape(registry.label(m, lang)) for m in missing)
        display(Markdown(f"{'无数据' if lang == 'zh' else 'No data'}: {names}"))


def line_chart(
    metrics: pd.DataFrame,
    metric: str,
    lang: str = "zh",
    agencies: list[str] | None = None,
    years: list[int] | None = None,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """One line per organ over the report years for ``metric``.

    A series is drawn as separate segments per ``comparable_group``: across a
    layout change the line is broken (and a dotted vertical line marks it), and
    a missing year leaves a gap rather than joining its neighbours.
    """
    setup_fonts()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.2))
    fig = ax.figure
    title = registry.label(metric, lang)
    data = metrics[metrics["metric"] == metric]
    if agencies is not None:
        data = data[data["agency"].isin(agencies)]
    if years is not None:
        data = data[data["report_year"].isin(years)]
    data = data[data["report_year"].notna()]
    if data.empty or data["value"].notna().sum() == 0:
        _no_data(ax, title, lang)
        return fig
    data = data.assign(_na=data["value"].isna().astype(int)).sort_values(["agency", "report_year", "_na"])
    data = data.drop_duplicates(["agency", "report_year"])
    break_years: set[float] = set()
    for index, (agency, series) in enumerate(data.groupby("agency", sort=True)):
        color = f"C{index % 10}"
        series = series.sort_values("report_year")
        groups = series["comparable_group"].fillna("").to_numpy()
        seg_start = 0
        first = True
        for position in range(1, len(series) + 1):
            if position == len(series) or groups[position] != groups[seg_start]:
                segment = series.iloc[seg_start:position]
                span = np.arange(int(segment["report_year"].min()), int(segment["report_year"].max()) + 1)
                values = (
                    segment.set_index(segment["report_year"].astype(int))["value"]
                    .astype("Float64")
                    .reindex(span)
                    .to_numpy(dtype=float, na_value=np.nan)
                )
                ax.plot(span, values, marker="o", color=color, label=str(agency) if first else None)
                first = False
                if position < len(series):
                    break_years.add((int(series["report_year"].iloc[position - 1])
                                     + int(series["report_year"].iloc[position])) / 2)
                seg_start = position
    for year in sorted(break_years):
        ax.axvline(year, color="grey", linestyle=":", linewidth=1)
        ax.text(year, 1.0, text("break", lang), rotation=90, va="top", ha="right", fontsize=8, color="grey",
                transform=ax.get_xaxis_transform())
    ax.set_title(title)
    ax.set_xlabel(text("year", lang))
    ax.set_ylabel(registry.unit(metric, lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    if registry.unit(metric) == "fraction":
        _percent_axis(ax)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def bar_chart(
    figures: pd.DataFrame,
    report_id: str,
    lang: str = "zh",
    metrics: list[str] | None = None,
    applicant: str = "total",
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Horizontal bars of one report's figures (one applicant column), labelled from the registry.

    Blank figures get no bar and the word "blank"; approximate ones are marked.
    ``metrics`` picks and orders the ids; default: every id of the report.
    """
    setup_fonts()
    chosen = select_figures(figures[figures["report_id"] == report_id], applicant)
    if metrics is not None:
        chosen = chosen.set_index("metric").reindex(metrics).reset_index()
    height = max(2.5, 0.32 * max(len(chosen), 1) + 1.2)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, height))
    fig = ax.figure
    title = report_id
    if not chosen.empty:
        head = chosen.dropna(subset=["agency"]).head(1)
        if not head.empty:
            title = f"{head['agency'].iloc[0]} {head['report_year'].iloc[0]}"
    if chosen.empty:
        _no_data(ax, title, lang)
        return fig
    labels = [registry.label(str(m), lang) for m in chosen["metric"]]
    values = chosen["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    positions = np.arange(len(labels))[::-1]
    ax.barh(positions, np.nan_to_num(values), color="C0")
    approx = chosen["approximate"].fillna(False).astype(bool).to_numpy()
    for pos, value, is_approx in zip(positions, values, approx, strict=True):
        if np.isnan(value):
            note = text("blank", lang)
        else:
            shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"
            note = shown + (f" ({text('approximate', lang)})" if is_approx else "")
        ax.text(max(0.0, 0 if np.isnan(value) else value), pos, " " + note, va="center", fontsize=8)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def html_table(frame: pd.DataFrame, lang: str = "zh", max_rows: int = 300):
    """A table for notebooks: labels in ``lang``, NA shown as —, every cell HTML-escaped."""
    from IPython.display import HTML

    shown = display_table(frame.head(max_rows), lang)
    note = ""
    if len(frame) > max_rows:
        note = f"<p>… {len(frame) - max_rows} more rows / 另有 {len(frame) - max_rows} 行</p>"
    if shown.empty:
        return HTML(f"<p>{text('no_data', lang)}</p>")
    return HTML(shown.to_html(index=False, na_rep="—", escape=True) + note)
