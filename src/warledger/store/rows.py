"""Events and incidents read out of the store as plain dicts, in batches, for exports: memory
stays flat however large the ledger is."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import String, cast, literal_column, select
from sqlalchemy.engine import Engine

from ..vocab import place_rank
from .tables import (
    ActorRow,
    AttributionRow,
    DocumentRow,
    EventActorRow,
    EventPlaceRow,
    EventRow,
    FatalityRow,
    IncidentEventRow,
    IncidentRow,
    PlaceRow,
)

BATCH = 2000


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def name_tables(conn) -> tuple[dict[int, dict[str, Any]], dict[int, tuple]]:
    """Every stored place (as an event's place dict) and actor (kind, inter, registry id,
    country) by row id: few beside the events, read once by a streaming reader so that each
    batch's queries need no join."""
    places = {pid: {"name": name, "geonameid": gid, "country": cc, "admin1": admin1, "lat": lat, "lon": lon,
                    "level": level, "precision": precision}
              for pid, name, gid, cc, admin1, lat, lon, level, precision in conn.execute(
                  select(PlaceRow.id, PlaceRow.name, PlaceRow.geonameid, PlaceRow.country, PlaceRow.admin1,
                         PlaceRow.lat, PlaceRow.lon, PlaceRow.level, PlaceRow.precision))}
    actors = {aid: (kind, inter, rid, cc) for aid, kind, inter, rid, cc in conn.execute(
        select(ActorRow.id, ActorRow.kind, ActorRow.inter, ActorRow.registry_id, ActorRow.country))}
    return places, actors


def _details(conn, ids: list[int], *, spans: bool = True, names=None) -> dict[int, dict[str, Any]]:
    """Places, actors, fatalities and attributions of these events (four queries, read as plain
    tuples); ``spans=False`` leaves the actors' mention spans out (the tabular exports);
    ``names`` (``name_tables``) saves the joins (its place dicts are shared between events)."""
    out: dict[int, dict[str, Any]] = {i: {"places": [], "actors": [], "fatalities": None, "attributions": []}
                                      for i in ids}
    lo, hi = (min(ids), max(ids)) if ids else (0, -1)
    if hi - lo + 1 > 4 * len(ids):               # scattered ids: an IN list; else one range (no long list to bind)
        def among(col):
            return col.in_(ids)
    else:
        def among(col):
            return col.between(lo, hi)
    skip = out.get
    if names is not None:
        places, actors = names
        for ev, pid in conn.execute(select(EventPlaceRow.event_id, EventPlaceRow.place_id)
                                    .where(among(EventPlaceRow.event_id)).order_by(EventPlaceRow.id)):
            if (d := skip(ev)) is not None:
                d["places"].append(places[pid])
        nobody = (None, None, None, None)
        cols = [EventActorRow.event_id, EventActorRow.actor_id, EventActorRow.name, EventActorRow.role] + (
            [EventActorRow.mentions] if spans else [])
        for ev, aid, name, role, *mentions in conn.execute(select(*cols).where(among(EventActorRow.event_id))
                                                           .order_by(EventActorRow.id)):
            if (d := skip(ev)) is not None:
                kind, inter, rid, cc = actors.get(aid, nobody) if aid is not None else nobody
                d["actors"].append({"name": name, "role": role, "kind": kind, "inter": inter, "id": rid,
                                    "country": cc, "mentions": mentions[0] if mentions else None})
    else:
        for ev, name, gid, cc, admin1, lat, lon, level, precision in conn.execute(
                select(EventPlaceRow.event_id, PlaceRow.name, PlaceRow.geonameid, PlaceRow.country, PlaceRow.admin1,
                       PlaceRow.lat, PlaceRow.lon, PlaceRow.level, PlaceRow.precision)
                .join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id).where(among(EventPlaceRow.event_id))
                .order_by(EventPlaceRow.id)):
            if (d := skip(ev)) is not None:
                d["places"].append({"name": name, "geonameid": gid, "country": cc, "admin1": admin1, "lat": lat,
                                    "lon": lon, "level": level, "precision": precision})
        cols = [EventActorRow.event_id, EventActorRow.name, EventActorRow.role, ActorRow.kind, ActorRow.inter,
                ActorRow.registry_id, ActorRow.country] + ([EventActorRow.mentions] if spans else [])
        for ev, name, role, kind, inter, rid, cc, *mentions in conn.execute(
                select(*cols).outerjoin(ActorRow, ActorRow.id == EventActorRow.actor_id)
                .where(among(EventActorRow.event_id)).order_by(EventActorRow.id)):
            if (d := skip(ev)) is not None:
                d["actors"].append({"name": name, "role": role, "kind": kind, "inter": inter, "id": rid,
                                    "country": cc, "mentions": mentions[0] if mentions else None})
    for ev, low, best, high, grp, text, start, end in conn.execute(
            select(FatalityRow.event_id, FatalityRow.low, FatalityRow.best, FatalityRow.high, FatalityRow.group,
                   FatalityRow.text, FatalityRow.start, FatalityRow.end).where(among(FatalityRow.event_id))):
        if (d := skip(ev)) is None:
            continue
        d["fatalities"] = {"low": low, "best": best, "high": high, "group": grp, "text": text,
                                 "span": [start, end]}
    for ev, source, stance, date, quote, start, end in conn.execute(
            select(AttributionRow.event_id, AttributionRow.source, AttributionRow.stance, AttributionRow.date,
                   AttributionRow.quote, AttributionRow.start, AttributionRow.end)
            .where(among(AttributionRow.event_id)).order_by(AttributionRow.id)):
        if (d := skip(ev)) is None:
            continue
        d["attributions"].append({"source": source, "stance": stance, "date": _iso(date), "quote": quote,
                                        "span": [start, end] if start is not None else None})
    for d in out.values():
        if len(d["places"]) > 1:
            d["places"].sort(key=_place_order)
    return out


