"""Incidents: the same-occurrence relation, combined estimate and status, order independence."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from click.testing import CliRunner

from tests.conftest import write
from warledger.aggregate import (
    EventRecord,
    build_incidents,
    combined_estimate,
    combined_status,
    same_occurrence,
)
from warledger.cli import main
from warledger.store import Ledger
from warledger.store.incidents import get_incident, list_incidents

D = dt.date(2020, 3, 10)


def ev(key, doc, *, type_="airstrike", start=D, end=D, precision="day", places=((36.2, 37.15, "exact"),),
       perps=("Russia",), low=None, best=None, high=None, atts=(("Local officials", "reports"),), outlet="Outlet A",
       names=(), victims=(), text=""):
    return EventRecord(key, doc, outlet, type_, start, end, precision, D, list(places), set(perps), low, best, high,
                       list(atts), list(names), set(victims), text)


def test_same_occurrence_needs_family_date_place_and_actors():
    a = ev("a:e1", "a")
    assert same_occurrence(a, ev("b:e1", "b", type_="shelling"))                      # one family: violence
    assert not same_occurrence(a, ev("b:e1", "b", type_="negotiation"))               # another family
    assert not same_occurrence(a, ev("b:e1", "b", start=D + dt.timedelta(days=5), end=D + dt.timedelta(days=5)))
    assert not same_occurrence(a, ev("b:e1", "b", places=((33.5, 36.3, "exact"),)))  # 300 km apart
    assert not same_occurrence(a, ev("b:e1", "b", perps=("Islamic State",)))
    assert not same_occurrence(a, ev("a:e2", "a"))                                    # one document


@pytest.mark.parametrize("atts,status", [
    ([("Amnesty International", "asserts")], "single_source"),
    ([("Amnesty International", "asserts"), ("Human Rights Watch", "reports")], "corroborated"),
    ([("Amnesty International", "asserts"), ("Russia", "denies")], "contested"),
    ([("Amnesty International", "asserts"), ("Human Rights Watch", "asserts"), ("United Nations", "cannot_confirm")],
     "contested"),
    ([("Russia", "denies")], "denied"),
])
def test_combined_status(atts, status):
    members = [ev(f"d{i}:e1", f"d{i}", atts=[a]) for i, a in enumerate(atts)]
    assert combined_status(members)[0] == status


def test_relayed_source_does_not_corroborate():
    # two outlets relaying "according to Amnesty" are one source, Amnesty
    members = [ev("d1:e1", "d1", atts=[("Amnesty International", "reports")], outlet="Outlet A"),
               ev("d2:e1", "d2", atts=[("the Amnesty International", "reports")], outlet="Outlet B")]
    assert combined_status(members)[0] == "single_source"


def test_combined_estimate_rule():
    members = [ev("d1:e1", "d1", low=12, best=12, high=12), ev("d2:e1", "d2", low=15, high=20),
               ev("d3:e1", "d3", low=30, best=30, high=30)]
    assert combined_estimate(members) == (12, 15, 30, 12)                  # low, median best, high, ACLED


def test_incidents_do_not_depend_on_order():
    events = [ev(f"d{i}:e1", f"d{i}", low=10 + i) for i in range(6)] + [
        ev(f"x{i}:e1", f"x{i}", places=((31.5, 34.47, "exact"),), perps=("Israel",)) for i in range(4)]
    first = [(i.key, sorted(m.key for m in i.members), i.status, i.low) for i in build_incidents(events)]
    random.Random(7).shuffle(events)
    again = [(i.key, sorted(m.key for m in i.members), i.status, i.low) for i in build_incidents(events)]
    assert first == again and len(first) == 2


SECOND = ("Amnesty Report on Russian Strikes\n"
          "Amnesty International said on Wednesday that six Russian air strikes killed more than 200 civilians "
          "in Idlib and Homs provinces.\n")
THIRD = ("Moscow Rejects Rights Report\n"
         "Russia denied on Wednesday that its aircraft had struck civilian areas in Idlib, calling the report false.\n")


def ingest(db, *paths):
    result = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db, *map(str, paths)])
    assert result.exit_code == 0, result.stderr
    return result


def test_incident_across_outlets_contested(db_url, tmp_path, seed_path):
    second = write(tmp_path, "second.jsonl", '{"id": "other-outlet", "source": "Other Outlet", '
                                             '"published": "2015-12-24", "text": ' + __import__("json").dumps(SECOND) + "}\n")
    third = write(tmp_path, "third.jsonl", '{"id": "denial", "source": "Third Outlet", '
                                           '"published": "2015-12-24", "text": ' + __import__("json").dumps(THIRD) + "}\n")
    ingest(db_url, seed_path, second)
    ledger = Ledger(db_url)

    def amnesty_incident():
        for row in list_incidents(ledger.engine):
            full = get_incident(ledger.engine, row["id"])
            docs = {e["document"] for e in full["events"]}
            if "other-outlet" in docs and len(docs) >= 2:
                return full
        return None
    inc = amnesty_incident()
    assert inc is not None and inc["status"] == "contested"
    ingest(db_url, third)
    inc = amnesty_incident()
    assert inc["status"] == "contested"


def test_incidents_same_in_two_orders(db_url, second_db, seed_path):
    from warledger.sample import sample_paths
    paths = [str(p) for p in sample_paths()] + [str(seed_path)]
    db2 = second_db
    ingest(db_url, *paths)
    ingest(db2, *reversed(paths))

    def content(url):
        rows = list_incidents(Ledger(url).engine)
        out = []
        for r in rows:
            full = get_incident(Ledger(url).engine, r["id"])
            out.append((tuple(sorted(e["sha256"] for e in full["events"])), r["type"], r["date_start"], r["date_end"],
                        r["low"], r["best"], r["high"], r["status"]))
        return sorted(out, key=str)
    assert content(db_url) == content(db2)


DOC_A = ("Air Strike Hits Aleppo Market\n"
         "An air strike killed 12 people at a market in Aleppo on Monday, local activists said.\n")
DOC_B = ("Strike on Idlib Bakery\n"
         "Warplanes struck a bakery in Idlib on Monday, killing 15 people, rescuers said.\n")


def _two_reports(db_url, tmp_path):
    """DOC_A and DOC_B written as JSON Lines files and ingested; their paths."""
    import json
    a = write(tmp_path, "a.jsonl", json.dumps({"id": "doc-a", "published": "2016-03-08", "text": DOC_A}) + "\n")
    b = write(tmp_path, "b.jsonl", json.dumps({"id": "doc-b", "published": "2016-03-08", "text": DOC_B}) + "\n")
    ingest(db_url, a, b)
    return a, b


def test_review_merge_and_correction_survive_rebuild_and_reingest(db_url, tmp_path):
    import json
    a, b = _two_reports(db_url, tmp_path)
    run = CliRunner()

    def incidents_json():
        out = run.invoke(main, ["incidents", "--db", db_url, "--format", "json"])
        assert out.exit_code == 0, out.stderr
        return json.loads(out.stdout)

    def with_doc(rows, doc_id):
        for r in rows:
            full = json.loads(run.invoke(main, ["incident", r["id"], "--db", db_url]).stdout)
            if doc_id in {e["document"] for e in full["events"]}:
                return r, full
        raise AssertionError(doc_id)

    rows = incidents_json()
    ia, _ = with_doc(rows, "doc-a")
    ib, _ = with_doc(rows, "doc-b")
    assert ia["id"] != ib["id"]                                   # the machine keeps them apart (60 km)
    merged = run.invoke(main, ["review", "merge", ia["id"], ib["id"], "--who", "analyst1", "--why", "same raid",
                               "--db", db_url])
    assert merged.exit_code == 0, merged.stderr
    one, full = with_doc(incidents_json(), "doc-a")
    assert {e["document"] for e in full["events"]} >= {"doc-a", "doc-b"}
    # 12: within the merged incident's low 12 and high 15 (a correction keeps low <= best <= high, #19)
    corrected = run.invoke(main, ["review", "correct", one["id"], "best", "12", "--who", "analyst1",
                                  "--why", "hospital list", "--db", db_url])
    assert corrected.exit_code == 0, corrected.stderr

    def check():
        row, full = with_doc(incidents_json(), "doc-a")
        assert {e["document"] for e in full["events"]} >= {"doc-a", "doc-b"}
        assert row["best"] == 12 and row["machine"]["best"] != 12  # both values visible
        assert [r["action"] for r in row["reviews"]] == ["correct"]
    check()
    assert run.invoke(main, ["aggregate", "--rebuild", "--db", db_url]).exit_code == 0
    check()
    ingest(db_url, a, b)                                          # re-ingest: skipped, rebuilt, reviews kept
    assert run.invoke(main, ["aggregate", "--rebuild", "--db", db_url]).exit_code == 0
    check()


def test_aggregate_rebuild_on_local_processes(db_url, tmp_path):
    """`aggregate --rebuild --processes 2`: the same incidents as one process; --processes
    without --rebuild, or beside Dask's options, is a usage error naming the options."""
    import json
    a, b = _two_reports(db_url, tmp_path)
    run = CliRunner()

    def state():
        out = run.invoke(main, ["incidents", "--db", db_url, "--format", "json"])
        return sorted((r["type"], r["date_start"], r["best"], r["status"]) for r in json.loads(out.stdout))
    one = run.invoke(main, ["aggregate", "--rebuild", "--processes", "1", "--db", db_url])
    assert one.exit_code == 0, one.stderr
    before = state()
    two = run.invoke(main, ["aggregate", "--rebuild", "--processes", "2", "--db", db_url])
    assert two.exit_code == 0, two.stderr
    assert two.stdout == one.stdout and state() == before and before
    bad = run.invoke(main, ["aggregate", "--processes", "2", "--db", db_url])
    assert bad.exit_code == 2 and "--processes" in bad.stderr
    bad = run.invoke(main, ["aggregate", "--rebuild", "--processes", "2", "--workers", "2", "--db", db_url])
    assert bad.exit_code == 2 and "--processes" in bad.stderr


