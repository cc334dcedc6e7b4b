"""Which layout a report uses: narrative, gov2019 or gov2021 (see :mod:`.recognise`)."""

from __future__ import annotations

from .recognise import detect_layout

__all__ = ["detect_layout"]
