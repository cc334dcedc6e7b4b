"""Draw docs/item-counts.png for the README from data/processed (run after `transparency-stats build`)."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from transparency_stats import plotting  # noqa: E402
from transparency_stats.processed import load_bundle  # noqa: E402


def main(processed: str = "data/processed", out: str = "docs/item-counts.png") -> None:
    bundle = load_bundle(processed)
    plotting.setup_fonts()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    plotting.line_chart(bundle.metrics, "proactive_items_total", "zh", ax=axes[0])
    plotting.line_chart(bundle.metrics, "requests_volume", "zh", ax=axes[1])
    fig.tight_layout()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
