"""Many report files at once: listing, hashing, chunks, engines, time limits, progress.

One file is read by :func:`.extract.extract_report`; this module runs it over a
corpus.  Files are hashed, grouped into chunks and handed to an engine:

* ``local``: this process (``jobs=1``) or a pool of worker processes (pebble);
* ``dask``: a Dask distributed cluster (``scheduler`` address, or a LocalCluster).

Every file gets an answer.  A file that runs longer than ``timeout`` seconds
becomes an error row ``timeout after N s``; a worker that dies (killed by the
out-of-memory killer, say) is replaced, its chunk is read again file by file,
and the file that killed it gets an error row.  The others go on.

The module is about 600 lines because the engines share one chunk protocol (what a worker
reads, writes and reports back, and how a lost chunk is read again file by file); split
across modules, each engine would need that protocol's internals.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .dataset import (
    Chunk,
    DatasetRun,
    InputFile,
    chunk_id_for,
    figures_table,
    figures_table_from_frame,
    file_stamp,
    issues_table,
    read_hash_cache,
    report_row,
    write_chunk,
    write_hash_cache,
)
from .extract import extract_report, file_sha256
from .reading import SUPPORTED_SUFFIXES
from .schema import Issue, ReportResult

log = logging.getLogger(__name__)

#: Default per-file time limit (seconds) in batch runs.
DEFAULT_TIMEOUT = 120.0
FIGURE_TABLE_SUFFIXES = (".csv", ".xlsx")
#: Files in a raw folder that describe the data rather than hold it.
NON_DATA_FILES = {"sources.csv", "reference_reports.csv"}  # reference_reports: per-report facts, not figures
ENGINES = ("local", "dask")

R = TypeVar("R")


# --------------------------------------------------------------------------- inputs


def iter_report_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to extract: given files as they are, folders searched recursively.

    Inside folders only report file types (and legacy .doc, to report them) are
    taken; hidden files are skipped.  Symlinked folders are followed once.
    Nothing is skipped silently: an unreadable subfolder, a dangling or looping
    symlink, or a folder reached twice through symlinks is yielded too, so that
    reading it gives the file its error row (see :func:`unreadable_reason`).
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(_walk_folder(path))
        else:
            yield path


def _walk_folder(root: Path) -> Iterator[Path]:
    """Report files under ``root`` plus every entry that cannot be searched or read."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                yield folder  # a symlink loop, or a folder reached twice
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(folder))
        except OSError:
            yield folder  # unreadable folder
            continue
        for entry in entries:
            child = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:  # a symlink loop
                is_dir = is_file = False
            if is_dir:
                stack.append(child)
            elif not is_file and entry.is_symlink():
                yield child  # dangling or looping symlink
            elif is_file and child.suffix.lower() in SUPPORTED_SUFFIXES + (".doc",):
                yield child


def iter_figure_tables(paths: Iterable[str | Path]) -> Iterator[Path]:
    """CSV/XLSX figure tables under ``paths`` (``SOURCES.csv`` and hidden files excepted)."""
    for raw in paths:
        path = Path(raw)
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for child in candidates:
            if (
                child.is_file()
                and child.suffix.lower() in FIGURE_TABLE_SUFFIXES
                and child.name.lower() not in NON_DATA_FILES
                and not child.name.startswith(".")
            ):
                yield child


def hash_file(path: str | Path) -> InputFile:
    """An input with its SHA-256 (an unreadable file gets an empty hash and is read, to report it)."""
    try:
        return InputFile(str(path), file_sha256(path), os.path.getsize(path))
    except OSError:
        return InputFile(str(path), "", 0)


#: Files per hashing task, and the fewest files worth a pool of hashing processes.
HASH_BLOCK = 250
HASH_POOL_MIN = 1000


def _hash_block(paths: list[Path]) -> list[InputFile]:
    return [hash_file(path) for path in paths]


