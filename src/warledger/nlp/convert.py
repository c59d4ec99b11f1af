"""spaCy Doc → plain contract values. The only place where spaCy objects become warledger values."""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 5)


def doc_places(doc: Doc) -> list[dict[str, Any]]:
    return [_place_dict(rec) for rec in doc._.wl_places or []]


def doc_actors(doc: Doc) -> list[dict[str, Any]]:
    out = []
    for rec in doc._.wl_actors or []:
        a = rec.actor
        out.append({
            "name": rec.name,
            "id": a.id if a else None,
            "kind": rec.kind,
            "affiliation": rec.affiliation,
            "inter": rec.inter,
            "country": a.country if a else None,
            "mentions": [list(m) for m in rec.mentions],
        })
    return out


def _place_dict(rec) -> dict[str, Any]:
    p = rec.place
    return {"name": rec.name, "geonameid": p.geonameid if p else None, "lat": _round(rec.lat),
            "lon": _round(rec.lon), "country": p.country if p else None,
            "admin1": p.admin1_name if p else None, "level": rec.level, "precision": rec.precision,
            "mentions": [list(m) for m in rec.mentions]}


def doc_events(doc: Doc, published) -> list[dict[str, Any]]:
    from ..vocab import EVENT_TYPES

    out = []
    for n, ev in enumerate(doc._.wl_events or [], start=1):
        spec = EVENT_TYPES[ev.type]
        if ev.date is not None:
            date = ev.date.as_dict()
        else:
            date = {"start": None, "end": published.isoformat() if published else None, "precision": "unknown"}
        out.append({
            "id": f"e{n}",
            "type": ev.type,
            "acled": {"event_type": spec.acled[0], "sub_event_type": spec.acled[1]},
            "plover": spec.plover,
            "date": date,
            "places": [_place_dict(p) for p in ev.places],
            "actors": [{"name": r.name, "role": r.role, "id": r.actor_id, "kind": r.kind,
                        "mentions": [list(m) for m in r.mentions]} for r in ev.roles],
            "fatalities": ev.count.as_dict() if ev.count is not None else None,
            "count": ev.occurrences,
            "attributions": list(ev.attributions),
            "status": ev.status,
            "mentions": [list(m) for m in sorted(set(ev.mentions))],
        })
    return out


def doc_tallies(doc: Doc) -> list[dict[str, Any]]:
    return list(doc._.wl_tallies or [])
