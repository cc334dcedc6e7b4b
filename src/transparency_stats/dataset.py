"""A run's outputs as one Parquet dataset folder, published together.

Layout of a dataset folder (``extract --dataset DIR`` or ``data/processed``)::

    figures/report_year=2019/format_version=gov2019/<chunk>.parquet   the tidy figures
    reports/<chunk>.parquet        one row per report: id, file, hash, organ, year, layout,
                                   status, counts and every key of ReportResult.facts
    issues/<chunk>.parquet         errors and warnings (column ``severity``)
    chunks/<chunk>.json            a chunk's seal: its inputs (path, sha256) and part files,
                                   written by the worker after its parts
    derived/<run>/…                checks and metrics of ``build``
    manifest.json                  written last by a run: the chunks (and derived files) it is made of
    file_hashes.parquet            each input's hash with its size, times and inode when hashed, so
                                   that an unchanged file is not read again to hash it (rebuilt by
                                   every run; deleting it, or ``--rehash``, only costs a re-read)
    .lock                          held (flock) while a run writes

Workers write their own part files (each through a temporary name and a rename),
then the chunk's seal.  A run publishes by replacing ``manifest.json`` in one
step; readers see only what the manifest names, so a killed run leaves the last
published dataset intact, and the chunks it sealed are taken up by the next run
(their inputs are not read again).  Part files, seals and temporaries that no
manifest or seal names are deleted when the next run starts.

The module is a little over 500 lines: the writer, the reader and the run's seal, lock and
manifest are one format and change together.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import operator
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .schema import FIGURE_COLUMNS, FIGURE_DTYPES, ISSUE_COLUMNS, ReportResult, coerce_figures, empty_figures

MANIFEST = "manifest.json"
LOCK = ".lock"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
TABLES = ("figures", "reports", "issues")

_ARROW_TYPES = {"string": pa.string(), "Int64": pa.int64(), "Float64": pa.float64(), "boolean": pa.bool_()}
FIGURE_SCHEMA = pa.schema([(c, _ARROW_TYPES[FIGURE_DTYPES[c]]) for c in FIGURE_COLUMNS])
ISSUE_SCHEMA = pa.schema([(c, pa.string()) for c in ISSUE_COLUMNS])
#: Columns of the reports table before the per-report facts.
REPORT_COLUMNS = {
    "report_id": pa.string(),
    "source_file": pa.string(),
    "sha256": pa.string(),
    "size": pa.int64(),
    "input_kind": pa.string(),  # report | figure_table
    "agency": pa.string(),
    "report_year": pa.int64(),
    "format_version": pa.string(),
    "status": pa.string(),  # ok | failed
    "figures": pa.int64(),
    "errors": pa.int64(),
    "warnings": pa.int64(),
    "extractor": pa.string(),
}
_PANDAS_TYPES = {
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


class FolderBusy(RuntimeError):
    """Another run holds the folder's lock."""


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself (no file is created); refuse when another run holds it.

    The lock goes with the process: a killed run never leaves a stale one.
    """
    folder = Path(folder)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FolderBusy(
                f"{folder}: another transparency-stats run is writing here; "
                "wait for it to finish or choose another output folder"
            ) from None
        yield
    finally:
        os.close(descriptor)


def remove_stale_temporaries(folder: str | Path, names: Iterable[str]) -> None:
    """Delete temporaries (``.NAME.*.tmp``) a killed run left beside the outputs ``names``."""
    folder = Path(folder)
    for name in names:
        for path in folder.glob(f".{name}.*.tmp"):
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class InputFile:
    """One input of a run: a report file or a figure table, with its content hash."""

    path: str
    sha256: str
    size: int
    kind: str = "report"  # report | figure_table

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.sha256)


@dataclass
class Chunk:
    """What a sealed chunk holds: its inputs and part files (relative to the dataset folder)."""

    chunk_id: str
    extractor: str
    inputs: list[list[str]]  # [path, sha256]
    parts: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    #: the reports its figures belong to (report_id, else source_file; sorted), None when not recorded
    report_keys: list[str] | None = None

    def to_json(self) -> dict:
        data = {"chunk": self.chunk_id, "extractor": self.extractor, "inputs": self.inputs,
                "parts": self.parts, "counts": self.counts}
        if self.report_keys is not None:
            data["report_keys"] = self.report_keys
        return data

    @classmethod
    def from_json(cls, data: dict) -> Chunk:
        return cls(data["chunk"], data["extractor"], data["inputs"], data["parts"], data.get("counts", {}),
                   data.get("report_keys"))


def figure_report_keys(table: pa.Table) -> pa.ChunkedArray:
    """Each figure row's report: its report_id, else its source_file ("" when neither)."""
    return pc.coalesce(table.column("report_id"), table.column("source_file")).fill_null("")