def test_tallies_over_time_flag_a_falling_total(tmp_path):
    import json
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    rows = [{"id": "t1", "published": "2022-06-10", "source": "Outlet A",
             "text": "Officials confirmed the deaths of three more medics on Monday, bringing the toll since March 1 to 47."},
            {"id": "t2", "published": "2022-06-20", "source": "Outlet B",
             "text": "Officials confirmed the deaths of two more medics on Monday, bringing the toll since March 1 to 40."}]
    src = write(tmp_path, "t.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    ingest(db, src)
    out = CliRunner().invoke(main, ["tallies", "--db", db, "--format", "json"])
    series = json.loads(out.stdout)
    medics = next(s for s in series if [p["value"] for p in s["points"]] == [47, 40])
    assert medics["falls"] is True
    assert [p["source"] for p in medics["points"]] == ["Outlet A", "Outlet B"]


@pytest.mark.parametrize("option,value,n", [("--place", "Aleppo", 1), ("--place", "Idlib", 1), ("--actor", "people", 2),
                                            ("--actor", "Nobody Such", 0)])
def test_incidents_filters(tmp_path, option, value, n):
    import json
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    src = write(tmp_path, "a.jsonl", json.dumps({"id": "doc-a", "published": "2016-03-08", "text": DOC_A}) + "\n"
                + json.dumps({"id": "doc-b", "published": "2016-03-08", "text": DOC_B}) + "\n")
    ingest(db, src)
    out = CliRunner().invoke(main, ["incidents", "--db", db, "--format", "json", option, value])
    rows = json.loads(out.stdout)
    assert len(rows) == n


# ---------------------------------------------------------------- issue 22: grouping that does not chain

def _day(n):
    return D + dt.timedelta(days=n)


def _keys(incidents):
    return sorted(sorted(m.key for m in i.members) for i in incidents)


@pytest.mark.issue(22)
def test_strikes_on_following_days_do_not_chain():
    # each report overlaps the next (a day +-1), none overlaps one three days off: pairwise they
    # link into a chain; as a whole, no incident holds reports more than two days apart
    events = [ev(f"d{i}:e1", f"d{i}", start=_day(2 * i), end=_day(2 * i), low=10, best=10, high=10) for i in range(6)]
    incidents = build_incidents(events)
    assert len(incidents) >= 3
    for inc in incidents:
        days = [m.date_start for m in inc.members]
        assert (max(days) - min(days)).days <= 2
        assert (inc.date_end - inc.date_start).days <= 2


@pytest.mark.issue(22)
def test_a_low_precision_report_attaches_but_never_bridges():
    # two precise happenings 60 km apart, and a report dated by its year and placed at the country
    # that could be either: it may join one, the two stay apart
    aleppo = [ev(f"a{i}:e1", f"a{i}", places=((36.2, 37.15, "exact"),), low=12, best=12, high=12,
                 text="An air strike hit a market in Aleppo.") for i in range(2)]
    idlib = [ev(f"b{i}:e1", f"b{i}", places=((35.93, 36.63, "exact"),), low=15, best=15, high=15,
                text="Warplanes struck a bakery in Idlib.") for i in range(2)]
    vague = ev("v:e1", "v", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31), precision="year",
               places=((35.0, 38.0, "country"),), low=12, best=12, high=12, text="An air strike hit a market.")
    incidents = build_incidents(aleppo + idlib + [vague])
    holding = {m.key: i.key for i in incidents for m in i.members}
    assert holding["a0:e1"] == holding["a1:e1"] != holding["b0:e1"] == holding["b1:e1"]
    assert holding["v:e1"] == holding["a0:e1"]                        # its story is Aleppo's: the market, 12 dead
    aleppo_incident = next(i for i in incidents if i.key == holding["a0:e1"])
    assert (aleppo_incident.date_start, aleppo_incident.date_end) == (D, D)   # the year does not stretch it


