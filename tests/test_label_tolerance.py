"""Typos and OCR look-alikes in table labels: read by the template's position, never guessed.

The fixtures are the invented reports of ``fixtures/tables`` with one label
changed at a time (a wrong, dropped or doubled character).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from transparency_stats.normalize import normalize_text
from transparency_stats.reading import Document
from transparency_stats.schema import APPLICANTS, Figure
from transparency_stats.tables import extract_tables
from transparency_stats.tables.labels import columns_by_position, load_label_map, near_label

FIXTURES = Path(__file__).parent / "fixtures" / "tables"


def _text(name: str, *replacements: tuple[str, str]) -> tuple[dict[tuple[str, str], Figure], list]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    layout = name.split("_")[0]
    figures, issues = extract_tables(Document("t.txt", "txt", normalize_text(text).text), layout)
    return {(f.metric, f.applicant): f for f in figures if not f.derived}, issues


def _kinds(issues: list, kind: str) -> list[str]:
    return [i.message for i in issues if i.kind == kind]


@pytest.fixture(scope="module")
def clean_2021() -> dict[tuple[str, str], Figure]:
    return _text("gov2021_spaced.txt")[0]


@pytest.fixture(scope="module")
def clean_2019() -> dict[tuple[str, str], Figure]:
    return _text("gov2019_spaced.txt")[0]


def _same(found: dict, clean: dict, metrics: list[str], applicants: tuple[str, ...] = ("total",)) -> None:
    for metric in metrics:
        for applicant in applicants:
            assert found[(metric, applicant)].value == clean[(metric, applicant)].value, (metric, applicant)


# --------------------------------------------------------------------------- near labels


def test_near_label_needs_one_near_metric() -> None:
    labels = load_label_map("gov2019")
    assert near_label(labels, "proactive", "column", "published", "本年新公幵数量")  # 开 read as 幵
    assert near_label(labels, "proactive", "column", "issued", "本年新制做数量")
    # one character away from 本年新制作数量 and from 本年新公开数量: no single column
    assert not near_label(labels, "proactive", "column", "issued", "本年新公作数量")
    assert not near_label(labels, "proactive", "column", "published", "本年新公作数量")
    assert not near_label(labels, "requests", "column", "total", "总汁")  # two characters: too short to tell


def test_columns_by_position_fills_only_single_places() -> None:
    labels = load_label_map("gov2021")
    filled = columns_by_position(labels, "proactive", [("issued", "repealed", "valid")],
                                 ["issued", None, "valid"], ["本年制发件数", "本年废址件数", "现行有效件数"])
    assert filled == ["issued", "repealed", "valid"]
    # the label at the place is another column's: left open
    assert columns_by_position(labels, "proactive", [("issued", "repealed", "valid")],
                               ["issued", None, "valid"], ["", "本年处理决定数量", ""])[1] is None
    # no template has that many columns: nothing is placed
    assert columns_by_position(labels, "proactive", [("decisions",)], ["decisions", None], ["", "x"]) == [
        "decisions", None]


# --------------------------------------------------------------------------- table 二 in text


def test_garbled_table2_column_header_in_text(clean_2021: dict) -> None:
    found, issues = _text("gov2021_spaced.txt", ("本年废止件数", "本年废址件数"))
    _same(found, clean_2021, ["regulations_issued", "regulations_repealed", "regulations_valid",
                              "normative_docs_repealed"])
    assert len([m for m in _kinds(issues, "label_by_position") if "废址" in m]) == 1


def test_garbled_first_and_single_table2_columns_in_text(clean_2021: dict, clean_2019: dict) -> None:
    found, _ = _text("gov2021_spaced.txt", ("信息内容 本年处理决定数量\n行政许可", "信息内容 本年处理决走数量\n行政许可"))
    _same(found, clean_2021, ["licensing_decisions", "penalty_decisions"])
    found, _ = _text("gov2019_spaced.txt", ("本年新制作数量", "本年新制做数量"), ("上一年项目数量 本年增/减 处理决定数量\n行政许可",
                                                                           "上一年项目数量 本年增/减 处理决定数量数量\n行政许可"))
    _same(found, clean_2019, ["regulations_issued", "normative_docs_issued", "licensing_decisions",
                              "other_services_decisions"])


def test_two_garbled_neighbour_columns_in_text_are_left_out(clean_2021: dict) -> None:
    found, issues = _text("gov2021_spaced.txt", ("本年废止件数 现行有效件数", "本年废址件数 现行有郊件数"))
    assert not {m for m, _ in found} & {"regulations_repealed", "regulations_valid", "regulations_issued"}
    assert _kinds(issues, "ambiguous_split")
    assert found[("licensing_decisions", "total")].value == clean_2021[("licensing_decisions", "total")].value


def test_garbled_table2_row_labels_in_text(clean_2021: dict, clean_2019: dict) -> None:
    found, issues = _text("gov2021_spaced.txt", ("行政许可 3560", "行政许吋 3560"), ("行政强制", "行攻强治"))
    _same(found, clean_2021, ["licensing_decisions", "penalty_decisions"])
    assert [m for m in _kinds(issues, "label_by_position") if "许吋" in m]
    assert ("coercion_decisions", "total") not in found  # two characters wrong in four: not read
    found, issues = _text("gov2019_spaced.txt", ("规范性文件 12", "规范忤文件 12"), ("行政处罚", "行政处处罚"))
    _same(found, clean_2019, ["normative_docs_issued", "normative_docs_public_total", "penalty_items_prev_year",
                              "penalty_decisions", "coercion_decisions"])
    assert len(_kinds(issues, "label_by_position")) == 2


# --------------------------------------------------------------------------- table 三, first row


@pytest.mark.parametrize("name", ["gov2021_spaced.txt", "gov2019_spaced.txt", "gov2021_runtogether.txt"])
def test_table3_first_row_label_garbled(name: str) -> None:
    clean, _ = _text(name)
    first = "一、本年新收政府信息公开申请"
    if first not in (FIXTURES / name).read_text(encoding="utf-8"):
        pytest.skip("the fixture prints its first row in one run with others")
    found, issues = _text(name, (first, "一、本年新收政府信息公幵申谙"))
    if ("requests_received", "total") in clean:
        _same(found, clean, ["requests_received", "requests_carried_over"], APPLICANTS)
        assert [m for m in _kinds(issues, "label_by_position") if "requests_received" in m]
    else:
        assert ("requests_received", "total") not in found
    assert not _kinds(issues, "missing_table")


def test_table3_first_row_without_label_is_read_when_the_identities_hold(clean_2021: dict) -> None:
    found, issues = _text("gov2021_spaced.txt", ("一、本年新收政府信息公开申请\n数量\n", ""))
    _same(found, clean_2021, ["requests_received", "results_granted"], APPLICANTS)
    assert [m for m in _kinds(issues, "label_by_position") if "一+二" in m]


def test_table3_first_row_that_breaks_the_identities_is_left_out(clean_2021: dict) -> None:
    found, issues = _text("gov2021_spaced.txt", ("一、本年新收政府信息公开申请\n数量\n120 30", "某某事项\n121 30"))
    assert ("requests_received", "natural_person") not in found
    _same(found, clean_2021, ["requests_carried_over", "results_total"], APPLICANTS)
    assert [m for m in _kinds(issues, "unknown_label") if "一+二" in m]


# --------------------------------------------------------------------------- grids


_T3_HEADER = [
    ["申请人情况"] * 8,
    ["", "自然人", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "总计"],
    ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]
_T3_ROWS = [
    ["一、本年新收政府信息公开申请数量", "7", "3", "1", "0", "2", "0", "13"],
    ["二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "1", "2"],
]


def _grid_requests(header: list[list[str]]) -> tuple[dict[tuple[str, str], Figure], list]:
    figures, issues = extract_tables(Document("t.html", "html", "", [header + _T3_ROWS]), "gov2021")
    return {(f.metric, f.applicant): f for f in figures if not f.derived}, issues


def test_garbled_applicant_headers_in_a_grid_are_placed_by_the_template() -> None:
    header = [list(r) for r in _T3_HEADER]
    header[2][2] = "商业企亚"
    header[2][5] = "法律服务机钩"
    header[1][7] = header[2][7] = "总汁计"  # doubled and wrong: too far from 总计
    found, issues = _grid_requests(header)
    assert found[("requests_received", "commercial")].value == 3
    assert found[("requests_received", "legal_services")].value == 2
    assert ("requests_received", "total") not in found
    assert len(_kinds(issues, "label_by_position")) == 2


def test_applicant_header_with_a_column_too_many_is_not_placed() -> None:
    header = [r[:2] + [r[2]] + r[2:] for r in _T3_HEADER]
    header[2][2], header[2][3] = "商业企亚", "商业企来"
    rows = [r[:2] + ["9"] + r[2:] for r in _T3_ROWS]
    figures, issues = extract_tables(Document("t.html", "html", "", [header + rows]), "gov2021")
    assert not [f for f in figures if f.applicant == "commercial"]
    assert not _kinds(issues, "label_by_position")


def test_garbled_table2_header_in_a_grid() -> None:
    grid = [
        ["信息内容", "本年新制作数量", "本年新公幵数量", "对外公开总数量"],
        ["规章", "3", "2", "17"],
        ["规范性文件", "11", "10", "90"],
        ["信息内容", "上一年项目数量", "本年增/碱", "处理决定数"],
        ["行政许可", "40", "+3", "512"],
    ]
    figures, issues = extract_tables(Document("t.html", "html", "", [grid]), "gov2019")
    values = {f.metric: f.value for f in figures}
    assert values["regulations_published"] == 2 and values["normative_docs_published"] == 10
    assert values["licensing_items_change"] == 3 and values["licensing_decisions"] == 512
    assert len(_kinds(issues, "label_by_position")) == 3
    assert not _kinds(issues, "unknown_label")


# --------------------------------------------------------------------------- cells run together in spaced text


def test_spaced_text_row_with_two_cells_run_together_is_cut_at_its_spaces(clean_2019: dict) -> None:
    """Fewer tokens than cells: tokens are cut (never joined), the row's 总计 and the columns decide."""
    found, issues = _text("gov2019_spaced.txt", ("（一）予以公开 40 6 1 0 1 1 49", "（一）予以公开 40 6 1 0 11 49"),
                          ("行政事业性收费 18 —", "行政事业性收费 180"))
    _same(found, clean_2019, ["results_granted"], APPLICANTS)
    assert not [m for m in _kinds(issues, "unsplittable_row") if "予以公开" in m]
    # 180 cuts as 18|0 or 1|80: two ways, left out
    assert ("fees_items_prev_year", "total") not in found


