"""The extract and build commands on a mixed batch: good reports keep flowing past broken files."""

import csv
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import transparency_stats as ts
from transparency_stats import store
from transparency_stats.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "000_4c0351ed7b07ef03.txt"

TRUNCATED = """某县人民政府2022年政府信息公开工作年度报告
本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。
一、总体情况
全年主动公开政府信息320条。依申请公开工作有序开展。
三、收到和处理政府信息公开申请情况
申请人情况 自然人 法人或其他组织 总计
一、本年新收政府信息公开申请数量 5 0 0 0 0 0 5
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果 (一)予以公开 3 0 0 0 0 0 3
"""

NOT_A_REPORT = """<html><body><div>首页 新闻中心</div><p>某市召开春季植树动员会，共植树1200株。</p>
<table><tr><td>日期</td><td>数量</td></tr><tr><td>3月12日</td><td>1200</td></tr></table></body></html>"""


@pytest.fixture()
def batch_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    (folder / "garbage.txt").write_bytes(bytes(range(128, 256)) * 30 + b"\x00\x01\x02" * 50)
    (folder / "news.html").write_text(NOT_A_REPORT, encoding="utf-8")
    (folder / "truncated.txt").write_text(TRUNCATED, encoding="utf-8")
    return folder


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_extract_batch_survives_broken_files(batch_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out" / "figures.csv"
    assert main(["extract", str(batch_dir), "-o", str(out), "-q"]) == 0
    figures = read_csv_rows(out)
    errors = read_csv_rows(out.with_name("figures.errors.csv"))
    failed = {Path(row["source_file"]).name: row["message"] for row in errors}
    assert set(failed) == {"empty.txt", "binary.pdf", "garbage.txt", "news.html", "truncated.txt"}
    assert len(errors) == 5, "one error row per broken file"
    assert "empty" in failed["empty.txt"]
    assert "PDF" in failed["binary.pdf"]
    assert "undecodable" in failed["garbage.txt"] or "binary" in failed["garbage.txt"]
    assert "not a government information disclosure annual report" in failed["news.html"]
    assert "truncated" in failed["truncated.txt"]
    seed_rows = [r for r in figures if r["source_file"].endswith(SEED.name)]
    assert len(seed_rows) == 17
    assert {r["agency"] for r in seed_rows} == {"南昌市东湖区人民政府"}
    assert {r["report_year"] for r in seed_rows} == {"2018"}
    stderr = capsys.readouterr().err
    for name in failed:
        assert name in stderr


def test_extract_accepts_files_and_reports_missing_paths(tmp_path: Path, capsys) -> None:
    out = tmp_path / "f.csv"
    assert main(["extract", str(SEED), str(tmp_path / "nope.txt"), "-o", str(out), "-q"]) == 0
    rows = read_csv_rows(out)
    assert len(rows) == 17
    assert "nope.txt" in capsys.readouterr().err


def test_outputs_are_written_atomically(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "figures.csv"
    target.write_text("previous complete content", encoding="utf-8")

    def crash(*_args, **_kwargs):
        raise RuntimeError("simulated crash while writing")

    frame = pd.DataFrame({"a": [1, 2]})
    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(RuntimeError):
        store.write_csv(frame, target)
    assert target.read_text(encoding="utf-8") == "previous complete content"
    assert [p.name for p in tmp_path.iterdir()] == ["figures.csv"], "no temporary file left behind"


def test_load_returns_nullable_tidy_frame_and_merges_figure_tables(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    table = pd.DataFrame(
        {
            "agency": ["某市人民政府", "某市人民政府"],
            "report_year": [2020, 2020],
            "metric": ["proactive_items_total", "requests_received"],
            "value": ["1500", ""],
            "cell": ["number", "blank"],
        }
    )
    table.to_csv(tmp_path / "compiled.csv", index=False, encoding="utf-8-sig")
    (tmp_path / "SOURCES.csv").write_text("file,url\n", encoding="utf-8")
    figures = ts.load(tmp_path)
    assert str(figures["value"].dtype) == "Float64"
    assert str(figures["report_year"].dtype) == "Int64"
    compiled = figures[figures["agency"] == "某市人民政府"].set_index("metric")
    assert compiled.loc["proactive_items_total", "value"] == 1500
    assert pd.isna(compiled.loc["requests_received", "value"]), "blank must stay NA, never 0"
    assert (figures["agency"] == "南昌市东湖区人民政府").sum() == 17


def test_build_writes_processed_outputs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    processed = tmp_path / "processed"
    assert main(["build", "--raw", str(raw), "--processed", str(processed), "-q"]) == 0
    for name in ("manifest.json", "figures.csv", "errors.csv", "warnings.csv", "checks.csv", "metrics.csv",
                 "reports.csv"):
        assert (processed / name).exists(), name
    assert not [p for p in os.listdir(processed) if p.endswith(".tmp")]
    loaded = ts.load_processed(processed)
    assert len(loaded) == 17


def test_title_variants_are_recognised_as_reports(tmp_path: Path) -> None:
    path = tmp_path / "variant.txt"
    path.write_text(
        "某某县审计局2015年度政府信息公开年度工作报告\n一、概述\n全年主动公开政府信息36条。"
        "二、依申请公开情况\n全年未收到政府信息公开申请。\n",
        encoding="utf-8",
    )
    result = ts.extract_report(path)
    assert not result.failed, result.issues
    assert result.report_year == 2015
    assert result.agency == "某某县审计局"
    values = {f.metric: f.value for f in result.figures}
    assert values.get("proactive_items_total") == 36


SEED_FIGURES = {
    "proactive_items_total": 26000, "disclosure_units": 37, "new_media_items": 5000, "wechat_posts": 1000,
    "weibo_posts": 4000, "press_conferences": 4, "npc_suggestions": 76, "cppcc_proposals": 108,
    "proposal_completion_rate": 1.0, "proposal_satisfaction_rate": 1.0, "requests_received": 12,
    "requests_written": 7, "requests_online": 5, "on_time_rate": 1.0, "fees_collected_yuan": 0,
    "reconsideration_total": 0, "litigation_total": 0,
}


def test_extract_command_on_the_shipped_seed(tmp_path: Path) -> None:
    out = tmp_path / "seed.csv"
    assert main(["extract", str(SEED), "-o", str(out), "-q"]) == 0
    rows = read_csv_rows(out)
    assert {r["metric"]: float(r["value"]) for r in rows} == SEED_FIGURES
    assert len(rows) == 17
    assert sorted(r["metric"] for r in rows if r["approximate"] == "true") == [
        "new_media_items", "proactive_items_total", "wechat_posts", "weibo_posts",
    ]
    assert {(r["agency"], r["report_year"], r["format_version"]) for r in rows} == {
        ("南昌市东湖区人民政府", "2018", "narrative")
    }
    warnings = read_csv_rows(out.with_name("seed.warnings.csv"))
    assert sum(r["kind"] == "mojibake" for r in warnings) == 3, "each garbled span is reported"
