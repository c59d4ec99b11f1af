"""Choosing among gazetteer candidates for the place mentions of one document, and turning
them into document places. Pure Python over plain records; the PlaceRecognizer component
finds the mentions.

The choice, in order:
  1. context: the countries the document is about — countries it names (a country in
     "U.S. military" counts less than one in "in Iraq"), and the country of each name that
     can only be in one country;
  2. a name found only through a cue ("in X"), or only through a place label, keeps only
     candidates in those countries or of some size; a fuzzy name keeps only candidates in those
     countries;
  3. each candidate is scored by context, the admin word after it ("Province" → admin1),
     feature level, population and nearness to the document's unambiguous places;
  4. a name the gazetteer lacks, coordinated with a place ("A & X") or followed by
     "in/near Y", gets the point of what locates it, with precision "near";
  5. a country or province after a direction word ("northern Mali") becomes that part of it,
     level and precision "region", its point taken from its towns in that part.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..resolve.gazetteer import Place, km
from ..resolve.names import fuzzy_key, name_key

NEAR_KM = 250
SIZEABLE = 100_000
LEVEL_PRIOR = {"continent": 4.0, "country": 4.0, "region": 1.0, "populated_place": 1.0, "admin1": 0.8, "admin2": 0.3, "airport": -2.0}
MODIFIER_DEPS = ("compound", "amod", "poss", "nmod")
ALIAS_PENALTY = 1.5
OTHER_NAME = 0.5
CAPITAL_PRIOR = 0.75
SEAT_MIN = 20_000
SEAT_BIG = 1_000_000
JOINT_BONUS = 1.5
HOME_SHARE = 0.5        # a province of the country that most of the story's other names are in ...
HOME_PROVINCE = 2.0     # ... beats a country of the same name the story names nowhere else
AIRPORT_KM = 60         # an airport this near a town serves it
SUBURB_KM = 100         # "Town, City": a town this near the city may be its suburb


@dataclass
class Mention:
    start: int                  # char offsets
    end: int
    text: str
    candidates: list[Place]
    fuzzy: bool
    admin_hint: str | None = None
    place_ents: bool = False
    tokens: tuple[int, int] = (0, 0)
    weak: bool = False          # found through a cue before it alone, with no place label
    label_only: bool = False    # found through a place label alone: no cue, admin word or hashtag
    modifier: bool = False      # the name modifies a noun ("U.S. military")
    common: bool = False        # a common word or in a title-case line: never an unknown toponym
    chosen: Place | None = None
    near: Mention | None = None     # for unknown toponyms: the mention that locates it
    part: str | None = None         # "n", "se", "c", ...: a part of the chosen country or province
    part_start: int = 0             # where the direction word begins
    part_point: tuple[float, float] | None = None
    # the countries and provinces among the candidates that bear the name as their own
    division_named: set[tuple[str, str | None]] = field(default_factory=set)
    reading: str = "literal"        # literal, metonymic, adjectival or embedded (GeoWebNews)
    ranked: list[tuple[float, Place]] = field(default_factory=list)    # the best candidates, scored
    why: list[str] = field(default_factory=list)                       # what chose among them
    contained: bool = False         # the text placed it in a country or province ("X, Ohio")


@dataclass
class PlaceRecord:
    place: Place | None
    name: str
    precision: str
    lat: float | None
    lon: float | None
    level: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)     # one per mention
    ranked: list[tuple[float, Place]] = field(default_factory=list)   # of its first mention
    why: list[str] = field(default_factory=list)


def _says(m: Mention) -> Counter:
    """What one mention says of the story's countries."""
    said: Counter = Counter()
    cands = [c for c in m.candidates if c.level != "continent"]     # a continent is in no country
    if not cands or m.fuzzy:
        return said
    countries = {c.country for c in cands}
    if any(c.level == "country" for c in cands):
        weight = 1 if m.modifier else 3
        said.update({c.country: weight for c in cands if c.level == "country"})
    elif len(countries) == 1:
        said[next(iter(countries))] += 2
    else:
        big = max(cands, key=lambda c: max(c.population, c.size))
        if max(big.population, big.size) >= SIZEABLE:
            said[big.country] += 1
    return said


def context(mentions: list[Mention]) -> Counter:
    ctx: Counter = Counter()
    for m in mentions:
        ctx.update(_says(m))
    return ctx


