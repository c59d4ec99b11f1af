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