@pytest.mark.issue(22)
def test_the_same_story_joins_and_different_sites_do_not():
    # two reports of one day in one city: the same figure and place below the city join them; a
    # third names another site and another figure, with nothing else in common
    a = ev("a:e1", "a", low=21, best=21, high=21, perps=(), text="Air strikes hit the Bab al-Nayrab market, killing 21.",
           names=[("Bab al-Nayrab", "unknown", "unknown")])
    b = ev("b:e1", "b", precision="unknown", start=None, end=D, low=20, best=20, high=20, perps=(),
           text="Twenty people were killed when a barrel bomb struck the market of Bab al-Nayrab.",
           names=[("Bab al-Nayrab", "unknown", "unknown")], places=())
    c = ev("c:e1", "c", precision="unknown", start=None, end=D, low=3, best=3, high=3, perps=(), places=(),
           text="Three were killed when a rocket hit a school.")
    incidents = build_incidents([a, b, c])
    assert ["a:e1", "b:e1"] in _keys(incidents) and ["c:e1"] in _keys(incidents)


@pytest.mark.issue(22)
def test_grouping_does_not_depend_on_order_with_low_precision_reports():
    events = [ev(f"d{i}:e1", f"d{i}", start=_day(i % 4), end=_day(i % 4), low=5 + i % 3, best=5 + i % 3,
                 high=5 + i % 3, places=((36.2 + 0.3 * (i % 2), 37.15, "exact"),), text="A strike on a hospital.")
              for i in range(12)]
    events += [ev(f"u{i}:e1", f"u{i}", start=None, end=_day(i % 5), precision="unknown", places=(), low=6, best=6,
                  high=6, text="A strike on a hospital killed six.") for i in range(6)]
    first = _keys(build_incidents(events))
    for seed in (1, 2, 3):
        random.Random(seed).shuffle(events)
        assert _keys(build_incidents(events)) == first


