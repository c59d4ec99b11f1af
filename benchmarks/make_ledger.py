#!/usr/bin/env python3
"""Benchmark ledgers of 10⁴, 10⁵ and 10⁶ events, made from real extractions.

    python benchmarks/make_ledger.py --events 1000000 --db sqlite|postgresql [--cache DIR] [--pg URL]

The documents of ../shared/data/fakes (FA-KES) and ../shared/dev are read and extracted once (the
extractions are cached). Each benchmark incident takes one extracted document and has 1 to 4
outlets report it: every copy is the document's text with a line of its own appended (so the
content hashes differ and every offset stays true), the dates shifted to a day in ten years, the
places moved to real gazetteer places of one of the countries with most populated places (over
thirty), the attributions' stances varied. The copies are stored through ``Ledger.add_partition``
(the ledger's bulk path), and the incidents (one per event of the source document, its members the
copies of that event) are written by ``write_incidents``, their figures and status computed by
``aggregate.incidents.finish`` — the grouping itself is not run (its cost is not what is measured).

Ledgers are cached in --cache (default ~/.cache/warledger-bench): ``ledger-<events>.sqlite`` and the
PostgreSQL database ``<base>_<events>`` (the database named by --pg must exist; the others are made
with createdb when missing). A ledger whose stamp file exists is not made again.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import pickle
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SHARED = Path(os.environ.get("WARLEDGER_SHARED", ROOT.parent / "shared"))
DEFAULT_CACHE = Path(os.environ.get("WARLEDGER_BENCH_CACHE", Path.home() / ".cache" / "warledger-bench"))
DEFAULT_PG = "postgresql+psycopg://warledger:warledger@localhost:5432/warledger_scale"
PARTITION = 400
COUNTRIES = 36
PLACES_PER_COUNTRY = 40
OUTLETS = 60
YEARS = 10
FIRST_DAY = dt.date(2015, 1, 1)
SEED = 21
INCIDENTS_FORMAT = 4     # raise when what the incidents stage writes changes


# ---------------------------------------------------------------- real extractions

def extractions(cache: Path) -> list:
    """The extracted documents of FA-KES and the dev set (events only from documents with events)."""
    path = cache / "extractions.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    from warledger.errors import WarledgerError
    from warledger.extract import extract_documents
    from warledger.ingest import documents

    cache.mkdir(parents=True, exist_ok=True)
    fakes = cache / "fakes.jsonl"
    subprocess.run([sys.executable, str(SHARED / "data" / "fakes" / "to_jsonl.py"),
                    str(SHARED / "data" / "fakes" / "FA-KES-Dataset.csv"), str(fakes)], check=True)
    paths = [str(fakes)] + sorted(str(p) for p in (SHARED / "dev").glob("*.txt"))
    out = []
    t = time.perf_counter()
    for item in extract_documents(documents(paths)):
        if not isinstance(item, WarledgerError) and item.events:
            out.append(item)
    print(f"extracted {len(out)} documents with events in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    with path.open("wb") as fh:
        pickle.dump(out, fh)
    return out


def place_pool() -> dict[str, list[tuple]]:
    """Real places to move the copies to: the most populous towns of the countries with the most
    populated places in the gazetteer, and each country's own row (for country-level mentions)."""
    from warledger.resolve.gazetteer import default_path
    db = sqlite3.connect(default_path())
    countries = [c for c, in db.execute(
        "SELECT country FROM places WHERE level = 'populated_place' AND country IS NOT NULL "
        "GROUP BY country ORDER BY count(*) DESC LIMIT ?", (COUNTRIES,))]
    pool = {}
    for cc in countries:
        towns = db.execute("SELECT geonameid, name, country, admin1_name, lat, lon FROM places "
                           "WHERE country = ? AND level = 'populated_place' ORDER BY population DESC LIMIT ?",
                           (cc, PLACES_PER_COUNTRY)).fetchall()
        whole = db.execute("SELECT geonameid, name, country, NULL, lat, lon FROM places "
                           "WHERE country = ? AND level = 'country' LIMIT 1", (cc,)).fetchone()
        pool[cc] = {"towns": towns, "country": whole or towns[0]}
    return pool


# ---------------------------------------------------------------- copies

def _shift(d, delta):
    return d + delta if d is not None else None


def _base_date(ex) -> dt.date:
    pub = ex.structure.published
    if pub:
        return pub.date
    starts = [e.date.start for e in ex.events if e.date.start]
    return min(starts) if starts else dt.date(2016, 1, 1)


