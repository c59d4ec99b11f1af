"""An event as the incidents stage keeps it in the store (``aggregate_events``): the record it
groups by, its story computed once (the text is not kept), its window, tier and latitudes."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from .incidents import EventRecord, _Prepared, _reach, _Story, prepare, story, token_years

MAX_TIER = 16          # as store.aggregate_state.MAX_TIER: the last tier, any window length beyond


def group_key(members) -> str:
    """A machine group's id: as an incident's key, from its sorted members."""
    return hashlib.sha256("|".join(sorted(members)).encode()).hexdigest()[:16]


def token(kind: str, name: str) -> str:
    return hashlib.blake2b(f"{kind}\x1f{name}".encode(), digest_size=8).hexdigest()


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
            "reach": _reach(p.best[0][2]) if p.best else None, "record": rec}


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