def score(m: Mention, c: Place, ctx: Counter, anchors: list[Place]) -> float:
    total = sum(ctx.values()) or 1
    s = 3.0 * ctx.get(c.country, 0) / total
    if m.admin_hint in ("admin1", "admin2"):
        s += 6.0 if c.level == m.admin_hint else (1.0 if c.level in ("admin1", "admin2") else 0.0)
    elif m.admin_hint == "airport":
        s += 6.0 if c.level == "airport" else 0.0
    elif m.admin_hint != "camp":
        s += LEVEL_PRIOR.get(c.level, 0.0)
    # a province: its towns' population; a district only by its own name (a county that bears a
    # city's name as an alternate one is not as big as its towns: "Houston" is the city)
    size = c.population if c.level == "admin2" and c.alias else max(c.population, c.size)
    s += math.log10(size + 10) * 0.6
    if c.capital:
        s += CAPITAL_PRIOR          # a bare "Washington" in the news is the capital, not the state
    if (c.level == "admin1" and not c.alias and ctx.get(c.country, 0) >= HOME_SHARE * total
            and any(o.level == "country" and not o.alias and not ctx.get(o.country) for o in m.candidates)):
        s += HOME_PROVINCE          # "a lab in Georgia" beside Texas and Kansas: the state, not the country
    if (c.alias and m.division_named and c.level not in ("country", "admin1") and c.population < SIZEABLE
            and not c.capital and not _seat(c, m.division_named, m.text)):
        s -= ALIAS_PENALTY          # a town's alternate name that a state bears: "Minnesota" is no Minneota
    if c.alias and c.level == "populated_place" and any(not o.alias and o.level == "populated_place"
                                                         for o in m.candidates):
        s -= OTHER_NAME     # a town by its own name before one that also bears it ("Philippi")
    if anchors and any(a.id != c.id and km(a.lat, a.lon, c.lat, c.lon) <= NEAR_KM for a in anchors):
        s += 1.5
    return s


def choose(mentions: list[Mention], ctx: Counter, text: str = "") -> list[Mention]:
    """Filter candidates by context and pick one per mention; returns the mentions kept."""
    kept = []
    for m in mentions:
        if m.weak and not m.fuzzy:      # cue alone: a small place only in the story's countries
            m.candidates = [c for c in m.candidates if ctx.get(c.country) or c.population >= SIZEABLE
                            or c.level in ("country", "admin1")]
            if not m.candidates:
                continue
        elif m.label_only and not m.fuzzy:
            # a place label alone: a small place only in a country the rest of the story names
            others = ctx - _says(m)
            if others:
                m.candidates = [c for c in m.candidates if others.get(c.country) or c.population >= SIZEABLE
                                or c.level in ("country", "admin1")]
                if not m.candidates:
                    continue
        elif not m.fuzzy and m.candidates and (others := ctx - _says(m)) and all(
                not others.get(c.country) and c.population < SIZEABLE and c.level == "populated_place"
                for c in m.candidates):
            # a small town only in countries the rest of the story never names: the story's own
            # place the gazetteer lacks ("the town of X outside Y"), located as an unknown toponym
            m.candidates = []
        if m.fuzzy and ctx:             # fuzzy candidates only inside the story's countries
            m.candidates = [c for c in m.candidates if ctx.get(c.country)]
            if not m.candidates and m.common:
                continue                # a common word that only looked like a name
        kept.append(m)
    anchors = [m.candidates[0] for m in kept if len(m.candidates) == 1 and not m.fuzzy
               and m.candidates[0].level not in ("country", "admin1")]
    for m in kept:
        if m.admin_hint != "airport":
            # an airport found by its city's name is that city's airport only when the text says
            # "airport" ("Cairo" is no airstrip in Illinois)
            m.candidates = [c for c in m.candidates if c.level != "airport" or not c.alias] or m.candidates
        m.division_named = {(c.country, c.admin1) for c in m.candidates
                            if c.level in ("country", "admin1") and not c.alias}
        if m.candidates:
            pool = m.candidates if m.admin_hint else _city_over_its_province(m.candidates, m.text)
            if len(pool) < len(m.candidates):
                m.why.append("a province named after its seat: the seat")
            # the story's countries as the other mentions say them: "Georgia" alone does not make
            # the story Georgian, the state of Georgia beside Atlanta and Florida stays American
            own = _says(m)
            others = ctx - own if own else ctx
            if m.admin_hint == "airport" and _by_city(m, pool, others, anchors):
                continue
            ranked = sorted(((score(m, c, others, anchors), c) for c in pool), key=lambda x: -x[0])
            m.chosen, m.ranked = ranked[0][1], ranked[:4]
            m.why += _reasons(m, m.chosen, others, anchors)
    _jointly(kept, ctx)
    _listed(kept, text)
    _one_referent(kept)
    return kept