def chunk_id_for(files: Iterable[InputFile], extractor: str) -> str:
    """Content-addressed chunk id: the same inputs and extractor give the same id on any engine."""
    digest = hashlib.sha256(extractor.encode())
    for f in files:
        digest.update(f"{f.path}\0{f.sha256}\n".encode())
    return digest.hexdigest()[:20]


# --------------------------------------------------------------------------- hash cache

HASH_CACHE = "file_hashes.parquet"
#: A file changed this close (ns) before it was hashed could change again within one clock tick of
#: its file system unseen by its times: its hash is not cached (hashed again next run).
RACY_NS = 2_000_000_000
_STAMP_FIELDS = ("size", "mtime_ns", "ctime_ns", "inode", "device")


def file_stamp(path: str | Path) -> tuple[int, int, int, int, int] | None:
    """(size, mtime_ns, ctime_ns, inode, device) of a file, or None when it cannot be stat'ed.

    Any write to a file changes its ctime, which no tool can set back; with the
    inode and device this names one unchanged file, as git's index does.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def read_hash_cache(folder: str | Path) -> dict[str, tuple[tuple[int, ...], str]]:
    """path → (stamp, sha256) of the last run's inputs; empty when there is none or it is unreadable."""
    path = Path(folder) / HASH_CACHE
    if not path.is_file():
        return {}
    try:
        table = pq.read_table(path, columns=["path", "sha256", *_STAMP_FIELDS])
    except (OSError, ValueError, pa.ArrowException):
        return {}  # a damaged cache only means hashing again
    columns = [table.column(name).to_pylist() for name in ("path", "sha256", *_STAMP_FIELDS)]
    return {row[0]: (tuple(row[2:]), row[1]) for row in zip(*columns, strict=True)}


def write_hash_cache(folder: str | Path, entries: dict[str, tuple[tuple[int, ...], str]], started_ns: int) -> None:
    """Keep ``entries`` (path → (stamp, sha256)) for the next run, less files changed shortly before
    ``started_ns`` (when hashing began: see :data:`RACY_NS`)."""
    kept = {path: (stamp, sha) for path, (stamp, sha) in entries.items()
            if sha and max(stamp[1], stamp[2]) < started_ns - RACY_NS}
    columns = {"path": pa.array(list(kept), pa.string()),
               "sha256": pa.array([sha for _, sha in kept.values()], pa.string())}
    for i, name in enumerate(_STAMP_FIELDS):  # inode and device numbers are unsigned 64-bit
        columns[name] = pa.array([stamp[i] for stamp, _ in kept.values()], pa.int64() if i < 3 else pa.uint64())
    write_table_atomic(Path(folder) / HASH_CACHE, pa.table(columns))


# --------------------------------------------------------------------------- writing


def _write_atomic_bytes(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json_atomic(target: Path, data: dict) -> None:
    """JSON that appears at ``target`` only when complete."""
    _write_atomic_bytes(target, lambda p: p.write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                                       encoding="utf-8"))


def write_table_atomic(target: Path, table: pa.Table) -> None:
    """One Parquet file that appears at ``target`` only when complete."""
    _write_atomic_bytes(target, lambda p: pq.write_table(table, p, compression="zstd"))


