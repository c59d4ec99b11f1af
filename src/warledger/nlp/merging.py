"""Within-document coreference of events: reports of one happening inside one document become one
event (pure Python over ``model.Event``; no spaCy).

The event stage already merges a headline into its lede and "the attack" into the event it calls
back to, sentence by sentence. What it leaves are events told again further down with nothing
that says they differ: the same kind of happening, on dates that agree, at places that agree,
by the same side. Two events of one document are taken for one happening when
  - their types are of one family (vocab), and the same type unless one is generic ("an attack",
    "a killing" may be any strike) or says nothing of itself (no date, place below the province
    or toll of its own): an air strike and a battle, each told with its own details, are two;
  - their dates agree: two days must be the same day; two stated ranges must overlap (an
    undated event agrees with any date);
  - their places agree: one has none, they share a gazetteer entry, or their most precise
    places lie within the reach of that precision (a town 25 km), or every place of one is a
    country, part of a country or province that holds the other's;
  - their agents do not disagree: both naming perpetrators (or, for talks and statements,
    participants) with none in common, folding a state's organs into the state; talks,
    statements and other happenings without force need a party in common (a speaker is his own
    event);
  - no sentence names both (the event stage has read that sentence's clauses apart), unless the
    two are two sources' figures of one toll ("X says 60 were killed, but Y said at least 40");
  - their tolls agree (one figure, or one range holding the other);
  - they do not name different persons as victims ("X was killed", "Y was killed": two killings).
Each event joins the first earlier one it agrees with (so the headline and lede lead). The
merged event keeps the type of the report saying most of itself (its own date, a place below the
province, a toll; a generic "attack" or "killing" gives way to the specific type of a report
dated as well), the most precise date, the first toll, every place, role and mention, and one
stance per source, the one that report gives (so a background clause does not turn a claim into
something else; a perpetrator's own report of it is its claim, as in the stance stage); its
status is worked out again from those stances.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..model import Attribution, Event, PlaceRef, Role
from ..resolve.gazetteer import km
from ..vocab import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    FAMILY_OF,
    NEGATIVE_STANCES,
    PLACE_PRECISIONS,
    POSITIVE_STANCES,
    STANCE_RANK,
    event_type_rank,
)

WIDE_LEVELS = frozenset({"country", "region", "admin1"})
OWN_CLAIMS = frozenset({"reports", "asserts"})   # the stances a perpetrator's own word turns into a claim


def status_of(stances: list[str]) -> str:
    """An event's status from the stances of its sources (the outlet's own report counts only
    when no one else is cited)."""
    if stances and all(s == "denies" for s in stances):
        return "denied"
    if set(stances) & POSITIVE_STANCES and set(stances) & NEGATIVE_STANCES:
        return "contested"
    if "confirms" in stances:
        return "confirmed"
    if stances and all(s == "claims" for s in stances):
        return "claimed"
    return "reported"


def _stated(ev: Event):
    d = ev.date
    if d.precision == "unknown" or (d.start is None and d.end is None):
        return None
    return d.start or d.end, d.end or d.start


def dates_agree(a: Event, b: Event) -> bool:
    ra, rb = _stated(a), _stated(b)
    if ra is None or rb is None:
        return True
    if a.date.precision == "day" and b.date.precision == "day":
        return ra[0] == rb[0]
    return ra[0] <= rb[1] and rb[0] <= ra[1]


def _placed(ev: Event) -> list[PlaceRef]:
    return [p for p in ev.places if p.lat is not None and p.lon is not None]


def _holds(wide: PlaceRef, p: PlaceRef) -> bool:
    """Whether a country, part of a country or province holds the place ``p``."""
    if wide.country is None or p.country != wide.country:
        return False
    if wide.level == "admin1":
        return p.admin1 is not None and p.admin1 == (wide.admin1 or wide.name)
    return True


def places_agree(a: Event, b: Event) -> bool:
    if not a.places or not b.places:
        return True
    ids = {p.geonameid for p in a.places} - {None}
    if ids & ({p.geonameid for p in b.places} - {None}):
        return True
    names = {p.name.lower() for p in a.places}
    if names & {p.name.lower() for p in b.places}:
        return True
    for x, y in ((a, b), (b, a)):
        wide = [p for p in x.places if p.level in WIDE_LEVELS]
        if len(wide) == len(x.places) and all(any(_holds(w, p) or (p.level in WIDE_LEVELS and p.country == w.country)
                                                  for w in wide) for p in y.places):
            return True
    pa, pb = _placed(a), _placed(b)
    top_a = [p for p in pa if p.level not in WIDE_LEVELS]
    top_b = [p for p in pb if p.level not in WIDE_LEVELS]
    for x in top_a:
        for y in top_b:
            reach = max(PLACE_PRECISIONS[x.precision].reach_km if x.precision in PLACE_PRECISIONS else 25.0,
                        PLACE_PRECISIONS[y.precision].reach_km if y.precision in PLACE_PRECISIONS else 25.0)
            if km(x.lat, x.lon, y.lat, y.lon) <= reach:
                return True
    return False


def _agents(ev: Event, fold: Callable[[Role], str]) -> set[str]:
    spec = EVENT_TYPES.get(ev.type)
    role = spec.agent if spec else "perpetrator"
    return {fold(r) for r in ev.actors if r.role == role}


def _persons(ev: Event) -> set[str]:
    return {r.id or r.name.lower() for r in ev.actors if r.role == "victim" and r.kind == "person"}


def _hit_sides(ev: Event, fold: Callable[[Role], str]) -> set[str]:
    """The named sides an event hits, as victims or targets (registry actors only: "people",
    "civilians" or a building say nothing of which side)."""
    return {fold(r) for r in ev.actors if r.role in ("victim", "target") and r.id and r.kind != "person"}


def _share_sentence(a: Event, b: Event) -> bool:
    """Whether one sentence names both (their triggers' sentences; the mentions, where known)."""
    sa, sb = a.sentences or a.mentions, b.sentences or b.mentions
    return any(x0 < y1 and y0 < x1 for x0, x1 in sa for y0, y1 in sb)


def one_happening(a: Event, b: Event, fold: Callable[[Role], str]) -> bool:
    family = FAMILY_OF.get(a.type, a.type)
    if family != FAMILY_OF.get(b.type, b.type):
        return False
    spec_a, spec_b = EVENT_TYPES.get(a.type), EVENT_TYPES.get(b.type)
    if a.type != b.type and not (spec_a and spec_a.generic) and not (spec_b and spec_b.generic) \
            and sum(_richness(a)) and sum(_richness(b)):
        return False                # an air strike and a battle are two happenings; "the attack" either
    if _share_sentence(a, b):       # the event stage has read that sentence's clauses apart, unless
        return competing(a, b, fold)  # they are two sources' figures of one toll
    if not dates_agree(a, b) or not places_agree(a, b):
        return False
    ga, gb = _agents(a, fold), _agents(b, fold)
    if ga and gb and not (ga & gb):
        return False
    if not EVENT_TYPES[a.type].violent and not EVENT_TYPES[b.type].violent and not (ga & gb) \
            and not (a.type == b.type and not ga and not gb):
        return False                # talks, statements, protests: the same party, or its own event
    va, vb = _persons(a), _persons(b)
    if va and vb and not (va & vb):
        return False
    ha, hb = _hit_sides(a, fold), _hit_sides(b, fold)
    if ha and hb and not (ha & hb):
        return False                # a tank fire on peacekeepers, a strike on a militia's commanders
    return tolls_agree(a, b)


def _sources(ev: Event) -> set[str]:
    return {x.source.lower() for x in ev.attributions if x.source is not None and x.span is not None}


def _victims(ev: Event, fold: Callable[[Role], str]) -> set[str]:
    return {fold(r) for r in ev.actors if r.role == "victim"}


def competing(a: Event, b: Event, fold: Callable[[Role], str]) -> bool:
    """"X says 60 soldiers were killed, but Y told reporters at least 40 were": one sentence, two
    sources, each with its own figure of the same dead (the same victims, or one side names none),
    and no one else doing it."""
    if a.fatalities is None or b.fatalities is None or not (EVENT_TYPES[a.type].violent and EVENT_TYPES[b.type].violent):
        return False
    sa, sb = _sources(a), _sources(b)
    if not sa or not sb or sa == sb:
        return False
    va, vb = _victims(a, fold), _victims(b, fold)
    if va and vb and not (va & vb):
        return False
    ga, gb = _agents(a, fold), _agents(b, fold)
    return not (ga and gb and not (ga & gb))


def tolls_agree(a: Event, b: Event) -> bool:
    """Two tolls of one happening are one figure, or one range holds the other's."""
    fa, fb = a.fatalities, b.fatalities
    if fa is None or fb is None:
        return True
    lo_a, hi_a = fa.low or fa.best or 0, fa.high or fa.best or fa.low or 0
    lo_b, hi_b = fb.low or fb.best or 0, fb.high or fb.best or fb.low or 0
    return lo_a <= hi_b and lo_b <= hi_a


def _date_key(ev: Event) -> tuple[int, int]:
    spec = DATE_PRECISIONS.get(ev.date.precision)
    return (spec.rank if spec else len(DATE_PRECISIONS), 0 if ev.date.span else 1)


def _richness(ev: Event) -> tuple[int, int, int]:
    """How much an event says of itself: a date of its own, a place below the province, a toll."""
    return (int(ev.date.span is not None), int(any(p.level not in WIDE_LEVELS for p in ev.places)),
            int(ev.fatalities is not None))


def _attributions(first: tuple[Attribution, ...], then: tuple[Attribution, ...]) -> tuple[Attribution, ...]:
    """One stance per source: each source's strongest in ``first``, then the sources only
    ``then`` cites. The outlet's own report stands only when no one is cited."""
    best: dict[str, Attribution] = {}
    for group in (first, then):
        mine: dict[str, Attribution] = {}
        for a in group:
            k = (a.source or "").lower()
            if k not in best and (k not in mine or STANCE_RANK.get(a.stance, 99) < STANCE_RANK.get(mine[k].stance, 99)):
                mine[k] = a
        best |= mine
    cited = [a for a in best.values() if a.span is not None]
    return tuple(cited or best.values())


def merge(a: Event, b: Event) -> Event:
    """``b`` told again as part of ``a``."""
    first, then = (a, b) if sum(_richness(a)) >= sum(_richness(b)) else (b, a)
    etype = first.type              # what the report saying most of itself calls it; a generic type
    if EVENT_TYPES.get(etype) and EVENT_TYPES[etype].generic and event_type_rank(then.type) < event_type_rank(etype) \
            and (_date_key(then)[0] <= _date_key(first)[0] or (then.fatalities is not None and first.fatalities is None)):
        etype = then.type           # gives way to what a report as well dated says
    date = a.date if _date_key(a) <= _date_key(b) else b.date
    places = list(a.places)
    for p in b.places:
        if not any(q.name == p.name and q.geonameid == p.geonameid for q in places):
            places.append(p)
    actors = list(a.actors)
    for r in b.actors:
        if not any(o.name == r.name and o.role == r.role for o in actors):
            actors.append(r)
    atts = _attributions(first.attributions, then.attributions)
    perps = {r.name.lower() for r in actors if r.role == "perpetrator"}
    atts = tuple(dataclasses.replace(x, stance="claims", rule=(x.rule or "") + "+own_act")
                 if x.source and x.source.lower() in perps
                 and x.stance in OWN_CLAIMS else x for x in atts)    # a perpetrator speaking of its own act
    stances = [x.stance for x in atts if x.source is not None or len(atts) == 1]
    return dataclasses.replace(
        a, type=etype, date=date, places=tuple(places), actors=tuple(actors),
        fatalities=a.fatalities if a.fatalities is not None else b.fatalities,
        count=max(a.count, b.count), attributions=atts, status=status_of(stances),
        mentions=tuple(sorted(set(a.mentions) | set(b.mentions))),
        sentences=tuple(sorted(set(a.sentences) | set(b.sentences))))


def state_fold(r: Role) -> str:
    """An agent as a side: a state's organs are the state ("the Russian army" and "Russia")."""
    from ..resolve.registry import load_registry
    reg = load_registry()
    actor = reg.actors.get(r.id) if r.id else None
    return (reg.state_of(actor) or actor.id) if actor else r.name.lower()


def merge_events(events: list[Event], fold: Callable[[Role], str] = state_fold) -> list[Event]:
    """The document's events with reports of one happening merged, numbered again in order."""
    out: list[Event] = []
    for ev in events:
        for i, e in enumerate(out):
            if one_happening(e, ev, fold):
                out[i] = merge(e, ev)
                break
        else:
            out.append(ev)
    return [dataclasses.replace(e, id=f"e{n}") for n, e in enumerate(out, start=1)]