def hash_files(paths: list[Path], processes: int = 1,
               done: Callable[[int], None] | None = None) -> list[InputFile]:
    """:func:`hash_file` of every path, in order; on ``processes`` processes for a large list.

    Hashing reads every byte of the corpus before any file is extracted: with one
    process the other cores wait.  A pool that cannot run (a worker dies) leaves
    the rest to this process.
    """
    files: list[InputFile] = []
    if processes > 1 and len(paths) >= HASH_POOL_MIN:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(processes) as pool:
                for block in pool.map(_hash_block, chunked(paths, HASH_BLOCK)):
                    files += block
                    if done is not None:
                        done(len(block))
        except (BrokenProcessPool, OSError) as exc:
            log.warning("hashing in %d processes failed (%s); hashing here", processes, type(exc).__name__)
    for path in paths[len(files):]:
        files.append(hash_file(path))
        if done is not None:
            done(1)
    return files


#: Modules that run after extraction: a change to them does not make cached figures stale.
DOWNSTREAM_MODULES = {"__main__.py", "cli.py", "build.py", "processed.py", "publish.py", "pages.py",
                      "formatting.py", "entry.py", "plotting.py", "metrics.py", "series.py", "checks.py",
                      "quality.py", "league.py", "api.py"}


@functools.lru_cache(maxsize=1)
def extractor_version() -> str:
    """Hash of the package's extraction code (subpackages included) and data files: a change re-reads every file."""
    from . import __version__

    return package_digest(extraction_sources(), __version__)


def package_sources(skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Package-relative paths of every module (subpackages included) and data file, less the top-level ``skip``."""
    package = Path(__file__).resolve().parent
    modules = [p for p in package.rglob("*.py") if p.parent != package or p.name not in skip]
    return sorted(p.relative_to(package).as_posix() for p in [*modules, *package.rglob("data/*.csv")])


def package_digest(names: list[str], salt: str = "") -> str:
    """Short hash of ``salt`` and the named package files, names included."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(salt.encode())
    for name in names:
        digest.update(name.encode())
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:16]


def extraction_sources() -> list[str]:
    """Package-relative paths of the files figures depend on: every module but the downstream ones, and the data."""
    return package_sources(DOWNSTREAM_MODULES)


