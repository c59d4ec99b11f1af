"""UCDP GED's CSV layout (23.1 and later): 49 columns, UCDP's codes."""
from __future__ import annotations

import math
from typing import Any

from ..vocab import DATE_PRECISIONS, PLACE_PRECISIONS, STATE_KINDS
from .generic import generic_class
from .records import countries, gw_codes

COLUMNS = ("id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
           "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
           "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
           "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
           "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
           "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
           "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
           "gwnoa", "gwnob")
REGION = {"EU": "Europe", "AS": "Asia", "AF": "Africa", "NA": "Americas", "SA": "Americas", "OC": "Asia"}


def _where_prec(place: dict) -> int:
    spec = PLACE_PRECISIONS.get(place.get("precision") or "unknown")
    return spec.ucdp if spec else 5


def priogrid(lat: float, lon: float) -> int:
    """The PRIO-GRID cell (0.5 degree) holding a point: rows from the south, 720 cells a row."""
    row = min(int(math.floor((lat + 90) / 0.5)), 359) + 1
    col = min(int(math.floor((lon + 180) / 0.5)), 719) + 1
    return (row - 1) * 720 + col


def _civilians(actor: dict) -> bool:
    c = generic_class(actor)
    return c is not None and c.key == "civilians"


def _violence(side_a: dict | None, side_b: list[dict]) -> int | str:
    if any(_civilians(b) for b in side_b):
        return 3                                           # one-sided
    if side_a is None or not side_b:
        return ""
    a_state = side_a.get("kind") in STATE_KINDS
    b_state = any(b.get("kind") in STATE_KINDS for b in side_b)
    if a_state or b_state:
        return 1                                           # state-based
    return 2                                               # non-state


def row(r: dict[str, Any]) -> dict[str, Any]:
    side_a = next((a for a in r["actors"] if a["role"] in ("perpetrator", "participant")), None)
    side_b = [a for a in r["actors"] if a["role"] in ("target", "victim")]
    place = r["places"][0] if r["places"] else {}
    iso2 = place.get("country") or ""
    country = countries().get(iso2, {})
    lat, lon = place.get("lat"), place.get("lon")
    best = r["best"] if r["best"] is not None else r["low"]
    civilians = any(_civilians(b) for b in side_b)
    docs = r["documents"]
    year = (r["date_start"] or r["date_end"] or "")[:4]
    gw = gw_codes()

    def gwno(actor):
        return gw.get(actor.get("country") or "", "") if actor and actor.get("kind") in STATE_KINDS else ""
    return {
        "id": r["id"], "relid": r["key"], "year": year, "active_year": "", "code_status": "Clear",
        "type_of_violence": _violence(side_a, side_b),
        "conflict_dset_id": "", "conflict_new_id": "", "conflict_name": "", "dyad_dset_id": "", "dyad_new_id": "",
        "dyad_name": f"{side_a['name']} - {side_b[0]['name']}" if side_a and side_b else "",
        "side_a_dset_id": "", "side_a_new_id": "", "side_a": side_a["name"] if side_a else "",
        "side_b_dset_id": "", "side_b_new_id": "", "side_b": side_b[0]["name"] if side_b else "",
        "number_of_sources": len({a["source"] for a in r["attributions"] if a.get("source")}) or len(docs),
        "source_article": "; ".join(d["id"] for d in docs),
        "source_office": "; ".join(sorted({d["outlet"] for d in docs if d.get("outlet")})),
        "source_date": "; ".join(sorted({d["published"] for d in docs if d.get("published")})),
        "source_headline": "; ".join(d["title"] for d in docs if d.get("title")),
        "source_original": "; ".join(sorted({a["source"] for a in r["attributions"] if a.get("source")})),
        "where_prec": _where_prec(place) if place else 7,
        "where_coordinates": place.get("name", ""), "where_description": place.get("name", ""),
        "adm_1": place.get("admin1") or "", "adm_2": "",
        "latitude": lat if lat is not None else "", "longitude": lon if lon is not None else "",
        "geom_wkt": f"POINT ({lon} {lat})" if lat is not None and lon is not None else "",
        "priogrid_gid": priogrid(lat, lon) if lat is not None and lon is not None else "",
        "country": country.get("name", ""), "country_id": gw.get(iso2, ""),
        "region": REGION.get(country.get("continentcode", ""), ""),
        "event_clarity": 1 if r["status"] in ("reported", "confirmed", "corroborated") else 2,
        "date_prec": DATE_PRECISIONS[r["precision"]].ucdp if r["precision"] in DATE_PRECISIONS else 5,
        "date_start": r["date_start"] or r["date_end"] or "", "date_end": r["date_end"] or r["date_start"] or "",
        "deaths_a": 0, "deaths_b": 0, "deaths_civilians": best if civilians and best is not None else 0,
        "deaths_unknown": best if not civilians and best is not None else 0,
        "best": best if best is not None else 0, "high": r["high"] if r["high"] is not None else (best or 0),
        "low": r["low"] if r["low"] is not None else 0,
        "gwnoa": gwno(side_a), "gwnob": gwno(side_b[0] if side_b else None),
    }
