"""The read side the API, the pages and the CLI share: incidents paged, filtered, counted, mapped
and put on a timeline in SQL, with the analysts' reviews applied to the rows shown.

Cost does not grow with the ledger: filters use the incident columns and the indexes of the
place and actor tables; a page reads its rows, their members and their reviews, nothing else;
counting stops at ``COUNT_CAP`` (past it the total is an estimate, ``total_estimate``); offsets
stop at ``MAX_OFFSET`` and a keyset ``cursor`` pages past them."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, cast, false, func, literal, literal_column, or_, select
from sqlalchemy.engine import Engine

from ..errors import UsageError
from .summary import MAP_ZOOMS, cell_size
from .tables import (
    ActorAliasRow,
    ActorRow,
    AttributionRow,
    DocumentRow,
    EventRow,
    FatalityRow,
    IncidentActorRow,
    IncidentDayRow,
    IncidentEventRow,
    IncidentPlaceRow,
    IncidentRow,
    MapCellRow,
    PlaceRow,
    ReviewRow,
)

MAX_OFFSET = 10_000
COUNT_CAP = 10_000         # rows counted exactly; past them the total is estimated
SAMPLE = 2_000             # incident ids the estimate looks at
MAX_CELLS = 4_000          # map cells at most in one answer


@dataclass(frozen=True)
class IncidentQuery:
    """Filters of an incident list. ``place``: a GeoNames id or a place's exact name (any case);
    ``actor``: a registry id or an actor's exact name or alias (any case); ``status`` is the
    effective (reviewed) status; dates overlap the incident's span."""
    status: str | None = None
    type: str | None = None
    country: str | None = None
    place: str | None = None
    actor: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


class CursorError(UsageError):
    def __init__(self) -> None:
        super().__init__("E604", "cursor: not a cursor this ledger gave")


def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError() from None
    if "|" not in raw or len(raw) > 48:
        raise CursorError()
    return raw


# ---------------------------------------------------------------- reviews

def _reviews(conn) -> tuple[dict[int, list[dict]], dict[int, str]]:
    """Corrections and grades by the incident holding most of each one's anchor, and the
    effective status of every incident a status correction changes."""
    from ..aggregate.review import _valid
    rows = [r for r in conn.execute(select(ReviewRow).where(ReviewRow.action.in_(("correct", "grade")))
                                    .order_by(ReviewRow.id))]
    if not rows:
        return {}, {}
    keys = {k for r in rows for k in (r.anchor or [])}
    shas = sorted({k.partition(":")[0] for k in keys})
    held: dict[str, int] = {}
    for i in range(0, len(shas), 500):
        for sha, local, iid in conn.execute(
                select(DocumentRow.sha256, EventRow.local_id, IncidentEventRow.incident_id)
                .join(EventRow, EventRow.document_id == DocumentRow.id)
                .join(IncidentEventRow, IncidentEventRow.event_id == EventRow.id)
                .where(DocumentRow.sha256.in_(shas[i:i + 500]))):
            held[f"{sha}:{local}"] = iid
    mine: dict[int, list[dict]] = defaultdict(list)
    status: dict[int, str] = {}
    for r in rows:
        votes: dict[int, int] = defaultdict(int)
        for k in r.anchor or []:
            if k in held:
                votes[held[k]] += 1
        if not votes:
            continue
        iid = min(votes, key=lambda i: (-votes[i], i))
        mine[iid].append({"id": r.id, "action": r.action, "anchor": r.anchor, "field": r.field,
                          "value": (r.value or {}).get("value"), "events": r.events, "who": r.who,
                          "at": r.at.isoformat() if r.at else None, "why": r.why})
        if r.action == "correct" and r.field == "status" and _valid("status", (r.value or {}).get("value")):
            status[iid] = r.value["value"]
    return mine, status


# ---------------------------------------------------------------- filters

def _clean(text: str) -> str:
    """User text as the databases take it: no NUL (PostgreSQL refuses it in a string)."""
    return text.replace("\x00", "")


