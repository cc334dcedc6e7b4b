"""The entry pages of the published reports: ``index.html``, ``fields.html`` and ``methods.html``.

``index.html`` says what the pages rest on before anyone opens one: build date,
package version and commit, counts of reports, figures, errors and warnings, a
few findings computed from the data, the coverage matrix (organs × report
years: layout of each report and, for the standard tables, the share of
cells filled), and links to every page in each language written, the data
dictionary (``fields.html``, from the field registry) and the methods note.
No absolute path appears anywhere.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import __version__, registry
from .formatting import BLANK, escape, format_count, format_percent, html_table
from .processed import load_bundle, subset

FILLED_CELLS = ("number", "zero", "not_applicable")
LAYOUT_SHORT = {"narrative": "文 N", "gov2019": "19", "gov2021": "21"}
DOWNLOADS = ("figures.csv", "metrics.csv", "checks.csv", "transparency_stats.xlsx")


def _commit() -> str:
    """The short commit of the checkout this package runs from, or — outside a git checkout."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).resolve().parent,
                                capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return BLANK
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else BLANK


def _count_rows(folder: Path, name: str) -> int | None:
    path = folder / name
    if not path.exists():
        return None
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    return len(frame)


def coverage_matrix(figures: pd.DataFrame) -> pd.DataFrame:
    """Organs × report years: per report the layout and, for standard tables, the share of cells filled.

    Columns: agency, report_year, format_version, figures, filled (fraction or NA).
    """
    rows = figures[figures["agency"].notna() & figures["report_year"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=["agency", "report_year", "format_version", "figures", "filled"])
    read = rows[~rows["derived"].astype("boolean").fillna(False).astype(bool)]
    tabled = read[read["format_version"].isin(["gov2019", "gov2021"]) & read["cell"].notna()]
    filled = (tabled.assign(_filled=tabled["cell"].isin(FILLED_CELLS))
              .groupby(["agency", "report_year"])["_filled"].mean())
    out = (rows.groupby(["agency", "report_year"])
           .agg(format_version=("format_version", lambda v: "/".join(sorted({str(x) for x in v.dropna()}))),
                figures=("metric", "size"))
           .reset_index())
    out["filled"] = [filled.get((a, y), pd.NA) for a, y in zip(out["agency"], out["report_year"], strict=True)]
    return out


def coverage_html(figures: pd.DataFrame) -> str:
    """The coverage matrix as an HTML table (escaped), one row per organ, one column per year."""
    cover = coverage_matrix(figures)
    if cover.empty:
        return "<p>无数据 / No data</p>"
    years = sorted(int(y) for y in cover["report_year"].unique())
    head = "".join(f"<th class=\"num\">{y}</th>" for y in years)
    body = []
    for organ, rows in cover.groupby("agency", sort=True):
        by_year = {int(r.report_year): r for r in rows.itertuples(index=False)}
        cells = []
        for year in years:
            row = by_year.get(year)
            if row is None:
                cells.append("<td></td>")
                continue
            layout = str(row.format_version)
            short = LAYOUT_SHORT.get(layout, layout or "?")
            extra = f" {format_percent(row.filled, 0)}" if not pd.isna(row.filled) else ""
            title = f"{organ} {year}: {layout}, {row.figures} figures" + (
                f", {format_percent(row.filled)} of table cells filled" if extra else "")
            cells.append(f"<td class=\"{escape(layout.split('/')[0])}\" title=\"{escape(title)}\">"
                         f"{escape(short + extra)}</td>")
        body.append(f"<tr><th scope=\"row\">{escape(organ)}</th>{''.join(cells)}</tr>")
    return (f"<table class=\"coverage\"><thead><tr><th>机关 / Organ</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def headline_findings(figures: pd.DataFrame, metrics: pd.DataFrame, checks: pd.DataFrame) -> list[tuple[str, str]]:
    """A few findings computed from the data, each as (Chinese, English) sentences."""
    found: list[tuple[str, str]] = []
    if figures.empty:
        return found
    per_organ = figures.dropna(subset=["agency", "report_year"]).groupby("agency")["report_year"].nunique()
    if len(per_organ):
        organ, years = per_organ.idxmax(), int(per_organ.max())
        span = figures.loc[figures["agency"] == organ, "report_year"].dropna().astype(int)
        found.append((f"年度最多的机关：{organ}，{years} 个年度（{span.min()}–{span.max()}）。",
                      f"Longest series: {organ}, {years} report years ({span.min()}–{span.max()})."))
    volume = metrics[(metrics["metric"] == "requests_volume") & metrics["value"].notna()]
    if not volume.empty:
        by_year = volume.drop_duplicates(["agency", "report_year"]).groupby("report_year")
        counts = by_year["agency"].nunique()
        year = int(counts[counts == counts.max()].index.max())
        rows = volume[volume["report_year"] == year].drop_duplicates("agency")
        top = rows.loc[rows["value"].astype(float).idxmax()]
        total = format_count(rows["value"].astype(float).sum())
        found.append((
            f"{year} 年 {len(rows)} 个机关共收到（含上年结转）{total} 件政府信息公开申请，最多的是{top['agency']}"
            f"（{format_count(top['value'])} 件）。",
            f"In {year}, {len(rows)} organs handled {total} information requests (new + carried over); the most: "
            f"{top['agency']} ({format_count(top['value'])}).",
        ))
    rate = metrics[(metrics["metric"] == "disclosure_rate") & metrics["value"].notna()]
    if len(rate) >= 2:
        values = rate["value"].astype(float)
        found.append((
            f"公开率（予以公开 + 部分公开）/ 办理结果总计：{len(rate)} 份报告的中位数 {format_percent(values.median())}，"
            f"范围 {format_percent(values.min())}–{format_percent(values.max())}。",
            f"Disclosure rate ((granted + partial) / results): median {format_percent(values.median())} over "
            f"{len(rate)} reports, range {format_percent(values.min())}–{format_percent(values.max())}.",
        ))
    identity = checks[checks["kind"] != "cross_year"] if "kind" in checks.columns else checks
    if not identity.empty:
        checked = identity["report_id"].nunique()
        broken = identity.loc[identity["status"] == "broken", "report_id"].nunique()
        found.append((f"{checked} 份标准表格报告中，{broken} 份至少有一处不满足本表恒等式（见 06 数据质量）。",
                      f"{broken} of {checked} standard-table reports break at least one identity of their own "
                      "tables (see 06 data quality)."))
    return found


def _page_links(exported: Iterable, langs: Iterable[str]) -> str:
    by_notebook: dict[str, dict[str, object]] = {}
    for page in exported:
        by_notebook.setdefault(page.notebook.name, {})[page.lang] = page
    rows = []
    for name in sorted(by_notebook):
        pages = by_notebook[name]
        title = next(iter(pages.values())).title
        links = " · ".join(
            f'<a href="{escape(pages[lang].html.name)}">{"中文" if lang == "zh" else "English"}</a>'
            for lang in langs if lang in pages)
        rows.append(f"<li>{escape(title)} — {links}</li>")
    return "<ul class=\"pages\">" + "\n".join(rows) + "</ul>"


def index_body(processed: Path, exported: list, langs: Iterable[str], organs: list[str] | None,
               years: list[int] | None) -> tuple[str, str]:
    """Title and body markup of ``index.html``."""
    bundle = load_bundle(processed)
    figures = subset(bundle.figures, organs, years)
    metrics = subset(bundle.metrics, organs, years)
    checks = subset(bundle.checks, organs, years)
    errors, warnings = _count_rows(processed, "errors.csv"), _count_rows(processed, "warnings.csv")
    built = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    title = "政府信息公开工作年度报告统计 · Government information-disclosure annual reports"
    organ_count = figures["agency"].nunique()
    year_count = figures["report_year"].nunique()
    facts = [
        ("生成时间 / Built", built),
        ("版本 / Version", f"transparency_stats {__version__}, commit {_commit()}"),
        ("报告 / Reports", format_count(figures["report_id"].nunique())),
        ("机关 / Organs", format_count(organ_count)),
        ("年度 / Report years", format_count(year_count)),
        ("数字 / Figures", format_count(len(figures))),
        ("读取失败的文件 / Files that failed", BLANK if errors is None else format_count(errors)),
        ("警告 / Warnings", BLANK if warnings is None else format_count(warnings)),
    ]
    if organs or years:
        facts.append(("筛选 / Filter", f"organs: {', '.join(organs or ['all'])}; years: "
                                       f"{', '.join(str(y) for y in years) if years else 'all'}"))
    facts_html = "<table class=\"facts\"><tbody>" + "".join(
        f"<tr><th scope=\"row\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts) + "</tbody></table>"
    findings = headline_findings(figures, metrics, checks)
    findings_html = "<ul class=\"findings\">" + "".join(
        f"<li>{escape(zh)}<br><small>{escape(en)}</small></li>" for zh, en in findings) + "</ul>"
    downloads = " · ".join(f'<a href="{name}">{name}</a>' for name in DOWNLOADS)
    body = f"""<h1>政府信息公开工作年度报告统计<br><small>Government information-disclosure annual reports: statistics</small></h1>
<h2>页面 · Pages</h2>
{_page_links(exported, langs)}
<p><a href="fields.html">数据字典 · Data dictionary</a> · <a href="methods.html">方法说明 · Methods</a></p>
<p>数据表 · Tables: {downloads}</p>
<h2>概况 · At a glance</h2>
{facts_html}
<h2>主要发现 · Findings</h2>
{findings_html or '<p>无数据 / No data</p>'}
<h2>覆盖情况 · Coverage</h2>
<p>每格一份报告：“文 N”= 文字报告（2019 年以前），“19”/“21”= 2019/2021 年版标准表格，百分数 = 表格单元格中有数字或“/”的比例；空格 = 没有该年度的报告。<br>
<small>One cell per report: “文 N” narrative report (before 2019), “19”/“21” the 2019/2021 standard tables, the
percentage the share of table cells holding a number or a not-applicable mark; empty = no report for that year.</small></p>
{coverage_html(figures)}
"""
    return title, body


FIELD_COLUMNS = ["metric", "table", "unit", "label_zh", "label_en", "comparability", "description"]


def fields_body() -> tuple[str, str]:
    """Title and body of ``fields.html``: every metric id with labels, unit and meaning."""
    fields = registry.fields()[FIELD_COLUMNS]
    headers = {"metric": "指标 id / Metric id", "table": "表 / Table", "unit": "单位 / Unit",
               "label_zh": "中文名称", "label_en": "English label", "comparability": "可比口径 / Comparable within",
               "description": "说明 / Description"}
    title = "数据字典 · Data dictionary"
    body = (f"<nav class=\"top\"><a href=\"index.html\">← 目录 / Contents</a></nav><h1>{title}</h1>"
            "<p>figures.csv 与 metrics.csv 的每个指标 id。可比口径：layout = 只在同一版表格内可比；era = 文字报告与标准表格不可比；"
            "none = 一条序列。<br><small>Every metric id of figures.csv and metrics.csv. Comparable within: layout = "
            "only within one table layout; era = narrative reports and standard tables differ; none = one series."
            "</small></p>" + html_table(fields, headers=headers))
    return title, body


METHODS = """<nav class="top"><a href="index.html">← 目录 / Contents</a></nav>
<h1>方法说明 · Methods</h1>
<h2>报告格式 · Layouts</h2>
<p>2019 年以前的年度报告是文字（“文 N”）；2019 年起按国务院办公厅规定的标准表格填报（“19”），2021 年度报告起表格修订（“21”）。
表二（主动公开）两版统计的量不同，图中在格式变化处断开，不连成一条线。</p>
<p><small>Reports before 2019 are prose (narrative); from 2019 they follow the standard tables (2019 layout), revised
for the 2021 reports (2021 layout). Table 二 (proactive disclosure) counts different things in the two layouts: charts
break the line where the layout changes.</small></p>
<h2>恒等式 · Identities</h2>
<p>1. 一 + 二 = （七）总计 + 四；2. 总计 = 各申请人列之和；3. （七）总计 = （一）+…+（六）；4. 表四 总计 = 维持 + 纠正 + 其他 + 尚未审结。
不满足的只报告，发布的数字从不修改。含空白单元格的核对记为“不完整”。</p>
<p><small>1. new + carried over = results total + carried forward; 2. total = sum of the applicant columns; 3. results
total = sum of the outcome rows; 4. table 四 total = upheld + corrected + other + pending. Broken identities are
reported, published numbers are never changed. A check with a blank input is “incomplete”.</small></p>
<h2>空白与约数 · Blanks and approximate values</h2>
<p>“—”表示报告没有给出该数字（空白单元格或未提及），不等于 0；“≈”表示报告所述的约数（“余”“多”）。
比率写作“50.0 %（1/2）”：百分数后为分子/分母；分母为 0 时比率为空，不记为 100%。</p>
<p><small>“—” means the report gives no number (a blank cell, or not stated): never read it as 0. “≈” marks an approximate
figure (余/多). A rate reads “50.0 % (1/2)”: the percentage, then numerator/denominator; a zero denominator gives a
blank, never 100 %.</small></p>
<h2>机关与年度 · Organs and years</h2>
<p>机关名称取自报告标题（别名按 agency_aliases.csv 归并）；年度为报告所述的年度，不是发布年份。</p>
<p><small>Organ names come from the report title (aliases merged by agency_aliases.csv); the year is the year the report
covers, not the year it was published.</small></p>
<h2>来源 · Sources</h2>
<p>每个数字在 figures.csv 中带有来源文件与位置（source_file、location）。</p>
<p><small>Every number carries its source file and location in figures.csv (source_file, location).</small></p>
"""


def write_entry_pages(processed: Path, out: Path, exported: list, langs: Iterable[str],
                      organs: list[str] | None, years: list[int] | None, cache_dir: Path | None = None) -> list[Path]:
    """Write ``index.html``, ``fields.html`` and ``methods.html`` into ``out``; returns them."""
    from .publish import _write_text, page_html

    langs = list(langs)
    written = []
    title, body = index_body(processed, exported, langs, organs, years)
    for name, (page_title, page_body) in {
        "index.html": (title, body),
        "fields.html": fields_body(),
        "methods.html": ("方法说明 · Methods", METHODS),
    }.items():
        target = out / name
        _write_text(target, page_html(page_title, page_body, "zh", cache_dir=cache_dir))
        written.append(target)
    return written
