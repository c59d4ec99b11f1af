"""Incidents: list (filters, offset and cursor), one, its reviews, the map and the timeline, all
through ``store.queries`` (the pages call the same functions)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from ...store import queries
from ...vocab import INCIDENT_STATUSES
from ..deps import ERRORS, NOT_FOUND, Cursor, Filter, LedgerDep, Limit, Offset, viewer
from ..schemas import IncidentDetail, IncidentOut, MapOut, Page, TimelineOut

router = APIRouter(tags=["incidents"])
STATUSES = Literal[INCIDENT_STATUSES]  # type: ignore[valid-type]
Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2 code.")]
Place = Annotated[str | None, Query(max_length=200, description="A GeoNames id or a place's exact name.")]
Actor = Annotated[str | None, Query(max_length=200, description="A registry id or an actor's exact name or alias.")]


def incident_query(status: STATUSES | None = None, type: Filter = None, country: Country = None,
                   place: Place = None, actor: Actor = None, since: dt.date | None = None,
                   until: dt.date | None = None) -> queries.IncidentQuery:
    return queries.IncidentQuery(status=status, type=type or None, country=country, place=place or None,
                                 actor=actor or None, since=since, until=until)


def _query(status, type, country, place, actor, since, until) -> queries.IncidentQuery:
    return incident_query(status, type, country, place, actor, since, until)


@router.get("/api/incidents", responses=ERRORS, dependencies=[viewer])
def incidents(led: LedgerDep, status: STATUSES | None = None, type: Filter = None, country: Country = None,
              place: Place = None, actor: Actor = None, since: dt.date | None = None,
              until: dt.date | None = None, limit: Limit = 50, offset: Offset = 0,
              cursor: Cursor = None) -> Page[IncidentOut]:
    """Incidents newest first with the CLI's filters: effective status, type, country, place,
    actor, dates overlapping [since, until]."""
    q = _query(status, type, country, place, actor, since, until)
    return queries.incident_page(led.engine, q, limit=limit, offset=offset, cursor=cursor)


@router.get("/api/incidents/{ref}", responses=ERRORS | NOT_FOUND, dependencies=[viewer])
def incident(led: LedgerDep, ref: str) -> IncidentDetail:
    """One incident with every source, stance, figure, quote and span."""
    one = queries.incident_detail(led.engine, ref)
    if one is None:
        raise HTTPException(404, f"no incident {ref!r}")
    return one


@router.get("/api/map", responses=ERRORS, dependencies=[viewer])
def incident_map(led: LedgerDep, west: Annotated[float, Query(ge=-180, le=180)] = -180,
                 south: Annotated[float, Query(ge=-90, le=90)] = -90,
                 east: Annotated[float, Query(ge=-180, le=180)] = 180,
                 north: Annotated[float, Query(ge=-90, le=90)] = 90,
                 zoom: Annotated[int, Query(ge=0, le=18)] = 2,
                 min_cluster: Annotated[int, Query(ge=2, le=50)] = 2,
                 status: STATUSES | None = None, type: Filter = None, country: Country = None,
                 place: Place = None, actor: Actor = None, since: dt.date | None = None,
                 until: dt.date | None = None) -> MapOut:
    """Placed incidents in a bounding box on a grid of the zoom's cells (the /map page's data):
    cells of `min_cluster` incidents or more as clusters, the others' incidents one by one."""
    if south > north:
        raise HTTPException(422, "south: must not be above north")
    q = _query(status, type, country, place, actor, since, until)
    return queries.incident_map(led.engine, q, bbox=(west, south, east, north), zoom=zoom, min_cluster=min_cluster)


@router.get("/api/timeline", responses=ERRORS, dependencies=[viewer])
def timeline(led: LedgerDep, by: Literal["day", "week", "month"] = "month", status: STATUSES | None = None,
             type: Filter = None, country: Country = None, place: Place = None, actor: Actor = None,
             since: dt.date | None = None, until: dt.date | None = None) -> TimelineOut:
    """Dated incidents counted by day, week or month, with their best figures summed."""
    q = _query(status, type, country, place, actor, since, until)
    return queries.incident_timeline(led.engine, q, by=by)
