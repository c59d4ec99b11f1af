"""Engines for the ledger: SQLite (WAL, busy timeout, foreign keys) by default in the user's data
directory, PostgreSQL by URL; migrations applied with Alembic, one process at a time.

Every database failure becomes a one-line ``StoreError`` naming the database (``database_error``):
it cannot be created (E510), is read-only (E511), is locked (E512), the disk is full (E513), there
is no ledger (E514, read-only opening never creates one), the schema is being created by another
process or is of another version (E515), the server cannot be reached (E516), anything else (E517).
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import time
from functools import cache
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from ..errors import UsageError, WarledgerError

BUSY_TIMEOUT_MS = 60_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# PostgreSQL advisory lock held while the schema is created or upgraded ("WARL")
MIGRATION_LOCK = 0x5741524C
MIGRATION_LOCK_TIMEOUT = "120s"


class StoreError(WarledgerError):
    """The database cannot be opened, written or read: one line naming it."""

    exit_code = 1


def default_url(*, create: bool = True) -> str:
    """``WARLEDGER_DB``, else a SQLite file in the data directory (``WARLEDGER_DATA_DIR`` or the
    platform's user data directory), which is created unless ``create`` is false."""
    if os.environ.get("WARLEDGER_DB"):
        return os.environ["WARLEDGER_DB"]
    from ..settings import Settings
    folder = Settings().data_dir
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError("E510", f"cannot create the data directory ({_reason(exc)}); set "
                                     "WARLEDGER_DATA_DIR or give --db", path=str(folder)) from None
    return f"sqlite:///{folder / 'ledger.sqlite'}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()
    return first[0][:200] if first else type(orig).__name__


def sqlite_path(url: str) -> Path | None:
    """The file a ``sqlite:///PATH`` URL names; None for memory databases and ``file:`` URIs."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def where(url: str) -> str:
    """How errors name a database: the SQLite file, or the URL without its password."""
    path = sqlite_path(url) if url.startswith("sqlite") else None
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    _wal(cur)
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _wal(cur) -> None:
    """Switch to WAL. The switch takes an exclusive lock and SQLite does not call its busy handler
    for it: while another process creates the same new file, it fails at once with "database is
    locked". Try again until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.002
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_read_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _check_sqlite_writable(path: Path) -> None:
    """A one-line error, before SQLite's own, when the file cannot be created or written."""
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise StoreError("E510", f"cannot create the database: the folder {folder} {what}", path=str(path))
    if path.is_dir():
        raise StoreError("E510", "cannot create the database: this is a folder", path=str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError("E511", "the database file is read-only (the read-only commands -- documents, "
                                 "incidents, export, ... -- can still read it)", path=str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        if not path.exists():
            raise StoreError("E510", f"cannot create the database: the folder {folder} is read-only",
                             path=str(path))
        raise StoreError("E511", f"the folder {folder} is read-only; SQLite writes its -wal and -shm files "
                                 "beside the database (the read-only commands can still read it)", path=str(path))


def _check_sqlite_readable(path: Path) -> None:
    if not path.exists():
        raise UsageError("E514", "no ledger database here (read-only commands do not create one; "
                                 "`warledger ingest` does, or give --db)", path=str(path))
    if path.is_dir():
        raise UsageError("E514", "this is a folder, not a ledger database", path=str(path))
    if not os.access(path, os.R_OK):
        raise StoreError("E511", "the database file cannot be read (permission denied)", path=str(path))


def _sqlite_ro_url(path: Path, immutable: bool) -> str:
    return (f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro"
            f"{'&immutable=1' if immutable else ''}&uri=true")


def _note_where(engine: Engine, name: str) -> None:
    """Every error raised through ``engine`` carries the database's name (for ``database_error``)."""
    @event.listens_for(engine, "handle_error")
    def _note(ctx) -> None:
        for exc in (ctx.sqlalchemy_exception, ctx.original_exception):
            if exc is not None:
                with contextlib.suppress(AttributeError):
                    exc.warledger_where = name


def open_engine(url: str | None = None, *, migrate: bool = True, read_only: bool = False) -> Engine:
    """An engine for ``url`` (default: see ``default_url``), migrated to the newest schema.

    ``read_only`` opens an existing ledger for reading only (SQLite ``mode=ro``, PostgreSQL
    read-only transactions): nothing is created or migrated, and a missing database, or one
    whose schema is not this warledger's, is an error."""
    url = url or default_url(create=not read_only)
    if not url.startswith(("sqlite", "postgresql")):
        raise UsageError("E501", f"unsupported database URL {url!r}; use sqlite:///PATH or "
                                 "postgresql+psycopg://USER:PASSWORD@HOST/DB")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    name = where(url)
    try:
        if url.startswith("sqlite"):
            engine = _sqlite_engine(url, read_only)
        else:
            args = {"options": "-c default_transaction_read_only=on"} if read_only else {}
            engine = create_engine(url, pool_pre_ping=True, connect_args=args)
            _note_where(engine, name)
    except WarledgerError:
        raise
    except Exception as exc:
        err = database_error(exc, name)
        if err is None:
            raise
        raise err from None
    try:
        if read_only:
            check_schema(engine, name)
        elif migrate:
            upgrade(engine)
    except WarledgerError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        err = database_error(exc, name)
        if err is None:
            raise
        raise err from None
    return engine


def _sqlite_engine(url: str, read_only: bool) -> Engine:
    path = sqlite_path(url)
    name = where(url)
    if path is None:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_read_pragmas if read_only else _sqlite_pragmas)
        _note_where(engine, name)
        return engine
    if not read_only:
        _check_sqlite_writable(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        _note_where(engine, name)
        return engine
    _check_sqlite_readable(path)
    # mode=ro reads a WAL database when SQLite can open (or create) its -shm file; in a read-only
    # folder with none there, only immutable=1 reads it (no one can be writing it there)
    for immutable in (False, True):
        engine = create_engine(_sqlite_ro_url(path, immutable), connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_read_pragmas)
        _note_where(engine, name)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
            return engine
        except DBAPIError as exc:
            engine.dispose()
            cannot_open = getattr(exc.orig, "sqlite_errorname", "").startswith("SQLITE_CANTOPEN") or \
                "unable to open" in str(exc.orig)
            if immutable or not cannot_open or os.access(path.parent, os.W_OK):
                raise
    raise AssertionError("unreachable")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def _lock_schema(conn) -> None:
    """Make schema changes one process at a time: SQLite's write lock (BEGIN IMMEDIATE, waiting
    up to the busy timeout), PostgreSQL's advisory lock; both end with the transaction. Two
    processes that create a new ledger at once: the second waits, then finds it made."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'"))
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def _locked(conn, engine: Engine) -> None:
    try:
        _lock_schema(conn)
    except DBAPIError as exc:
        if not is_transient(exc):
            raise
        name = where(engine.url.render_as_string(hide_password=False))
        if conn.dialect.name == "sqlite":      # SQLite's write lock: any writer may hold it
            raise StoreError("E512", f"the database is locked by another process (waited {BUSY_TIMEOUT_MS / 1000:g} s "
                                     f"to check its schema) ({_reason(exc)})", path=name) from None
        raise StoreError("E515", "another process is creating or upgrading the ledger's schema and did not "
                                 f"finish in time ({_reason(exc)}); run the command again", path=name) from None


@cache
def _heads() -> frozenset[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        _locked(conn, engine)
        if revision == "head" and MigrationContext.configure(conn).get_current_revision() in _heads():
            return                            # already the newest: no need to load every migration
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as conn:
        _locked(conn, engine)
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def check_schema(engine: Engine, name: str | None = None) -> None:
    """The database holds a ledger at this warledger's schema (for read-only opening, which
    cannot migrate it)."""
    name = name or where(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    heads = _heads()
    if current in heads:
        return
    script = ScriptDirectory.from_config(alembic_config(engine))
    if current is None:
        raise UsageError("E514", "no ledger in this database (no warledger schema); `warledger ingest` or "
                                 "`warledger db upgrade` creates one", path=name)
    known = {rev.revision for rev in script.walk_revisions()}
    if current in known:
        raise StoreError("E515", f"the ledger's schema ({current}) is older than this warledger's "
                                 f"({', '.join(sorted(heads))}); run `warledger db upgrade`", path=name)
    raise StoreError("E515", f"the ledger's schema ({current}) is newer than this warledger knows; "
                             "upgrade warledger", path=name)


# ------------------------------------------------------------------ errors
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}     # serialization failure, deadlock, lock not available


def _disk_full(name: str | None) -> bool:
    if not name or "://" in name:
        return False
    try:
        return shutil.disk_usage(Path(name).parent).free < 1 << 20
    except OSError:
        return False


def is_transient(exc: BaseException) -> bool:
    """A failure worth retrying: the database was busy (locked, a deadlock, a serialization failure)."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or \
            "database is locked" in str(orig)
    return getattr(orig, "sqlstate", None) in _TRANSIENT_SQLSTATES


def database_error(exc: BaseException, name: str | None = None) -> WarledgerError | None:
    """The one-line error for a database failure (None when ``exc`` is not one)."""
    if isinstance(exc, WarledgerError):
        return exc
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    noted = getattr(exc, "warledger_where", None) or getattr(orig, "warledger_where", None)
    about_database = name is not None or noted is not None
    name = name or noted
    reason = _reason(orig)

    def err(code: str, message: str) -> StoreError:
        return StoreError(code, f"{message} ({reason})", path=name)

    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorname", "") or ""
        low = str(orig).lower()
        if code.startswith("SQLITE_READONLY") or "readonly database" in low or "read-only" in low:
            return err("E511", "the database is read-only")
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in low:
            return err("E512", f"the database is locked by another process (waited {BUSY_TIMEOUT_MS / 1000:g} s)")
        if code.startswith("SQLITE_FULL") or "disk is full" in low:
            return err("E513", "the disk is full")
        if code.startswith("SQLITE_CANTOPEN") or "unable to open" in low:
            return err("E510", "cannot open or create the database file")
        if "already exists" in low:
            return err("E515", "another process is creating the schema at the same time; run the command again")
        if code in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "not a database" in low or "malformed" in low:
            return err("E517", "the file is not a SQLite database, or it is damaged")
        if code.startswith("SQLITE_IOERR") or "disk i/o" in low:
            if _disk_full(name):                  # a write to the WAL or -shm file that found no room
                return err("E513", "the disk is full")
            return err("E517", "the database file cannot be read or written (I/O error)")
        return err("E517", "database error")
    sqlstate = getattr(orig, "sqlstate", None)
    module = type(orig).__module__ or ""
    if module.startswith("psycopg"):
        if sqlstate == "53100":
            return err("E513", "the database server's disk is full")
        if sqlstate in ("25006", "42501"):
            return err("E511", "the database is read-only (or this user may not write it)")
        if sqlstate in _TRANSIENT_SQLSTATES:
            return err("E512", "the database is locked by another process")
        if sqlstate == "42P07":
            return err("E515", "another process is creating the schema at the same time; run the command again")
        if sqlstate is None or sqlstate.startswith(("08", "28", "3D", "57P")):
            return err("E516", "cannot connect to the database server")
        if sqlstate.startswith("22"):
            return err("E517", "the database refused a value")
        return err("E517", "database error")
    if isinstance(orig, OSError) and about_database:      # not any OSError: only one met opening the database
        if orig.errno == errno.ENOSPC:
            return err("E513", "the disk is full")
        if orig.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return err("E511", "the database or its folder is read-only")
        return err("E510", "cannot open or create the database")
    return None
