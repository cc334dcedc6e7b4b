"""Publishing for evaluators: the notebooks as self-contained HTML pages, and the tables for Excel.

:func:`export_reports` executes every numbered notebook (``NN-name.ipynb``)
headless, once per language, and writes one page per notebook and language
(``NN-name.html`` in Chinese, ``NN-name.en.html`` in English) beside an entry
page (:mod:`.entry`), a data dictionary and a methods note.  Pages:

* are self-contained and work offline: no script at all, charts embedded as
  PNG, styles inline, the CJK font embedded (subset to the page's characters)
  and named first wherever text is styled, so no glyph depends on the fonts of
  the reader's machine;
* are cached: a notebook is executed again only when the notebook, its
  parameters, the processed data or this package changed (``.cache/`` in the
  output folder); notebooks run in parallel (``jobs``).

:func:`export_tables` writes figures, metrics and checks as CSV (UTF-8 with
BOM; figures and metrics with Chinese and English label and unit columns) and
one XLSX workbook with a frozen header, filters, column widths and number
formats.  Every file is written to a temporary name first and moved into place.

The module is a little over 500 lines: executing, caching and exporting pages and the Excel
tables share the page list, the cache key and the atomic writers.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from . import registry
from .processed import load_bundle
from .store import atomic_path, write_csv

NOTEBOOK_PATTERN = re.compile(r"^\d{2}-.+\.ipynb$")
KERNEL_NAME = "python3"
WORKBOOK_NAME = "transparency_stats.xlsx"
LANGS = ("zh", "en")
CACHE_DIR = ".cache"
CJK_WEB_FAMILY = "TS Noto Sans CJK SC"


class ReportError(RuntimeError):
    """One or more notebooks failed to execute; the others were still exported."""


@dataclass
class ExportedPage:
    """One page written: which notebook, language, file and title, and whether it came from the cache."""

    notebook: Path
    lang: str
    html: Path
    title: str
    cached: bool = False
    seconds: float = 0.0
    stderr: list[str] = field(default_factory=list)


def page_name(notebook: Path, lang: str) -> str:
    """``01-item-counts.html`` (Chinese) or ``01-item-counts.en.html`` (English)."""
    return f"{notebook.stem}.html" if lang == "zh" else f"{notebook.stem}.{lang}.html"


def _write_text(target: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)


# --------------------------------------------------------------------------- notebooks


def list_notebooks(notebooks_dir: str | Path) -> list[Path]:
    """The numbered notebooks of a folder, in order."""
    folder = Path(notebooks_dir)
    return sorted(p for p in folder.iterdir() if NOTEBOOK_PATTERN.match(p.name))


def notebook_title(nb: nbformat.NotebookNode, default: str) -> str:
    """The first markdown heading of a notebook (plain text), or ``default``."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return default


def inject_parameters(nb: nbformat.NotebookNode, parameters: dict[str, object]) -> nbformat.NotebookNode:
    """Insert a cell setting ``parameters`` right after the cell tagged ``parameters``.

    The values are written with ``repr``, so only plain Python literals
    (str, int, float, bool, None, lists and dicts of them) are accepted.
    """
    if not parameters:
        return nb
    for value in parameters.values():
        _check_literal(value)
    source = "# injected parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    index = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])),
        -1,
    )
    nb.cells.insert(index + 1, cell)
    return nb