def figures_table(results: Iterable[ReportResult]) -> pa.Table:
    """Figures of reports as an Arrow table (contract columns and types), without a DataFrame."""
    figures = [figure for result in results for figure in result.figures]
    columns: dict[str, list] = {c: list(map(operator.attrgetter(c), figures)) for c in FIGURE_COLUMNS}
    for column in ("agency", "report_year", "value", "confidence"):
        columns[column] = [None if v is None or v != v else v for v in columns[column]]
    columns["report_year"] = [None if v is None else int(v) for v in columns["report_year"]]
    columns["value"] = [None if v is None else float(v) for v in columns["value"]]
    return pa.table(columns, schema=FIGURE_SCHEMA)


def figures_table_from_frame(frame: pd.DataFrame) -> pa.Table:
    """A tidy DataFrame (a figure table) as an Arrow table with the contract's columns."""
    frame = coerce_figures(frame)[FIGURE_COLUMNS]
    return pa.Table.from_pandas(frame, schema=FIGURE_SCHEMA, preserve_index=False)


def issues_table(results: Iterable[ReportResult]) -> pa.Table:
    columns: dict[str, list] = {c: [] for c in ISSUE_COLUMNS}
    for result in results:
        for issue in result.issues:
            for column, values in columns.items():
                values.append(getattr(issue, column))
    return pa.table(columns, schema=ISSUE_SCHEMA)


