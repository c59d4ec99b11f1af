"""Incidents of the store kept up to date: ``update`` after documents are stored (only what the
new events reach is regrouped, ``incremental.settle``), ``rebuild`` from every event, in parts
by time window (on this machine or a Dask cluster), with the same result."""
from __future__ import annotations

import json
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from .incidents import Rarity, _Grouper, _Prepared, finish, rarity_weight
from .incremental import apply_groups, links, settle
from .records import (
    STORY_KINDS,
    STRONG_KINDS,
    WIDE_TIER,
    Counts,
    from_row,
    group_key,
    low_candidates,
    prepared_of,
    record_of,
    signature,
    signature_parts,
    to_row,
    tokens_of,
)
from .review import apply_structure

REBUILD_SHARE = 0.25      # more new events than this share of the ledger: rebuild instead
PART_EVENTS = 50_000      # events per part of a rebuild
NO_DAY = -(1 << 40)       # before any window
WIDE_BATCH = 5_000        # wide events per batch of a rebuild's last step
RECORD_CHUNK = 5_000      # events per piece of a rebuild's records pass
FINISH_PART = 20_000      # incidents per piece of a rebuild's last step
CLUSTER_GAP = 8           # days between the windows of an update's events read together
CLUSTER_SPAN = 120        # days at most a read of them together spans
LOCAL_MIN_EVENTS = 50_000  # a smaller rebuild runs in one process (starting others costs more than it saves)


GC_THRESHOLD = (100_000, 50, 1000)   # collections while grouping: objects made before one of the youngest


@contextmanager
def _fewer_collections():
    """Cyclic garbage collection far less often while grouping or rebuilding (the thresholds
    as they were after): reading records makes many objects that live on, and a collection
    at Python's default pace (every 700 new objects, the oldest ones at every tenth of
    those) costs a quarter of a rebuild. The stage makes no cycles of its own."""
    import gc
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)


@dataclass
class UpdateReport:
    mode: str = "none"                  # none | update | rebuild
    events: int = 0                     # events new to the incidents stage
    region: int = 0                     # events regrouped
    removed: int = 0                    # incidents removed
    added: int = 0                      # incidents added
    incidents: int | None = None        # after a rebuild: how many
    parts: int = 0
    wide: int = 0                       # after a rebuild: the wide events added last
    seconds: dict = field(default_factory=dict)


