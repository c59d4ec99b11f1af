"""What the pages show, computed from plain records: highlighted document text, map points,
timeline bins and tally charts. No HTTP here; every string leaves escaped."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from markupsafe import Markup, escape

KINDS = ("event", "attribution", "fatality", "actor", "place")
STATUS_COLOURS = {"corroborated": "#1a7f37", "single_source": "#9a6700", "contested": "#cf222e",
                  "denied": "#6e7781"}


# ---------------------------------------------------------------- document text

def document_spans(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every extracted span of a stored document: kind, [start, end) and what was read there."""
    spans = []
    for p in doc.get("places", []):
        tip = f"place: {p['name']}" + (f" (GeoNames {p['geonameid']})" if p.get("geonameid") else "")
        spans.append({"kind": "place", "start": p["start"], "end": p["end"], "tip": tip})
    for a in doc.get("actors", []):
        spans.append({"kind": "actor", "start": a["start"], "end": a["end"], "tip": f"actor: {a['name']}"})
    for e in doc.get("events", []):
        date = e.get("date") or {}
        when = date.get("start") or date.get("end") or "date unknown"
        for start, end in e.get("mentions") or []:
            spans.append({"kind": "event", "start": start, "end": end,
                          "tip": f"event {e['id']}: {e['type']}, {when}, {e['status']}"})
        f = e.get("fatalities")
        if f and f.get("start") is not None:
            figure = "/".join("-" if f.get(k) is None else str(f[k]) for k in ("low", "best", "high"))
            spans.append({"kind": "fatality", "start": f["start"], "end": f["end"],
                          "tip": f"fatalities of {e['id']}: {figure} (low/best/high)"})
        for a in e.get("attributions", []):
            if a.get("start") is not None:
                spans.append({"kind": "attribution", "start": a["start"], "end": a["end"],
                              "tip": f"{a.get('source') or 'the outlet'} {a['stance'].replace('_', ' ')} ({e['id']})"})
    n = len(doc.get("text", ""))
    return [s for s in spans if 0 <= s["start"] < s["end"] <= n]


def highlight(text: str, spans: list[dict[str, Any]]) -> Markup:
    """The text as HTML: each stretch covered by spans in one <mark> carrying every covering
    span's kind as a class and its reading as the hover title; an anchor `s-START-END` where
    each span begins, so other pages can link to the exact characters."""
    bounds = sorted({0, len(text)} | {s["start"] for s in spans} | {s["end"] for s in spans})
    starts: dict[int, list[dict]] = defaultdict(list)
    for s in spans:
        starts[s["start"]].append(s)
    active: list[dict] = []
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        active = [s for s in active if s["end"] > a] + starts.get(a, [])
        for s in starts.get(a, []):
            out.append(f'<a class="anchor" id="s-{s["start"]}-{s["end"]}"></a>')
        piece = escape(text[a:b])
        if not active:
            out.append(str(piece))
            continue
        kinds = sorted({s["kind"] for s in active}, key=KINDS.index)
        tips = "\n".join(dict.fromkeys(s["tip"] for s in sorted(active, key=lambda s: -KINDS.index(s["kind"]))))
        out.append(f'<mark class="{" ".join("k-" + k for k in kinds)}" title="{escape(tips)}">{piece}</mark>')
    return Markup("".join(out))


# ---------------------------------------------------------------- map

def map_points(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GeoJSON incident features as the small records the map script draws."""
    points = []
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        p = f["properties"]
        points.append({"id": f["id"], "lat": lat, "lon": lon, "status": p["status"], "type": p["type"],
                       "best": p["fatalities_best"], "low": p["fatalities_low"], "high": p["fatalities_high"],
                       "date": p["date_start"] or p["date_end"], "place": p["place"],
                       "colour": STATUS_COLOURS.get(p["status"], "#0969da"),
                       "radius": round(5 + 2.5 * math.log2(1 + _figure(p["fatalities_best"])), 1)})
    return points


# ---------------------------------------------------------------- timeline

def _bin_start(d: dt.date, width: str) -> dt.date:
    if width == "day":
        return d
    if width == "week":
        return d - dt.timedelta(days=d.weekday())
    return d.replace(day=1)


def _next(d: dt.date, width: str) -> dt.date:
    if width == "day":
        return d + dt.timedelta(days=1)
    if width == "week":
        return d + dt.timedelta(days=7)
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _figure(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def timeline(incidents: list[dict[str, Any]]) -> dict[str, Any]:
    """Incidents and their fatalities (sums of low/best/high) per day, week or month, chosen by
    the span of dates; incidents with no date (or none readable) are counted apart."""
    dated = [(d, i) for i in incidents if (d := _day(i.get("date_start")) or _day(i.get("date_end")))]
    undated = len(incidents) - len(dated)
    if not dated:
        return {"bins": [], "width": "day", "undated": undated}
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    span = (last - first).days
    width = "day" if span <= 92 else "week" if span <= 3 * 365 else "month"
    bins: dict[dt.date, dict[str, Any]] = {}
    d = _bin_start(first, width)
    while d <= last:
        bins[d] = {"start": d.isoformat(), "incidents": 0, "low": 0, "best": 0, "high": 0, "ids": []}
        d = _next(d, width)
    for day, i in dated:
        b = bins[_bin_start(day, width)]
        b["incidents"] += 1
        b["ids"].append(i["id"])
        for k in ("low", "best", "high"):
            v = i.get(k)
            if v is None and k != "low":
                v = i.get("best") if k == "high" else i.get("low")
            b[k] += _figure(v)
    return {"bins": list(bins.values()), "width": width, "undated": undated}


def chart(values: list[tuple[str, float | None, float | None, float | None]], *, width: int = 900,
          height: int = 220, pad: int = 36) -> dict[str, Any]:
    """SVG geometry for a band (low..high) with a best line over labelled x positions."""
    n = len(values)
    top = max([v for _, lo, be, hi in values for v in (lo, be, hi) if v is not None] + [1])

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * (v / top)

    best = [(round(x(i), 1), round(y(be), 1)) for i, (_, _, be, _) in enumerate(values) if be is not None]
    band_top = [(round(x(i), 1), round(y(hi), 1)) for i, (_, _, _, hi) in enumerate(values) if hi is not None]
    band_low = [(round(x(i), 1), round(y(lo), 1)) for i, (_, lo, _, _) in enumerate(values) if lo is not None]
    step = max(1, n // 8)
    ticks = [{"x": round(x(i), 1), "label": label} for i, (label, *_rest) in enumerate(values) if i % step == 0]
    return {"width": width, "height": height, "pad": pad, "top": top,
            "best": " ".join(f"{a},{b}" for a, b in best),
            "band": " ".join(f"{a},{b}" for a, b in band_top + band_low[::-1]),
            "points": [{"x": round(x(i), 1), "y": round(y(be), 1), "label": label, "value": be}
                       for i, (label, _, be, _) in enumerate(values) if be is not None],
            "ticks": ticks, "y_top": round(y(top), 1), "y_zero": round(y(0), 1),
            "bar_width": max(2.0, round((width - 2 * pad) / max(n, 1) * 0.6, 1)), "x": x, "y": y}
