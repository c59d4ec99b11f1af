"""Incidents: events from different documents recognised as one occurrence.

Two events *may* be one occurrence (``same_occurrence``, the hard test) when:
  - their types are of one family (violence, coercion, movement, talk, protest);
  - their date ranges overlap once each is widened by its precision (a day ±1 day; a week, a
    month, a year as stated; an event dated only "on or before" its report: the week before it);
  - their most precise places lie within reach of each other, the reach growing with the
    places' precision (exact 25 km, near 50, admin2 100, admin1 250, part of a country 500,
    country 1,000 km) — an event with no placed place is in reach of anything; a town named as
    its province is (a province named after its capital: the gazetteer finds both by the name)
    is read as the province, for its name is said of either, and reaches that province only;
  - their perpetrators do not disagree (one side may be unnamed).
Two reports that each name their day, and name different days, are one only when the story says
so (the day of slack is for a report that drifts, not for two that disagree); so are a report of
a day and one of a whole month (which day of it, the story must say). A report's own later
mention of its happening, dated by the report alone, joins the incident its report is in when
nothing says otherwise (no other figure, site or perpetrator, and a place on the map or none);
a bare one (no figure, no place on the map) joins even when it names the perpetrator otherwise,
for a later sentence telling who blamed whom is read as the happening's perpetrator; a mention on
the map (or naming no place) joins through a member of its report known by a name only, never
the other way.
How likely they are one (``evidence``) adds what says two reports tell one story: figures of the
same size, the same named victims or targets, the same distinctive words of the sentences that
mention them (a hospital, a market, a chemical agent: ``story.yaml``), the same named place below
the city, the same day and type; names are weighed by how rare they are in the ledger, and two
reports naming sites of one kind but none in common (a hospital, a market) count against it.

Grouping does not chain: an event joins an incident only when it fits the incident as a whole,
not some member: its dates overlap those of every member of the *date core* (the best-dated
members: a day or a week, else a month, else the rest) and its places lie within reach of those of
every member of the *place core* (the best-placed members: a town or district, else a province,
else the rest). Events dated by a year or not at all, or placed at a part of a country, a country
or nowhere, are *low-precision*: they attach to one incident but never join two. An incident holds
reports of several documents: two events of one document are never the link. In three passes,
each over candidates sorted by evidence, then key (so the arrival order of documents does not
matter): (1) precise events are merged, best evidence first, when every member of the merged
group fits it and the evidence between the two linked reports is enough; (2) each low-precision
event joins the one incident it fits with the most evidence with some member, when it is enough
(it needs more than a precise one), in rounds, every choice of a round made against the same
incidents; (3) low-precision events left over group among themselves the same way as in (1).
An incident's dates are its date core's (so a siege, a campaign, is an event of its own type with
its own span, never a chain of strikes), its area its place core's.

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

import bisect
import datetime as dt
import hashlib
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import yaml

from ..resolve.gazetteer import km
from ..vocab import (
    DATE_PRECISIONS,
    FAMILY_OF,
    NEGATIVE_STANCES,
    PLACE_PRECISIONS,
    POSITIVE_STANCES,
    STANCE_RANK,
)

# Evidence needed (see ``evidence``): two precise events; a low-precision one and an incident.
NEED_PRECISE = 1.0
NEED_LOW = 2.0
NEED_STORY = 2.0      # two reports whose perpetrators disagree, naming different days, or a day and a month
ATTACH_ROUNDS = 4    # low events attach in rounds: the second may match one attached in the first
NEED_SAME = 1.5       # a low event and a member of its own report, nothing against it
SAME_REPORT = 1.5     # two events of one report that may be one occurrence: most often one told twice
CITY_PRECISIONS = frozenset({"exact", "near", "admin2"})       # a town, a district, a county
COARSE_PRECISIONS = frozenset({"region", "country", "unknown"})
PRECISE_DATES = frozenset({"day", "week"})


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
    place_names: list[tuple[str, str, str]] = field(default_factory=list)   # (name, precision, level)
    victims: set[str] = field(default_factory=set)                         # named victims and targets
    text: str = ""                                                          # the sentences mentioning it


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


SLACK = dt.timedelta(days=1)    # reports of one happening drift by a day (time zones, "yesterday")


def _window(e: EventRecord) -> tuple[dt.date, dt.date] | None:
    """The days an event may have happened on: its range widened by its precision, and by a day
    at least."""
    if e.date_start is None and e.date_end is None:
        return None
    if e.date_start is None:                 # "on or before": a week before the report
        end = e.date_end
        return end - dt.timedelta(days=7), end + SLACK
    spec = DATE_PRECISIONS.get(e.precision)
    widen = max(dt.timedelta(days=spec.widen_days if spec else 0), SLACK)
    return e.date_start - widen, (e.date_end or e.date_start) + widen


PROVINCE_TOWN_KM = 5.0    # a place of the gazetteer this close to an event's point is the one it names


def _gazetteer_paths() -> tuple[str | None, str | None]:
    """The gazetteer places are resolved with (``WARLEDGER_GAZETTEER``,
    ``WARLEDGER_GAZETTEER_SUPPLEMENT``, else the embedded one), read each time."""
    import os
    return (os.environ.get("WARLEDGER_GAZETTEER") or None, os.environ.get("WARLEDGER_GAZETTEER_SUPPLEMENT") or None)


@lru_cache(maxsize=1 << 14)
def _places_in(name: str, path: str | None, supplement: str | None) -> tuple[tuple[float, float, str, str | None], ...]:
    """(lat, lon, level, province) of what the gazetteer at ``path`` (with ``supplement``) finds
    by this name (its province: "country.admin1"); none without a gazetteer."""
    from ..errors import WarledgerError
    from ..resolve.gazetteer import open_gazetteer
    try:
        found = open_gazetteer(path, supplement).lookup(name, fuzzy=False)
    except WarledgerError:
        return ()
    return tuple((p.lat, p.lon, p.level, p.admin1 or None) for p in found)


def _province_of(e: EventRecord, place: tuple[float, float, str]) -> tuple[str | None, bool]:
    """(the province a place of the event lies in, when the gazetteer knows it by the place's
    name; whether the name also names that province, as a province named after its capital
    is: "in Idlib" is said of the city and of the province alike)."""
    return _province_at(tuple(n for n, precision, _ in e.place_names if precision == place[2]), tuple(place),
                        _gazetteer_paths())


@lru_cache(maxsize=1 << 16)
def _province_at(names: tuple[str, ...], place: tuple[float, float, str],
                 paths: tuple[str | None, str | None]) -> tuple[str | None, bool]:
    """``_province_of`` from the names of the place's precision, in the gazetteer at ``paths``
    (kept: many events name the same places, and every event's places are read each time it is
    prepared)."""
    for name in names:
        found = _places_in(name, *paths)
        here = [f for f in found if km(place[0], place[1], f[0], f[1]) <= PROVINCE_TOWN_KM and f[3]]
        if here:
            province = here[0][3]
            both = place[2] in CITY_PRECISIONS and any(f[2] == "admin1" and f[3] == province for f in found)
            return province, both
    return None, False


def _read_places(e: EventRecord) -> list[tuple]:
    """The event's places as the grouping reads them, each (lat, lon, precision, province, its
    own precision): a town named as its province is (``_province_of``) is read at province
    precision, for its name may be said of either; it reaches that province only (``_pair_reach``)."""
    out = []
    for p in e.places:
        province, both = _province_of(e, p)
        out.append((p[0], p[1], "admin1" if both else p[2], province, p[2]))
    return out


def _pair_reach(x: tuple, y: tuple) -> float:
    """How far apart two places (as ``_read_places`` reads them) may be and still be one place:
    the larger reach of their precisions; a town read as its province reaches no further than a
    town into another province."""
    r = max(_reach(x[2]), _reach(y[2]))
    if (x[2] != x[4] or y[2] != y[4]) and x[3] and y[3] and x[3] != y[3]:
        r = max(_reach(x[4]), _reach(y[4]))
    return r


def _best_places(e: EventRecord) -> list[tuple]:
    """The event's most precise placed places (a country named beside a town says nothing more),
    as ``_read_places`` reads them: ranked by their own precision (a town read as its province is
    still a town beside another), reaching as read."""
    if not e.places:
        return []
    places = _read_places(e)
    top = min(PLACE_PRECISIONS.get(p[4], PLACE_PRECISIONS["unknown"]).rank for p in places)
    return [p for p in places if PLACE_PRECISIONS.get(p[4], PLACE_PRECISIONS["unknown"]).rank == top]


def date_class(e: EventRecord) -> int:
    """0: a day or a week; 1: a month; 2: a year, unknown or undated."""
    if e.date_start is None:
        return 2
    return 0 if e.precision in PRECISE_DATES else 1 if e.precision == "month" else 2


def place_class(e: EventRecord) -> int:
    """0: a town or district; 1: a province; 2: a part of a country, a country or unknown; 3: no place."""
    return _place_class(_best_places(e))


def _place_class(best: list[tuple]) -> int:
    """``place_class`` of an event whose most precise places are ``best``."""
    if not best:
        return 3
    p = best[0][4]
    return 0 if p in CITY_PRECISIONS else 1 if p == "admin1" else 2


def is_low(e: EventRecord) -> bool:
    """Low precision: it may attach to an incident, never join two."""
    return date_class(e) == 2 or place_class(e) >= 2


def _places_in_reach(a: EventRecord, b: EventRecord) -> tuple[bool, float | None]:
    """Whether the two events' most precise places lie within reach, and the least distance."""
    pa, pb = _best_places(a), _best_places(b)
    if not pa or not pb:
        return True, None
    best = None
    ok = False
    for x in pa:
        for y in pb:
            d = km(x[0], x[1], y[0], y[1])
            best = d if best is None or d < best else best
            ok = ok or d <= _pair_reach(x, y)
    return ok, best