def _fact_value(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def reports_table(rows: list[dict]) -> pa.Table:
    """The reports table: :data:`REPORT_COLUMNS` then every per-report fact, one row per report."""
    facts = sorted({k for row in rows for k in row.get("facts", {})} - set(REPORT_COLUMNS))
    columns = {c: [row.get(c) for row in rows] for c in REPORT_COLUMNS}
    fields = list(REPORT_COLUMNS.items())
    for name in facts:
        values = [_fact_value(row.get("facts", {}).get(name)) for row in rows]
        try:
            array = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            array = pa.array([None if v is None else str(v) for v in values], pa.string())
        if pa.types.is_null(array.type):
            array = array.cast(pa.string())
        columns[name] = array
        fields.append((name, array.type))
    return pa.table(columns, schema=pa.schema(fields))


def report_row(file: InputFile, result: ReportResult, extractor: str) -> dict:
    """The reports-table row of one extracted report."""
    return {
        "report_id": result.report_id or None,
        "source_file": file.path,
        "sha256": file.sha256,
        "size": file.size,
        "input_kind": "report",
        "agency": result.agency,
        "report_year": result.report_year,
        "format_version": result.format_version or None,
        "status": "failed" if result.failed else "ok",
        "figures": len(result.figures),
        "errors": sum(i.severity == "error" for i in result.issues),
        "warnings": sum(i.severity != "error" for i in result.issues),
        "extractor": extractor,
        "facts": dict(result.facts),
    }


def _partitions(figures: pa.Table) -> list[tuple[tuple[str, str], pa.Array]]:
    """((year, layout) folder values, row indices in order) of each partition of ``figures``, sorted.

    Computed on the Arrow columns (a loop over the rows cost more than writing them).
    """
    years = pc.cast(figures.column("report_year"), pa.string()).fill_null(NULL_PARTITION)
    layouts = figures.column("format_version").fill_null(NULL_PARTITION)
    encoded = pc.binary_join_element_wise(years, layouts, "\0").combine_chunks().dictionary_encode()
    codes = encoded.indices.to_numpy()
    keys = [tuple(key.split("\0")) for key in encoded.dictionary.to_pylist()]
    return [((year, layout), pa.array(np.flatnonzero(codes == code), pa.int64()))
            for code, (year, layout) in sorted(enumerate(keys), key=lambda item: item[1])]


def write_chunk(
    folder: Path, chunk_id: str, extractor: str, inputs: list[InputFile],
    figures: pa.Table, reports: list[dict], issues: pa.Table,
) -> Chunk:
    """Write one chunk's part files (figures split by year and layout), then its seal."""
    parts: list[str] = []
    if figures.num_rows:
        for (year, layout), rows in _partitions(figures):
            relative = f"figures/report_year={year}/format_version={layout}/{chunk_id}.parquet"
            write_table_atomic(folder / relative, figures.take(rows))
            parts.append(relative)
    if reports:
        relative = f"reports/{chunk_id}.parquet"
        write_table_atomic(folder / relative, reports_table(reports))
        parts.append(relative)
    if issues.num_rows:
        relative = f"issues/{chunk_id}.parquet"
        write_table_atomic(folder / relative, issues)
        parts.append(relative)
    keys = sorted(pc.unique(figure_report_keys(figures)).to_pylist()) if figures.num_rows else []
    chunk = Chunk(
        chunk_id, extractor, [[f.path, f.sha256] for f in inputs], parts,
        {"reports": len(reports), "figures": figures.num_rows, "issues": issues.num_rows}, keys,
    )
    write_json_atomic(folder / "chunks" / f"{chunk_id}.json", chunk.to_json())
    return chunk


# --------------------------------------------------------------------------- a run


def read_manifest(folder: str | Path) -> dict | None:
    """The published manifest of a dataset folder, or None."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _read_seals(folder: Path) -> dict[str, Chunk]:
    seals: dict[str, Chunk] = {}
    for path in sorted((folder / "chunks").glob("*.json")):
        try:
            chunk = Chunk.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, OSError):
            continue  # a damaged seal is garbage: its inputs are read again
        if all((folder / p).exists() for p in chunk.parts):
            seals[chunk.chunk_id] = chunk
    return seals


def published_chunks(folder: str | Path) -> list[Chunk] | None:
    """The sealed chunks of a dataset folder's published run, in order; None without a manifest."""
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    seals = _read_seals(Path(folder))
    missing = [c for c in manifest.get("chunks", []) if c not in seals]
    if missing:
        raise FileNotFoundError(f"{folder}: published chunk {missing[0]} has no seal or lost a part file")
    return [seals[c] for c in sorted(manifest.get("chunks", []))]


def published_rows(folder: str | Path, order: list[str]) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(figure rows, issue rows) of a published dataset, a group of chunks at a time, as tuples in the
    order of :data:`FIGURE_COLUMNS` and :data:`ISSUE_COLUMNS`.

    ``order`` lists the input paths; rows come in that order, a report's rows as they were read (they
    share one part file).  Chunks whose inputs interleave in ``order`` (a file read again by a later run
    into a chunk of its own) are read together; a run's fresh chunks hold consecutive inputs and are
    read one at a time.  Inputs not in ``order`` come last.
    """
    folder = Path(folder)
    chunks = published_chunks(folder) or []
    place = {path: k for k, path in enumerate(order)}
    paths = pa.array(order, pa.string())
    spans = []  # (first place, last place, chunk)
    for chunk in chunks:
        places = [place.get(path, len(order)) for path, _ in chunk.inputs] or [len(order)]
        spans.append((min(places), max(places), chunk))
    spans.sort(key=lambda span: span[0])
    groups: list[list[Chunk]] = []
    reach = -1
    for low, high, chunk in spans:
        if groups and low <= reach:
            groups[-1].append(chunk)
        else:
            groups.append([chunk])
        reach = max(reach, high)
    for group in groups:
        rows = []
        for name, schema in (("figures", FIGURE_SCHEMA), ("issues", ISSUE_SCHEMA)):
            files = [folder / p for chunk in group for p in chunk.parts if p.startswith(f"{name}/")]
            if not files:
                rows.append([])
                continue
            table = pa.concat_tables([ds.dataset([str(f)], schema=schema, format="parquet").to_table()
                                      for f in files])
            position = pc.index_in(table.column("source_file"), value_set=paths).fill_null(len(order))
            table = table.take(pc.sort_indices(position))  # a stable sort: each report's rows keep their order
            rows.append(list(zip(*(column.to_pylist() for column in table.columns), strict=True)))
        yield rows[0], rows[1]


class DatasetRun:
    """One run writing a dataset folder: lock, clean, reuse sealed chunks, publish a manifest.

    Use as a context manager; :meth:`publish` writes the manifest (the run's
    only visible step).  Leaving without publishing keeps the previous manifest
    and the chunks sealed so far, for the next run to take up.
    """

    def __init__(self, folder: str | Path, extractor: str):
        self.folder = Path(folder)
        self.extractor = extractor
        # Microseconds too: two runs of one process can start within the same second.
        self.run_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.time_ns() // 1000 % 1_000_000:06d}"
        self.chunks: dict[str, Chunk] = {}
        self._lock_handle = None

    def __enter__(self) -> DatasetRun:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.folder / LOCK, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise FolderBusy(
                f"{self.folder}: another transparency-stats run is writing here ({holder}); "
                "wait for it to finish or choose another output folder"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        self._lock_handle = handle
        self._clean_temporaries()
        self.available = _read_seals(self.folder)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._lock_handle is not None:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            self._lock_handle.close()
            self._lock_handle = None

    def _clean_temporaries(self) -> None:
        for path in self.folder.rglob("*.tmp"):
            if path.is_file():
                path.unlink(missing_ok=True)

    def reuse(self, files: list[InputFile]) -> tuple[list[Chunk], list[InputFile], list[Chunk]]:
        """Split the inputs into sealed chunks to keep, inputs to read, and chunks to trim.

        A sealed chunk (published or left by an interrupted run) is kept when all
        its inputs are still inputs with the same content and the extractor is the
        same; a chunk some of whose inputs changed or went away is trimmed to the rest.
        """
        wanted = {f.key: f for f in files}
        covered: set[tuple[str, str]] = set()
        keep: list[Chunk] = []
        trim: list[Chunk] = []
        published = set((read_manifest(self.folder) or {}).get("chunks", []))
        ordered = sorted(self.available.values(), key=lambda c: (c.chunk_id not in published, c.chunk_id))
        for chunk in ordered:
            if chunk.extractor != self.extractor:
                continue
            keys = [tuple(i) for i in chunk.inputs]
            if any(k in covered for k in keys):
                continue
            if all(k in wanted for k in keys):
                keep.append(chunk)
                covered.update(keys)
            elif any(k in wanted for k in keys):
                trim.append(chunk)
                covered.update(k for k in keys if k in wanted)
        todo = [f for f in files if f.key not in covered]
        return keep, todo, trim

    def trim(self, chunk: Chunk, files: list[InputFile]) -> Chunk:
        """A new chunk with only the rows of ``chunk`` that belong to ``files`` (still inputs)."""
        wanted = {f.key for f in files}
        kept = [f for f in files if f.key in {tuple(i) for i in chunk.inputs}]
        sources = pa.array(sorted({f.path for f in kept}), pa.string())
        tables: dict[str, list[pa.Table]] = {t: [] for t in TABLES}
        for part in chunk.parts:
            table = pq.read_table(self.folder / part)
            table = table.filter(pc.is_in(table.column("source_file"), value_set=sources))
            tables[part.split("/", 1)[0]].append(table)
        figures = pa.concat_tables(tables["figures"]) if tables["figures"] else figures_table([])
        issues = pa.concat_tables(tables["issues"]) if tables["issues"] else issues_table([])
        reports = []
        for table in tables["reports"]:
            for row in table.to_pylist():
                if (row["source_file"], row["sha256"]) in wanted:
                    facts = {k: v for k, v in row.items() if k not in REPORT_COLUMNS}
                    reports.append({**{k: row.get(k) for k in REPORT_COLUMNS}, "facts": facts})
        new_id = chunk_id_for(kept, self.extractor)
        return write_chunk(self.folder, new_id, self.extractor, kept, figures, reports, issues)

    def add(self, chunk: Chunk) -> None:
        self.chunks[chunk.chunk_id] = chunk

    def publish(self, extra: dict | None = None, derived: list[str] | None = None) -> dict:
        """Write the manifest naming this run's chunks (one rename), then delete what nothing names."""
        from . import __version__

        parts = sorted(p for c in self.chunks.values() for p in c.parts)
        manifest = {
            "format": 1,
            "run": self.run_id,
            "package_version": __version__,
            "extractor": self.extractor,
            "published": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "chunks": sorted(self.chunks),
            "parts": parts,
            "derived": sorted(derived or []),
            "counts": {k: sum(c.counts.get(k, 0) for c in self.chunks.values())
                       for k in ("reports", "figures", "issues")},
            **(extra or {}),
        }
        write_json_atomic(self.folder / MANIFEST, manifest)
        self._collect_garbage(set(parts) | set(manifest["derived"]), set(self.chunks))
        return manifest

    def _collect_garbage(self, parts: set[str], chunks: set[str]) -> None:
        for table in (*TABLES, "derived"):
            base = self.folder / table
            if not base.exists():
                continue
            for path in base.rglob("*.parquet"):
                if path.relative_to(self.folder).as_posix() not in parts:
                    path.unlink(missing_ok=True)
            for directory in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
                if not any(directory.iterdir()):
                    directory.rmdir()
        for seal in (self.folder / "chunks").glob("*.json"):
            if seal.stem not in chunks:
                seal.unlink(missing_ok=True)


