"""Organ naming in one place: canonical names, kinds, places and peer groups."""

import pandas as pd
import pytest

from transparency_stats import checks, meta, organs

NAMES = [
    "示例市政府", "示例市 人民政府", "示例市政府办公室", "示例市", "示例县某某镇", "示例区某某街道",
    "数字政府建设中心", "示例高新区政府", "示例区人民政府（全区汇总）", "示例市财政局",
]


@pytest.mark.parametrize(("name", "canonical"), [
    ("示例市政府", "示例市人民政府"),
    ("示例市 人民政府", "示例市人民政府"),
    ("示例市政府办公室", "示例市人民政府办公室"),
    ("示例市", "示例市人民政府"),
    ("示例县某某镇", "示例县某某镇人民政府"),
    ("示例区某某街道", "示例区某某街道办事处"),
    ("数字政府建设中心", "数字政府建设中心"),
    ("示例高新区政府", "示例高新区政府"),  # a zone has no people's government
    ("示例区人民政府（全区汇总）", "示例区人民政府(全区汇总)"),
    ("宿迁市府办", "宿迁市人民政府办公室"),  # alias table
    ("平潭综合实验区管委会", "平潭综合实验区"),  # the zone and its management committee: one organ
    ("平潭综合实验区管理委员会", "平潭综合实验区"),
    ("平潭综合实验区管委会办公室", "平潭综合实验区管理委员会办公室"),
])
def test_canonical_organ(name, canonical):
    assert organs.canonical_organ(name) == canonical


def test_no_organ():
    for name in ("政府", "我办", "本级", " ", None, pd.NA, float("nan"), "现向社会公开"):
        assert organs.canonical_organ(name) is None, name
    assert pd.isna(checks.canonical_agency(pd.NA))


def test_one_answer_for_one_name():
    """meta (title fragments) and checks (matching organs) name every organ alike."""
    for name in NAMES:
        assert meta.clean_agency(name) == checks.canonical_agency(name) == organs.canonical_organ(name), name
    # a breadcrumb in front of a title is cut by meta only, then named the same way
    assert meta.clean_agency("当前位置首页示例市政府") == "示例市人民政府"


def test_alias_table_is_replaceable(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,canonical\n某某局,示例市某某局\n", encoding="utf-8")
    assert organs.canonical_organ("某某局", aliases=aliases) == "示例市某某局"
    assert checks.canonical_agency("某某局", aliases=aliases) == "示例市某某局"


@pytest.mark.parametrize(("name", "kind"), [
    ("示例市人民政府", "peoples_government"),
    ("示例综合实验区", "peoples_government"),
    ("示例省人民政府办公厅", "government_office"),
    ("示例市人民政府办公室", "government_office"),
    ("示例市财政局", "department"),
    ("示例县某某镇人民政府", "township"),
    ("示例区某某街道办事处", "township"),
])
def test_kinds(name, kind):
    assert organs.organ_kind(name) == kind


def test_places_from_the_division_data(tmp_path):
    office = organs.describe_organ("宿迁市府办", 2023)
    assert (office.organ, office.kind, office.level) == ("宿迁市人民政府办公室", "government_office", "city")
    assert (office.province, office.city, office.county) == ("江苏省", "宿迁市", None)
    assert office.peer_group == "government_office|city|江苏省"
    district = organs.describe_organ("南昌市东湖区", 2018)
    assert (district.level, district.province, district.county) == ("county", "江西省", "东湖区")
    # a district name shared by several cities is not placed: blank, never guessed
    shared = organs.describe_organ("鼓楼区人民政府", 2020)
    assert (shared.province, shared.city, shared.county, shared.level) == (None, None, None, None)
    assert shared.peer_group is None
    # a listed organ's own bodies are placed where it is
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("organ,kind,level,province,city,county\n示例综合实验区,peoples_government,city,示例省,示例市,\n",
                     encoding="utf-8")
    body = organs.describe_organ("示例综合实验区财政局", 2020, kinds=kinds)
    assert (body.kind, body.level, body.province) == ("department", "city", "示例省")
    table = organs.organ_table(pd.Series(["宿迁市政府", "政府"]), pd.Series([2023, 2023]))
    assert list(table.columns) == organs.ORGAN_COLUMNS
    assert table.loc[0, "peer_group"] == "peoples_government|city|江苏省" and pd.isna(table.loc[1, "organ"])
