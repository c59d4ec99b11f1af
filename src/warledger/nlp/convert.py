"""spaCy Doc → plain contract values. The only place where spaCy objects become warledger values."""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 5)


def doc_places(doc: Doc) -> list[dict[str, Any]]:
    out = []
    for rec in doc._.wl_places or []:
        p = rec.place
        out.append({
            "name": rec.name,
            "geonameid": p.geonameid if p else None,
            "lat": _round(rec.lat), "lon": _round(rec.lon),
            "country": p.country if p else None,
            "admin1": (p.admin1_name if p else None),
            "level": rec.level,
            "precision": rec.precision,
            "mentions": [list(m) for m in rec.mentions],
        })
    return out


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