@pytest.mark.issue(22)
def test_incident_why_days_and_area(tmp_path):
    import json
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    docs = [{"id": "one", "source": "Outlet A", "published": "2016-08-25",
             "text": "A barrel bomb hit the Bab al-Nayrab district of Aleppo on Thursday, killing 15 people."},
            {"id": "two", "source": "Outlet B", "published": "2016-08-25",
             "text": "Fifteen people were killed on Thursday when a barrel bomb struck Bab al-Nayrab in Aleppo."}]
    src = write(tmp_path, "d.jsonl", "".join(json.dumps(d) + "\n" for d in docs))
    ingest(db, src)
    run = CliRunner()
    rows = json.loads(run.invoke(main, ["incidents", "--db", db, "--format", "json"]).stdout)
    both = [r for r in rows if r["events"] >= 2]
    assert both, rows
    row = both[0]
    assert row["days"] == 1 and row["area"]["place"] and row["area"]["precision"] == "exact"
    table = run.invoke(main, ["incidents", "--db", db]).stdout
    assert "days" in table and "area" in table and row["area"]["place"] in table
    out = run.invoke(main, ["incident", row["id"], "--why", "--db", db])
    assert out.exit_code == 0, out.stderr
    why = json.loads(out.stdout)["why"]
    assert len(why) == row["events"] and all(w["how"] for w in why)
    matched = [w for w in why if "evidence" in w]
    assert matched and any("15" in r for w in matched for r in w["evidence"]["reasons"])
    exported = run.invoke(main, ["export", "--format", "jsonl", "--level", "incidents", "--db", db]).stdout
    nested = [e for line in exported.splitlines() for e in json.loads(line)["events"]]
    assert all("date_start" in e and "date_end" in e and "precision" in e for e in nested)


