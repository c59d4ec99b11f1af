#!/usr/bin/env python3
"""`make bench-scale`: the API on ledgers of 10⁴, 10⁵ and 10⁶ events, SQLite and PostgreSQL.

    python benchmarks/bench_scale.py [--events 10000 100000 1000000] [--db sqlite postgresql]
                                     [--only export] [--runs N]

The ledgers come from make_ledger.py (made once, cached). For each ledger: the bulk load's docs/s
(from its making), p50/p95 of the calls a client makes (through the whole FastAPI app, token
check included): the first page of /api/incidents unfiltered and with each filter, a page deep
in the keyset cursor, /api/incidents/{id}, /api/map at world and at city zoom, /api/timeline by
month; the world map's payload; the ACLED CSV export's rows/s and peak RSS (in a process of its
own; ``--runs N``: the best of N). The table is printed as Markdown; the figures go to
bench-scale.json in the cache. ``--only export`` measures the export alone (printed, not saved).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import make_ledger  # noqa: E402

RUNS = 30


def _times(client, url: str, headers, runs: int = RUNS) -> tuple[float, float, int]:
    """p50, p95 (ms) of ``runs`` GETs after two warm-up calls; the last answer's size."""
    size = 0
    for _ in range(2):
        r = client.get(url, headers=headers)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
    took = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url, headers=headers)
        took.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        size = len(r.content)
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, int(round(0.95 * len(took))) - 1)], size


def _token(engine) -> str:
    from warledger.store import users
    name = "bench-viewer"
    if not any(u["name"] == name for u in users.list_users(engine, 1000)):
        users.add_user(engine, name, "viewer")
    return users.new_token(engine, name)


