"""Analysts' reviews over machine incidents.

Reviews are kept apart and never overwritten by a rebuild or a re-ingest. Each names its
incident by the incident's member events at review time (its "anchor"), so it finds the
incident again however the machine regroups: the incident holding most of the anchor.
  - merge: the incidents holding the anchor's events and the named events become one;
  - split: the named events leave their incident and form one of their own;
  - correct: a field (fatalities low/best/high, date_start/date_end, type, status) takes the
    analyst's value; queries show it as the effective value beside the machine's;
  - grade: the analyst's grade of the incident (e.g. Airwars' confirmed/fair/weak/contested).
"""
from __future__ import annotations

import datetime as dt

from ..vocab import CORRECTABLE_FIELDS
from .incidents import Incident


def apply_structure(groups: list[list[str]], reviews: list[dict]) -> list[list[str]]:
    """Member-key groups after the reviews' merges and splits, in review order."""
    groups = [list(g) for g in groups]
    for r in reviews:
        if r["action"] == "merge":
            keys = set(r["anchor"]) | set(r["events"] or [])
            hit = [g for g in groups if keys & set(g)]
            if len(hit) > 1:
                merged = sorted({k for g in hit for k in g})
                groups = [g for g in groups if g not in hit] + [merged]
        elif r["action"] == "split":
            out = set(r["events"] or [])
            new = []
            for g in groups:
                rest = [k for k in g if k not in out]
                taken = [k for k in g if k in out]
                if taken and rest:
                    new += [rest, taken]
                else:
                    new.append(g)
            groups = new
    return groups


def find(incidents: list[Incident], anchor: list[str]) -> Incident | None:
    """The incident holding most of the anchor's events."""
    best, score = None, 0
    wanted = set(anchor)
    for inc in incidents:
        n = len(wanted & {m.key for m in inc.members})
        if n > score:
            best, score = inc, n
    return best


def _valid(field: str, value) -> bool:
    """Whether a stored value passes the review checker (reviews stored before it checked
    values, or written to the database by hand, may not): a bad one is passed over."""
    from ..reviews import ReviewError, check_value
    try:
        return check_value(field, value) == value
    except ReviewError:
        return False


def effective(machine: dict, reviews: list[dict]) -> dict:
    """The incident as shown: machine values, the reviews' corrections over them, both kept.
    A correction or grade whose stored value the review checker refuses is not applied."""
    out = dict(machine)
    out["machine"] = {k: machine.get(k) for k in CORRECTABLE_FIELDS}
    out["reviews"] = reviews
    for r in reviews:
        if r["action"] == "correct" and r["field"] in CORRECTABLE_FIELDS and _valid(r["field"], r["value"]):
            out[r["field"]] = r["value"]
        elif r["action"] == "grade" and _valid("grade", r["value"]):
            out["grade"] = r["value"]
    if "days" in out:                          # the span of the dates shown
        try:
            start, end = (dt.date.fromisoformat(str(out[f])) if out.get(f) else None for f in ("date_start", "date_end"))
            out["days"] = (end - start).days + 1 if start and end else None
        except ValueError:
            pass
    return out


def attach(incidents: list[dict], reviews: list[dict]) -> list[dict]:
    """Each incident (a dict with ``members``) with its corrections and grades applied: a review
    belongs to the incident holding most of its anchor."""
    mine: dict[str, list[dict]] = {i["id"]: [] for i in incidents}
    for r in reviews:
        if r["action"] not in ("correct", "grade"):
            continue
        wanted = set(r["anchor"])
        best = max(incidents, key=lambda i: len(wanted & set(i["members"])), default=None)
        if best is not None and wanted & set(best["members"]):
            mine[best["id"]].append(r)
    return [effective(i, mine[i["id"]]) for i in incidents]
