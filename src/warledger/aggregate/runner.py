"""`warledger aggregate --rebuild` as a function: the store's events → incidents → the store,
with analysts' merges and splits applied; and tallies over time."""
from __future__ import annotations

from collections import defaultdict

from .incidents import EventRecord, build_incidents, finish
from .review import apply_structure


def rebuild(ledger) -> int:
    """Recompute every incident of ``ledger`` (a store.Ledger) from its events; returns how many.
    Deterministic: events are sorted before they are grouped, so the order of arrival does not matter;
    reviews' merges and splits are applied after, in the order they were made."""
    from ..store.incidents import event_rows, rebuild_mark, review_rows, write_incidents

    mark = rebuild_mark(ledger.engine)              # before the events: a later document keeps it set
    rows, ids = event_rows(ledger.engine)
    records = {r["key"]: EventRecord(**r) for r in rows}
    machine = build_incidents(list(records.values()))
    reviews = [r for r in review_rows(ledger.engine) if r["action"] in ("merge", "split")]
    groups = apply_structure([[m.key for m in i.members] for i in machine], reviews)
    incidents = sorted((finish([records[k] for k in g if k in records]) for g in groups if g),
                       key=lambda i: (str(i.date_start or ""), i.key))
    write_incidents(ledger.engine, [
        {"key": i.key, "type": i.type, "date_start": i.date_start, "date_end": i.date_end, "low": i.low,
         "best": i.best, "high": i.high, "acled": i.acled, "status": i.status, "sources": i.sources,
         "members": [m.key for m in i.members]} for i in incidents], ids, mark)
    return len(incidents)


def tally_series(ledger) -> list[dict]:
    """One series per (subject, measure, group): each reported value with its source and date,
    in date order; ``falls`` flags a total lower than an earlier one."""
    from ..store.incidents import tally_rows

    series: dict[tuple, list[dict]] = defaultdict(list)
    for t in tally_rows(ledger.engine):
        key = tuple((v or "").lower() for v in (t["subject"], t["measure"], t["group"]))
        series[key].append(t)
    out = []
    for (subject, measure, group), points in sorted(series.items()):
        points.sort(key=lambda p: (str(p["as_of"] or ""), p["value"] or 0))
        falls = [p for i, p in enumerate(points) if any((q["value"] or 0) > (p["value"] or 0) for q in points[:i])]
        out.append({"subject": subject, "measure": measure, "group": group,
                    "points": [{"value": p["value"], "as_of": p["as_of"].isoformat() if p["as_of"] else None,
                                "since": p["since"].isoformat() if p["since"] else None, "source": p["source"],
                                "document": p["document"], "text": p["text"]} for p in points],
                    "falls": bool(falls)})
    return out