def copies(sources: list, rng: random.Random, group: int):
    """The copies of one benchmark incident (a list of Extractions)."""
    from warledger.model import Document, Extraction, PlaceRef, PublishedDate, Structure
    from warledger.vocab import STANCES

    src = sources[group % len(sources)]
    delta = FIRST_DAY + dt.timedelta(days=rng.randrange(365 * YEARS)) - _base_date(src)
    pool = POOL[rng.choice(sorted(POOL))]
    moved: dict[tuple, PlaceRef] = {}

    def move(p: PlaceRef) -> PlaceRef:
        if p.lat is None:
            return p
        key = (p.name, p.level)
        if key not in moved:
            gid, name, cc, admin1, lat, lon = (pool["country"] if p.level == "country"
                                               else rng.choice(pool["towns"]))
            moved[key] = dataclasses.replace(p, geonameid=gid, name=name, country=cc, admin1=admin1,
                                             lat=lat, lon=lon)
        return dataclasses.replace(moved[key], mentions=p.mentions)

    places = [move(p) for p in src.places]
    n_outlets = rng.choice((1, 2, 2, 3, 3, 4))
    outlets = rng.sample(range(OUTLETS), n_outlets)
    out = []
    for c, o in enumerate(outlets):
        outlet = f"outlet{o:02d}.example"
        day = _shift(_base_date(src), delta)
        d = src.document
        text = f"{d.text}\n\n{outlet} report {group}-{c}, filed {day.isoformat()}."
        doc = Document(text=text, id=f"bench-{group}-{c}", source=outlet, url=f"https://{outlet}/{group}/{c}",
                       title=d.title, published=day, language=d.language or "en")
        pub = src.structure.published
        st = Structure(blocks=src.structure.blocks, posts=src.structure.posts,
                       published=PublishedDate(day, pub.inferred if pub else True, pub.source if pub else "bench"))
        events = []
        for ev in src.events:
            atts = tuple(dataclasses.replace(a, stance=rng.choice(STANCES) if c and rng.random() < 0.3 else a.stance,
                                             date=_shift(a.date, delta)) for a in ev.attributions)
            events.append(dataclasses.replace(
                ev, date=dataclasses.replace(ev.date, start=_shift(ev.date.start, delta), end=_shift(ev.date.end, delta)),
                places=tuple(move(p) for p in ev.places), attributions=atts))
        tallies = [dataclasses.replace(t, since=_shift(t.since, delta), as_of=_shift(t.as_of, delta))
                   for t in src.tallies]
        out.append(Extraction(document=doc, structure=st, places=places, actors=src.actors, events=events,
                              tallies=tallies))
    return out


def record(ex, ev):
    """The aggregate stage's record of one event (as store.incidents.event_rows reads it back)."""
    from warledger.aggregate.incidents import EventRecord
    text = ex.document.text
    f = ev.fatalities
    return EventRecord(
        key=f"{ex.document.sha256}:{ev.id}", document=ex.document.sha256, outlet=ex.document.source,
        type=ev.type, date_start=ev.date.start, date_end=ev.date.end, precision=ev.date.precision,
        published=ex.document.published, places=[(p.lat, p.lon, p.precision) for p in ev.places if p.lat is not None],
        perpetrators={r.name for r in ev.actors if r.role == "perpetrator"},
        low=f.low if f else None, best=f.best if f else None, high=f.high if f else None,
        attributions=[(a.source, a.stance) for a in ev.attributions],
        place_names=[(p.name, p.precision, p.level) for p in ev.places],
        victims={r.name for r in ev.actors if r.role in ("victim", "target")},
        text=" ".join(text[a:b] for a, b in ev.mentions))


def groups(sources: list, events: int):
    """(group number, copies) until ``events`` events are made; deterministic."""
    rng = random.Random(SEED)
    made, g = 0, 0
    while made < events:
        cs = copies(sources, rng, g)
        made += sum(len(c.events) for c in cs)
        yield g, cs
        g += 1


# ---------------------------------------------------------------- ledgers

