"""Issue 19: the hostile-input suite. Every reader is fed random bytes, truncations and mutations
of small real files (``tests/data/``: HTML, JSON Lines, RSS, Atom, WARC, gzip, text) and must give
only documents and one-line ``WarledgerError``s, never raise; the CLI must print one coded line
per bad input and exit 1; and ingesting the hostile input must leave what the ledger already
held unchanged.

``make test`` runs the "hostile" profile: the same cases every run (chunks of cases with fixed
seeds), at most 2,000 cases per reader through ``read_bytes`` and 300 through the CLI and each
ledger (SQLite, and PostgreSQL when ``WARLEDGER_TEST_PG_URL`` is set), each test stopping when its
time budget is spent: ``WARLEDGER_FUZZ_SECONDS`` (default 20 s) for a reader through ``read_bytes``
(so each reader runs 2,000 cases or 20 s, whichever comes first), and 2 s for each ledger. ``make fuzz`` runs the "fuzz" profile
(``HYPOTHESIS_PROFILE=fuzz``): new random cases every run, up to 50,000 per test, 120 s per reader
unless ``WARLEDGER_FUZZ_SECONDS`` says otherwise.
"""
from __future__ import annotations

import gzip
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select

from warledger.cli import main
from warledger.errors import WarledgerError
from warledger.model import Document
from warledger.read import has_text, read_bytes, read_path
from warledger.store import Ledger
from warledger.store.tables import Base

pytestmark = pytest.mark.issue(19)

DATA = Path(__file__).resolve().parents[1] / "data"
# reader -> (seed file in tests/data, the format it is read as, compressed?)
READERS = {
    "html": ("article.html", "html", False),
    "jsonl": ("articles.jsonl", "jsonl", False),
    "rss": ("feed.rss", "feed", False),
    "atom": ("feed.atom", "feed", False),
    "warc": ("crawl.warc", "warc", False),
    "warc.gz": ("crawl.warc.gz", "warc", True),
    "gzip": ("report.txt.gz", "text", True),
    "text": ("report.txt", "text", False),
}

_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
           HealthCheck.function_scoped_fixture, HealthCheck.large_base_example]
# "hostile": the same cases every run (each chunk of cases has its own fixed seed); "fuzz": new ones
settings.register_profile("hostile", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=_CHECKS, print_blob=True)
settings.register_profile("fuzz", max_examples=50_000, deadline=None, database=None,
                          suppress_health_check=_CHECKS, print_blob=True)
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
PROFILE = settings.get_profile("fuzz" if FUZZ else "hostile")
LEDGER_CASES = PROFILE.max_examples if FUZZ else 300
BUDGET = float(os.environ.get("WARLEDGER_FUZZ_SECONDS") or (120 if FUZZ else 20))
LEDGER_SECONDS = BUDGET / 2 if FUZZ or os.environ.get("WARLEDGER_FUZZ_SECONDS") else 2.0

# pieces that break parsers: NUL, byte-order marks, markup and CDATA ends, character references to
# nothing, JSON escapes of surrogates and NUL, huge numbers, WARC and HTTP header lines with
# absurd lengths, entity declarations, a gzip header, deep nesting
HOSTILE = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"<", b">", b"</p>", b"</body>", b"<![CDATA[", b"]]>",
           b"&#0;", b"&#xD800;", b"&#1114112;", b"&amp", b"&nbsp;", b"\\ud800", b"\\u0000", b'"', b'\\"', b"{", b"}",
           b"[", b"]", b"\r\n", b"\r\n\r\n", b"\n", b"9" * 400, b"1e999999", b"-0", b"null", b'"text": ""',
           b'"published": "2023-02-30"', b"WARC/1.0\r\n", b"Content-Length: 99999999\r\n", b"Content-Length: -1\r\n",
           b"Content-Length: x\r\n", b"WARC-Type: response\r\n", b"WARC-Target-URI: \r\n", b"HTTP/1.1 200 OK\r\n",
           b"Content-Type: text/html\r\n", b"<entry>", b"<item>", b"</item>", b"<content type='html'>",
           b"<?xml version='1.0' encoding='utf-16'?>", b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>]>", b"&a;",
           b"\x1f\x8b\x08\x00", b"<script>", b"<article>", b"<figure><figcaption>", b"<ul><li><a href=x>",
           b"\xe2\x80\x8b", b"\xed\xa0\x80", b"<" * 300, b"[" * 300, b"<div>" * 300]


