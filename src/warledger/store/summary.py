"""What an incident row carries besides the aggregate stage's values, computed when incidents are
written so that lists, the map and the timeline never read the members: the list order, the
member count, the area (``store.incidents.area``) with a point and a country, and the places and
actors the place and actor filters look up."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, cast, delete, func, insert, literal, literal_column, select

from .tables import (
    EventActorRow,
    EventPlaceRow,
    IncidentActorRow,
    IncidentDayRow,
    IncidentPlaceRow,
    IncidentRow,
    MapCellRow,
    PlaceRow,
)

MAP_ZOOMS = range(0, 9)   # zooms whose unfiltered cells are kept (a cell of zoom 8 is 0.35 degrees)

CHUNK = 5_000          # event ids per IN list; a larger set reads the whole table once


def sort_key(date_start, key: str) -> str:
    """The list order, unique: date first (undated first), then the incident key."""
    return f"{date_start.isoformat() if date_start else '0000-00-00'}|{key}"


def _by_event(conn, query, column, event_ids: set[int]) -> Iterable:
    if len(event_ids) > CHUNK * 4:
        yield from conn.execute(query)
        return
    ids = sorted(event_ids)
    for i in range(0, len(ids), CHUNK):
        yield from conn.execute(query.where(column.in_(ids[i:i + CHUNK])))


def where(places: list[tuple[int, str, float | None, float | None, str, str | None]]) -> dict[str, Any]:
    """Area, point and country of an incident from its members' places (id, name, lat, lon,
    precision, country): the point and country are those of the place the area names."""
    from .incidents import area
    found = area([(name, lat, lon, precision) for _pid, name, lat, lon, precision, _cc in places])
    if found is None:
        return {"area": None, "lat": None, "lon": None, "country": None}
    named = [p for p in places if p[1] == found["place"] and p[2] is not None and p[3] is not None]
    _pid, _name, lat, lon, _prec, cc = named[0]
    return {"area": found, "lat": lat, "lon": lon, "country": cc}


def summarise(conn, rows: list[dict[str, Any]], members: dict[str, list[int]]) -> None:
    """Fill each incident row (a dict to insert, with ``key`` and ``date_start``) with its summary
    columns; ``members`` gives each incident key's member event row ids."""
    event_ids = {e for ids in members.values() for e in ids}
    places: dict[int, list] = defaultdict(list)
    for ev, pid, name, lat, lon, precision, cc in _by_event(conn, select(
            EventPlaceRow.event_id, PlaceRow.id, PlaceRow.name, PlaceRow.lat, PlaceRow.lon, PlaceRow.precision,
            PlaceRow.country).join(PlaceRow, PlaceRow.id == EventPlaceRow.place_id), EventPlaceRow.event_id, event_ids):
        if ev in event_ids:
            places[ev].append((pid, name, lat, lon, precision, cc))
    for r in rows:
        ps = [p for e in members[r["key"]] for p in places.get(e, ())]
        r.update(where(ps), sort_key=sort_key(r["date_start"], r["key"]), events=len(members[r["key"]]))


def write_filters(conn, incident_ids: dict[str, int], members: dict[str, list[int]]) -> None:
    """The incident_places and incident_actors rows of the incidents just written."""
    event_ids = {e for ids in members.values() for e in ids}
    incident_of = {e: incident_ids[key] for key, ids in members.items() for e in ids}
    place_rows, actor_rows = set(), set()
    for ev, pid in _by_event(conn, select(EventPlaceRow.event_id, EventPlaceRow.place_id), EventPlaceRow.event_id,
                             event_ids):
        if ev in incident_of:
            place_rows.add((incident_of[ev], pid))
    for ev, aid, name in _by_event(conn, select(EventActorRow.event_id, EventActorRow.actor_id, EventActorRow.name),
                                   EventActorRow.event_id, event_ids):
        if ev in incident_of:
            actor_rows.add((incident_of[ev], aid, (name or "").lower()[:512]))
    if place_rows:
        conn.execute(insert(IncidentPlaceRow), [{"incident_id": i, "place_id": p} for i, p in sorted(place_rows)])
    if actor_rows:
        conn.execute(insert(IncidentActorRow), [{"incident_id": i, "actor_id": a, "name": n}
                                                for i, a, n in sorted(actor_rows, key=lambda r: (r[0], r[2]))])


def cell_size(zoom: int) -> float:
    """Degrees of a map cell at a zoom: about 64 pixels of a 256-pixel tile."""
    return 360.0 / (2 ** zoom) / 4


def write_aggregates(conn) -> None:
    """The unfiltered map cells of MAP_ZOOMS and the incidents per day, from the incidents rows,
    in the database (INSERT … SELECT … GROUP BY)."""
    conn.execute(delete(MapCellRow))
    conn.execute(delete(IncidentDayRow))
    for zoom in MAP_ZOOMS:
        size = literal_column(repr(cell_size(zoom)))    # inline: one expression in SELECT and GROUP BY
        gx = cast(func.floor(IncidentRow.lon / size), Integer)
        gy = cast(func.floor(IncidentRow.lat / size), Integer)
        q = (select(literal(zoom), gx, gy, func.count(), func.sum(IncidentRow.lat), func.sum(IncidentRow.lon),
                    func.min(IncidentRow.lat), func.min(IncidentRow.lon), func.max(IncidentRow.lat),
                    func.max(IncidentRow.lon), func.sum(IncidentRow.best))
             .where(IncidentRow.lat.is_not(None), IncidentRow.lon.is_not(None)).group_by(gx, gy))
        conn.execute(insert(MapCellRow).from_select(
            ["zoom", "gx", "gy", "n", "lat_sum", "lon_sum", "south", "west", "north", "east", "best"], q))
    conn.execute(insert(IncidentDayRow).from_select(["day", "n", "best"], select(
        IncidentRow.date_start, func.count(), func.sum(IncidentRow.best))
        .where(IncidentRow.date_start.is_not(None)).group_by(IncidentRow.date_start)))
