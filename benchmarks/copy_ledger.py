#!/usr/bin/env python3
"""Copy a SQLite ledger into an empty PostgreSQL ledger, table by table with COPY.

    python benchmarks/copy_ledger.py SQLITE_FILE POSTGRESQL_URL

For a benchmark ledger too large to load through ``Ledger.add_partition`` on PostgreSQL in the
time there is: the SQLite ledger of the same size was made through that bulk path, so the rows
are the ones the bulk path writes. The PostgreSQL schema is made by the migrations first; its
full-text index is dropped during the copy and built again after it; sequences are reset.
"""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main(argv: list[str]) -> int:
    import psycopg

    from warledger.store import Ledger
    from warledger.store.queries import PG_SEARCH
    from warledger.store.tables import Base

    src, url = argv
    Ledger(url).engine.dispose()                        # the schema, by the migrations
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    lite = sqlite3.connect(src)
    t0 = time.perf_counter()
    with psycopg.connect(dsn) as pg:
        pg.execute("DROP INDEX IF EXISTS search_documents_tsv")
        tables = [t for t in Base.metadata.sorted_tables]
        pg.execute("TRUNCATE " + ", ".join(t.name for t in tables) + " CASCADE")
        for t in tables:
            cols = [c.name for c in t.columns]
            booleans = {i for i, c in enumerate(t.columns) if str(c.type) == "BOOLEAN"}
            n = 0
            quoted = ", ".join(f'"{c}"' for c in cols)
            with pg.cursor().copy(f"COPY {t.name} ({quoted}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {quoted} FROM {t.name}"):
                    if booleans:
                        row = tuple(bool(v) if i in booleans and v is not None else v for i, v in enumerate(row))
                    copy.write_row(row)
                    n += 1
            if "id" in cols and n:
                pg.execute(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), (SELECT max(id) FROM {t.name}))")
            print(f"{t.name}: {n} rows, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        pg.commit()
        pg.execute(f"CREATE INDEX search_documents_tsv ON documents USING gin (({PG_SEARCH}))")
        pg.commit()
        print(f"full-text index, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    with psycopg.connect(dsn, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    print(f"copied in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
