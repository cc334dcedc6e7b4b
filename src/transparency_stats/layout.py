"""Which layout a report uses: narrative, gov2019 or gov2021.

Decided from the labels and columns the report prints, never from its year.
"""

from __future__ import annotations

import re

from .reading import Document

# Column / row wording that exists in one standard layout only (normalised labels).
_GOV2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
                    "申请人逾期未按收费通知要求缴纳费用")
_GOV2019_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量")
_STANDARD_MARKERS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理")


# What normalize_label removes; the document text is already simplified and NFKC.
_DROP_RE = re.compile(r"[\s:：,，、.．·•'\"“”‘’「」『』]+")


def detect_layout(doc: Document) -> str:
    """``gov2021``, ``gov2019`` or ``narrative`` for a normalised document."""
    key = _DROP_RE.sub("", doc.text)
    hits_2021 = sum(marker in key for marker in _GOV2021_MARKERS)
    hits_2019 = sum(marker in key for marker in _GOV2019_MARKERS)
    standard = any(marker in key for marker in _STANDARD_MARKERS)
    if hits_2021 > hits_2019 and hits_2021:
        return "gov2021"
    if hits_2019 > hits_2021 and hits_2019:
        return "gov2019"
    if standard:
        # Table 三 without table 二: the 2021 version splits （六）其他处理 into three rows.
        if re.search(r"申请人无正当理由逾期不补正", key):
            return "gov2021"
        return "gov2019"
    return "narrative"
