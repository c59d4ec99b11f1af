"""Exports analysts load directly: the column lists come from the codebooks, written here."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from warledger.cli import main
from warledger.export.extract_json import from_contract
from warledger.store import Ledger

# ACLED public export since the March 2023 layout (ACLED codebook), in order.
ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
         "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
         "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
         "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]
# UCDP GED 23.1 and later (GED codebook), in order — note best, high, low.
UCDP = ["id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
        "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
        "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
        "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
        "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
        "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
        "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob"]


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory):
    from tests.conftest import EXAMPLES, SEED, _need_shared
    _need_shared()
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'ledger.sqlite'}"
    result = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", url, str(SEED), *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.stderr
    return url


def export(url, *args) -> str:
    result = CliRunner().invoke(main, ["export", "--db", url, *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt,columns", [("acled", ACLED), ("ucdp", UCDP)])
@pytest.mark.parametrize("level", ["events", "incidents"])
def test_export_csv_headers_and_types(ledger_url, fmt, columns, level):
    import pandas as pd
    text = export(ledger_url, "--format", fmt, "--level", level)
    assert next(csv.reader(io.StringIO(text))) == columns
    dates = ["event_date"] if fmt == "acled" else ["date_start", "date_end"]
    df = pd.read_csv(io.StringIO(text), parse_dates=dates)
    assert len(df) > 0
    for d in dates:
        assert str(df[d].dtype).startswith("datetime64")
    placed = df.dropna(subset=["latitude"])
    assert len(placed) and placed["latitude"].dtype == float and placed["longitude"].dtype == float
    figure = "fatalities" if fmt == "acled" else "best"
    assert str(df[figure].dtype).startswith("int")


def test_export_acled_notes_name_sources_and_conservative_figure(ledger_url):
    rows = list(csv.DictReader(io.StringIO(export(ledger_url, "--format", "acled"))))
    amnesty = next(r for r in rows if "Amnesty International asserts" in r["notes"])
    assert "Russia denies" in amnesty["notes"] and amnesty["fatalities"] == "201"


@pytest.mark.parametrize("level", ["events", "incidents"])
def test_export_geojson_valid_and_loads_in_shapely(ledger_url, level):
    import geojson
    from shapely.geometry import shape
    text = export(ledger_url, "--format", "geojson", "--level", level)
    fc = geojson.loads(text)
    assert fc.is_valid, fc.errors()
    assert fc["features"]
    for f in fc["features"]:
        geom = shape(f["geometry"])
        assert geom.geom_type == "Point" and -180 <= geom.x <= 180 and -90 <= geom.y <= 90


def test_export_parquet_matches_jsonl(ledger_url, tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq
    out = tmp_path / "events.parquet"
    export(ledger_url, "--format", "parquet", "--out", str(out))
    table = pq.read_table(out)
    lines = [json.loads(ln) for ln in export(ledger_url, "--format", "jsonl").splitlines()]
    assert table.column("id").to_pylist() == [str(e["id"]) for e in lines]
    assert str(table.schema.field("date_start").type) == "date32[day]"
    src_type = table.schema.field("sources").type
    assert src_type.value_type.names == ["source", "stance"]            # a list of structs
    df = pd.read_parquet(out)
    assert len(df) == len(lines)
    assert df["fatalities_low"].dropna().tolist() == [e["fatalities"]["low"] for e in lines
                                                      if e["fatalities"] and e["fatalities"]["low"] is not None]


def test_export_binary_needs_out(ledger_url):
    result = CliRunner().invoke(main, ["export", "--db", ledger_url, "--format", "parquet"])
    assert result.exit_code == 2 and "[E702]" in result.stderr


CHILD = """
import resource, sys
from warledger.export.run import export
from warledger.store import Ledger
export(Ledger(sys.argv[1]), sys.argv[2], sys.argv[3])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def synthetic(url: str, n_events: int) -> None:
    """n_events stored events, ten a document, written for the test."""
    from warledger.model import text_sha256
    ledger = Ledger(url)
    per = 10
    for d in range(n_events // per):
        text = f"Synthetic report {d} " + "x" * 200
        events = [{"id": f"e{k + 1}", "type": "shelling",
                   "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack"},
                   "plover": "ASSAULT", "date": {"start": "2020-01-02", "end": "2020-01-02", "precision": "day"},
                   "places": [{"name": "Aleppo", "geonameid": 170063, "lat": 36.2, "lon": 37.16, "country": "SY",
                               "admin1": "Aleppo", "level": "populated_place", "precision": "exact",
                               "mentions": [[0, 9]]}],
                   "actors": [{"name": "civilians", "role": "victim", "id": None, "kind": None, "mentions": [[0, 9]]}],
                   "fatalities": {"low": k, "best": k, "high": k, "group": "civilians", "text": "x", "span": [0, 1]},
                   "count": 1, "attributions": [{"source": "Monitor", "stance": "reports", "date": "2020-01-02",
                                                 "quote": None, "span": [0, 9]}],
                   "status": "reported", "mentions": [[0, 9]]} for k in range(per)]
        contract = {"document": {"id": f"s{d}", "sha256": text_sha256(text), "title": None, "url": None,
                                 "source": "Synthetic", "published": "2020-01-03", "published_inferred": False,
                                 "published_source": "metadata", "language": "en", "blocks": [], "length": len(text)},
                    "posts": [], "places": [], "actors": [], "events": events, "tallies": []}
        ledger.add(from_contract(contract, text))
    ledger.engine.dispose()