def chunked(items: list[R], size: int) -> list[list[R]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def cut(items: list[R], sizes: list[int]) -> list[list[R]]:
    """``items`` cut into consecutive pieces of ``sizes`` (which add up to their number)."""
    pieces, start = [], 0
    for size in sizes:
        pieces.append(items[start:start + size])
        start += size
    return pieces


#: Most files in one task (one chunk: its part files, held in memory until written).
MAX_CHUNK_FILES = 500


def chunk_size_for(count: int, workers: int) -> int:
    """Files per task on one worker: eight tasks (for progress and memory), at most :data:`MAX_CHUNK_FILES`."""
    return max(1, min(MAX_CHUNK_FILES, -(-count // (max(1, workers) * 8))))


def chunk_sizes(count: int, workers: int) -> list[int]:
    """Files of each task, in order, for ``count`` files on ``workers`` workers.

    One worker: tasks of :func:`chunk_size_for` files.  Several: each task takes a quarter of what is
    left per worker (guided self-scheduling), at most :data:`MAX_CHUNK_FILES` and at least as many as
    one worker's eighth of its share (at most 8), so tasks shrink toward the end and the workers finish
    together, whatever the files cost: with equal tasks, one worker could be left alone with the last
    large task of costly files (PDFs, long pages) while the others wait.
    """
    if count <= 0:
        return []
    if workers <= 1:
        size = chunk_size_for(count, 1)
        return [size] * (count // size) + ([count % size] if count % size else [])
    smallest = max(1, min(8, -(-count // (workers * 8))))
    sizes: list[int] = []
    left = count
    while left:
        size = min(left, MAX_CHUNK_FILES, max(smallest, -(-left // (2 * workers))))
        sizes.append(size)
        left -= size
    return sizes


# --------------------------------------------------------------------------- one file, with a time limit


class FileTimeout(BaseException):
    """Raised inside a file's extraction when its time is up (not an Exception: passes through handlers)."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block with :class:`FileTimeout` after ``seconds``.

    In a process's main thread a timer signal does it; in another thread (a Dask worker runs tasks
    in threads) a timer thread raises the exception in the block's thread, which sees it at its next
    Python instruction: Python code is stopped, a long call into C ends first.
    """
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with _thread_time_limit(seconds):
            yield
        return

    def _expire(signum: int, frame: object) -> None:
        raise FileTimeout()

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in thread ``thread_id`` at its next Python instruction (None: withdraw it)."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)


@contextmanager
def _thread_time_limit(seconds: float) -> Iterator[None]:
    """:func:`time_limit` in a thread that is not the main one (see there)."""
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"open": True, "raised": False}

    def expire() -> None:
        with lock:  # never once the block is over: the exception would hit the code after it
            if state["open"]:
                state["raised"] = True
                _set_async_exception(thread_id, FileTimeout)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["open"] = False
            pending = state["raised"]
        if pending:
            # raised while the block was ending: withdraw it if it has not surfaced yet, and say so
            _set_async_exception(thread_id, None)
            raise FileTimeout()


def failed_result(file: InputFile, kind: str, message: str) -> ReportResult:
    """A report result that is one error row for ``file``."""
    report_id = file.sha256[:16]
    result = ReportResult(source_file=file.path, report_id=report_id)
    result.issues.append(Issue(file.path, "error", kind, message, report_id=report_id))
    return result


def extract_one(file: InputFile, timeout: float | None) -> ReportResult:
    """:func:`extract_report` of one input, an error row ``timeout after N s`` when it runs too long."""
    try:
        with time_limit(timeout):
            return extract_report(file.path, file.sha256 or None)
    except FileTimeout:
        return failed_result(file, "timeout", f"timeout after {timeout:g} s")


def _figure_table_result(file: InputFile) -> tuple[ReportResult, object]:
    """A figure table read as it is: (result carrying its issues, its figures as a DataFrame or None)."""
    from .validate import read_figure_table

    result = ReportResult(source_file=file.path)
    try:
        frame, issues = read_figure_table(file.path)
        result.issues.extend(issues)
    except Exception as exc:  # a broken table is an error row, never a stopped batch
        message = str(exc) if isinstance(exc, (ValueError, OSError)) else f"{type(exc).__name__}: {exc}"
        result.issues.append(Issue(file.path, "error", "figure_table", message))
        return result, None
    return result, frame


# --------------------------------------------------------------------------- chunk work (runs in workers)


@dataclass
class ChunkSummary:
    """What a worker reports back for a chunk written to a dataset (small: no figures)."""

    chunk: Chunk
    reports: int = 0
    figures: int = 0
    warnings: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


def extract_chunk(files: list[InputFile], timeout: float | None) -> list[ReportResult]:
    """Results of a chunk of report files (returned to the caller)."""
    return [extract_one(f, timeout) for f in files]


def _summarise(chunk: Chunk, results: list[ReportResult]) -> ChunkSummary:
    summary = ChunkSummary(chunk, reports=len(results))
    for result in results:
        summary.figures += len(result.figures)
        summary.warnings += sum(i.severity != "error" for i in result.issues)
        errors = [i.message for i in result.issues if i.severity == "error"]
        if errors:
            summary.failures.append((result.source_file, "; ".join(errors)))
    return summary


def write_results(
    folder: Path, extractor: str, files: list[InputFile], results: list[ReportResult],
    tables: dict[str, object] | None = None,
) -> ChunkSummary:
    """Write the results of ``files`` as one sealed chunk (``tables``: figure-table frames by path)."""
    import pyarrow as pa

    tables = tables or {}
    rows = [report_row(file, result, extractor) for file, result in zip(files, results, strict=True)]
    figures = figures_table(results)
    extra = []
    for row, file in zip(rows, files, strict=True):
        if file.kind == "figure_table":
            frame = tables.get(file.path)
            row["input_kind"] = "figure_table"
            row["figures"] = 0 if frame is None else len(frame)
            if frame is not None:
                extra.append(figures_table_from_frame(frame))
    if extra:
        figures = pa.concat_tables([figures, *extra])
    chunk = write_chunk(folder, chunk_id_for(files, extractor), extractor, files, figures, rows,
                        issues_table(results))
    summary = _summarise(chunk, results)
    summary.figures = figures.num_rows
    return summary


def extract_chunk_to(folder: str, extractor: str, files: list[InputFile], timeout: float | None) -> ChunkSummary:
    """Extract a chunk and write it to the dataset ``folder`` from the worker itself."""
    results = []
    tables: dict[str, object] = {}
    for file in files:
        if file.kind == "figure_table":
            result, frame = _figure_table_result(file)
            tables[file.path] = frame
        else:
            result = extract_one(file, timeout)
        results.append(result)
    return write_results(Path(folder), extractor, files, results, tables)


# --------------------------------------------------------------------------- engines


class Progress:
    """A bar with rate and ETA on a terminal; otherwise a line every ``every`` seconds on stderr."""

    def __init__(self, total: int, desc: str, *, enabled: bool = True, every: float = 5.0):
        self.total, self.desc, self.every = total, desc, every
        self.done = self.errors = 0
        self.start = self._last = time.monotonic()
        self.enabled = enabled and total > 0
        self._bar = None
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit="file", leave=False, dynamic_ncols=True)

    def update(self, files: int, errors: int = 0) -> None:
        self.done += files
        self.errors += errors
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(files)
            self._bar.set_postfix(errors=self.errors, refresh=False)
            return
        now = time.monotonic()
        if now - self._last >= self.every or self.done == self.total:
            self._last = now
            print(self.line(now), file=sys.stderr, flush=True)

    def line(self, now: float | None = None) -> str:
        elapsed = max(1e-9, (now or time.monotonic()) - self.start)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else float("nan")
        eta = f"{int(left // 60)}m{int(left % 60):02d}s" if left == left else "?"
        return (f"{self.desc}: {self.done}/{self.total} files ({100 * self.done / self.total:.0f} %), "
                f"{rate:.1f} files/s, {self.errors} errors, ETA {eta}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _lost_reason(exc: BaseException, timeout: float | None) -> tuple[str, str]:
    """(kind, message) of the error row for a file whose worker failed with ``exc``."""
    from concurrent.futures import TimeoutError as FutureTimeout

    name = type(exc).__name__
    if isinstance(exc, (FutureTimeout, TimeoutError)):
        return "timeout", f"timeout after {timeout:g} s"
    if name in ("ProcessExpired", "BrokenProcessPool", "KilledWorker"):
        code = getattr(exc, "exitcode", None)
        how = f" (killed by signal {-code})" if isinstance(code, int) and code < 0 else ""
        return "worker_died", f"the worker process died while reading this file{how}; out of memory?"
    return "internal", f"{name}: {exc}"


def run_chunks(
    work: Callable[[list[InputFile]], R],
    lost: Callable[[InputFile, str, str], R],
    chunks: list[list[InputFile]],
    *,
    engine: str = "local",
    jobs: int = 1,
    scheduler: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    client: object | None = None,
) -> Iterator[tuple[list[InputFile], R]]:
    """Run ``work`` on every chunk, yielding (chunk, result) as chunks finish.

    A chunk whose worker fails (dies, or runs past its time) is run again one
    file per task; a single file that fails that way gives ``lost(file, kind, message)``.
    """
    if not chunks:
        return
    if engine == "dask":
        yield from _run_dask(work, lost, chunks, jobs=jobs, scheduler=scheduler, timeout=timeout, client=client)
    elif engine != "local":
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    elif jobs <= 1:
        for chunk in chunks:
            yield chunk, work(chunk)
    else:
        yield from _run_pool(work, lost, chunks, jobs=jobs, timeout=timeout)


def _chunk_deadline(chunk: list[InputFile], timeout: float | None) -> float | None:
    """Hard limit for a whole chunk: one file's limit plus a generous allowance per file.

    Within it each file has its own (soft) limit; the hard one ends a worker stuck
    where no signal reaches it.
    """
    if not timeout:
        return None
    return timeout + min(10.0, timeout) * len(chunk)


def _run_pool(work, lost, chunks, *, jobs: int, timeout: float | None):
    from pebble import ProcessPool

    with ProcessPool(max_workers=jobs) as pool:
        pending = {pool.schedule(work, args=(chunk,), timeout=_chunk_deadline(chunk, timeout)): chunk
                   for chunk in chunks}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = pending.pop(future)
                    try:
                        yield chunk, future.result()
                    except Exception as exc:
                        if len(chunk) > 1:
                            log.warning("a worker failed on a chunk of %d files (%s); reading them one by one",
                                        len(chunk), type(exc).__name__)
                            for file in chunk:
                                single = [file]
                                pending[pool.schedule(work, args=(single,),
                                                      timeout=_chunk_deadline(single, timeout))] = single
                        else:
                            yield chunk, lost(chunk[0], *_lost_reason(exc, timeout))
        finally:
            for future in pending:
                future.cancel()
            pool.stop()
            pool.join()


def dask_client(scheduler: str | None = None, jobs: int = 2, processes: bool = True):
    """A Dask client: to ``scheduler`` when given, else to a new LocalCluster of ``jobs`` workers."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=processes,
                           dashboard_address=None, silence_logs=logging.WARNING)
    return Client(cluster)


@contextmanager
def dask_session(scheduler: str | None, jobs: int, client: object | None = None) -> Iterator[object]:
    """``client`` as it is, or a new one from :func:`dask_client` that is closed (with its cluster) after."""
    if client is not None:
        yield client
        return
    own = dask_client(scheduler, jobs)
    try:
        yield own
    finally:
        cluster = getattr(own, "cluster", None)
        own.close()
        if cluster is not None:
            cluster.close()


def _run_dask(work, lost, chunks, *, jobs: int, scheduler: str | None, timeout: float | None, client=None):
    from distributed import as_completed

    with dask_session(scheduler, jobs, client) as client:
        futures = {client.submit(work, chunk, pure=False): chunk for chunk in chunks}
        queue = as_completed(list(futures))
        for future in queue:
            chunk = futures.pop(future)
            try:
                yield chunk, future.result()
            except Exception as exc:
                if len(chunk) > 1:
                    for file in chunk:
                        retry = client.submit(work, [file], pure=False)
                        futures[retry] = [file]
                        queue.add(retry)
                else:
                    yield chunk, lost(chunk[0], *_lost_reason(exc, timeout))


# --------------------------------------------------------------------------- the two batch forms


def _lost_results(file: InputFile, kind: str, message: str) -> list[ReportResult]:
    return [failed_result(file, kind, message)]


def extract_paths(
    paths: Iterable[str | Path],
    *,
    progress: bool = True,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Iterator[ReportResult]:
    """Extract every report under ``paths``, one result at a time, in input order.

    Results come back to this process (for the CSV writer and :func:`.store.load`);
    memory stays flat because chunks are yielded as soon as the ones before them are done.
    """
    files = [InputFile(str(p), "", 0) for p in iter_report_files(paths)]
    if jobs > 1 and len(files) == 1 and engine == "local":
        from .ocr import page_workers_set

        with page_workers_set(jobs):  # one file: its scanned pages use the workers
            yield extract_one(files[0], timeout)
        return
    chunks = cut(files, chunk_sizes(len(files), jobs if engine == "local" else max(2, jobs)))
    order = {id(c): i for i, c in enumerate(chunks)}
    bar = Progress(len(files), "extracting", enabled=progress)
    waiting: dict[int, list[ReportResult]] = {}
    following = 0
    singles: dict[str, list[ReportResult]] = {}
    work = functools.partial(extract_chunk, timeout=timeout)
    try:
        for chunk, results in run_chunks(work, _lost_results, chunks, engine=engine, jobs=jobs,
                                         scheduler=scheduler, timeout=timeout):
            bar.update(len(chunk), sum(r.failed for r in results))
            if id(chunk) in order:
                waiting[order[id(chunk)]] = results
            else:  # a chunk read again file by file: gather its files back in order
                singles[chunk[0].path] = results
                owner = next(i for i, c in enumerate(chunks) if any(f.path == chunk[0].path for f in c))
                if all(f.path in singles for f in chunks[owner]):
                    waiting[owner] = [r for f in chunks[owner] for r in singles.pop(f.path)]
            while following in waiting:
                yield from waiting.pop(following)
                following += 1
    finally:
        bar.close()


@dataclass
class DatasetSummary:
    """Counts of a dataset run (this run's new work and what was taken up from before)."""

    files: int = 0
    reused: int = 0
    read: int = 0
    reports: int = 0
    figures: int = 0
    warnings: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    seconds: float = 0.0


def extract_to_dataset(
    paths: Iterable[str | Path],
    folder: str | Path,
    *,
    figure_tables: bool = False,
    progress: bool = True,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    client: object | None = None,
    on_failure: Callable[[str, str], None] | None = None,
    before_publish: Callable[[DatasetRun], dict | None] | None = None,
    rehash: bool = False,
) -> DatasetSummary:
    """Extract every report under ``paths`` into the Parquet dataset ``folder``, incrementally.

    Files are hashed (a file whose size, times and inode are those it had when the
    last run hashed it keeps that hash unless ``rehash``); a file whose (path, content) was sealed by an earlier run
    with the same extractor is not read again, changed and new files are read,
    removed files drop out.  Workers write their own part files; the manifest is
    published last.  ``figure_tables`` also takes CSV/XLSX figure tables in.
    ``before_publish(run)`` may add derived files (``build``) and manifest entries.
    """
    started = time.monotonic()
    paths = list(paths)
    listed = [(p, "report") for p in iter_report_files(paths)]
    if figure_tables:
        listed += [(p, "figure_table") for p in iter_figure_tables(paths)]
    extractor = extractor_version()
    summary = DatasetSummary(files=len(listed))
    hashing_started = time.time_ns()
    stamps = [file_stamp(path) for path, _ in listed]
    known = {} if rehash else read_hash_cache(folder)
    cached: list[str | None] = []
    for (path, _), stamp in zip(listed, stamps, strict=True):
        entry = known.get(str(path))
        cached.append(entry[1] if stamp is not None and entry is not None and entry[0] == stamp else None)
    unhashed = [path for (path, _), sha in zip(listed, cached, strict=True) if sha is None]
    hashing = Progress(len(unhashed), "hashing", enabled=progress and len(unhashed) > 2000)
    # (processes forked here only for the local engine: a Dask client's threads are better not forked)
    hashers = min(max(1, jobs), cpu_count()) if engine == "local" and client is None else 1
    try:
        hashed = iter(hash_files(unhashed, hashers, hashing.update))
    finally:
        hashing.close()
    files = []
    for (path, kind), stamp, sha in zip(listed, stamps, cached, strict=True):
        file = next(hashed) if sha is None else InputFile(str(path), sha, stamp[0])  # stamp[0]: size
        files.append(InputFile(file.path, file.sha256, file.size, kind))
    with DatasetRun(folder, extractor) as run:
        keep, todo, trim = run.reuse(files)
        for chunk in keep:
            run.add(chunk)
        for chunk in trim:
            run.add(run.trim(chunk, files))
        summary.reused = len(files) - len(todo)
        summary.read = len(todo)
        workers = jobs if engine == "local" else max(2, jobs)
        reports = [f for f in todo if f.kind == "report"]
        tables = [f for f in todo if f.kind == "figure_table"]
        chunks = cut(reports, chunk_sizes(len(reports), workers)) + [[t] for t in tables]
        work = functools.partial(extract_chunk_to, str(Path(folder).resolve()), extractor, timeout=timeout)

        def lost(file: InputFile, kind: str, message: str) -> ChunkSummary:
            return write_results(Path(folder), extractor, [file], [failed_result(file, kind, message)])

        bar = Progress(len(todo), "extracting", enabled=progress)
        try:
            for chunk, result in run_chunks(work, lost, chunks, engine=engine, jobs=jobs,
                                            scheduler=scheduler, timeout=timeout, client=client):
                run.add(result.chunk)
                summary.figures += result.figures
                summary.warnings += result.warnings
                summary.failures += result.failures
                bar.update(len(chunk), len(result.failures))
                if on_failure is not None:
                    for source, reason in result.failures:
                        on_failure(source, reason)
        finally:
            bar.close()
        extra = dict(before_publish(run) or {}) if before_publish is not None else {}
        derived = extra.pop("derived_parts", None)
        summary.manifest = run.publish(extra=extra, derived=derived)
        try:
            write_hash_cache(folder, {f.path: (stamp, f.sha256) for f, stamp in zip(files, stamps, strict=True)
                                      if stamp is not None}, hashing_started)
        except OSError as exc:  # the dataset is published; without the cache the next run hashes everything
            log.warning("%s: the file hash cache was not written (%s)", folder, exc)
    summary.reports = summary.manifest["counts"]["reports"]
    summary.seconds = time.monotonic() - started
    return summary


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
