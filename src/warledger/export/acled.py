"""ACLED's public CSV layout (since March 2023): 31 columns, ACLED's codes."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from ..store.rows import Actor, FlatEvent, Place
from ..vocab import DATE_PRECISIONS, KIND_INTER, PLACE_PRECISIONS
from .generic import acled_name, generic_class
from .records import countries, sources_sentence

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
           "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
CACHED = 16_384       # entries per derived-cell cache: enough for a ledger's repeats, a few MB each
CONTINENT = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "SA": "South America",
             "OC": "Oceania", "AN": "Antarctica"}


@lru_cache(maxsize=64)
def _geo_precision(precision: str | None) -> int:
    spec = PLACE_PRECISIONS.get(precision or "unknown")
    return spec.acled if spec else 3


@lru_cache(maxsize=64)
def _time_precision(precision: str | None) -> int:
    return DATE_PRECISIONS[precision].acled if precision in DATE_PRECISIONS else 3


def _inter(actor: dict | None) -> int | str:
    if actor is None:
        return ""
    c = generic_class(actor)                            # "civilians", "gunmen": ACLED's classes
    if c is not None:
        return c.inter
    return actor.get("inter") or KIND_INTER.get(actor.get("kind") or "", 8)


def _name(actor: dict, place_country: str | None) -> str:
    """The actor's name as ACLED writes it: "Civilians (Mali)" for a group no registry holds (the
    group's own country, else the event place's)."""
    return acled_name(actor, _country(actor.get("country") or place_country or "")[3] or None)


@lru_cache(maxsize=512)
def _country(code: str) -> tuple[str, Any, str, str]:
    """iso3 (XXX when unknown), ISO numeric, ACLED region and name of a country code."""
    c = countries().get(code, {})
    return c.get("iso3", "XXX"), c.get("isonumeric", ""), CONTINENT.get(c.get("continentcode", ""), ""), c.get("name", "")


@lru_cache(maxsize=CACHED)
def _event_date(start: str | None, end: str | None, precision: str | None) -> tuple[str, int | str]:
    """The event's date (ISO) and year, "" when it has none."""
    if precision == "month" and start:
        d = dt.date.fromisoformat(start).replace(day=15)   # ACLED codes a month by its middle day
    else:
        value = start or end
        if not value:
            return "", ""
        d = dt.date.fromisoformat(value)
    return d.isoformat(), d.year


@lru_cache(maxsize=CACHED)
def _sources(attributions: tuple[tuple[str | None, str], ...], outlets: tuple[str, ...]) -> tuple[str, str]:
    """The source column (the attributed sources, then the outlets) and the notes' sentence."""
    sources = sorted({s for s, _ in attributions if s})
    outlets = sorted(set(outlets))
    return "; ".join(sources + [o for o in outlets if o not in sources]), sources_sentence(
        [{"source": s, "stance": st} for s, st in attributions])


SIDE1, SIDE2 = frozenset(("perpetrator", "participant")), frozenset(("target", "victim"))
NO_PLACE = _country("") + ("", "", "", "", "")


@lru_cache(maxsize=CACHED)
def _place(place: Place) -> tuple:
    """iso3, ISO numeric, region, country, admin1, location, latitude, longitude, geo_precision."""
    name, cc, admin1, lat, lon, precision = place
    return _country(cc or "") + (admin1 or "", name, lat, lon, _geo_precision(precision))


@lru_cache(maxsize=CACHED)
def _sides(actors: tuple[Actor, ...], country: str | None) -> tuple:
    """actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting
    of an event's actors (``country``: its place's country code)."""
    dicts = [{"name": n, "role": r, "kind": k, "inter": i, "id": rid, "country": cc} for n, r, k, i, rid, cc in actors]
    side1 = [a for a in dicts if a["role"] in SIDE1]
    side2 = [a for a in dicts if a["role"] in SIDE2]
    a1, a2 = (side1[0] if side1 else None), (side2[0] if side2 else None)
    i1, i2 = _inter(a1), _inter(a2)
    codes = sorted(c for c in (i1, i2) if c != "")
    interaction = "".join(map(str, codes)) if len(codes) == 2 else (f"{codes[0]}0" if codes else "")
    return (_name(a1, country) if a1 else "", "; ".join(_name(a, country) for a in side1[1:]), i1,
            _name(a2, country) if a2 else "", "; ".join(_name(a, country) for a in side2[1:]), i2,
            interaction, "Civilian targeting" if any(_inter(a) == 7 for a in side2) else "")


def cells(e: FlatEvent) -> tuple:
    """One CSV row of an event as ``iter_flat_events`` reads it, in COLUMNS order; every part
    derived from repeated values (place, actors, sources, date) is cached."""
    id_, acled_type, sub_type, start, end, precision, status, outlets, place, actors, low, attributions = e
    where = _place(place) if place is not None else NO_PLACE
    date, year = _event_date(start, end, precision)
    source, notes = _sources(attributions, outlets)
    return (f"{where[0]}{id_}" if isinstance(id_, int) else id_, date, year, _time_precision(precision),
            DISORDER.get(acled_type, ""), acled_type, sub_type,
            *_sides(actors, place[1] if place is not None else None),
            where[1], where[2], where[3], where[4], "", "", *where[5:], source, "", notes,
            low if low is not None else 0,                  # the most conservative figure, as ACLED does
            f"status={status}", "")


def row(r: dict[str, Any]) -> dict[str, Any]:
    """One CSV row of a flat record (``records.flatten``) by column."""
    p = r["places"][0] if r["places"] else None
    place = (p.get("name", ""), p.get("country"), p.get("admin1"), p.get("lat", ""), p.get("lon", ""),
             p.get("precision")) if p is not None else None
    actors = tuple((a["name"], a["role"], a.get("kind"), a.get("inter"), a.get("id"), a.get("country"))
                   for a in r["actors"])
    return dict(zip(COLUMNS, cells(FlatEvent(
        r["id"], r["acled_event_type"], r["acled_sub_event_type"], r["date_start"], r["date_end"], r["precision"],
        r["status"], tuple(d["outlet"] for d in r["documents"] if d.get("outlet")), place, actors, r["low"],
        tuple((a.get("source"), a["stance"]) for a in r["attributions"]))), strict=True))
