"""`warledger export` as a function: the ledger's events or incidents in an analyst's format,
streamed (constant memory), with a progress bar on a terminal."""
from __future__ import annotations

import csv
import gc
import io
import json
import sys
from pathlib import Path

from ..errors import UsageError
from . import acled, geojson, parquet, ucdp
from .records import flatten

FORMATS = ("acled", "ucdp", "geojson", "jsonl", "parquet")
BINARY = ("parquet",)


def export(ledger, fmt: str, out: str | None = None, *, level: str = "events", type_: str | None = None,
           since=None, until=None, status: str | None = None, progress: bool = False) -> int:
    """Write the export; returns the number of rows (features for GeoJSON)."""
    from ..store.rows import iter_events, iter_flat_events, iter_incidents

    if fmt not in FORMATS:
        raise UsageError("E701", f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in BINARY and not out:
        raise UsageError("E702", f"{fmt} is a binary format: give --out FILE")
    if level == "events" and fmt == "acled":             # the fast path: tuples in batches, no dict per row
        batches = iter_flat_events(ledger.engine, types=type_, since=since, until=until, status=status)
        return _text(out, lambda f: _csv_batches(batches, f, acled, progress))
    if level == "events":
        items = iter_events(ledger.engine, types=type_, since=since, until=until, spans=fmt == "jsonl")
        if status:
            items = (i for i in items if i["status"] == status)
    else:
        items = iter_incidents(ledger.engine, types=type_, since=since, until=until, status=status)
    if progress:
        from tqdm import tqdm
        items = tqdm(items, desc="export", unit=level[:-1], file=sys.stderr)
    if fmt == "jsonl":
        return _text(out, lambda f: _jsonl(items, f))
    rows = (flatten(i, level) for i in items)
    if fmt == "parquet":
        return parquet.write(rows, out)
    if fmt == "geojson":
        return _text(out, lambda f: geojson.write(rows, f))
    module = acled if fmt == "acled" else ucdp
    return _text(out, lambda f: _csv(rows, f, module))


def _text(out: str | None, writer) -> int:
    if out:
        with Path(out).open("w", encoding="utf-8", newline="") as f:
            return writer(f)
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True) \
        if hasattr(sys.stdout, "buffer") else sys.stdout
    try:
        return writer(stream)
    finally:
        stream.flush()
        if stream is not sys.stdout:
            stream.detach()


def _jsonl(items, f) -> int:
    n = 0
    for i in items:
        f.write(json.dumps(i, ensure_ascii=False) + "\n")
        n += 1
    return n


def _csv_batches(batches, f, module, progress: bool) -> int:
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(desc="export", unit="event", file=sys.stderr)
    w = csv.writer(f)
    w.writerow(module.COLUMNS)
    n = 0
    cells = module.cells
    collecting = gc.isenabled()
    gc.disable()              # the rows hold no cycles: refcounting frees them, full collections only cost time
    try:
        for batch in batches:
            w.writerows(map(cells, batch))
            n += len(batch)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if collecting:
            gc.enable()
        if bar is not None:
            bar.close()
    return n


def _csv(rows, f, module) -> int:
    from operator import itemgetter
    w = csv.writer(f)
    w.writerow(module.COLUMNS)
    cells = itemgetter(*module.COLUMNS)
    n = 0
    for r in rows:
        w.writerow(cells(module.row(r)))
        n += 1
    return n
