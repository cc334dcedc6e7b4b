"""Every notebook executes against a small processed dataset and exports clean, offline HTML."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from transparency_stats.processed import load_bundle, resolve_data_dir, write_processed
from transparency_stats.publish import export_reports, export_tables, list_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = Path(__file__).parent / "fixtures" / "tidy"
EXPECTED = [
    "01-item-counts",
    "02-requests-and-outcomes",
    "03-on-time-rates",
    "04-review-and-litigation",
    "05-proposal-completion",
    "06-data-quality",
    "07-report-quality",
]
MATH_ORGAN = "$\\alpha$测试局"  # mathtext would choke on this if labels were not plain text
LINK_METRIC = "[x](javascript:alert(1))"
SINGLE_ORGAN = "孤点测试局"


def hostile_rows() -> pd.DataFrame:
    """An organ named like mathtext with a two-year series, and a metric id written as a Markdown link."""
    rows = []
    for year, value in ((2019, 30), (2020, 45)):
        for metric in ("requests_received", "requests_carried_over"):
            rows.append({"source_file": f"fixtures/m{year}.csv", "report_id": f"m{year}", "agency": MATH_ORGAN,
                         "report_year": year, "format_version": "gov2019", "table": "requests", "metric": metric,
                         "applicant": "total", "value": value, "cell": "number", "approximate": False,
                         "derived": False, "raw_value": str(value), "location": "invented"})
    rows.append({**rows[0], "metric": LINK_METRIC, "table": "requests"})
    for metric in ("requests_received", "requests_carried_over"):  # one year only: a sentence, not a chart
        rows.append({**rows[0], "agency": SINGLE_ORGAN, "report_id": "s2021", "report_year": 2021, "metric": metric})
    return pd.DataFrame(rows)


def fixture_figures() -> pd.DataFrame:
    frames = [pd.read_csv(p) for p in sorted(FIXTURES.glob("*.csv"))]
    return pd.concat([*frames, hostile_rows()], ignore_index=True)


def exported_pages(tmp_path_factory) -> Path:
    """Pages in both languages for the fixture data, built once per test session (and reused)."""
    base = tmp_path_factory.getbasetemp()
    out = base / "pages-both"
    if not (out / "index.html").exists():
        processed = write_processed(fixture_figures(), base / "processed-fixture")
        export_tables(processed, out)
        export_reports(NOTEBOOKS, out, processed, langs=("zh", "en"))
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    return exported_pages(tmp_path_factory)


def test_notebooks_are_committed_clean():
    assert [p.stem for p in list_notebooks(NOTEBOOKS)][: len(EXPECTED)] == EXPECTED
    for path in list_notebooks(NOTEBOOKS):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        first = "".join(code[0]["source"])
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
        if path.stem not in EXPECTED:
            continue  # further notebooks: clean and tagged; the page conventions below are for these six
        for name in ('ORGANS = None', 'YEARS = None', 'LANG = "zh"', 'DATA_DIR = "../data/processed"'):
            assert name in first, (path.name, name)
        source = "\n".join("".join(c["source"]) for c in code)
        for parsing in ("import re", "read_document", "extract_report", "read_csv", "open(", "Markdown("):  # data as text
            assert parsing not in source, (path.name, parsing)
        markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert re.search(r"[\u4e00-\u9fff]{4}", markdown) and re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", markdown)


def test_html_pages(exported):
    for name in EXPECTED:
        for page_file in (f"{name}.html", f"{name}.en.html"):
            page = (exported / page_file).read_text(encoding="utf-8")
            assert "<script" not in page.lower(), page_file  # no script at all, so nothing to fetch
            assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page), page_file
            assert "missing from font" not in page and "Glyph" not in page
            assert "Traceback" not in page and "Error" not in page, page_file
            assert "&lt;NA&gt;" not in page and "<NA>" not in page and ">nan<" not in page, page_file
            assert str(exported) not in page and "/tmp/" not in page, page_file  # no absolute path
            assert "No description has been provided" not in page
            assert "import transparency_stats" not in page and "Page(DATA_DIR" not in page  # code hidden
            assert page.index("@font-face") < page.index("</head>")
            assert 'href="index.html"' in page
    # the organ with markup in its name shows up as text, on both sets
    for name in ("02-requests-and-outcomes.html", "06-data-quality.en.html"):
        page = (exported / name).read_text(encoding="utf-8")
        assert "测试&lt;script&gt;alert(1)&lt;/script&gt;局" in page
    # a metric id written as a Markdown link stays text: no live javascript: link
    quality = (exported / "06-data-quality.html").read_text(encoding="utf-8")
    assert "[x](javascript:alert(1))" in quality
    assert not re.search(r"""href=["']?\s*javascript:""", quality, re.IGNORECASE)
    # the mathtext-looking organ is drawn (its chart has alt text naming it) and its name is text
    requests = (exported / "02-requests-and-outcomes.html").read_text(encoding="utf-8")
    assert "$\\alpha$测试局" in requests
    assert re.search(r'<img alt="[^"]*\$\\alpha\$测试局', requests)
    assert "data:image/png;base64" in requests