def test_spaced_text_row_whose_run_together_cells_break_the_sum_is_left_out() -> None:
    found, issues = _text("gov2019_spaced.txt", ("（一）予以公开 40 6 1 0 1 1 49", "（一）予以公开 40 6 1 0 11 48"))
    assert ("results_granted", "natural_person") not in found
    assert [m for m in _kinds(issues, "unsplittable_row") if "予以公开" in m]


def test_spaces_inside_a_run_together_table2_row_end_cells() -> None:
    text = (FIXTURES / "gov2019_runtogether.txt").read_text(encoding="utf-8")
    assert "行政许可14532310" in text
    figures, issues = extract_tables(
        Document("t.txt", "txt", normalize_text(text.replace("行政许可14532310", "行政许可145 32 310")).text), "gov2019")
    values = {f.metric: f.value for f in figures}
    assert [values.get(f"licensing_{c}") for c in ("items_prev_year", "items_change", "decisions")] == [145, 32, 310]


# --------------------------------------------------------------------------- table 四


def _garbled_review_end(text: str) -> str:
    k = text.rindex("总计")
    return text[:k] + "总汁" + text[k + 2:]


def test_table4_after_a_garbled_last_header_label_is_read_when_the_blocks_add_up(clean_2021: dict) -> None:
    text = (FIXTURES / "gov2021_spaced.txt").read_text(encoding="utf-8")
    figures, issues = extract_tables(Document("t.txt", "txt", normalize_text(_garbled_review_end(text)).text),
                                     "gov2021")
    found = {(f.metric, f.applicant): f for f in figures if not f.derived}
    review = sorted({m for m, _ in clean_2021 if m.startswith(("reconsideration_", "litigation_"))})
    assert len(review) == 15
    _same(found, clean_2021, review)
    assert [m for m in _kinds(issues, "label_by_position") if "总汁" in m]
    broken = _garbled_review_end(text).replace("4 2 1 1 8 3", "4 2 1 1 9 3")
    figures, issues = extract_tables(Document("t.txt", "txt", normalize_text(broken).text), "gov2021")
    assert not [f for f in figures if f.table == "review_litigation"]


_T3_BALANCED = [
    ["二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "1", "2"],
    ["(七)总计", "6", "3", "1", "0", "2", "1", "13"],
    ["四、结转下年度继续办理", "2", "0", "0", "0", "0", "0", "2"],
]


def test_grid_first_row_without_label_is_read_when_the_identities_hold() -> None:
    first = ["", "7", "3", "1", "0", "2", "0", "13"]
    figures, issues = extract_tables(Document("t.html", "html", "", [_T3_HEADER + [first] + _T3_BALANCED]), "gov2021")
    found = {(f.metric, f.applicant): f.value for f in figures if not f.derived}
    assert [found[("requests_received", a)] for a in APPLICANTS] == [7, 3, 1, 0, 2, 0, 13]
    assert [m for m in _kinds(issues, "label_by_position") if "一+二" in m]
    broken = ["", "8", "3", "1", "0", "2", "0", "14"]
    figures, issues = extract_tables(Document("t.html", "html", "", [_T3_HEADER + [broken] + _T3_BALANCED]),
                                     "gov2021")
    assert not [f for f in figures if f.metric == "requests_received"]
    assert [m for m in _kinds(issues, "unknown_label") if "without a label" in m]
