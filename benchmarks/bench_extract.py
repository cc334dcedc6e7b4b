"""Throughput and memory of extraction (``make bench``; not part of the tests).

First the whole ``transparency-stats extract`` command on a mixed corpus of
real-size reports (70 % crawler text, 25 % full HTML pages with their site
chrome, 5 % PDF), made at bench time in a temporary folder: from the real
reports of ``../shared/corpus/reports`` when that folder is there (nothing of
it is kept), else from the fixtures with invented site chrome around them.
Every copy differs by a trailing comment or whitespace, so hashes differ and
figures do not.  The command runs once writing CSV, once writing the Parquet
dataset, and once more on the unchanged corpus (the incremental run only hashes).
Besides wall time it reports CPU time (user + system of all its processes: what to
compare on a shared machine) per report, and per report after start-up: less the CPU of
the same run on a corpus of one file (imports, worker processes), which a corpus of
any size pays once.
The plain libraries read the same files side by side: ``pandas.read_html`` for
HTML, the PDF library's text layer for PDF.

Then, per input kind, synthetic reports are written to a temporary folder from the table fixtures
(``tests/fixtures/tables``): each copy gets its own organ name so no two files
are the same.  For every input kind it times read → recognise layout → extract
tables on one core, then measures peak Python memory (tracemalloc) while a batch
of 100 and of 1000 text reports is extracted (figures dropped after each report,
as a streaming writer does, and all kept), and times
``pandas.read_html`` on the same HTML files for comparison.

    python benchmarks/bench_extract.py [--mixed 1000] [--jobs 2] [--corpus DIR] [--n 200] [--big 1000]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transparency_stats.layout import detect_layout  # noqa: E402
from transparency_stats.reading import read_document  # noqa: E402
from transparency_stats.tables import extract_tables  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "tables"
KINDS: dict[str, list[str]] = {
    "html": ["gov2019.html", "gov2021.html"],
    "text (spaced)": ["gov2019_spaced.txt", "gov2021_spaced.txt"],
    "text (run-together)": ["gov2019_runtogether.txt", "gov2021_runtogether.txt"],
    "pdf": ["gov2019.pdf", "gov2021.pdf"],
    "docx": ["gov2019.docx", "gov2021.docx"],
}
_ORGANS = {"gov2019": "示例县人民政府", "gov2021": "示例市测试局"}


def make_copies(kind: str, n: int, folder: Path) -> list[Path]:
    """n distinct report files of one kind (text formats get a numbered organ name)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        source = FIXTURES / KINDS[kind][i % len(KINDS[kind])]
        target = folder / f"{i:05d}_{source.name}"
        if source.suffix in (".html", ".txt"):
            organ = _ORGANS[source.name.split("_")[0].split(".")[0]]
            text = source.read_text(encoding="utf-8").replace(organ, f"{organ}{i}号")
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        paths.append(target)
    return paths


def extract(path: Path) -> list:
    doc = read_document(path)
    figures, _ = extract_tables(doc, detect_layout(doc))
    return figures


def rate(func: Callable[[Path], object], paths: list[Path]) -> float:
    """Files per second of func over paths (after one warm-up call)."""
    func(paths[0])
    gc.collect()
    start = time.perf_counter()
    for path in paths:
        func(path)
    return len(paths) / (time.perf_counter() - start)


def peak_memory(paths: list[Path], keep: bool) -> tuple[float, int]:
    """Peak traced memory (MiB) while extracting paths, keeping the figures or not; figure count."""
    gc.collect()
    tracemalloc.start()
    kept: list = []
    count = 0
    for path in paths:
        figures = extract(path)
        count += len(figures)
        if keep:
            kept.extend(figures)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, count


SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
MIX = {".txt": 0.70, ".html": 0.25, ".pdf": 0.05}
_CHROME = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
    "<link rel='stylesheet' href='/css/site.css'><script src='/js/analytics.js'></script></head><body>"
    "<div class='top-bar'>无障碍 | 长者模式 | 登录 | 注册</div><nav>{nav}</nav>"
    "<div class='crumbs'>首页 > 政务公开 > 政府信息公开年报</div><div class='article'>{body}</div>"
    "<div class='share'>分享到：微信 微博</div><footer>{footer}</footer></body></html>"
)