@pytest.mark.issue(22)
def test_grouping_in_memory_matches_the_ledger(tmp_path, seed_path):
    # make eval groups extracted documents without a database: the same incidents as a rebuild
    from warledger.aggregate.memory import group
    from warledger.extract import extract_documents
    from warledger.read import read_path
    second = write(tmp_path, "second.jsonl", '{"id": "other-outlet", "source": "Other Outlet", '
                                             '"published": "2015-12-24", "text": ' + __import__("json").dumps(SECOND) + "}\n")
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    ingest(db, seed_path, second)
    stored = sorted(sorted(r["members"]) for r in list_incidents(Ledger(db).engine))
    items = [i for p in (seed_path, second) for i in read_path(p)]
    incidents, shown = group(extract_documents(items))
    assert sorted(sorted(m.key for m in i.members) for i in incidents) == stored
    assert all({"date_start", "date_end", "precision", "places"} <= set(e) for e in shown.values())


@pytest.mark.issue(22)
def test_a_report_telling_its_happening_twice_keeps_it_in_one_incident():
    # two outlets report one strike; the second outlet's report tells it again further down, dated
    # only by the report: that mention joins the incident its own report's strike is in
    a = ev("a:e1", "a", low=9, best=9, high=9, text="A strike on the town killed nine people.")
    b = ev("b:e1", "b", low=9, best=9, high=9, text="Nine people died in a strike on the town.")
    again = ev("b:e2", "b", start=None, end=D, precision="unknown", low=None, best=None, high=None,
               text="The strike was condemned by the local council.")
    placed_by_name = ev("b:e3", "b", start=None, end=D, precision="unknown", places=(),
                        names=[("Somewhere Else", "unknown", "unknown")], text="Shelling was reported too.")
    keys = _keys(build_incidents([a, b, again, placed_by_name]))
    assert ["a:e1", "b:e1", "b:e2"] in keys                          # one happening, told twice by one report
    assert ["b:e3"] in keys                                          # a place known by its name alone: not told apart


