"""Global fixtures only: where ../shared is, the seed, a blank pipeline."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WARLEDGER_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seed" / "000_2688706dd51d9249.txt"
SEED_GOLD = SHARED / "seed" / "000_2688706dd51d9249.gold.yaml"
EXAMPLES = sorted((SHARED / "examples").glob("*.txt"))
SCORER = SHARED / "eval" / "score_extract.py"


def _need_shared() -> None:
    if not SEED.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs ../shared beside the clone; {SEED} is missing")
        pytest.skip(f"../shared is not beside this clone ({SEED} is missing)")


@pytest.fixture
def seed_path() -> Path:
    _need_shared()
    return SEED


@pytest.fixture
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture
def blank_nlp():
    from warledger.nlp.pipeline import blank_pipeline
    return blank_pipeline()


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p
