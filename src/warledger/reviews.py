"""Incidents as shown (machine values with reviews applied) and recording a review: the one
place the API and the web pages go through, so both check a review the same way."""
from __future__ import annotations

from typing import Any

from .errors import WarledgerError
from .vocab import CORRECTABLE_FIELDS, REVIEW_ACTIONS


class ReviewError(WarledgerError):
    """A review that cannot be recorded: ``status`` is the HTTP status it maps to; the CLI exits
    1 for an unknown incident and 2 for bad arguments."""

    def __init__(self, code: str, message: str, status: int):
        super().__init__(code, message)
        self.status = status
        self.exit_code = 1 if status == 404 else 2


def find_incidents(ledger, *, status=None, type_=None, place=None, actor=None, since=None, until=None) -> list[dict]:
    """Incidents with the CLI's filters; ``status`` filters on the effective (reviewed) status."""
    from .aggregate.review import attach
    from .store.incidents import list_incidents, review_rows
    found = list_incidents(ledger.engine, type_=type_ or None, since=since, until=until, place=place or None,
                           actor=actor or None)
    found = attach(found, review_rows(ledger.engine))
    return [r for r in found if not status or r["status"] == status]


def one_incident(ledger, ref: str) -> dict | None:
    """One incident with every source, with its reviews and effective values."""
    from .aggregate.review import attach
    from .store.incidents import get_incident, review_rows
    one = get_incident(ledger.engine, ref)
    return attach([one], review_rows(ledger.engine))[0] if one else None


def incident_reviews(ledger, ref: str) -> list[dict] | None:
    """Every review touching the incident, oldest first (None when there is no such incident)."""
    from .store.incidents import member_keys, review_rows
    keys = set(member_keys(ledger.engine, ref))
    if not keys:
        return None
    return [r for r in review_rows(ledger.engine) if keys & set(r["anchor"])]


def record_review(ledger, ref: str, *, action: str, who: str, field: str | None = None, value: Any = None,
                  other: str | None = None, events: list[str] | None = None, why: str | None = None) -> int:
    """Check and store one review of incident ``ref``; merges and splits regroup at once.
    Returns the review's id; raises ReviewError (404 unknown incident, 422 bad values)."""
    from .aggregate import rebuild
    from .store.incidents import add_review, member_keys
    keys = member_keys(ledger.engine, ref)
    if not keys:
        raise ReviewError("E601", f"no incident {ref!r}", 404)
    if action not in REVIEW_ACTIONS:
        raise ReviewError("E603", f"action must be one of {', '.join(REVIEW_ACTIONS)}", 422)
    why = (why or "").strip() or None
    kw: dict[str, Any] = {"action": action, "anchor": keys, "who": who, "why": why}
    if action in ("grade", "correct"):
        field = "grade" if action == "grade" else field
        if action == "correct" and field not in CORRECTABLE_FIELDS:
            raise ReviewError("E603", f"field: correct takes one of {', '.join(CORRECTABLE_FIELDS)}", 422)
        if value is None or str(value).strip() == "":
            raise ReviewError("E603", f"value: {action} needs a value", 422)
        value = str(value).strip()
        if field in ("low", "best", "high"):
            if not value.isdigit():
                raise ReviewError("E603", f"value: {field} takes a whole number", 422)
            value = int(value)
        kw |= {"field": field, "value": value}
    elif action == "merge":
        joined = member_keys(ledger.engine, other) if other else []
        if not joined:
            raise ReviewError("E601", f"other: no incident {other!r} to merge", 422)
        if set(joined) == set(keys):
            raise ReviewError("E603", "other: an incident cannot be merged with itself", 422)
        kw["events"] = joined
    else:
        unknown = [e for e in events or [] if e not in keys]
        if not events or unknown:
            raise ReviewError("E602", f"events: give events of {ref}"
                              + (f"; not its: {', '.join(unknown)}" if unknown else ""), 422)
        kw["events"] = list(events)
    rid = add_review(ledger.engine, **kw)
    if action in ("merge", "split"):
        rebuild(ledger)
    return rid
