"""Charts a reader can compare, with Chinese text that renders on a fresh machine.

* :func:`setup_fonts` registers Noto Sans CJK SC (shipped by ``mplfonts``) as
  the default sans-serif font and turns mathtext off: every label is plain
  text, so an organ called ``$x$`` is drawn as ``$x$``.
* :func:`organ_palette` gives each organ one colour and one marker; pages
  build it from every organ of the data, so an organ looks the same on every
  chart of every page.
* :func:`trend_chart` draws a metric over the report years: integer year
  axes, one panel per organ (small multiples) when organs are many or their
  sizes differ by orders of magnitude, a legend outside the data naming only
  organs drawn, a broken line where the layout changes.  Organs with fewer
  than two points are not drawn: they come back as :attr:`Trend.single`, for a
  sentence or a table.
* :func:`figure_html` embeds a figure as PNG with alt text saying what it
  shows and a source line (reports, organs, years).

Every label comes from the field registry in the language asked for.
"""

from __future__ import annotations

import base64
import io
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from . import registry
from .formatting import escape, format_count, format_metric_value
from .metrics import select_figures

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_FALLBACK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC",
                      "WenQuanYi Zen Hei")

#: ten well-separated colours (matplotlib's tab10) and markers; organ i gets colour i % 10, marker i // 10
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
          "#bcbd22", "#17becf")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")

#: one chart for at most this many organs of similar size; more (or sizes far apart): one panel per organ
MAX_LINES_PER_CHART = 6
#: largest/smallest organ peak beyond which one shared count axis would flatten the small organs
MAX_SHARED_SPREAD = 20.0

