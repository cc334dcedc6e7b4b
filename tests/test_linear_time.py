"""Hostile text cannot stall extraction: every pattern runs in time linear in its input.

One generated report holds 100,000-digit runs (inside prose and alone), a 10 MB line,
deeply nested brackets, long runs of line breaks and spaces, and a bracket full of tone
vowels after a character (pinyin debris).  Before the patterns were bounded, 30 digits
after a prose label took minutes; now the whole file takes seconds.  The bound below is
generous: it catches super-linear time, not a slow machine.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from transparency_stats import reading
from transparency_stats.extract import extract_report

HEAD = (
    "某某县某某局2020年政府信息公开工作年度报告\n"
    "一、概述\n二、主动公开政府信息情况\n三、依申请公开政府信息情况\n四、收费及减免情况\n五、行政复议和行政诉讼情况\n"
)
DIGITS = 100_000
LINE = 10_000_000
BOUND_SECONDS = 60


def _hostile_report() -> str:
    label_run = "政府信息公开申请行政复议未收到主动公开"
    return "".join([
        HEAD,
        "本年主动公开政府信息", "7" * DIGITS, "条。\n",
        "收到政府信息公开申请", "3" * DIGITS, "件,行政复议", "1" * DIGITS, "\n",
        "8" * DIGITS, "\n",
        label_run * (LINE // len(label_run)), "\n",
        "(" * 200_000, "某某局", ")" * 200_000, "（" * 100_000, "\n",
        "統計期限", "\n" * 100_000, "2020年", " \n" * 50_000,
        "開(", "ā" * 100_000, ")\n",
        "主动公开 ", "1 " * 100_000, "条\n",
        "本年主动公开政府信息12条。\n",
    ])


def test_hostile_text_is_read_in_linear_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the file is over the default size limit on purpose: raise it, so the patterns themselves are timed
    monkeypatch.setattr(reading, "LIMITS", reading.Limits(max_text_bytes=64_000_000))
    path = tmp_path / "hostile.txt"
    path.write_text(_hostile_report(), encoding="utf-8")
    started = time.monotonic()
    result = extract_report(path)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_SECONDS, f"{elapsed:.0f} s"
    assert not [i for i in result.issues if i.kind == "internal"], result.issues
    values = {f.metric: f.value for f in result.figures}
    assert values.get("proactive_items_total") == 12  # the one plain sentence; no digit run is a count
    assert all(f.value is None or f.value < 10**12 for f in result.figures)
