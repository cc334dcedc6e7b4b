"""Draw docs/item-counts.png for the README from data/processed (run after `transparency-stats build`)."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from transparency_stats import plotting  # noqa: E402
from transparency_stats.processed import load_bundle  # noqa: E402


def main(processed: str = "data/processed", out: str = "docs/item-counts.png") -> None:
    bundle = load_bundle(processed)
    palette = plotting.organ_palette(bundle.figures["agency"])
    trend = plotting.trend_chart(bundle.metrics, "requests_volume", "zh", palette)
    if trend.figure is None:
        raise SystemExit("no organ has two or more years of requests_volume: nothing to draw")
    trend.figure.text(0.01, -0.02, trend.source_line("zh"), fontsize=8, color="#555555")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    trend.figure.savefig(out, dpi=100, bbox_inches="tight")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