def _one_referent(kept: list[Mention]) -> None:
    """One name, one place in one story: a name the text places somewhere ("Springfield,
    Illinois") is that place at its other mentions too, bare or with a district word."""
    placed = {}
    for m in kept:
        if m.contained and m.chosen is not None:
            placed.setdefault(name_key(m.text), m.chosen)
    for m in kept:
        c = placed.get(name_key(m.text))
        if (c is None or m.contained or m.chosen is None or m.chosen.id == c.id
                or m.admin_hint not in (None, "admin2")):
            continue
        same = next((o for o in m.candidates if o.id == c.id), None)
        if same is not None:
            m.chosen = same
            m.why.append(f"the {c.name} the text places elsewhere in the story")


def _by_city(m: Mention, pool: list[Place], ctx: Counter, anchors: list[Place]) -> bool:
    """"X airport" where X is a town's name: the town is chosen as any bare name is, then its
    airport is the one nearest it ("Cairo airport" is not an airstrip of a namesake elsewhere);
    with no airport near it, the town. An airport matched by its own name keeps the usual score."""
    if any(c.level == "airport" and not c.alias for c in pool):
        return False
    towns = [c for c in pool if c.level != "airport"]
    if not towns:
        return False
    hint, m.admin_hint = m.admin_hint, None
    ranked = sorted(((score(m, c, ctx, anchors), c) for c in towns), key=lambda x: -x[0])
    m.admin_hint = hint
    town = ranked[0][1]
    near = [c for c in pool if c.level == "airport" and c.country == town.country
            and km(town.lat, town.lon, c.lat, c.lon) <= AIRPORT_KM]
    if near:
        # the one that bears the town's name ("X International"), else the nearest
        m.chosen = min(near, key=lambda c: (name_key(town.name) not in name_key(c.name),
                                            km(town.lat, town.lon, c.lat, c.lon)))
        m.why.append(f"the airport of {town.name} ({town.country}), chosen as the bare name would be")
    else:
        m.chosen = town
        m.why.append(f"no airport of that name near {town.name} ({town.country}): the town")
    m.ranked = ranked[:4]
    m.why += _reasons(m, town, ctx, anchors)
    return True


_LIST_GLUE = (",", "and", ", and", "or", ", or", "&")


def _listed(kept: list[Mention], text: str) -> None:
    """A list of provinces, or of countries ("Utah, Washington and Wyoming"; "Chad, Niger and
    Georgia"): a member that can be a province of the country the other provinces are in, or a
    country, is one, not a town or namesake elsewhere. At least two other members must agree."""
    if not text:
        return
    runs: list[list[Mention]] = []
    for m in sorted(kept, key=lambda x: x.start):
        prev = runs[-1][-1] if runs else None
        if prev is not None and " ".join(text[prev.end:m.start].lower().split()) in _LIST_GLUE:
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in runs:
        if len(run) < 3:
            continue
        for m in run:
            others = [o.chosen for o in run if o is not m and o.chosen and not o.chosen.alias]
            provinces = Counter(o.country for o in others if o.level == "admin1")
            countries = sum(1 for o in others if o.level == "country")
            own = [c for c in m.candidates if not c.alias]
            pick = None
            if provinces and provinces.most_common(1)[0][1] >= 2:
                home = provinces.most_common(1)[0][0]
                pick = max((c for c in own if c.level == "admin1" and c.country == home),
                           key=lambda c: max(c.population, c.size), default=None)
            if pick is None and countries >= 2:
                pick = max((c for c in own if c.level == "country"), key=lambda c: c.population, default=None)
            if pick is not None and m.chosen is not pick and m.admin_hint is None:
                m.chosen = pick
                m.why.append(f"one of a list of {'provinces' if pick.level == 'admin1' else 'countries'}")