def _check_literal(value: object) -> None:
    if value is None or isinstance(value, (str, int, float, bool)):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_literal(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_literal(key)
            _check_literal(item)
        return
    raise TypeError(f"notebook parameters must be plain literals, not {type(value).__name__}")


def _kernel_env() -> dict[str, str]:
    """The environment of the kernel: ours, with this package importable and no debugger chatter."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    paths = [package_root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != package_root]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env["MPLBACKEND"] = "Agg"
    return env


def execute_notebook(
    path: str | Path,
    parameters: dict[str, object] | None = None,
    timeout: int = 600,
    kernel_name: str = KERNEL_NAME,
) -> nbformat.NotebookNode:
    """Execute one notebook headless with its folder as working directory; returns the executed copy."""
    import tempfile
    import warnings

    from nbclient import NotebookClient
    from traitlets.config import Config

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, parameters or {})
    with tempfile.TemporaryDirectory(prefix="ts-kernel-") as sockets:
        # local sockets (IPC), not TCP: nothing listens on the network while a notebook runs
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "k")}})
        client = NotebookClient(
            nb,
            config=config,
            timeout=timeout,
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            client.execute(env=_kernel_env())
    return nb


def stderr_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Text the executed notebook wrote to stderr (warnings, for instance)."""
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                texts.append(output.get("text", ""))
    return texts


# --------------------------------------------------------------------------- page skeleton and font


PAGE_CSS = """
html, body, h1, h2, h3, h4, p, li, a, table, caption, th, td, figcaption, small, strong, em, code, pre,
nav, span, div, button, input, select {{ font-family: '{family}', system-ui, sans-serif; }}
body {{ max-width: 72em; margin: 1.5em auto; padding: 0 1.2em; line-height: 1.55; color: #1d1d1d; }}
h1 {{ font-size: 1.6em; margin-bottom: .3em; }} h2 {{ font-size: 1.3em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }}
h3 {{ font-size: 1.08em; margin-top: 1.3em; }}
nav.top {{ font-size: .9em; margin-bottom: 1em; color: #555; }}
table {{ border-collapse: collapse; margin: .6em 0 1em; font-size: .86em; }}
caption {{ text-align: left; font-weight: 600; padding: .2em 0; }}
th, td {{ border: 1px solid #d6d6d6; padding: .25em .55em; vertical-align: top; }}
th {{ background: #f3f3f3; font-weight: 600; text-align: left; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
table.data td:first-child, table.data th:first-child, .coverage th {{ white-space: nowrap; }}
.jp-OutputArea-output, .jp-RenderedHTMLCommon, div.output_html {{ max-width: 100%; overflow-x: auto; }}
figure {{ margin: .8em 0 1.4em; }} figure img {{ max-width: 100%; height: auto; }}
figcaption {{ font-size: .82em; color: #555; margin-top: .3em; }}
p.nodata, p.single, p.more, p.summary {{ color: #444; }}
.coverage td {{ text-align: center; white-space: nowrap; font-size: .9em; }}
.coverage td.gov2019 {{ background: #e3eefb; }} .coverage td.gov2021 {{ background: #dff3e4; }}
.coverage td.narrative {{ background: #fdf1dc; }}
"""


def embedded_font_face(characters: str, cache_dir: Path | None = None) -> str:
    """An ``@font-face`` rule with the CJK font subset to ``characters``, as a base64 WOFF.

    The subset holds every character given (Latin too), so a page renders
    entirely in its embedded font on machines without Chinese fonts.  Subsets
    are cached by character set in ``cache_dir``.  Empty when the font is not
    installed.
    """
    from .plotting import cjk_font_path

    font_path = cjk_font_path()
    # spaces too: a space drawn from another font is still a glyph this page does not control
    wanted = "".join(sorted({ch for ch in characters if ord(ch) >= 0x20 and ch not in "\r\n\t"} | {" ", "\u00a0"}))
    if font_path is None:
        return ""
    key = hashlib.sha256(wanted.encode("utf-8")).hexdigest()[:24]
    cached = cache_dir / f"font-{key}.woff.b64" if cache_dir is not None else None
    if cached is not None and cached.exists():
        encoded = cached.read_text(encoding="ascii")
    else:
        from fontTools import subset

        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(font_path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=wanted)
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            _write_text(cached, encoded, encoding="ascii")
    return f"@font-face {{ font-family: '{CJK_WEB_FAMILY}'; src: url(data:font/woff;base64,{encoded}) format('woff'); }}"


def _visible_characters(markup: str) -> str:
    """The characters a page may show: its text without tags and base64 payloads (entities decoded)."""
    text = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", "", markup)
    text = re.sub(r"<[^>]*>", " ", text)
    attributes = " ".join(re.findall(r'(?:alt|title)="([^"]*)"', markup))
    return html.unescape(text + " " + attributes) + " —≈%0123456789"


def page_html(title: str, body: str, lang: str = "zh", nav: str = "", cache_dir: Path | None = None) -> str:
    """A complete page: ``body`` (trusted markup built by this package) with the inline style and font."""
    characters = _visible_characters(title + nav + body)
    font = embedded_font_face(characters, cache_dir)
    css = PAGE_CSS.format(family=CJK_WEB_FAMILY)
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f"<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{font}\n{css}</style>\n</head>\n<body>\n"
        f"{nav}\n{body}\n</body>\n</html>\n"
    )


