"""ACLED's public CSV layout (since March 2023): 31 columns, ACLED's codes."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from ..vocab import DATE_PRECISIONS, KIND_INTER, PLACE_PRECISIONS
from .records import countries, sources_sentence

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
           "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
CIVILIANS = ("civilian", "people", "children", "residents", "villagers", "women", "worshippers", "patients")
CONTINENT = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "SA": "South America",
             "OC": "Oceania", "AN": "Antarctica"}


def _geo_precision(place: dict) -> int:
    spec = PLACE_PRECISIONS.get(place.get("precision") or "unknown")
    return spec.acled if spec else 3


def _inter(actor: dict | None) -> int | str:
    if actor is None:
        return ""
    return _inter_of(actor["name"], actor.get("inter"), actor.get("kind"))


@lru_cache(maxsize=65_536)
def _inter_of(name: str, inter: int | None, kind: str | None) -> int:
    low = name.lower()
    if any(w in low for w in CIVILIANS):
        return 7
    return inter or KIND_INTER.get(kind or "", 8)


@lru_cache(maxsize=512)
def _country(code: str) -> dict:
    return countries().get(code, {})


def _event_date(row: dict) -> dt.date | None:
    start, end = row["date_start"], row["date_end"]
    if row["precision"] == "month" and start:
        d = dt.date.fromisoformat(start)
        return d.replace(day=15)                       # ACLED codes a month by its middle day
    value = start or end
    return dt.date.fromisoformat(value) if value else None


SIDE1, SIDE2 = frozenset(("perpetrator", "participant")), frozenset(("target", "victim"))


def row(r: dict[str, Any]) -> dict[str, Any]:
    actors = r["actors"]
    side1 = [a for a in actors if a["role"] in SIDE1]
    side2 = [a for a in actors if a["role"] in SIDE2]
    a1, a2 = (side1[0] if side1 else None), (side2[0] if side2 else None)
    i1, i2 = _inter(a1), _inter(a2)
    codes = sorted(c for c in (i1, i2) if c != "")
    interaction = "".join(map(str, codes)) if len(codes) == 2 else (f"{codes[0]}0" if codes else "")
    place = r["places"][0] if r["places"] else {}
    country = _country(place.get("country") or "")
    date = _event_date(r)
    sources = sorted({a["source"] for a in r["attributions"] if a.get("source")})
    outlets = sorted({d["outlet"] for d in r["documents"] if d.get("outlet")})
    return {
        "event_id_cnty": f"{country.get('iso3', 'XXX')}{r['id']}" if isinstance(r["id"], int) else r["id"],
        "event_date": date.isoformat() if date else "",
        "year": date.year if date else "",
        "time_precision": DATE_PRECISIONS[r["precision"]].acled if r["precision"] in DATE_PRECISIONS else 3,
        "disorder_type": DISORDER.get(r["acled_event_type"], ""),
        "event_type": r["acled_event_type"], "sub_event_type": r["acled_sub_event_type"],
        "actor1": a1["name"] if a1 else "", "assoc_actor_1": "; ".join(a["name"] for a in side1[1:]), "inter1": i1,
        "actor2": a2["name"] if a2 else "", "assoc_actor_2": "; ".join(a["name"] for a in side2[1:]), "inter2": i2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if any(_inter(a) == 7 for a in side2) else "",
        "iso": country.get("isonumeric", ""), "region": CONTINENT.get(country.get("continentcode", ""), ""),
        "country": country.get("name", ""), "admin1": place.get("admin1") or "", "admin2": "", "admin3": "",
        "location": place.get("name", ""), "latitude": place.get("lat", ""), "longitude": place.get("lon", ""),
        "geo_precision": _geo_precision(place) if place else "",
        "source": "; ".join(sources + [o for o in outlets if o not in sources]), "source_scale": "",
        "notes": sources_sentence(r["attributions"]),
        "fatalities": r["low"] if r["low"] is not None else 0,   # the most conservative figure, as ACLED does
        "tags": f"status={r['status']}",
        "timestamp": "",
    }