def ledger_url(db: str, events: int, cache: Path, pg: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{cache / f'ledger-{events}.sqlite'}"
    base, _, name = pg.rpartition("/")
    name = f"{name}_{events}"
    exists = subprocess.run(["su", "postgres", "-c", f"psql -tAc \"SELECT 1 FROM pg_database WHERE datname='{name}'\""],
                            capture_output=True, text=True).stdout.strip()
    if exists != "1":
        subprocess.run(["su", "postgres", "-c", f"createdb -O warledger {name}"], check=True)
    return f"{base}/{name}"


def load(url: str, sources: list, events: int) -> dict:
    """Store the copies through the ledger's bulk path; docs/s of the load."""
    from warledger.store import Ledger
    ledger = Ledger(url)
    docs = evs = 0
    batch: list = []
    t = time.perf_counter()
    for _g, cs in groups(sources, events):
        batch += cs
        if len(batch) >= PARTITION:
            docs += ledger.add_partition(batch)["ingested"]
            evs += sum(len(c.events) for c in batch)
            batch = []
            if docs % (PARTITION * 25) < PARTITION:
                el = time.perf_counter() - t
                print(f"  {docs} docs, {evs} events, {docs / el:.0f} docs/s", file=sys.stderr, flush=True)
    if batch:
        docs += ledger.add_partition(batch)["ingested"]
        evs += sum(len(c.events) for c in batch)
    seconds = time.perf_counter() - t
    ledger.engine.dispose()
    return {"documents": docs, "events": evs, "seconds": round(seconds, 1), "docs_per_s": round(docs / seconds, 1)}


def write_incidents(url: str, sources: list, events: int) -> int:
    """One incident per event of each source document, its members the copies of that event."""
    from sqlalchemy import select

    from warledger.aggregate.incidents import finish
    from warledger.store import Ledger
    from warledger.store import incidents as store
    from warledger.store.tables import DocumentRow, EventRow
    ledger = Ledger(url)
    mark = store.rebuild_mark(ledger.engine)
    with ledger.engine.connect() as conn:
        ids = {f"{sha}:{local}": i for sha, local, i in conn.execute(
            select(DocumentRow.sha256, EventRow.local_id, EventRow.id).join(EventRow, EventRow.document_id == DocumentRow.id))}
    rows = []
    for _g, cs in groups(sources, events):
        for i in range(len(cs[0].events)):
            inc = finish([record(c, c.events[i]) for c in cs])
            rows.append({"key": inc.key, "type": inc.type, "date_start": inc.date_start, "date_end": inc.date_end,
                         "low": inc.low, "best": inc.best, "high": inc.high, "acled": inc.acled,
                         "status": inc.status, "sources": inc.sources, "members": [m.key for m in inc.members]})
    rows.sort(key=lambda r: (str(r["date_start"] or ""), r["key"]))
    store.write_incidents(ledger.engine, rows, ids, mark)
    ledger.engine.dispose()
    return len(rows)


POOL: dict = {}


def make(db: str, events: int, cache: Path, pg: str, docs_only: bool = False) -> dict:
    """The ledger of ``events`` events on ``db``, made when not cached; its stamp (load figures)."""
    cache.mkdir(parents=True, exist_ok=True)
    stamp = cache / f"{db}-{events}.json"
    info = json.loads(stamp.read_text()) if stamp.exists() else {}
    url = ledger_url(db, events, cache, pg)
    info["url"] = url
    if "load" in info and (docs_only or info.get("incidents_format") == INCIDENTS_FORMAT):
        return info
    sources = extractions(cache)
    POOL.update(place_pool())
    if "load" not in info:
        print(f"{db} {events}: loading", file=sys.stderr, flush=True)
        info["load"] = load(url, sources, events)
        stamp.write_text(json.dumps(info, indent=1))
    if docs_only:
        return info
    print(f"{db} {events}: incidents", file=sys.stderr, flush=True)
    t = time.perf_counter()
    info["incidents"] = write_incidents(url, sources, events)
    info["incidents_seconds"] = round(time.perf_counter() - t, 1)
    info["incidents_format"] = INCIDENTS_FORMAT
    stamp.write_text(json.dumps(info, indent=1))
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, nargs="+", default=[10_000])
    ap.add_argument("--db", choices=("sqlite", "postgresql"), nargs="+", default=["sqlite"])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--pg", default=os.environ.get("WARLEDGER_BENCH_PG_URL", DEFAULT_PG))
    ap.add_argument("--docs-only", action="store_true", help="store the documents, leave the incidents")
    args = ap.parse_args(argv)
    for n in args.events:
        for db in args.db:
            print(json.dumps({"db": db, "events": n} | make(db, n, args.cache, args.pg, args.docs_only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
