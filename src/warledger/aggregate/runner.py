"""`warledger aggregate --rebuild` as a function: the store's events → incidents → the store,
with analysts' merges and splits applied; and tallies over time."""
from __future__ import annotations

from collections import defaultdict


def rebuild(ledger, progress: bool = False, client=None, processes: int | None = None) -> int:
    """Recompute every incident of ``ledger`` (a store.Ledger) from its events; returns how many.
    Deterministic: events are sorted before they are grouped, so the order of arrival does not matter;
    reviews' merges and splits are applied after, in the order they were made. Streams by time
    window (``maintain.rebuild``); with a Dask ``client``, the windows are grouped on its workers,
    else on ``processes`` local worker processes (``maintain.local_processes`` by default)."""
    from .maintain import rebuild as full
    return full(ledger, progress=progress, client=client, processes=processes).incidents or 0


def update(ledger, progress: bool = False) -> int:
    """Bring the incidents up to date after documents were stored (``maintain.update``: only what
    the new events reach is regrouped); returns how many incidents there are."""
    from ..store.incidents import incident_count
    from .maintain import update as incremental
    incremental(ledger, progress=progress)
    return incident_count(ledger.engine)


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