def seed_file(reader: str) -> tuple[bytes, str, bool]:
    name, _fmt, compressed = READERS[reader]
    return (DATA / name).read_bytes(), name, compressed


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` with 1-8 edits: a byte changed, bytes inserted or deleted, a hostile piece
    inserted, a run duplicated, the rest cut off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["set", "insert", "delete", "hostile", "hostile", "dup", "cut"]))
        pos = draw(st.integers(0, len(out)))
        if op == "set" and out:
            out[min(pos, len(out) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            out[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del out[pos:pos + draw(st.integers(1, 64))]
        elif op == "hostile":
            out[pos:pos] = draw(st.sampled_from(HOSTILE))
        elif op == "dup":
            out[pos:pos] = out[pos:pos + draw(st.integers(1, 256))]
        elif op == "cut":
            del out[pos:]
    return bytes(out)


def hostile_inputs(reader: str) -> st.SearchStrategy[bytes]:
    data, _name, compressed = seed_file(reader)
    options = [st.binary(max_size=4096), st.integers(0, len(data)).map(lambda k: data[:k]), mutated(data)]
    if compressed:       # edits inside the compressed stream reach the parser too
        raw = gzip.decompress(data)
        options += [mutated(raw).map(lambda b: gzip.compress(b, mtime=0)),
                    st.integers(0, len(raw)).map(lambda k: gzip.compress(raw[:k], mtime=0)),
                    mutated(raw).map(lambda b: gzip.compress(b, mtime=0)[: max(10, len(b) // 2)])]
    return st.one_of(*options)


def check_items(items: list) -> None:
    """Only documents that can be stored, and one-line errors from the readers' own codes
    (E109 means a parser raised something the reader did not expect: a bug to fix)."""
    for item in items:
        assert isinstance(item, Document | WarledgerError), type(item)
        if isinstance(item, WarledgerError):
            line = item.one_line()
            assert "\n" not in line and line.startswith("[E1"), line
            assert item.code != "E109", line
        else:
            assert isinstance(item.text, str) and has_text(item.text)
            item.text.encode("utf-8")
            assert "\x00" not in item.text
            assert len(item.doc_id) <= 512 and item.sha256


def explore(body, strategy, *, cases: int, seconds: float, what: str, chunk: int = 10) -> int:
    """Run ``body`` on up to ``cases`` cases of ``strategy``, in chunks of hypothesis runs, until
    ``seconds`` are spent (checked between chunks, so that a failing case replays the same when
    hypothesis shrinks it); returns how many ran."""
    start = time.monotonic()
    ran = 0

    def timed(data):
        nonlocal ran
        ran += 1
        body(data)

    n = 0
    while ran < cases and time.monotonic() - start < seconds:
        test = settings(PROFILE, max_examples=min(chunk, cases - ran))(given(strategy)(timed))
        if not FUZZ:
            test = seed(n)(test)
        test()
        n += 1
    print(f"\n{what}: {ran} case(s) in {time.monotonic() - start:.1f} s (budget {seconds:g} s, "
          f"at most {cases})", file=sys.__stderr__)
    return ran


@pytest.mark.parametrize("reader", list(READERS))
def test_hostile_bytes_never_escape_a_reader(reader):
    _data, name, _ = seed_file(reader)
    fmt = READERS[reader][1]

    def body(case):
        data, input_format = case
        check_items(list(read_bytes(data, name, input_format)))

    ran = explore(body, st.tuples(hostile_inputs(reader), st.sampled_from([None, fmt])),
                  cases=PROFILE.max_examples, seconds=BUDGET, what=f"reader {reader}")
    assert ran > 0


@pytest.mark.parametrize("reader", list(READERS))
def test_hostile_file_never_escapes_read_path(reader, tmp_path):
    """The same through a file on disk: the original, a cut and an empty one."""
    data, name, _ = seed_file(reader)
    for i, content in enumerate([data, data[: len(data) // 2], data[: len(data) // 3], b"", b"\x00" * 64]):
        p = tmp_path / str(i) / name
        p.parent.mkdir()
        p.write_bytes(content)
        check_items(list(read_path(p)))


def snapshot(ledger: Ledger) -> dict[str, set]:
    """Every row of every table but the incidents and the incidents stage's own (regrouped on each
    ingest: machine groups, name counts) and the ledger's state."""
    out = {}
    with ledger.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in ("incidents", "incident_events", "incident_places", "incident_actors", "incident_cells",
                              "incident_days", "ledger_state", "aggregate_events", "aggregate_names"):
                continue
            out[table.name] = {tuple(map(repr, row)) for row in conn.execute(select(table))}
    return out


@pytest.mark.parametrize("reader", list(READERS))
def test_hostile_input_through_the_cli_leaves_the_ledger_unchanged(reader, db_url):
    _data, name, _ = seed_file(reader)
    good = DATA / ("report.txt" if reader in ("gzip", "text") else name)
    first = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db_url, str(good)])
    assert first.exit_code == 0, first.output
    ledger = Ledger(db_url)
    before = snapshot(ledger)
    assert before["documents"]
    folder = Path(tempfile.mkdtemp(prefix="wl-hostile-"))

    def body(data: bytes):
        path = folder / name
        path.write_bytes(data)
        result = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db_url, str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
        lines = result.stderr.splitlines()
        errors = [ln.strip() for ln in lines if ln.startswith("  [")]
        assert all(ln.startswith("[E1") and ln.split("]")[0] != "[E109" for ln in errors), errors
        # nothing else on stderr: the list's heading, the errors, notices ([W201] not English)
        assert all(ln.startswith(("  [E1", "[W")) or ln.endswith("input(s) could not be read:") for ln in lines), lines
        if result.exit_code == 1:
            assert errors and f"{len(errors)} input(s) could not be read:" in lines, result.stderr
        after = snapshot(ledger)
        for table, rows in before.items():
            assert rows <= after[table], f"rows of {table} changed"

    try:
        ran = explore(body, hostile_inputs(reader), cases=LEDGER_CASES, seconds=LEDGER_SECONDS, chunk=3,
                      what=f"ledger {reader} ({db_url.split(':')[0]})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert ran > 0
