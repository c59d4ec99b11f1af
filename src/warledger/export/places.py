"""Every toponym of an extraction, one record a mention: its reading, referent, level, point, and
the candidates it was chosen over with why (``warledger places FILE...``)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def toponyms(ex) -> Iterator[dict[str, Any]]:
    """One dict per place mention of the document, in text order."""
    text = ex.document.text
    rows = []
    for p in ex.places:
        readings = p.readings or ("literal",) * len(p.mentions)
        for (s, e), reading in zip(p.mentions, readings, strict=False):
            rows.append({
                "document": ex.document.doc_id, "text": text[s:e], "span": [s, e], "reading": reading,
                "name": p.name, "native_name": p.native_name, "geonameid": p.geonameid, "country": p.country,
                "admin1": p.admin1, "level": p.level, "precision": p.precision, "lat": p.lat, "lon": p.lon,
                "why": list(p.why),
                "alternatives": [{"name": a.name, "geonameid": a.geonameid, "country": a.country,
                                  "level": a.level, "lat": a.lat, "lon": a.lon, "score": a.score}
                                 for a in p.alternatives[1:]],
            })
    yield from sorted(rows, key=lambda r: r["span"][0])


def line(row: dict[str, Any]) -> str:
    """A row as one line of text."""
    point = f"{row['lat']:.3f},{row['lon']:.3f}" if row["lat"] is not None else "no point"
    where = ", ".join(x for x in (row["admin1"], row["country"]) if x and x != row["name"])
    alts = "; ".join(f"{a['name']} ({a['country'] or '-'}, {a['level']}, {a['score']})" for a in row["alternatives"])
    out = (f"{row['span'][0]}-{row['span'][1]} {row['text']!r} [{row['reading']}] -> {row['name']}"
           f"{' (' + where + ')' if where else ''} {row['level']} {point}")
    if row["why"]:
        out += f"\n    why: {'; '.join(row['why'])}"
    if alts:
        out += f"\n    over: {alts}"
    return out
