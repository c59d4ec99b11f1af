"""Incidents in the store: events read back as plain dicts for aggregate/, and the incidents it
builds written back (the store does not import the aggregate stage)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from .tables import (
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


def event_rows(engine: Engine) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every stored event as a plain dict, and the event row id of each record key."""
    with engine.connect() as conn:
        docs = {r.id: r for r in conn.execute(select(DocumentRow.id, DocumentRow.sha256, DocumentRow.source,
                                                     DocumentRow.published))}
        places = defaultdict(list)
        for ev_id, lat, lon, precision in conn.execute(
                select(EventPlaceRow.event_id, PlaceRow.lat, PlaceRow.lon, PlaceRow.precision)
                .join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id)):
            if lat is not None and lon is not None:
                places[ev_id].append((lat, lon, precision))
        perps = defaultdict(set)
        for ev_id, name in conn.execute(select(EventActorRow.event_id, EventActorRow.name)
                                        .where(EventActorRow.role == "perpetrator")):
            perps[ev_id].add(name)
        figures = {r.event_id: r for r in conn.execute(select(FatalityRow.event_id, FatalityRow.low, FatalityRow.best,
                                                              FatalityRow.high))}
        atts = defaultdict(list)
        for ev_id, source, stance in conn.execute(select(AttributionRow.event_id, AttributionRow.source,
                                                         AttributionRow.stance)):
            atts[ev_id].append((source, stance))
        records, ids = [], {}
        for e in conn.execute(select(EventRow.id, EventRow.document_id, EventRow.local_id, EventRow.type,
                                     EventRow.date_start, EventRow.date_end, EventRow.date_precision)):
            d = docs[e.document_id]
            f = figures.get(e.id)
            key = f"{d.sha256}:{e.local_id}"
            ids[key] = e.id
            records.append({"key": key, "document": d.sha256, "outlet": d.source, "type": e.type,
                            "date_start": e.date_start, "date_end": e.date_end, "precision": e.date_precision,
                            "published": d.published, "places": places[e.id], "perpetrators": perps[e.id],
                            "low": f.low if f else None, "best": f.best if f else None, "high": f.high if f else None,
                            "attributions": atts[e.id]})
    return records, ids


def write_incidents(engine: Engine, incidents: list[dict[str, Any]], ids: dict[str, int]) -> None:
    """Replace the stored incidents with these, in one transaction."""
    with engine.begin() as conn:
        conn.execute(delete(IncidentEventRow))
        conn.execute(delete(IncidentRow))
        for inc in incidents:
            members = inc.pop("members")
            iid = conn.execute(insert(IncidentRow).values(**inc).returning(IncidentRow.id)).scalar_one()
            conn.execute(insert(IncidentEventRow), [{"incident_id": iid, "event_id": ids[k]} for k in members])


def list_incidents(engine: Engine, *, status: str | None = None, type_: str | None = None,
                   since=None, until=None) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        q = select(IncidentRow).order_by(IncidentRow.date_start, IncidentRow.key)
        if status:
            q = q.where(IncidentRow.status == status)
        if type_:
            q = q.where(IncidentRow.type == type_)
        if since:
            q = q.where(IncidentRow.date_end >= since)
        if until:
            q = q.where(IncidentRow.date_start <= until)
        rows = conn.execute(q).all()
        counts = defaultdict(int)
        for iid, in conn.execute(select(IncidentEventRow.incident_id)):
            counts[iid] += 1
        return [{"id": r.key, "type": r.type, "date_start": r.date_start.isoformat() if r.date_start else None,
                 "date_end": r.date_end.isoformat() if r.date_end else None, "low": r.low, "best": r.best,
                 "high": r.high, "acled": r.acled, "status": r.status, "sources": r.sources,
                 "events": counts[r.id]} for r in rows]


def get_incident(engine: Engine, key: str) -> dict[str, Any] | None:
    """One incident with every member event: document, figure, sources and stances."""
    with engine.connect() as conn:
        r = conn.execute(select(IncidentRow).where(IncidentRow.key == key)).first()
        if r is None:
            return None
        members = conn.execute(
            select(EventRow.id, EventRow.local_id, EventRow.type, EventRow.status, EventRow.mentions,
                   DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title, DocumentRow.source)
            .join(IncidentEventRow, IncidentEventRow.event_id == EventRow.id)
            .join(DocumentRow, DocumentRow.id == EventRow.document_id)
            .where(IncidentEventRow.incident_id == r.id).order_by(DocumentRow.doc_id, EventRow.local_id)).all()
        out = []
        for m in members:
            f = conn.execute(select(FatalityRow).where(FatalityRow.event_id == m.id)).first()
            atts = conn.execute(select(AttributionRow).where(AttributionRow.event_id == m.id)).all()
            out.append({"document": m.doc_id, "sha256": m.sha256, "title": m.title, "outlet": m.source,
                        "event": m.local_id, "type": m.type, "status": m.status, "mentions": m.mentions,
                        "fatalities": {"low": f.low, "best": f.best, "high": f.high, "text": f.text,
                                       "span": [f.start, f.end]} if f else None,
                        "attributions": [{"source": a.source, "stance": a.stance, "quote": a.quote,
                                          "span": [a.start, a.end] if a.start is not None else None} for a in atts]})
        return {"id": r.key, "type": r.type, "date_start": r.date_start.isoformat() if r.date_start else None,
                "date_end": r.date_end.isoformat() if r.date_end else None, "low": r.low, "best": r.best,
                "high": r.high, "acled": r.acled, "status": r.status, "sources": r.sources, "events": out}
