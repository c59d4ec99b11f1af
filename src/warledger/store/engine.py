"""Engines for the ledger: SQLite (WAL, busy timeout, foreign keys) by default in the user's data
directory, PostgreSQL by URL; migrations applied with Alembic."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from ..errors import UsageError

BUSY_TIMEOUT_MS = 60_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """``WARLEDGER_DB``, else a SQLite file in the data directory (``WARLEDGER_DATA_DIR`` or the
    platform's user data directory)."""
    if os.environ.get("WARLEDGER_DB"):
        return os.environ["WARLEDGER_DB"]
    from ..settings import Settings
    path = Settings().data_dir / "ledger.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def open_engine(url: str | None = None, *, migrate: bool = True) -> Engine:
    """An engine for ``url`` (default: see ``default_url``), migrated to the newest schema."""
    url = url or default_url()
    if not url.startswith(("sqlite", "postgresql")):
        raise UsageError("E501", f"unsupported database URL {url!r}; use sqlite:///PATH or "
                                 "postgresql+psycopg://USER:PASSWORD@HOST/DB")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if migrate:
        upgrade(engine)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