def _place_order(p: dict) -> tuple:
    return place_rank(p["precision"]), p["name"]


def _filtered(q, table, types, since, until):
    """The filters events and incidents share: type, and a date window that overlaps."""
    if types:
        q = q.where(table.type == types)
    if since:
        q = q.where(table.date_end >= since)
    if until:
        q = q.where(table.date_start <= until)
    return q


def iter_events(engine: Engine, *, types: str | None = None, since=None, until=None,
                spans: bool = True) -> Iterator[dict[str, Any]]:
    """Every stored event with its document, places, actors, figure and attributions
    (``spans=False``: without the mention spans, which the tabular exports do not write)."""
    cols = [EventRow.id, EventRow.local_id, EventRow.type, EventRow.acled_event_type, EventRow.acled_sub_event_type,
            EventRow.plover, EventRow.date_start, EventRow.date_end, EventRow.date_precision, EventRow.count,
            EventRow.status, EventRow.mentions if spans else literal_column("NULL").label("mentions"),
            DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title, DocumentRow.source, DocumentRow.url,
            DocumentRow.published, DocumentRow.ingested_at]
    def batches():
        last = 0
        with engine.connect() as conn:
            names = name_tables(conn)
            while True:
                q = (select(*cols).join(DocumentRow, DocumentRow.id == EventRow.document_id)
                     .where(EventRow.id > last).order_by(EventRow.id).limit(BATCH))
                rows = conn.execute(_filtered(q, EventRow, types, since, until)).all()
                if not rows:
                    return
                yield rows, _details(conn, [r[0] for r in rows], spans=spans, names=names)
                last = rows[-1][0]

    for rows, details in prefetched(batches()):
        for r in rows:
            yield _event_tuple(r, details[r[0]])


def _among(ids: list[int]):
    """The condition "column holds one of these (ascending) ids": one range, or an IN list when
    they are scattered (no long list to bind)."""
    lo, hi = ids[0], ids[-1]
    if hi - lo + 1 > 4 * len(ids):
        return lambda col: col.in_(ids)
    return lambda col: col.between(lo, hi)


Place = tuple  # (name, country, admin1, lat, lon, precision)
Actor = tuple  # (name, role, kind, inter, registry id, country)