@pytest.mark.issue(22)
def test_reports_naming_consecutive_days_need_the_story():
    # two reports each give their day, a day apart, in one area, with figures of the same size:
    # not enough to be one happening; the same figure, place below the city and site are
    one = ev("a:e1", "a", low=22, best=22, high=22, perps=(), text="Air strikes on the suburb killed 22.")
    next_day = ev("b:e1", "b", start=D + dt.timedelta(days=1), end=D + dt.timedelta(days=1), low=19, best=19,
                  high=19, perps=(), atts=(("Medics", "reports"),), text="Shelling of the suburb killed 19.")
    assert not same_occurrence(one, next_day)
    told = ev("c:e1", "c", start=D + dt.timedelta(days=1), end=D + dt.timedelta(days=1), low=22, best=22, high=22,
              perps=(), names=[("Old Quarter", "unknown", "unknown")], text="A strike on the market killed 22.")
    same = ev("d:e1", "d", low=22, best=22, high=22, perps=(), names=[("Old Quarter", "unknown", "unknown")],
              text="Twenty-two died when the market was hit.")
    assert same_occurrence(told, same)


def test_latitude_bands_never_reject_a_pair_in_reach():
    """The grouping's quick band test over a slice of candidates passes every pair that the exact
    distance test (``near``) takes, at every mix of precisions, and rejects far ones."""
    from warledger.aggregate.incidents import _Bands, _Grouper, prepare
    rng = random.Random(7)
    precisions = ("exact", "near", "admin2", "admin1", "region", "country", "unknown")
    events = []
    for i in range(300):
        n = rng.choice((0, 1, 1, 2))
        lat0, lon0 = rng.uniform(-10, 10), rng.uniform(-10, 10)
        places = tuple((lat0 + rng.uniform(-3, 3), lon0 + rng.uniform(-3, 3), rng.choice(precisions)) for _ in range(n))
        events.append(prepare(ev(f"d{i}:e1", f"d{i}", places=places)))
    g = _Grouper(prepared=events)
    bands = _Bands([p.best for p in events])
    taken = rejected = 0
    for a in events:
        ok = bands.within(a.best, 0, len(events))
        for j, b in enumerate(events):
            if g.near(a, b):
                assert ok[j], (a.best, b.best)
                taken += 1
            elif not ok[j]:
                rejected += 1
    assert taken > 1000 and rejected > 1000          # both sides of the test are exercised


def test_a_pair_sharing_nothing_of_its_story_is_never_scored_enough():
    """Two reports of one type, place and week that share no name, word, figure or day: the
    pre-filter rules them out, as the full evidence would."""
    from warledger.aggregate.incidents import _Grouper, prepare
    a = prepare(ev("a:e1", "a", precision="week", perps=(), atts=(("Police", "reports"),),
                   text="A market was shelled."))
    b = prepare(ev("b:e1", "b", precision="week", perps=(), atts=(("A witness", "reports"),),
                   text="Gunmen stormed a school."))
    g = _Grouper(prepared=[a, b])
    assert g.score(a, b) == (0.0, 0.0, False)
    c = prepare(ev("c:e1", "c", precision="week", perps=(), best=12, atts=(("Police", "reports"),),
                   text="A market was shelled."))
    d = prepare(ev("d:e1", "d", precision="week", perps=(), best=12, atts=(("A witness", "reports"),),
                   text="Gunmen stormed a school."))
    assert _Grouper(prepared=[c, d]).score(c, d)[2]   # the same figure: enough, and weighed


@pytest.mark.issue(22)
def test_one_report_telling_of_two_days_tells_of_two_happenings():
    # report r dates one strike to day 0 and another to day 2; s reports day 0, t day 2, all with
    # the same figure: r's two strikes do not end up in one incident through s and t
    r1 = ev("r:e1", "r", low=8, best=8, high=8, text="Warplanes struck a bakery.")
    r2 = ev("r:e2", "r", start=_day(2), end=_day(2), low=8, best=8, high=8, text="Warplanes struck a bakery.")
    s = ev("s:e1", "s", start=_day(1), end=_day(1), low=8, best=8, high=8, text="Warplanes struck a bakery.")
    holding = {m.key: i.key for i in build_incidents([r1, r2, s]) for m in i.members}
    assert holding["r:e1"] != holding["r:e2"]
    assert holding["s:e1"] in (holding["r:e1"], holding["r:e2"])


