"""The HTTP API on a real SQLite ledger and a real PostgreSQL server: roles, tokens,
ingest by POST, and a schemathesis run against the OpenAPI document."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from warledger.api import create_app
from warledger.store import Ledger
from warledger.store.users import add_user, revoke

EXEMPT = {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
WRITE = {"post", "put", "patch", "delete"}


def _operations(client: TestClient):
    spec = client.get("/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method in methods:
            yield method, path.replace("{ref}", "1").replace("{name}", "someone").replace("{fmt}", "jsonl")


@pytest.fixture
def served(db_url):
    app = create_app(db_url)
    engine = Ledger(db_url).engine
    tokens = {role: add_user(engine, f"{role}-user", role, f"{role}-secret-pw")[1]
              for role in ("viewer", "analyst", "admin")}
    with TestClient(app) as client:
        yield client, tokens, engine


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_endpoint_but_the_exempt_ones_needs_credentials(served):
    client, tokens, _ = served
    checked = 0
    for method, path in _operations(client):
        if path in EXEMPT:
            continue
        r = client.request(method, path, json={})
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.json()["message"]
        r = client.request(method, path, json={}, headers=_auth("wl_not-a-token"))
        assert r.status_code == 401, (method, path)
        checked += 1
    assert checked >= 10
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_viewer_gets_403_on_every_write_endpoint(served):
    client, tokens, _ = served
    writes = [(m, p) for m, p in _operations(client) if m in WRITE]
    assert len(writes) >= 4            # ingest, review, user, revoke
    for method, path in writes:
        r = client.request(method, path, json={}, headers=_auth(tokens["viewer"]))
        assert r.status_code == 403, (method, path, r.status_code)
    # an analyst may ingest and review but not manage users
    assert client.get("/api/users", headers=_auth(tokens["analyst"])).status_code == 403
    assert client.post("/api/users", json={"name": "x", "role": "viewer"},
                       headers=_auth(tokens["analyst"])).status_code == 403
    assert client.get("/api/documents", headers=_auth(tokens["viewer"])).status_code == 200


def test_revoked_token_is_refused_and_admin_can_issue_users(served):
    client, tokens, engine = served
    r = client.post("/api/users", json={"name": "desk", "role": "analyst"}, headers=_auth(tokens["admin"]))
    assert r.status_code == 201
    desk = r.json()["token"]
    assert client.get("/api/documents", headers=_auth(desk)).status_code == 200
    r = client.delete("/api/users/desk/tokens", headers=_auth(tokens["admin"]))
    assert r.json()["revoked"] == 1
    assert client.get("/api/documents", headers=_auth(desk)).status_code == 401
    revoke(engine, "viewer-user")
    assert client.get("/api/documents", headers=_auth(tokens["viewer"])).status_code == 401
    names = [u["name"] for u in client.get("/api/users", headers=_auth(tokens["admin"])).json()["items"]]
    assert {"desk", "viewer-user", "admin-user"} <= set(names)


def test_passwords_and_tokens_are_not_stored_in_clear(served):
    _, tokens, engine = served
    with engine.connect() as conn:
        stored = [str(v) for row in conn.execute(text("SELECT * FROM users")) for v in row]
        stored += [str(v) for row in conn.execute(text("SELECT * FROM tokens")) for v in row]
        hashes = [r[0] for r in conn.execute(text("SELECT password_hash FROM users"))]
    for role, token in tokens.items():
        assert not any(token in v for v in stored)
        assert not any(f"{role}-secret-pw" in v for v in stored)
    assert all(h.startswith("$argon2") for h in hashes)


def _events(db: str) -> list[tuple]:
    ledger = Ledger(db)
    [doc] = ledger.documents()
    found = ledger.document(str(doc["id"]))
    return sorted((e["type"], e["status"], str(e["mentions"])) for e in found["events"])


def test_ingest_by_post_creates_the_same_events_as_the_cli(served, seed_path, second_db):
    client, tokens, _ = served
    body = {"content": seed_path.read_text(encoding="utf-8"), "name": seed_path.name}
    assert client.post("/api/documents", json=body, headers=_auth(tokens["viewer"])).status_code == 403
    r = client.post("/api/documents", json=body, headers=_auth(tokens["analyst"]))
    assert r.status_code == 201, r.text
    assert r.json()["ingested"] == 1 and r.json()["incidents"] >= 1
    done = subprocess.run([sys.executable, "-m", "warledger.cli", "ingest", str(seed_path), "--db", second_db],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    db_url = str(served[2].url.render_as_string(hide_password=False))
    assert _events(db_url) == _events(second_db)
    assert len(_events(db_url)) >= 3
    page = client.get("/api/documents?limit=1&offset=1", headers=_auth(tokens["viewer"])).json()
    assert page["total"] == 1 and page["items"] == [] and page["offset"] == 1
    # the document answers with its text, blocks and spans that point into it
    doc = client.get("/api/documents", headers=_auth(tokens["viewer"])).json()["items"][0]
    got = client.get(f"/api/documents/{doc['id']}", headers=_auth(tokens["viewer"])).json()
    assert got["blocks"] and got["places"]
    for p in got["places"]:
        assert got["text"][p["start"]:p["end"]]
    # the same incidents as the library lists, and a review recorded under the token's user
    inc = client.get("/api/incidents", headers=_auth(tokens["viewer"])).json()
    assert inc["total"] >= 1
    ref = inc["items"][0]["id"]
    r = client.post(f"/api/incidents/{ref}/reviews", json={"action": "grade", "value": "fair"},
                    headers=_auth(tokens["analyst"]))
    assert r.status_code == 201, r.text
    reviews = client.get(f"/api/incidents/{ref}/reviews", headers=_auth(tokens["viewer"])).json()["items"]
    assert [(x["who"], x["value"]) for x in reviews] == [("analyst-user", "fair")]
    h = _auth(tokens["analyst"])
    r = client.post(f"/api/incidents/{ref}/reviews", json={"action": "correct", "field": "best", "value": "x"},
                    headers=h)
    assert r.status_code == 422 and "whole number" in r.json()["message"]
    # low <= best <= high: the seed's low (201) is corrected first (issue 19)
    r = client.post(f"/api/incidents/{ref}/reviews", json={"action": "correct", "field": "low", "value": 5},
                    headers=h)
    assert r.status_code == 201, r.text
    r = client.post(f"/api/incidents/{ref}/reviews", json={"action": "correct", "field": "best", "value": 7},
                    headers=h)
    assert r.status_code == 201, r.text
    assert client.get(f"/api/incidents/{ref}", headers=h).json()["best"] == 7
    if inc["total"] >= 2:                  # merge two incidents, then split one event back out
        other = inc["items"][1]["id"]
        r = client.post(f"/api/incidents/{ref}/reviews", json={"action": "merge", "other": other}, headers=h)
        assert r.status_code == 201, r.text
        after = client.get("/api/incidents?limit=1000", headers=h).json()
        assert after["total"] == inc["total"] - 1
        merged = next(i for i in after["items"] if len(i["members"]) == 2)
        r = client.post(f"/api/incidents/{merged['id']}/reviews",
                        json={"action": "split", "events": merged["members"][1:]}, headers=h)
        assert r.status_code == 201, r.text
        assert client.get("/api/incidents", headers=h).json()["total"] == inc["total"]
        r = client.post(f"/api/incidents/{ref}/reviews", json={"action": "split", "events": ["nope:e9"]},
                        headers=h)
        assert r.status_code == 422
    r = client.get("/api/exports/acled", headers=_auth(tokens["viewer"]))
    assert r.status_code == 200 and r.text.splitlines()[0].startswith("event_id_cnty")


def test_bad_input_answers_json_errors(served):
    client, tokens, _ = served
    h = _auth(tokens["analyst"])
    r = client.post("/api/documents", json={"content": "   ", "name": "blank.txt"}, headers=h)
    assert r.status_code == 400 and "empty" in r.json()["message"]
    r = client.get("/api/incidents?limit=0", headers=h)
    assert r.status_code == 422 and "limit" in r.json()["message"]
    r = client.get("/api/incidents/nothing-here", headers=h)
    assert r.status_code == 404
    big = "x" * (6 * 1024 * 1024)
    r = client.post("/api/documents", json={"content": big}, headers=h)
    assert r.status_code == 413


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, seed_path):
    """`warledger serve` on a ledger holding the seed; yields (base URL, admin token)."""
    db = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    done = subprocess.run([sys.executable, "-m", "warledger.cli", "ingest", str(seed_path), "--db", db],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "warledger.cli", "serve", "--port", str(port), "--db", db],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        assert lines[0].startswith(f"log in at http://127.0.0.1:{port}/ as admin with the one-time password on "
                                   "standard error")
        assert lines[1].startswith(f"warledger serving on http://127.0.0.1:{port}/")
        secrets = [proc.stderr.readline(), proc.stderr.readline()]       # the secrets: on stderr only
        assert secrets[0].startswith("admin's one-time password: ") and "users password admin" in secrets[0]
        assert secrets[1].startswith("admin's API token: wl_")
        threading.Thread(target=proc.stderr.read, daemon=True).start()      # keep the pipe drained
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer /health")
        yield f"http://127.0.0.1:{port}", secrets[1].split("API token: ")[1].split()[0]
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_creates_an_admin_whose_token_works(server):
    base, token = server
    req = urllib.request.Request(f"{base}/api/users", headers=_auth(token))
    with urllib.request.urlopen(req) as r:
        assert b'"admin"' in r.read()


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(server, tmp_path):
    """Generated requests with an admin token against the served OpenAPI document."""
    base, token = server
    st = Path(sys.executable).with_name("st")
    done = subprocess.run([str(st), "run", f"{base}/openapi.json", "-H", f"Authorization: Bearer {token}",
                           "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                           "response_schema_conformance", "--max-examples", "40", "--phases", "examples,fuzzing",
                           "--no-color"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_every_operation_answers_a_typed_schema(tmp_path):
    """Each operation's success answer names its schema in the OpenAPI document, and list
    answers carry the paging fields (cursor and total_estimate beside items, limit, offset, total)."""
    spec = create_app(f"sqlite:///{tmp_path / 'spec.sqlite'}").openapi()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
            assert ok, (method, path)
            for r in ok.values():
                assert r.get("content") and all(c.get("schema") for c in r["content"].values()), (method, path)
    page = spec["components"]["schemas"]["Page_IncidentOut_"]["properties"]
    assert {"items", "limit", "offset", "total", "total_estimate", "cursor"} <= set(page)


def test_cursor_map_timeline_names_and_search_answer_from_the_queries(served, db_url):
    """On the bundled sample: the cursor walks every incident once, the map's clusters and single
    incidents add up to the placed incidents at any zoom, the timeline to the dated ones, a
    suggested place id filters, search finds words, and offsets stop at 10,000."""
    from warledger.ingest import ingest
    from warledger.sample import sample_paths
    client, tokens, _ = served
    h = _auth(tokens["viewer"])
    assert ingest([str(p) for p in sample_paths()], db=db_url).incidents >= 2
    everything = client.get("/api/incidents?limit=1000", headers=h).json()
    walked, cursor = [], None
    while True:
        page = client.get("/api/incidents", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=h).json()
        walked += [i["id"] for i in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert walked == [i["id"] for i in everything["items"]] and len(walked) == everything["total"]
    placed = [i for i in everything["items"] if i["lat"] is not None]
    for zoom in (0, 2, 6, 12):
        m = client.get("/api/map", params={"zoom": zoom}, headers=h).json()
        assert sum(c["count"] for c in m["clusters"]) + len(m["incidents"]) == len(placed), zoom
    typed = client.get("/api/map", params={"zoom": 2, "type": placed[0]["type"]}, headers=h).json()
    assert sum(c["count"] for c in typed["clusters"]) + len(typed["incidents"]) == sum(
        i["type"] == placed[0]["type"] for i in placed)
    for by in ("day", "week", "month"):
        line = client.get("/api/timeline", params={"by": by}, headers=h).json()
        assert sum(b["incidents"] for b in line["buckets"]) == sum(bool(i["date_start"]) for i in everything["items"])
    name = placed[0]["area"]["place"]
    [hit, *_] = [s for s in client.get("/api/places/suggest", params={"q": name[:3]}, headers=h).json()
                 if s["name"] == name and s["id"]]
    by_id = client.get("/api/incidents", params={"place": hit["id"]}, headers=h).json()
    by_name = client.get("/api/incidents", params={"place": name.upper()}, headers=h).json()
    assert placed[0]["id"] in {i["id"] for i in by_id["items"]} and by_id["total"] <= by_name["total"]
    assert client.get("/api/incidents", params={"place": name[:3] + "zz"}, headers=h).json()["total"] == 0
    found = client.get("/api/search", params={"q": name}, headers=h).json()
    assert found["items"] and client.get("/api/search", params={"q": "%"}, headers=h).json()["items"] == []
    assert client.get("/api/incidents?offset=10001", headers=h).status_code == 422
    assert client.get("/api/incidents?cursor=not-a-cursor", headers=h).status_code == 422
