"""The repository holds no text of the development corpus (its reports and harvest).

Every tracked file is checked for any run of ``RUN`` or more characters of any report under
``../shared/corpus/reports`` and ``../shared/corpus/harvest/reports`` (after whitespace is
collapsed to single spaces).  The seed report, which the project ships, is the one exception.

Runs without a Chinese character (a row of zeros, the ASCII path of a source's public
provenance) say nothing of a report's wording and are not counted.  The national template's own
labels, which every standard report prints (``TEMPLATE_LABELS``), and the regulation's own names
of the parts a report must have (``data/report_parts.csv``) are not report text either: runs lying
inside one of them are exempt, nothing wider.

Speed: each text becomes an array of 64-bit polynomial hashes of its ``RUN``-character windows
(numpy); hits of the repository's hashes in the corpus's sorted hashes are then confirmed by
comparing the strings themselves.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from transparency_stats.reading import ReadError, decode_bytes, read_document

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_DIRS = (CORPUS / "reports", CORPUS / "harvest" / "reports")
SEED = "data/raw/000_4c0351ed7b07ef03.txt"
RUN = 20

# Labels of the national template (tables 二, 三 and 四 and the section headings of the 2019 and
# 2021 layouts, as the State Council's notices print them).  Every standard report repeats them,
# so they are the template's text, not a report's.  A run is exempt only when every letter in
# it lies inside one of these labels.
TEMPLATE_LABELS = (
    # sections
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    # table 二
    "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项",
    "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章", "规范性文件", "行政规范性文件",
    "本年制发件数", "本年废止件数", "现行有效件数", "上一年项目数量", "本年增/减", "处理决定数量",
    "本年处理决定数量", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费",
    "本年收费金额（单位：万元）", "本年收费金额（万元）", "采购项目数量", "采购总金额（万元）", "政府集中采购",
    # table 三
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
    "属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
    "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项",
    "（四）无法提供", "本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确",
    "（五）不予处理", "信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息", "（六）其他处理",
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "（七）总计", "四、结转下年度继续办理",
    # table 四
    "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉",
)

_ORDINALS = ("", "一、", "二、", "三、", "四、", "五、", "六、", "七、")
with (REPO / "src" / "transparency_stats" / "data" / "report_parts.csv").open(encoding="utf-8") as _parts:
    #: The regulations' names of a report's parts (2008 art. 32, 2019 art. 50), as headings print them.
    REGULATION_PARTS = tuple(
        f"{ordinal}{line.split(',')[2]}{end}"
        for line in list(_parts)[1:] for ordinal in _ORDINALS for end in ("", "的情况")
    )
TEMPLATE_LABELS = TEMPLATE_LABELS + REGULATION_PARTS


_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_LETTER = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a Chinese character
_BASE = np.uint64(1_000_003)


def _canonical(text: str) -> str:
    """NFKC (one width for digits, letters and brackets) with whitespace collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text))


_LABEL_TEXTS = sorted({_canonical(label) for label in TEMPLATE_LABELS}, key=len, reverse=True)
#: A label wherever it stands, spaces between its characters allowed (PDF text layers).
_LABELS = re.compile("|".join(r"\s?".join(map(re.escape, label.replace(" ", ""))) for label in _LABEL_TEXTS))


def _window_hashes(text: str) -> np.ndarray:
    """Polynomial hash (mod 2**64) of every RUN-character window of ``text``."""
    if len(text) < RUN:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - RUN + 1
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(RUN):
            hashes = hashes * _BASE + codes[k : k + n]
    return hashes


def _corpus_texts(path: Path) -> list[str]:
    """The text of one corpus file as published and as the reader sees it."""
    texts = []
    if path.suffix.lower() in (".txt", ".md", ".html", ".htm"):
        try:
            raw, _ = decode_bytes(path.read_bytes())
        except ReadError:
            raw = ""
        if path.suffix.lower() in (".html", ".htm"):
            raw = html.unescape(_TAG.sub(" ", raw))
        texts.append(raw)
    if path.suffix.lower() == ".pdf" and path.with_suffix(".txt").is_file():
        return []  # its text layer is in the corpus beside it (and reading the PDF is slow)
    try:
        texts.append(read_document(path).text)
    except Exception:  # noqa: BLE001 - an unreadable file has no text to guard
        pass
    return [_canonical(t) for t in texts if t]


def _repo_text(path: Path) -> str:
    if path.suffix.lower() in (".docx", ".pdf"):
        try:
            return read_document(path).text
        except Exception:  # noqa: BLE001
            return ""
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        return ""
    return data.decode("utf-8", errors="replace")


def _tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [name for name in out.decode("utf-8").split("\0") if name and name != SEED and (REPO / name).is_file()]


def _template_cover(text: str) -> np.ndarray:
    """Per character: does it lie inside a template label?"""
    covered = np.zeros(len(text), dtype=bool)
    for match in _LABELS.finditer(text):
        covered[match.start() : match.end()] = True
    return covered


def _copied_runs(text: str, bodies: dict[str, None], corpus_hashes: np.ndarray) -> list[str]:
    """Runs of RUN characters of ``text`` found in the corpus, template labels and bare numbers aside."""
    text = _canonical(text)
    hashes = _window_hashes(text)
    if not len(hashes):
        return []
    hits = np.flatnonzero(np.isin(hashes, corpus_hashes))
    if not len(hits):
        return []
    covered = _template_cover(text)
    runs, last = [], -RUN
    for start in hits.tolist():
        run = text[start : start + RUN]
        letters = [i for i, ch in enumerate(run) if _LETTER.match(ch)]
        if not letters or all(covered[start + i] for i in letters) or any(run in label for label in _LABEL_TEXTS):
            continue
        if not any(run in body for body in bodies):
            continue  # a hash collision
        if start >= last + RUN:
            runs.append(run)
        last = start
    return runs


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, None], np.ndarray]:
    missing = [str(d) for d in CORPUS_DIRS if not d.is_dir()]
    if missing:
        pytest.skip(f"development corpus not found: {', '.join(missing)}")
    bodies: dict[str, None] = {}
    for folder in CORPUS_DIRS:
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name != Path(SEED).name:
                bodies.update(dict.fromkeys(_corpus_texts(path)))
    hashes = np.unique(np.concatenate([_window_hashes(b) for b in bodies]))
    return bodies, hashes


def test_a_copied_run_is_found_and_template_labels_are_not() -> None:
    body = "甲乙丙某某县某某局本年度共收到申请九十九件并全部办结。申请人情况 自然人 法人或其他组织 商业企业 科研机构 社会公益组织"
    hashes = np.unique(_window_hashes(_canonical(body)))
    bodies = {_canonical(body): None}
    assert _copied_runs("前文某某县某某局本年度共收到申请九十九件并全部办结后文", bodies, hashes)
    assert not _copied_runs("某某县某某局本年度共收到申请九十八件并全部办结", bodies, hashes)
    assert not _copied_runs("表头:申请人情况 自然人 法人或其他组织 商业企业 科研机构 社会公益组织", bodies, hashes)
    assert _copied_runs("。申请人情况 自然人 法人或其他组织 商业企业", bodies, hashes) == []
    assert _copied_runs("全部办结。申请人情况 自然人 法人或其他组织", bodies, hashes)


def test_no_tracked_file_holds_corpus_text(corpus: tuple[dict[str, None], np.ndarray]) -> None:
    bodies, hashes = corpus
    found = {}
    for name in _tracked_files():
        runs = _copied_runs(_repo_text(REPO / name), bodies, hashes)
        if runs:
            found[name] = runs[:3]
    assert not found, f"corpus text in the repository: {found}"