class LedgerSource:
    """``incremental.Source`` over the store's aggregate tables within one transaction, plus the
    events being added (``pending``: a group of its own each)."""

    def __init__(self, conn, pending: dict[str, _Prepared], deltas: dict[tuple[str, int], int],
                 groups: dict[str, tuple[str, ...]] | None = None, upto: int | None = None,
                 wide_upto: int | None = None, index: _WindowIndex | None = None):
        from ..store import aggregate_state as st
        self.st, self.conn, self.pending = st, conn, pending
        self.counts = Counts(lambda want: st.name_counts(conn, want), deltas)
        self.rarity = Rarity(self.counts)
        self.cache: dict[str, _Prepared] = dict(pending)
        self.machine: dict[str, str | None] = {}
        self.tiers: dict[str, list[int]] = {}     # family → the tiers its rows have
        self.fixed = groups                  # key → group, when the groups are held in memory
        self.upto = upto                     # only events whose windows start before this day
        self.wide_upto = wide_upto           # only wide events whose windows start before this day
        self.sigs: dict[str, str] = {}
        self.index = index                   # candidates of the events it covers, by pre-filter hash
        self.read = 0                        # records read by ``around``
        by_family: dict[str, list[_Prepared]] = {}
        for p in pending.values():
            if p.window is not None:
                by_family.setdefault(p.family, []).append(p)
        self.pending_by_family = by_family

    def _take(self, rows) -> list[_Prepared]:
        out = []
        for key, rec, machine in rows:
            p = self.cache.get(key)
            if p is None:
                p = self.cache[key] = from_row(key, json.loads(rec) if isinstance(rec, str) else rec)
            self.machine[key] = machine
            out.append(p)
        return out

    def around(self, events: list[_Prepared]) -> list[_Prepared]:
        """The events whose windows overlap theirs, of their family, in reach by latitude, that
        the pre-filter (``records.signature``) lets link to one of them: only those records are
        read and decoded."""
        out: dict[str, _Prepared] = {}
        need: set[str] = set()
        shared = self._clusters(events) if self.index is None else {}
        for p in events:
            if p.window is None:
                continue
            lat = _lat_of(p)
            mine = self._sig(p)
            if self.index is not None and self.index.covers(p):
                rows = self.index.around(p, lat, mine)
            elif p.e.key in shared:
                rows = shared[p.e.key].around(p, lat, mine)
            else:       # the pre-filter tested here: cheaper than by LIKE in the statement
                rows = self.st.around(self.conn, p.family, p.window[0], p.window[1], self._tiers(p.family), lat)
            keep = _Prefilter(p, mine)
            for key, sig, machine, w0, tier in rows:
                if (self.upto is not None and w0 >= self.upto) or \
                        (self.wide_upto is not None and tier >= WIDE_TIER and w0 >= self.wide_upto):
                    continue
                if key not in self.machine:
                    self.machine[key] = machine
                if not keep(sig):
                    continue
                if key in self.cache:
                    out[key] = self.cache[key]
                else:
                    need.add(key)
            for q in self.pending_by_family.get(p.family, ()):
                if q.window[0] <= p.window[1] and p.window[0] <= q.window[1]:
                    out[q.e.key] = q
        if need:
            for q in self._take(self.st.rows_by_key(self.conn, need)):
                out[q.e.key] = q
        self.read += len(need)
        return list(out.values())

    def _clusters(self, events: list[_Prepared]) -> dict[str, _RowScan]:
        """Events of one family whose windows (narrower than ``WIDE_TIER``) lie within
        ``CLUSTER_GAP`` days of each other, two or more, read together: one read of the rows
        overlapping them all (``_RowScan``) instead of one range scan each, which would
        read the rows near several of them again for each."""
        by_family: dict[str, list[_Prepared]] = {}
        for p in events:
            if p.window is not None and (p.window[1] - p.window[0]).bit_length() < WIDE_TIER:
                by_family.setdefault(p.family, []).append(p)
        out: dict[str, _RowScan] = {}

        def close(fam: str, run: list[_Prepared], lo: int, hi: int) -> None:
            if len(run) >= 2:
                lats = [_lat_of(q) for q in run]       # the band of them all (unplaced: the world)
                lat = None if None in lats else (min(x[0] for x in lats), max(x[1] for x in lats),
                                                 max(x[2] for x in lats))
                index = _RowScan(self.conn, fam, lo, hi, lat)
                for q in run:
                    out[q.e.key] = index
        for fam, ps in by_family.items():
            ps.sort(key=lambda q: q.window)
            run: list[_Prepared] = []
            lo = hi = 0
            for q in ps:
                if run and (q.window[0] > hi + CLUSTER_GAP or max(hi, q.window[1]) - lo > CLUSTER_SPAN):
                    close(fam, run, lo, hi)
                    run = []
                if not run:
                    lo, hi = q.window
                run.append(q)
                hi = max(hi, q.window[1])
            close(fam, run, lo, hi)
        return out

    def _tiers(self, family: str) -> list[int]:
        got = self.tiers.get(family)
        if got is None:
            got = self.tiers[family] = self.st.tiers(self.conn, family)
        return got

    def _sig(self, p: _Prepared) -> str:
        got = self.sigs.get(p.e.key)
        if got is None:
            got = self.sigs[p.e.key] = signature(p)
        return got

    def groups(self, keys: set[str]) -> dict[str, tuple[str, ...]]:
        if self.fixed is not None:
            return {k: self.fixed.get(k, (k,)) for k in keys}
        out = {k: (k,) for k in keys if k in self.pending}
        rest = [k for k in keys if k not in out]
        unknown = [k for k in rest if k not in self.machine]
        if unknown:
            self.machine.update(self.st.machine_of(self.conn, unknown))
        gids = {self.machine.get(k) for k in rest} - {None}
        members = self.st.members_of(self.conn, gids)
        for k in rest:
            g = self.machine.get(k)
            out[k] = tuple(sorted(members.get(g, [k]))) if g else (k,)
        return out

    def prepared(self, keys: set[str]) -> dict[str, _Prepared]:
        need = [k for k in keys if k not in self.cache]
        if need:
            self._take(self.st.rows_by_key(self.conn, need))
        got = {k: self.cache[k] for k in keys}
        self.counts.load(got.values())
        return got