def _jointly(kept: list[Mention], ctx: Counter) -> None:
    """A second pass over the names with several candidates, now that every name has a first
    choice: a candidate near the other names' choices, or a province holding them, gains the
    nearness bonus ("Georgia" beside Atlanta is the state)."""
    for m in kept:
        if len(m.ranked) < 2 or m.admin_hint not in (None, "admin2"):
            continue
        others = [x.chosen for x in kept if x is not m and x.chosen and x.text != m.text]
        towns = [o for o in others if o.level not in ("continent", "country", "admin1", "admin2")]
        provinces = {(o.country, o.admin1) for o in others if o.level == "admin1"}
        if any(c.level == "admin1" and not c.alias for _, c in m.ranked):
            provinces = set()   # a province's own name among lists of provinces ("Ohio, Oregon") stays one
        if not towns and not provinces:
            continue
        own = _says(m)
        said = ctx - own if own else ctx
        pool = [c for _, c in m.ranked]
        if provinces:       # a county in a province the story names may rank below the first four
            pool += [c for c in m.candidates if (c.country, c.admin1) in provinces and c not in pool]
        rescored = []
        for c in pool:
            s = score(m, c, said, towns)
            if c.level in ("admin1", "admin2") and not c.alias and any(
                    o.country == c.country and o.admin1 == c.admin1 for o in towns):
                s += JOINT_BONUS                # a province holding the story's towns, by its own name
                # (a province that only bears a city's name as an alternate one is no reading of it)
            elif c.level != "admin1" and (c.country, c.admin1) in provinces:
                s += JOINT_BONUS                # in a province the story names ("Monroe County" beside Michigan)
            rescored.append((s, c))
        rescored.sort(key=lambda x: -x[0])
        if (m.chosen is not None and m.chosen.population >= SEAT_BIG
                and max(rescored[0][1].population, rescored[0][1].size) < SIZEABLE):
            continue        # a city of a million is not given up for a village near other places
        if rescored[0][1] is not m.chosen:
            m.why.append("near the story's other places or holding them")
        m.chosen, m.ranked = rescored[0][1], rescored


def _reasons(m: Mention, c: Place, ctx: Counter, anchors: list[Place]) -> list[str]:
    """The parts of the score that favoured the chosen candidate, in words."""
    out = []
    if m.admin_hint:
        out.append(f"{m.admin_hint} word beside it")
    if ctx.get(c.country):
        out.append(f"in a country the story names ({c.country})")
    if c.capital:
        out.append("a capital")
    if anchors and any(a.id != c.id and km(a.lat, a.lon, c.lat, c.lon) <= NEAR_KM for a in anchors):
        out.append(f"within {NEAR_KM} km of the story's other places")
    out.append(f"level {c.level}, population {max(c.population, c.size):,}")
    return out


def _seat(c: Place, divisions: set[tuple[str, str | None]], name: str = "") -> bool:
    """A town inside a province that bears the name: its seat, when found by its own name, or
    of some size by another spelling of it ("Dar‘ā" found as "Daraa"); a village with the
    province's name as an alternate name is not ("Minneota" has "Minnesota"), nor a town whose
    own name says more ("Oklahoma City" is no seat named "Oklahoma") unless it is a city of a
    million, which its bare name means ("New York")."""
    if c.level != "populated_place" or (c.country, c.admin1) not in divisions:
        return False
    if not c.alias:
        return True
    spelled = not name or fuzzy_key(name) in (fuzzy_key(c.name), fuzzy_key(c.native_name or c.name))
    return c.population >= SEAT_BIG or (c.population >= SEAT_MIN and spelled)


def _city_over_its_province(cands: list[Place], name: str = "") -> list[Place]:
    """A bare name shared by a province and its seat ("Donetsk", "Kherson") is the town: a
    province named after its seat is written with its admin word when it is meant."""
    divisions = {(c.country, c.admin1) for c in cands if c.level == "admin1"}
    seats = {(c.country, c.admin1) for c in cands if _seat(c, divisions, name)}
    return [c for c in cands if not (c.level == "admin1" and (c.country, c.admin1) in seats)] or cands


CONTAINED_BY = (",", "in", ", in", "located in", ", located in", "in the", ", in the")