def test_numbers_read_like_numbers(exported):
    requests = (exported / "02-requests-and-outcomes.html").read_text(encoding="utf-8")
    assert re.search(r"\d+\.\d %\s*\(\d[\d,]*/\d[\d,]*\)", requests), "rates with numerator/denominator"
    assert not re.search(r">\d{4,}\.0<", requests), "counts as floats"
    assert "—" in requests
    items = (exported / "01-item-counts.html").read_text(encoding="utf-8")
    assert "1,200" in items  # thousands separator
    assert "≈1,500" in items  # the fixture's 2018 item count is approximate (余)


def test_single_points_are_sentences_not_charts(exported):
    page = (exported / "02-requests-and-outcomes.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert alts and all(SINGLE_ORGAN not in alt for alt in alts)
    assert re.search(r"只有一个年度[^<]*孤点测试局 2021: 60", page)


def test_index_links_every_page_and_says_what_it_rests_on(exported):
    index = (exported / "index.html").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f'href="{name}.html"' in index and f'href="{name}.en.html"' in index
    for part in ('href="fields.html"', 'href="methods.html"', 'href="figures.csv"', "transparency_stats 0",
                 "覆盖情况 · Coverage", "示例市测试局", "主要发现"):
        assert part in index, part
    assert "数据质量" in index and "Data quality" in index
    assert "requests_volume" in (exported / "fields.html").read_text(encoding="utf-8")


def test_second_export_comes_from_the_cache(exported, tmp_path_factory):
    processed = tmp_path_factory.getbasetemp() / "processed-fixture"
    pages = export_reports(NOTEBOOKS, exported, processed, langs=("zh", "en"))
    assert pages and all(p.cached for p in pages)


def test_notebooks_run_without_data(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    written = export_reports(NOTEBOOKS, tmp_path / "out", empty, langs=("en",))
    assert len(written) == len(list_notebooks(NOTEBOOKS))
    page = (tmp_path / "out" / "02-requests-and-outcomes.en.html").read_text(encoding="utf-8")
    assert "No data" in page and "Traceback" not in page
    assert (tmp_path / "out" / "index.html").exists()


def test_export_tables(tmp_path_factory, tmp_path):
    processed = write_processed(fixture_figures(), tmp_path / "p")
    written = export_tables(processed, tmp_path)
    assert {p.name for p in written} == {"figures.csv", "metrics.csv", "checks.csv", "transparency_stats.xlsx"}
    for name in ("figures.csv", "metrics.csv", "checks.csv"):
        assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf")
    metrics_csv = pd.read_csv(tmp_path / "metrics.csv", encoding="utf-8-sig")
    assert list(metrics_csv.columns[metrics_csv.columns.get_loc("metric"):][:5]) == [
        "metric", "label_zh", "label_en", "unit_zh", "unit_en"]
    assert (metrics_csv.loc[metrics_csv["metric"] == "disclosure_rate", "label_en"] == "Disclosure rate").all()
    book = load_workbook(tmp_path / "transparency_stats.xlsx")
    assert book.sheetnames == ["figures", "metrics", "checks", "fields"]
    bundle = load_bundle(processed)
    sheet = book["metrics"]
    assert sheet.max_row == len(bundle.metrics) + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["A"].width >= 8
    header = [c.value for c in sheet[1]]
    metric_col, value_col = header.index("metric") + 1, header.index("value") + 1
    formats = {sheet.cell(row=r, column=metric_col).value: sheet.cell(row=r, column=value_col).number_format
               for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=value_col).value is not None}
    assert formats["disclosure_rate"] == "0.0%"
    assert formats["requests_volume"] == "#,##0"


def test_formula_like_text_stays_text(tmp_path):
    figures = pd.read_csv(FIXTURES / "sample_figures.csv").head(3)
    figures["raw_value"] = "=1+1"
    write_processed(figures, tmp_path / "p")
    export_tables(tmp_path / "p", tmp_path / "out")
    sheet = load_workbook(tmp_path / "out" / "transparency_stats.xlsx")["figures"]
    column = [c.value for c in sheet[1]].index("raw_value") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_resolve_data_dir(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data" / "processed").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)  # the repository root, not notebooks/
    assert resolve_data_dir("../data/processed") == (tmp_path / "data" / "processed").resolve()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert resolve_data_dir("../data/processed") == (tmp_path / "data" / "processed").resolve()
