"""Failure kinds, read from the lines score_extract.py prints.

A fact's kind comes from its key: ``place.*`` → place, ``tally.*`` → tally,
``document.published`` → publication date, ``post.*`` → post. An event fact
(``event.*``) is classified by the reasons after the colon, which the scorer gives
for the closest output event (the one with the fewest failures), in its order of
checks: type, actors, fatalities, places, date, attributions, places_none,
attributions_none, status.

- ``missing event``: the scorer saw no events at all ("no events"), or the closest
  event is of another type *and* fails something else too: no output event is
  recognisably this one, so its other reasons are not counted.
- Otherwise each reason has a kind: ``type``, ``perpetrator``/``victim``/``target``
  (a role's actor is missing), ``actor`` (an actor of any role is missing),
  ``fatalities``, ``place`` (no place near, or a place attached that the text
  does not link), ``date``, ``attribution`` (a stance missing, or one the text
  does not say), ``status``.

Two counts are kept: ``first`` counts each failing fact once, under its first
reason's kind (the scorer's order above); ``each`` counts every reason. A trap hit
counts once as ``trap`` in both.
"""
from __future__ import annotations

import re
from collections import Counter

KINDS = ("place", "perpetrator", "victim", "target", "actor", "missing event", "type", "fatalities",
         "date", "attribution", "status", "tally", "publication date", "post", "trap", "other")
_ROLE = re.compile(r"no (\w+) matching ")


def reason_kind(reason: str) -> str:
    r = reason.strip()
    if r == "no events":
        return "missing event"
    if r.startswith("type "):
        return "type"
    if r.startswith("no actor matching "):
        return "actor"
    if m := _ROLE.match(r):
        return m[1] if m[1] in ("perpetrator", "victim", "target") else "actor"
    if r.startswith("fatalities"):
        return "fatalities"
    if r.startswith(("no place near", "place near ")):
        return "place"
    if r.startswith("date "):
        return "date"
    if r.startswith(("no attribution ", "attribution ")):
        return "attribution"
    if r.startswith("status "):
        return "status"
    return "other"


def key_kind(key: str) -> str | None:
    """The kind of a non-event fact from its key; None for an event fact."""
    if key.startswith("event."):
        return None
    if key == "document.published":
        return "publication date"
    head = key.split(".", 1)[0]
    return {"place": "place", "tally": "tally", "post": "post"}.get(head, "other")


def classify_fail(line: str) -> tuple[str, list[str]]:
    """(first kind, every kind) of one ``FAIL key: reasons`` line."""
    body = line[len("FAIL "):] if line.startswith("FAIL ") else line
    key, _, why = body.partition(": ")
    kind = key_kind(key.strip())
    if kind is not None:
        return kind, [kind]
    reasons = [r for r in why.split("; ") if r.strip()] or ["no events"]
    kinds = [reason_kind(r) for r in reasons]
    if "missing event" in kinds or ("type" in kinds and len(kinds) > 1):
        return "missing event", ["missing event"]
    return kinds[0], kinds


def count_kinds(lines: list[str]) -> dict[str, Counter]:
    """{"first": Counter, "each": Counter} over a scorer's output lines (FAIL and TRAP lines)."""
    first, each = Counter(), Counter()
    for ln in lines:
        if ln.startswith("FAIL "):
            k, ks = classify_fail(ln)
            first[k] += 1
            each.update(ks)
        elif ln.startswith("TRAP "):
            first["trap"] += 1
            each["trap"] += 1
    return {"first": first, "each": each}
