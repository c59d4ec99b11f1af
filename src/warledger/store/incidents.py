"""Incidents in the store: events read back as plain dicts for aggregate/, and the incidents it
builds written back (the store does not import the aggregate stage)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from .like import ESCAPE, contains
from .tables import (
    AttributionRow,
    DocumentRow,
    EventActorRow,
    EventPlaceRow,
    EventRow,
    FatalityRow,
    IncidentEventRow,
    IncidentRow,
    LedgerStateRow,
    PlaceRow,
)

NEEDS_REBUILD = "needs_rebuild"


def rebuild_mark(engine: Engine) -> str | None:
    """The ledger's "needs rebuild" token: set by every document stored since the incidents were
    last written, None when they are up to date. Read it before reading the events to rebuild
    from, and give it to ``write_incidents``."""
    with engine.connect() as conn:
        return conn.scalar(select(LedgerStateRow.value).where(LedgerStateRow.key == NEEDS_REBUILD))


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


def write_incidents(engine: Engine, incidents: list[dict[str, Any]], ids: dict[str, int],
                    mark: str | None = None) -> None:
    """Replace the stored incidents with these, in one transaction, which also clears the
    "needs rebuild" mark ``mark`` (as ``rebuild_mark`` read it before the events were read):
    a document stored since then has written another token, so the mark stays for it."""
    members = {inc["key"]: inc.pop("members") for inc in incidents}
    with engine.begin() as conn:
        if mark is not None:
            conn.execute(delete(LedgerStateRow).where(LedgerStateRow.key == NEEDS_REBUILD,
                                                      LedgerStateRow.value == mark))
        conn.execute(delete(IncidentEventRow))
        conn.execute(delete(IncidentRow))
        if not incidents:
            return
        conn.execute(insert(IncidentRow), incidents)            # bulk: one statement, many rows
        iid = dict(conn.execute(select(IncidentRow.key, IncidentRow.id)).all())
        conn.execute(insert(IncidentEventRow), [{"incident_id": iid[key], "event_id": ids[k]}
                                                for key, keys in members.items() for k in keys])


def list_incidents(engine: Engine, *, status: str | None = None, type_: str | None = None,
                   since=None, until=None, place: str | None = None, actor: str | None = None) -> list[dict[str, Any]]:
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
        if place:
            q = q.where(IncidentRow.id.in_(
                select(IncidentEventRow.incident_id).join(EventPlaceRow, EventPlaceRow.event_id == IncidentEventRow.event_id)
                .join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id).where(PlaceRow.name.ilike(contains(place), escape=ESCAPE))))
        if actor:
            q = q.where(IncidentRow.id.in_(
                select(IncidentEventRow.incident_id).join(EventActorRow, EventActorRow.event_id == IncidentEventRow.event_id)
                .where(EventActorRow.name.ilike(contains(actor), escape=ESCAPE))))
        rows = conn.execute(q).all()
        members = defaultdict(list)
        for iid, sha, local in conn.execute(select(IncidentEventRow.incident_id, DocumentRow.sha256, EventRow.local_id)
                                            .join(EventRow, EventRow.id == IncidentEventRow.event_id)
                                            .join(DocumentRow, DocumentRow.id == EventRow.document_id)):
            members[iid].append(f"{sha}:{local}")
        return [{"id": r.key, "type": r.type, "date_start": r.date_start.isoformat() if r.date_start else None,
                 "date_end": r.date_end.isoformat() if r.date_end else None, "low": r.low, "best": r.best,
                 "high": r.high, "acled": r.acled, "status": r.status, "sources": r.sources,
                 "events": len(members[r.id]), "members": sorted(members[r.id])} for r in rows]


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
        keys = sorted(f"{m.sha256}:{m.local_id}" for m in members)
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
                "high": r.high, "acled": r.acled, "status": r.status, "sources": r.sources, "events": out,
                "members": keys}


# ---------------------------------------------------------------- reviews

def add_review(engine: Engine, *, action: str, anchor: list[str], who: str, why: str | None,
               field: str | None = None, value: Any = None, events: list[str] | None = None) -> int:
    import datetime as dt

    from .tables import ReviewRow
    with engine.begin() as conn:
        return conn.execute(insert(ReviewRow).values(
            action=action, anchor=sorted(anchor), field=field, value={"value": value} if value is not None else None,
            events=events, who=who, at=dt.datetime.now(dt.UTC), why=why).returning(ReviewRow.id)).scalar_one()


def review_rows(engine: Engine) -> list[dict[str, Any]]:
    from .tables import ReviewRow
    with engine.connect() as conn:
        return [{"id": r.id, "action": r.action, "anchor": r.anchor, "field": r.field,
                 "value": (r.value or {}).get("value"), "events": r.events, "who": r.who,
                 "at": r.at.isoformat() if r.at else None, "why": r.why}
                for r in conn.execute(select(ReviewRow).order_by(ReviewRow.id))]


def member_keys(engine: Engine, key: str) -> list[str]:
    """The member events (document sha256:event id) of a stored incident."""
    with engine.connect() as conn:
        rows = conn.execute(select(DocumentRow.sha256, EventRow.local_id)
                            .join(EventRow, EventRow.document_id == DocumentRow.id)
                            .join(IncidentEventRow, IncidentEventRow.event_id == EventRow.id)
                            .join(IncidentRow, IncidentRow.id == IncidentEventRow.incident_id)
                            .where(IncidentRow.key == key)).all()
    return sorted(f"{sha}:{local}" for sha, local in rows)


def tally_rows(engine: Engine) -> list[dict[str, Any]]:
    from .tables import TallyRow
    q = (select(TallyRow.subject, TallyRow.measure, TallyRow.group.label("grp"), TallyRow.value, TallyRow.since, TallyRow.as_of,
                TallyRow.source, TallyRow.text, DocumentRow.source.label("outlet"), DocumentRow.doc_id)
         .join(DocumentRow, DocumentRow.id == TallyRow.document_id))
    with engine.connect() as conn:
        return [{"subject": t.subject, "measure": t.measure, "group": t.grp, "value": t.value,
                 "since": t.since, "as_of": t.as_of, "source": t.source or t.outlet or t.doc_id,
                 "document": t.doc_id, "text": t.text} for t in conn.execute(q)]