def contain(text: str, mentions: list[Mention]) -> None:
    """"El Burr, Somalia", "Gao in Mali", "Springfield, Illinois": a name followed by a country
    or province that holds some of its candidates keeps only those (and those in that province, when
    some are)."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        between = " ".join(text[a.end:b.start].lower().split())
        if between not in CONTAINED_BY or not a.candidates:
            continue
        wide = [c for c in b.candidates if c.level in ("country", "admin1")]
        if not wide or all(c.level in ("country", "admin1") for c in a.candidates):
            continue
        if any(c.level == "country" and not c.alias for c in a.candidates):
            continue        # "Iraq, Iran": a list of countries, not a town in Iran
        if between == "," and any(c.level == "admin1" and not c.alias and c.country in {w.country for w in wide}
                                  for c in a.candidates):
            continue        # "Illinois, Missouri": a list of provinces, not a town in Missouri
        countries = {w.country for w in wide}
        held = [c for c in a.candidates if c.country in countries]
        in_admin = [c for c in held if any(w.level == "admin1" and c.admin1 == w.admin1 for w in wide)]
        a.contained = bool(in_admin or held)
        if in_admin:
            a.candidates = in_admin
            a.why.append(f"followed by {b.text!r}: a place in that province")
            holding = [w for w in wide if w.level == "admin1" and not w.alias
                       and any(c.admin1 == w.admin1 for c in in_admin)]
            # "Buffalo, New York": the state, not the city far from it; "Douma, Damascus" near
            # the city stays a suburb and its city
            near = [c for c in b.candidates if c.level == "populated_place" and any(
                km(c.lat, c.lon, x.lat, x.lon) <= SUBURB_KM for x in in_admin)]
            if holding and not near and len(holding) < len(b.candidates):
                b.candidates = holding
                b.why.append(f"after {a.text!r}: the province holding it")
        elif held:
            a.candidates = held
            a.why.append(f"followed by {b.text!r}: a place in that country")


def coordinate(text: str, mentions: list[Mention], plural_after: dict[int, bool]) -> None:
    """"Idlib and Homs Provinces": a plural admin word after the second name covers both."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        between = text[a.end:b.start].strip().lower()
        if (between in ("and", "&", ",", ", and") and b.admin_hint and a.admin_hint is None
                and plural_after.get(b.tokens[1])):
            a.admin_hint = b.admin_hint


