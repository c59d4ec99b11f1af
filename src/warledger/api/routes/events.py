"""Events, tallies and exports."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from ..deps import ERRORS, Cursor, Filter, LedgerDep, Limit, Offset, viewer
from ..schemas import EventOut, Page, TallySeries

router = APIRouter()
EXPORT_MEDIA = {"acled": "text/csv", "ucdp": "text/csv", "geojson": "application/geo+json",
                "jsonl": "application/x-ndjson", "parquet": "application/vnd.apache.parquet"}


@router.get("/api/events", tags=["events"], responses=ERRORS, dependencies=[viewer])
def events(led: LedgerDep, type: Filter = None, status: Filter = None, since: dt.date | None = None,
           until: dt.date | None = None, limit: Limit = 50, offset: Offset = 0,
           cursor: Cursor = None) -> Page[EventOut]:
    """Events of every document, newest stored first, with their places, actors, figures and sources."""
    from ...store.queries import event_page
    return event_page(led.engine, type_=type, status=status, since=since, until=until, limit=limit,
                      offset=offset, cursor=cursor)


@router.get("/api/tallies", tags=["tallies"], responses=ERRORS, dependencies=[viewer])
def tallies(led: LedgerDep, limit: Limit = 100, offset: Offset = 0) -> Page[TallySeries]:
    """Running totals: one series per subject, measure and group (the /tallies page's list)."""
    from ...aggregate import tally_series
    rows = tally_series(led)
    return Page(items=rows[offset:offset + limit], limit=limit, offset=offset, total=len(rows))


@router.get("/api/exports/{fmt}", tags=["exports"], responses=ERRORS | {
    200: {"content": {m: {"schema": {"type": "object", "description": "A GeoJSON FeatureCollection"}
                          if m.endswith("json") else {"type": "string", "format": "binary"}}
                      for m in sorted(set(EXPORT_MEDIA.values()))},
          "description": "The export file"}},
    dependencies=[viewer], response_class=FileResponse)
def export(led: LedgerDep, fmt: Literal["acled", "ucdp", "geojson", "jsonl", "parquet"],
           level: Literal["events", "incidents"] = "events", status: Filter = None,
           type: Filter = None, since: dt.date | None = None, until: dt.date | None = None):
    """Issue the export in one of the CLI's formats; written to a temporary file and streamed."""
    from ...export.run import export as run_export
    fd, path = tempfile.mkstemp(prefix="warledger-export-", suffix="." + fmt)
    os.close(fd)
    try:
        run_export(led, fmt, path, level=level, type_=type, status=status, since=since, until=until)
    except BaseException:
        os.unlink(path)
        raise
    suffix = {"acled": "csv", "ucdp": "csv"}.get(fmt, fmt)
    return FileResponse(path, media_type=EXPORT_MEDIA[fmt], filename=f"warledger-{level}-{fmt}.{suffix}",
                        background=BackgroundTask(os.unlink, path))
