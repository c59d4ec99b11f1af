"""First-level divisions by their names in other languages, from Natural Earth's admin-1 layer
(``data/admin1.tsv``, columns ``name_<lang>``): "Харківська область", "Province d'Idleb",
"محافظة إدلب" → the division, at Natural Earth's label point. Read once per language."""
from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from .gazetteer import Place
from .names import name_key

_ID_BASE = 2 * 10**9          # ids apart from the gazetteer's own rows


@cache
def _index(language: str) -> dict[str, list[Place]]:
    path = resources.files(__package__).joinpath("data", "admin1.tsv")
    if not path.is_file():
        return {}
    column = f"name_{language}"
    out: dict[str, list[Place]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for n, r in enumerate(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)):
            name = (r.get(column) or "").strip()
            if not name or not r.get("latitude") or not r.get("longitude"):
                continue
            try:
                lat, lon = float(r["latitude"]), float(r["longitude"])
            except ValueError:
                continue
            english = r.get("name_en") or r.get("name") or name
            gid = int(r["gn_id"]) if (r.get("gn_id") or "").lstrip("-").isdigit() else None
            place = Place(_ID_BASE + n, gid if gid and gid > 0 else None, english, r.get("iso_a2") or "",
                          None, english, lat, lon, "admin1", 0, False)
            out.setdefault(name_key(name), []).append(place)
    return out


def admin1_named(name: str, language: str) -> list[Place]:
    """The divisions ``name`` names in ``language`` (empty when none, or no such column)."""
    return list(_index(language).get(name_key(name), []))
