"""Page helpers without a browser: highlighting keeps the text exact and escaped; the vendored
map files are the ones recorded, with their licences, within budget."""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest

from warledger.web import views

pytestmark = pytest.mark.issue(12)
VENDOR = Path(views.__file__).parent / "static" / "vendor"


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_highlight_keeps_every_character_and_nests_overlapping_spans():
    text = 'Militia <b>shelled</b> Tal Abyad, killing 3 & wounding "many", the monitor said.'
    spans = [{"kind": "event", "start": 0, "end": len(text) - 1, "tip": "event e1: shelling"},
             {"kind": "place", "start": text.index("Tal"), "end": text.index(","), "tip": "place: Tal Abyad"},
             {"kind": "fatality", "start": text.index("killing"), "end": text.index(" &"), "tip": "fatalities 3"},
             {"kind": "attribution", "start": text.index("said"), "end": text.index("said") + 4, "tip": "monitor"}]
    out = str(views.highlight(text, spans))
    assert _plain(out) == text
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out
    place = re.search(r'<mark class="([^"]+)" title="([^"]+)">Tal Abyad</mark>', out)
    assert place and place.group(1) == "k-event k-place"
    assert place.group(2).split("\n") == ["place: Tal Abyad", "event e1: shelling"]
    for s in spans:
        assert f'id="s-{s["start"]}-{s["end"]}"' in out


def test_highlight_escapes_markup_in_tips():
    text = "Attack near X"
    out = str(views.highlight(text, [{"kind": "place", "start": 12, "end": 13, "tip": 'place: "><script>1</script>'}]))
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_timeline_bins_by_day_week_or_month():
    incs = [{"id": "a", "date_start": "2024-01-01", "date_end": "2024-01-01", "low": 2, "best": 3, "high": 5},
            {"id": "b", "date_start": "2024-01-03", "date_end": "2024-01-04", "low": None, "best": None, "high": None},
            {"id": "c", "date_start": None, "date_end": None, "low": 1, "best": 1, "high": 1}]
    line = views.timeline(incs)
    assert line["width"] == "day" and line["undated"] == 1
    assert [b["incidents"] for b in line["bins"]] == [1, 0, 1]
    assert (line["bins"][0]["low"], line["bins"][0]["best"], line["bins"][0]["high"]) == (2, 3, 5)
    long = views.timeline([{**incs[0]}, {**incs[1], "date_start": "2025-06-30"}])
    assert long["width"] == "week" and long["bins"][0]["start"] == "2024-01-01"


def test_vendored_map_files_match_their_checksums_and_budget():
    listed = dict(reversed(line.split("  ./", 1)) for line in (VENDOR / "SHA256SUMS").read_text().splitlines())
    assert {"leaflet/leaflet.js", "topojson-client/topojson-client.min.js", "world-atlas/countries-50m.json",
            "admin1/admin1.topo.json", "markercluster/leaflet.markercluster.js"} <= set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    for folder in ("leaflet", "markercluster", "topojson-client", "world-atlas", "admin1"):
        assert any(p.name.upper().startswith(("LICENSE", "MIT-LICENCE")) for p in (VENDOR / folder).iterdir()), folder
    assert (VENDOR / "admin1" / "admin1.topo.json").stat().st_size <= 5 * 1024 * 1024
    assert "mapshaper" in (VENDOR / "VENDOR.md").read_text()
    assert "1.9.4" in (VENDOR / "leaflet" / "leaflet.js").read_text()[:300]
