"""Incidents kept up to date without regrouping the whole ledger.

The grouping (``incidents._Grouper``) only ever relates two events that are *linked*: of one
family, with overlapping date windows, places in reach, and enough evidence when every name is
given its full weight (the most evidence any rarity can give). Its decisions about a group
depend on the group's own members alone (a merge on the two groups' members, an attachment on
the groups a low report fits), so a group whose members and whose links did not change comes
out the same. ``settle`` uses that: from the *seeds* (new events, events whose names' weights
changed, events on both sides of a boundary between two parts grouped apart) it takes the
current groups of every event linked to them, groups that region again, and, for each group
that came out different, takes in the groups linked to its members too, until every group
that changed is linked to nothing outside the region. The region's new groups are then those
of a full regrouping: the rest of the ledger is untouched, and so are the keys of its
incidents.

A *source* gives what ``settle`` reads: ``around`` (the events whose windows overlap an
event's, of its family), ``groups`` (an event's current group, by member keys; a new event is a
group of its own), ``prepared`` (events by key) and ``rarity`` (the name counts).
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Protocol

import numpy as np

from .incidents import Rarity, _Bands, _Grouper, _Prepared, enough, evidence
from .records import STORY_KINDS, STRONG_KINDS, signature_parts


class Source(Protocol):
    rarity: Rarity

    def around(self, events: list[_Prepared]) -> Iterable[_Prepared]: ...

    def groups(self, keys: set[str]) -> dict[str, tuple[str, ...]]: ...

    def prepared(self, keys: set[str]) -> dict[str, _Prepared]: ...


def linked(g: _Grouper, a: _Prepared, b: _Prepared) -> bool:
    """Whether the grouping could ever relate the two events (see the module's docstring)."""
    k = (a.e.key, b.e.key) if a.e.key < b.e.key else (b.e.key, a.e.key)
    got = g._linked.get(k)
    if got is None:
        got = g._linked[k] = _linked(g, a, b)
    return got


def _linked(g: _Grouper, a: _Prepared, b: _Prepared) -> bool:
    if not g.reach(a, b):
        return False
    s, c, _ = evidence(a.e, b.e, a.story, b.story, None, say=False)
    pa, pb = a.story.actors, b.story.actors
    return enough(a.e, b.e, s, c, bool(pa and pb and not (pa & pb)), (a.dclass, b.dclass, a.low, b.low))


def links(g: _Grouper, events: list[_Prepared], others: Iterable[_Prepared]) -> dict[str, set[str]]:
    """For each of ``events``, the keys of ``others`` (and of ``events``) linked to it."""
    pool: dict[tuple[str, int], dict[str, _Prepared]] = {}
    for q in list(others) + list(events):
        if q.window is not None:
            pool.setdefault((q.family, (q.window[1] - q.window[0]).bit_length()), {})[q.e.key] = q
    by_family: dict[str, list[tuple]] = {}
    for (fam, tier), qs in pool.items():
        rows = sorted(qs.values(), key=lambda q: q.window[0])
        by_family.setdefault(fam, []).append((tier, [q.window[0] for q in rows], rows, _Bands([q.best for q in rows]),
                                              np.array([q.window[1] for q in rows]), [g._sig(q) for q in rows]))
    out: dict[str, set[str]] = {p.e.key: set() for p in events}
    for p in events:
        if p.window is None:
            continue
        mine = g._sig(p)
        strong = story = None
        if p.low:                            # a story of 2.0 needed (``records.low_candidates``)
            parts = signature_parts(p)
            strong = frozenset(h for h, k in parts.items() if k in STRONG_KINDS)
            story = frozenset(h for h, k in parts.items() if k in STORY_KINDS)
        for tier, starts, rows, bands, ends, sigs in by_family.get(p.family, ()):
            i = bisect.bisect_left(starts, p.window[0] - (1 << tier))
            end = bisect.bisect_right(starts, p.window[1])
            if end <= i:
                continue
            for j in np.flatnonzero(bands.within(p.best, i, end) & (ends[i:end] >= p.window[0])).tolist():
                q, theirs = rows[i + j], sigs[i + j]
                if mine.isdisjoint(theirs) or q.e.key == p.e.key:
                    continue
                if strong is not None and strong.isdisjoint(theirs) and len(story & theirs) < 2:
                    continue
                if linked(g, p, q):
                    out[p.e.key].add(q.e.key)
    return out


def settle(seeds: set[str], source: Source, dirty: set[str] | None = None
           ) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], dict[str, _Prepared]]:
    """Regroup what ``seeds`` can reach: (the region's groups before, its groups after, its
    events). ``dirty``: events whose links or weights changed (the seeds are): a group holding
    one is taken as changed even when its members are the same."""
    dirty = set(dirty or ()) | set(seeds)
    region: dict[str, _Prepared] = {}
    old: dict[str, tuple[str, ...]] = {}          # a member → its group before
    scanned: set[str] = set()
    helper = _Grouper(prepared=[], rarity=source.rarity)

    def pull(keys: set[str]) -> None:
        keys = keys - old.keys()
        if not keys:
            return
        for members in set(source.groups(keys).values()):
            for m in members:
                old[m] = members
        need = {m for k in keys for m in old[k]} - region.keys()
        if need:
            region.update(source.prepared(need))

    frontier = set(seeds)
    new_groups: list[tuple[str, ...]] = []
    while frontier:
        pull(frontier)
        batch = [region[k] for k in sorted(frontier)]
        near = {q.e.key: q for q in source.around(batch)}
        near.update(region)
        found = links(helper, batch, near.values())
        scanned |= frontier
        pull({k for ks in found.values() for k in ks})       # whole groups only: a part would regroup otherwise
        grouper = _Grouper(prepared=list(region.values()), rarity=source.rarity)
        grouper.share(helper)                 # one rarity: what was weighed before still holds
        built = grouper.build()
        before = set(old.values())
        new_groups = [tuple(sorted(m.key for m in g)) for g in built]
        frontier = set()
        for g in new_groups:
            if g not in before or dirty.intersection(g):
                frontier |= set(g) - scanned
    return sorted(set(old.values())), sorted(new_groups), region