class _Prefilter:
    """Whether a row of pre-filter ``sig`` may link to ``p`` (of pre-filter ``mine``): they
    share a hash (``records.may_link``), and for a low-precision ``p`` a strong one or two story
    ones (``records.low_candidates``; ``incremental.links`` asks the same); a row without a
    pre-filter may."""

    def __init__(self, p: _Prepared, mine: str):
        self.mine = frozenset(mine.split())
        self.strong = self.story = None
        if p.low:
            parts = signature_parts(p)
            self.strong = frozenset(h for h, k in parts.items() if k in STRONG_KINDS)
            self.story = frozenset(h for h, k in parts.items() if k in STORY_KINDS)

    def __call__(self, sig: str | None) -> bool:
        if sig is None:
            return True
        hs = sig.split()
        if self.mine.isdisjoint(hs):
            return False
        return self.strong is None or not self.strong.isdisjoint(hs) or len(self.story.intersection(hs)) >= 2


class _RowScan:
    """The rows of one family whose windows overlap a day range, read once (key, pre-filter,
    window, latitudes; no record): each event's rows found among them by window and latitude
    at once (NumPy), as ``aggregate_state.around`` finds them; the caller tests the pre-filter."""

    def __init__(self, conn, family: str, lo: int, hi: int, lat: tuple[float, float, float] | None = None):
        import numpy as np

        from ..store import aggregate_state as st
        self.rows = st.overlapping(conn, family, lo, hi, lat)
        self.w0 = np.array([r[3] for r in self.rows], dtype=np.int64)
        self.w1 = np.array([r[5] for r in self.rows], dtype=np.int64)
        self.placed = np.array([r[6] is not None for r in self.rows], dtype=bool)
        self.lat_lo = np.array([r[6] if r[6] is not None else 0.0 for r in self.rows], dtype=float)
        self.lat_hi = np.array([r[7] if r[7] is not None else 0.0 for r in self.rows], dtype=float)
        self.reach = np.array([r[8] or 0.0 for r in self.rows], dtype=float)

    def around(self, p: _Prepared, lat, mine: str) -> list[tuple]:
        import numpy as np
        lo, hi = p.window
        la, lb, r = lat if lat is not None else (-1e6, 1e6, 0.0)
        wide = np.maximum(self.reach, r) / 111.0
        ok = (self.w0 <= hi) & (self.w1 >= lo) & (
            ~self.placed | ((self.lat_hi >= la - wide) & (self.lat_lo <= lb + wide)))
        return [self.rows[i][:5] for i in np.flatnonzero(ok).tolist()]


class _WindowIndex:
    """The rows of some families whose windows overlap a day range, read once (key, pre-filter,
    window, latitudes; no record), by pre-filter hash: the candidates of many wide events found
    without one range scan each (a year-long window overlaps most of a year's events)."""

    def __init__(self, conn, families: set[str], lo: int, hi: int):
        from ..store import aggregate_state as st
        self.lo, self.hi, self.families = lo, hi, families
        self.rows: list[tuple] = []
        self.by: dict[tuple[str, str], list[int]] = {}
        self.open: dict[str, list[int]] = {}          # rows without a pre-filter: candidates always
        for fam in sorted(families):
            for r in st.overlapping(conn, fam, lo, hi):
                i = len(self.rows)
                self.rows.append(r)
                if r[1] is None:
                    self.open.setdefault(fam, []).append(i)
                else:
                    for t in r[1].split():
                        self.by.setdefault((fam, t), []).append(i)

    def covers(self, p: _Prepared) -> bool:
        return p.family in self.families and self.lo <= p.window[0] and p.window[1] <= self.hi

    def around(self, p: _Prepared, lat, mine: str) -> list[tuple]:
        """As ``aggregate_state.around``: the rows overlapping ``p``'s window, in reach by
        latitude, here only those sharing a pre-filter hash with it (or having none)."""
        seen: set[int] = set(self.open.get(p.family, ()))
        if p.low:                        # a story of 2.0 needed: a strong hash or two
            seen |= low_candidates(signature_parts(p), lambda h: self.by.get((p.family, h), ()))
        else:
            for t in mine.split():
                seen.update(self.by.get((p.family, t), ()))
        lo, hi = p.window
        la, lb, r = lat if lat is not None else (-1e6, 1e6, 0.0)
        out = []
        for i in seen:
            key, sig, machine, w0, tier, w1, lat_lo, lat_hi, reach = self.rows[i]
            if w0 > hi or w1 < lo:
                continue
            if lat_lo is not None:
                wide = max(reach or 0.0, r) / 111.0
                if lat_hi < la - wide or lat_lo > lb + wide:
                    continue
            out.append((key, sig, machine, w0, tier))
        return out


