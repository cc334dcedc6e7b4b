"""Hostile inputs: every file gets an answer within its bound, and its neighbours are unharmed.

Each case writes its hostile file at test time next to two good reports (the
table fixtures), runs the batch, and checks the hostile file's error row or
warning, a generous time bound, and that the good reports give exactly the
figures they give on their own.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from transparency_stats import reading
from transparency_stats.batch import extract_paths
from transparency_stats.extract import extract_report
from transparency_stats.schema import ReportResult

FIXTURES = Path(__file__).parent / "fixtures" / "tables"
GOOD = ("gov2021.html", "gov2019_spaced.txt")
TIME_BOUND = 60.0  # seconds for a whole batch; generous, the point is "never stalls"


def _figure_rows(result: ReportResult, *, locations: bool = True) -> list[tuple]:
    return sorted(
        (f.table, f.metric, f.applicant, repr(f.value), f.cell, f.raw_value, f.read_via)
        + ((f.location,) if locations else ())
        for f in result.figures
    )


@functools.cache
def _solo(name: str, *, locations: bool = True) -> list[tuple]:
    rows = _figure_rows(extract_report(FIXTURES / name), locations=locations)
    assert rows, f"fixture {name} gives no figures"
    return rows


def _batch(folder: Path, hostile: dict[str, bytes], *, good: tuple[str, ...] = GOOD) -> dict[str, ReportResult]:
    """Write the hostile files beside the good ones, extract the folder, check time and the good files."""
    folder.mkdir(exist_ok=True)
    for name in good:
        shutil.copy(FIXTURES / name, folder / name)
    for name, data in hostile.items():
        (folder / name).write_bytes(data)
    started = time.perf_counter()
    results = {Path(r.source_file).name: r for r in extract_paths([folder], progress=False)}
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND, f"batch took {elapsed:.1f} s"
    for name in good:
        assert not [i for i in results[name].issues if i.severity == "error"]
        assert _figure_rows(results[name]) == _solo(name), f"{name} changed beside hostile files"
    return results


def _only_error(result: ReportResult) -> str:
    errors = [i for i in result.issues if i.severity == "error"]
    assert len(errors) == 1, result.issues
    assert not result.figures
    return errors[0].message


# --------------------------------------------------------------------------- rowspan/colspan bomb


def test_span_bomb_is_an_error_row_naming_the_limit(tmp_path: Path) -> None:
    row = "<tr>" + '<td colspan="200" rowspan="200">x</td>' * 60 + "</tr>"
    page = f"<html><body><p>示例局政府信息公开工作年度报告</p><table>{row * 10}</table></body></html>"
    results = _batch(tmp_path / "batch", {"bomb.html": page.encode()})
    message = _only_error(results["bomb.html"])
    assert "max_table_cells" in message and "rowspan/colspan" in message
    assert "TRANSPARENCY_STATS_MAX_TABLE_CELLS" in message


# --------------------------------------------------------------------------- DOCX bombs


def _docx_with_padding(padding: int) -> bytes:
    """The gov2021 fixture with ``padding`` bytes of whitespace inside its document part."""
    source = zipfile.ZipFile(FIXTURES / "gov2021.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "word/document.xml":
                archive.writestr(info, data)
                continue
            head, _, tail = data.partition(b"</w:body>")
            with archive.open("word/document.xml", "w", force_zip64=True) as part:
                part.write(head)
                block = b" " * (1 << 20)
                for _ in range(padding >> 20):
                    part.write(block)
                part.write(b"</w:body>" + tail)
    return out.getvalue()


def _lie_about_size(data: bytes, part: bytes, size: int) -> bytes:
    """Rewrite the declared uncompressed size of ``part`` in its local and central headers."""
    buffer = bytearray(data)
    local = bytes(buffer).rfind(b"PK\x03\x04", 0, buffer.index(part))
    buffer[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = bytes(buffer).rfind(b"PK\x01\x02", 0, bytes(buffer).rindex(part))
    buffer[central + 24 : central + 28] = size.to_bytes(4, "little")
    return bytes(buffer)


def test_docx_bomb_is_an_error_row_naming_the_limit(tmp_path: Path) -> None:
    limit = reading.Limits().max_docx_unpacked_bytes
    bomb = _docx_with_padding(limit + (1 << 20))
    assert len(bomb) < limit // 200  # a small file inflating far beyond the limit
    results = _batch(tmp_path / "batch", {"bomb.docx": bomb}, good=(*GOOD, "gov2019.docx"))
    message = _only_error(results["bomb.docx"])
    assert "max_docx_unpacked_bytes" in message and "TRANSPARENCY_STATS_MAX_DOCX_UNPACKED_BYTES" in message


def test_docx_part_lying_about_its_size_is_an_error_row(tmp_path: Path) -> None:
    lying = _lie_about_size(_docx_with_padding(2 << 20), b"word/document.xml", 50_000)
    results = _batch(tmp_path / "batch", {"lying.docx": lying})
    assert "not a readable .docx" in _only_error(results["lying.docx"])


def test_docx_limit_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "LIMITS", reading.Limits(max_docx_unpacked_bytes=1 << 20))
    padded = _docx_with_padding(2 << 20)
    path = tmp_path / "padded.docx"
    path.write_bytes(padded)
    assert "max_docx_unpacked_bytes=1,048,576" in _only_error(extract_report(path))
    reading.set_limits(max_docx_unpacked_bytes=4 << 20)
    assert _figure_rows(extract_report(path)) == _solo("gov2021.docx")


def test_docx_within_the_limit_that_lxml_refuses_is_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "long_text_node.docx"
    path.write_bytes(_docx_with_padding(11 << 20))  # one whitespace node beyond lxml's 10 MB
    assert "not a readable .docx" in _only_error(extract_report(path))


# --------------------------------------------------------------------------- huge HTML page


def test_oversized_html_page_is_an_error_row_naming_the_limit(tmp_path: Path) -> None:
    limit = reading.Limits().max_text_bytes
    paragraph = "<p>本机关全年持续推进政务公开工作，及时回应社会关切。</p>\n".encode()
    page = b"<html><body>" + paragraph * (limit // len(paragraph) + 1) + b"</body></html>"
    results = _batch(tmp_path / "batch", {"huge.html": page})
    message = _only_error(results["huge.html"])
    assert "max_text_bytes" in message and "TRANSPARENCY_STATS_MAX_TEXT_BYTES" in message


def test_inline_images_do_not_count_towards_the_html_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "LIMITS", reading.Limits(max_text_bytes=1 << 20))
    page = (FIXTURES / "gov2021.html").read_bytes()
    image = b'<img src="data:image/png;base64,' + b"QUJD" * (1 << 19) + b'">'
    path = tmp_path / "with_image.html"
    path.write_bytes(page.replace(b"</body>", image + b"</body>"))
    assert _figure_rows(extract_report(path)) == _solo("gov2021.html")


# --------------------------------------------------------------------------- deep HTML


def test_deeply_nested_html_keeps_its_text_and_tables(tmp_path: Path) -> None:
    page = (FIXTURES / "gov2021.html").read_text(encoding="utf-8")
    deep = page.replace('<div class="TRS_Editor">', '<div class="TRS_Editor">' + "<font>" * 300)
    results = _batch(tmp_path / "batch", {"deep.html": deep.encode()})
    assert not [i for i in results["deep.html"].issues if i.severity == "error"]
    assert _figure_rows(results["deep.html"]) == _solo("gov2021.html")


@pytest.mark.parametrize(("depth", "limit", "reason"), [
    (300, 200, "max_html_depth=200"),  # beyond the limit set
    (3000, None, "max_html_depth=2,000"),  # beyond the default, where the parser would cut the page
    (3000, 5000, "the HTML parser's ceiling"),  # a limit above the parser's ceiling cannot read more
])
def test_html_deeper_than_the_limit_is_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, depth: int, limit: int | None, reason: str
) -> None:
    if limit is not None:
        monkeypatch.setattr(reading, "LIMITS", reading.Limits(max_html_depth=limit))
    page = (FIXTURES / "gov2021.html").read_text(encoding="utf-8")
    deep = page.replace('<div class="TRS_Editor">', '<div class="TRS_Editor">' + "<font>" * depth)
    path = tmp_path / "deep.html"
    path.write_text(deep, encoding="utf-8")
    assert reason in _only_error(extract_report(path))


# --------------------------------------------------------------------------- undecodable bytes


def _decode_warnings(result: ReportResult) -> list:
    return [i for i in result.issues if i.kind == "decode"]


def test_stray_byte_is_replaced_located_and_warned(tmp_path: Path) -> None:
    clean = (FIXTURES / "gov2019_spaced.txt").read_bytes()
    offset = clean.index("一、总体情况".encode())
    stray = clean[:offset] + b"\x80" + clean[offset:]
    results = _batch(tmp_path / "batch", {"stray.txt": stray})
    result = results["stray.txt"]
    assert not [i for i in result.issues if i.severity == "error"]
    [warning] = _decode_warnings(result)
    assert warning.severity == "warning" and warning.location == f"byte:{offset}"
    # the same figures; their char: locations move by the one replacement character
    assert _figure_rows(result, locations=False) == _solo("gov2019_spaced.txt", locations=False)


def test_gbk_file_cut_mid_character_is_read_with_a_warning(tmp_path: Path) -> None:
    gbk = (FIXTURES / "gov2019_spaced.txt").read_text(encoding="utf-8").rstrip("\n").encode("gbk")
    cut = gbk + "完".encode("gbk")[:1]  # the last character's second byte is missing
    results = _batch(tmp_path / "batch", {"cut.txt": cut})
    result = results["cut.txt"]
    [warning] = _decode_warnings(result)
    assert warning.location == f"byte:{len(cut) - 1}" and "gb18030" in warning.message
    assert _figure_rows(result) == _solo("gov2019_spaced.txt")


def test_broken_byte_inside_a_number_never_gives_a_number(tmp_path: Path) -> None:
    clean = (FIXTURES / "gov2019_spaced.txt").read_bytes()
    row = "规章 2 2 15".encode()
    assert clean.count(row) == 1
    broken = clean.replace(row, "规章 2 2 1".encode() + b"\xff" + b"5")
    path = tmp_path / "broken.txt"
    path.write_bytes(broken)
    result = extract_report(path)
    [warning] = _decode_warnings(result)
    assert "'1\ufffd5' left out" in warning.message
    values = {f.value for f in result.figures if f.metric == "regulations_public_total"}
    assert values <= {None}, values  # neither 1 nor 5 nor 15: the cell is unreadable
    others = [r for r in _figure_rows(result, locations=False) if r[1] != "regulations_public_total"]
    expected = _solo("gov2019_spaced.txt", locations=False)
    assert others == [r for r in expected if r[1] != "regulations_public_total"]


def test_file_broken_everywhere_is_still_an_error_row(tmp_path: Path) -> None:
    clean = (FIXTURES / "gov2019_spaced.txt").read_bytes()
    step = len(clean) // 150
    broken = b"\xff".join(clean[i : i + step] for i in range(0, len(clean), step))
    results = _batch(tmp_path / "batch", {"broken.txt": broken})
    assert "max_decode_errors=100" in _only_error(results["broken.txt"])


# --------------------------------------------------------------------------- folders and symlinks


def test_unreadable_folder_and_bad_symlinks_each_get_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("示例")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    (folder / "back").symlink_to(folder, target_is_directory=True)

    # Permissions do not stop root, so the unreadable folder is simulated.
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(path: object) -> object:
        if Path(os.fsdecode(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return None

    monkeypatch.setattr(os, "scandir", lambda path=".": deny(path) or real_scandir(path))
    monkeypatch.setattr(os, "listdir", lambda path=".": deny(path) or real_listdir(path))

    results = _batch(folder, {})
    reasons = {name: _only_error(result) for name, result in results.items() if name not in GOOD}
    assert set(reasons) == {"locked", "dangling.txt", "loop_a.txt", "loop_b.txt", "back"}
    assert reasons["locked"] == "unreadable folder: Permission denied"
    assert reasons["dangling.txt"].startswith("dangling symlink")
    assert reasons["loop_a.txt"].startswith("symlink loop") and reasons["loop_b.txt"].startswith("symlink loop")
    assert reasons["back"].startswith("folder reached twice")