def compatible(a: EventRecord, b: EventRecord) -> bool:
    """The hard test, documents aside: one family, overlapping dates, places in reach."""
    if FAMILY_OF.get(a.type, a.type) != FAMILY_OF.get(b.type, b.type):
        return False
    wa, wb = _window(a), _window(b)
    if wa is None or wb is None or wa[0] > wb[1] or wb[0] > wa[1]:
        return False
    return _places_in_reach(a, b)[0]


def same_occurrence(a: EventRecord, b: EventRecord) -> bool:
    """Whether two events of different documents are taken for reports of one occurrence when
    nothing else is known: the hard test passed and enough evidence between the two (perpetrators
    that disagree need the story itself to say it is one)."""
    if a.document == b.document or not compatible(a, b):
        return False
    s, c, _ = evidence(a, b, story(a), story(b))
    return enough(a, b, s, c, perpetrators_disagree(a, b))


# ---------------------------------------------------------------- the story a report tells

@lru_cache(maxsize=1 << 16)
def _fold(s: str) -> str:
    """Lower case, no accents or punctuation, no articles: names repeat, so folds are kept."""
    s = unicodedata.normalize("NFKD", s.lower().replace("’", "'"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    skip = _story_data()["articles"]
    return " ".join(w for w in s.split() if w not in skip)


@cache
def _story_data() -> dict:
    return yaml.safe_load(resources.files(__package__).joinpath("story.yaml").read_text("utf-8"))


@cache
def story_words() -> tuple[dict[str, tuple[re.Pattern, bool]], frozenset[str]]:
    """Group → (pattern finding its words, exclusive?), and the generic victim names."""
    data = _story_data()
    groups = {}
    for name, g in data["groups"].items():
        alts = []
        for w in sorted(g["words"], key=len, reverse=True):
            w = w.lower()
            alts.append(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w))
        groups[name] = (re.compile(r"\b(" + "|".join(alts) + r")\b"), bool(g.get("exclusive")))
    return groups, frozenset(_fold(v) for v in data["generic_victims"])


@cache
def generic_sources() -> frozenset[str]:
    """Sources that name no one in particular ("activists", "witnesses"), folded."""
    return frozenset(_fold(v) for v in _story_data()["generic_sources"])


def actor_stems(names) -> frozenset[str]:
    """The words naming who acted, cut to their first five letters so that "Syria" and "Syrian
    government", "Russia" and "Russian military" agree; generic words left out."""
    generic = story_words()[1]
    out = set()
    for n in names:
        for w in _fold(n).split():
            if len(w) >= 4 and w not in generic:
                out.add(w[:5])
    return frozenset(out)


def perpetrators_disagree(a: EventRecord, b: EventRecord) -> bool:
    sa, sb = actor_stems(a.perpetrators), actor_stems(b.perpetrators)
    return bool(sa and sb and not (sa & sb))


def _stem(word: str) -> str:
    word = re.sub(r"[\s-]+", " ", word)
    for end in _story_data()["plural_endings"]:
        if len(word) > 4 and word.endswith(end) and not word.endswith("ss"):
            return word[: -len(end)] + ("y" if end == "ies" else "")
    return word


@dataclass
class _Story:
    """What one event's report says that another's may repeat."""
    words: dict[str, frozenset[str]]        # group → distinctive words (stemmed)
    names: frozenset[str]                   # place names below the province, folded
    victims: frozenset[str]                 # named victims and targets, folded, generic ones left out
    figure: int | None
    actors: frozenset[str] = frozenset()    # stems of the named perpetrators (actor_stems)
    sources: frozenset[str] = frozenset()   # the named sources the report relays, folded


def story(e: EventRecord) -> _Story:
    groups, generic = story_words()
    text = e.text.lower()
    words = {g: frozenset(_stem(m) for m in pat.findall(text)) for g, (pat, _) in groups.items()}
    names = frozenset(_fold(n) for n, precision, level in e.place_names
                      if precision not in ("region", "country") and level != "country")
    victims = frozenset(v for v in (_fold(n) for n in e.victims) if v and v not in generic
                        and not any(w in generic for w in v.split()[-1:]))
    figure = e.best if e.best is not None else e.low if e.low is not None else e.high
    sources = frozenset(_fold(n) for n, _ in e.attributions if n) - {""} - generic_sources()
    return _Story(words, names - {""}, victims, figure, actor_stems(e.perpetrators), sources)


COMMON = 3              # a name this many documents of a year use is still telling


def years(window: tuple[int, int] | None) -> range:
    """The calendar years a window (day ordinals) touches."""
    if window is None:
        return range(0)
    return range(dt.date.fromordinal(window[0]).year, dt.date.fromordinal(window[1]).year + 1)


def story_tokens(st: _Story) -> set[tuple[str, str]]:
    """The names of a story that rarity weighs: places, victims, relayed sources."""
    return {("n", x) for x in st.names} | {("v", x) for x in st.victims} | {("s", x) for x in st.sources}


def token_years(st: _Story, window: tuple[int, int] | None) -> set[tuple[str, str, int]]:
    """(kind, name, year) of each weighed name and each year the event's window touches."""
    ys = years(window)
    return {(k, n, y) for k, n in story_tokens(st) for y in ys}


def rarity_weight(docs: int) -> float:
    """The weight of a name shared by two reports, from how many documents of the year use it:
    1 up to ``COMMON``, then ``COMMON`` over that count rounded up to a power of two (so that a
    weight changes only when a name's count doubles, which an update can afford to follow)."""
    if docs <= COMMON:
        return 1.0
    return COMMON / (1 << (docs - 1).bit_length())


class Rarity:
    """How telling a shared name is, local in time: from how many documents use it in the years
    the two reports' dates touch (a capital named in every other report of a year says little).
    ``counts``: (kind, name, year) → documents; the ledger keeps them with the events."""

    def __init__(self, counts: dict[tuple[str, str, int], int]):
        self.counts = counts

    @classmethod
    def of(cls, items) -> Rarity:
        """From (document, story, window) of every event."""
        seen: dict[tuple[str, str, int], set[str]] = {}
        for doc, st, window in items:
            for t in token_years(st, window):
                seen.setdefault(t, set()).add(doc)
        return cls({t: len(d) for t, d in seen.items()})

    def pair(self, wa: tuple[int, int] | None, wb: tuple[int, int] | None):
        ys = sorted(set(years(wa)) | set(years(wb)))
        counts = self.counts

        def weight(kind: str, name: str) -> float:
            return rarity_weight(max((counts.get((kind, name, y), 1) for y in ys), default=1))
        return _Weights(weight)


@dataclass
class _Weights:
    weight: object


def _figures(fa: int | None, fb: int | None) -> tuple[float, str | None]:
    if fa is None or fb is None:
        return 0.0, None
    lo, hi = sorted((fa, fb))
    if hi - lo <= max(1, 0.1 * hi):
        return 2.0, f"the same figure ({fa}, {fb})"
    if hi <= 1.5 * lo + 2:
        return 1.0, f"figures of the same size ({fa}, {fb})"
    if hi > 3 * lo + 3:
        return -0.5, f"figures far apart ({fa}, {fb})"
    return 0.0, None


def evidence(a: EventRecord, b: EventRecord, sa: _Story, sb: _Story, rarity: _Weights | None = None,
             say: bool = True) -> tuple[float, float, list[str]]:
    """(story, context, reasons): how strongly the two reports tell one story (figures, victims,
    distinctive words, named places below the province) and how well their setting agrees
    (the same day, type, perpetrator); the reasons in words."""
    groups, _ = story_words()
    reasons: list[str] = []
    s = 0.0
    f, why = _figures(sa.figure, sb.figure)
    if why:
        s += f
        if say:
            reasons.append(why)
    w = rarity.weight if rarity else (lambda kind, name: 1.0)   # no weights: the most evidence there can be
    shared = sa.victims & sb.victims
    if shared:
        s += min(2.0, sum(w("v", v) for v in shared))
        if say:
            reasons.append("the same victims or targets: " + ", ".join(sorted(shared)))
    names = sa.names & sb.names
    if names:
        s += min(2.0, sum(w("n", n) for n in names))
        if say:
            reasons.append("the same named places: " + ", ".join(sorted(names)))
    sources = sa.sources & sb.sources
    if sources:
        s += min(1.0, sum(w("s", n) for n in sources))
        if say:
            reasons.append("the same source relayed: " + ", ".join(sorted(sources)))
    for g, (_, exclusive) in groups.items():
        common = sa.words[g] & sb.words[g]
        if common:
            s += min(2.0, float(len(common)))
            if say:
                reasons.append(f"the same {g} words: " + ", ".join(sorted(common)))
        elif exclusive and sa.words[g] and sb.words[g]:
            s -= 1.0
            if say:
                reasons.append(f"different {g}s: {', '.join(sorted(sa.words[g]))} / {', '.join(sorted(sb.words[g]))}")
    if a.document == b.document:
        s += SAME_REPORT
        if say:
            reasons.append("the same report")
    c = 0.0
    if a.precision == "day" and b.precision == "day" and a.date_start and a.date_start == b.date_start:
        c += 1.0
        if say:
            reasons.append(f"the same day ({a.date_start})")
    if a.type == b.type:
        c += 0.5
        if say:
            reasons.append(f"the same type ({a.type})")
    pa, pb = sa.actors, sb.actors
    if pa & pb:
        c += 0.5
        if say:
            reasons.append("the same perpetrator: " + " / ".join(sorted(a.perpetrators | b.perpetrators)))
    elif pa and pb and say:
        reasons.append("different perpetrators: " + ", ".join(sorted(a.perpetrators)) + " / "
             + ", ".join(sorted(b.perpetrators)))
    return s, c, reasons


def days_apart_in_report(a: EventRecord, b: EventRecord) -> bool:
    """Whether two events of one report are each dated to a day, and to different days: the
    report itself tells them apart."""
    return (a.document == b.document and a.precision == b.precision == "day" and a.date_start is not None
            and b.date_start is not None and a.date_start != b.date_start)


def _placed_or_nameless(e: EventRecord) -> bool:
    """Whether the event's places are on the map, or it names none (a name without coordinates
    says nothing of where it is, so it cannot be told apart from another)."""
    return bool(e.places) or not e.place_names


def _bare(e: EventRecord) -> bool:
    """A mention dated by its report alone ("on or before" it) that gives no figure and no place
    on the map: most often a report's own later word of the happening it tells."""
    return e.date_start is None and e.best is None and e.low is None and e.high is None and not e.places


def enough(a: EventRecord, b: EventRecord, s: float, c: float, disagree: bool = False,
           classes: tuple[int, int, bool, bool] | None = None) -> bool:
    """Whether evidence (story ``s``, setting ``c``) is enough for these two events: two precise
    events need a little; when either is of low precision, or their perpetrators disagree (who
    did it is what reports and readings disagree on most), or each names a different day, the story
    itself must say it; two events of one report need nothing against them (the same report is
    the evidence) and one of the two on the map (or naming no place): the one that joins through
    the other must be (``_Grouper.attach``). ``classes``: (``date_class`` of each, ``is_low`` of
    each) when known already (``_Prepared``)."""
    da, db, la, lb = classes or (date_class(a), date_class(b), is_low(a), is_low(b))
    if disagree and s < NEED_STORY and not (a.document == b.document and (_bare(a) or _bare(b))):
        return False
    if (a.precision == b.precision == "day" and a.date_start and b.date_start and a.date_start != b.date_start
            and s < NEED_STORY):
        return False                      # each report names its day, and they differ: the story must say it is one
    if a.document != b.document and {da, db} == {0, 1} and s < NEED_STORY:
        return False                      # a day beside a whole month: which day of it, the story must say
    if a.document == b.document:          # one report telling one happening twice, nothing against it
        return s >= SAME_REPORT and s + c >= NEED_SAME and (_placed_or_nameless(a) or _placed_or_nameless(b))
    if la or lb:
        return s >= NEED_LOW and s + c >= NEED_LOW + 0.5
    return s + c >= NEED_PRECISE


# ---------------------------------------------------------------- grouping

@dataclass
class _Prepared:
    """One event as the grouping reads it, computed once."""
    e: EventRecord
    family: str
    window: tuple[int, int] | None            # day ordinals
    best: list[tuple[float, float, str]]
    dclass: int
    pclass: int
    low: bool
    story: _Story
    named: frozenset[str] = frozenset()       # every place it names, folded
    unplaced: frozenset[str] = frozenset()    # when none has coordinates: the names it gives


def prepare(e: EventRecord, st: _Story | None = None) -> _Prepared:
    """One event as the grouping reads it (``st``: its story when already known)."""
    w = _window(e)
    named = frozenset(_fold(n) for n, _, _ in e.place_names) - {""}
    best = _best_places(e)                     # once: ``place_class`` and ``is_low`` of ``best``
    dclass, pclass = date_class(e), _place_class(best)
    return _Prepared(e, FAMILY_OF.get(e.type, e.type), (w[0].toordinal(), w[1].toordinal()) if w else None,
                     best, dclass, pclass, dclass == 2 or pclass >= 2, st or story(e),
                     named, frozenset() if e.places else named)


KM_PER_DEGREE = 111.2     # as ``_Grouper.near``'s latitude test
BAND_SLACK = 1e-6         # degrees: the band test never rejects a pair ``near`` would take


class _Bands:
    """Latitude bands of a list of events (or groups): each one's lowest and highest latitude and
    widest reach, to reject at once, over a whole slice, the ones too far north or south to be in
    reach of one event (a necessary condition of ``_Grouper.near``; the exact test follows)."""

    def __init__(self, places: list[list[tuple[float, float, str]]]):
        n = len(places)
        self.lo, self.hi, self.reach = np.zeros(n), np.zeros(n), np.zeros(n)
        self.placed = np.zeros(n, dtype=bool)
        for i, best in enumerate(places):
            if best:
                self.placed[i] = True
                self.lo[i] = min(x[0] for x in best)
                self.hi[i] = max(x[0] for x in best)
                self.reach[i] = max(_reach(x[2]) for x in best)

    def within(self, best: list[tuple[float, float, str]], j0: int, j1: int) -> np.ndarray:
        """Which of rows [j0, j1) may be in reach of places ``best`` (every unplaced one may)."""
        if not best:
            return np.ones(j1 - j0, dtype=bool)
        lo, hi = min(x[0] for x in best), max(x[0] for x in best)
        r = max(_reach(x[2]) for x in best)
        band = np.maximum(self.reach[j0:j1], r) / KM_PER_DEGREE + BAND_SLACK
        return ~self.placed[j0:j1] | ((self.lo[j0:j1] - hi <= band) & (lo - self.hi[j0:j1] <= band))


class _Grouper:
    """The three passes over prepared events (see the module's docstring). ``rarity``: the
    ledger's name counts (by default those of these events alone)."""

    def __init__(self, events: list[EventRecord] | None = None, rarity: Rarity | None = None,
                 prepared: list[_Prepared] | None = None):
        items = prepared if prepared is not None else [prepare(e) for e in events or []]
        self.p: dict[str, _Prepared] = {p.e.key: p for p in sorted(items, key=lambda p: p.e.key)}
        self.rarity = rarity or Rarity.of((p.e.document, p.story, p.window) for p in self.p.values())
        self._near: dict[tuple[str, str], bool] = {}
        self._score: dict[tuple[str, str], tuple[float, float, bool]] = {}
        self._sigs: dict[str, frozenset[str]] = {}
        self._linked: dict[tuple[str, str], bool] = {}     # ``incremental.linked``, by pair
        self.joined: dict[str, tuple[str, str]] = {}       # event → (how it joined, the member it matched)
        self.stage = "precise"

    def near(self, a: _Prepared, b: _Prepared) -> bool:
        """Whether the two events' most precise places lie within reach (true when one has none)."""
        if not a.best or not b.best:
            return True
        k = (a.e.key, b.e.key) if a.e.key < b.e.key else (b.e.key, a.e.key)
        got = self._near.get(k)
        if got is None:
            got = self._near[k] = any(abs(x[0] - y[0]) * 111.2 <= r and km(x[0], x[1], y[0], y[1]) <= r
                                      for x in a.best for y in b.best
                                      for r in (_pair_reach(x, y),))
        return got

    def reach(self, a: _Prepared, b: _Prepared) -> bool:
        """One family, overlapping dates, places in reach: what two events must share for anything
        the grouping does to link them (``incremental.linked`` follows the same)."""
        if a.family != b.family or a.window is None or b.window is None:
            return False
        if a.window[0] > b.window[1] or b.window[0] > a.window[1]:
            return False
        return self.near(a, b)

    def compat(self, a: _Prepared, b: _Prepared) -> bool:
        if a.family != b.family or a.window is None or b.window is None:
            return False
        if a.window[0] > b.window[1] or b.window[0] > a.window[1]:
            return False
        if (a.unplaced and b.named and not (a.unplaced & b.named)) or \
                (b.unplaced and a.named and not (b.unplaced & a.named)):
            return False                 # a place known by its name only is the same name or none
        return self.near(a, b)

    def enough(self, a: _Prepared, b: _Prepared, s: float, c: float) -> bool:
        pa, pb = a.story.actors, b.story.actors
        return enough(a.e, b.e, s, c, bool(pa and pb and not (pa & pb)), (a.dclass, b.dclass, a.low, b.low))

    def share(self, other: _Grouper) -> None:
        """Take ``other``'s caches of distances, pre-filters and scores (and keep adding to
        them): the two must weigh by one rarity."""
        assert other.rarity is self.rarity
        self._near, self._score, self._sigs = other._near, other._score, other._sigs
        self._linked = other._linked

    def _sig(self, p: _Prepared) -> frozenset[str]:
        got = self._sigs.get(p.e.key)
        if got is None:
            from .records import signature
            got = self._sigs[p.e.key] = frozenset(signature(p).split())
        return got

    def score(self, a: _Prepared, b: _Prepared) -> tuple[float, float, bool]:
        """(story, context, enough?) of a pair; a pair whose pre-filters share nothing
        (``records.signature``) is never enough, and its evidence is not weighed."""
        k = (a.e.key, b.e.key) if a.e.key < b.e.key else (b.e.key, a.e.key)
        got = self._score.get(k)
        if got is None and self._sig(a).isdisjoint(self._sig(b)):
            got = self._score[k] = (0.0, 0.0, False)
        if got is None:
            s, c, _ = evidence(a.e, b.e, a.story, b.story, self.rarity.pair(a.window, b.window), say=False)
            got = self._score[k] = (s, c, self.enough(a, b, s, c))
        return got

    def pairs(self, events: list[_Prepared]) -> list[tuple[float, str, str]]:
        """Candidate pairs of these events (of different documents, hard test passed, enough
        evidence), best first."""
        out = []
        by_family: dict[str, list[_Prepared]] = {}
        for p in events:
            if p.window is not None:
                by_family.setdefault(p.family, []).append(p)
        for fam in sorted(by_family):
            evs = sorted(by_family[fam], key=lambda p: (p.window[0], p.e.key))
            starts = [p.window[0] for p in evs]
            bands = _Bands([p.best for p in evs])
            docs = np.array([p.e.document for p in evs], dtype=object)
            sigs = [self._sig(p) for p in evs]
            for i, a in enumerate(evs):
                j0, j1 = i + 1, bisect.bisect_right(starts, a.window[1])
                if j1 <= j0:
                    continue
                ok = bands.within(a.best, j0, j1) & (docs[j0:j1] != a.e.document)
                mine = sigs[i]
                for j in np.flatnonzero(ok).tolist():
                    b = evs[j0 + j]
                    if mine.isdisjoint(sigs[j0 + j]) or not self.compat(a, b):
                        continue
                    s, c, ok_ = self.score(a, b)
                    if ok_:
                        out.append((-(s + c), min(a.e.key, b.e.key), max(a.e.key, b.e.key)))
        out.sort()
        return out

    def cores(self, ms: list[_Prepared]) -> tuple[list[_Prepared], list[_Prepared]]:
        """The date core (the best-dated members) and the place core (the best-placed ones)."""
        dtop = min(m.dclass for m in ms)
        placed = [m for m in ms if m.best]
        ptop = min((m.pclass for m in placed), default=0)
        return [m for m in ms if m.dclass == dtop], [m for m in placed if m.pclass == ptop]

    def fits(self, e: _Prepared, ms: list[_Prepared], cores=None) -> bool:
        """Whether ``e`` may be one occurrence with the group as a whole: its dates overlap
        those of every member of the date core, its places are in reach of those of every member
        of the place core."""
        dcore, pcore = cores or self.cores(ms)
        if e.window is None or e.family != ms[0].family:
            return False
        lo = max(m.window[0] for m in dcore)
        hi = min(m.window[1] for m in dcore)
        if e.window[0] > hi or e.window[1] < lo:
            return False
        if e.unplaced and not any(m is e or not m.named or (e.unplaced & m.named) for m in ms):
            return False                 # a place known by its name only must be named in the group
        if any(m is not e and days_apart_in_report(e.e, m.e) for m in ms):
            return False                 # one report telling of two days tells of two happenings
        return not e.best or all(m is e or self.near(e, m) for m in pcore)

    def holds(self, ms: list[_Prepared]) -> bool:
        """Whether every member of the group fits the group."""
        cores = self.cores(ms)
        dcore = cores[0]
        if max(m.window[0] for m in dcore) > min(m.window[1] for m in dcore):
            return False
        return all(self.fits(m, ms, cores) for m in ms)

    def agglomerate(self, events: list[_Prepared]) -> dict[str, list[_Prepared]]:
        """Merge groups along candidate pairs, best first, while every member of the merged
        group fits it."""
        group = {p.e.key: p.e.key for p in events}
        members = {p.e.key: [p] for p in events}
        for _, ka, kb in self.pairs(events):
            ga, gb = group[ka], group[kb]
            if ga == gb:
                continue
            merged = members[ga] + members[gb]
            if not self.holds(merged):
                continue
            keep, drop = (ga, gb) if ga < gb else (gb, ga)
            members[keep] = merged
            for m in members.pop(drop):
                group[m.e.key] = keep
            for k, other in ((ka, kb), (kb, ka)):
                self.joined.setdefault(k, (self.stage, other))
        return members

    def attach(self, low: list[_Prepared], groups: dict[str, list[_Prepared]], only: set[str] | None = None
               ) -> tuple[list[_Prepared], set[str]]:
        """Each low-precision event joins the one group it fits with the most evidence (enough
        of it, with a member of another document); returns those that join none. Groups do not
        change while they are chosen, so one low event never decides where another goes. With
        ``only``, just those groups are looked at (the others were, and have not changed)."""
        index: dict[str, list[tuple[int, int, str, list[_Prepared], tuple]]] = {}
        for gk, ms in sorted(groups.items()):
            if only is not None and gk not in only:
                continue
            cores = self.cores(ms)
            lo = max(m.window[0] for m in cores[0])
            hi = min(m.window[1] for m in cores[0])
            sig = frozenset().union(*(self._sig(m) for m in ms))      # what any member may share
            index.setdefault(ms[0].family, []).append((lo, hi, gk, ms, cores, sig))
        for rows in index.values():
            rows.sort(key=lambda r: (r[0], r[2]))
        starts = {fam: [r[0] for r in rows] for fam, rows in index.items()}
        ends = {fam: np.array([r[1] for r in rows]) for fam, rows in index.items()}
        bands = {fam: _Bands([[x for m in r[4][1] for x in m.best] for r in rows]) for fam, rows in index.items()}
        widest = max((r[1] - r[0] for rows in index.values() for r in rows), default=0)
        left, joins = [], {}
        for e in low:
            rows = index.get(e.family)
            if e.window is None or not rows:
                left.append(e)
                continue
            best = None
            first = bisect.bisect_left(starts[e.family], e.window[0] - widest)
            last = bisect.bisect_right(starts[e.family], e.window[1])
            ok = (ends[e.family][first:last] >= e.window[0]) & bands[e.family].within(e.best, first, last)
            mine = self._sig(e)
            for j in np.flatnonzero(ok).tolist():
                _, hi, gk, ms, cores, sig = rows[first + j]
                if mine.isdisjoint(sig):
                    continue                 # no member shares anything with it: never enough
                if all(m.e.document == e.e.document for m in ms) or not self.fits(e, ms, cores):
                    continue                 # an incident is of several reports: not of its own alone
                top = partner = None
                for m in ms:
                    if mine.isdisjoint(self._sig(m)) or not self.reach(e, m):
                        continue             # the evidence is with a member it may be one occurrence with
                    s, c, ok_ = self.score(e, m)
                    if ok_ and m.e.document == e.e.document and not _placed_or_nameless(e.e):
                        continue             # known by a name only, it is not told of its report's happening
                    if ok_ and (top is None or s + c > top):
                        top, partner = s + c, m.e.key
                if top is not None and (best is None or (-top, gk) < (-best[0], best[1])):
                    best = (top, gk, partner)
            if best is None:
                left.append(e)
            else:
                joins.setdefault(best[1], []).append(e)
                self.joined[e.e.key] = ("attached", best[2])
        for gk, es in joins.items():
            groups[gk] = groups[gk] + es
        return left, set(joins)

    def build(self) -> list[list[EventRecord]]:
        dated = [p for p in self.p.values() if p.window is not None]
        undated = [[p.e] for p in self.p.values() if p.window is None]       # alone: nothing to match
        self.stage = "precise"
        groups = self.agglomerate([p for p in dated if not p.low])          # pass 1
        left, changed = [p for p in dated if p.low], None
        for _ in range(ATTACH_ROUNDS):                                       # pass 2
            left, changed = self.attach(left, groups, changed)
            if not changed:
                break
        self.stage = "low"
        rest = self.agglomerate(left)                                        # pass 3
        return [[m.e for m in ms] for ms in list(groups.values()) + list(rest.values())] + undated


HOW = {"precise": "merged with a precise report (both of precise date and place)",
       "attached": "attached to the incident (it is of low precision: it joins one incident, never two)",
       "low": "grouped with another low-precision report (no precise incident fits it)"}


def explain(events: list[EventRecord], members: list[str], reviews: list[dict] | None = None) -> list[dict]:
    """Why each of ``members`` (event keys of one incident) is in it: the grouping of ``events``
    (the whole ledger, as ``rebuild`` groups it) is run again and each member told by the
    decision that put it there — merged with a precise report, attached as a low-precision one,
    grouped with another low-precision one — with the member it matched and the evidence
    between the two; a member the machine put elsewhere is there by an analyst's merge."""
    g = _Grouper(events)
    machine = g.build()
    group_of = {e.key: n for n, ms in enumerate(machine) for e in ms}
    wanted = [k for k in members if k in g.p]
    counts = Counter(group_of[k] for k in wanted)
    home = min(counts, key=lambda n: (-counts[n], n)) if counts else None
    mine = [g.p[k] for k in wanted if group_of[k] == home]
    dcore, pcore = g.cores(mine) if mine else ([], [])
    out = []
    for k in members:
        p = g.p.get(k)
        if p is None:
            out.append({"event": k, "how": "no such event in the ledger"})
            continue
        e = p.e
        row = {"event": k, "document": e.document, "outlet": e.outlet, "type": e.type,
               "date": {"start": e.date_start.isoformat() if e.date_start else None,
                        "end": e.date_end.isoformat() if e.date_end else None, "precision": e.precision},
               "places": [{"lat": la, "lon": lo, "precision": pr} for la, lo, pr in e.places],
               "precision": "low" if p.low else "precise",
               "core": [name for name, core in (("date", dcore), ("place", pcore)) if p in core]}
        if group_of[k] != home:
            merges = [r for r in reviews or [] if r.get("action") == "merge"
                      and k in set(r.get("anchor") or []) | set(r.get("events") or [])]
            row["how"] = ("joined by an analyst's merge" + (f" (review {merges[-1]['id']} by {merges[-1]['who']}"
                          + (f": {merges[-1]['why']}" if merges[-1].get("why") else "") + ")" if merges else ""))
        elif k in g.joined:
            how, other = g.joined[k]
            s, c, reasons = evidence(e, g.p[other].e, p.story, g.p[other].story,
                                     g.rarity.pair(p.window, g.p[other].window))
            row.update(how=HOW[how], matched=other, evidence={"story": round(s, 2), "setting": round(c, 2),
                                                              "reasons": reasons})
        else:
            by = sorted(o for o, (_, m) in g.joined.items() if m == k and group_of.get(o) == home)
            row["how"] = ("the report the others matched: " + ", ".join(by)) if by else "alone: it matched no other"
        out.append(row)
    return out


def build_incidents(events: list[EventRecord]) -> list[Incident]:
    """Incidents of these events, in a deterministic order whatever the order given."""
    out = [finish(members) for members in _Grouper(events).build()]
    return sorted(out, key=lambda i: ((i.date_start or dt.date.min), i.key))


def _norm_source(name: str | None, outlet: str | None, document: str) -> str:
    name = name or outlet or ("document " + document[:12])
    words = name.lower().replace("’", "'").split()
    if words and words[0] in _story_data()["articles"]:
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


def best_members(members: list[EventRecord]) -> list[EventRecord]:
    """The incident's date core, its best-dated members: they give the incident its dates."""
    top = min((date_class(m) for m in members), default=0)
    return [m for m in members if date_class(m) == top]


def place_core(members: list[EventRecord]) -> list[EventRecord]:
    """The incident's place core, its best-placed members: they give the incident its area."""
    placed = [m for m in members if m.places]
    top = min((place_class(m) for m in placed), default=0)
    return [m for m in placed if place_class(m) == top]


def finish(members: list[EventRecord]) -> Incident:
    """An incident from its member events: key, type, estimate and status, and the dates of its
    core's best-dated members (a member dated by a year does not stretch a strike over it)."""
    members = sorted(members, key=lambda m: m.key)
    low, best, high, acled = combined_estimate(members)
    status, sources = combined_status(members)
    types = sorted({m.type for m in members}, key=lambda t: (-sum(m.type == t for m in members), t))
    dated = best_members(members)
    starts = [m.date_start for m in dated if m.date_start]
    ends = [m.date_end for m in dated if m.date_end]
    key = hashlib.sha256("|".join(m.key for m in members).encode()).hexdigest()[:16]
    return Incident(key, members, types[0], min(starts) if starts else None, max(ends) if ends else None,
                    low, best, high, acled, status, sources)