class FlatEvent(NamedTuple):
    """An event as the tabular exports read it, in plain hashable values: its primary place
    (the first in rank order, as ``Place``), its actors (as ``Actor``, stored order), its figure's
    low end and its attributions as (source, stance) in stored order."""
    id: int
    acled_event_type: str | None
    acled_sub_event_type: str | None
    date_start: str | None
    date_end: str | None
    precision: str | None
    status: str | None
    outlets: tuple[str, ...]
    place: Place | None
    actors: tuple[Actor, ...]
    low: int | None
    attributions: tuple[tuple[str | None, str], ...]


def iter_flat_events(engine: Engine, *, types: str | None = None, since=None, until=None,
                     status: str | None = None) -> Iterator[list[FlatEvent]]:
    """Batches of events (in id order) for the tabular exports: the columns they write only,
    read as tuples (dates as ISO text, no per-row conversion). On PostgreSQL the next batch is
    read by a thread while the caller writes this one; SQLite reads in this process under the
    same interpreter lock, where a thread only adds switching."""
    cols = [EventRow.id, EventRow.acled_event_type, EventRow.acled_sub_event_type, cast(EventRow.date_start, String),
            cast(EventRow.date_end, String), EventRow.date_precision, EventRow.status, DocumentRow.source]

    def batches():
        last = 0
        with engine.connect() as conn:
            stored, actors = name_tables(conn)
            places = {pid: (p["name"], p["country"], p["admin1"], p["lat"], p["lon"], p["precision"])
                      for pid, p in stored.items()}
            rank = {pid: _place_order(p) for pid, p in stored.items()}
            nobody = (None, None, None, None)
            while True:
                q = (select(*cols).join(DocumentRow, DocumentRow.id == EventRow.document_id)
                     .where(EventRow.id > last).order_by(EventRow.id).limit(BATCH))
                if status:
                    q = q.where(EventRow.status == status)
                rows = conn.execute(_filtered(q, EventRow, types, since, until)).all()
                if not rows:
                    return
                ids = [r[0] for r in rows]
                among = _among(ids)
                first: dict[int, int] = {}
                for ev, pid in conn.execute(select(EventPlaceRow.event_id, EventPlaceRow.place_id)
                                            .where(among(EventPlaceRow.event_id))).all():
                    had = first.get(ev)
                    if had is None or rank[pid] < rank[had]:      # the first of the lowest rank, as a stable sort
                        first[ev] = pid
                who: dict[int, list[tuple]] = {}
                for ev, aid, name, role in conn.execute(
                        select(EventActorRow.event_id, EventActorRow.actor_id, EventActorRow.name, EventActorRow.role)
                        .where(among(EventActorRow.event_id)).order_by(EventActorRow.id)).all():
                    who.setdefault(ev, []).append((name, role, *(actors.get(aid, nobody) if aid is not None else nobody)))
                low = dict(conn.execute(select(FatalityRow.event_id, FatalityRow.low)
                                        .where(among(FatalityRow.event_id)).order_by(FatalityRow.id)).all())
                said: dict[int, list[tuple]] = {}
                for ev, source, stance in conn.execute(
                        select(AttributionRow.event_id, AttributionRow.source, AttributionRow.stance)
                        .where(among(AttributionRow.event_id)).order_by(AttributionRow.id)).all():
                    said.setdefault(ev, []).append((source, stance))
                make = FlatEvent._make
                yield [make((eid, acled, sub, start, end, prec, st, (outlet,) if outlet else (),
                             places[first[eid]] if eid in first else None, tuple(who.get(eid, ())),
                             low.get(eid), tuple(said.get(eid, ()))))
                       for eid, acled, sub, start, end, prec, st, outlet in rows]
                last = ids[-1]

    return batches() if engine.dialect.name == "sqlite" else prefetched(batches())


