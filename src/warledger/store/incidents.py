"""Incidents in the store: events read back as plain dicts for aggregate/, and the incidents it
builds written back (the store does not import the aggregate stage)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from .like import ESCAPE, contains
from .summary import summarise, write_aggregates, write_filters
from .tables import (
    AttributionRow,
    DocumentRow,
    EventActorRow,
    EventPlaceRow,
    EventRow,
    FatalityRow,
    IncidentActorRow,
    IncidentEventRow,
    IncidentPlaceRow,
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


def event_rows(engine: Engine, keys: list[str] | None = None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every stored event (or those of ``keys``, "sha256:event id") as a plain dict, and the event
    row id of each record key. Besides dates, places with coordinates, perpetrators, figure and
    attributions, a record has what tells two reports' stories apart: every place's name with its
    precision (names the gazetteer could not place too), the named victims and targets, and the
    text of the sentences that mention the event."""
    with engine.connect() as conn:
        docs = {r.id: r for r in conn.execute(select(DocumentRow.id, DocumentRow.sha256, DocumentRow.source,
                                                     DocumentRow.published))}
        q = select(EventRow.id, EventRow.document_id, EventRow.local_id, EventRow.type, EventRow.date_start,
                   EventRow.date_end, EventRow.date_precision, EventRow.mentions)
        events = conn.execute(q).all() if keys is None else []
        if keys is not None:
            by_sha = {d.sha256: i for i, d in docs.items()}
            wanted = {(by_sha[k.partition(":")[0]], k.partition(":")[2]) for k in keys if k.partition(":")[0] in by_sha}
            events = [e for e in conn.execute(q.where(EventRow.document_id.in_({d for d, _ in wanted})))
                      if (e.document_id, e.local_id) in wanted]
        ev_ids = [e.id for e in events] if keys is not None else None

        def only(query, column):
            return query.where(column.in_(ev_ids)) if ev_ids is not None else query
        places = defaultdict(list)
        names = defaultdict(list)
        for ev_id, lat, lon, precision, name, level in conn.execute(only(
                select(EventPlaceRow.event_id, PlaceRow.lat, PlaceRow.lon, PlaceRow.precision, PlaceRow.name,
                       PlaceRow.level).join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id), EventPlaceRow.event_id)):
            if lat is not None and lon is not None:
                places[ev_id].append((lat, lon, precision))
            names[ev_id].append((name, precision, level))
        perps = defaultdict(set)
        victims = defaultdict(set)
        for ev_id, name, role in conn.execute(only(select(EventActorRow.event_id, EventActorRow.name, EventActorRow.role)
                                                   .where(EventActorRow.role.in_(("perpetrator", "victim", "target"))),
                                                   EventActorRow.event_id)):
            (perps if role == "perpetrator" else victims)[ev_id].add(name)
        figures = {r.event_id: r for r in conn.execute(only(select(FatalityRow.event_id, FatalityRow.low,
                                                                   FatalityRow.best, FatalityRow.high),
                                                            FatalityRow.event_id))}
        atts = defaultdict(list)
        for ev_id, source, stance in conn.execute(only(select(AttributionRow.event_id, AttributionRow.source,
                                                              AttributionRow.stance), AttributionRow.event_id)):
            atts[ev_id].append((source, stance))
        texts = dict(conn.execute(select(DocumentRow.id, DocumentRow.text)
                                  .where(DocumentRow.id.in_({e.document_id for e in events}))).all())
        records, ids = [], {}
        for e in events:
            d = docs[e.document_id]
            f = figures.get(e.id)
            key = f"{d.sha256}:{e.local_id}"
            ids[key] = e.id
            text = texts.get(e.document_id) or ""
            records.append({"key": key, "document": d.sha256, "outlet": d.source, "type": e.type,
                            "date_start": e.date_start, "date_end": e.date_end, "precision": e.date_precision,
                            "published": d.published, "places": places[e.id], "perpetrators": perps[e.id],
                            "low": f.low if f else None, "best": f.best if f else None, "high": f.high if f else None,
                            "attributions": atts[e.id], "place_names": names[e.id], "victims": victims[e.id],
                            "text": " ".join(text[a:b] for a, b in (e.mentions or []))})
    return records, ids


