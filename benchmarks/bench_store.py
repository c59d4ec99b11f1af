"""Store rate: documents/s for storing already-extracted documents, into SQLite and, when
WARLEDGER_TEST_PG_URL (or --pg URL) names a server, into PostgreSQL. Target >= 500/s into SQLite.

    python benchmarks/bench_store.py [-n 500] [--pg URL]
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent


def extracted(n: int) -> list[tuple[dict, str]]:
    """n extracted documents: the first FA-KES articles read once, then copies made distinct."""
    sys.path.insert(0, str(HERE))
    import importlib

    from bench_extract import load_texts

    from warledger.export.extract_json import to_contract
    from warledger.model import Document, text_sha256
    wl = importlib.import_module("warledger.extract")
    rows = load_texts(min(n, 100))
    base = [(to_contract(x), x.document.text) for x in wl.extract_documents(Document(text=r["text"]) for r in rows)]
    out = []
    for i in range(n):
        contract, text = base[i % len(base)]
        c = copy.deepcopy(contract)
        text = text + f"\n[copy {i}]" if i >= len(base) else text
        c["document"]["sha256"] = text_sha256(text)
        c["document"]["id"] = f"bench-{i}"
        out.append((c, text))
    return out


def rate(url: str, docs: list[tuple[dict, str]]) -> float:
    from warledger.export.extract_json import from_contract
    from warledger.store import Ledger
    ledger = Ledger(url)
    items = [from_contract(contract, text) for contract, text in docs]
    t0 = time.perf_counter()
    for ex in items:
        ledger.add(ex)
    took = time.perf_counter() - t0
    ledger.engine.dispose()
    return len(docs) / took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--pg", default=os.environ.get("WARLEDGER_TEST_PG_URL"))
    a = ap.parse_args()
    docs = extracted(a.n)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_rate = rate(f"sqlite:///{tmp}/ledger.sqlite", docs)
    print(f"store rate, {a.n} extracted documents (FA-KES, ~{sum(len(c['events']) for c, _ in docs) // a.n} events each)")
    print(f"  SQLite      {sqlite_rate:8.1f} docs/s   (target >= 500)")
    if a.pg:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        name = "wl_bench_" + uuid.uuid4().hex[:8]
        admin = create_engine(a.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            pg_rate = rate(make_url(a.pg).set(database=name).render_as_string(hide_password=False), docs)
            print(f"  PostgreSQL  {pg_rate:8.1f} docs/s")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        print("  PostgreSQL  (no server: set WARLEDGER_TEST_PG_URL or pass --pg)")


if __name__ == "__main__":
    main()