@pytest.mark.slow
def test_export_streams_in_constant_memory(tmp_path):
    small, large = f"sqlite:///{tmp_path / 'small.sqlite'}", f"sqlite:///{tmp_path / 'large.sqlite'}"
    synthetic(small, 10_000)
    synthetic(large, 100_000)
    for fmt in ("acled", "ucdp", "geojson", "jsonl", "parquet"):
        peaks = []
        for url in (small, large):
            out = tmp_path / f"out.{fmt}"
            proc = subprocess.run([sys.executable, "-c", CHILD, url, fmt, str(out)], capture_output=True, text=True,
                                  check=True)
            peaks.append(int(proc.stdout.split()[-1]) / 1024)
            assert out.stat().st_size > 0
        assert abs(peaks[1] - peaks[0]) < 50, (fmt, peaks)


def test_export_codes_a_part_of_a_country_as_acled_region_and_ucdp_where_prec_5():
    from warledger.export import acled, ucdp
    row = {"id": 1, "key": "k:e1", "type": "attack", "acled_event_type": "Violence against civilians",
           "acled_sub_event_type": "Attack", "plover": "ASSAULT", "date_start": "2013-01-11",
           "date_end": "2013-01-11", "precision": "day", "status": "reported",
           "places": [{"name": "northern Mali", "geonameid": 2453866, "country": "ML", "admin1": None,
                       "lat": 18.4, "lon": -0.3, "level": "region", "precision": "region"}],
           "actors": [], "low": 2, "best": 2, "high": 2, "attributions": [],
           "documents": [{"id": "d", "sha256": "s", "title": None, "outlet": "Wire", "published": "2013-01-12"}]}
    assert acled.row(row)["geo_precision"] == 3 and acled.row(row)["location"] == "northern Mali"
    assert ucdp.row(row)["where_prec"] == 5


def _row_with(actors, country="ML"):
    return {"id": 1, "key": "k:e1", "type": "attack", "acled_event_type": "Violence against civilians",
            "acled_sub_event_type": "Attack", "plover": "ASSAULT", "date_start": "2021-03-02",
            "date_end": "2021-03-02", "precision": "day", "status": "reported",
            "places": [{"name": "Gao", "geonameid": 2457163, "country": country, "admin1": "Gao", "lat": 16.27,
                        "lon": -0.04, "level": "populated_place", "precision": "exact"}],
            "actors": actors, "low": 5, "best": 5, "high": 5, "attributions": [],
            "documents": [{"id": "d", "sha256": "s", "title": None, "outlet": "Wire", "published": "2021-03-03"}]}


def test_export_names_unregistered_groups_as_acled_does():
    from warledger.export import acled, ucdp
    actors = [{"name": "gunmen", "role": "perpetrator", "kind": None, "inter": None, "id": None, "country": None},
              {"name": "Fulani herders", "role": "victim", "kind": "group", "inter": None, "id": None, "country": "ML"},
              {"name": "aid workers", "role": "victim", "kind": "group", "inter": None, "id": None, "country": "NE"}]
    r = acled.row(_row_with(actors))
    assert (r["actor1"], r["inter1"]) == ("Unidentified Armed Group (Mali)", 3)
    assert (r["actor2"], r["inter2"]) == ("Civilians (Mali)", 7)
    assert r["assoc_actor_2"] == "Civilians (Niger)"           # the group's own country before the place's
    assert r["interaction"] == "37" and r["civilian_targeting"] == "Civilian targeting"
    assert ucdp.row(_row_with(actors))["type_of_violence"] == 3
    # a registered actor keeps its name, and a group noun of no class keeps its own
    actors = [{"name": "Nigerian military", "role": "perpetrator", "kind": "armed_forces", "inter": 1,
               "id": "NGA.forces", "country": "NG"},
              {"name": "Boko Haram", "role": "target", "kind": "armed_group", "inter": 2, "id": "boko_haram",
               "country": "NG"},
              {"name": "protesters", "role": "target", "kind": None, "inter": None, "id": None, "country": None}]
    r = acled.row(_row_with(actors, country="NG"))
    assert (r["actor1"], r["actor2"], r["interaction"]) == ("Nigerian military", "Boko Haram", "12")
    assert r["assoc_actor_2"] == "Protesters (Nigeria)" and r["civilian_targeting"] == ""