def span_days(start, end) -> int | None:
    """Days from an incident's first date to its last, both counted."""
    return (end - start).days + 1 if start and end else None


def area(places: list[tuple[str, float | None, float | None, str]]) -> dict[str, Any] | None:
    """Where an incident is: its most precise places (a country named beside a town says nothing
    more) — the one named most often, their precision, and how far apart they lie at most."""
    from ..resolve.gazetteer import km
    from ..vocab import place_rank
    placed = [p for p in places if p[1] is not None and p[2] is not None]
    if not placed:
        return None
    top = min(place_rank(p[3]) for p in placed)
    best = [p for p in placed if place_rank(p[3]) == top]
    names: dict[str, int] = defaultdict(int)
    for p in best:
        names[p[0]] += 1
    spread = max((km(a[1], a[2], b[1], b[2]) for i, a in enumerate(best) for b in best[i + 1:]), default=0.0)
    return {"place": min(names, key=lambda n: (-names[n], n)), "precision": best[0][3], "places": len(names),
            "spread_km": round(spread, 1)}


def _areas(conn, incident_ids: list[int] | None = None) -> dict[int, dict[str, Any] | None]:
    q = (select(IncidentEventRow.incident_id, PlaceRow.name, PlaceRow.lat, PlaceRow.lon, PlaceRow.precision)
         .join(EventPlaceRow, EventPlaceRow.event_id == IncidentEventRow.event_id)
         .join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id))
    if incident_ids is not None:
        q = q.where(IncidentEventRow.incident_id.in_(incident_ids))
    places = defaultdict(list)
    for iid, name, lat, lon, precision in conn.execute(q):
        places[iid].append((name, lat, lon, precision))
    return {iid: area(ps) for iid, ps in places.items()}


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
        conn.execute(delete(IncidentPlaceRow))
        conn.execute(delete(IncidentActorRow))
        conn.execute(delete(IncidentEventRow))
        conn.execute(delete(IncidentRow))
        if not incidents:
            write_aggregates(conn)
            return
        event_ids = {key: [ids[k] for k in keys] for key, keys in members.items()}
        summarise(conn, incidents, event_ids)
        conn.execute(insert(IncidentRow), incidents)            # bulk: one statement, many rows
        iid = dict(conn.execute(select(IncidentRow.key, IncidentRow.id)).all())
        conn.execute(insert(IncidentEventRow), [{"incident_id": iid[key], "event_id": e}
                                                for key, evs in event_ids.items() for e in evs])
        write_filters(conn, iid, event_ids)
        write_aggregates(conn)
        if conn.dialect.name == "postgresql":       # the tables were rewritten: plans need their new statistics
            conn.exec_driver_sql("ANALYZE incidents, incident_events, incident_places, incident_actors")


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
        areas = _areas(conn)
        return [{"id": r.key, "type": r.type, "date_start": r.date_start.isoformat() if r.date_start else None,
                 "date_end": r.date_end.isoformat() if r.date_end else None,
                 "days": span_days(r.date_start, r.date_end), "area": areas.get(r.id), "low": r.low, "best": r.best,
                 "high": r.high, "acled": r.acled, "status": r.status, "sources": r.sources,
                 "events": len(members[r.id]), "members": sorted(members[r.id])} for r in rows]


def get_incident(engine: Engine, key: str) -> dict[str, Any] | None:
    """One incident with every member event: document, figure, sources and stances, as the
    machine made it (``store.queries.incident_detail`` without the reviews)."""
    from .queries import incident_detail
    return incident_detail(engine, key, reviews=False)


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
