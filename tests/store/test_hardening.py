"""Issue 19, storage: incidents never stay stale after a crash (the needs-rebuild mark), and every
database failure is one coded line naming the database, never a traceback.

Read-only conditions are made for real although the tests run as root (root ignores file
modes): the CLI runs in a user and mount namespace (``unshare -rm``) where the ledger's folder,
or the ledger file alone, is bind-mounted read-only, so every write fails with EROFS as it would
on a read-only disk; a full disk is a 2 MiB tmpfs mounted there and filled. Without ``unshare``
those tests are skipped."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from warledger.cli import main
from warledger.store import Ledger, open_engine
from warledger.store import engine as store_engine
from warledger.store import ledger as store_ledger
from warledger.store.engine import downgrade, upgrade
from warledger.store.tables import Base

pytestmark = pytest.mark.issue(19)

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "articles.jsonl"
TABLES = {t.name for t in Base.metadata.sorted_tables}
READ_COMMANDS = [["documents"], ["document", "h-1"], ["incidents"], ["tallies"], ["export", "--format", "jsonl"],
                 ["review", "list"]]


def cli(*args: str, env: dict | None = None) -> list[str]:
    return [sys.executable, "-m", "warledger.cli", *args]


def coded_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


def assert_one_line(result, code: str, exit_code: int = 1, names: str | None = None) -> None:
    out = result.stderr
    assert "Traceback" not in out + (result.stdout or ""), out
    lines = coded_lines(out)
    assert len(lines) == 1 and lines[0].startswith(f"[{code}]"), out
    if names:
        assert names in lines[0], lines[0]
    assert result.returncode == exit_code if hasattr(result, "returncode") else result.exit_code == exit_code


def incident_count(db: str) -> int:
    return Ledger(db).counts()["incidents"]


def make_ledger(db: str) -> None:
    """A SQLite ledger holding the three test articles and their incidents, as a process that
    made it leaves it on exit: a WAL-mode file with no -wal or -shm file beside it."""
    path = Path(db.removeprefix("sqlite:///"))
    work = path.with_name(path.name + ".work")
    result = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", f"sqlite:///{work}", str(CORPUS)])
    assert result.exit_code == 0, result.output
    src, dst = sqlite3.connect(work), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    assert dst is not None and not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()


# ------------------------------------------------------------------ needs rebuild
def test_crash_between_storing_and_rebuilding_is_rebuilt_by_the_next_ingest(db_url):
    """Before: the process died after storing, the next ingest skipped every document and
    rebuilt nothing, so the ledger kept no incident for them, for good."""
    code = (
        "import os, signal\n"
        "from warledger.ingest import documents, ingest_documents\n"
        "from warledger.store import Ledger\n"
        f"s = ingest_documents(documents([{str(CORPUS)!r}]), Ledger({db_url!r}))\n"
        "assert s.ingested == 3, s.line()\n"
        "os.kill(os.getpid(), signal.SIGKILL)    # dies after storing, before the incidents are rebuilt\n")
    died = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert died.returncode == -signal.SIGKILL, died.stderr
    ledger = Ledger(db_url)
    assert ledger.count_documents() == 3 and incident_count(db_url) == 0
    assert ledger.needs_rebuild()
    stale = CliRunner().invoke(main, ["incidents", "--db", db_url])
    assert "[W501]" in stale.stderr
    again = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db_url, str(CORPUS)])
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("ingested 0, skipped 3")
    assert "incident(s) in the ledger" in again.stdout
    assert incident_count(db_url) > 0 and not ledger.needs_rebuild()
    fresh = CliRunner().invoke(main, ["incidents", "--db", db_url])
    assert "[W501]" not in fresh.stderr
    # nothing to do now: the next ingest does not rebuild
    third = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db_url, str(CORPUS)])
    assert "incident(s)" not in third.stdout


def test_mark_written_with_each_document_and_kept_for_one_stored_during_a_rebuild(db_url):
    from warledger.store.incidents import rebuild_mark, write_incidents
    ledger = Ledger(db_url)
    assert not ledger.needs_rebuild()
    result = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db_url, str(CORPUS)])
    assert result.exit_code == 0 and not ledger.needs_rebuild()          # ingest rebuilt: cleared
    from warledger.ingest import documents, ingest_documents
    mark_before = rebuild_mark(ledger.engine)
    assert mark_before is None
    ingest_documents(documents([str(DATA / "feed.rss")]), ledger)
    first = rebuild_mark(ledger.engine)
    assert first is not None                                              # written in the document's transaction
    ingest_documents(documents([str(DATA / "feed.atom")]), ledger)          # a document while a rebuild runs
    assert rebuild_mark(ledger.engine) not in (None, first)
    write_incidents(ledger.engine, [], {}, first)                         # the rebuild that read `first`
    assert ledger.needs_rebuild()                                         # kept for the later document
    CliRunner().invoke(main, ["aggregate", "--db", db_url])
    assert not ledger.needs_rebuild()


def test_migration_marks_an_existing_ledger_for_one_rebuild(tmp_path):
    db = f"sqlite:///{tmp_path / 'old.sqlite'}"
    make_ledger(db)
    engine = open_engine(db)
    downgrade(engine, "0005")
    upgrade(engine)
    assert Ledger(db).needs_rebuild()
    engine.dispose()


# ------------------------------------------------------------------ creation by several processes
def test_several_processes_create_a_new_ledger_at_once(db_url, tmp_path):
    """Before: "table actors already exists" (or a duplicate alembic_version row) for all but one;
    then, about one round in ten, "database is locked" at once from the switch to WAL."""
    code = ("import sys, time\n"
            "from warledger.store import open_engine\n"
            "t = float(sys.argv[1])\n"
            "while time.time() < t: time.sleep(0.001)\n"
            "open_engine(sys.argv[2]).dispose()\n")
    for n in range(3):
        url = db_url if n == 0 or not db_url.startswith("sqlite") else f"sqlite:///{tmp_path / f'new{n}.sqlite'}"
        start = time.time() + 5
        procs = [subprocess.Popen([sys.executable, "-c", code, str(start), url], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-400:] for _, err in outs]
        engine = open_engine(url)
        assert set(inspect(engine).get_table_names()) >= TABLES
        engine.dispose()
        if not url.startswith("sqlite"):
            break                                  # one server database: made once


class _BusyCursor:
    """A cursor whose WAL switch fails as SQLite's does while another process holds the new file."""

    def __init__(self, failures: int, message: str = "database is locked"):
        self.failures, self.message, self.calls = failures, message, 0

    def execute(self, sql):
        self.calls += 1
        if self.calls <= self.failures:
            raise sqlite3.OperationalError(self.message)


