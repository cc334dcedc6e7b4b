"""transparency_stats: clean, comparable numbers from 政府信息公开工作年度报告.

Analysts start with::

    import transparency_stats as ts
    figures = ts.load("data/raw")          # reports and figure tables → tidy DataFrame
    figures = ts.load_processed()          # what ``transparency-stats build`` wrote
    metrics = ts.load_metrics()            # the metrics computed from them
    ts.wide("disclosure_rate")             # organ × year
    ts.fields()                            # the data dictionary (zh/en labels, units)

Everything is imported on first use, so ``import transparency_stats`` stays cheap;
``dir(ts)`` lists the public names.
    cards = ts.scorecard(figures)          # one row per report × criterion, plus totals
"""

from __future__ import annotations

__version__ = "0.1.0"

#: public name → (module, attribute); attribute None means the module itself.
_PUBLIC: dict[str, tuple[str, str | None]] = {
    # loading
    "load": ("api", "load"),
    "load_batch": ("store", "load_batch"),
    "load_processed": ("processed", "load_processed"),
    "load_reports": ("processed", "load_reports"),
    "load_metrics": ("api", "load_metrics"),
    "extract_report": ("extract", "extract_report"),
    "read_document": ("reading", "read_document"),
    # analysis
    "compute_metrics": ("metrics", "compute_metrics"),
    "scorecard": ("quality", "scorecard"),
    "run_checks": ("checks", "run_checks"),
    "wide": ("api", "wide"),
    "fields": ("api", "fields"),
    # charts
    "trend_chart": ("plotting", "trend_chart"),
    "bar_chart": ("plotting", "bar_chart"),
    "organ_palette": ("plotting", "organ_palette"),
    "figure_html": ("plotting", "figure_html"),
    "html_table": ("formatting", "html_table"),
    "setup_fonts": ("plotting", "setup_fonts"),
    "Page": ("pages", "Page"),
    # modules
    "metrics": ("metrics", None),
    "checks": ("checks", None),
    "registry": ("registry", None),
    "plotting": ("plotting", None),
    "vocabulary": ("vocabulary", None),
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):  # lazy: importing the package stays cheap
    if name not in _PUBLIC:
        raise AttributeError(f"module 'transparency_stats' has no attribute {name!r}")
    import importlib

    module_name, attribute = _PUBLIC[name]
    module = importlib.import_module(f".{module_name}", __name__)
    return module if attribute is None else getattr(module, attribute)


def __dir__() -> list[str]:
    return sorted((set(globals()) - {"annotations"}) | set(_PUBLIC))
