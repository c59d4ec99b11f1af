"""Parquet through pyarrow, with an explicit schema: typed dates, sources as a list of structs."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema([
    ("id", pa.string()), ("type", pa.string()), ("acled_event_type", pa.string()),
    ("acled_sub_event_type", pa.string()), ("date_start", pa.date32()), ("date_end", pa.date32()),
    ("date_precision", pa.string()), ("status", pa.string()), ("place", pa.string()), ("country", pa.string()),
    ("latitude", pa.float64()), ("longitude", pa.float64()), ("place_precision", pa.string()),
    ("fatalities_low", pa.int64()), ("fatalities_best", pa.int64()), ("fatalities_high", pa.int64()),
    ("actors", pa.list_(pa.struct([("name", pa.string()), ("role", pa.string())]))),
    ("sources", pa.list_(pa.struct([("source", pa.string()), ("stance", pa.string())]))),
    ("documents", pa.list_(pa.string())),
])
BATCH = 2000


def _date(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def record(r: dict[str, Any]) -> dict[str, Any]:
    place = r["places"][0] if r["places"] else {}
    return {"id": str(r["id"]), "type": r["type"], "acled_event_type": r["acled_event_type"],
            "acled_sub_event_type": r["acled_sub_event_type"], "date_start": _date(r["date_start"]),
            "date_end": _date(r["date_end"]), "date_precision": r["precision"], "status": r["status"],
            "place": place.get("name"), "country": place.get("country"), "latitude": place.get("lat"),
            "longitude": place.get("lon"), "place_precision": place.get("precision"),
            "fatalities_low": r["low"], "fatalities_best": r["best"], "fatalities_high": r["high"],
            "actors": [{"name": a["name"], "role": a["role"]} for a in r["actors"]],
            "sources": [{"source": a.get("source"), "stance": a["stance"]} for a in r["attributions"]],
            "documents": [d["id"] for d in r["documents"]]}


def write(rows, path) -> int:
    """Write in row groups of BATCH rows; returns how many rows."""
    n = 0
    with pq.ParquetWriter(path, SCHEMA) as writer:
        batch = []
        for r in rows:
            batch.append(record(r))
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
            n += len(batch)
    return n
