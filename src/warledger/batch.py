"""`warledger batch`: the same read → extract pipeline per partition on Dask workers, results
as Parquet part files, a manifest of finished partitions (so a rerun extracts only what is
missing), then a bulk load into the ledger (one transaction per partition) and aggregation.

Partitions are defined by the inputs alone: a JSON Lines file is cut into runs of lines, other
files are grouped in name order. A partition's id hashes its files (path, size, modification
time) and line ranges, so a changed input is extracted again."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from .errors import UsageError, WarledgerError
from .settings import Settings

MANIFEST = "manifest.jsonl"
PLUGIN = "warledger"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Local workers: no statistical profiler (it samples the task thread every 10 ms), and glibc's
# malloc left to its dynamic thresholds — the nanny's default MALLOC_TRIM_THRESHOLD_ made
# extraction about 15 % slower here; numeric libraries keep one thread per worker.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                 "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                                         "OPENBLAS_NUM_THREADS": 1}}


@dataclass(frozen=True)
class Partition:
    index: int
    pid: str
    inputs: tuple[tuple[str, int | None, int | None], ...]     # (path, first line, last line)
    documents: int                                           # documents (or files) it holds

    def part(self) -> str:
        return f"parts/part-{self.index:05d}-{self.pid}.parquet"


@dataclass
class BatchReport:
    partitions: int = 0
    already: int = 0
    extracted: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    extract_seconds: float = 0.0
    load_seconds: float = 0.0
    aggregate_seconds: float = 0.0
    ingested: int = 0
    skipped: int = 0
    incidents: int = 0
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    pipeline_loads: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        docs_s = self.documents / self.extract_seconds if self.extract_seconds else 0.0
        return [f"partitions: {self.partitions} in all, {self.already} already extracted (manifest), "
                f"{self.extracted} extracted now",
                f"extraction: {self.documents} document(s) in {self.extract_seconds:.1f} s ({docs_s:.1f} docs/s)",
                f"load: ingested {self.ingested}, skipped {self.skipped} (already in the ledger) in "
                f"{self.load_seconds:.1f} s; aggregation: {self.incidents} incident(s) in {self.aggregate_seconds:.1f} s",
                f"failed {len(self.errors)}"]


# ---------------------------------------------------------------- partitions

def _jsonl_lines(path: str) -> list[int]:
    """Numbers of the non-empty lines, counted as the JSON Lines reader counts them."""
    from .read.text import decode_bytes
    text = decode_bytes(Path(path).read_bytes(), path)
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def plan(paths: Iterable[str], size: int) -> tuple[list[Partition], list[WarledgerError]]:
    """Partitions of at most ``size`` documents (JSON Lines) or files (other inputs)."""
    from .ingest import expand
    if size < 1:
        raise UsageError("E901", "--partition-size must be at least 1")
    errors: list[WarledgerError] = []
    pending: list[tuple[str, int | None, int | None]] = []
    chunks: list[list[tuple[str, int | None, int | None]]] = []
    for p in expand(paths):
        if p == "-":
            errors.append(UsageError("E902", "batch reads files, not standard input", path="-"))
            continue
        path = Path(p)
        if not path.is_file():
            errors.append(UsageError("E104", "no such file", path=p))
            continue
        if path.name.lower().endswith(JSONL_SUFFIXES):
            try:
                numbers = _jsonl_lines(p)
            except WarledgerError as err:
                errors.append(err)
                continue
            if not numbers:
                errors.append(UsageError("E101", "the file holds no JSON lines", path=p))
            for i in range(0, len(numbers), size):
                run = numbers[i:i + size]
                chunks.append([(str(path.resolve()), run[0], run[-1])])
        else:
            pending.append((str(path.resolve()), None, None))
            if len(pending) == size:
                chunks.append(pending)
                pending = []
    if pending:
        chunks.append(pending)
    out = []
    for index, chunk in enumerate(chunks):
        inputs = chunk
        stamp = [[p, a, b, os.stat(p).st_size, os.stat(p).st_mtime_ns] for p, a, b in inputs]
        pid = hashlib.sha256(json.dumps(stamp).encode()).hexdigest()[:16]
        n = sum((b - a + 1) if a is not None else 1 for _, a, b in inputs)
        out.append(Partition(index, pid, tuple(inputs), n))
    return out, errors


# ---------------------------------------------------------------- on the workers

class PipelinePlugin(WorkerPlugin):
    """A Dask worker plugin: each worker loads the spaCy pipeline (with the gazetteer its place
    component opens) and the language identifier once, when it starts, not once per task."""

    name = PLUGIN

    def __init__(self, settings: Settings):
        self.settings = settings
        self.nlp = None
        self.loads = 0

    def setup(self, worker=None) -> None:
        from .extract import load_models
        self.nlp = load_models(self.settings)
        self.loads += 1

    def teardown(self, worker=None) -> None:
        self.nlp = None


def _pipeline(settings: Settings):
    """The worker's loaded pipeline (the plugin's), or, outside a worker, one loaded here and kept
    in this process for these settings."""
    try:
        from distributed import get_worker
        worker = get_worker()
    except (ImportError, ValueError):
        worker = None
    plugin = worker.plugins.get(PLUGIN) if worker is not None else None
    if plugin is None:               # one per pipeline the settings name, not the first call's for all
        key = (settings.model, str(settings.config) if settings.config else None, tuple(settings.languages))
        plugin = _LOCAL.get(key)
        if plugin is None:
            plugin = _LOCAL[key] = PipelinePlugin(settings)
    if plugin.nlp is None:
        plugin.setup(worker)
    return plugin


_LOCAL: dict[tuple, Any] = {}


def extract_partition(partition: Partition, out: str, settings: Settings) -> dict[str, Any]:
    """Read and extract one partition; write its Parquet part file atomically; return its record."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .export.extract_json import to_contract
    from .extract import extract_documents
    from .read import read_path

    started = time.time()
    plugin = _pipeline(settings)

    def items():
        for path, first, last in partition.inputs:
            yield from read_path(path, None, (first, last) if first is not None else None)

    rows: dict[str, list] = {"position": [], "origin": [], "sha256": [], "text": [], "contract": [], "error": []}
    for i, item in enumerate(extract_documents(items(), settings, nlp=plugin.nlp)):
        rows["position"].append(i)
        if isinstance(item, WarledgerError):
            rows["origin"].append(item.path)
            rows["sha256"].append(None)
            rows["text"].append(None)
            rows["contract"].append(None)
            rows["error"].append(item.one_line())
            continue
        contract = to_contract(item)
        rows["origin"].append(item.document.origin)
        rows["sha256"].append(contract["document"]["sha256"])
        rows["text"].append(item.document.text)
        rows["contract"].append(json.dumps(contract, ensure_ascii=False))
        rows["error"].append(None)
    schema = pa.schema([("position", pa.int32()), ("origin", pa.string()), ("sha256", pa.string()),
                        ("text", pa.large_string()), ("contract", pa.large_string()), ("error", pa.string())])
    target = Path(out) / partition.part()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    pq.write_table(pa.table(rows, schema=schema), tmp, compression="zstd")
    os.replace(tmp, target)
    worker = _worker_address()
    return {"partition": partition.pid, "index": partition.index, "part": partition.part(),
            "documents": sum(1 for e in rows["error"] if e is None), "errors": [e for e in rows["error"] if e],
            "started": started, "finished": time.time(), "worker": worker, "pid": os.getpid(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "loads": plugin.loads}


def _worker_address() -> str:
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"local-{os.getpid()}"


# ---------------------------------------------------------------- the client

def read_manifest(out: Path) -> dict[str, dict]:
    """Finished partitions by id (a torn last line, from a crash mid-write, is ignored)."""
    done: dict[str, dict] = {}
    path = out / MANIFEST
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "partition" in rec and (out / rec["part"]).exists():
            done[rec["partition"]] = rec
    return done


def _append(out: Path, record: dict) -> None:
    with open(out / MANIFEST, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _cluster(scheduler: str | None, workers: int | None, echo: Callable[[str], None]):
    from distributed import Client, LocalCluster
    if scheduler:
        client = Client(scheduler, timeout="30s")
        where = f"Dask scheduler {scheduler}"
        cluster = None
    else:
        import dask
        n = workers or os.cpu_count() or 1
        with dask.config.set(WORKER_CONFIG):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
        client = Client(cluster)
        where = f"a local Dask cluster of {n} worker(s)"
    dashboard = client.scheduler_info().get("services", {}).get("dashboard")
    echo(f"running on {where}" + (f"; dashboard {client.dashboard_link}" if dashboard else ""))
    return client, cluster


def run_batch(paths: list[str], out: str, *, db: str | None = None, scheduler: str | None = None,
              workers: int | None = None, partition_size: int = 50, settings: Settings | None = None,
              progress: bool = False, echo: Callable[[str], None] = print) -> BatchReport:
    """Plan, extract the partitions the manifest lacks, load every part, aggregate."""
    settings = settings or Settings()
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    partitions, errors = plan(paths, partition_size)
    report = BatchReport(partitions=len(partitions), errors=[e.one_line() for e in errors])
    done = read_manifest(outdir)
    missing = [p for p in partitions if p.pid not in done]
    report.already = len(partitions) - len(missing)
    if missing:
        client, cluster = _cluster(scheduler, workers, echo)
        try:
            client.register_plugin(PipelinePlugin(settings), name=PLUGIN)
            from distributed import as_completed
            futures = client.map(extract_partition, missing, out=str(outdir.resolve()), settings=settings,
                                 pure=False, key=[f"warledger-extract-{p.pid}-{time.time_ns()}" for p in missing])
            bar = None
            if progress:
                from tqdm import tqdm
                bar = tqdm(total=sum(p.documents for p in missing), desc="extract", unit="doc", file=sys.stderr)
            started = finished = None
            for fut in as_completed(futures):
                rec = fut.result()
                _append(outdir, {k: rec[k] for k in ("partition", "index", "part", "documents", "errors",
                                                     "worker", "started", "finished")})
                done[rec["partition"]] = rec
                report.extracted += 1
                started = min(started or rec["started"], rec["started"])
                finished = max(finished or rec["finished"], rec["finished"])
                report.worker_peak_rss_mb[rec["worker"]] = max(report.worker_peak_rss_mb.get(rec["worker"], 0),
                                                               rec["peak_rss_mb"])
                report.pipeline_loads[rec["worker"]] = rec["loads"]
                if bar is not None:
                    bar.update(len(rec["errors"]) + rec["documents"])
            if bar is not None:
                bar.close()
            report.extract_seconds = (finished - started) if started else 0.0
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    extracted_now = {p.pid for p in missing}
    for p in partitions:
        rec = done[p.pid]
        report.documents += rec["documents"] if p.pid in extracted_now else 0
        report.errors += rec["errors"]
    load(outdir, partitions, db, report, progress)
    return report


def load(outdir: Path, partitions: list[Partition], db: str | None, report: BatchReport, progress: bool) -> None:
    """Every part file into the ledger, one transaction per partition, then the incidents."""
    import pyarrow.parquet as pq

    from .aggregate import update
    from .export.extract_json import from_contract
    from .store import Ledger

    t0 = time.perf_counter()
    ledger = Ledger(db)
    seq = partitions
    if progress:
        from tqdm import tqdm
        seq = tqdm(partitions, desc="load", unit="partition", file=sys.stderr)
    for p in seq:
        table = pq.read_table(outdir / p.part(), columns=["contract", "text", "error"]).to_pylist()
        items = [from_contract(json.loads(r["contract"]), r["text"]) for r in table if r["error"] is None]
        counts = ledger.add_partition(items)
        report.ingested += counts["ingested"]
        report.skipped += counts["skipped"]
    report.load_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    report.incidents = update(ledger)
    report.aggregate_seconds = time.perf_counter() - t1


__all__ = ["Partition", "BatchReport", "PipelinePlugin", "plan", "extract_partition", "run_batch", "read_manifest"]
