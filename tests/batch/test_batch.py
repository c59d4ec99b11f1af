"""`warledger batch` on a real Dask scheduler and two real workers on loopback: the ledger it
makes equals the serial ingest's by content, and a SIGKILLed run resumes from its manifest."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SHARED, _need_shared

pytestmark = pytest.mark.issue(13)
BIN = Path(sys.executable).parent
FAKES = SHARED / "data" / "fakes"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "warledger"), *args], capture_output=True, text=True, cwd=cwd, timeout=900)
    if check:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def fingerprint(db: str) -> dict[str, list]:
    """The ledger by content: documents by hash, events and incidents without row ids or times."""
    from warledger.store import Ledger
    from warledger.store.incidents import list_incidents
    from warledger.store.rows import iter_events
    ledger = Ledger(db)
    events = []
    for e in iter_events(ledger.engine):
        e = {k: v for k, v in e.items() if k != "id"}
        e["document"] = {k: v for k, v in e["document"].items() if k != "ingested_at"}
        events.append(json.dumps(e, sort_keys=True, default=str))
    out = {"documents": sorted(d["sha256"] for d in ledger.documents()), "events": sorted(events),
           "incidents": sorted(json.dumps(i, sort_keys=True) for i in list_incidents(ledger.engine))}
    ledger.engine.dispose()
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The first 48 FA-KES articles as JSON Lines (the corpus's own converter)."""
    _need_shared()
    work = tmp_path_factory.mktemp("batch")
    whole = work / "fakes.jsonl"
    subprocess.run([sys.executable, str(FAKES / "to_jsonl.py"), str(FAKES / "FA-KES-Dataset.csv"), str(whole)],
                   check=True, capture_output=True)
    part = work / "fakes48.jsonl"
    part.write_text("".join(whole.read_text(encoding="utf-8").splitlines(keepends=True)[:48]), encoding="utf-8")
    return part


@pytest.fixture(scope="module")
def serial(corpus) -> dict[str, list]:
    db = f"sqlite:///{corpus.parent / 'serial.sqlite'}"
    _run("ingest", str(corpus), "--db", db, cwd=corpus.parent)
    return fingerprint(db)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes on loopback."""
    work = tmp_path_factory.mktemp("dask")
    port = _port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    time.sleep(1)
    for i in range(2):
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-dashboard", "--memory-limit", "3GiB", "--name", f"w{i}",
                                       "--local-directory", str(work / f"w{i}")],
                                      cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from distributed import Client
    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address
    for p in reversed(procs):
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def test_batch_on_a_dask_cluster_equals_serial_ingest(corpus, serial, dask_cluster, tmp_path, db_url):
    """Into SQLite and into PostgreSQL; the serial ledger is a SQLite file."""
    db = db_url
    done = _run("batch", str(corpus), "--scheduler", dask_cluster, "--out", str(tmp_path / "out"),
                "--partition-size", "6", "--db", db, "--report", str(tmp_path / "report.json"), cwd=tmp_path)
    assert "partitions: 8 in all, 0 already extracted (manifest), 8 extracted now" in done.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["pipeline_loads"]) == 2                      # both workers took partitions
    assert set(report["pipeline_loads"].values()) == {1}           # each loaded the pipeline once
    assert len(list((tmp_path / "out" / "parts").glob("*.parquet"))) == 8
    assert fingerprint(db) == serial
    # a second run has nothing to extract and leaves the ledger as it was
    again = _run("batch", str(corpus), "--scheduler", dask_cluster, "--out", str(tmp_path / "out"),
                 "--partition-size", "6", "--db", db, cwd=tmp_path)
    assert "8 already extracted (manifest), 0 extracted now" in again.stdout
    assert "ingested 0, skipped 48" in again.stdout
    assert fingerprint(db) == serial


def test_a_killed_batch_resumes_with_only_the_missing_partitions(corpus, serial, dask_cluster, tmp_path):
    db = f"sqlite:///{tmp_path / 'batch.sqlite'}"
    out = tmp_path / "out"
    args = [str(BIN / "warledger"), "batch", str(corpus), "--scheduler", dask_cluster, "--out", str(out),
            "--partition-size", "2", "--db", db]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = out / "manifest.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_text().count("\n") >= 1:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch ended before the test could kill it"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = manifest.read_text().count("\n")
    assert 1 <= finished < 24
    done = _run(*args[1:], cwd=tmp_path)
    m = re.search(r"partitions: (\d+) in all, (\d+) already extracted \(manifest\), (\d+) extracted now", done.stdout)
    assert m, done.stdout
    total, already, now = map(int, m.groups())
    assert (total, already, now) == (24, finished, 24 - finished)
    lines = [json.loads(x) for x in manifest.read_text().splitlines()]
    assert len({r["partition"] for r in lines}) == len(lines) == 24    # every partition extracted once
    assert fingerprint(db) == serial


def test_plan_partitions_are_stable_and_follow_the_inputs(tmp_path):
    from warledger.batch import plan
    a = tmp_path / "a.jsonl"
    a.write_text("\n".join(json.dumps({"text": f"Report number {i}."}) for i in range(7)) + "\n\n", encoding="utf-8")
    for name in ("x.txt", "y.txt", "z.txt"):
        (tmp_path / name).write_text(f"A short report called {name}.", encoding="utf-8")
    first, errors = plan([str(tmp_path)], 3)
    assert not errors
    assert [p.inputs[0][1:] for p in first[:3]] == [(1, 3), (4, 6), (7, 7)]
    assert [len(p.inputs) for p in first[3:]] == [3]
    assert [p.pid for p in plan([str(tmp_path)], 3)[0]] == [p.pid for p in first]
    (tmp_path / "y.txt").write_text("A changed report.", encoding="utf-8")
    changed = plan([str(tmp_path)], 3)[0]
    assert [p.pid for p in changed[:3]] == [p.pid for p in first[:3]] and changed[3].pid != first[3].pid


def test_batch_reports_a_missing_input_in_one_line(tmp_path):
    done = _run("batch", str(tmp_path / "nowhere.jsonl"), "--out", str(tmp_path / "out"),
                "--db", f"sqlite:///{tmp_path / 'l.sqlite'}", cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert "nowhere.jsonl: no such file" in done.stderr and "Traceback" not in done.stderr


def test_a_partition_read_outside_a_cluster_uses_the_pipeline_its_settings_name():
    """Outside a Dask worker each set of settings gets its own loaded pipeline: a second batch in
    the same process with another pipeline config is not read with the first one's."""
    from warledger.batch import _pipeline
    from warledger.nlp.languages import config_path
    from warledger.settings import Settings
    english = _pipeline(Settings())
    french = _pipeline(Settings(config=str(config_path("fr"))))
    assert french is not english
    assert (english.nlp.lang, french.nlp.lang) == ("en", "fr")
    assert _pipeline(Settings()) is english