def _probes(engine) -> dict:
    """Filter values that the ledger holds: the commonest type and status, a country, a place
    id and an actor id of middling frequency, a year, a deep cursor and some incident ids."""
    from sqlalchemy import func, select

    from warledger.store.queries import encode_cursor
    from warledger.store.tables import ActorRow, IncidentActorRow, IncidentPlaceRow, IncidentRow, PlaceRow
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(IncidentRow))

        def common(col):
            return conn.execute(select(col, func.count()).where(col.is_not(None)).group_by(col)
                                .order_by(func.count().desc())).all()
        types, statuses, countries = common(IncidentRow.type), common(IncidentRow.status), common(IncidentRow.country)
        places = conn.execute(select(PlaceRow.geonameid, func.count()).join(IncidentPlaceRow, IncidentPlaceRow.place_id == PlaceRow.id)
                              .where(PlaceRow.geonameid.is_not(None), PlaceRow.level == "populated_place")
                              .group_by(PlaceRow.geonameid).order_by(func.count().desc())).all()
        actors = conn.execute(select(ActorRow.registry_id, func.count()).join(IncidentActorRow, IncidentActorRow.actor_id == ActorRow.id)
                              .where(ActorRow.registry_id.is_not(None)).group_by(ActorRow.registry_id)
                              .order_by(func.count().desc())).all()
        deep = conn.scalar(select(IncidentRow.sort_key).order_by(IncidentRow.sort_key.desc()).offset(n // 2).limit(1))
        step = max(1, n // 40)
        ids = list(conn.scalars(select(IncidentRow.key).where(IncidentRow.id % step == 0).limit(40)))
        city = conn.execute(select(IncidentRow.lat, IncidentRow.lon).where(IncidentRow.lat.is_not(None))
                            .group_by(IncidentRow.lat, IncidentRow.lon).order_by(func.count().desc()).limit(1)).first()
    return {"incidents": n, "type": types[0][0], "status": statuses[0][0], "country": countries[len(countries) // 2][0],
            "place": places[len(places) // 2][0], "actor": actors[len(actors) // 2][0] if actors else "none",
            "cursor": encode_cursor(deep), "ids": ids, "city": city}


def _export(url: str, runs: int = 1) -> dict:
    """ACLED CSV of every event in a process of its own: rows/s and the process's peak RSS (the
    fastest of ``runs``)."""
    return max((_export_once(url) for _ in range(runs)), key=lambda r: r["rows_per_s"])


def _export_once(url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "events.csv"
        # the peak is the process's own VmHWM (getrusage would count the forking parent's pages too)
        code = ("import sys,time; from warledger.store import Ledger; from warledger.export.run import export; "
                "t=time.perf_counter(); n=export(Ledger(sys.argv[1], read_only=True), 'acled', sys.argv[2]); "
                "s=time.perf_counter()-t; "
                "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
                "print(n, s, hwm)")
        done = subprocess.run([sys.executable, "-c", code, url, str(out)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench-scale: the export failed on {url}: {done.stderr[-500:]}")
        rows, seconds, hwm_kb = done.stdout.split()
        return {"rows": int(rows), "rows_per_s": round(int(rows) / float(seconds)), "peak_rss_mb": round(int(hwm_kb) / 1024)}


def measure(db: str, events: int, cache: Path, pg: str, runs: int = 1) -> dict:
    from fastapi.testclient import TestClient

    from warledger.api import create_app
    info = make_ledger.make(db, events, cache, pg)
    url = info["url"]
    app = create_app(url)
    engine = app.state.ledger.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")                # fresh planner statistics for the new incidents
    h = {"Authorization": f"Bearer {_token(engine)}"}
    p = _probes(engine)
    lat, lon = p["city"]
    calls = {
        "incidents": "/api/incidents",
        "?status": f"/api/incidents?status={p['status']}",
        "?type": f"/api/incidents?type={p['type']}",
        "?country": f"/api/incidents?country={p['country']}",
        "?place": f"/api/incidents?place={p['place']}",
        "?actor": f"/api/incidents?actor={p['actor']}",
        "?since&until": "/api/incidents?since=2019-01-01&until=2019-12-31",
        "deep cursor": f"/api/incidents?cursor={p['cursor']}",
        "map world": "/api/map?zoom=2",
        "map city": f"/api/map?zoom=11&west={lon - 0.2}&east={lon + 0.2}&south={lat - 0.15}&north={lat + 0.15}",
        "timeline month": "/api/timeline?by=month",
    }
    out = {"db": db, "events": info["load"]["events"], "documents": info["load"]["documents"],
           "incidents": p["incidents"], "load_docs_per_s": info["load"]["docs_per_s"], "calls": {}}
    with TestClient(app) as client:
        for name, path in calls.items():
            p50, p95, size = _times(client, path, h)
            out["calls"][name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "bytes": size}
        took = []
        for key in p["ids"]:
            t = time.perf_counter()
            r = client.get(f"/api/incidents/{key}", headers=h)
            took.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text[:300]
        took.sort()
        out["calls"]["incident by id"] = {"p50_ms": round(statistics.median(took), 1),
                                          "p95_ms": round(took[int(0.95 * len(took)) - 1], 1), "bytes": len(r.content)}
    out["map_world_bytes"] = out["calls"]["map world"]["bytes"]
    engine.dispose()
    out["export"] = _export(url, runs)
    return out


def table(results: list[dict]) -> str:
    calls = list(results[0]["calls"])
    head = ["events", "db", "load docs/s"] + [f"{c} p50/p95 ms" for c in calls] + [
        "world map KB", "export rows/s", "export peak RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [f"{r['events']:,}", r["db"], f"{r['load_docs_per_s']:.0f}"]
        cells += [f"{r['calls'][c]['p50_ms']:.0f} / {r['calls'][c]['p95_ms']:.0f}" for c in calls]
        cells += [f"{r['map_world_bytes'] / 1024:.0f}", f"{r['export']['rows_per_s']:,}", str(r["export"]["peak_rss_mb"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--db", choices=("sqlite", "postgresql"), nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--cache", type=Path, default=make_ledger.DEFAULT_CACHE)
    ap.add_argument("--pg", default=os.environ.get("WARLEDGER_BENCH_PG_URL", make_ledger.DEFAULT_PG))
    ap.add_argument("--only", choices=("export",), help="measure this step alone on the cached ledgers")
    ap.add_argument("--runs", type=int, default=1, help="export runs per ledger; the best is kept")
    args = ap.parse_args(argv)
    if args.only == "export":
        for n in args.events:
            for db in args.db:
                info = make_ledger.make(db, n, args.cache, args.pg, docs_only=True)
                print(json.dumps({"db": db, "events": n, "export": _export(info["url"], args.runs)}), flush=True)
        return 0
    results = []
    saved = args.cache / "bench-scale.json"
    old = json.loads(saved.read_text()) if saved.exists() else []
    for n in args.events:
        for db in args.db:
            print(f"bench-scale: {db} {n:,} events …", file=sys.stderr, flush=True)
            results.append(measure(db, n, args.cache, args.pg, args.runs))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    keep = [r for r in old if not any(r["db"] == x["db"] and r["events"] == x["events"] for x in results)]
    saved.write_text(json.dumps(keep + results, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
