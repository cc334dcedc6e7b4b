"""Figure tables are validated cell by cell: every bad cell is a warning naming file, row and column."""

import io
import zipfile

import pandas as pd
import pytest

from transparency_stats import store, validate

HEADER = "source_file,report_id,agency,report_year,format_version,table,metric,applicant,value,cell\n"


def _row(value: str, metric: str = "requests_received", year: str = "2022", cell: str = "number",
         report: str = "r1") -> str:
    return f"invented.txt,{report},某县人民政府,{year},gov2021,requests,{metric},total,{value},{cell}\n"


# (file row, column, bad cell) for each hostile cell; file row 2 is the first data row.
HOSTILE = [
    (_row('"12,000"'), "value", "12,000"),
    (_row("abc"), "value", "abc"),
    (_row("7", metric="requests_invented_metric"), "metric", "requests_invented_metric"),
    (_row("7", cell="guess"), "cell", "guess"),
    (_row("inf"), "value", "inf"),
    (_row("1e400"), "value", "1e400"),
    (_row("-5"), "value", "-5"),
    (_row("7", year="twenty"), "report_year", "twenty"),
    (_row("7", year="99999"), "report_year", "99999"),
    (_row("1.5", metric="on_time_rate"), "value", "1.5"),
]


@pytest.fixture
def hostile_csv(tmp_path):
    text = HEADER + _row("41", report="good")
    for line, _, _ in HOSTILE:
        text += line
    text += _row("-3", metric="licensing_items_change", report="good")  # 本年增/减 may be negative
    text += _row("", cell="blank", report="good")  # a blank is NA, not an error
    text += _row("1.2e3", metric="requests_carried_over", report="good")
    path = tmp_path / "figures_by_hand.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_hostile_cell_is_a_warning_naming_file_row_and_column(hostile_csv):
    frame, issues = validate.read_figure_table(hostile_csv)
    assert len(issues) == len(HOSTILE)
    for k, (issue, (_, column, cell)) in enumerate(zip(issues, HOSTILE, strict=True)):
        row = k + 3  # header is row 1, the good row is row 2
        assert issue.severity == "warning" and issue.kind == "invalid_cell"
        assert issue.source_file == str(hostile_csv)
        assert issue.location == f"row:{row} column:{column}"
        assert f"row {row}, column {column}: {cell!r}" in issue.message
    # Only the good rows are kept, with their values exactly as written.
    assert set(frame["report_id"]) == {"good"}
    got = dict(zip(frame["metric"] + "/" + frame["cell"], frame["value"], strict=True))
    assert got["requests_received/number"] == 41
    assert got["licensing_items_change/number"] == -3
    assert pd.isna(got["requests_received/blank"])
    assert got["requests_carried_over/number"] == 1200
    assert frame["report_year"].dtype == "Int64" and (frame["report_year"] == 2022).all()
    assert (frame["read_via"] == "figure_table").all()


def test_a_clean_table_gives_no_warning(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("metric,value,report_year\nrequests_received,3,2021\non_time_rate,0.98,2016\n", encoding="utf-8")
    frame, issues = validate.read_figure_table(path)
    assert issues == []
    assert list(frame["value"]) == [3, 0.98]
    assert (frame["source_file"] == str(path)).all() and (frame["applicant"] == "total").all()


def test_xlsx_figure_table_is_validated_too(tmp_path):
    path = tmp_path / "by_hand.xlsx"
    pd.DataFrame({"metric": ["requests_received", "requests_received"], "value": ["9", "9,000"],
                  "report_year": ["2020", "2020"]}).to_excel(path, index=False)
    frame, issues = validate.read_figure_table(path)
    assert list(frame["value"]) == [9]
    assert [i.location for i in issues] == ["row:3 column:value"]


def _truncated_xlsx() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"metric": ["requests_received"], "value": [1]}).to_excel(buffer, index=False)
    data = buffer.getvalue()
    return data[: len(data) // 2]


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00" * 200, _truncated_xlsx()], ids=["zeros", "truncated"])
def test_corrupt_xlsx_is_an_error_row_and_the_batch_goes_on(tmp_path, content):
    (tmp_path / "broken.xlsx").write_bytes(content)
    (tmp_path / "fine.csv").write_text("metric,value\nrequests_received,5\n", encoding="utf-8")
    with pytest.raises(validate.FigureTableError, match="broken.xlsx"):
        validate.read_figure_table(tmp_path / "broken.xlsx")
    batch = store.load_batch([tmp_path])
    errors = batch.errors
    assert list(errors["source_file"]) == [str(tmp_path / "broken.xlsx")]
    assert "cannot read figure table" in errors["message"].iloc[0]
    assert list(batch.figures["value"]) == [5]


def test_not_a_figure_table_is_an_error(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,count\na,1\n", encoding="utf-8")
    with pytest.raises(validate.FigureTableError, match="missing columns metric, value"):
        validate.read_figure_table(path)


def test_zip_without_workbook_is_an_error(tmp_path):
    path = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("note.txt", "not a workbook")
    with pytest.raises(validate.FigureTableError, match="empty.xlsx"):
        validate.read_figure_table(path)
