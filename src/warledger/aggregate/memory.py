"""Incidents of extracted documents without a database: the records the store would give
``rebuild`` for them (``store.incidents.event_rows``), grouped by the same functions, and written
as ``warledger export --format jsonl --level incidents`` writes them, in the fields the shared
incident scorer reads. ``make eval`` uses it to score incidents on FA-KES in seconds."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..model import Extraction
from .incidents import EventRecord, Incident, build_incidents


def records_of(ex: Extraction) -> list[EventRecord]:
    """The event records of one extracted document, as the store reads them back."""
    d, text = ex.document, ex.document.text
    pub = ex.structure.published
    out = []
    for ev in ex.events:
        f = ev.fatalities
        out.append(EventRecord(
            key=f"{d.sha256}:{ev.id}", document=d.sha256, outlet=d.source, type=ev.type,
            date_start=ev.date.start, date_end=ev.date.end, precision=ev.date.precision,
            published=pub.date if pub else None,
            places=[(p.lat, p.lon, p.precision) for p in ev.places if p.lat is not None and p.lon is not None],
            perpetrators={r.name for r in ev.actors if r.role == "perpetrator"},
            low=f.low if f else None, best=f.best if f else None, high=f.high if f else None,
            attributions=[(a.source, a.stance) for a in ev.attributions],
            place_names=[(p.name, p.precision, p.level) for p in ev.places],
            victims={r.name for r in ev.actors if r.role in ("victim", "target")},
            text=" ".join(text[a:b] for a, b in ev.mentions)))
    return out


def group(extractions: Iterable[Extraction]) -> tuple[list[Incident], dict[str, dict[str, Any]]]:
    """The incidents of these documents (a document whose text came before is skipped, as ingest
    skips it) and each event's export record by key."""
    records, shown, seen = [], {}, set()
    for ex in extractions:
        if ex.document.sha256 in seen:
            continue
        seen.add(ex.document.sha256)
        records += records_of(ex)
        for ev in ex.events:
            shown[f"{ex.document.sha256}:{ev.id}"] = {
                "event": ev.id, "type": ev.type, "document": {"id": ex.document.doc_id, "sha256": ex.document.sha256},
                "date_start": ev.date.start.isoformat() if ev.date.start else None,
                "date_end": ev.date.end.isoformat() if ev.date.end else None, "precision": ev.date.precision,
                "places": [{"name": p.name, "lat": p.lat, "lon": p.lon, "level": p.level, "precision": p.precision}
                           for p in ev.places],
                "fatalities": {"low": ev.fatalities.low, "best": ev.fatalities.best,
                               "high": ev.fatalities.high} if ev.fatalities else None}
    return build_incidents(records), shown


def incidents_jsonl(incidents: list[Incident], shown: dict[str, dict[str, Any]]) -> str:
    """One incident a line, with its nested events (their dates, precision and places)."""
    lines = []
    for i in incidents:
        lines.append(json.dumps({"id": i.key, "type": i.type,
                                 "date_start": i.date_start.isoformat() if i.date_start else None,
                                 "date_end": i.date_end.isoformat() if i.date_end else None,
                                 "low": i.low, "best": i.best, "high": i.high, "status": i.status,
                                 "events": [shown[m.key] for m in i.members]}, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)