IDLIB_CITY = (35.931, 36.634, "exact")          # a city its province is named after
JISR = (35.814, 36.320, "exact")                # a town of that province, 31 km off
ATARIB = (36.139, 36.825, "exact")              # a town of the next province, 29 km off


@pytest.mark.issue(22)
def test_a_city_named_as_its_province_reaches_the_province_only():
    # "in Idlib" may be said of the city or of its province: a report placing a strike there and
    # one placing it at a town of that province 31 km off are one; a town as far off in the next
    # province is not reached
    def strike(key, doc, place, name):
        return ev(key, doc, places=(place,), names=[(name, "exact", "populated_place")], low=14, best=14, high=14,
                  text="Warplanes bombed the main square, killing fourteen.")
    city = strike("a:e1", "a", IDLIB_CITY, "Idlib")
    town = strike("b:e1", "b", JISR, "Jisr ash Shughur")
    other = strike("c:e1", "c", ATARIB, "Al Atarib")
    assert same_occurrence(city, town)
    assert not same_occurrence(city, other)
    keys = _keys(build_incidents([city, town, other]))
    assert ["a:e1", "b:e1"] in keys and ["c:e1"] in keys
    # read as its province, the city is still a town beside another town the report names
    beside = ev("e:e1", "e", places=(IDLIB_CITY, (38.48, 28.13, "exact")), low=14, best=14, high=14,
                names=[("Idlib", "exact", "populated_place"), ("Farther Town", "exact", "populated_place")],
                text="Warplanes bombed the main square, killing fourteen.")
    assert same_occurrence(beside, town)
    # two towns, neither named as its province, 31 km apart: out of a town's reach
    plain = strike("d:e1", "d", (35.931, 36.634, "exact"), "Some Hamlet")
    assert not same_occurrence(plain, town)


@pytest.mark.issue(22)
def test_a_bare_later_mention_joins_its_report_even_when_its_perpetrator_differs():
    # a report's later word of its strike, dated by the report alone, with no figure and no place,
    # names the perpetrator otherwise (a reading of who blamed whom): it still joins its report's
    # incident; the same mention with a figure of its own, or a place on the map, does not
    a = ev("a:e1", "a", low=9, best=9, high=9, text="A strike on the town killed nine people.")
    b = ev("b:e1", "b", low=9, best=9, high=9, text="Nine people died in a strike on the town.")
    bare = dict(start=None, end=D, precision="unknown", perps=("Eastland militia",), atts=(("A witness", "reports"),))
    again = ev("b:e2", "b", places=(), **bare, text="The minister blamed Eastland for the attack.")
    counted = ev("b:e2", "b", places=(), low=30, best=30, high=30, **bare,
                 text="Eastland said thirty were hurt in the attack.")
    placed = ev("b:e2", "b", places=((36.21, 37.16, "exact"),), **bare, text="Eastland denied the attack.")
    assert ["a:e1", "b:e1", "b:e2"] in _keys(build_incidents([a, b, again]))
    for other in (counted, placed):
        assert ["b:e2"] in _keys(build_incidents([a, b, other]))


