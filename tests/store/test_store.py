"""The ledger's store on a real SQLite file and a real PostgreSQL server."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect

from warledger.cli import main
from warledger.sample import sample_paths
from warledger.store import Ledger, open_engine
from warledger.store.engine import downgrade, upgrade
from warledger.store.tables import Base

TABLES = {t.name for t in Base.metadata.sorted_tables}


def test_store_migrations_up_and_down(db_url):
    engine = open_engine(db_url, migrate=False)
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    downgrade(engine)
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_store_models_and_migrations_agree(db_url):
    engine = open_engine(db_url)
    with engine.connect() as conn:
        # the full-text index (an FTS5 table on SQLite, an expression index on PostgreSQL) is the
        # migration's alone: SQLAlchemy has no model for it
        def ours(_obj, name, kind, _reflected, _compare_to):
            return not (kind == "table" and (name or "").startswith("documents_fts")
                        or kind == "index" and name == "search_documents_tsv")
        opts = {"compare_type": True, "include_object": ours}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []
    engine.dispose()


def test_store_ingest_twice_changes_nothing(db_url):
    paths = [str(p) for p in sample_paths()]
    first = CliRunner().invoke(main, ["ingest", "--db", db_url, "--no-progress", *paths])
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("ingested 6, skipped 0")
    counts = Ledger(db_url).counts()
    assert counts["documents"] == 6 and counts["events"] > 0 and counts["places"] > 0
    again = CliRunner().invoke(main, ["ingest", "--db", db_url, "--no-progress", *paths])
    assert again.stdout.startswith("ingested 0, skipped 6")
    assert Ledger(db_url).counts() == counts


def test_store_document_read_back(db_url):
    p = [str(x) for x in sample_paths() if x.name.endswith(".jsonl")]
    CliRunner().invoke(main, ["ingest", "--db", db_url, "--no-progress", *p])
    result = CliRunner().invoke(main, ["document", "sample-digest-1", "--db", db_url])
    doc = json.loads(result.stdout)
    assert doc["doc_id"] == "sample-digest-1" and doc["events"]
    for ev in doc["events"]:
        for s, e in ev["mentions"]:
            assert doc["text"][s:e]
    listing = CliRunner().invoke(main, ["documents", "--db", db_url, "--format", "json"])
    assert [d["doc_id"] for d in json.loads(listing.stdout)] == ["sample-digest-1", "sample-digest-2"]


PLACES = ["Aleppo", "Homs", "Mosul", "Kabul", "Goma", "Mogadishu", "Kharkiv", "Sanaa", "Gao", "Maiduguri"]


def write_corpus(path, n: int) -> None:
    """n short reports written for the test, each different."""
    rows = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        rows.append({"id": f"r{i}", "published": "2021-06-01",
                     "text": f"Shelling killed {i % 9 + 2} civilians in {place} on Monday, local officials said. "
                             f"Report number {i} of the test corpus."})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def ingest_cmd(db: str, src) -> list[str]:
    return [sys.executable, "-m", "warledger.cli", "ingest", "--no-progress", "--db", db, str(src)]


def sqlite_count(path, table="documents") -> int:
    try:
        with sqlite3.connect(path, timeout=30) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_store_sigkill_midway_then_resume(tmp_path):
    db_file = tmp_path / "ledger.sqlite"
    db = f"sqlite:///{db_file}"
    src = tmp_path / "corpus.jsonl"
    write_corpus(src, 200)
    proc = subprocess.Popen(ingest_cmd(db, src), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while sqlite_count(db_file) < 30 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the ingest ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < sqlite_count(db_file) < 200
    done = subprocess.run(ingest_cmd(db, src), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in conn.execute("SELECT doc_id FROM documents")]
        assert sorted(ids) == sorted(f"r{i}" for i in range(200))            # every document exactly once
        partial = conn.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                               "(SELECT 1 FROM blocks b WHERE b.document_id = d.id)").fetchone()[0]
        assert partial == 0                                                    # none half-written


def test_store_two_ingests_at_once(tmp_path):
    db_file = tmp_path / "ledger.sqlite"
    db = f"sqlite:///{db_file}"
    open_engine(db).dispose()                                                  # migrate once, before the race
    src = tmp_path / "corpus.jsonl"
    write_corpus(src, 60)
    procs = [subprocess.Popen(ingest_cmd(db, src), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    with sqlite3.connect(db_file) as conn:
        ids = [r[0] for r in conn.execute("SELECT doc_id FROM documents")]
    assert sorted(ids) == sorted(f"r{i}" for i in range(60))
    stored = sum(int(out.split()[1].rstrip(",")) for out, _ in outs)
    assert stored == 60


@pytest.mark.parametrize("url", ["mysql://x/y"])
def test_store_unknown_database_is_a_usage_error(url):
    result = CliRunner().invoke(main, ["documents", "--db", url])
    assert result.exit_code == 2 and "[E501]" in result.stderr