TEXT: dict[str, dict[str, str]] = {
    "break": {"zh": "统计口径变化", "en": "layout change"},
    "year": {"zh": "年度", "en": "Year"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "blank": {"zh": "空白", "en": "blank"},
}


@dataclass(frozen=True)
class Style:
    """How one organ is drawn: colour and marker."""

    color: str
    marker: str


def organ_palette(organs: Iterable[object]) -> dict[str, Style]:
    """One colour and marker per organ name (sorted, so the same names give the same styles)."""
    names = sorted({str(o) for o in organs if o is not None and not (isinstance(o, float) and math.isnan(o))
                    and o is not pd.NA})
    return {
        name: Style(COLORS[i % len(COLORS)], MARKERS[(i // len(COLORS)) % len(MARKERS)])
        for i, name in enumerate(names)
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
    """Register a CJK font with matplotlib, make it the default and draw all text as plain text.

    Uses the font shipped by ``mplfonts``; without it, the first CJK family
    matplotlib already knows.  Sets ``axes.unicode_minus = False`` (the CJK
    font has no U+2212) and ``text.parse_math = False`` (``$`` in an organ
    name is a dollar sign, not mathtext).  Returns the family name.
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
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False
    return family


def text(key: str, lang: str = "zh") -> str:
    """A fixed chart text (``break``, ``year``, ``no_data`` …) in ``lang``."""
    return TEXT[key][lang]


def year_span(years: Iterable[object]) -> str:
    """``2011–2025`` (or one year) from report years; empty when there are none."""
    values = sorted({int(y) for y in years if not pd.isna(y)})
    if not values:
        return ""
    return str(values[0]) if values[0] == values[-1] else f"{values[0]}–{values[-1]}"


def names_list(names: Iterable[str], lang: str, limit: int = 8) -> str:
    """``A、B、C`` (zh) or ``A, B, C`` (en), cut after ``limit`` with the number left."""
    names = list(names)
    sep = "、" if lang == "zh" else ", "
    shown = sep.join(names[:limit])
    if len(names) > limit:
        rest = len(names) - limit
        shown += f" 等 {len(names)} 个" if lang == "zh" else f" and {rest} more"
    return shown


# --------------------------------------------------------------------------- trends


@dataclass
class Trend:
    """A metric over the report years: the chart (if any) and what it rests on."""

    metric: str
    figure: plt.Figure | None
    organs: list[str]  # organs drawn (two or more points each)
    single: pd.DataFrame  # organs with one point: agency, report_year, value, numerator, denominator
    reports: int
    years: list[int]
    small_multiples: bool = False
    points: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def alt_text(self, lang: str = "zh") -> str:
        """What the chart shows, in words (for the ``alt`` attribute)."""
        label = registry.label(self.metric, lang)
        span = year_span(self.years)
        parts = []
        for organ in self.organs[:8]:
            series = self.points[organ]
            (y0, v0), (y1, v1) = series[0], series[-1]
            first = format_metric_value(self.metric, v0)
            last = format_metric_value(self.metric, v1)
            parts.append(f"{organ} {y0} {first} → {y1} {last}" if lang == "en" else f"{organ}{y0}年{first}、{y1}年{last}")
        if lang == "zh":
            kind = "分机关小图" if self.small_multiples else "折线图"
            head = f"{kind}：{label}，{len(self.organs)} 个机关，{span} 年。"
            return head + "；".join(parts) + ("等。" if len(self.organs) > 8 else "。")
        kind = "Small multiples, one panel per organ," if self.small_multiples else "Line chart"
        head = f"{kind} of {label} for {len(self.organs)} organs, {span}. "
        return head + "; ".join(parts) + (" …" if len(self.organs) > 8 else ".")

    def source_line(self, lang: str = "zh") -> str:
        """The reports, organs and years the chart rests on."""
        span = year_span(self.years)
        organs = names_list(self.organs, lang)
        if lang == "zh":
            return f"来源：{self.reports} 份报告，{len(self.organs)} 个机关（{organs}），{span} 年；指标 {self.metric}。"
        return f"Source: {self.reports} reports of {len(self.organs)} organs ({organs}), {span}; metric {self.metric}."


def _series_rows(metrics: pd.DataFrame, metric: str) -> pd.DataFrame:
    data = metrics[(metrics["metric"] == metric) & metrics["report_year"].notna() & metrics["agency"].notna()]
    data = data.assign(_na=data["value"].isna().astype(int)).sort_values(["agency", "report_year", "_na"])
    data = data.drop_duplicates(["agency", "report_year"]).drop(columns="_na")
    return data[data["value"].notna()].assign(report_year=lambda d: d["report_year"].astype(int))


def trend_chart(
    metrics: pd.DataFrame,
    metric: str,
    lang: str = "zh",
    palette: dict[str, Style] | None = None,
) -> Trend:
    """One metric over the report years, one series per organ (see the module docstring)."""
    setup_fonts()
    data = _series_rows(metrics, metric)
    palette = palette if palette is not None else organ_palette(data["agency"])
    counts = data.groupby("agency")["report_year"].nunique()
    drawn = sorted(counts[counts >= 2].index.astype(str))
    single_organs = counts[counts < 2].index
    single_columns = [c for c in ("agency", "report_year", "value", "numerator", "denominator") if c in data.columns]
    single = data[data["agency"].isin(single_organs)][single_columns].reset_index(drop=True)
    trend = Trend(metric, None, drawn, single, int(data["report_id"].nunique()) if "report_id" in data else len(data),
                  sorted(data["report_year"].unique().tolist()))
    if not drawn:
        return trend
    rows = data[data["agency"].isin(drawn)]
    trend.reports = int(rows["report_id"].nunique()) if "report_id" in rows else len(rows)
    trend.years = sorted(rows["report_year"].unique().tolist())
    fraction = registry.unit(metric) == "fraction"
    peaks = rows.groupby("agency")["value"].apply(lambda s: float(s.astype(float).abs().max()))
    positive = peaks[peaks > 0]
    spread = float(positive.max() / positive.min()) if len(positive) > 1 else 1.0
    many = len(drawn) > MAX_LINES_PER_CHART or (not fraction and spread > MAX_SHARED_SPREAD and len(drawn) > 1)
    trend.small_multiples = many
    title = registry.label(metric, lang)
    ylabel = registry.unit(metric, lang)
    x_lo, x_hi = min(trend.years), max(trend.years)
    if many:
        ncols = min(4, len(drawn))
        nrows = math.ceil(len(drawn) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols + 0.6, 2.2 * nrows + 0.8),
                                 sharex=True, sharey=fraction, squeeze=False)
        flat = axes.ravel()
        for ax in flat[len(drawn):]:
            ax.set_visible(False)
        for ax, organ in zip(flat, drawn, strict=False):
            _draw_series(ax, rows[rows["agency"] == organ], palette.get(organ, Style("C0", "o")), None, lang)
            ax.set_title(organ, fontsize=9)
            _format_axes(ax, fraction, x_lo, x_hi, lang, small=True)
        fig.suptitle(f"{title}（{ylabel}）" if lang == "zh" else f"{title} ({ylabel})", fontsize=11)
        fig.tight_layout()
    else:
        fig, ax = plt.subplots(figsize=(8.6, 4.0))
        for organ in drawn:
            _draw_series(ax, rows[rows["agency"] == organ], palette.get(organ, Style("C0", "o")), organ, lang)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        _format_axes(ax, fraction, x_lo, x_hi, lang, small=False)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, frameon=False)
        fig.tight_layout()
    trend.figure = fig
    for organ in drawn:
        series = rows[rows["agency"] == organ].sort_values("report_year")
        trend.points[organ] = list(zip(series["report_year"].astype(int), series["value"].astype(float),
                                       strict=True))
    return trend


def _draw_series(ax: plt.Axes, series: pd.DataFrame, style: Style, label: str | None, lang: str) -> None:
    """One organ's line, broken at layout changes and at missing years."""
    series = series.sort_values("report_year")
    groups = series["comparable_group"].fillna("").astype(str).to_numpy() if "comparable_group" in series \
        else np.array([""] * len(series))
    start = 0
    first = True
    for position in range(1, len(series) + 1):
        if position == len(series) or groups[position] != groups[start]:
            segment = series.iloc[start:position]
            span = np.arange(int(segment["report_year"].min()), int(segment["report_year"].max()) + 1)
            values = (segment.set_index("report_year")["value"].astype("Float64").reindex(span)
                      .to_numpy(dtype=float, na_value=np.nan))
            ax.plot(span, values, marker=style.marker, color=style.color, markersize=5, linewidth=1.6, clip_on=False,
                    label=label if first else None)
            first = False
            if position < len(series):
                year = (int(series["report_year"].iloc[position - 1]) + int(series["report_year"].iloc[position])) / 2
                ax.axvline(year, color="grey", linestyle=":", linewidth=1)
                ax.text(year, 0.98, text("break", lang), rotation=90, va="top", ha="right", fontsize=7,
                        color="grey", transform=ax.get_xaxis_transform())
            start = position


def _format_axes(ax: plt.Axes, fraction: bool, x_lo: int, x_hi: int, lang: str, small: bool) -> None:
    ax.set_xlim(x_lo - 0.5, x_hi + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6 if small else 10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(round(v))}"))
    top = ax.get_ylim()[1]
    if fraction:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylim(0, max(top * 1.05, 0.05))
    else:
        ax.set_ylim(0, max(top * 1.08, 1.0))  # an all-zero series still gets a 0–1 count axis
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5 if small else 8))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_count(v)))
    ax.tick_params(labelsize=8 if small else 9, labelbottom=True)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if not small:
        ax.set_xlabel(text("year", lang))


# --------------------------------------------------------------------------- one report


def bar_chart(
    figures: pd.DataFrame,
    report_id: str,
    lang: str = "zh",
    metrics: list[str] | None = None,
    applicant: str = "total",
    color: str = COLORS[0],
) -> plt.Figure | None:
    """Horizontal bars of one report's figures (one applicant column), labelled from the registry.

    Blank figures get no bar and the word "blank"; approximate ones are marked ≈.
    ``metrics`` picks and orders the ids; default: every id of the report.
    Returns None when the report has none of them.
    """
    setup_fonts()
    chosen = select_figures(figures[figures["report_id"] == report_id], applicant)
    if metrics is not None:
        chosen = chosen[chosen["metric"].isin(metrics)]
        chosen = chosen.set_index("metric").reindex([m for m in metrics if m in set(chosen["metric"])]).reset_index()
    if chosen.empty:
        return None
    fig, ax = plt.subplots(figsize=(8.6, max(2.5, 0.32 * len(chosen) + 1.2)))
    labels = [registry.label(str(m), lang) for m in chosen["metric"]]
    values = chosen["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    positions = np.arange(len(labels))[::-1]
    ax.barh(positions, np.nan_to_num(values), color=color)
    approx = chosen["approximate"].astype("boolean").fillna(False).astype(bool).to_numpy()
    for pos, value, is_approx in zip(positions, values, approx, strict=True):
        note = text("blank", lang) if np.isnan(value) else format_count(value, bool(is_approx))
        ax.text(0 if np.isnan(value) else value, pos, " " + note, va="center", fontsize=8)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_count(v)))
    head = chosen.dropna(subset=["agency"]).head(1)
    if not head.empty:
        year = head["report_year"].iloc[0]
        ax.set_title(f"{head['agency'].iloc[0]} {'' if pd.isna(year) else int(year)}")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- HTML


def figure_html(fig: plt.Figure, alt: str, caption: str = "", dpi: int = 96) -> str:
    """``<figure>`` with the chart as embedded PNG, ``alt`` text and a caption (all escaped); closes ``fig``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{encoded}">{cap}</figure>'
