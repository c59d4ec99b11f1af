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


PG_URL = os.environ.get("WARLEDGER_TEST_PG_URL")


@pytest.fixture
def second_db(db_url, tmp_path):
    """Another fresh database of the same kind as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
        return
    yield from _pg_database()


def _pg_database():
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    name = "wl_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database: a SQLite file (WAL) and a new database on the PostgreSQL server
    named by WARLEDGER_TEST_PG_URL (skipped locally when unset; a failure in CI)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs WARLEDGER_TEST_PG_URL (a PostgreSQL server); .ci/run starts one")
        pytest.skip("WARLEDGER_TEST_PG_URL is not set: no PostgreSQL server for this run")
    yield from _pg_database()
