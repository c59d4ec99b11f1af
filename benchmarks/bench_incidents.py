#!/usr/bin/env python3
"""Incidents at scale (part of `make bench-scale`): on a copy of each cached ledger, the full
rebuild's time and peak RSS, then the time to update the incidents for 100 more pre-extracted
documents (stored first, untimed), and with ``--dask N`` the rebuild on a local Dask cluster of N
workers, its incidents compared with the local rebuild's.

    python benchmarks/bench_incidents.py [--events 10000 100000 1000000] [--dask 2] [--docs 100]

SQLite ledgers (``make_ledger.py --db sqlite``); each step runs in a process of its own, its peak
RSS that process's VmHWM. Figures go to bench-incidents.json in the cache.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import make_ledger  # noqa: E402

STEP = r"""
import hashlib, json, sys, time
from warledger.store import Ledger
from warledger.aggregate.maintain import rebuild, update
from sqlalchemy import select
from warledger.store.tables import IncidentRow
what, url, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
ledger = Ledger(url)
t = time.perf_counter()
if what == "rebuild" and workers:
    from warledger.batch import _cluster
    client, cluster = _cluster(None, workers, lambda m: None)
    try:
        report = rebuild(ledger, client=client)
    finally:
        client.close(); cluster.close()
elif what == "rebuild":
    report = rebuild(ledger)
else:
    report = update(ledger)
seconds = time.perf_counter() - t
with ledger.engine.connect() as conn:
    keys = sorted(conn.scalars(select(IncidentRow.key)))
hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]
print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(int(hwm) / 1024), "incidents": len(keys),
                  "digest": hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16], "mode": report.mode,
                  "region": report.region, "parts": report.parts, "events": report.events, "wide": report.wide,
                  "steps": report.seconds}))
"""


def step(what: str, url: str, workers: int = 0) -> dict:
    done = subprocess.run([sys.executable, "-c", STEP, what, url, str(workers)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench-incidents: {what} failed on {url}: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def more_documents(n: int, events: int, cache: Path) -> list:
    """``n`` documents beyond those of the ledger of ``events`` events (the next benchmark
    incidents of make_ledger's generator), extracted already."""
    sources = make_ledger.extractions(cache)
    make_ledger.POOL.update(make_ledger.place_pool())
    import random
    out = []
    rng = random.Random(make_ledger.SEED + events)
    g = 10_000_000                     # group numbers no ledger reaches: texts of their own
    while len(out) < n:
        out += make_ledger.copies(sources, rng, g)
        g += 1
    return out[:n]


def measure(events: int, cache: Path, docs: int, dask: int) -> dict:
    from warledger.store import Ledger
    info = make_ledger.make("sqlite", events, cache, "", docs_only=True)
    src = Path(info["url"].removeprefix("sqlite:///"))
    work = cache / f"incidents-{events}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, work)
    url = f"sqlite:///{work}"
    out = {"events": info["load"]["events"], "documents": info["load"]["documents"]}
    print(f"bench-incidents: {events:,} events: rebuild …", file=sys.stderr, flush=True)
    out["rebuild"] = step("rebuild", url)
    if dask:
        print(f"bench-incidents: {events:,} events: rebuild on {dask} Dask workers …", file=sys.stderr, flush=True)
        out["rebuild_dask"] = step("rebuild", url, dask)
        out["dask_same"] = out["rebuild_dask"]["digest"] == out["rebuild"]["digest"]
    items = more_documents(docs, events, cache)
    ledger = Ledger(url)
    t = time.perf_counter()
    ledger.add_partition(items)
    out["store_seconds"] = round(time.perf_counter() - t, 2)
    ledger.engine.dispose()
    out["new_events"] = sum(len(x.events) for x in items)
    print(f"bench-incidents: {events:,} events: update for {docs} documents …", file=sys.stderr, flush=True)
    out["update"] = step("update", url)
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    return out


def table(results: list[dict]) -> str:
    head = ["events", "documents", "rebuild s", "rebuild peak RSS MB", "Dask rebuild s (same?)",
            "update s (100 docs)", "update region events"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        d = r.get("rebuild_dask")
        lines.append("| " + " | ".join([
            f"{r['events']:,}", f"{r['documents']:,}", f"{r['rebuild']['seconds']:.0f}", str(r["rebuild"]["peak_rss_mb"]),
            f"{d['seconds']:.0f} ({'same' if r['dask_same'] else 'DIFFERENT'})" if d else "–",
            f"{r['update']['seconds']:.2f}", f"{r['update']['region']:,}"]) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--cache", type=Path, default=make_ledger.DEFAULT_CACHE)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--dask", type=int, default=0, help="also rebuild on a local Dask cluster of this many workers")
    args = ap.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    results = []
    for n in args.events:
        results.append(measure(n, args.cache, args.docs, args.dask))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    saved = args.cache / "bench-incidents.json"
    old = json.loads(saved.read_text()) if saved.exists() else []
    keep = [r for r in old if not any(r["events"] == x["events"] for x in results)]
    saved.write_text(json.dumps(keep + results, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