def _fixture_sources(folder: Path) -> dict[str, list[Path]]:
    """Report files of each kind from the fixtures, HTML wrapped in invented site chrome (written to folder)."""
    nav = "".join(f"<a href='/c{i}'>栏目{i}</a>" for i in range(60))
    footer = "".join(f"<p>网站标识码 示例{i} 主办单位：示例办公室 地址：示例路{i}号</p>" for i in range(40))
    folder.mkdir(parents=True, exist_ok=True)
    html = []
    for name in ("gov2019.html", "gov2021.html"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        target = folder / name
        target.write_text(_CHROME.format(title=name, nav=nav, body=text, footer=footer), encoding="utf-8")
        html.append(target)
    text = [FIXTURES / n for n in ("gov2019_spaced.txt", "gov2021_spaced.txt", "gov2019_runtogether.txt",
                                   "gov2021_runtogether.txt")]
    text += sorted((ROOT / "tests" / "fixtures" / "narrative").glob("*.txt"))
    return {".txt": text, ".html": html, ".pdf": [FIXTURES / "gov2019.pdf", FIXTURES / "gov2021.pdf"]}


def corpus_sources(corpus: Path | None, scratch: Path) -> tuple[str, dict[str, list[Path]]]:
    """Where the mixed corpus comes from, and its source files by kind (made in scratch if need be)."""
    if corpus is not None and corpus.is_dir():
        files = sorted(p for p in corpus.iterdir() if p.is_file())
        by_kind = {kind: [p for p in files if p.suffix.lower() in (kind, kind[:4])] for kind in MIX}
        if all(by_kind.values()):
            return f"real reports of {corpus}", by_kind
    return "fixtures in invented site chrome", _fixture_sources(scratch)


def make_mixed_corpus(
    sources: dict[str, list[Path]], n: int, folder: Path, seed: int = 7, origins: dict[str, Path] | None = None
) -> dict[str, int]:
    """n copies in the MIX proportions; each differs by a trailing comment or whitespace only.

    ``origins``, when given, receives copy path → source path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    counts = {kind: round(n * share) for kind, share in MIX.items()}
    counts[".txt"] += n - sum(counts.values())
    index = 0
    for kind, count in counts.items():
        for _ in range(count):
            source = rng.choice(sources[kind])
            data = source.read_bytes()
            if kind == ".pdf":
                data += f"\n% copy {index}\n".encode()
            elif kind == ".html":
                data += f"\n<!-- copy {index} -->\n".encode()
            else:  # whitespace only: the copy number in spaces and tabs
                data += b"\n" + format(index, "b").replace("0", " ").replace("1", "\t").encode() + b"\n"
            sub = folder / f"{index // 1000:03d}"
            sub.mkdir(exist_ok=True)
            target = sub / f"{index:06d}{source.suffix}"
            target.write_bytes(data)
            if origins is not None:
                origins[str(target)] = source
            index += 1
    return counts


_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_maxrss, u.ru_utime + u.ru_stime)"
)


def run_command(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds of one CLI run, the peak RSS (MiB) of its largest process, and CPU seconds of all its processes.

    CPU time (user + system) is what to compare on a shared machine: wall time counts other people's work too.
    """
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(ROOT / ".venv" / "bin" / "transparency-stats"),
                           *args], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak, cpu = done.stdout.split()
    return seconds, int(peak) / 1024, float(cpu)


def cpu_per_file(func: Callable[[Path], object], paths: list[Path]) -> float:
    """CPU milliseconds (user + system of this process) of func per path (after one warm-up call)."""
    func(paths[0])
    gc.collect()
    start = time.process_time()
    for path in paths:
        func(path)
    return 1000 * (time.process_time() - start) / len(paths)


def pdf_text_rate(paths: list[Path]) -> list[tuple[str, float]]:
    """Files/s of the plain PDF libraries' text layer over paths (those installed)."""
    rates = []
    try:
        from pypdf import PdfReader

        rates.append(("pypdf text", rate(lambda p: [pg.extract_text() for pg in PdfReader(p).pages], paths)))
    except ImportError:
        pass
    try:
        import pypdfium2 as pdfium

        def pdfium_text(path: Path) -> list[str]:
            document = pdfium.PdfDocument(str(path))
            return [page.get_textpage().get_text_range() for page in document]

        rates.append(("pypdfium2 text", rate(pdfium_text, paths)))
    except ImportError:
        pass
    return rates


