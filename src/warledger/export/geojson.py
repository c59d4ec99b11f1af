"""GeoJSON (RFC 7946): a FeatureCollection, one Feature per event or incident, [lon, lat]."""
from __future__ import annotations

import json
from typing import Any


def feature(r: dict[str, Any]) -> dict[str, Any] | None:
    place = next((p for p in r["places"] if p.get("lat") is not None and p.get("lon") is not None), None)
    if place is None:
        return None                                    # a feature needs a point
    return {"type": "Feature", "id": str(r["id"]),
            "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
            "properties": {"type": r["type"], "date_start": r["date_start"], "date_end": r["date_end"],
                           "date_precision": r["precision"], "status": r["status"], "place": place["name"],
                           "place_precision": place["precision"], "fatalities_low": r["low"],
                           "fatalities_best": r["best"], "fatalities_high": r["high"],
                           "sources": [{"source": a.get("source"), "stance": a["stance"]} for a in r["attributions"]],
                           "documents": [d["id"] for d in r["documents"]]}}


def write(rows, out) -> int:
    """Stream a FeatureCollection; returns how many features were written."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for r in rows:
        f = feature(r)
        if f is None:
            continue
        out.write((",\n" if n else "") + json.dumps(f, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n