def test_the_switch_to_wal_is_tried_again_while_the_file_is_locked():
    cur = _BusyCursor(failures=3)
    store_engine._wal(cur)
    assert cur.calls == 4


def test_the_switch_to_wal_gives_up_on_other_errors_and_after_the_busy_timeout(monkeypatch):
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        store_engine._wal(_BusyCursor(failures=1, message="disk I/O error"))
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 50)
    cur = _BusyCursor(failures=10_000)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        store_engine._wal(cur)
    assert 1 < cur.calls < 10_000


# ------------------------------------------------------------------ opening read-only
def test_read_only_commands_never_create_a_ledger(tmp_path, monkeypatch):
    monkeypatch.delenv("WARLEDGER_DB", raising=False)
    monkeypatch.setenv("WARLEDGER_DATA_DIR", str(tmp_path / "data"))
    for args in READ_COMMANDS:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("[E514]") and len(result.stderr.splitlines()) == 1, result.stderr
    assert not (tmp_path / "data").exists()
    db = tmp_path / "none.sqlite"
    result = CliRunner().invoke(main, ["documents", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 2 and f"[E514] {db}:" in result.stderr
    assert not db.exists()


def test_read_only_command_on_a_database_without_a_ledger(db_url):
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).write_bytes(b"")          # an empty file is an empty database
    for args in (["documents"], ["incidents"]):
        result = CliRunner().invoke(main, [*args, "--db", db_url])
        assert result.exit_code == 2, result.output
        [line] = result.stderr.splitlines()
        assert line.startswith("[E514]") and "no ledger in this database" in line, line
    engine = open_engine(db_url, migrate=False)
    assert not inspect(engine).get_table_names()                          # and none was made
    engine.dispose()


def test_read_only_ledger_refuses_writes_with_one_line(db_url):
    from warledger.store.engine import database_error
    Ledger(db_url)                                                        # create it
    ro = Ledger(db_url, read_only=True)
    assert ro.documents() == []
    with pytest.raises(DBAPIError) as caught, ro.engine.begin() as conn:
        conn.execute(text("INSERT INTO ledger_state (key, value) VALUES ('x', 'y')"))
    err = database_error(caught.value)
    assert err is not None and err.code == "E511", err


def test_read_only_commands_refuse_an_older_schema(tmp_path):
    db = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(open_engine(db, migrate=False), "0005")
    result = CliRunner().invoke(main, ["documents", "--db", db])
    assert result.exit_code == 1 and result.stderr.startswith("[E515]") and "warledger db upgrade" in result.stderr
    assert CliRunner().invoke(main, ["db", "upgrade", "--db", db]).exit_code == 0
    assert CliRunner().invoke(main, ["documents", "--db", db]).exit_code == 0


@cache
def _namespaces() -> str | None:
    """Why ``unshare -rm`` with a read-only bind mount cannot be used here, or None."""
    if not shutil.which("unshare"):
        return "no unshare command"
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount --bind -o ro /tmp /tmp && ! touch /tmp/.wl-ro-probe"],
                           capture_output=True, text=True)
    return None if probe.returncode == 0 else f"unshare -rm with a read-only bind mount fails: {probe.stderr.strip()}"