def prefetched(items: Iterator, depth: int = 2) -> Iterator:
    """``items`` produced by a thread of its own, ``depth`` ahead of the consumer: the database
    reads the next batch while the caller formats this one. Errors come through; closing the
    consumer stops the producer."""
    import contextlib
    import queue
    import threading
    box: queue.Queue = queue.Queue(maxsize=depth)
    done, stop = object(), threading.Event()

    def run() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        box.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(done)
        except BaseException as exc:          # handed to the consumer
            box.put(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        while True:
            item = box.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.1)


def _event_tuple(r: tuple, details: dict[str, Any]) -> dict[str, Any]:
    (eid, local, type_, acled_type, acled_sub, plover, start, end, precision, count, status, mentions,
     doc_id, sha, title, source, url, published, ingested) = r
    return {"id": eid, "event": local, "type": type_, "acled_event_type": acled_type,
            "acled_sub_event_type": acled_sub, "plover": plover,
            "date_start": start.isoformat() if start else None, "date_end": end.isoformat() if end else None,
            "precision": precision, "count": count, "status": status, "mentions": mentions,
            "document": {"id": doc_id, "sha256": sha, "title": title, "outlet": source, "url": url,
                         "published": published.isoformat() if published else None,
                         "ingested_at": ingested.isoformat() if ingested else None},
            **details}


def event_dict(r, details: dict[str, Any]) -> dict[str, Any]:
    """An event row (with its document's columns) and its details as one plain dict."""
    return {"id": r.id, "event": r.local_id, "type": r.type, "acled_event_type": r.acled_event_type,
            "acled_sub_event_type": r.acled_sub_event_type, "plover": r.plover,
            "date_start": _iso(r.date_start), "date_end": _iso(r.date_end), "precision": r.date_precision,
            "count": r.count, "status": r.status, "mentions": r.mentions,
            "document": {"id": r.doc_id, "sha256": r.sha256, "title": r.title, "outlet": r.source,
                         "url": r.url, "published": _iso(r.published),
                         "ingested_at": r.ingested_at.isoformat() if r.ingested_at else None},
            **details}


def iter_incidents(engine: Engine, *, types: str | None = None, since=None, until=None,
                   status: str | None = None, keys: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every incident (or those of ``keys``) with its combined values and its member events (as
    ``iter_events`` gives them)."""
    last = 0
    with engine.connect() as conn:
        while True:
            q = select(IncidentRow).where(IncidentRow.id > last).order_by(IncidentRow.id).limit(BATCH // 10)
            if keys is not None:
                q = q.where(IncidentRow.key.in_(keys))
            if status:
                q = q.where(IncidentRow.status == status)
            incs = conn.execute(_filtered(q, IncidentRow, types, since, until)).all()
            if not incs:
                return
            links = conn.execute(select(IncidentEventRow.incident_id, IncidentEventRow.event_id)
                                 .where(IncidentEventRow.incident_id.in_([i.id for i in incs]))).all()
            ev_ids = [e for _, e in links]
            events = {}
            for r in conn.execute(select(EventRow, DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title,
                                         DocumentRow.source, DocumentRow.published)
                                  .join(DocumentRow, DocumentRow.id == EventRow.document_id)
                                  .where(EventRow.id.in_(ev_ids))):
                events[r.id] = {"id": r.id, "event": r.local_id, "type": r.type, "status": r.status,
                                "acled_event_type": r.acled_event_type, "acled_sub_event_type": r.acled_sub_event_type,
                                "plover": r.plover, "date_start": _iso(r.date_start), "date_end": _iso(r.date_end),
                                "precision": r.date_precision, "count": r.count, "mentions": r.mentions,
                                "document": {"id": r.doc_id, "sha256": r.sha256, "title": r.title,
                                             "outlet": r.source, "published": _iso(r.published)}}
            details = _details(conn, ev_ids)
            members = defaultdict(list)
            for iid, eid in links:
                members[iid].append({**events[eid], **details[eid]})
            for i in incs:
                yield {"id": i.key, "type": i.type, "date_start": _iso(i.date_start), "date_end": _iso(i.date_end),
                       "low": i.low, "best": i.best, "high": i.high, "acled": i.acled, "status": i.status,
                       "sources": i.sources, "events": sorted(members[i.id], key=lambda e: e["id"])}
            last = incs[-1].id