@pytest.mark.issue(22)
def test_a_placed_mention_joins_its_report_through_a_member_known_by_name_only():
    # report c tells the strike by the crossing's name alone (no coordinates), which joins the
    # incident a and b report; c's later word of it, placed on the map, joins through it; a
    # mention known by a name only still does not join through a placed one
    crossing = [("Little Crossing", "unknown", "unknown")]
    a = ev("a:e1", "a", low=9, best=9, high=9, names=crossing, text="A strike on Little Crossing killed nine people.")
    b = ev("b:e1", "b", low=9, best=9, high=9, names=crossing, text="Nine people died at Little Crossing.")
    c1 = ev("c:e1", "c", start=None, end=D, precision="unknown", places=(), names=crossing, low=9, best=9, high=9,
            text="Nine died when Little Crossing was hit.")
    c2 = ev("c:e2", "c", start=None, end=D, precision="unknown", atts=(("A witness", "reports"),),
            text="Traffic stopped for the day.")
    assert ["a:e1", "b:e1", "c:e1", "c:e2"] in _keys(build_incidents([a, b, c1, c2]))
    b2 = ev("b:e2", "b", start=None, end=D, precision="unknown", places=(), atts=(("A witness", "reports"),),
            names=[("Far Hamlet", "unknown", "unknown")], text="Shelling was heard.")
    assert ["b:e2"] in _keys(build_incidents([a, b, b2]))


@pytest.mark.issue(22)
def test_reports_naming_consecutive_days_need_the_story_to_say_they_are_one():
    # a report of the next day's shelling recalls the gas attack of the day before: one weapon
    # word they share is not enough for two reports each naming its own day; a figure with it is
    gas = ev("a:e1", "a", perps=(), atts=(("Medics", "reports"),), text="Rockets carrying gas struck the suburbs.")
    after = ev("b:e1", "b", start=_day(1), end=_day(1), perps=(), atts=(("A witness", "reports"),),
               text="Tanks shelled the suburbs a day after the gas attack.")
    assert not same_occurrence(gas, after)
    counted = [ev(k, d, start=day, end=day, perps=(), atts=atts, low=40, best=40, high=40, text=t)
               for k, d, day, atts, t in (("c:e1", "c", D, (("Medics", "reports"),), gas.text),
                                          ("d:e1", "d", _day(1), (("A witness", "reports"),), after.text))]
    assert same_occurrence(*counted)


@pytest.mark.issue(22)
def test_a_day_beside_a_whole_month_needs_the_story_to_say_which():
    # a report recalls "an attack in March" by its month; a report of one day in it shares one
    # weapon word: not enough; with the same figure it is
    month = ev("m:e1", "m", start=dt.date(2020, 3, 1), end=dt.date(2020, 3, 31), precision="month", perps=(),
               text="The rocket attack in March was never investigated.")
    day = ev("d:e1", "d", perps=(), text="A rocket hit the square.")
    assert not same_occurrence(month, day)
    month.low = month.best = month.high = day.low = day.best = day.high = 9
    assert same_occurrence(month, day)


@pytest.mark.issue(22)
def test_sources_that_name_no_one_tell_no_shared_story():
    from warledger.aggregate.incidents import story
    a = ev("a:e1", "a", atts=(("Activists", "reports"), ("Amnesty International", "reports")))
    assert story(a).sources == {"amnesty international"}


def test_the_province_of_a_place_is_read_in_the_gazetteer_in_use(tmp_path, monkeypatch):
    """A gazetteer supplement named after the first grouping of a process still places a town in
    its province (the answer is kept for each gazetteer apart, not for the first one met)."""
    from warledger.aggregate.incidents import EventRecord, _province_of
    supplement = write(tmp_path, "local.csv", "name,aliases,lat,lon,country,admin1,level\n"
                                              "Qwertzdorf,,12.5,3.25,NE,Tahoua,populated_place\n")
    e = EventRecord("d:e1", "d", None, "attack", None, None, "unknown", None, [(12.5, 3.25, "exact")],
                    place_names=[("Qwertzdorf", "exact", "populated_place")])
    monkeypatch.delenv("WARLEDGER_GAZETTEER_SUPPLEMENT", raising=False)
    assert _province_of(e, (12.5, 3.25, "exact"))[0] is None
    monkeypatch.setenv("WARLEDGER_GAZETTEER_SUPPLEMENT", str(supplement))
    assert _province_of(e, (12.5, 3.25, "exact"))[0] is not None