def in_namespace(setup: list[str], argv: list[str], env: dict | None = None, timeout: int = 300):
    """Run ``argv`` in a new user and mount namespace after the ``setup`` shell commands."""
    reason = _namespaces()
    if reason:
        pytest.skip(reason)
    script = " && ".join([*setup, 'exec "$@"'])
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", *argv], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def ro_bind(path: Path) -> str:
    q = shlex.quote(str(path))
    return f"mount --bind -o ro {q} {q}"


@pytest.fixture
def ledger_dir(tmp_path):
    folder = tmp_path / "ledger"
    folder.mkdir()
    make_ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
    return folder


# runs several CLI commands in one process (one interpreter start per namespace, not per command)
_MANY = """
import json, sys
from click.testing import CliRunner
from warledger.cli import main
out = []
for args in json.loads(sys.argv[1]):
    r = CliRunner().invoke(main, args)
    out.append({"args": args, "exit_code": r.exit_code, "stdout": r.stdout, "stderr": r.stderr,
                "exception": None if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)})
print(json.dumps(out))
"""


class _Result:
    def __init__(self, r: dict):
        self.args, self.returncode, self.stdout, self.stderr = r["args"], r["exit_code"], r["stdout"], r["stderr"]
        self.exception = r["exception"]


def in_namespace_many(setup: list[str], commands: list[list[str]]) -> list[_Result]:
    done = in_namespace(setup, [sys.executable, "-c", _MANY, json.dumps(commands)])
    assert done.returncode == 0, done.stderr[-3000:]
    return [_Result(r) for r in json.loads(done.stdout)]


@pytest.mark.parametrize("what", ["folder", "file"])
def test_read_only_ledger_can_be_read(ledger_dir, what):
    """Before: 39-132-line tracebacks even for read-only commands (they opened it for writing)."""
    db_file = ledger_dir / "ledger.sqlite"
    before = db_file.read_bytes()
    mount = ro_bind(ledger_dir if what == "folder" else db_file)
    db = ["--db", f"sqlite:///{db_file}"]
    results = in_namespace_many([mount], [[*args, *db] for args in READ_COMMANDS] + [["documents", "--format", "json", *db]])
    for result in results:
        assert result.returncode == 0 and result.exception is None, (result.args, result.stderr[-2000:])
        assert "Traceback" not in result.stderr
    assert [d["doc_id"] for d in json.loads(results[-1].stdout)] == ["h-1", "h-2", "h-3"]
    assert db_file.read_bytes() == before


WRITE_COMMANDS = [["ingest", "--no-progress", str(DATA / "feed.rss")], ["aggregate"], ["db", "upgrade"],
                  ["review", "grade", "x", "fair", "--who", "me"]]


