"""What a batch moves around stays what it was: results through pickle, figures into frames and CSV rows."""

from __future__ import annotations

import copy
import pickle
from dataclasses import asdict, fields

import pandas as pd

from transparency_stats.schema import Figure, Issue, ReportResult, coerce_figures, figures_to_frame


def _result() -> ReportResult:
    figures = [
        Figure("requests_received", 12.0, "requests", "total", "number", False, False, "收到申请", "12", "表三 r1",
               "text", None, "a.txt", "abc", "示例县人民政府", 2021, "gov2021"),
        Figure("on_time_rate", None, raw_label="按时答复率", raw_value="", approximate=True, derived=True,
               confidence=0.93, agency=None, report_year=None),
        Figure("items_total", 1.5e6, read_via="pdf_text", location="page 2"),
    ]
    issues = [Issue("a.txt", "warning", "blank", "单元格空白", "r3c2", "abc"), Issue("a.txt", "error", "read", "x")]
    return ReportResult("a.txt", "abc", "示例县人民政府", 2021, "gov2021", figures, issues,
                        {"cells_read": 70, "published_on": "2022-01-20", "nested": {"a": [1, 2]}})


def test_a_result_pickles_and_copies_to_an_equal_one() -> None:
    result = _result()
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(result, protocol))
        assert back == result
        assert [type(f) for f in back.figures] == [Figure] * 3 and [type(i) for i in back.issues] == [Issue] * 2
        assert [vars(f) for f in back.figures] == [vars(f) for f in result.figures]
        assert list(vars(back.figures[0])) == [f.name for f in fields(Figure)]
    assert copy.deepcopy(result) == result
    empty = ReportResult("b.txt")
    assert pickle.loads(pickle.dumps(empty)) == empty


def test_figures_to_frame_is_the_frame_of_their_dicts() -> None:
    figures = _result().figures
    expected = coerce_figures(pd.DataFrame([asdict(f) for f in figures]))
    pd.testing.assert_frame_equal(figures_to_frame(figures), expected)
    pd.testing.assert_frame_equal(figures_to_frame(iter(figures[1:2])), expected.iloc[1:2].reset_index(drop=True))
    assert figures_to_frame([]).empty


def test_chunks_shrink_toward_the_end_and_cover_every_file_once() -> None:
    from transparency_stats.batch import MAX_CHUNK_FILES, chunk_sizes, cut

    for count in (0, 1, 2, 7, 50, 400, 1000, 12_345, 100_000):
        for workers in (1, 2, 3, 8):
            sizes = chunk_sizes(count, workers)
            assert sum(sizes) == count and all(0 < s <= MAX_CHUNK_FILES for s in sizes)
            assert cut(list(range(count)), sizes) == [list(range(sum(sizes[:k]), sum(sizes[:k + 1])))
                                                       for k in range(len(sizes))]
            if workers > 1:
                assert sizes == sorted(sizes, reverse=True)
    # two workers, 1,000 files: large tasks first, small last; not many more tasks than equal ones
    sizes = chunk_sizes(1000, 2)
    assert sizes[0] == 250 and sizes[-1] <= 8 and len(sizes) <= 20
    assert chunk_sizes(1000, 1) == [125] * 8