def mixed_benchmark(args: argparse.Namespace, root: Path) -> None:
    import pandas as pd

    from transparency_stats.extract import extract_report

    origin, sources = corpus_sources(args.corpus, root / "sources")
    corpus = root / "mixed"
    counts = make_mixed_corpus(sources, args.mixed, corpus)
    size = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 2**20
    load = os.getloadavg()[0]
    print(f"whole `extract` command, mixed corpus of {args.mixed} reports from {origin}")
    print(f"  {counts['.txt']} text, {counts['.html']} HTML, {counts['.pdf']} PDF; {size:.0f} MiB; "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    # the same runs on a corpus of one file: the start-up CPU (imports, worker processes), to leave out of
    # the per-report figure that a corpus of any size pays
    single = root / "single"
    single.mkdir()
    shutil.copyfile(sorted(corpus.rglob("*.txt"))[0], single / "one.txt")
    print(f"{'run':<40}{'seconds':>9}{'reports/s':>11}{'per core':>10}{'peak MiB':>10}{'CPU ms/report':>15}"
          f"{'after start-up':>16}{'reports/s per CPU core':>24}")
    jobs = str(args.jobs)
    for label, extra, cores in (
        ("extract -o figures.csv  (1 process)", ["-o", "{out}/figures.csv"], 1),
        (f"extract -o figures.csv  -j {jobs}", ["-o", "{out}/figures.csv", "-j", jobs], args.jobs),
        (f"extract --dataset DIR   -j {jobs}", ["--dataset", "{out}/ds", "-j", jobs], args.jobs),
        ("  again, unchanged corpus", ["--dataset", "{out}/ds", "-j", jobs], args.jobs),
    ):
        seconds, peak, cpu = run_command(
            ["extract", str(corpus), "-q", *(a.format(out=root / "out") for a in extra)])
        _, _, startup = run_command(
            ["extract", str(single), "-q", *(a.format(out=root / "single-out") for a in extra)])
        per_second = args.mixed / seconds
        after_startup = 1000 * (cpu - startup) / (args.mixed - 1)
        # an unchanged corpus costs about what one file does: no per-report rate to speak of
        per_core_cpu = f"{1000 / after_startup:>24.0f}" if not label.startswith("  again") else f"{'–':>24}"
        print(f"{label:<40}{seconds:>9.1f}{per_second:>11.1f}{per_second / cores:>10.1f}{peak:>10.0f}"
              f"{1000 * cpu / args.mixed:>15.1f}{after_startup:>16.1f}{per_core_cpu}")
    print("  per core: reports/s of the run's wall time over its cores (start-up included; other work on the "
          "machine slows it)")
    print("  reports/s per CPU core: 1000 / CPU ms per report after start-up (what one busy core does in a long run)")

    print()
    print("the same real-size files, one core, side by side with the plain libraries")
    print(f"{'input':<40}{'reports/s':>11}{'ms/report':>11}{'CPU ms':>9}")
    cpu_by_kind: dict[str, float] = {}
    for kind in (".html", ".pdf", ".txt"):
        paths = sorted(corpus.rglob(f"*{kind}"))[: max(5, args.n // (10 if kind == ".pdf" else 2))]
        if not paths:
            continue
        cpu_by_kind[kind] = cpu_per_file(extract_report, paths)
        rows = [(f"extract_report {kind[1:]}", rate(extract_report, paths))]
        if kind == ".html":
            rows.append(("pandas.read_html", rate(lambda p: pd.read_html(p, flavor="lxml"), paths)))
        if kind == ".pdf":
            rows += pdf_text_rate(paths)
        for label, per_second in rows:
            cpu = f"{cpu_by_kind[kind]:>9.1f}" if label.startswith("extract_report") else ""
            print(f"{label:<40}{per_second:>11.1f}{1000 / per_second:>11.1f}{cpu}")
    if len(cpu_by_kind) == len(MIX):
        mixed = sum(MIX[kind] * cpu_by_kind[kind] for kind in MIX)
        print(f"{'extract_report, mixed proportions':<40}{'':>11}{'':>11}{mixed:>9.1f}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mixed", type=int, default=1000, help="reports in the mixed corpus (0: skip)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for -j runs")
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS,
                        help="folder of real reports to copy from (default: ../shared/corpus/reports if present)")
    parser.add_argument("--n", type=int, default=200, help="reports per input kind for throughput")
    parser.add_argument("--big", type=int, default=1000, help="largest batch for the memory test")
    args = parser.parse_args()
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="ts-bench-") as tmp:
        root = Path(tmp)
        if args.mixed:
            mixed_benchmark(args, root)
        print(f"tables only, one core, {args.n} small fixture reports per kind (read + layout + tables)")
        print(f"{'input':<22}{'reports/s':>10}{'ms/report':>11}")
        html_paths: list[Path] = []
        for kind in KINDS:
            n = args.n if kind != "pdf" else max(20, args.n // 4)
            paths = make_copies(kind, n, root / kind.split()[0] / kind.replace(" ", "_"))
            if kind == "html":
                html_paths = paths
            per_second = rate(extract, paths)
            print(f"{kind:<22}{per_second:>10.0f}{1000 / per_second:>11.2f}")

        print()
        print(f"HTML side by side ({len(html_paths)} files)")
        ours = rate(extract, html_paths)
        docs = {p: read_document(p) for p in html_paths}
        tables_only = rate(lambda p: extract_tables(docs[p], detect_layout(docs[p])), html_paths)
        theirs = rate(lambda p: pd.read_html(p, flavor="lxml"), html_paths)
        print(f"{'read + tables':<22}{ours:>10.0f} reports/s  (text and grids normalised, figures)")
        print(f"{'  tables only':<22}{tables_only:>10.0f} reports/s  (layout + extract_tables on a read Document)")
        print(f"{'pandas.read_html':<22}{theirs:>10.0f} reports/s  (DataFrames of raw cells)")
        print(f"{'ratio read + tables':<22}{ours / theirs:>10.2f}x")

        print()
        print("peak Python memory (tracemalloc) over a batch of run-together text reports")
        print(f"{'batch':>7}{'figures':>10}{'streamed MiB':>14}{'all kept MiB':>14}")
        small = max(1, args.big // 10)
        for n in (small, args.big):
            paths = make_copies("text (run-together)", n, root / f"mem{n}")
            streamed, count = peak_memory(paths, keep=False)
            kept, _ = peak_memory(paths, keep=True)
            print(f"{n:>7}{count:>10}{streamed:>14.1f}{kept:>14.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
