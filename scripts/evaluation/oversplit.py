"""Over-split events: two events of one document that could well be one happening.

A pair counts when the two events are of the same type family and
- their places agree or are unknown: they share a GeoNames id, or two of their points
  lie within 50 km, or one side has no place;
- their dates agree or are unknown: the ranges overlap, or either date is of unknown
  precision (no start and no end);
- their actors do not conflict: not both name perpetrators with none in common.
"""
from __future__ import annotations

import datetime as dt
import math
from itertools import combinations

NEAR_KM = 50.0
# the brief's families, for commits that have neither warledger.vocab nor aggregate.incidents.FAMILY_OF
_FALLBACK = {"violence": ("airstrike", "shelling", "bombing", "attack", "killing", "armed_clash"),
             "coercion": ("abduction", "arrest", "siege", "threat"),
             "movement": ("displacement", "evacuation", "territory_transfer", "territory_capture"),
             "talk": ("agreement", "negotiation", "statement", "resolution"),
             "protest": ("protest",)}


def family_map() -> tuple[dict[str, str], str]:
    """(event type → family, where it was read from)."""
    try:
        from warledger.vocab import FAMILY_OF
        return dict(FAMILY_OF), "warledger.vocab"
    except ImportError:
        pass
    try:
        from warledger.aggregate.incidents import FAMILY_OF
        return dict(FAMILY_OF), "warledger.aggregate.incidents"
    except ImportError:
        return {t: f for f, ts in _FALLBACK.items() for t in ts}, "built-in"


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def places_agree(a: list[dict], b: list[dict]) -> bool:
    if not a or not b:
        return True
    ids = {p.get("geonameid") for p in a} - {None}
    if ids & ({p.get("geonameid") for p in b} - {None}):
        return True
    for pa in a:
        for pb in b:
            try:
                if _km(float(pa["lat"]), float(pa["lon"]), float(pb["lat"]), float(pb["lon"])) <= NEAR_KM:
                    return True
            except (KeyError, TypeError, ValueError):
                continue
    return False


def _range(d) -> tuple[dt.date, dt.date] | None:
    if not isinstance(d, dict) or d.get("precision") == "unknown":
        return None
    try:
        s = dt.date.fromisoformat(str(d["start"])[:10]) if d.get("start") else None
        e = dt.date.fromisoformat(str(d["end"])[:10]) if d.get("end") else None
    except ValueError:
        return None
    if s is None and e is None:
        return None
    return s or e, e or s


def dates_agree(a, b) -> bool:
    ra, rb = _range(a), _range(b)
    return ra is None or rb is None or (ra[0] <= rb[1] and rb[0] <= ra[1])


def _perpetrators(ev: dict) -> set[str]:
    return {(a.get("id") or (a.get("name") or "").strip().lower())
            for a in ev.get("actors") or [] if a.get("role") == "perpetrator"} - {""}


def actors_agree(a: dict, b: dict) -> bool:
    pa, pb = _perpetrators(a), _perpetrators(b)
    return not (pa and pb and not (pa & pb))


def oversplit_pairs(doc: dict, families: dict[str, str]) -> list[tuple[str, str]]:
    """The (id, id) pairs of one extract object's events that may be one happening."""
    out = []
    for a, b in combinations(doc.get("events") or [], 2):
        ta, tb = a.get("type"), b.get("type")
        if families.get(ta, ta) != families.get(tb, tb):
            continue
        if (places_agree(a.get("places") or [], b.get("places") or []) and dates_agree(a.get("date"), b.get("date"))
                and actors_agree(a, b)):
            out.append((a.get("id"), b.get("id")))
    return out
