"""Shared fixtures: the shipped seed report and its expected figures, written once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_PATH = ROOT / "data" / "raw" / "000_4c0351ed7b07ef03.txt"

#: The seventeen figures of the seed report (南昌市东湖区 2018, narrative), read by hand.
SEED_FIGURES: dict[str, float] = {
    "proactive_items_total": 26000,
    "disclosure_units": 37,
    "new_media_items": 5000,
    "wechat_posts": 1000,
    "weibo_posts": 4000,
    "press_conferences": 4,
    "npc_suggestions": 76,
    "cppcc_proposals": 108,
    "proposal_completion_rate": 1.0,
    "proposal_satisfaction_rate": 1.0,
    "requests_received": 12,
    "requests_written": 7,
    "requests_online": 5,
    "on_time_rate": 1.0,
    "fees_collected_yuan": 0,
    "reconsideration_total": 0,
    "litigation_total": 0,
}
#: The seed's figures stated with 余/多/约.
SEED_APPROXIMATE = frozenset({"proactive_items_total", "new_media_items", "wechat_posts", "weibo_posts"})
SEED_AGENCY, SEED_YEAR = "南昌市东湖区人民政府", 2018


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The one real report text the project ships."""
    return SEED_PATH


@pytest.fixture(scope="session")
def seed_figures() -> dict[str, float]:
    """metric → value of the seed's seventeen figures."""
    return dict(SEED_FIGURES)


@pytest.fixture(scope="session")
def seed_approximate() -> frozenset[str]:
    """Metrics of the seed stated as approximate."""
    return SEED_APPROXIMATE


@pytest.fixture()
def raw_with_seed(tmp_path: Path) -> Path:
    """A fresh ``raw`` folder holding a copy of the seed report."""
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SEED_PATH, folder / SEED_PATH.name)
    return folder
