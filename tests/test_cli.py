"""The command line: --help everywhere, the run job, JSON vs JSON Lines, languages."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import write
from warledger import extract
from warledger.cli import main

COMMANDS = [[], ["extract"], ["run"], ["actors"], ["ingest"], ["documents"], ["document"], ["db"], ["db", "upgrade"],
            ["aggregate"], ["incidents"], ["incident"], ["places"], ["tallies"], ["review"], ["review", "grade"],
            ["review", "correct"], ["review", "merge"], ["review", "split"], ["review", "list"], ["export"],
            ["gazetteer"], ["gazetteer", "build"], ["gazetteer", "lookup"], ["serve"], ["batch"], ["users"],
            ["users", "add"], ["users", "token"], ["users", "revoke"], ["users", "list"], ["users", "password"],
            ["users", "disable"], ["users", "enable"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "warledger")
def test_cli_help_on_every_command(cmd):
    result = CliRunner().invoke(main, [*cmd, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_cli_commands_listed_are_the_known_ones():
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            yield [*prefix, name]
            if hasattr(cmd, "commands"):
                yield from walk(cmd, (*prefix, name))
    assert sorted(walk(main)) == sorted(c for c in COMMANDS if c)


@pytest.mark.parametrize("name,country", [("Ar-Raqqah", "SY")])
def test_cli_gazetteer_lookup(name, country):
    result = CliRunner().invoke(main, ["gazetteer", "lookup", name])
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["country"] == country


def test_cli_gazetteer_lookup_unknown_exits_1():
    result = CliRunner().invoke(main, ["gazetteer", "lookup", "Qxzqxz Nowhere"])
    assert result.exit_code == 1 and "no gazetteer entry" in result.stderr


def test_cli_run_reads_bundled_sample(tmp_path):
    result = CliRunner().invoke(main, ["run", "--once", "--port", "0", "--db", f"sqlite:///{tmp_path / 'l.sqlite'}"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("warledger served on http://127.0.0.1:") and "/health ok" in lines[-1]
    assert lines[-2].startswith("log in at http://127.0.0.1:") and " as admin with the one-time password" in lines[-2]
    # the secrets are on standard error only, with the command that changes the password
    password = next(ln for ln in result.stderr.splitlines() if "one-time password: " in ln)
    assert "users password admin" in password
    secret = password.split("one-time password: ")[1].split()[0]
    assert len(secret) >= 12 and secret not in result.stdout
    assert "API token: wl_" in result.stderr and "wl_" not in result.stdout
    lines = lines[:-2]
    stored = next(i for i, ln in enumerate(lines) if ln.startswith("6 document(s) read"))
    assert lines[stored].startswith("6 document(s) read, 6 newly stored, 0 input(s) with errors")
    assert lines[stored + 1].startswith("ledger sqlite:") and "6 documents" in lines[stored + 1]
    assert lines[-1].endswith("incident(s)")
    assert any("navigation" in ln and "caption" in ln for ln in lines)
    assert any("places: Izaz, Aleppo" in ln for ln in lines)       # GeoNames' I‘zāz, in English


@pytest.mark.parametrize("n", [2])
def test_cli_several_files_give_json_lines_in_order(tmp_path, n):
    paths = [write(tmp_path, f"{i}.txt", f"Report {i}: shelling hit the market on Monday.\n") for i in range(n)]
    result = CliRunner().invoke(main, ["extract", *map(str, paths)])
    assert result.exit_code == 0
    objs = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert [o["document"]["length"] for o in objs] == [p.stat().st_size for p in paths]


def test_cli_and_library_agree(tmp_path):
    p = write(tmp_path, "r.txt", "Gunmen attacked a police post on the highway on Friday, officials said.\n")
    result = CliRunner().invoke(main, ["extract", str(p)])
    assert json.loads(result.stdout) == extract(p)[0]


@pytest.mark.parametrize("text", ["Gunmen killed three policemen in Kano on March 3, 2021, officials said.\n"])
def test_cli_extract_explain_names_the_rules(tmp_path, text):
    p = write(tmp_path, "r.txt", text)
    plain = json.loads(CliRunner().invoke(main, ["extract", str(p)]).stdout)
    result = CliRunner().invoke(main, ["extract", "--explain", str(p)])
    assert result.exit_code == 0
    explained = json.loads(result.stdout)
    assert explained == extract(p, explain=True)[0]
    assert all("rule" not in a for e in plain["events"] for a in e["actors"])
    [event] = explained["events"]
    assert ("policemen", "victim", "kill_object") in {(a["name"], a["role"], a.get("rule")) for a in event["actors"]}
    parts = {x["part"] for x in event["explain"]}
    assert {"actor", "fatalities", "date", "attribution"} <= parts
    rules = {x["part"]: x["rule"] for x in event["explain"]}
    assert rules["fatalities"] == "kill_verb_argument" and rules["date"] == "full_date"
    assert rules["attribution"] == "verb:say"
    assert all(x["rule"] for x in event["explain"])          # every part says what gave it
    # without the explanation, the same contract
    event.pop("explain")
    for a in event["actors"]:
        a.pop("rule", None)
    assert explained == plain


@pytest.mark.parametrize("text,lang", [
    ("Walki trwały przez całą noc w północnej części miasta, według mieszkańców. "
     "Kilka domów zostało zniszczonych, a dwóch cywilów zginęło.", "pl"),
])
def test_cli_language_not_installed_is_reported_not_misread(tmp_path, text, lang):
    p = write(tmp_path, f"{lang}.txt", text)
    result = CliRunner().invoke(main, ["extract", str(p)])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["document"]["language"] == lang
    assert out["document"]["tokens"] is None and out["events"] == []
    assert "[W201]" in result.stderr and f"'{lang}'" in result.stderr


@pytest.mark.parametrize("text,lang,place", [
    ("Les combats se sont poursuivis toute la nuit dans le nord de Kidal, selon des habitants. "
     "Plusieurs maisons ont été détruites et deux civils ont été tués.", "fr", "Kidal"),
])
def test_cli_installed_language_is_read(tmp_path, text, lang, place):
    p = write(tmp_path, f"{lang}.txt", text)
    result = CliRunner().invoke(main, ["extract", str(p)])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["document"]["language"] == lang and "[W201]" not in result.stderr
    assert all(b["language"] == lang for b in out["document"]["blocks"])
    assert any(e["fatalities"] and e["fatalities"]["low"] == 2 and any(p["name"].startswith(place) for p in e["places"])
               for e in out["events"]), out["events"]


def test_cli_users_add_prints_a_token_once_and_revoke_stops_it(tmp_path):
    from warledger.store import Ledger
    from warledger.store.users import user_for_token

    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    added = CliRunner().invoke(main, ["users", "add", "rana", "--role", "analyst", "--db", db])
    assert added.exit_code == 0, added.stderr
    token = added.stdout.strip()
    assert user_for_token(Ledger(db).engine, token).role == "analyst"
    again = CliRunner().invoke(main, ["users", "add", "rana", "--role", "viewer", "--db", db])
    assert again.exit_code == 2 and again.stderr.count("\n") == 1 and "exists" in again.stderr
    listed = CliRunner().invoke(main, ["users", "list", "--db", db])
    assert "rana" in listed.stdout and "1 token(s)" in listed.stdout
    revoked = CliRunner().invoke(main, ["users", "revoke", "rana", "--db", db])
    assert revoked.exit_code == 0 and "1 token(s)" in revoked.stdout
    assert user_for_token(Ledger(db).engine, token) is None
    unknown = CliRunner().invoke(main, ["users", "revoke", "nobody", "--db", db])
    assert unknown.exit_code == 2 and "no user" in unknown.stderr


@pytest.mark.issue(19)
def test_cli_users_disable_enable_expires_and_revoke_ends_sessions(tmp_path, monkeypatch):
    import datetime as dt

    from warledger.store import Ledger
    from warledger.store import users as users_store

    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    run = CliRunner()
    added = run.invoke(main, ["users", "add", "sam", "--role", "viewer", "--expires", "30d", "--password-stdin",
                              "--db", db], input="sam-password-1\n")
    assert added.exit_code == 0, added.stderr
    assert "valid for 30d" in added.stderr
    token = added.stdout.strip()
    engine = Ledger(db).engine
    assert users_store.user_for_token(engine, token).name == "sam"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    with monkeypatch.context() as m:
        m.setattr(users_store, "_now", lambda: later)
        assert users_store.user_for_token(engine, token) is None            # expired
    bad = run.invoke(main, ["users", "token", "sam", "--expires", "soon", "--db", db])
    assert bad.exit_code == 2 and "[E801]" in bad.stderr
    user = users_store.user_for_password(engine, "sam", "sam-password-1")
    session = users_store.start_session(engine, user)
    revoked = run.invoke(main, ["users", "revoke", "sam", "--db", db])
    assert revoked.exit_code == 0 and "web sessions ended" in revoked.stdout
    assert users_store.user_for_session(engine, session) is None
    fresh = run.invoke(main, ["users", "token", "sam", "--expires", "12h", "--db", db]).stdout.strip()
    assert users_store.user_for_token(engine, fresh).name == "sam"
    disabled = run.invoke(main, ["users", "disable", "sam", "--db", db])
    assert disabled.exit_code == 0 and "1 token(s) revoked" in disabled.stdout
    assert users_store.user_for_token(engine, fresh) is None
    assert users_store.user_for_password(engine, "sam", "sam-password-1") is None
    assert "disabled" in run.invoke(main, ["users", "list", "--db", db]).stdout
    refused = run.invoke(main, ["users", "token", "sam", "--db", db])
    assert refused.exit_code == 2 and "disabled" in refused.stderr
    assert run.invoke(main, ["users", "enable", "sam", "--db", db]).exit_code == 0
    assert users_store.user_for_password(engine, "sam", "sam-password-1").name == "sam"
    assert run.invoke(main, ["users", "disable", "nobody", "--db", db]).exit_code == 2


def test_cli_review_errors_are_one_line_with_exit_codes(tmp_path):
    import json

    from warledger.sample import sample_paths
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    run = CliRunner()
    assert run.invoke(main, ["ingest", str(sample_paths()[0]), "--db", db]).exit_code == 0
    ref = json.loads(run.invoke(main, ["incidents", "--format", "json", "--db", db]).stdout)[0]["id"]
    unknown = run.invoke(main, ["review", "grade", "no-such-incident", "fair", "--who", "a", "--db", db])
    assert unknown.exit_code == 1 and unknown.stderr.startswith("[E601] no incident")
    split = run.invoke(main, ["review", "split", ref, "feed:e9", "--who", "a", "--db", db])
    assert split.exit_code == 2 and "not its: feed:e9" in split.stderr
    bad = run.invoke(main, ["review", "correct", ref, "best", "many", "--who", "a", "--db", db])
    assert bad.exit_code == 2 and "takes a whole number" in bad.stderr
    merge_self = run.invoke(main, ["review", "merge", ref, ref, "--who", "a", "--db", db])
    assert merge_self.exit_code == 2 and "cannot be merged with itself" in merge_self.stderr
    ok = run.invoke(main, ["review", "grade", ref, "fair", "--who", "a", "--db", db])
    assert ok.exit_code == 0 and ok.stdout.startswith("review 1 recorded")