# --------------------------------------------------------------------------- reading


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_PANDAS_TYPES.get)


def part_files(folder: str | Path, table: str) -> list[Path]:
    """The published part files of one table (``figures``, ``reports``, ``issues``)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        return []
    return [folder / p for p in manifest["parts"] if p.split("/", 1)[0] == table]


def _partition_of(path: Path, key: str) -> str | None:
    for part in path.parts:
        if part.startswith(f"{key}="):
            value = part.split("=", 1)[1]
            return None if value == NULL_PARTITION else value
    return None


def figures_dataset(
    folder: str | Path, *, years: Iterable[int] | None = None, layouts: Iterable[str] | None = None
) -> ds.Dataset:
    """The published figures as a pyarrow dataset, files pruned by year and layout."""
    files = part_files(folder, "figures")
    if years is not None:
        wanted_years = {str(int(y)) for y in years}
        files = [f for f in files if _partition_of(f, "report_year") in wanted_years]
    if layouts is not None:
        wanted_layouts = set(layouts)
        files = [f for f in files if _partition_of(f, "format_version") in wanted_layouts]
    return ds.dataset([str(f) for f in files], schema=FIGURE_SCHEMA, format="parquet")


def read_figures(
    folder: str | Path,
    *,
    years: Iterable[int] | None = None,
    layouts: Iterable[str] | None = None,
    filter: ds.Expression | None = None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """Figures of a dataset folder with nullable dtypes; partitions pruned, ``filter`` pushed down."""
    dataset = figures_dataset(folder, years=years, layouts=layouts)
    table = dataset.to_table(filter=filter, columns=columns)
    if columns is not None:
        return _to_pandas(table)
    return coerce_figures(_to_pandas(table)) if table.num_rows else empty_figures()


def read_table(
    folder: str | Path, table: str, filter: ds.Expression | None = None, files: list[Path] | None = None
) -> pd.DataFrame:
    """The published ``reports`` or ``issues`` table (nullable dtypes; facts columns unified)."""
    files = part_files(folder, table) if files is None else files
    if not files:
        schema = pa.schema(list(REPORT_COLUMNS.items())) if table == "reports" else ISSUE_SCHEMA
        return _to_pandas(schema.empty_table())
    schemas = [pq.read_schema(f) for f in files]
    try:
        schema = pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        names = list(dict.fromkeys(n for s in schemas for n in s.names))
        schema = pa.schema([(n, pa.string()) for n in names])
    tables = [pq.read_table(f).cast(_conform(pq.read_schema(f), schema)) for f in files]
    tables = [_fill_columns(t, schema) for t in tables]
    combined = pa.concat_tables(tables)
    if filter is not None:
        combined = combined.filter(filter)
    return _to_pandas(combined)


def _conform(own: pa.Schema, target: pa.Schema) -> pa.Schema:
    return pa.schema([(name, target.field(name).type) for name in own.names])


def _fill_columns(table: pa.Table, schema: pa.Schema) -> pa.Table:
    for name in schema.names:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, schema.field(name).type))
    return table.select(schema.names)
