"""The incidents stage's own tables (``aggregate_events``, ``aggregate_names``,
``aggregate_tokens``): read by window, by key and by machine group, written in the transaction
that writes the incidents. Plain rows in, plain rows out: the store does not import aggregate/."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection

from .tables import AggregateEventRow, AggregateNameRow, AggregateTokenRow, EventRow

A = AggregateEventRow
CHUNK = 900            # keys per IN list (under SQLite's bound-parameter limit)
MAX_HASHES = 256       # a longer pre-filter is checked after the read (a statement's size stays bounded)
MAX_TIER = 16          # the last tier holds every window of 2^15 days or more (records.MAX_TIER)


def _chunks(items: Iterable, n: int = CHUNK) -> Iterator[list]:
    items = list(items)
    for i in range(0, len(items), n):
        yield items[i:i + n]


def missing_events(conn: Connection, total: int, have: int) -> list[int]:
    """Ids of stored events the stage has no row for (stored since it last ran), in id order:
    those after the last it has, when that accounts for all ``total - have`` of them, else every
    event without a row."""
    last = conn.scalar(select(func.max(A.event_id))) or 0
    after = list(conn.scalars(select(EventRow.id).where(EventRow.id > last).order_by(EventRow.id)))
    if len(after) == total - have:
        return after
    q = (select(EventRow.id).where(~select(A.event_id).where(A.event_id == EventRow.id).exists())
         .order_by(EventRow.id))
    return list(conn.scalars(q))


def counts(conn: Connection) -> tuple[int, int]:
    """(events stored, events the stage has a row for)."""
    return (conn.scalar(select(func.count()).select_from(EventRow)) or 0,
            conn.scalar(select(func.count()).select_from(A)) or 0)


def rows_by_key(conn: Connection, keys: Iterable[str]) -> list[tuple[str, dict, str | None]]:
    out = []
    for part in _chunks(sorted(keys)):
        out += conn.execute(select(A.key, A.record, A.machine).where(A.key.in_(part))).all()
    return [tuple(r) for r in out]


def machine_of(conn: Connection, keys: Iterable[str]) -> dict[str, str | None]:
    out = {}
    for part in _chunks(sorted(keys)):
        out.update(conn.execute(select(A.key, A.machine).where(A.key.in_(part))).all())
    return out


def members_of(conn: Connection, groups: Iterable[str]) -> dict[str, list[str]]:
    """Machine group → its member keys."""
    out: dict[str, list[str]] = {}
    for part in _chunks(sorted(set(groups))):
        for key, g in conn.execute(select(A.key, A.machine).where(A.machine.in_(part))):
            out.setdefault(g, []).append(key)
    return out


def tiers(conn: Connection, family: str | None = None) -> list[int]:
    """Every tier a window may have; with ``family``, those its rows have (one index seek
    each): ``around`` then probes no empty one."""
    if family is None:
        return list(range(MAX_TIER + 1))
    return [t for t in range(MAX_TIER + 1)
            if conn.execute(select(A.event_id).where(A.family == family, A.tier == t).limit(1)).first()]


_AROUND: dict[tuple[tuple[int, ...], int], Any] = {}


def _around_sql(tiers_: tuple[int, ...], hashes: int = 0):
    """One statement for every tier: a range of the (family, tier, w0) index each; with
    ``hashes`` > 0, only rows without a pre-filter or whose pre-filter holds one of the
    parameters ``h0`` … (a hash is six hex digits between spaces, so containing one is having
    it)."""
    from sqlalchemy import text
    if (tiers_, hashes) not in _AROUND:
        wide = "(CASE WHEN reach > :r THEN reach ELSE :r END) / 111.0"
        one = ("SELECT key, sig, machine, w0, tier FROM aggregate_events WHERE family = :f AND tier = {t} "
               "AND w0 BETWEEN :lo - {span} AND :hi AND w1 >= :lo "
               f"AND (lat_lo IS NULL OR (lat_hi >= :la - {wide} AND lat_lo <= :lb + {wide}))")
        if hashes:
            one += " AND (sig IS NULL OR " + " OR ".join(f"sig LIKE :h{i}" for i in range(hashes)) + ")"
        last = one.replace("w0 BETWEEN :lo - {span} AND :hi", "w0 <= :hi")   # the widest: any start
        _AROUND[(tiers_, hashes)] = text(" UNION ALL ".join((last if t == MAX_TIER else one).format(t=t, span=1 << t)
                                                            for t in tiers_))
    return _AROUND[(tiers_, hashes)]


def around(conn: Connection, family: str, lo: int, hi: int, tiers_: list[int],
           lat: tuple[float, float, float] | None, sig: str | None = None
           ) -> list[tuple[str, str | None, str | None, int, int]]:
    """(key, pre-filter, machine group, window start, tier) of the rows of ``family`` whose windows
    overlap [lo, hi], each tier a range of its index; with ``lat`` (lowest, highest latitude,
    reach in km), only rows unplaced or whose latitudes lie within the larger of the two
    reaches; with ``sig`` (a pre-filter), only rows sharing a hash with it (or without one).
    The records are read apart (``rows_by_key``), for the rows the pre-filter keeps."""
    if not tiers_:
        return []
    la, lb, r = lat if lat is not None else (-1e6, 1e6, 0.0)
    params: dict[str, Any] = {"f": family, "lo": lo, "hi": hi, "la": la, "lb": lb, "r": r}
    hashes = 0
    mine = sig.split() if sig else []
    if 0 < len(mine) <= MAX_HASHES:
        hashes = 1 << max(3, (len(mine) - 1).bit_length())     # a few statement shapes, each cached
        params |= {f"h{i}": f"%{mine[min(i, len(mine) - 1)]}%" for i in range(hashes)}
    return [tuple(row) for row in conn.execute(_around_sql(tuple(tiers_), hashes), params)]


def _tiers(q, below: int | None, at_least: int | None):
    if below is not None:
        q = q.where(A.tier < below)
    if at_least is not None:
        q = q.where(A.tier >= at_least)
    return q


def window_rows(conn: Connection, lo: int | None, hi: int | None, below: int | None = None
                ) -> list[tuple[str, dict, str | None]]:
    """Rows whose windows start in [lo, hi) (``lo`` None: the undated rows); with ``below``,
    only those of a lower tier."""
    if lo is None:
        q = select(A.key, A.record, A.machine).where(A.w0.is_(None))
    else:
        q = _tiers(select(A.key, A.record, A.machine).where(A.w0 >= lo, A.w0 < hi), below, None)
    return [tuple(r) for r in conn.execute(q)]


def edge_rows(conn: Connection, lo: int, hi: int, reach: int, below: int | None = None
              ) -> list[tuple[str, dict, str | None]]:
    """Rows whose windows start in [lo, hi) and either start by day ``reach`` (they may meet
    what came before) or end at ``hi`` or later (they may meet what comes after)."""
    q = select(A.key, A.record, A.machine).where(A.w0 >= lo, A.w0 < hi, or_(A.w0 <= reach, A.w1 >= hi))
    return [tuple(r) for r in conn.execute(_tiers(q, below, None))]


def starts_by_day(conn: Connection, below: int | None = None, at_least: int | None = None
                  ) -> list[tuple[int, int]]:
    """(window start, events) for every start day, in order: to cut a rebuild into parts
    (``below``, ``at_least``: of those tiers only)."""
    q = _tiers(select(A.w0, func.count()).where(A.w0.is_not(None)), below, at_least)
    return [tuple(r) for r in conn.execute(q.group_by(A.w0).order_by(A.w0))]


def wide_rows(conn: Connection, lo: int, hi: int, at_least: int) -> list[tuple[str, str, int]]:
    """(key, family, window end) of the rows of tier ``at_least`` or more starting in [lo, hi)."""
    q = select(A.key, A.family, A.w1).where(A.w0 >= lo, A.w0 < hi, A.tier >= at_least)
    return [tuple(r) for r in conn.execute(q)]


def overlapping(conn: Connection, family: str, lo: int, hi: int,
                lat: tuple[float, float, float] | None = None) -> list[tuple]:
    """(key, sig, machine, w0, tier, w1, lat_lo, lat_hi, reach) of every row of ``family`` whose
    window overlaps [lo, hi], each tier a range of its index; with ``lat``, only those unplaced
    or in reach by latitude, as ``around``."""
    from sqlalchemy import text
    one = ("SELECT key, sig, machine, w0, tier, w1, lat_lo, lat_hi, reach FROM aggregate_events "
           "WHERE family = :f AND tier = {t} AND w0 BETWEEN :lo - {span} AND :hi AND w1 >= :lo")
    params: dict[str, Any] = {"f": family, "lo": lo, "hi": hi}
    if lat is not None:
        wide = "(CASE WHEN reach > :r THEN reach ELSE :r END) / 111.0"
        one += f" AND (lat_lo IS NULL OR (lat_hi >= :la - {wide} AND lat_lo <= :lb + {wide}))"
        params |= {"la": lat[0], "lb": lat[1], "r": lat[2]}
    last = one.replace("w0 BETWEEN :lo - {span} AND :hi", "w0 <= :hi")
    sql = " UNION ALL ".join((last if t == MAX_TIER else one).format(t=t, span=1 << t) for t in range(MAX_TIER + 1))
    return [tuple(r) for r in conn.execute(text(sql), params)]


def name_counts(conn: Connection, tokens: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    wanted = set(tokens)
    out: dict[tuple[str, int], int] = {}
    for part in _chunks(sorted({t for t, _ in wanted})):
        for t, y, n in conn.execute(select(AggregateNameRow.token, AggregateNameRow.year, AggregateNameRow.docs)
                                    .where(AggregateNameRow.token.in_(part))):
            if (t, y) in wanted:
                out[(t, y)] = n
    return out


def events_naming(conn: Connection, tokens: Iterable[tuple[str, int]]) -> set[str]:
    """Keys of the events that name these (token, year)s."""
    wanted = set(tokens)
    out = set()
    for part in _chunks(sorted({t for t, _ in wanted})):
        for t, y, key in conn.execute(select(AggregateTokenRow.token, AggregateTokenRow.year, A.key)
                                      .join(A, A.event_id == AggregateTokenRow.event_id)
                                      .where(AggregateTokenRow.token.in_(part))):
            if (t, y) in wanted:
                out.add(key)
    return out


def naming_windows(conn: Connection, tokens: Iterable[str]) -> list[tuple[str, str, str | None, int | None, int | None]]:
    """(token, key, family, window start, window end) of every event naming one of these
    tokens, in any year (index columns only, no record)."""
    out = []
    for part in _chunks(sorted(set(tokens))):
        out += conn.execute(select(AggregateTokenRow.token, A.key, A.family, A.w0, A.w1).distinct()
                            .join(A, A.event_id == AggregateTokenRow.event_id)
                            .where(AggregateTokenRow.token.in_(part))).all()
    return [tuple(r) for r in out]


def add_rows(conn: Connection, rows: list[dict[str, Any]], tokens: list[dict[str, Any]]) -> None:
    """New events' rows (``event_id``, ``key``, ``family``, ``tier``, ``w0``, ``w1``,
    ``lat_lo``, ``lat_hi``, ``reach``, ``record``, ``machine``) and their (token, year) rows."""
    for part in _chunks(rows, 2000):
        conn.execute(insert(A), part)
    for part in _chunks(tokens, 5000):
        conn.execute(insert(AggregateTokenRow), part)


def bump_names(conn: Connection, deltas: dict[tuple[str, int], int], before: dict[tuple[str, int], int]) -> None:
    """Add ``deltas`` to the name counts (``before``: the counts as read)."""
    new = [{"token": t, "year": y, "docs": d} for (t, y), d in deltas.items() if (t, y) not in before]
    if new:
        for part in _chunks(new, 5000):
            conn.execute(insert(AggregateNameRow), part)
    for (t, y), d in deltas.items():
        if (t, y) in before:
            conn.execute(update(AggregateNameRow).where(AggregateNameRow.token == t, AggregateNameRow.year == y)
                         .values(docs=AggregateNameRow.docs + d))


def set_machine(conn: Connection, groups: dict[str, list[str]]) -> None:
    """Machine group → member keys: each member's group."""
    for g, keys in groups.items():
        for part in _chunks(keys):
            conn.execute(update(A).where(A.key.in_(part)).values(machine=g))


def clear(conn: Connection) -> None:
    from sqlalchemy import delete
    conn.execute(delete(AggregateTokenRow))
    conn.execute(delete(AggregateNameRow))
    conn.execute(delete(A))


def put_names(conn: Connection, names: dict[tuple[str, int], int]) -> None:
    rows = [{"token": t, "year": y, "docs": d} for (t, y), d in names.items()]
    for part in _chunks(rows, 5000):
        conn.execute(insert(AggregateNameRow), part)


def event_ids(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    out = {}
    for part in _chunks(sorted(keys)):
        out.update(conn.execute(select(A.key, A.event_id).where(A.key.in_(part))).all())
    return out
