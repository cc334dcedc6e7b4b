"""Every notebook executes against a small processed dataset and exports clean HTML."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from transparency_stats.processed import load_bundle, resolve_data_dir, write_processed
from transparency_stats.report import export_reports, export_tables, list_notebooks

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


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    figures = pd.concat([pd.read_csv(p) for p in sorted(FIXTURES.glob("*.csv"))], ignore_index=True)
    return write_processed(figures, tmp_path_factory.mktemp("processed"))


@pytest.fixture(scope="module")
def exported(processed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    written = export_reports(NOTEBOOKS, out, parameters={"DATA_DIR": str(processed)})
    assert [p.stem for p in written] == EXPECTED
    return out


def test_notebooks_are_committed_clean():
    assert [p.stem for p in list_notebooks(NOTEBOOKS)] == EXPECTED
    for path in list_notebooks(NOTEBOOKS):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        first = "".join(code[0]["source"])
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
        for name in ('ORGANS = None', 'YEARS = None', 'LANG = "zh"', 'DATA_DIR = "../data/processed"'):
            assert name in first, (path.name, name)
        source = "\n".join("".join(c["source"]) for c in code)
        for parsing in ("import re", "read_document", "extract_report", "read_csv", "open("):
            assert parsing not in source, (path.name, parsing)
        markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert re.search(r"[\u4e00-\u9fff]{4}", markdown) and re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", markdown)


def test_html_reports(exported):
    for name in EXPECTED:
        page = (exported / f"{name}.html").read_text(encoding="utf-8")
        assert "<script>alert" not in page
        assert "missing from font" not in page and "Glyph" not in page
        assert "Traceback" not in page
        if name != "06-data-quality":  # 06 is tables only
            assert "data:image/png;base64" in page, name
        assert "import transparency_stats" not in page and "load_bundle(" not in page  # code hidden
    # the organ with markup in its name shows up as text
    for name in ("02-requests-and-outcomes", "06-data-quality"):
        page = (exported / f"{name}.html").read_text(encoding="utf-8")
        assert "测试&lt;script&gt;alert(1)&lt;/script&gt;局" in page
    quality = (exported / "06-data-quality.html").read_text(encoding="utf-8")
    assert "b2021" in quality and "broken" in quality


def test_index_links_every_report(exported):
    index = (exported / "index.html").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f'href="{name}.html"' in index
    assert "数据质量" in index and "Data quality" in index


def test_notebooks_run_without_data(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    written = export_reports(NOTEBOOKS, tmp_path / "out", parameters={"DATA_DIR": str(empty)})
    assert len(written) == len(EXPECTED)
    page = (tmp_path / "out" / "02-requests-and-outcomes.html").read_text(encoding="utf-8")
    assert "No data" in page and "Traceback" not in page


def test_export_tables(processed, tmp_path):
    written = export_tables(processed, tmp_path)
    assert {p.name for p in written} == {"figures.csv", "metrics.csv", "checks.csv", "transparency_stats.xlsx"}
    for name in ("figures.csv", "metrics.csv", "checks.csv"):
        assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf")
    book = load_workbook(tmp_path / "transparency_stats.xlsx", read_only=True)
    assert book.sheetnames == ["figures", "metrics", "checks", "fields"]
    bundle = load_bundle(processed)
    assert sum(1 for _ in book["metrics"].iter_rows()) == len(bundle.metrics) + 1


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