def run_on(text: str, mentions: list[Mention], ctx: Counter, joiners: frozenset[str]) -> list[Mention]:
    """A name the gazetteer lacks runs on over the name right after it ("Dera Ali", "Umm al-Safi"):
    a town read in those next words, in a country the rest of the story never names, is part of
    the unknown name, not a place of its own. ``joiners``: the articles and particles that may
    stand between the two (besides spaces and hyphens)."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and _runs_on(text, prev, m, ctx, joiners):
            prev.end, prev.text = m.end, text[prev.start:m.end]
            prev.tokens = (prev.tokens[0], m.tokens[1])
            prev.why.append(f"{m.text} runs on the name the gazetteer lacks")
            continue
        out.append(m)
    return out


def _runs_on(text: str, prev: Mention, m: Mention, ctx: Counter, joiners: frozenset[str]) -> bool:
    if prev.chosen is not None or prev.candidates or prev.near or m.chosen is None:
        return False
    if m.chosen.level in ("continent", "country", "admin1") or (ctx - _says(m)).get(m.chosen.country):
        return False
    if m.chosen.capital and not m.chosen.alias:
        return False                    # "Qasr Nour Damascus", a comma lost: the capital is its own
    between = text[prev.end:m.start]
    words = between.replace("-", " ").split()
    return (bool(between) and "\n" not in between and len(between) <= 5 and len(words) <= 1
            and all(w.lower() in joiners for w in words))


def outside_its_country(text: str, mentions: list[Mention]) -> None:
    """A town the text places in a country or province ("Palmyra, Peru", "the town of X in Y
    province") none of whose candidates lies in that country is a place the gazetteer lacks there,
    not a namesake elsewhere: it becomes an unknown toponym, which the country (or the one
    province of it the story names) then locates, and so is every other mention of the name (one
    name is one place in one story)."""
    placed: dict[str, Mention] = {}
    for k, (m, n) in enumerate(zip(mentions, mentions[1:], strict=False)):
        if m.chosen is None or n.chosen is None or m.chosen.level in ("continent", "country"):
            continue
        between = text[m.end:n.start].strip().lower()
        if not (between == "," and n.chosen.level == "country"
                or between == "in" and n.chosen.level in ("country", "admin1")
                or between == "," and _in_its_country(text, n, mentions[k + 2] if k + 2 < len(mentions) else None)):
            continue
        if between == "," and k and text[mentions[k - 1].end:m.start].strip() == ",":
            continue                    # an item of a list ("Zaire, Bundibugyo, Ivory Coast and Sudan")
        if not any(c.country == n.chosen.country for c in m.candidates):
            # the one province of that country the story names says more than the country
            provinces = {x.chosen.id: x for x in mentions if x.chosen is not None and x.chosen.level == "admin1"
                         and x.chosen.country == n.chosen.country}
            one = next(iter(provinces.values())) if len(provinces) == 1 and n.chosen.level == "country" else n
            placed.setdefault(m.text.lower(), one)
    for m in mentions:
        n = placed.get(m.text.lower())
        if n is not None and m.chosen is not None and m.chosen.country != n.chosen.country:
            m.why.append(f"no {m.text} in {n.chosen.name}, which the text places it in")
            m.chosen, m.candidates, m.ranked, m.near = None, [], [], n


_PART_OF = re.compile(r"^([\w-]+)\s+of(?:\s+the)?$")


def part_of_city(text: str, mentions: list[Mention], kinds: frozenset[str]) -> None:
    """"the X district of Y", "the X neighbourhood of Y": X lies in the city Y. A candidate
    near Y is chosen; with none, X is a place the gazetteer lacks there, located by Y."""
    for m, n in zip(mentions, mentions[1:], strict=False):
        hit = _PART_OF.match(" ".join(text[m.end:n.start].lower().split()))
        if not hit or hit.group(1) not in kinds or n.chosen is None or n.chosen.level != "populated_place":
            continue
        if m.chosen is not None and m.chosen.level in ("continent", "country", "admin1", "region"):
            continue                    # a province or country is no part of a city
        city = n.chosen
        near = [c for c in m.candidates if km(c.lat, c.lon, city.lat, city.lon) <= SUBURB_KM]
        if m.chosen is not None and m.chosen in near:
            continue
        if near:
            m.chosen = max(near, key=lambda c: next((sc for sc, x in m.ranked if x is c), 0.0))
            m.why.append(f"a {hit.group(1)} of {city.name}: the one near it")
        else:
            m.why.append(f"no {m.text} near {city.name}, which the text says it is a {hit.group(1)} of")
            m.chosen, m.candidates, m.ranked, m.near = None, [], [], n


def _in_its_country(text: str, n: Mention, after: Mention | None) -> bool:
    """"X, Province, Country" or "X, City, Country": the middle name is placed in the country
    written after it, so X is in that country too."""
    return (after is not None and after.chosen is not None and after.chosen.level == "country"
            and n.chosen.level != "country" and after.chosen.country == n.chosen.country
            and text[n.end:after.start].strip() == ",")


_APPOSITION = re.compile(r"^,?\s*(?:an?|the)\s+((?:[\w-]+\s+){1,3}?)(?:of|in|near|outside)$")
_BARE_ARTICLE = re.compile(r"^,?\s*(?:an?|the)$")
_NEXT_WORD = re.compile(r"\s*([\w-]+)")
_COORDINATION = ("&", "and", ",")


def locate_unknown(text: str, mentions: list[Mention], kinds: frozenset[str] = frozenset(),
                   directions: frozenset[str] = frozenset()) -> None:
    """A name the gazetteer lacks, located by what the text says of it: coordinated with a
    place ("A & X"), followed by "in/near/outside Y" or ", Country", or set beside a place by an
    apposition whose noun is a kind of place (``kinds``: "X, a suburb of Y", "X, a village near
    Y", "X, a Y neighbourhood"). Then each other mention of a located name, and a name
    coordinated with a located one ("X and Z"), is located by the same place."""
    for k, m in enumerate(mentions):
        if m.chosen or m.near:
            continue
        prev = mentions[k - 1] if k else None
        nxt = mentions[k + 1] if k + 1 < len(mentions) else None
        if prev and prev.chosen and text[prev.end:m.start].strip().lower() in _COORDINATION:
            m.near = prev
        elif nxt and nxt.chosen and (_locates(text, m, nxt, kinds, directions) or (
                text[m.end:nxt.start].strip() == ","
                and _in_its_country(text, nxt, mentions[k + 2] if k + 2 < len(mentions) else None))):
            m.near = nxt
    changed = True
    while changed:                  # a fixed point: each round locates names only through located ones
        changed = False
        by_name = {m.text.casefold(): m.near for m in mentions if not m.chosen and m.near}
        for k, m in enumerate(mentions):
            if m.chosen or m.near:
                continue
            loc = by_name.get(m.text.casefold())
            if loc is None:
                for o in (mentions[k - 1] if k else None, mentions[k + 1] if k + 1 < len(mentions) else None):
                    if o is None or not o.near or o.chosen:
                        continue
                    a, b = (o, m) if o.start < m.start else (m, o)
                    if text[a.end:b.start].strip().lower() in _COORDINATION:
                        loc = o.near
                        break
            if loc is not None:
                m.near = loc
                changed = True


def _locates(text: str, m: Mention, nxt: Mention, kinds: frozenset[str], directions: frozenset[str]) -> bool:
    """Whether the words between an unknown name ``m`` and the place after it locate the name:
    "X in Y", "X, near Y", "X in central Y" (the preposition right before the place, or a
    direction word between), ", Country", an apposition."""
    between = text[m.end:nxt.start].strip().lower()
    words = between.lstrip(",").split()
    if words[:1] in (["in"], ["near"], ["outside"]) and len(words) <= 2 and all(w in directions for w in words[1:]):
        return True
    if between == "," and nxt.chosen.level in ("country", "admin1"):
        return True
    hit = _APPOSITION.match(between)
    if hit and kinds.intersection(hit.group(1).split()):
        return True                 # "X, a village near Y", "X, the main suburb of Y"
    if _BARE_ARTICLE.match(between):
        after = _NEXT_WORD.match(text, nxt.end)
        return bool(after and after.group(1).lower() in kinds)      # "X, a Y suburb"
    return False


def records(mentions: list[Mention], text: str = "", parts: bool = True) -> list[PlaceRecord]:
    """Document places: one per chosen place (or part of one), unknown toponym or kept name.
    Without ``parts`` (the list of toponyms) "northern Mali" is the toponym "Mali", the country:
    the part of it is where an event is placed, not what the name refers to."""
    by_key: dict[object, PlaceRecord] = {}
    for m in mentions:
        if parts and m.chosen and m.part and m.part_point:
            c = m.chosen
            name = f"{text[m.part_start:m.start]}{c.name}" if text else c.name
            rec = by_key.setdefault(("part", c.id, m.part),
                                    PlaceRecord(c, name, "region", m.part_point[0], m.part_point[1], "region"))
            rec.mentions.append((m.part_start, m.end))
            rec.readings.append(m.reading)
            continue
        if m.chosen:
            c = m.chosen
            precision = {"country": "country", "admin1": "admin1", "continent": "region", "region": "region"}.get(
                c.level, "exact")
            lat, lon = c.lat, c.lon
            if c.level == "admin2":
                # a district: its seat of the same name when the gazetteer has one in the same
                # province (as ACLED codes a district), else its own point (the centre of its towns)
                seat = next((p for p in m.candidates if p.level == "populated_place"
                             and p.country == c.country and p.admin1 == c.admin1), None)
                lat, lon = (seat.lat, seat.lon) if seat else (c.lat, c.lon)
            rec = by_key.setdefault(c.id, PlaceRecord(c, c.name, precision, lat, lon, c.level,
                                                      ranked=m.ranked, why=m.why))
        elif m.near and m.near.chosen:
            loc = m.near.chosen
            # located by a country or province: only that precise
            precision = loc.level if loc.level in ("country", "admin1") else "near"
            rec = by_key.setdefault(("near", m.text.lower()),
                                    PlaceRecord(None, m.text, precision, loc.lat, loc.lon, "unknown"))
        elif m.place_ents:              # kept, never dropped, though nothing in the text locates it
            rec = by_key.setdefault(("unknown", m.text.lower()),
                                    PlaceRecord(None, m.text, "unknown", None, None, "unknown"))
        else:
            continue
        rec.mentions.append((m.start, m.end))
        rec.readings.append(m.reading)
    return list(by_key.values())
