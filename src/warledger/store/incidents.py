"""Incidents in the store: events read back as plain dicts for aggregate/, and the incidents it
builds written back (the store does not import the aggregate stage)."""
from __future__ import annotations

import hashlib
import math
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


def event_rows(engine: Engine, keys: list[str] | None = None, *, event_ids: list[int] | None = None,
               conn=None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every stored event (or those of ``keys``, "sha256:event id", or of ``event_ids``) as a
    plain dict, and the event row id of each record key. Besides dates, places with coordinates,
    perpetrators, figure and attributions, a record has what tells two reports' stories apart:
    every place's name with its precision (names the gazetteer could not place too), the named
    victims and targets, and the text of the sentences that mention the event."""
    if conn is None:
        with engine.connect() as c:
            return event_rows(engine, keys, event_ids=event_ids, conn=c)
    q = select(EventRow.id, EventRow.document_id, EventRow.local_id, EventRow.type, EventRow.date_start,
               EventRow.date_end, EventRow.date_precision, EventRow.mentions)
    doc_q = select(DocumentRow.id, DocumentRow.sha256, DocumentRow.source, DocumentRow.published)
    if event_ids is not None:
        events = [e for part in _parts(sorted(set(event_ids))) for e in conn.execute(q.where(EventRow.id.in_(part)))]
        doc_ids = sorted({e.document_id for e in events})
        docs = {r.id: r for part in _parts(doc_ids) for r in conn.execute(doc_q.where(DocumentRow.id.in_(part)))}
    else:
        docs = {r.id: r for r in conn.execute(doc_q)}
        events = conn.execute(q).all() if keys is None else []
        if keys is not None:
            by_sha = {d.sha256: i for i, d in docs.items()}
            wanted = {(by_sha[k.partition(":")[0]], k.partition(":")[2]) for k in keys if k.partition(":")[0] in by_sha}
            events = [e for e in conn.execute(q.where(EventRow.document_id.in_({d for d, _ in wanted})))
                      if (e.document_id, e.local_id) in wanted]
    ev_ids = [e.id for e in events] if keys is not None or event_ids is not None else None

    def only(query, column):
        return _union_in(conn, query, column, ev_ids)
    places = defaultdict(list)
    names = defaultdict(list)
    for ev_id, lat, lon, precision, name, level in (only(
            select(EventPlaceRow.event_id, PlaceRow.lat, PlaceRow.lon, PlaceRow.precision, PlaceRow.name,
                   PlaceRow.level).join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id), EventPlaceRow.event_id)):
        if lat is not None and lon is not None:
            places[ev_id].append((lat, lon, precision))
        names[ev_id].append((name, precision, level))
    perps = defaultdict(set)
    victims = defaultdict(set)
    for ev_id, name, role in (only(select(EventActorRow.event_id, EventActorRow.name, EventActorRow.role)
                                               .where(EventActorRow.role.in_(("perpetrator", "victim", "target"))),
                                               EventActorRow.event_id)):
        (perps if role == "perpetrator" else victims)[ev_id].add(name)
    figures = {r.event_id: r for r in (only(select(FatalityRow.event_id, FatalityRow.low,
                                                               FatalityRow.best, FatalityRow.high),
                                                        FatalityRow.event_id))}
    atts = defaultdict(list)
    for ev_id, source, stance in (only(select(AttributionRow.event_id, AttributionRow.source,
                                                          AttributionRow.stance), AttributionRow.event_id)):
        atts[ev_id].append((source, stance))
    texts = dict(_union_in(conn, select(DocumentRow.id, DocumentRow.text), DocumentRow.id,
                           sorted({e.document_id for e in events})))
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


def _parts(ids: list, n: int = 900):
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _union_in(conn, query, column, ids: list | None) -> list:
    """The rows of ``query`` whose ``column`` is in ``ids`` (in parts: SQLite bounds the
    parameters of one statement); ``ids`` None: every row."""
    if ids is None:
        return conn.execute(query).all()
    return [r for part in _parts(sorted(ids)) for r in conn.execute(query.where(column.in_(part)))]


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


# ---------------------------------------------------------------- written in parts

def iter_event_ids(engine: Engine, n: int):
    """Every event id, ``n`` at a time, in id order (read a part at a time)."""
    last = 0
    while True:
        with engine.connect() as conn:
            ids = list(conn.scalars(select(EventRow.id).where(EventRow.id > last).order_by(EventRow.id).limit(n)))
        if not ids:
            return
        yield ids
        last = ids[-1]


def clear_mark(engine: Engine, mark: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(LedgerStateRow).where(LedgerStateRow.key == NEEDS_REBUILD, LedgerStateRow.value == mark))


def incident_keys_of(conn, event_ids: list[int]) -> set[str]:
    """The keys of the stored incidents holding any of these events."""
    return {k for part in _parts(sorted(set(event_ids))) for k in conn.scalars(
        select(IncidentRow.key).join(IncidentEventRow, IncidentEventRow.incident_id == IncidentRow.id)
        .where(IncidentEventRow.event_id.in_(part)).distinct())}


def _insert_incidents(conn, incidents: list[dict[str, Any]], ids: dict[str, int]) -> list[dict[str, Any]]:
    """Insert incidents (dicts with ``members``) with their summary columns and filter rows."""
    if not incidents:
        return []
    members = {inc["key"]: inc.pop("members") for inc in incidents}
    event_ids = {key: [ids[k] for k in keys] for key, keys in members.items()}
    summarise(conn, incidents, event_ids)
    conn.execute(insert(IncidentRow), incidents)
    iid = {}
    for part in _parts(sorted(members)):
        iid.update(conn.execute(select(IncidentRow.key, IncidentRow.id).where(IncidentRow.key.in_(part))).all())
    conn.execute(insert(IncidentEventRow), [{"incident_id": iid[key], "event_id": e}
                                            for key, evs in event_ids.items() for e in evs])
    write_filters(conn, iid, event_ids)
    return incidents


def _cell_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    from .summary import cell_size
    size = cell_size(zoom)
    return math.floor(lon / size), math.floor(lat / size)


def _refresh_aggregates(conn, gone: list[tuple], added: list[tuple]) -> None:
    """The map cells and incident days that incidents (lat, lon, best, date_start) were removed
    from (``gone``) or added to: cells by difference (a cell whose edge a removed incident
    held is recomputed), days recomputed."""
    from sqlalchemy import and_, func, tuple_, update

    from .summary import MAP_ZOOMS, cell_size
    from .tables import IncidentDayRow, MapCellRow
    for day in sorted({r[3] for r in gone + added if r[3] is not None}):
        conn.execute(delete(IncidentDayRow).where(IncidentDayRow.day == day))
        n, best = conn.execute(select(func.count(), func.sum(IncidentRow.best)).where(
            IncidentRow.sort_key >= f"{day.isoformat()}|", IncidentRow.sort_key < f"{day.isoformat()}|~")).one()
        if n:
            conn.execute(insert(IncidentDayRow).values(day=day, n=n, best=best))
    for z in MAP_ZOOMS:
        delta: dict[tuple[int, int], list] = {}
        for sign, rows in ((-1, gone), (1, added)):
            for lat, lon, best, _day in rows:
                if lat is None or lon is None:
                    continue
                d = delta.setdefault(_cell_of(lat, lon, z), [0, 0.0, 0.0, 0, False, [], []])
                d[0] += sign
                d[1] += sign * lat
                d[2] += sign * lon
                if best is not None:
                    d[3] += sign * best
                    d[4] = True
                (d[5] if sign < 0 else d[6]).append((lat, lon))
        if not delta:
            continue
        cells = list(delta)
        have = {}
        for i in range(0, len(cells), 400):
            for r in conn.execute(select(MapCellRow).where(MapCellRow.zoom == z, tuple_(MapCellRow.gx, MapCellRow.gy)
                                                           .in_(cells[i:i + 400]))):
                have[(r.gx, r.gy)] = r
        size = cell_size(z)
        for (gx, gy), (dn, dlat, dlon, dbest, has_best, out, into) in delta.items():
            old = have.get((gx, gy))
            edge = old is not None and any(la in (old.south, old.north) or lo in (old.west, old.east) for la, lo in out)
            if old is None and out:
                edge = True
            if edge or old is None and not into:
                conn.execute(delete(MapCellRow).where(MapCellRow.zoom == z, MapCellRow.gx == gx, MapCellRow.gy == gy))
                q = select(func.count(), func.sum(IncidentRow.lat), func.sum(IncidentRow.lon), func.min(IncidentRow.lat),
                           func.min(IncidentRow.lon), func.max(IncidentRow.lat), func.max(IncidentRow.lon),
                           func.sum(IncidentRow.best)).where(and_(
                               IncidentRow.lat >= gy * size, IncidentRow.lat < (gy + 1) * size,
                               IncidentRow.lon >= gx * size, IncidentRow.lon < (gx + 1) * size))
                n, ls, os_, so, we, no, ea, best = conn.execute(q).one()
                if n:
                    conn.execute(insert(MapCellRow).values(zoom=z, gx=gx, gy=gy, n=n, lat_sum=ls, lon_sum=os_,
                                                           south=so, west=we, north=no, east=ea, best=best))
                continue
            lats = [la for la, _ in into]
            lons = [lo for _, lo in into]
            if old is None:
                conn.execute(insert(MapCellRow).values(zoom=z, gx=gx, gy=gy, n=dn, lat_sum=dlat, lon_sum=dlon,
                                                       south=min(lats), west=min(lons), north=max(lats),
                                                       east=max(lons), best=dbest if has_best else None))
            elif old.n + dn <= 0:
                conn.execute(delete(MapCellRow).where(MapCellRow.id == old.id))
            else:
                conn.execute(update(MapCellRow).where(MapCellRow.id == old.id).values(
                    n=old.n + dn, lat_sum=old.lat_sum + dlat, lon_sum=old.lon_sum + dlon,
                    south=min([old.south] + lats), west=min([old.west] + lons), north=max([old.north] + lats),
                    east=max([old.east] + lons),
                    best=(old.best or 0) + dbest if (has_best or old.best is not None) else None))


def replace_incidents(conn, drop: list[str], add: list[dict[str, Any]], ids: dict[str, int],
                      mark: str | None = None) -> None:
    """Within the caller's transaction: remove the incidents of keys ``drop``, insert ``add``,
    bring the map cells and days they touch up to date, and clear the "needs rebuild" mark
    ``mark`` if no document came in since it was read."""
    if mark is not None:
        conn.execute(delete(LedgerStateRow).where(LedgerStateRow.key == NEEDS_REBUILD, LedgerStateRow.value == mark))
    gone = []
    for part in _parts(sorted(drop)):
        gone += conn.execute(select(IncidentRow.id, IncidentRow.lat, IncidentRow.lon, IncidentRow.best,
                                    IncidentRow.date_start).where(IncidentRow.key.in_(part))).all()
    gone_ids = [g[0] for g in gone]
    for table in (IncidentPlaceRow, IncidentActorRow, IncidentEventRow):
        for part in _parts(gone_ids):
            conn.execute(delete(table).where(table.incident_id.in_(part)))
    for part in _parts(gone_ids):
        conn.execute(delete(IncidentRow).where(IncidentRow.id.in_(part)))
    added = _insert_incidents(conn, add, ids)
    _refresh_aggregates(conn, [tuple(g[1:]) for g in gone],
                        [(r.get("lat"), r.get("lon"), r.get("best"), r.get("date_start")) for r in added])


def write_incidents_stream(engine: Engine, groups: list[list[str]], machine: list[tuple[str, ...]], finish_rows,
                           mark: str | None, part: int = 20_000, made=None) -> int:
    """Replace every stored incident, in one transaction, by those of ``groups`` (member keys),
    made ``part`` groups at a time by ``finish_rows(conn, groups)`` (or taken in order from
    ``made``, an iterator of those pieces' rows computed elsewhere); every event's machine group
    (``machine``) written too, and the "needs rebuild" mark ``mark`` cleared as ``write_incidents``
    does."""
    from sqlalchemy import bindparam, update

    from .aggregate_state import A, event_ids
    n = 0
    with engine.begin() as conn:
        if mark is not None:
            conn.execute(delete(LedgerStateRow).where(LedgerStateRow.key == NEEDS_REBUILD,
                                                      LedgerStateRow.value == mark))
        for table in (IncidentPlaceRow, IncidentActorRow, IncidentEventRow, IncidentRow):
            conn.execute(delete(table))
        stmt = update(A).where(A.key == bindparam("k")).values(machine=bindparam("m"))
        for i in range(0, len(machine), part):
            rows = []
            for g in machine[i:i + part]:
                gk = hashlib.sha256("|".join(g).encode()).hexdigest()[:16]
                rows += [{"k": k, "m": gk} for k in g]
            conn.execute(stmt, rows)
        for i in range(0, len(groups), part):
            batch = groups[i:i + part]
            rows = finish_rows(conn, batch) if made is None else next(made)
            ids = event_ids(conn, {k for g in batch for k in g})
            _insert_incidents(conn, rows, ids)
            n += len(rows)
        write_aggregates(conn)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE incidents, incident_events, incident_places, incident_actors, aggregate_events")
    return n


def incident_count(engine: Engine) -> int:
    from sqlalchemy import func
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(IncidentRow)) or 0
