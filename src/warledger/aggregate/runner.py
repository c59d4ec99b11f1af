"""`warledger aggregate --rebuild` as a function: the store's events → incidents → the store."""
from __future__ import annotations

from .incidents import EventRecord, build_incidents


def rebuild(ledger) -> int:
    """Recompute every incident of ``ledger`` (a store.Ledger) from its events; returns how many.
    Deterministic: incidents are connected components, so order of arrival does not matter."""
    from ..store.incidents import event_rows, write_incidents

    rows, ids = event_rows(ledger.engine)
    records = [EventRecord(**r) for r in rows]
    incidents = build_incidents(records)
    write_incidents(ledger.engine, [
        {"key": i.key, "type": i.type, "date_start": i.date_start, "date_end": i.date_end, "low": i.low,
         "best": i.best, "high": i.high, "acled": i.acled, "status": i.status, "sources": i.sources,
         "members": [m.key for m in i.members]} for i in incidents], ids)
    return len(incidents)