def _lat_of(p: _Prepared) -> tuple[float, float, float] | None:
    """(lowest, highest latitude, widest reach in km) of an event's best places; None unplaced."""
    return (min(x[0] for x in p.best), max(x[0] for x in p.best),
            max(_reach_of(x) for x in p.best)) if p.best else None


def _reach_of(place) -> float:
    from .incidents import _reach
    return _reach(place[2])


def _incident_rows(groups: list[list[str]], records: dict[str, _Prepared]) -> list[dict]:
    out = []
    for g in groups:
        if not g:
            continue
        i = finish([getattr(records[k], "e", records[k]) for k in g])
        out.append({"key": i.key, "type": i.type, "date_start": i.date_start, "date_end": i.date_end, "low": i.low,
                    "best": i.best, "high": i.high, "acled": i.acled, "status": i.status, "sources": i.sources,
                    "members": [m.key for m in i.members]})
    return out


def _structure_reviews(engine) -> list[dict]:
    from ..store.incidents import review_rows
    return [r for r in review_rows(engine) if r["action"] in ("merge", "split")]


def _review_keys(reviews: list[dict]) -> set[str]:
    return {k for r in reviews for k in list(r.get("anchor") or []) + list(r.get("events") or [])}


@_fewer_collections()
def update(ledger, progress: bool = False) -> UpdateReport:
    """``_update``, again when another process grouped the same new events first (its rows are
    then in the stage's tables: the next try finds what is still left)."""
    import time

    from sqlalchemy.exc import IntegrityError, OperationalError

    from ..store.engine import is_transient
    for attempt in range(8):
        try:
            return _update(ledger, progress)
        except (IntegrityError, OperationalError, _Again) as exc:
            if attempt == 7 or (isinstance(exc, OperationalError) and not is_transient(exc)):
                raise
            time.sleep(0.2 * (attempt + 1))
    raise RuntimeError("unreachable")


class _Again(Exception):
    """The update's view of the new events went stale: start again."""


