"""Exports for evaluators: self-contained HTML reports and spreadsheet tables.

:func:`export_reports` executes every numbered notebook (``NN-name.ipynb``)
headless in a ``python3`` kernel, with the notebooks folder as working
directory, and writes one self-contained HTML file per notebook (code hidden,
charts embedded as base64 PNG) plus ``index.html``.  :func:`export_tables`
writes figures, metrics and checks as CSV with a BOM and as one XLSX workbook.
Every file is written to a temporary name first and moved into place.
"""

from __future__ import annotations

import html
import os
import re
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


class ReportError(RuntimeError):
    """One or more notebooks failed to execute; the others were still exported."""


@dataclass
class ExportedReport:
    notebook: Path
    html: Path
    title: str
    stderr: list[str] = field(default_factory=list)


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
    """The environment of the kernel: ours, with this package importable."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    paths = [package_root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != package_root]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def execute_notebook(
    path: str | Path,
    parameters: dict[str, object] | None = None,
    timeout: int = 600,
    kernel_name: str = KERNEL_NAME,
) -> nbformat.NotebookNode:
    """Execute one notebook headless with its folder as working directory; returns the executed copy."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, parameters or {})
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
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


CJK_WEB_FAMILY = "TS Noto Sans CJK SC"


def embedded_cjk_font_css(page: str) -> str:
    """A ``<style>`` with the CJK font subset to the characters of ``page``, embedded as base64.

    Browsers on machines without Chinese fonts would otherwise draw empty boxes;
    subsetting keeps the page small (only the glyphs it uses). Empty when the
    page has no non-ASCII text or the font is not installed.
    """
    import base64
    import io

    from fontTools import subset

    from .plotting import cjk_font_path

    characters = {ch for ch in page if ord(ch) > 0x7F and not ch.isspace()}
    font_path = cjk_font_path()
    if not characters or font_path is None:
        return ""
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        "<style>\n"
        f"@font-face {{ font-family: '{CJK_WEB_FAMILY}'; "
        f"src: url(data:font/woff;base64,{encoded}) format('woff'); }}\n"
        f"body, .jp-Notebook, .jp-RenderedHTMLCommon, table, th, td, pre, code {{ font-family: "
        f"system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
        f"'{CJK_WEB_FAMILY}', sans-serif !important; }}\n"
        "</style>\n"
    )


def with_embedded_font(page: str) -> str:
    """``page`` with :func:`embedded_cjk_font_css` placed before ``</head>``."""
    css = embedded_cjk_font_css(page)
    if not css or "</head>" not in page:
        return page
    head, _, rest = page.partition("</head>")
    return f"{head}{css}</head>{rest}"


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """One self-contained HTML page: inputs hidden, images embedded."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": html.escape(title)}})
    return with_embedded_font(body)


def export_reports(
    notebooks_dir: str | Path,
    out_dir: str | Path,
    parameters: dict[str, object] | None = None,
    timeout: int = 600,
    kernel_name: str = KERNEL_NAME,
) -> list[Path]:
    """Execute every numbered notebook and write ``<name>.html`` for each plus ``index.html``.

    ``parameters`` (e.g. ``{"DATA_DIR": "/abs/processed", "LANG": "en"}``)
    override the notebooks' ``parameters`` cell.  Returns the HTML reports
    written.  A failing notebook does not stop the others; after writing
    everything that worked, :class:`ReportError` names the failures.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    exported: list[ExportedReport] = []
    failures: list[str] = []
    for path in list_notebooks(notebooks_dir):
        title = path.stem
        try:
            nb = execute_notebook(path, parameters, timeout=timeout, kernel_name=kernel_name)
            title = notebook_title(nb, path.stem)
            target = out / f"{path.stem}.html"
            _write_text(target, notebook_to_html(nb, title))
            exported.append(ExportedReport(path, target, title, stderr_outputs(nb)))
        except Exception as error:  # noqa: BLE001 - reported below, the other notebooks still run
            failures.append(f"{path.name}: {type(error).__name__}: {str(error).strip().splitlines()[-1:]}")
    write_index(exported, out / "index.html")
    if failures:
        raise ReportError("notebooks failed:\n" + "\n".join(failures))
    return [report.html for report in exported]


def write_index(reports: list[ExportedReport], target: Path) -> Path:
    """``index.html`` linking every report, titles escaped."""
    items = "\n".join(
        f'    <li><a href="{html.escape(r.html.name, quote=True)}">{html.escape(r.title)}</a></li>' for r in reports
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>政府信息公开工作年度报告统计 · Government information-disclosure annual reports</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.6; }}</style>
</head>
<body>
<h1>政府信息公开工作年度报告统计<br><small>Government information-disclosure annual reports: statistics</small></h1>
<ul>
{items}
</ul>
<p>数据表 / Tables: <a href="figures.csv">figures.csv</a> · <a href="metrics.csv">metrics.csv</a> ·
<a href="checks.csv">checks.csv</a> · <a href="{WORKBOOK_NAME}">{WORKBOOK_NAME}</a></p>
</body>
</html>
"""
    _write_text(target, with_embedded_font(page))
    return target


# --------------------------------------------------------------------------- tables


def export_tables(processed_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Figures, metrics and checks as CSV (UTF-8 with BOM) and one XLSX workbook.

    The workbook has a sheet per table plus ``fields`` (the field registry, as
    a data dictionary).  Returns the files written.
    """
    bundle = load_bundle(processed_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"figures": bundle.figures, "metrics": bundle.metrics, "checks": bundle.checks}
    written = []
    for name, frame in tables.items():
        target = out / f"{name}.csv"
        write_csv(frame, target)
        written.append(target)
    target = out / WORKBOOK_NAME
    with atomic_path(target) as tmp:
        _write_workbook(tmp, {**tables, "fields": registry.fields()})
    written.append(target)
    return written


def _write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            cells = []
            for value in row:
                if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                    cells.append(None)
                elif isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula
                    cells.append(cell)
                elif hasattr(value, "item"):
                    cells.append(value.item())
                else:
                    cells.append(value)
            sheet.append(cells)
    book.save(path)