def notebook_body(nb: nbformat.NotebookNode) -> str:
    """The notebook's outputs and markdown as HTML (nbconvert's basic template: no scripts, inputs hidden)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )
    body, _ = exporter.from_notebook_node(nb)
    return body


# --------------------------------------------------------------------------- cache


def _fingerprint_files(paths: list[Path], root: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = str(path.relative_to(root)) if root is not None else path.name
        digest.update(name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_fingerprint() -> str:
    """A hash of this package's code and data files (pages are rebuilt when it changes)."""
    package = Path(__file__).resolve().parent
    files = [p for p in package.rglob("*") if p.suffix in (".py", ".csv") and p.is_file()]
    return _fingerprint_files(files, package)


def data_fingerprint(processed_dir: str | Path) -> str:
    """A hash of every file of the processed folder."""
    folder = Path(processed_dir)
    if not folder.is_dir():
        return "none"
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return _fingerprint_files(files, folder)


def _page_key(notebook: Path, parameters: dict[str, object], package: str, data: str) -> str:
    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode("utf-8"))
    digest.update(package.encode())
    digest.update(data.encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- export


def _nav(notebook: Path, lang: str, langs: tuple[str, ...]) -> str:
    home = "index.html"
    back = "← 目录" if lang == "zh" else "← Contents"
    links = [f'<a href="{home}">{back}</a>']
    for other in langs:
        if other != lang:
            name = "中文" if other == "zh" else "English"
            links.append(f'<a href="{html.escape(page_name(notebook, other))}">{name}</a>')
    return "<nav class=\"top\">" + " · ".join(links) + "</nav>"


def _render_page(
    notebook: Path,
    lang: str,
    parameters: dict[str, object],
    out: Path,
    langs: tuple[str, ...],
    key: str,
    timeout: int,
    kernel_name: str,
) -> ExportedPage:
    import time

    started = time.perf_counter()
    cache = out / CACHE_DIR
    target = out / page_name(notebook, lang)
    meta_path = cache / f"{target.name}.json"
    if meta_path.exists() and target.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("key") == key:
            return ExportedPage(notebook, lang, target, meta.get("title", notebook.stem), cached=True,
                                seconds=time.perf_counter() - started)
    nb = execute_notebook(notebook, {**parameters, "LANG": lang}, timeout=timeout, kernel_name=kernel_name)
    title = notebook_title(nb, notebook.stem)
    _write_text(target, page_html(title, notebook_body(nb), lang, _nav(notebook, lang, langs), cache))
    cache.mkdir(parents=True, exist_ok=True)
    _write_text(meta_path, json.dumps({"key": key, "title": title}, ensure_ascii=False))
    return ExportedPage(notebook, lang, target, title, seconds=time.perf_counter() - started,
                        stderr=stderr_outputs(nb))


def export_reports(
    notebooks_dir: str | Path,
    out_dir: str | Path,
    processed_dir: str | Path,
    langs: tuple[str, ...] = LANGS,
    organs: list[str] | None = None,
    years: list[int] | None = None,
    jobs: int | None = None,
    timeout: int = 600,
    kernel_name: str = KERNEL_NAME,
    on_page: Callable[[ExportedPage], None] | None = None,
) -> list[ExportedPage]:
    """Execute every numbered notebook per language; write the pages, ``index.html``, ``fields.html``
    and ``methods.html``.

    ``organs`` and ``years`` narrow every page; ``on_page`` is called once per
    page written (for progress lines).  A failing notebook does not stop the
    others; after writing everything that worked, :class:`ReportError` names
    the failures.
    """
    import logging

    from .entry import write_entry_pages

    # kernel clients closed from worker threads log a harmless "could not destroy zmq context"
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    processed = Path(processed_dir).resolve()
    parameters: dict[str, object] = {"DATA_DIR": str(processed), "ORGANS": organs, "YEARS": years}
    package, data = package_fingerprint(), data_fingerprint(processed)
    notebooks = list_notebooks(notebooks_dir)
    tasks = [(nb, lang) for nb in notebooks for lang in langs]
    jobs = jobs or min(len(tasks), max(2, os.cpu_count() or 1), 4) or 1
    exported: list[ExportedPage] = []
    failures: list[str] = []

    def run(task: tuple[Path, str]) -> ExportedPage:
        notebook, lang = task
        key = _page_key(notebook, {**parameters, "LANG": lang}, package, data)
        return _render_page(notebook, lang, parameters, out, tuple(langs), key, timeout, kernel_name)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [(task, pool.submit(run, task)) for task in tasks]
        for (notebook, lang), future in futures:
            try:
                page = future.result()
            except Exception as error:  # noqa: BLE001 - reported below, the other notebooks still run
                last = str(error).strip().splitlines()[-1:] or [""]
                failures.append(f"{notebook.name} ({lang}): {type(error).__name__}: {last[0]}")
                continue
            exported.append(page)
            if on_page is not None:
                on_page(page)
    write_entry_pages(processed, out, exported, langs, organs, years, cache_dir=out / CACHE_DIR)
    if failures:
        raise ReportError("notebooks failed:\n" + "\n".join(failures))
    return exported


# --------------------------------------------------------------------------- tables


def with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with Chinese and English label and unit columns right after ``metric``."""
    if "metric" not in frame.columns:
        return frame
    out = frame.copy()
    metrics = out["metric"].astype("string")
    position = out.columns.get_loc("metric") + 1
    for offset, (name, make) in enumerate([
        ("label_zh", lambda m: registry.label(m, "zh")),
        ("label_en", lambda m: registry.label(m, "en")),
        ("unit_zh", lambda m: registry.unit(m, "zh")),
        ("unit_en", lambda m: registry.unit(m, "en")),
    ]):
        out.insert(position + offset, name, metrics.map(lambda m, make=make: pd.NA if pd.isna(m) else make(str(m)))
                   .astype("string"))
    return out


def export_tables(processed_dir: str | Path, out_dir: str | Path, organs: list[str] | None = None,
                  years: list[int] | None = None) -> list[Path]:
    """Figures, metrics and checks as CSV (UTF-8 with BOM) and one XLSX workbook.

    Figures and metrics carry ``label_zh, label_en, unit_zh, unit_en`` after
    ``metric``.  The workbook has a sheet per table plus ``fields`` (the data
    dictionary).  Returns the files written.
    """
    from .processed import subset

    bundle = load_bundle(processed_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "figures": with_labels(subset(bundle.figures, organs, years)),
        "metrics": with_labels(subset(bundle.metrics, organs, years)),
        "checks": subset(bundle.checks, organs, years),
    }
    written = []
    for name, frame in tables.items():
        target = out / f"{name}.csv"
        write_csv(frame, target)
        written.append(target)
    target = out / WORKBOOK_NAME
    with atomic_path(target) as tmp:
        write_workbook(tmp, {**tables, "fields": registry.fields()})
    written.append(target)
    return written


def _value_unit(metric: object) -> str:
    """The unit of a metric's ``value``: year-on-year changes are relative (fractions)."""
    if pd.isna(metric):
        return ""
    return "fraction" if str(metric).endswith("__yoy") else registry.unit(str(metric))


def _number_format(column: str, value: float, unit: object) -> str:
    if column == "value" and unit == "fraction":
        return "0.0%"
    if float(value).is_integer():
        return "#,##0"
    return "#,##0.00##"


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """One sheet per table: frozen header row, filters, column widths, thousands and percent formats.

    Text that starts like a formula (``=``) is stored as text, never as a formula.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        columns = [str(c) for c in frame.columns]
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            values = frame[column].dropna().astype(str).head(500)
            longest = max([len(column), *(len(v) + sum(ord(ch) > 0x2E7F for ch in v) for v in values)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
        if len(columns):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        units = frame["metric"].map(_value_unit) if "metric" in frame.columns else None
        for position, row in enumerate(frame.itertuples(index=False, name=None)):
            unit = units.iloc[position] if units is not None else None
            cells = []
            for column, value in zip(columns, row, strict=True):
                if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                    cells.append(None)
                    continue
                if hasattr(value, "item"):
                    value = value.item()
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(value, float) and column in ("value", "numerator", "denominator", "left", "right",
                                                             "difference"):
                    cell.number_format = _number_format(column, value, unit)
                cells.append(cell)
            sheet.append(cells)
    book.save(path)
