"""Events and incidents read out of the store as plain dicts, in batches, for exports: memory
stays flat however large the ledger is."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
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

BATCH = 1000


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _details(conn, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Places, actors, fatalities and attributions of these events."""
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"places": [], "actors": [], "fatalities": None,
                                                          "attributions": []})
    for r in conn.execute(select(EventPlaceRow.event_id, PlaceRow.name, PlaceRow.geonameid, PlaceRow.country,
                                 PlaceRow.admin1, PlaceRow.lat, PlaceRow.lon, PlaceRow.level, PlaceRow.precision)
                          .join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id).where(EventPlaceRow.event_id.in_(ids))):
        out[r.event_id]["places"].append({"name": r.name, "geonameid": r.geonameid, "country": r.country,
                                          "admin1": r.admin1, "lat": r.lat, "lon": r.lon, "level": r.level,
                                          "precision": r.precision})
    for r in conn.execute(select(EventActorRow.event_id, EventActorRow.name, EventActorRow.role, EventActorRow.mentions,
                                 ActorRow.kind, ActorRow.inter, ActorRow.registry_id, ActorRow.country)
                          .outerjoin(ActorRow, ActorRow.id == EventActorRow.actor_id)
                          .where(EventActorRow.event_id.in_(ids))):
        out[r.event_id]["actors"].append({"name": r.name, "role": r.role, "kind": r.kind, "inter": r.inter,
                                          "id": r.registry_id, "country": r.country, "mentions": r.mentions})
    for r in conn.execute(select(FatalityRow).where(FatalityRow.event_id.in_(ids))):
        out[r.event_id]["fatalities"] = {"low": r.low, "best": r.best, "high": r.high, "group": r.grp,
                                         "text": r.text, "span": [r.start, r.end]}
    for r in conn.execute(select(AttributionRow).where(AttributionRow.event_id.in_(ids))):
        out[r.event_id]["attributions"].append({"source": r.source, "stance": r.stance, "date": _iso(r.date),
                                                "quote": r.quote, "span": [r.start, r.end] if r.start is not None else None})
    for d in out.values():
        d["places"].sort(key=lambda p: (place_rank(p["precision"]), p["name"]))
    return out


def _filtered(q, table, types, since, until):
    """The filters events and incidents share: type, and a date window that overlaps."""
    if types:
        q = q.where(table.type == types)
    if since:
        q = q.where(table.date_end >= since)
    if until:
        q = q.where(table.date_start <= until)
    return q


def iter_events(engine: Engine, *, types: str | None = None, since=None, until=None) -> Iterator[dict[str, Any]]:
    """Every stored event with its document, places, actors, figure and attributions."""
    last = 0
    with engine.connect() as conn:
        while True:
            q = (select(EventRow, DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title, DocumentRow.source,
                        DocumentRow.url, DocumentRow.published, DocumentRow.ingested_at)
                 .join(DocumentRow, DocumentRow.id == EventRow.document_id)
                 .where(EventRow.id > last).order_by(EventRow.id).limit(BATCH))
            rows = conn.execute(_filtered(q, EventRow, types, since, until)).all()
            if not rows:
                return
            details = _details(conn, [r.id for r in rows])
            for r in rows:
                yield event_dict(r, details[r.id])
            last = rows[-1].id


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