def place_ids(conn, ref: str) -> list[int]:
    """Stored places a filter names: by GeoNames id, else by exact name in any case."""
    ref = _clean(ref).strip()
    if ref.isascii() and ref.isdigit() and len(ref) <= 12:
        return list(conn.scalars(select(PlaceRow.id).where(PlaceRow.geonameid == int(ref))))
    return list(conn.scalars(select(PlaceRow.id).where(func.lower(PlaceRow.name) == ref.lower())))


def actor_ids(conn, ref: str) -> list[int]:
    """Stored actors a filter names: by registry id, else by exact name or alias in any case."""
    ref = _clean(ref).strip()
    low = ref.lower()
    return list(conn.scalars(select(ActorRow.id).where(
        (ActorRow.registry_id == ref) | (func.lower(ActorRow.name) == low)
        | ActorRow.id.in_(select(ActorAliasRow.actor_id).where(func.lower(ActorAliasRow.alias) == low)))))


def _conditions(conn, q: IncidentQuery, status_over: dict[int, str]) -> list:
    conds: list = []
    if q.status:
        away = [i for i, s in status_over.items() if s != q.status]
        into = [i for i, s in status_over.items() if s == q.status]
        machine = IncidentRow.status == q.status
        if away:
            machine = and_(machine, IncidentRow.id.not_in(away))
        conds.append(or_(machine, IncidentRow.id.in_(into)) if into else machine)
    if q.type:
        conds.append(IncidentRow.type == _clean(q.type))
    if q.country:
        conds.append(IncidentRow.country == q.country.upper())
    if q.since:
        conds.append(IncidentRow.date_end >= q.since)
    if q.until:
        conds.append(IncidentRow.date_start <= q.until)
        conds.append(IncidentRow.sort_key <= f"{q.until.isoformat()}|~")        # the same, for the index
    if q.place:
        ids = place_ids(conn, q.place)
        conds.append(IncidentRow.id.in_(select(IncidentPlaceRow.incident_id)
                                        .where(IncidentPlaceRow.place_id.in_(ids))) if ids else false())
    if q.actor:
        ids = actor_ids(conn, q.actor)
        named = IncidentActorRow.name == _clean(q.actor).strip().lower()
        conds.append(IncidentRow.id.in_(select(IncidentActorRow.incident_id)
                                        .where(or_(IncidentActorRow.actor_id.in_(ids), named) if ids else named)))
    return conds


def _count(conn, conds: list) -> tuple[int, bool]:
    """The number of incidents matching, exact up to COUNT_CAP; past it an estimate from a sample
    of ids spread over the table (True: estimated)."""
    capped = select(literal(1)).select_from(IncidentRow).where(*conds).limit(COUNT_CAP + 1).subquery()
    n = conn.scalar(select(func.count()).select_from(capped)) or 0
    if n <= COUNT_CAP:
        return n, False
    return _estimate(conn, IncidentRow, conds), True


