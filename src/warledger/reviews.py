"""Incidents as shown (machine values with reviews applied) and recording a review: the one
place the API and the web pages go through, so both check a review the same way."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .errors import WarledgerError
from .vocab import CORRECTABLE_FIELDS, EVENT_TYPES, GRADES, INCIDENT_STATUSES, REVIEW_ACTIONS

MAX_FIGURE = 10_000_000                  # the largest fatality figure a correction may give
MAX_WHY, MAX_WHO, MAX_REF = 10_000, 128, 512
_WHOLE = re.compile(r"^[0-9]{1,9}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FIGURES = ("low", "best", "high")


class ReviewError(WarledgerError):
    """A review that cannot be recorded: ``status`` is the HTTP status it maps to; the CLI exits
    1 for an unknown incident and 2 for bad arguments."""

    def __init__(self, code: str, message: str, status: int):
        super().__init__(code, message)
        self.status = status
        self.exit_code = 1 if status == 404 else 2


def check_value(field: str, value: Any) -> str | int:
    """A grade or a corrected field's value as stored, or ReviewError (422) saying what is
    allowed: grades, types and statuses from the vocabulary, ISO dates (YYYY-MM-DD), whole
    figures from 0 to MAX_FIGURE. The pages use it too, to pass over bad values stored before."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise ReviewError("E603", f"value: {field} needs a value", 422)
    text = str(value).strip()
    if field in FIGURES:
        if not _WHOLE.match(text) or int(text) > MAX_FIGURE:
            raise ReviewError("E603", f"value: {field} takes a whole number from 0 to {MAX_FIGURE:,}", 422)
        return int(text)
    allowed = {"grade": GRADES, "type": tuple(EVENT_TYPES), "status": INCIDENT_STATUSES}.get(field)
    if allowed is not None:
        if text not in allowed:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise ReviewError("E603", f"value: {field} must be one of {', '.join(allowed)}, not {shown!r}", 422)
        return text
    if field in ("date_start", "date_end"):
        try:
            if not _ISO_DATE.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ReviewError("E603", f"value: {field} takes a date as YYYY-MM-DD", 422) from None
    raise ReviewError("E603", f"field: correct takes one of {', '.join(CORRECTABLE_FIELDS)}", 422)


def _check_order(incident: dict, field: str, value: str | int) -> None:
    """The corrected value against the incident's other (effective) values: date_start on or
    before date_end, low <= best <= high, wherever the other value is known."""
    if field in ("date_start", "date_end"):
        other = "date_end" if field == "date_start" else "date_start"
        start, end = (value, incident.get(other)) if field == "date_start" else (incident.get(other), value)
        if isinstance(start, str) and isinstance(end, str) and start > end:
            raise ReviewError("E603", f"value: date_start {start} would fall after date_end {end}; "
                                      f"correct {other} first", 422)
        return
    if field in FIGURES:
        figures = {k: incident.get(k) for k in FIGURES} | {field: value}
        known = [(k, figures[k]) for k in FIGURES if isinstance(figures[k], int) and not isinstance(figures[k], bool)]
        for (ka, a), (kb, b) in zip(known, known[1:], strict=False):
            if a > b:
                raise ReviewError("E603", f"value: {field} {value} breaks low <= best <= high "
                                          f"({ka} {a} > {kb} {b}); correct the other figure first", 422)


def incident_list(ledger, *, status=None, type_=None, place=None, actor=None, since=None, until=None,
                  country=None, limit: int = 1000, offset: int = 0, cursor: str | None = None) -> dict:
    """A page of incidents with the CLI's filters (``store.queries.incident_page``): ``status``
    filters on the effective (reviewed) status; ``place``/``actor`` take an id or an exact name."""
    from .store.queries import IncidentQuery, incident_page
    q = IncidentQuery(status=status or None, type=type_ or None, country=country or None, place=place or None,
                      actor=actor or None, since=since, until=until)
    return incident_page(ledger.engine, q, limit=limit, offset=offset, cursor=cursor)


def all_incidents(ledger, **filters):
    """Every incident matching the filters, newest first, page after page by the cursor."""
    cursor = None
    while True:
        page = incident_list(ledger, **filters, limit=1000, cursor=cursor)
        yield from page["items"]
        cursor = page["cursor"]
        if not cursor:
            return


def find_incidents(ledger, **filters) -> list[dict]:
    """The incidents of ``incident_list``'s page (newest first, at most ``limit``)."""
    return incident_list(ledger, **filters)["items"]


def one_incident(ledger, ref: str) -> dict | None:
    """One incident with every source, with its reviews and effective values."""
    from .store.queries import incident_detail
    return incident_detail(ledger.engine, ref)


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
    from .aggregate.maintain import reapply_reviews
    from .store.incidents import add_review, member_keys
    keys = member_keys(ledger.engine, ref)
    if not keys:
        raise ReviewError("E601", f"no incident {ref!r}", 404)
    if action not in REVIEW_ACTIONS:
        raise ReviewError("E603", f"action must be one of {', '.join(REVIEW_ACTIONS)}", 422)
    why = (why or "").strip() or None
    if why and len(why) > MAX_WHY:
        raise ReviewError("E603", f"why: at most {MAX_WHY:,} characters", 422)
    if not who or len(who) > MAX_WHO:
        raise ReviewError("E603", f"who: a reviewer's name of 1 to {MAX_WHO} characters", 422)
    kw: dict[str, Any] = {"action": action, "anchor": keys, "who": who, "why": why}
    if action in ("grade", "correct"):
        field = "grade" if action == "grade" else field
        if action == "correct" and field not in CORRECTABLE_FIELDS:
            raise ReviewError("E603", f"field: correct takes one of {', '.join(CORRECTABLE_FIELDS)}", 422)
        value = check_value(field, value)
        if action == "correct":
            _check_order(one_incident(ledger, ref) or {}, field, value)
        kw |= {"field": field, "value": value}
    elif action == "merge":
        if other and len(other) > MAX_REF:
            raise ReviewError("E601", f"other: an incident id of at most {MAX_REF} characters", 422)
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
        reapply_reviews(ledger)
    return rid