class MemorySource:
    """A source over events and groups held in memory (tests; the parts of a full rebuild)."""

    def __init__(self, events: dict[str, _Prepared], groups: dict[str, tuple[str, ...]], rarity: Rarity):
        self.events = events
        self.group_of = groups            # key → members (a key absent: a group of its own)
        self.rarity = rarity
        self._by_family: dict[str, list[_Prepared]] | None = None

    def around(self, events: list[_Prepared]) -> Iterable[_Prepared]:
        if self._by_family is None:
            self._by_family = {}
            for p in self.events.values():
                if p.window is not None:
                    self._by_family.setdefault(p.family, []).append(p)
        out = {}
        for p in events:
            if p.window is None:
                continue
            for q in self._by_family.get(p.family, ()):
                if q.window[0] <= p.window[1] and p.window[0] <= q.window[1]:
                    out[q.e.key] = q
        return out.values()

    def groups(self, keys: set[str]) -> dict[str, tuple[str, ...]]:
        return {k: self.group_of.get(k, (k,)) for k in keys}

    def prepared(self, keys: set[str]) -> dict[str, _Prepared]:
        return {k: self.events[k] for k in keys}

    def apply(self, before: list[tuple[str, ...]], after: list[tuple[str, ...]]) -> None:
        apply_groups(self.group_of, before, after)


def apply_groups(group_of: dict[str, tuple[str, ...]], before: list[tuple[str, ...]],
                 after: list[tuple[str, ...]]) -> None:
    """Replace a region's groups ``before`` with ``after`` in a key → group map."""
    for g in before:
        for k in g:
            group_of.pop(k, None)
    for g in after:
        for k in g:
            group_of[k] = g