def _estimate(conn, table, conds: list) -> int:
    """Rows of ``table`` matching ``conds``, estimated from SAMPLE ids in runs spread over the id
    range (ids are dense: rows are written in bulk and rewritten whole)."""
    lo, hi = conn.execute(select(func.min(table.id), func.max(table.id))).one()
    span = hi - lo + 1
    if not conds:
        return max(span, COUNT_CAP + 1)
    runs, width = 20, max(1, SAMPLE // 20)
    starts = [lo + i * span // runs for i in range(runs)]
    sample = or_(*[table.id.between(a, a + width - 1) for a in starts])
    rows = conn.scalar(select(func.count()).select_from(table).where(sample)) or 1
    hits = conn.scalar(select(func.count()).select_from(table).where(sample, *conds)) or 0
    return max(round(hits / rows * span), COUNT_CAP + 1)


# ---------------------------------------------------------------- rows

def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _days(start, end) -> int | None:
    return (end - start).days + 1 if start and end else None


def _members(conn, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if ids:
        for iid, sha, local in conn.execute(
                select(IncidentEventRow.incident_id, DocumentRow.sha256, EventRow.local_id)
                .join(EventRow, EventRow.id == IncidentEventRow.event_id)
                .join(DocumentRow, DocumentRow.id == EventRow.document_id)
                .where(IncidentEventRow.incident_id.in_(ids))):
            out[iid].append(f"{sha}:{local}")
    return out


def machine(r, members: list[str]) -> dict[str, Any]:
    """An incident row as the machine made it (before reviews)."""
    return {"id": r.key, "type": r.type, "date_start": _iso(r.date_start), "date_end": _iso(r.date_end),
            "days": _days(r.date_start, r.date_end), "area": r.area, "country": r.country,
            "lat": r.lat, "lon": r.lon, "low": r.low, "best": r.best, "high": r.high, "acled": r.acled,
            "status": r.status, "sources": r.sources, "events": r.events if r.events is not None else len(members),
            "members": sorted(members)}


def _shown(conn, rows, reviews: dict[int, list[dict]]) -> list[dict[str, Any]]:
    from ..aggregate.review import effective
    members = _members(conn, [r.id for r in rows])
    return [effective(machine(r, members.get(r.id, [])), reviews.get(r.id, [])) for r in rows]


def incident_page(engine: Engine, q: IncidentQuery = IncidentQuery(), *, limit: int = 50, offset: int = 0,
                  cursor: str | None = None) -> dict[str, Any]:
    """One page of incidents, newest first: ``{items, limit, offset, total, total_estimate,
    cursor}``; ``cursor`` (when more follow) gives the next page from the last item shown."""
    if offset > MAX_OFFSET:
        raise UsageError("E604", f"offset: at most {MAX_OFFSET:,}; page on with the cursor")
    after = decode_cursor(cursor) if cursor else None
    with engine.connect() as conn:
        reviews, status_over = _reviews(conn)
        conds = _conditions(conn, q, status_over)
        page = select(IncidentRow).where(*conds)
        if after is not None:
            page = page.where(IncidentRow.sort_key < after)
        rows = conn.execute(page.order_by(IncidentRow.sort_key.desc()).limit(limit + 1).offset(offset)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        total, estimated = _count(conn, conds)
        items = _shown(conn, rows, reviews)
    last = rows[-1].sort_key if rows and more and rows[-1].sort_key else None
    return {"items": items, "limit": limit, "offset": offset, "total": total, "total_estimate": estimated,
            "cursor": encode_cursor(last) if last else None}


def incidents_holding(engine: Engine, key: str) -> str | None:
    """The incident that now holds an event (document sha256:event id)."""
    sha, _, local = key.partition(":")
    with engine.connect() as conn:
        return conn.scalar(select(IncidentRow.key).join(IncidentEventRow, IncidentEventRow.incident_id == IncidentRow.id)
                           .join(EventRow, EventRow.id == IncidentEventRow.event_id)
                           .join(DocumentRow, DocumentRow.id == EventRow.document_id)
                           .where(DocumentRow.sha256 == sha, EventRow.local_id == local))


def incident_detail(engine: Engine, key: str, *, reviews: bool = True) -> dict[str, Any] | None:
    """One incident with every member event (document, figure, sources, stances), reviews
    applied (``reviews=False``: the machine's values only); a fixed number of queries whatever
    its size."""
    from ..aggregate.review import effective
    with engine.connect() as conn:
        r = conn.execute(select(IncidentRow).where(IncidentRow.key == key)).first()
        if r is None:
            return None
        members = conn.execute(
            select(EventRow.id, EventRow.local_id, EventRow.type, EventRow.status, EventRow.mentions,
                   EventRow.date_start, EventRow.date_end, EventRow.date_precision,
                   DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title, DocumentRow.source)
            .join(IncidentEventRow, IncidentEventRow.event_id == EventRow.id)
            .join(DocumentRow, DocumentRow.id == EventRow.document_id)
            .where(IncidentEventRow.incident_id == r.id).order_by(DocumentRow.doc_id, EventRow.local_id)).all()
        ev_ids = [m.id for m in members]
        figures = {f.event_id: f for f in conn.execute(select(FatalityRow).where(FatalityRow.event_id.in_(ev_ids)))}
        atts: dict[int, list] = defaultdict(list)
        for a in conn.execute(select(AttributionRow).where(AttributionRow.event_id.in_(ev_ids))
                              .order_by(AttributionRow.id)):
            atts[a.event_id].append(a)
        mine = _reviews(conn)[0].get(r.id, []) if reviews else None
    out = []
    for m in members:
        f = figures.get(m.id)
        out.append({"document": m.doc_id, "sha256": m.sha256, "title": m.title, "outlet": m.source,
                    "event": m.local_id, "type": m.type, "status": m.status,
                    "date_start": _iso(m.date_start), "date_end": _iso(m.date_end), "precision": m.date_precision,
                    "mentions": m.mentions,
                    "fatalities": {"low": f.low, "best": f.best, "high": f.high, "text": f.text,
                                   "span": [f.start, f.end]} if f else None,
                    "attributions": [{"source": a.source, "stance": a.stance, "quote": a.quote,
                                      "span": [a.start, a.end] if a.start is not None else None}
                                     for a in atts.get(m.id, [])]})
    one = machine(r, [f"{m.sha256}:{m.local_id}" for m in members])
    one["events"] = out
    return effective(one, mine) if mine is not None else one


# ---------------------------------------------------------------- map and timeline

def _ranges(lo: float, hi: float, size: float) -> tuple[int, int]:
    import math
    return math.floor(lo / size), math.floor(hi / size)


def _cells_stored(conn, zoom: int, bbox, size: float) -> list[tuple]:
    """The kept unfiltered cells of a coarse zoom within the box, as the live query gives them."""
    west, south, east, north = bbox
    gy0, gy1 = _ranges(south, north, size)
    spans = [_ranges(west, east, size)] if west <= east else [_ranges(west, 180, size), _ranges(-180, east, size)]
    c = MapCellRow
    rows = conn.execute(select(c.gx, c.gy, c.n, c.lat_sum / c.n, c.lon_sum / c.n, c.south, c.west, c.north, c.east,
                               c.best).where(c.zoom == zoom, c.gy.between(gy0, gy1),
                                             or_(*[c.gx.between(a, b) for a, b in spans]))
                        .order_by(c.n.desc()).limit(MAX_CELLS)).all()
    return [tuple(r) for r in rows]


def incident_map(engine: Engine, q: IncidentQuery = IncidentQuery(), *, bbox: tuple[float, float, float, float],
                 zoom: int, min_cluster: int = 2) -> dict[str, Any]:
    """Placed incidents in ``bbox`` (west, south, east, north) on a grid of ``cell_size(zoom)``:
    a cell holding ``min_cluster`` or more incidents is one cluster (count, centre, bounds,
    fatalities), the incidents of the other cells come one by one. Unfiltered maps of the coarse
    zooms read the cells kept when incidents are written (``incident_cells``); the others group
    the incidents in the box in SQL."""
    import math
    west, south, east, north = bbox
    size = cell_size(zoom)
    with engine.connect() as conn:
        _reviews_of, status_over = _reviews(conn) if q.status else ({}, {})
        conds = _conditions(conn, q, status_over) + [IncidentRow.lat.is_not(None), IncidentRow.lon.is_not(None),
                                                     IncidentRow.lat.between(south, north)]
        conds.append(IncidentRow.lon.between(west, east) if west <= east
                     else or_(IncidentRow.lon >= west, IncidentRow.lon <= east))
        if q == IncidentQuery() and zoom in MAP_ZOOMS:
            cells = _cells_stored(conn, zoom, bbox, size)
        else:
            inline = literal_column(repr(size))           # one expression in SELECT and GROUP BY
            gx = func.floor(cast(IncidentRow.lon, Float) / inline).label("gx")
            gy = func.floor(cast(IncidentRow.lat, Float) / inline).label("gy")
            cells = [tuple(r) for r in conn.execute(
                select(gx, gy, func.count().label("n"), func.avg(IncidentRow.lat), func.avg(IncidentRow.lon),
                       func.min(IncidentRow.lat), func.min(IncidentRow.lon), func.max(IncidentRow.lat),
                       func.max(IncidentRow.lon), func.sum(IncidentRow.best))
                .where(*conds).group_by(gx, gy).order_by(func.count().desc()).limit(MAX_CELLS))]
        small = [(int(x), int(y)) for x, y, n, *_ in cells if n < min_cluster]
        singles = []
        if small:
            wanted = set(small)
            near = or_(*[and_(IncidentRow.lon >= x * size, IncidentRow.lon < (x + 1) * size,
                              IncidentRow.lat >= y * size, IncidentRow.lat < (y + 1) * size)
                         for x, y in small[:500]])
            for r in conn.execute(select(IncidentRow.key, IncidentRow.type, IncidentRow.date_start, IncidentRow.lat,
                                         IncidentRow.lon, IncidentRow.best, IncidentRow.status, IncidentRow.area)
                                  .where(*conds, near).limit(min_cluster * 500)):
                if (math.floor(r.lon / size), math.floor(r.lat / size)) in wanted:
                    singles.append({"id": r.key, "type": r.type, "date_start": _iso(r.date_start), "lat": r.lat,
                                    "lon": r.lon, "best": r.best, "status": r.status,
                                    "place": (r.area or {}).get("place")})
    clusters = [{"count": n, "lat": round(la, 5), "lon": round(lo, 5),
                 "bounds": [round(w, 5), round(s, 5), round(e, 5), round(nn, 5)], "best": int(b) if b is not None else None}
                for _x, _y, n, la, lo, s, w, nn, e, b in cells if n >= min_cluster]
    return {"zoom": zoom, "cell_degrees": size, "bbox": [west, south, east, north],
            "clusters": clusters, "incidents": singles, "truncated": len(cells) >= MAX_CELLS}


BUCKETS = ("day", "week", "month")


def _bucket(dialect: str, by: str, d=IncidentRow.date_start):
    if dialect == "postgresql":
        return func.to_char(func.date_trunc(by, d), "YYYY-MM-DD")
    if by == "day":
        return func.date(d)
    if by == "week":                                    # the Monday of the week
        return func.date(d, "-6 days", "weekday 1")
    return func.strftime("%Y-%m-01", d)


def incident_timeline(engine: Engine, q: IncidentQuery = IncidentQuery(), *, by: str = "month") -> dict[str, Any]:
    """Dated incidents per day, week (from Monday) or month: count and best fatality figures."""
    if by not in BUCKETS:
        raise UsageError("E604", f"by: one of {', '.join(BUCKETS)}")
    with engine.connect() as conn:
        if q == IncidentQuery():                          # the days kept when incidents are written
            b = _bucket(engine.dialect.name, by, IncidentDayRow.day).label("b")
            rows = conn.execute(select(b, func.sum(IncidentDayRow.n), func.sum(IncidentDayRow.best))
                                .group_by(b).order_by(b)).all()
        else:
            _r, status_over = _reviews(conn) if q.status else ({}, {})
            conds = _conditions(conn, q, status_over) + [IncidentRow.date_start.is_not(None)]
            b = _bucket(engine.dialect.name, by).label("b")
            rows = conn.execute(select(b, func.count(), func.sum(IncidentRow.best)).where(*conds)
                                .group_by(b).order_by(b)).all()
    return {"by": by, "buckets": [{"start": str(s), "incidents": int(n), "best": int(f) if f is not None else 0}
                                  for s, n, f in rows]}


# ---------------------------------------------------------------- names and search

def suggest(engine: Engine, kind: str, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Places or actors whose name (or an actor's alias) begins with ``prefix``, any case: the
    forms' autocomplete. Names are few beside events (the places and actors tables)."""
    from .like import ESCAPE
    pat = _clean(prefix).strip().lower().replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_") + "%"
    with engine.connect() as conn:
        if kind == "place":
            rows = conn.execute(select(PlaceRow.name, PlaceRow.geonameid, PlaceRow.country, PlaceRow.level)
                                .where(func.lower(PlaceRow.name).like(pat, escape=ESCAPE))
                                .distinct().order_by(PlaceRow.name).limit(limit)).all()
            return [{"name": n, "id": str(g) if g else None, "country": c, "level": lv} for n, g, c, lv in rows]
        rows = conn.execute(select(ActorRow.name, ActorRow.registry_id, ActorRow.country, ActorRow.kind)
                            .where(or_(func.lower(ActorRow.name).like(pat, escape=ESCAPE),
                                       ActorRow.id.in_(select(ActorAliasRow.actor_id).where(
                                           func.lower(ActorAliasRow.alias).like(pat, escape=ESCAPE)))))
                            .distinct().order_by(ActorRow.name).limit(limit)).all()
        return [{"name": n, "id": r, "country": c, "level": k} for n, r, c, k in rows]


def _fts_query(text: str) -> str:
    """User words as an FTS5 query: each a quoted term, all required."""
    words = [w.replace('"', "") for w in text.split()]
    return " ".join(f'"{w}"' for w in words if any(ch.isalnum() for ch in w))


PG_SEARCH = ("to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(source, '') || ' ' "
             "|| left(text, 200000))")


def search_documents(engine: Engine, text: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Documents holding every word of ``text`` in title, outlet or body, newest first, through
    the full-text index (FTS5 on SQLite, a tsvector GIN index on PostgreSQL)."""
    from sqlalchemy import text as sql
    text = _clean(text)
    if not text.split():
        return []
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            ids = select(DocumentRow.id).where(sql(f"{PG_SEARCH} @@ plainto_tsquery('simple', :q)")
                                               .bindparams(q=text))
        else:
            query = _fts_query(text)
            if not query:
                return []
            ids = select(sql("rowid")).select_from(sql("documents_fts")).where(
                sql("documents_fts MATCH :q").bindparams(q=query))
        rows = conn.execute(select(DocumentRow.id, DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title,
                                   DocumentRow.source, DocumentRow.published)
                            .where(DocumentRow.id.in_(ids))
                            .order_by(DocumentRow.published.desc(), DocumentRow.id).limit(limit).offset(offset)).all()
    return [{"id": r.id, "doc_id": r.doc_id, "sha256": r.sha256, "title": r.title, "source": r.source,
             "published": _iso(r.published)} for r in rows]


__all__ = ["IncidentQuery", "incident_page", "incident_detail", "incident_map", "incident_timeline", "suggest",
           "search_documents", "MAX_OFFSET"]


# ---------------------------------------------------------------- events

def event_page(engine: Engine, *, type_: str | None = None, status: str | None = None, since=None, until=None,
               limit: int = 50, offset: int = 0, cursor: str | None = None) -> dict[str, Any]:
    """Stored events, newest stored first, with their documents, places, actors, figures and
    sources: the page's rows and their details in a fixed number of queries."""
    from .rows import _details, event_dict
    if offset > MAX_OFFSET:
        raise UsageError("E604", f"offset: at most {MAX_OFFSET:,}; page on with the cursor")
    before = None
    if cursor:
        raw = decode_cursor(cursor)
        tail = raw.partition("|")[2]
        if not (tail.isascii() and tail.isdigit() and len(tail) <= 18):
            raise CursorError()
        before = int(tail)
    conds = []
    if type_:
        conds.append(EventRow.type == _clean(type_))
    if status:
        conds.append(EventRow.status == _clean(status))
    if since:
        conds.append(EventRow.date_end >= since)
    if until:
        conds.append(EventRow.date_start <= until)
    with engine.connect() as conn:
        q = (select(EventRow, DocumentRow.doc_id, DocumentRow.sha256, DocumentRow.title, DocumentRow.source,
                    DocumentRow.url, DocumentRow.published, DocumentRow.ingested_at)
             .join(DocumentRow, DocumentRow.id == EventRow.document_id).where(*conds))
        if before is not None:
            q = q.where(EventRow.id < before)
        rows = conn.execute(q.order_by(EventRow.id.desc()).limit(limit + 1).offset(offset)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        details = _details(conn, [r.id for r in rows])
        capped = select(literal(1)).select_from(EventRow).where(*conds).limit(COUNT_CAP + 1).subquery()
        total = conn.scalar(select(func.count()).select_from(capped)) or 0
        estimated = total > COUNT_CAP
        if estimated:
            total = _estimate(conn, EventRow, conds)
    items = [event_dict(r, details[r.id]) for r in rows]
    last = encode_cursor(f"e|{rows[-1].id}") if rows and more else None
    return {"items": items, "limit": limit, "offset": offset, "total": total, "total_estimate": estimated,
            "cursor": last}