def _update(ledger, progress: bool = False) -> UpdateReport:
    """Bring the incidents up to date with the stored events: the events the incidents stage has
    not seen are grouped with what they reach (``incremental.settle``), the incidents that changed
    are rewritten, the others keep their rows and keys. A ledger never grouped, or one given more
    new events than ``REBUILD_SHARE`` of it, is rebuilt instead. Clears the "needs rebuild" mark
    as it was read first (a document stored meanwhile keeps it set)."""
    import time

    from ..store import aggregate_state as st
    from ..store.incidents import event_rows, rebuild_mark
    t0 = time.perf_counter()
    engine = ledger.engine
    mark = rebuild_mark(engine)
    with engine.connect() as conn:
        total, have = st.counts(conn)
        missing = st.missing_events(conn, total, have)
    if mark is not None and mark.startswith("migrated") or (total and not have) or \
            len(missing) > max(REBUILD_SHARE * total, 5_000):
        return rebuild(ledger, progress=progress)
    report = UpdateReport(mode="update", events=len(missing))
    if not missing:
        if mark is not None:
            from ..store.incidents import clear_mark
            clear_mark(engine, mark)
        report.mode = "none"
        return report
    rows, ids = event_rows(engine, event_ids=missing)
    pending = {r["key"]: prepared_of(r) for r in rows}
    by_doc: dict[str, set] = {}
    for p in pending.values():
        by_doc.setdefault(p.e.document, set()).update(tokens_of(p))
    deltas = Counter(t for ts in by_doc.values() for t in ts)
    report.seconds["read"] = round(time.perf_counter() - t0, 3)
    reviews = _structure_reviews(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":        # one update at a time; what it sees after the lock is committed
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(2323)")
        if st.missing_events(conn, *st.counts(conn)) != missing:
            raise _Again                             # another process grouped some of them meanwhile
        before = st.name_counts(conn, deltas)
        moved = [t for t, d in deltas.items() if rarity_weight(before.get(t, 0)) != rarity_weight(before.get(t, 0) + d)]
        reweighed = st.events_naming(conn, moved) if moved else set()
        if reweighed:
            reweighed = paired_namers(reweighed, {t for t, _ in moved},
                                      st.naming_windows(conn, {t for t, _ in moved}), pending.values())
        source = LedgerSource(conn, pending, dict(deltas))
        old, new, region = settle(set(pending) | reweighed, source, dirty=reweighed)
        report.region = len(region)
        report.seconds["settle"] = round(time.perf_counter() - t0, 3)
        stored = {g for g in old if not any(k in pending for k in g)}    # a new event's own group is not stored
        removed = sorted(stored - set(new))
        added = sorted(set(new) - stored)
        machine = {k: group_key(g) for g in new for k in g}
        st.add_rows(conn, [dict(to_row(ids[k], p), machine=machine[k]) for k, p in pending.items()],
                    [{"token": t, "year": y, "event_id": ids[k]} for k, p in pending.items() for t, y in tokens_of(p)])
        st.bump_names(conn, dict(deltas), before)
        st.set_machine(conn, {group_key(g): [k for k in g if k not in pending] for g in added})
        _rewrite(conn, engine, removed, added, reviews, source, mark)
    report.removed, report.added = len(removed), len(added)
    report.seconds["total"] = round(time.perf_counter() - t0, 3)
    return report


def paired_namers(keys: set[str], tokens: set[str], rows, pending) -> set[str]:
    """Those of ``keys`` (events naming a token whose weight moved) whose windows overlap, in
    their family, another event's naming the same token in any year (``rows``: (token, key,
    family, w0, w1) of the stored events naming ``tokens``; ``pending``: the new events). A
    weight counts only for a name both events of a pair share, and the grouping weighs only
    pairs of one family whose windows overlap: an event with no such pair keeps every score
    the grouping reads, so it need not be regrouped."""
    pools: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for t, key, family, w0, w1 in rows:
        if w0 is not None:
            pools.setdefault((t, family), {})[key] = (w0, w1)
    for p in pending:
        if p.window is not None:
            for t, _ in tokens_of(p):
                if t in tokens:
                    pools.setdefault((t, p.family), {})[p.e.key] = p.window
    out: set[str] = set()
    for pool in pools.values():
        if len(pool) < 2 or keys.isdisjoint(pool):
            continue
        order = sorted(pool.items(), key=lambda kv: kv[1])
        reach = None                                   # the latest end of those before
        for i, (key, (w0, w1)) in enumerate(order):
            if key in keys and key not in out and (
                    (reach is not None and reach >= w0) or (i + 1 < len(order) and order[i + 1][1][0] <= w1)):
                out.add(key)
            reach = w1 if reach is None else max(reach, w1)
    return out


def _rewrite(conn, engine, removed, added, reviews, source: LedgerSource, mark) -> None:
    """The stored incidents of the groups that changed (and of every group a merge or split
    review names, when one of them did) written anew; the others untouched."""
    from ..store import aggregate_state as st
    from ..store.incidents import incident_keys_of, replace_incidents
    touched = {k for g in removed + added for k in g}
    groups = [list(g) for g in added]
    rkeys = _review_keys(reviews)
    if rkeys & touched or (rkeys and not touched):
        machine = st.machine_of(conn, rkeys)                  # as written now, not as read before
        members = st.members_of(conn, {g for g in machine.values() if g})
        bound = {tuple(sorted(ms)) for ms in members.values()}
        bound |= {(k,) for k, g in machine.items() if not g}
        for g in sorted(bound - set(added)):
            groups.append(list(g))
        touched |= {k for g in bound for k in g}
    groups = apply_structure(groups, reviews) if reviews else groups
    records = source.prepared({k for g in groups for k in g})
    new_rows = _incident_rows(groups, records)
    ids = st.event_ids(conn, touched | {k for g in groups for k in g})
    old_keys = incident_keys_of(conn, [ids[k] for k in touched if k in ids])
    keep = old_keys & {r["key"] for r in new_rows}
    replace_incidents(conn, sorted(old_keys - keep), [r for r in new_rows if r["key"] not in keep], ids, mark)


def reapply_reviews(ledger) -> UpdateReport:
    """After a merge or split review: the incidents of the groups reviews name, written anew."""
    from ..store.incidents import rebuild_mark
    if rebuild_mark(ledger.engine) is not None:
        return update(ledger)
    reviews = _structure_reviews(ledger.engine)
    with ledger.engine.begin() as conn:
        source = LedgerSource(conn, {}, {})
        _rewrite(conn, ledger.engine, [], [], reviews, source, None)
    return UpdateReport(mode="reviews")


# ---------------------------------------------------------------- a full rebuild, in parts

def _cuts(starts: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Day ranges [lo, hi) of about ``size`` events each, by window start."""
    out, lo, n = [], None, 0
    for day, c in starts:
        if lo is None:
            lo = day
        n += c
        if n >= size:
            out.append((lo, day + 1))
            lo, n = None, 0
    if lo is not None:
        out.append((lo, starts[-1][0] + 1))
    return out


@_fewer_collections()
def group_part(url: str, lo: int | None, hi: int | None) -> list[tuple[str, ...]]:
    """The machine groups of the events whose windows start in [lo, hi) (``lo`` None: the
    undated), wide ones left out (``_add_wide``), grouped alone, with the ledger's name counts: one part of a rebuild (it runs on a
    Dask worker as well as here)."""
    from ..store import Ledger
    from ..store import aggregate_state as st
    ledger = Ledger(url, read_only=True) if isinstance(url, str) else url
    try:
        with ledger.engine.connect() as conn:
            events = [from_row(k, rec) for k, rec, _ in st.window_rows(conn, lo, hi, below=WIDE_TIER)]
            counts = Counts(lambda want: st.name_counts(conn, want))
            counts.load(events)
            built = _Grouper(prepared=events, rarity=Rarity(counts)).build()
    finally:
        if isinstance(url, str):
            ledger.engine.dispose()
    return [tuple(sorted(m.key for m in g)) for g in built]


def _stitch(conn, groups: dict[str, tuple[str, ...]], tail: list[_Prepared], part: list[_Prepared], upto: int) -> int:
    """Join a part grouped alone to what came before: the events on both sides linked across the
    boundary are the seeds; returns the events regrouped. The candidates of the region are
    found in one read of the rows the two sides' windows span (``_WindowIndex``)."""
    helper = _Grouper(prepared=[], rarity=Rarity({}))
    if not tail or not part:
        return 0
    reach = max(p.window[1] for p in tail)
    near = [q for q in part if q.window[0] <= reach]
    mine = {q.e.key for q in near}
    seeds: set[str] = set()
    for p, ks in links(helper, tail, near).items():
        ks &= mine
        if ks:
            seeds |= ks | {p}
    if not seeds:
        return 0
    lo = min(p.window[0] for p in tail)
    hi = max(q.window[1] for q in part)
    index = _WindowIndex(conn, {p.family for p in tail + part}, lo, hi)
    source = LedgerSource(conn, {}, {}, groups=groups, upto=upto, wide_upto=NO_DAY,   # wide ones come last
                          index=index)
    old, new, region = settle(seeds, source)
    apply_groups(groups, old, new)
    return len(region)


def _add_wide(engine, groups: dict[str, tuple[str, ...]], progress: bool = False,
              batch: int = WIDE_BATCH) -> tuple[int, int]:
    """The wide events (windows of ``WIDE_TIER`` or more: dated by a year, or not at all but for
    a span) added to the groups of all the others, as an update adds new events
    (``incremental.settle``), in batches by window start: each batch's seeds are its events,
    the wide events of later batches left out until theirs. Kept out of the parts, a year-long
    window would reach across every boundary of a year of parts and bring its whole year into
    each stitch; here each batch reads the candidates of its events once (``_WindowIndex``),
    by pre-filter hash. Returns (wide events, events regrouped)."""
    from ..store import aggregate_state as st
    wide = regrouped = 0
    with engine.connect() as conn:
        cuts = _cuts(st.starts_by_day(conn, at_least=WIDE_TIER), batch)
        for n, (lo, hi) in enumerate(cuts):
            rows = st.wide_rows(conn, lo, hi, WIDE_TIER)
            index = _WindowIndex(conn, {f for _, f, _ in rows}, lo, max(w1 for _, _, w1 in rows))
            source = LedgerSource(conn, {}, {}, groups=groups, wide_upto=hi, index=index)
            old, new, region = settle({k for k, _, _ in rows}, source)
            apply_groups(groups, old, new)
            wide += len(rows)
            regrouped += len(region)
            if progress:
                print(f"rebuild: wide events {n + 1}/{len(cuts)} added", file=sys.stderr, flush=True)
    return wide, regrouped


@_fewer_collections()
def record_rows(url, ids: list[int]) -> tuple[list[dict], list[dict], list[tuple[str, int]]]:
    """One piece of the records pass (it runs in a worker process or on a Dask worker as well as
    here): the stage rows of events ``ids``, their (token, year) rows, and each (token, year)
    once per document that names it."""
    from ..store import Ledger
    from ..store.incidents import event_rows
    ledger = Ledger(url, read_only=True) if isinstance(url, str) else url
    try:
        rows, ids_of = event_rows(ledger.engine, event_ids=ids)
    finally:
        if isinstance(url, str):
            ledger.engine.dispose()
    prepared = [prepared_of(r) for r in rows]
    by_doc: dict[str, set] = {}
    for p in prepared:
        by_doc.setdefault(p.e.document, set()).update(tokens_of(p))
    return ([to_row(ids_of[p.e.key], p) for p in prepared],
            [{"token": t, "year": y, "event_id": ids_of[p.e.key]} for p in prepared for t, y in tokens_of(p)],
            [t for ts in by_doc.values() for t in ts])


def write_records(engine, progress: bool = False, runner: _Runner | None = None, url=None) -> int:
    """The incidents stage's rows written anew from the stored events: each event's record,
    window and pre-filter, its (token, year) rows and the ledger's name counts, in pieces of
    ``RECORD_CHUNK`` event ids (never all at once), computed by ``runner`` (in order, a few
    pieces ahead) and written here. Returns the events written."""
    from ..store import aggregate_state as st
    from ..store.incidents import iter_event_ids
    runner = runner or _Runner()
    if url is None:                              # computed here, on this engine
        from types import SimpleNamespace
        url = SimpleNamespace(engine=engine)
    done = 0
    with engine.begin() as conn:
        st.clear(conn)
    names: Counter = Counter()
    pieces = ((url, ids) for ids in iter_event_ids(engine, RECORD_CHUNK))
    for rows, tokens, named in runner.map(record_rows, pieces):
        names.update(named)
        with engine.begin() as conn:
            st.add_rows(conn, rows, tokens)
        done += len(rows)
        if progress:
            print(f"rebuild: {done} events read", file=sys.stderr, flush=True)
    with engine.begin() as conn:
        st.put_names(conn, dict(names))
    del names
    return done


class _Runner:
    """Where the pieces of a rebuild run: here (no pool), on a local pool of ``processes``
    worker processes, or on a Dask ``client``; ``map`` gives the results in order, at most
    two pieces a worker ahead of the one that takes them (memory stays bounded)."""

    def __init__(self, client=None, processes: int = 1):
        self.client, self.pool = client, None
        if client is not None:
            self.width = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        elif processes > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            # a fork server (one clean process, the stage's modules loaded, forking the workers):
            # forking this process itself, which may hold threads and connections, is unsafe
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload([__name__])
            else:
                ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(processes, mp_context=ctx)
            self.width = 2 * processes
        else:
            self.width = 0

    @property
    def remote(self) -> bool:
        return self.client is not None or self.pool is not None

    def map(self, fn, calls):
        """``fn(*args)`` for each of ``calls``, in order; the first pieces are sent at once."""
        if not self.remote:
            return (fn(*args) for args in calls)
        from collections import deque
        calls = iter(calls)
        pending: deque = deque()

        def send() -> bool:
            args = next(calls, None)
            if args is None:
                return False
            pending.append(self.client.submit(fn, *args, pure=False) if self.client is not None
                           else self.pool.submit(fn, *args))
            return True
        while len(pending) < self.width and send():
            pass

        def results():
            while pending:
                got = pending.popleft().result()
                send()
                yield got
        return results()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def local_processes(engine, processes: int | None = None) -> int:
    """How many processes a local rebuild uses: ``processes`` when given; else one for a ledger
    of fewer than ``LOCAL_MIN_EVENTS`` events or held in memory, and one a core (at most 4)
    otherwise."""
    import os

    from ..store import aggregate_state as st
    if processes is not None:
        return max(1, processes)
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return 1
    with engine.connect() as conn:
        events = st.counts(conn)[0]
    return 1 if events < LOCAL_MIN_EVENTS else max(1, min(os.cpu_count() or 1, 4))


@_fewer_collections()
def rebuild(ledger, progress: bool = False, client=None, part_events: int = PART_EVENTS,
            wide_batch: int = WIDE_BATCH, processes: int | None = None) -> UpdateReport:
    """Every incident recomputed from the stored events, in parts of about ``part_events`` events
    by window start: the stage's event rows and name counts written anew (read document by
    document, never all at once), each part grouped alone (on ``client``'s Dask workers when
    given), each joined to the ones before it by ``settle`` from the events linked across the
    boundary (windows overlap at most by the widest reach), the wide events (``WIDE_TIER``)
    left out of both and added last (``_add_wide``), then the reviews' merges and splits and
    the incidents written. The same incidents as grouping every event at once. Without a
    ``client``, the records and the parts are computed by ``processes`` local worker processes
    (by default ``local_processes``: one a core for a large ledger); each part is still joined
    here, in order, so the result does not depend on how many there are."""
    import time

    from ..store.incidents import rebuild_mark
    t0 = time.perf_counter()
    engine = ledger.engine
    mark = rebuild_mark(engine)
    report = UpdateReport(mode="rebuild")
    runner = _Runner(client, 1 if client is not None else local_processes(engine, processes))
    try:
        return _rebuild(ledger, report, runner, progress, part_events, wide_batch, mark, t0)
    finally:
        runner.close()


def _rebuild(ledger, report: UpdateReport, runner: _Runner, progress: bool, part_events: int, wide_batch: int,
             mark, t0: float) -> UpdateReport:
    import time

    from ..store import aggregate_state as st
    from ..store.incidents import write_incidents_stream
    engine = ledger.engine
    url = engine.url.render_as_string(hide_password=False) if runner.remote else ledger
    report.events = write_records(engine, progress, runner, url)
    report.seconds["records"] = round(time.perf_counter() - t0, 1)
    with engine.connect() as conn:
        cuts = _cuts(st.starts_by_day(conn, below=WIDE_TIER), part_events)
    results = runner.map(group_part, ((url, lo, hi) for lo, hi in [(None, None)] + cuts))
    groups: dict[str, tuple[str, ...]] = {}
    for g in next(results):                       # the undated: alone
        for k in g:
            groups[k] = g
    tail: list[_Prepared] = []
    with engine.connect() as conn:
        for (lo, hi), part_groups in zip(cuts, results, strict=True):
            reach = max((p.window[1] for p in tail), default=lo - 1)
            part = [from_row(k, rec) for k, rec, _ in st.edge_rows(conn, lo, hi, reach, below=WIDE_TIER)]
            for g in part_groups:
                for k in g:
                    groups[k] = g
            report.region += _stitch(conn, groups, tail, part, hi)
            tail = [p for p in tail + part if p.window[1] >= hi]
            report.parts += 1
            if progress:
                print(f"rebuild: part {report.parts}/{len(cuts)} grouped", file=sys.stderr, flush=True)
    report.seconds["group"] = round(time.perf_counter() - t0, 1)
    report.wide, region = _add_wide(engine, groups, progress, wide_batch)
    report.region += region
    report.seconds["wide"] = round(time.perf_counter() - t0, 1)
    machine = sorted(set(groups.values()))
    del groups
    reviews = _structure_reviews(engine)
    structured = apply_structure([list(g) for g in machine], reviews) if reviews else [list(g) for g in machine]
    rows = None
    if runner.remote:                              # the incidents' figures computed by the workers
        rows = runner.map(finish_part, ((url, structured[i:i + FINISH_PART]) for i in range(0, len(structured), FINISH_PART)))
    report.incidents = write_incidents_stream(engine, structured, machine, _finish_rows, mark, FINISH_PART, rows)
    report.seconds["total"] = round(time.perf_counter() - t0, 1)
    return report


@_fewer_collections()
def finish_part(url: str, groups: list[list[str]]) -> list[dict]:
    """``_finish_rows`` on a connection of its own (in a worker process or on a Dask worker)."""
    from ..store import Ledger
    ledger = Ledger(url, read_only=True)
    try:
        with ledger.engine.connect() as conn:
            return _finish_rows(conn, groups)
    finally:
        ledger.engine.dispose()


def _finish_rows(conn, groups: list[list[str]]) -> list[dict]:
    from ..store import aggregate_state as st
    records = {k: record_of(k, rec) for k, rec, _ in st.rows_by_key(conn, {k for g in groups for k in g})}
    return _incident_rows(groups, records)
