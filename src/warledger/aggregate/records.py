"""An event as the incidents stage keeps it in the store (``aggregate_events``): the record it
groups by, its story computed once (the text is not kept), its window, tier and latitudes."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import zlib
from typing import Any

from .incidents import EventRecord, _Prepared, _reach, _Story, prepare, story, token_years

MAX_TIER = 16          # as store.aggregate_state.MAX_TIER: the last tier, any window length beyond
WIDE_TIER = 7          # windows of 64 days or more (a year, an unknown span): grouped last by a rebuild


def group_key(members) -> str:
    """A machine group's id: as an incident's key, from its sorted members."""
    return hashlib.sha256("|".join(sorted(members)).encode()).hexdigest()[:16]


def token(kind: str, name: str) -> str:
    return hashlib.blake2b(f"{kind}\x1f{name}".encode(), digest_size=8).hexdigest()


def _short(*parts: object) -> str:
    return format(zlib.crc32("\x1f".join(map(str, parts)).encode()) & 0xFFFFFF, "06x")


STORY_KINDS = frozenset({"n", "v", "s", "w"})   # each shared one adds at most 1.0 to the story
STRONG_KINDS = frozenset({"f", "doc"})         # one shared may add 1.5 or more: the figure, the report


def signature_parts(p: _Prepared) -> dict[str, str]:
    """Each hash of ``signature`` with its kind (the strongest kind when two share a hash)."""
    e, st = p.e, p.story
    parts = [("doc", _short("doc", e.document))]
    parts += [("n", _short("n", x)) for x in st.names] + [("v", _short("v", x)) for x in st.victims]
    parts += [("s", _short("s", x)) for x in st.sources] + [("a", _short("a", x)) for x in st.actors]
    parts += [("w", _short("w", g, w)) for g, ws in st.words.items() for w in ws]
    if st.figure is not None:
        b = int(math.log(max(st.figure, 0) + 4, 1.5))
        parts += [("f", _short("f", b)), ("f", _short("f", b + 1))]
    if e.precision == "day" and e.date_start:
        parts.append(("d", _short("d", e.date_start.isoformat())))
    rank = {k: 2 if k in STRONG_KINDS else 1 if k in STORY_KINDS else 0 for k, _ in parts}
    out: dict[str, str] = {}
    for kind, h in parts:
        if h not in out or rank[kind] > rank[out[h]]:
            out[h] = kind
    return out


def signature(p: _Prepared) -> str:
    """The pre-filter kept beside an event's record: short hashes of everything whose sharing
    adds evidence between two events (``incidents.evidence``): place names, victims, relayed
    sources, distinctive words, perpetrators, the figure's size, the day (of a day-dated
    event), the document. Two events whose signatures share no hash get no positive evidence
    but for the same type (0.5), less than any pair needs (``incidents.enough``): they are
    never linked, and their records need not be read to know it. Figures are bucketed by
    powers of 1.5 of ``figure + 4``; two figures of the same size (``hi <= 1.5 lo + 2``) lie
    within one bucket of each other, so each event carries its bucket and the next. A pair with
    a low-precision event needs a story of 2.0 (``NEED_LOW``): one shared figure bucket or the
    same report, or two shared place, victim, source or word hashes (``low_candidates``)."""
    return " ".join(sorted(signature_parts(p)))


def low_candidates(parts: dict[str, str], rows_of) -> set:
    """The rows that may link to a low-precision event of pre-filter ``parts``: those sharing a
    strong hash with it, or two story hashes (``rows_of(hash)``: the rows holding that hash)."""
    from collections import Counter
    strong: set = set()
    story: Counter = Counter()
    for h, kind in parts.items():
        if kind in STRONG_KINDS:
            strong.update(rows_of(h))
        elif kind in STORY_KINDS:
            story.update(rows_of(h))
    return strong | {r for r, n in story.items() if n >= 2}


def may_link(a: str | None, b: str | None) -> bool:
    """Whether two events with these signatures may be linked (no signature: they may)."""
    return a is None or b is None or not set(a.split()).isdisjoint(b.split())


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def prepared_of(row: dict[str, Any]) -> _Prepared:
    """An event read back by ``store.incidents.event_rows``, prepared (story from its text)."""
    e = EventRecord(**row)
    return prepare(e, story(e))


def to_row(event_id: int, p: _Prepared) -> dict[str, Any]:
    e, st = p.e, p.story
    rec = {"document": e.document, "outlet": e.outlet, "type": e.type, "date_start": _iso(e.date_start),
           "date_end": _iso(e.date_end), "precision": e.precision, "published": _iso(e.published),
           "places": [list(x) for x in e.places], "perpetrators": sorted(e.perpetrators), "low": e.low,
           "best": e.best, "high": e.high, "attributions": [list(a) for a in e.attributions],
           "place_names": [list(x) for x in e.place_names], "victims": sorted(e.victims),
           "story": {"words": {g: sorted(ws) for g, ws in st.words.items()}, "names": sorted(st.names),
                     "victims": sorted(st.victims), "figure": st.figure, "actors": sorted(st.actors),
                     "sources": sorted(st.sources)}}
    w = p.window
    lats = [x[0] for x in p.best]
    return {"event_id": event_id, "key": e.key, "family": p.family,
            "tier": min((w[1] - w[0]).bit_length(), MAX_TIER) if w else None, "w0": w[0] if w else None, "w1": w[1] if w else None,
            "lat_lo": min(lats) if lats else None, "lat_hi": max(lats) if lats else None,
            "reach": max(_reach(x[2]) for x in p.best) if p.best else None, "record": rec, "sig": signature(p)}


def from_row(key: str, rec: dict[str, Any]) -> _Prepared:
    s = rec["story"]
    st = _Story({g: frozenset(ws) for g, ws in s["words"].items()}, frozenset(s["names"]), frozenset(s["victims"]),
                s["figure"], frozenset(s["actors"]), frozenset(s["sources"]))
    return prepare(record_of(key, rec), st)


def record_of(key: str, rec: dict[str, Any]) -> EventRecord:
    """The event record of a stored row (without its story: what an incident's figures need)."""
    return EventRecord(key=key, document=rec["document"], outlet=rec["outlet"], type=rec["type"],
                    date_start=_date(rec["date_start"]), date_end=_date(rec["date_end"]), precision=rec["precision"],
                    published=_date(rec["published"]), places=[tuple(x) for x in rec["places"]],
                    perpetrators=set(rec["perpetrators"]), low=rec["low"], best=rec["best"], high=rec["high"],
                    attributions=[tuple(a) for a in rec["attributions"]],
                    place_names=[tuple(x) for x in rec["place_names"]], victims=set(rec["victims"]))


def tokens_of(p: _Prepared) -> set[tuple[str, int]]:
    """(token, year) of each weighed name of the event and each year its window touches."""
    return {(token(k, n), y) for k, n, y in token_years(p.story, p.window)}


class Counts:
    """The name counts the grouping weighs by, read from the store as needed, plus ``deltas``
    (documents being added); keyed like ``Rarity.counts``: (kind, name, year)."""

    def __init__(self, read, deltas: dict[tuple[str, int], int] | None = None):
        self.read = read                     # [(token, year)] → {(token, year): docs}
        self.deltas = deltas or {}
        self.cache: dict[tuple[str, int], int] = {}

    def load(self, events) -> None:
        want = {t for p in events for t in tokens_of(p)} - self.cache.keys()
        if want:
            got = self.read(want)
            for t in want:
                self.cache[t] = got.get(t, 0) + self.deltas.get(t, 0)

    def get(self, key: tuple[str, str, int], default: int = 1) -> int:
        kind, name, year = key
        t = (token(kind, name), year)
        if t not in self.cache:
            got = self.read({t})
            self.cache[t] = got.get(t, 0) + self.deltas.get(t, 0)
        return self.cache[t] or default