@pytest.mark.parametrize("what", ["folder", "file"])
def test_writing_a_read_only_ledger_is_one_line(ledger_dir, what):
    db_file = ledger_dir / "ledger.sqlite"
    mount = ro_bind(ledger_dir if what == "folder" else db_file)
    for result in in_namespace_many([mount], [[*args, "--db", f"sqlite:///{db_file}"] for args in WRITE_COMMANDS]):
        assert result.exception is None, (result.args, result.exception)
        assert_one_line(result, "E511", 1, names=str(db_file))


def test_new_ledger_in_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    result = in_namespace([ro_bind(folder)], cli("ingest", "--no-progress", str(CORPUS), "--db",
                                                 f"sqlite:///{folder / 'new.sqlite'}"))
    assert_one_line(result, "E510", 1, names=str(folder / "new.sqlite"))
    data = folder / "data"
    for args, code, status in ((["ingest", "--no-progress", str(CORPUS)], "E510", 1), (["aggregate"], "E510", 1),
                               (["documents"], "E514", 2)):
        result = in_namespace([ro_bind(folder)], cli(*args), env={"WARLEDGER_DATA_DIR": str(data), "WARLEDGER_DB": ""})
        assert_one_line(result, code, status, names=str(data))


@pytest.mark.parametrize("args", [["ingest", "--no-progress", str(CORPUS)], ["aggregate"], ["db", "upgrade"],
                                  ["users", "list"]])
def test_data_directory_that_cannot_be_created_is_one_line(tmp_path, monkeypatch, args):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.delenv("WARLEDGER_DB", raising=False)
    monkeypatch.setenv("WARLEDGER_DATA_DIR", str(blocker / "warledger"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"[E510] {blocker / 'warledger'}: cannot create the data directory")
    assert len(result.stderr.splitlines()) == 1


def test_missing_folder_for_a_new_ledger_is_one_line(tmp_path):
    db = tmp_path / "no-such-folder" / "l.sqlite"
    result = CliRunner().invoke(main, ["aggregate", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1 and result.stderr.startswith(f"[E510] {db}: cannot create the database: the folder")


def test_locked_ledger_is_one_line(tmp_path, monkeypatch):
    db_file = tmp_path / "l.sqlite"
    open_engine(f"sqlite:///{db_file}").dispose()
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(store_ledger, "RETRIES", 2)
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for args in (["aggregate"], ["ingest", "--no-progress", str(CORPUS)]):
            result = CliRunner().invoke(main, [*args, "--db", f"sqlite:///{db_file}"])
            assert result.exit_code == 1, result.output
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"[E512] {db_file}: the database is locked"), lines
    finally:
        holder.rollback()
        holder.close()


def test_full_disk_is_one_line(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    db = f"sqlite:///{mnt / 'l.sqlite'}"
    setup = [f"mount -t tmpfs -o size=2m tmpfs {shlex.quote(str(mnt))}",
             shlex.join(cli("db", "upgrade", "--db", db)) + " >/dev/null",
             f"(dd if=/dev/zero of={shlex.quote(str(mnt / 'fill'))} bs=4k 2>/dev/null || true)"]
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": f"b{i}", "text": f"Shelling killed {i} people in the town on Monday, "
                                       "officials said. " * 40}) + "\n" for i in range(40)))
    result = in_namespace(setup, cli("ingest", "--no-progress", "--db", db, str(big)))
    assert_one_line(result, "E513", 1, names=str(mnt / "l.sqlite"))


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
@pytest.mark.parametrize("args", [["documents"], ["ingest", "--no-progress", str(CORPUS)]])
def test_damaged_database_file_is_one_line(tmp_path, content, args):
    db_file = tmp_path / "bad.sqlite"
    db_file.write_bytes(content)
    result = CliRunner().invoke(main, [*args, "--db", f"sqlite:///{db_file}"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"[E517] {db_file}:"), lines


@pytest.mark.parametrize("args", [["documents"], ["aggregate"]])
def test_unreachable_database_server_is_one_line_without_the_password(args):
    url = "postgresql+psycopg://someone:s3cret@127.0.0.1:1/ledger"
    result = CliRunner().invoke(main, [*args, "--db", url])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("[E516] postgresql+psycopg://someone:***@127.0.0.1:1/ledger:"), lines
    assert "s3cret" not in result.stderr
