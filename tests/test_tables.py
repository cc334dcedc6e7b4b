"""Standard tables 二/三/四 read from grids (HTML, DOCX) and from text (PDF layer, spaced, run-together)."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transparency_stats.layout import detect_layout
from transparency_stats.narrative import extract_text_figures
from transparency_stats.normalize import normalize_text
from transparency_stats.reading import Document, read_document
from transparency_stats.registry import metric_ids
from transparency_stats.schema import APPLICANTS, Figure
from transparency_stats.tables import (
    BLOCKS,
    REVIEW_COLUMNS,
    extract_tables,
    label_key,
    load_label_map,
    parse_cell,
    table_completeness,
)
from transparency_stats.tables.splitting import column_re, row_sum_splits, split_columns

FIXTURES = Path(__file__).parent / "fixtures" / "tables"
EXPECTED = FIXTURES / "expected"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
assert _spec and _spec.loader
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)
REPORTS = make_fixtures.REPORTS

FILES = sorted(p.name for p in FIXTURES.glob("gov*.*"))

# What each fixture is expected to leave out (besides the cells the design prints blank or not applicable).
LEFT_OUT: dict[str, set[tuple[str, str]]] = {
    "gov2019_runtogether.txt": {
        (f"{row}_{col}", "total")
        for row in ("regulations", "normative_docs")
        for col in ("issued", "published", "public_total")
    }
    | {(f"{row}_{col}", "total") for row in ("licensing", "other_services", "penalty")
       for col in ("items_prev_year", "items_change", "decisions")}
    | {("procurement_items", "total"), ("procurement_amount_yuan", "total")},
    "gov2021_runtogether.txt": {(f"normative_docs_{c}", "total") for c in ("issued", "repealed", "valid")}
    | {("requests_received", a) for a in APPLICANTS}
    | {("requests_carried_over", a) for a in APPLICANTS},
    "gov2019_markdown.md": {("procurement_amount_yuan", "total")},  # no header, no unit: 元 or 万元 unknown
    "gov2021_markdown.md": {("fees_amount_wan", "total")},
    "gov2021.html": {(m, a) for m in BLOCKS["results_not_processed_total"] for a in ("research", "total")}
    | {("coercion_decisions", "total"), ("results_not_processed_total", "research"),
       ("results_not_processed_total", "total")},
}


def _layout_of(name: str) -> str:
    return name.split("_")[0].split(".")[0]


def _extract(name: str) -> tuple[list[Figure], list]:
    doc = read_document(FIXTURES / name)
    return extract_tables(doc, detect_layout(doc))


def _design(layout: str) -> dict[tuple[str, str], float | None]:
    """The values the fixture prints (None: blank or not applicable), keyed by (metric, applicant)."""
    report = REPORTS[layout]
    want: dict[tuple[str, str], float | None] = {}
    prefixes = {"规章": "regulations", "规范性文件": "normative_docs", "行政规范性文件": "normative_docs",
                "行政许可": "licensing", "其他对外管理服务事项": "other_services", "行政处罚": "penalty",
                "行政强制": "coercion", "行政事业性收费": "fees", "政府集中采购": "procurement"}
    columns = load_label_map(layout)
    for _, heads, rows in report["proactive"]:
        for label, values in rows:
            for head, value in zip(heads, values, strict=True):
                metric = f"{prefixes[label]}_{columns.lookup('proactive', 'column', head)}"
                number = None if value == "—" else float(value)
                if number is not None and metric == "procurement_amount_yuan":
                    number *= 10_000  # printed in 万元
                want[(metric, "total")] = number
    for metric, values in report["requests"].items():
        for applicant, value in zip(APPLICANTS, values, strict=True):
            want[(metric, applicant)] = float(value)
    for block, leaves in BLOCKS.items():
        if leaves[0] in report["requests"]:
            for k, applicant in enumerate(APPLICANTS):
                want[(block, applicant)] = float(sum(report["requests"][leaf][k] for leaf in leaves))
    for metric, value in zip(REVIEW_COLUMNS, report["review"], strict=True):
        want[(metric, "total")] = float(value)
    review = dict(zip(REVIEW_COLUMNS, report["review"], strict=True))
    want[("litigation_total", "total")] = float(review["litigation_direct_total"] + review["litigation_after_review_total"])
    want[("litigation_corrected", "total")] = float(
        review["litigation_direct_corrected"] + review["litigation_after_review_corrected"]
    )
    return want


# --------------------------------------------------------------------------- golden outputs


_golden_rows = make_fixtures.golden_rows


@pytest.mark.parametrize("name", FILES)
def test_golden_output(name: str) -> None:
    figures, issues = _extract(name)
    stem = name.replace(".", "_")
    with (EXPECTED / f"{stem}.csv").open(encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle))[1:]
    assert _golden_rows(figures) == expected
    with (EXPECTED / f"{stem}.issues.csv").open(encoding="utf-8", newline="") as handle:
        expected_issues = [tuple(row) for row in list(csv.reader(handle))[1:]]
    assert [(i.severity, i.kind, i.message) for i in issues] == expected_issues


@pytest.mark.parametrize("name", FILES)
def test_values_are_the_printed_ones(name: str) -> None:
    """Every figure equals the value the fixture prints; nothing is missing but the known gaps."""
    figures, _ = _extract(name)
    want = _design(_layout_of(name))
    got: dict[tuple[str, str], float | None] = {}
    for f in figures:
        if f.value is not None:
            assert (f.metric, f.applicant) not in got, f"two values for {f.metric}/{f.applicant}"
            got[(f.metric, f.applicant)] = f.value
    wrong = {k: (v, want.get(k)) for k, v in got.items() if want.get(k) is None or abs(v - want[k]) > 1e-9}
    assert not wrong
    left_out = LEFT_OUT.get(name, set())
    missing = {k for k, v in want.items() if v is not None and k not in got} - left_out
    assert not missing
    assert not {k for k in left_out if k in got}


@pytest.mark.parametrize("name", FILES)
def test_layout_is_recognised_from_labels(name: str) -> None:
    assert detect_layout(read_document(FIXTURES / name)) == _layout_of(name)


def test_narrative_layout_gives_no_table_figures() -> None:
    doc = Document("n.txt", "txt", "全年主动公开政府信息2600条，受理依申请公开12件。")
    assert detect_layout(doc) == "narrative"
    assert extract_tables(doc, "narrative") == ([], [])


# --------------------------------------------------------------------------- cells and provenance


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("", "blank", None), ("/", "not_applicable", None), ("—", "not_applicable", None),
        ("-", "not_applicable", None), ("无", "not_applicable", None), ("不适用", "not_applicable", None),
        ("详见附表", "text", None), ("0", "zero", 0.0), ("零", "zero", 0.0), ("12", "number", 12.0),
        ("1,234", "number", 1234.0), ("-8", "number", -8.0), ("75394432.52元", "number", 75394432.52),
        ("12件", "number", 12.0), ("2笔", "number", 2.0), ("3宗", "number", 3.0), ("1 2", "text", None),
    ],
)
def test_parse_cell(text: str, kind: str, value: float | None) -> None:
    cell = parse_cell(text)
    assert (cell.kind, cell.value) == (kind, value)


def test_blank_total_column_gives_marked_derived_totals() -> None:
    figures, _ = _extract("gov2021.html")
    totals = [f for f in figures if f.metric == "requests_received" and f.applicant == "total"]
    read = [f for f in totals if not f.derived]
    derived = [f for f in totals if f.derived]
    assert [(f.cell, f.value) for f in read] == [("blank", None)]
    assert [f.value for f in derived] == [162.0]
    assert "总计 blank" in derived[0].raw_label


def test_not_applicable_cells_have_no_value_and_block_no_sum() -> None:
    figures, _ = _extract("gov2021.html")
    na = [f for f in figures if f.cell == "not_applicable"]
    assert na and all(f.value is None for f in na)
    assert {f.metric for f in na if f.table == "requests"} == set(BLOCKS["results_not_processed_total"])
    assert not [f for f in figures if f.metric == "results_not_processed_total" and f.applicant == "research"]


def test_locations_point_at_the_cells() -> None:
    figures, _ = _extract("gov2019.html")
    assert all(re.fullmatch(r"table:\d+ row:\d+ col:\d+", f.location) for f in figures if not f.derived)
    doc = read_document(FIXTURES / "gov2021_runtogether.txt")
    figures, _ = extract_tables(doc, detect_layout(doc))
    for f in figures:
        if not f.derived:
            offset = int(f.location.removeprefix("char:"))
            assert doc.text[offset: offset + len(f.raw_value)] == f.raw_value


# --------------------------------------------------------------------------- text


def test_run_together_ambiguous_row_is_left_out_with_a_warning() -> None:
    figures, issues = _extract("gov2021_runtogether.txt")
    assert not [f for f in figures if f.metric == "requests_received"]
    messages = [i.message for i in issues if i.kind == "ambiguous_split"]
    assert any("本年新收政府信息公开申请数量" in m for m in messages)
    assert any("行政规范性文件" in m for m in messages)
    # the identities still pin down the neighbouring rows
    values = {(f.metric, f.applicant): f.value for f in figures}
    assert values[("results_granted", "total")] == 66.0
    assert values[("results_other_misc", "legal_services")] == 1.0


def _runtogether_with_prose(sentence: str) -> tuple[list[Figure], list]:
    """The gov2021 run-together fixture (normative row '143120') with a sentence added to its prose."""
    text = (FIXTURES / "gov2021_runtogether.txt").read_text(encoding="utf-8")
    text = text.replace("二、主动公开政府信息情况", sentence + "二、主动公开政府信息情况", 1)
    doc = Document("prose.txt", "txt", normalize_text(text).text)
    return extract_tables(doc, "gov2021")


def _normative(figures: list[Figure]) -> dict[str, float | None]:
    return {f.metric: f.value for f in figures if f.metric.startswith("normative_docs_")}


def test_prose_settles_a_run_together_table2_row() -> None:
    # '143120' fits ten cuts; the prose names two of its cells, which leaves one: 14 | 3 | 120
    figures, issues = _runtogether_with_prose("全年新制发行政规范性文件14件，库内现行有效的规范性文件共120件。")
    assert _normative(figures) == {"normative_docs_issued": 14.0, "normative_docs_repealed": 3.0,
                                   "normative_docs_valid": 120.0}
    assert not [i for i in issues if "行政规范性文件" in i.message]


def test_prose_settles_only_the_cells_every_remaining_cut_agrees_on() -> None:
    # 14 fixes the first cell; '3120' still cuts as 3|120, 31|20, 312|0: those two cells stay out
    figures, issues = _runtogether_with_prose("全年新制发行政规范性文件14件。")
    assert _normative(figures) == {"normative_docs_issued": 14.0}
    messages = [i.message for i in issues if i.kind == "ambiguous_split"]
    assert any("本年废止件数, 现行有效件数 left out" in m for m in messages)


def test_prose_that_no_cut_gives_decides_nothing() -> None:
    # 999 valid documents: no cut of '143120' ends so, the report contradicts itself
    figures, issues = _runtogether_with_prose("全年新制发行政规范性文件14件，现行有效的行政规范性文件999件。")
    assert _normative(figures) == {"normative_docs_issued": 14.0}
    assert any(i.kind == "ambiguous" and "999" in i.message for i in issues)
    figures, issues = _runtogether_with_prose("现行有效的行政规范性文件999件。")
    assert _normative(figures) == {}
    # a cell the prose states of a department, not of the organ, is no check
    figures, _ = _runtogether_with_prose("其他部门全年新制发行政规范性文件14件。")
    assert _normative(figures) == {}


def test_prose_statements_of_table2_cells_are_no_figures_of_their_own() -> None:
    doc = Document("p.txt", "txt", "本年度制发规范性文件14件，现行有效规范性文件120件，全年主动公开政府信息300条。")
    for layout in ("narrative", "gov2021"):
        figures, _ = extract_text_figures(doc, layout)
        assert {f.metric for f in figures} == {"proactive_items_total"}


def test_ordinal_of_next_label_is_not_a_digit() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        "一、本年新收政府信息公开申请数量3000003二、上年结转政府信息公开申请数量0000000"
        "三、本年度办理结果(一)予以公开1000001(二)部分公开(区分处理的,只计这一情形,不计其他情形)0000000"
        "(三)不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开10000013.危及“三安全一稳定”0000000"
        "四、政府信息公开行政复议、行政诉讼情况"
    )
    figures, _ = extract_tables(Document("t.txt", "txt", text), "gov2021")
    values = {(f.metric, f.applicant): f.value for f in figures}
    assert values[("results_denied_state_secret", "total")] == 0.0
    assert values[("results_denied_law_prohibited", "natural_person")] == 1.0
    assert values[("results_denied_security_stability", "total")] == 0.0


def test_run_together_table_four_split_by_block_totals() -> None:
    text = (
        "申请人情况一、本年新收政府信息公开申请数量0000000四、结转下年度继续办理0000000"
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n结果维持结果纠正其他结果尚未审结总计\n"
        "未经复议直接起诉\n复议后起诉\n结果维持结果纠正其他结果尚未审结总计\n结果维持结果纠正其他结果尚未审结总计\n"
        "2103612071000000\n五、存在的主要问题及改进情况"
    )
    figures, issues = extract_tables(Document("t.txt", "txt", text), "gov2021")
    values = {f.metric: f.value for f in figures if f.table == "review_litigation"}
    assert [values[m] for m in REVIEW_COLUMNS] == [2, 1, 0, 3, 6, 1, 2, 0, 7, 10, 0, 0, 0, 0, 0]
    assert values["litigation_total"] == 10


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), min_size=6, max_size=6))
def test_row_split_never_invents_a_row(cells: list[int]) -> None:
    """The printed row is always among the splits, so a unique split is the printed row."""
    row = [*cells, sum(cells)]
    digits = "".join(str(v) for v in row)
    splits = row_sum_splits(digits, 7, cap=10_000)
    found = [[int(digits[a:b]) for a, b in split] for split in splits]
    assert row in found
    if len(found) == 1:
        assert found[0] == row


def _row_splits_by_definition(digits: str, n: int) -> list[list[tuple[int, int]]]:
    """Every cut of digits into n-1 whole numbers and their sum, in order (cut positions ascending)."""
    found = []
    for k in range(1, min(len(digits) - (n - 1), 12) + 1):
        start = len(digits) - k
        if len(digits[start:]) > 1 and digits[start] == "0":
            continue
        for cuts in itertools.combinations(range(1, start), n - 2):
            bounds = list(zip((0, *cuts), (*cuts, start), strict=True))
            pieces = [digits[a:b] for a, b in bounds]
            if all(len(p) == 1 or p[0] != "0" for p in pieces) and sum(map(int, pieces)) == int(digits[start:]):
                found.append([*bounds, (start, len(digits))])
    return found


def test_row_splits_are_the_cuts_that_add_up() -> None:
    """Every cut whose six numbers add up to the seventh, in order; one digit a cell included."""
    rng = random.Random(4)
    for _ in range(3000):
        size = rng.choice([7, 7, 8, 9, 10, 11])
        digits = "".join(rng.choice("00123456789") for _ in range(size))
        if rng.random() < 0.5:  # a row that adds up
            cells = [rng.choice([0, 1, 2, 3, 9, 12, 40]) for _ in range(6)]
            digits = "".join(map(str, [*cells, sum(cells)]))
        assert row_sum_splits(digits, 7, cap=10_000) == _row_splits_by_definition(digits, 7), digits


# --------------------------------------------------------------------------- labels


def test_unknown_labels_are_reported_not_dropped() -> None:
    header = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"] + [""] * 7
    grid = [
        header,
        ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "个体工商户", "总计"],
        ["一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量", "3", "1", "0", "0", "0", "0", "2", "4"],
        ["三、本年度办理结果", "(八)转送其他机关", "1", "0", "0", "0", "0", "0", "0", "1"],
    ]
    doc = Document("t.html", "html", "", [grid])
    figures, issues = extract_tables(doc, "gov2021")
    messages = [i.message for i in issues if i.kind == "unknown_label" and i.severity == "warning"]
    assert any("个体工商户" in m for m in messages)
    assert any("(八)转送其他机关" in m for m in messages)
    values = {(f.metric, f.applicant): f.value for f in figures}
    assert values[("requests_received", "natural_person")] == 3.0
    assert values[("requests_received", "total")] == 4.0


def test_label_map_is_consistent() -> None:
    registered = set(metric_ids())
    for layout in ("gov2019", "gov2021"):
        labels = load_label_map(layout)
        seen: dict[tuple[str, str, str], str] = {}
        for s in labels.spellings:
            key = (s.table, s.kind, label_key(s.raw_label))
            assert seen.setdefault(key, s.metric) == s.metric, f"{s.raw_label!r} maps twice"
            if s.table == "requests" and s.kind == "row":
                assert s.metric in registered
            if s.table == "requests" and s.kind == "column":
                assert s.metric in APPLICANTS
        rows = [s.metric for s in labels.spellings if s.table == "proactive" and s.kind == "row"]
        cols = [s.metric for s in labels.spellings if s.table == "proactive" and s.kind == "column"]
        assert any(f"{r}_{c}" in registered for r in rows for c in cols)


def test_label_key_ignores_ordinals_and_punctuation() -> None:
    assert label_key("（三）不予公开") == label_key("不予公开")
    assert label_key("2、其他法律行政法规禁止公开") == label_key("2.其他法律行政法规禁止公开")
    assert label_key("社会公益 组织") == "社会公益组织"


# --------------------------------------------------------------------------- generated DOCX / PDF


@pytest.mark.parametrize("layout", ["gov2019", "gov2021"])
def test_regenerated_docx_and_pdf_read_the_same(layout: str, tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    for suffix, write in ((".docx", make_fixtures.write_docx), (".pdf", make_fixtures.write_pdf)):
        path = tmp_path / f"{layout}{suffix}"
        write(layout, path)
        doc = read_document(path)
        figures, _ = extract_tables(doc, detect_layout(doc))
        committed, _ = _extract(f"{layout}{suffix}")
        assert _golden_rows(figures) == _golden_rows(committed)


def test_pdf_text_artefacts_around_the_rows() -> None:
    """Prose under the heading and a bare page number after a row do not disturb the cells."""
    text = (FIXTURES / "gov2021_spaced.txt").read_text(encoding="utf-8")
    text = text.replace("三、收到和处理政府信息公开申请情况\n",
                        "三、收到和处理政府信息公开申请情况\n本年度收到申请162件，予以公开66件，不予公开11件。\n")
    text = text.replace("（一）予以公开 50 12 1 0 2 1 66\n", "（一）予以公开 50 12 1 0 2 1 66\n7\n")
    figures, issues = extract_tables(Document("t.txt", "txt", normalize_text(text).text), "gov2021")
    values = {(f.metric, f.applicant): f.value for f in figures}
    assert values[("results_granted", "total")] == 66.0
    assert values[("results_granted", "natural_person")] == 50.0
    assert not issues


def test_cells_spanning_other_columns_than_their_header() -> None:
    """A value spread over two columns under a one-column heading is read as one cell, not twice."""
    doc = read_document(FIXTURES / "spans_misaligned.html")
    figures, issues = extract_tables(doc, "gov2019")
    values = {f.metric: f.value for f in figures if f.table == "proactive"}
    assert [values[f"licensing_{c}"] for c in ("items_prev_year", "items_change", "decisions")] == [12, -3, 40]
    assert [values[f"penalty_{c}"] for c in ("items_prev_year", "items_change", "decisions")] == [30, 0, 115]
    assert [values[f"other_services_{c}"] for c in ("items_prev_year", "items_change", "decisions")] == [5, 5, 7]
    assert [values["fees_items_prev_year"], values["fees_items_change"]] == [6, -1]
    assert [values[f"regulations_{c}"] for c in ("issued", "published", "public_total")] == [3, 3, 41]
    assert [values[f"normative_docs_{c}"] for c in ("issued", "published", "public_total")] == [9, 8, 57]
    # four cells under three header cells: no reading is certain
    assert not [m for m in values if m.startswith("coercion_")]
    assert [i for i in issues if i.kind == "misaligned_row" and "行政强制" in i.message]
    review = {f.metric: f.value for f in figures if f.table == "review_litigation" and not f.derived}
    assert [review[m] for m in REVIEW_COLUMNS] == [2, 1, 0, 0, 3, 4, 0, 0, 1, 5, 0, 0, 0, 0, 0]


def test_table_three_header_spelled_heji_and_qita_zuzhi() -> None:
    """合计 for the 总计 column and 其他组织 for 其他 are the same applicant columns."""
    grid = [
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"] + ["申请人情况"] * 6,
        ["", "自然人", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "合计"],
        ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织", "合计"],
        ["一、本年新收政府信息公开申请数量", "7", "2", "0", "0", "1", "3", "13"],
        ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"],
    ]
    figures, issues = extract_tables(Document("t.html", "html", "", [grid]), "gov2021")
    values = {(f.metric, f.applicant): f.value for f in figures}
    assert [values[("requests_received", a)] for a in APPLICANTS] == [7, 2, 0, 0, 1, 3, 13]
    assert values[("requests_carried_forward", "total")] == 1
    assert not [i for i in issues if i.kind == "unknown_label"]


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(("text", "kind", "value", "unit"), [
    ("+9", "number", 9.0, ""),
    ("-4", "number", -4.0, ""),
    ("\u22124", "number", -4.0, ""),
    ("\uff11\uff12\uff13", "number", 123.0, ""),
    ("1,234", "number", 1234.0, ""),
    ("12,500.5元", "number", 12500.5, "元"),
    ("3.6 万元", "number", 3.6, "万元"),
    ("7件", "number", 7.0, ""),
    ("十二", "number", 12.0, ""),
    ("\uff10", "zero", 0.0, ""),
    ("/", "not_applicable", None, ""),
    ("", "blank", None, ""),
    ("见附件", "text", None, ""),
])
def test_cell_signs_units_separators_and_full_width_digits(text: str, kind: str, value: float | None,
                                                          unit: str) -> None:
    cell = parse_cell(text)
    assert (cell.kind, cell.value, cell.unit, cell.count) == (kind, value, unit, None)


def test_compound_cell_holds_a_count_and_an_amount() -> None:
    cell = parse_cell("4个 86,000元")
    assert (cell.count, cell.value, cell.unit) == (4.0, 86000.0, "元")
    assert parse_cell("2项,1.5万元").count == 2.0


def test_compound_cell_gives_both_figures_where_the_template_has_both() -> None:
    grid = [["第二十条第(九)项", "", ""], ["信息内容", "采购项目数量", "采购总金额"], ["政府集中采购", "4个86000元", "4个86000元"]]
    figures, issues = extract_tables(Document("t.html", "html", "", [grid]), "gov2019")
    values = {f.metric: f for f in figures if f.table == "proactive"}
    assert values["procurement_amount_yuan"].value == 86000.0
    assert values["procurement_items"].value == 4.0 and values["procurement_items"].raw_value == "4个86000元"


def test_compound_cell_where_the_template_has_one_number_is_left_out() -> None:
    grid = [["第二十条第(六)项", ""], ["信息内容", "本年处理决定数量"], ["行政处罚", "3个500元"], ["行政强制", "2"]]
    figures, issues = extract_tables(Document("t.html", "html", "", [grid]), "gov2021")
    assert not [f for f in figures if f.metric == "penalty_decisions"]
    assert [i for i in issues if i.kind == "compound_cell"]


# --------------------------------------------------------------------------- reading by the template


_T3_HEADER = [
    ["", "申请人情况"] + ["申请人情况"] * 6,
    ["", "自然人", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "总计"],
    ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]


def _requests_grid(rows: list[list[str]]) -> tuple[dict[tuple[str, str], Figure], list]:
    figures, issues = extract_tables(Document("t.html", "html", "", [_T3_HEADER + rows]), "gov2021")
    return {(f.metric, f.applicant): f for f in figures}, issues


def test_garbled_row_label_is_read_by_its_place_in_the_template() -> None:
    found, issues = _requests_grid([
        ["一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "0", "6"],
        ["二、上年结转政府信息公开串请数量", "2", "0", "0", "0", "0", "0", "2"],  # 申 read as 串
        ["(一)予以公开", "4", "1", "0", "0", "0", "0", "5"],
    ])
    carried = found[("requests_carried_over", "total")]
    assert carried.value == 2.0 and carried.raw_label == "二、上年结转政府信息公开串请数量"
    assert [i for i in issues if i.kind == "label_by_position" and "串" in i.message]


def test_dropped_and_doubled_characters_in_labels_are_read_by_place() -> None:
    found, _ = _requests_grid([
        ["(一)予以公开", "4", "1", "0", "0", "0", "0", "5"],
        ["(二)部分公开(区分处理的,只计这一情形,不计其他形)", "1", "0", "0", "0", "0", "0", "1"],  # 情 dropped
        ["1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"],
        ["2.其他法律行政法规禁止公公开", "1", "0", "0", "0", "0", "0", "1"],  # 公 doubled
        ["3.危及“三安全一稳定”", "0", "0", "0", "0", "0", "0", "0"],
    ])
    assert found[("results_partial", "total")].value == 1.0
    assert found[("results_denied_law_prohibited", "natural_person")].value == 1.0


def test_labels_the_template_cannot_place_are_left_out() -> None:
    found, issues = _requests_grid([
        ["一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "0", "6"],
        ["(一)予以公幵", "4", "1", "0", "0", "0", "0", "5"],  # two rows missing before it: no single place
        ["(二)部分公幵(区分处理的,只计这一情形,不计其他情形)", "1", "0", "0", "0", "0", "0", "1"],
        ["1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"],
        ["2.其他某某事项", "9", "0", "0", "0", "0", "0", "9"],  # its one place, but not its label
        ["3.危及“三安全一稳定”", "0", "0", "0", "0", "0", "0", "0"],
    ])
    metrics = {m for m, _ in found}
    assert not metrics & {"requests_carried_over", "results_granted", "results_partial",
                          "results_denied_law_prohibited"}
    assert len([i for i in issues if i.kind == "unknown_label"]) == 3


def test_garbled_label_in_text_rows_is_read_by_place() -> None:
    text = (FIXTURES / "gov2021_spaced.txt").read_text(encoding="utf-8")
    text = text.replace("2.没有现成信息需要另行制作", "2.没有现成信息需要另行制做")
    text = text.replace("7.属于行政执法案卷", "7.属于行政执法桉卷")
    figures, issues = extract_tables(Document("t.txt", "txt", normalize_text(text).text), "gov2021")
    values = {(f.metric, f.applicant): f for f in figures}
    design = _design("gov2021")
    for metric in ("results_unable_needs_creation", "results_denied_enforcement_file", "results_unable_not_held"):
        assert [values[(metric, a)].value for a in APPLICANTS] == [design[(metric, a)] for a in APPLICANTS]
    assert "制做" in values[("results_unable_needs_creation", "total")].raw_label
    assert len([i for i in issues if i.kind == "label_by_position"]) == 2


_RESULT_LEAVES_2021 = (
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
)


def test_missing_total_row_is_derived_from_its_parts() -> None:
    rows = [
        ["(一)予以公开", "4", "1", "0", "0", "0", "0", "5"],
        ["(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "1", "0", "0", "0", "0", "0", "1"],
        *([label, "0", "0", "0", "0", "0", "0", "0"] for label in _RESULT_LEAVES_2021),
        ["3.其他", "1", "0", "0", "0", "0", "0", "1"],
        ["(七)##", "6", "1", "0", "0", "0", "0", "7"],  # the total row's label is unreadable
    ]
    found, _ = _requests_grid(rows)
    total = found[("results_total", "total")]
    assert total.derived and total.value == 7.0 and found[("results_total", "natural_person")].value == 6.0


def test_missing_table_four_block_total_is_derived() -> None:
    fields = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    grid = [
        ["行政复议"] * 5 + ["行政诉讼"] * 10,
        ["行政复议"] * 5 + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总汁"] + fields + fields,  # 计 read as 汁
        ["2", "1", "0", "1", "4", "3", "0", "0", "0", "3", "0", "0", "0", "0", "0"],
    ]
    figures, _ = extract_tables(Document("t.html", "html", "", [grid]), "gov2021")
    values = {f.metric: f for f in figures}
    assert values["reconsideration_total"].derived and values["reconsideration_total"].value == 4.0
    assert values["litigation_direct_total"].value == 3.0 and not values["litigation_direct_total"].derived


# --------------------------------------------------------------------------- completeness and read_via


@pytest.mark.parametrize("name", FILES)
def test_completeness_counts_the_template_cells(name: str) -> None:
    figures, _ = _extract(name)
    facts = table_completeness(figures, _layout_of(name))
    assert facts["cells_expected"] == {"gov2019": 198, "gov2021": 200}[_layout_of(name)]
    printed = {(f.table, f.metric, f.applicant) for f in figures if not f.derived}
    assert facts["cells_read"] <= len(printed)
    assert facts["cells_blank"] + facts["cells_not_applicable"] + facts["cells_text"] <= facts["cells_read"]
    assert facts["cells_read"] >= facts["cells_expected"] - len(LEFT_OUT.get(name, ()))
    assert facts["cells_completeness"] == round(facts["cells_read"] / facts["cells_expected"], 4)
    assert table_completeness(figures, "narrative") == {}


@pytest.mark.parametrize(("name", "via"), [
    ("gov2019.html", "html_table"), ("gov2021.docx", "docx_table"), ("gov2021.pdf", "pdf_text"),
    ("gov2019_markdown.md", None),
    ("gov2019_spaced.txt", "text"), ("gov2021_runtogether.txt", "text"),
])
def test_figures_say_how_they_were_read(name: str, via: str | None) -> None:
    figures, _ = _extract(name)
    if via is None:  # Markdown: tables 二 and 三 from its pipe tables, table 四 (no header) from its text
        assert {f.read_via for f in figures if f.table != "review_litigation"} == {"markdown_table"}
        assert {f.read_via for f in figures if f.table == "review_litigation"} == {"text"}
        return
    assert figures and {f.read_via for f in figures} == {via}


@pytest.mark.parametrize("layout", ["gov2019", "gov2021"])
def test_markdown_placeholder_headers_are_read_by_the_template(layout: str) -> None:
    """Placeholder and wrong headers, labels before their cells, a stray cell: each value where it belongs."""
    figures, issues = _extract(f"{layout}_markdown.md")
    kinds = [i.kind for i in issues]
    assert kinds.count("read_by_template") == len(make_fixtures.PROACTIVE_CELLS_ROWS[layout]) + 1
    assert not [i for i in issues if i.kind in ("unknown_label", "misaligned_row", "missing_table")]
    values = {(f.metric, f.applicant): f.value for f in figures if not f.derived}
    want = _design(layout)
    assert values[("requests_carried_over", "total")] == want[("requests_carried_over", "total")]
    assert values[("results_not_processed_duplicate", "commercial")] == want[
        ("results_not_processed_duplicate", "commercial")]


def test_markdown_rows_that_break_the_template_are_left_out(tmp_path: Path) -> None:
    text = (FIXTURES / "gov2021_markdown.md").read_text(encoding="utf-8")
    # a third bare row of cells after two labels; a row whose cells do not add up to its 总计
    text = text.replace("| 6 | 2 | 0 | 0 | 0 | 0 | 8 |", "| 6 | 2 | 0 | 0 | 0 | 0 | 8 |\n| 1 | 1 | 1 | 1 | 1 | 1 | 6 |")
    text = text.replace("| 2.重复申请 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |", "| 2.重复申请 | 1 | 3 | 0 | 0 | 0 | 0 | 5 |")
    path = tmp_path / "broken.md"
    path.write_text(text, encoding="utf-8")
    figures, issues = extract_tables(read_document(path), "gov2021")
    metrics = {f.metric for f in figures if not f.derived}
    assert not {"requests_received", "requests_carried_over", "results_not_processed_duplicate"} & metrics
    assert len([i for i in issues if i.kind == "read_by_template" and "left out" in i.message]) == 2


def test_garbled_table_two_label_is_read_by_place() -> None:
    grid = [
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "20", "+2", "310"],
        ["其他对外管理服务事坝", "8", "-1", "44"],  # 项 read as 坝
        ["行政处罚", "61", "0", "95"],
        ["行政确认", "5", "0", "9"],  # no template row of its own: stays out
    ]
    figures, issues = extract_tables(Document("t.html", "html", "", [grid]), "gov2019")
    values = {f.metric: f for f in figures}
    assert [values[f"other_services_{c}"].value for c in ("items_prev_year", "items_change", "decisions")] == [8, -1, 44]
    assert values["licensing_items_change"].value == 2
    assert [i for i in issues if i.kind == "label_by_position" and "坝" in i.message]
    assert [i for i in issues if i.kind == "unknown_label" and "行政确认" in i.message]


def test_clean_region_shortcut_for_digits_and_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """A region of digits and spaces comes back as it was, as the full cleaning gives it."""
    from transparency_stats.tables import text as text_tables

    rng = random.Random(6)
    pieces = ["1", "0", "12", " ", "\n", "\u3000", "\t", "①", "四、", "(三)", "数据1", "列 2", ".", "、", "/", "元", "Col3"]
    regions = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    fragments = "本年新收政府信息公开申请数量|其他"
    fast = [text_tables._clean_region(r, fragments) for r in regions]
    monkeypatch.setattr(text_tables, "_DIGITS_AND_SPACES_RE", re.compile(r"(?!)"))
    assert fast == [text_tables._clean_region(r, fragments) for r in regions]


def test_column_splits_are_the_cuts_each_column_reads() -> None:
    """Every cut of a run-together table 二 row whose pieces each fit their column, in order, up to the cap."""
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice("0012345.-—/9") for _ in range(rng.randint(0, 9)))
        res = [column_re(rng.choice(["items", "amount_yuan", "items_change"])) for _ in range(rng.randint(1, 4))]
        cap = rng.choice([1, 2, 512])
        expected = []
        for cuts in itertools.combinations(range(1, len(text)), len(res) - 1):
            ends = [*cuts, len(text)]
            if all(r.fullmatch(text, a, b) for r, a, b in zip(res, [0, *cuts], ends, strict=True)):
                expected.append(ends)
        assert split_columns(text, res, cap) == expected[:cap], (text, cap)


@pytest.mark.parametrize("name", ["gov2019_spaced.txt", "gov2021_spaced.txt", "gov2019_runtogether.txt",
                                  "gov2021_runtogether.txt", "gov2019.pdf", "gov2021.pdf"])
def test_rows_of_whole_numbers_shortcut(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of whole numbers skip the search for an unrecognised label: the result is the full search's."""
    from transparency_stats.tables import text as text_tables

    doc = read_document(FIXTURES / name)
    layout = "gov2019" if name.startswith("gov2019") else "gov2021"
    fast = extract_tables(doc, layout)
    monkeypatch.setattr(text_tables, "_DIGITS_RE", re.compile(r"(?!)"))
    assert extract_tables(doc, layout) == fast
