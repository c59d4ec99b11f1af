"""End to end: the seed and the examples through `warledger extract`, scored by the shared scorer."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES, SCORER, SEED_GOLD
from tests.helpers import assert_spans_valid
from warledger.cli import main


def extract_json(path) -> dict:
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    from tests.conftest import SEED, _need_shared
    _need_shared()
    out = extract_json(SEED)
    p = tmp_path_factory.mktemp("seed") / "out.json"
    p.write_text(json.dumps(out), encoding="utf-8")
    return out, p


@pytest.mark.parametrize("fact", ["document.published", "post.mod_threat_tweet", "post.ridha_tweet"])
def test_seed_scorer_passes(seed_out, fact):
    _, path = seed_out
    proc = subprocess.run([sys.executable, str(SCORER), str(SEED_GOLD), str(path)],
                          capture_output=True, text=True, check=False)
    assert f"PASS {fact}" in proc.stdout.splitlines(), proc.stdout


def test_seed_contract_shape(seed_out):
    out, _ = seed_out
    assert out["schema"] == "warledger.extract/1"
    assert set(out) >= {"document", "posts", "places", "events", "tallies"}
    assert out["document"]["published_inferred"] is True
    assert out["document"]["language"] == "en"
    assert out["document"]["id"].startswith("sha256:")


def test_seed_spans_valid(seed_out, seed_text):
    assert_spans_valid(seed_out[0], seed_text)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_spans_valid(path):
    assert_spans_valid(extract_json(path), path.read_text(encoding="utf-8"))


PLACE_FACTS = ["idlib", "homs", "damascus", "hajar_al_aswad", "qadam", "yarmouk", "raqqa", "beijing", "geneva"]


@pytest.mark.parametrize("fact", PLACE_FACTS)
def test_seed_places_pass(seed_out, fact):
    _, path = seed_out
    proc = subprocess.run([sys.executable, str(SCORER), str(SEED_GOLD), str(path)],
                          capture_output=True, text=True, check=False)
    assert f"PASS place.{fact}" in proc.stdout.splitlines(), proc.stdout


def test_seed_places_nothing_near_moscow(seed_out):
    from warledger.resolve.gazetteer import km
    out, _ = seed_out
    # "Moscow" speaks in the seed: a metonymic reading, kept in places but never a place of it
    located = [p for p in out["places"] if p["lat"] is not None and "literal" in p.get("readings", ["literal"])]
    assert located
    assert all(km(p["lat"], p["lon"], 55.7558, 37.6173) > 50 for p in located)


def _gold_place_facts():
    import yaml
    out = []
    for txt in EXAMPLES:
        gold = yaml.safe_load(txt.with_suffix(".gold.yaml").read_text(encoding="utf-8"))
        out += [pytest.param(txt, key, id=f"{txt.stem}-{key}") for key in gold.get("places_resolved") or []]
    return out


@pytest.mark.parametrize("path,fact", _gold_place_facts())
def test_examples_places_pass(tmp_path, path, fact):
    out = tmp_path / "out.json"
    out.write_text(json.dumps(extract_json(path)), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(SCORER), str(path.with_suffix(".gold.yaml")), str(out)],
                          capture_output=True, text=True, check=False)
    assert f"PASS place.{fact}" in proc.stdout.splitlines(), proc.stdout


def _score(gold, out_path, *extra):
    import re
    proc = subprocess.run([sys.executable, str(SCORER), str(gold), str(out_path), *extra],
                          capture_output=True, text=True, check=False)
    m = re.search(r"score: (\d+)/(\d+) facts, (\d+) trap", proc.stdout)
    assert m, proc.stdout + proc.stderr
    return int(m[1]), int(m[2]), int(m[3]), proc.stdout


def test_seed_events_every_fact_without_attributions(seed_out):
    _, path = seed_out
    passed, total, traps, report = _score(SEED_GOLD, path, "--skip", "attributions,status")
    assert (passed, traps) == (total, 0), report


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_events_floor_without_attributions(tmp_path, path):
    out = tmp_path / "out.json"
    out.write_text(json.dumps(extract_json(path)), encoding="utf-8")
    passed, total, traps, report = _score(path.with_suffix(".gold.yaml"), out, "--skip", "attributions,status")
    assert passed >= int(0.8 * total) and traps == 0, report
