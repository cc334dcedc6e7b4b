"""transparency_stats: clean, comparable numbers from 政府信息公开工作年度报告.

Analysts start with::

    import transparency_stats as ts
    figures = ts.load("data/raw")          # reports and figure tables → tidy DataFrame
    figures = ts.load_processed()          # what ``transparency-stats build`` wrote
    cards = ts.scorecard(figures)          # one row per report × criterion, plus totals
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "extract_report", "load", "load_batch", "read_document", "load_processed", "scorecard"]


def __getattr__(name: str):  # lazy: importing the package stays cheap
    if name in ("load", "load_batch"):
        from . import store

        return getattr(store, name)
    if name == "extract_report":
        from .extract import extract_report

        return extract_report
    if name == "read_document":
        from .reading import read_document

        return read_document
    if name == "scorecard":
        from .quality import scorecard

        return scorecard
    if name == "load_processed":
        from .pipeline import load_processed

        return load_processed
    raise AttributeError(f"module 'transparency_stats' has no attribute {name!r}")
