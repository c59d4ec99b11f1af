"""Incidents: events from different documents recognised as one occurrence.

"Same occurrence" is a pairwise relation; incidents are its connected components, so the result
does not depend on the order documents arrive in. Two events are the same occurrence when:
  - they come from different documents and their types are of one family (violence,
    coercion, movement, talk, protest);
  - their date ranges overlap once each is widened by its precision (a day ±1 day; a week, a
    month, a year as stated; an undated event matches only within a week before its report);
  - some place of one lies within reach of some place of the other, the reach growing with
    the places' precision (exact 25 km, near 50, admin2 100, admin1 250, part of a country 500,
    country 1,000 km);
    an event with no place matches only an event whose perpetrators it shares;
  - their perpetrators do not disagree (one side may be unnamed).

Combined estimate (UCDP style): ``low`` the lowest credible figure, ``high`` the highest,
``best`` the median of the sources' best figures (their low figure when they give no best);
``acled`` the most conservative figure, as ACLED codes disputes.

Combined status: ``denied`` when every source denies; ``contested`` when some source asserts
(reports, confirms, claims) and another denies, cannot confirm or discredits — contested
outranks corroborated; ``corroborated`` when two or more independent sources assert it;
``single_source`` otherwise. Independence: sources are compared by name after folding case and
articles, so an outlet relaying "according to Amnesty" counts as Amnesty, and two outlets
citing one agency count once; an outlet's own unsourced report counts as that outlet.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from dataclasses import dataclass, field

from ..resolve.gazetteer import km
from ..vocab import (
    DATE_PRECISIONS,
    FAMILY_OF,
    NEGATIVE_STANCES,
    PLACE_PRECISIONS,
    POSITIVE_STANCES,
    STANCE_RANK,
)


def _reach(precision: str) -> float:
    spec = PLACE_PRECISIONS.get(precision)
    return spec.reach_km if spec else PLACE_PRECISIONS["unknown"].reach_km


@dataclass
class EventRecord:
    key: str                                 # "<document sha256>:<event id>"
    document: str                            # the document's sha256
    outlet: str | None
    type: str
    date_start: dt.date | None
    date_end: dt.date | None
    precision: str
    published: dt.date | None
    places: list[tuple[float, float, str]] = field(default_factory=list)
    perpetrators: set[str] = field(default_factory=set)
    low: int | None = None
    best: int | None = None
    high: int | None = None
    attributions: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class Incident:
    key: str
    members: list[EventRecord]
    type: str
    date_start: dt.date | None
    date_end: dt.date | None
    low: int | None
    best: int | None
    high: int | None
    acled: int | None
    status: str
    sources: dict[str, str]


def _window(e: EventRecord) -> tuple[dt.date, dt.date] | None:
    if e.date_start is None and e.date_end is None:
        return None
    if e.date_start is None:                 # "on or before": a week before the report
        end = e.date_end
        return end - dt.timedelta(days=7), end
    spec = DATE_PRECISIONS.get(e.precision)
    widen = dt.timedelta(days=spec.widen_days if spec else 0)
    return e.date_start - widen, (e.date_end or e.date_start) + widen


def same_occurrence(a: EventRecord, b: EventRecord) -> bool:
    if a.document == b.document or FAMILY_OF.get(a.type) != FAMILY_OF.get(b.type):
        return False
    wa, wb = _window(a), _window(b)
    if wa is None or wb is None or wa[0] > wb[1] or wb[0] > wa[1]:
        return False
    if a.perpetrators and b.perpetrators and not (a.perpetrators & b.perpetrators):
        return False
    if not a.places or not b.places:
        return bool(a.perpetrators & b.perpetrators) and not (a.places or b.places)
    return any(km(pa[0], pa[1], pb[0], pb[1]) <= max(_reach(pa[2]), _reach(pb[2]))
               for pa in a.places for pb in b.places)


def _norm_source(name: str | None, outlet: str | None, document: str) -> str:
    name = name or outlet or ("document " + document[:12])
    words = name.lower().replace("’", "'").split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def combined_status(members: list[EventRecord]) -> tuple[str, dict[str, str]]:
    """The combined status and each independent source's strongest stance."""
    sources: dict[str, str] = {}
    for e in members:
        for name, stance in e.attributions:
            key = _norm_source(name, e.outlet, e.document)
            if key not in sources or STANCE_RANK[stance] < STANCE_RANK[sources[key]]:
                sources[key] = stance
    stances = set(sources.values())
    positive = [s for s, st in sources.items() if st in POSITIVE_STANCES]
    if stances and stances <= {"denies"}:
        return "denied", sources
    if stances & POSITIVE_STANCES and stances & NEGATIVE_STANCES:
        return "contested", sources
    if len(positive) >= 2:
        return "corroborated", sources
    return "single_source", sources


def combined_estimate(members: list[EventRecord]) -> tuple[int | None, int | None, int | None, int | None]:
    """(low, best, high, acled): lowest credible, median best, highest, most conservative."""
    lows = [e.low for e in members if e.low is not None]
    highs = [e.high if e.high is not None else e.low for e in members if e.low is not None or e.high is not None]
    bests = [e.best if e.best is not None else e.low for e in members if e.best is not None or e.low is not None]
    if not lows and not highs:
        return None, None, None, None
    low = min(lows) if lows else None
    high = max(h for h in highs if h is not None) if highs else None
    best = int(statistics.median(bests)) if bests else None
    return low, best, high, low


def build_incidents(events: list[EventRecord]) -> list[Incident]:
    """Connected components of the same-occurrence relation, in a deterministic order."""
    events = sorted(events, key=lambda e: e.key)
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_family: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        if _window(e) is not None:          # an undated event matches none: it stays on its own
            by_family.setdefault(FAMILY_OF.get(e.type, e.type), []).append(i)
    for idx in by_family.values():
        idx.sort(key=lambda i: (_window(events[i]) or (dt.date.min, dt.date.min))[0])
        for n, i in enumerate(idx):
            wi = _window(events[i])
            for j in idx[n + 1:]:
                wj = _window(events[j])
                if wi is not None and wj is not None and wj[0] > wi[1]:
                    break                                   # sorted by start: no later one overlaps
                if same_occurrence(events[i], events[j]):
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[EventRecord]] = {}
    for i, e in enumerate(events):
        groups.setdefault(find(i), []).append(e)
    out = [finish(members) for members in groups.values()]
    return sorted(out, key=lambda i: ((i.date_start or dt.date.min), i.key))


def finish(members: list[EventRecord]) -> Incident:
    """An incident from its member events: key, type, dates, estimate and status."""
    members = sorted(members, key=lambda m: m.key)
    low, best, high, acled = combined_estimate(members)
    status, sources = combined_status(members)
    types = sorted({m.type for m in members}, key=lambda t: (-sum(m.type == t for m in members), t))
    starts = [m.date_start for m in members if m.date_start]
    ends = [m.date_end for m in members if m.date_end]
    key = hashlib.sha256("|".join(m.key for m in members).encode()).hexdigest()[:16]
    return Incident(key, members, types[0], min(starts) if starts else None, max(ends) if ends else None,
                    low, best, high, acled, status, sources)
