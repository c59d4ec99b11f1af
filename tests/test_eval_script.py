"""The pure parts of scripts/evaluation/ (`make eval`): failure kinds, over-split pairs, the report
difference, pattern entries. No spaCy model, no shared data."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from evaluation.common import group_of  # noqa: E402
from evaluation.kinds import classify_fail, count_kinds  # noqa: E402
from evaluation.oversplit import family_map, oversplit_pairs  # noqa: E402
from evaluation.report import diff_lines, diff_reports, fact_changes  # noqa: E402
from evaluation.rules import ablate, compare, duplicates, entries  # noqa: E402

# ---------------------------------------------------------------- failure kinds


@pytest.mark.parametrize("line, first, each", [
    ("FAIL place.gedo: no output place near it", "place", ["place"]),
    ("FAIL document.published: got None", "publication date", ["publication date"]),
    ("FAIL tally.us_deaths: subject 'x'; value 3", "tally", ["tally"]),
    ("FAIL post.tweet: no post with that handle", "post", ["post"]),
    ("FAIL event.raid: no events", "missing event", ["missing event"]),
    ("FAIL event.raid: type 'statement'", "type", ["type"]),
    # wrong type and more: no output event is this one
    ("FAIL event.raid: type 'statement'; no perpetrator matching isis", "missing event", ["missing event"]),
    ("FAIL event.raid: no perpetrator matching isis; no victim matching civilians", "perpetrator",
     ["perpetrator", "victim"]),
    ("FAIL event.talks: no actor matching un; no place near any of ['gedo', 'el_adde']", "actor",
     ["actor", "place"]),
    ("FAIL event.strike: no target matching base", "target", ["target"]),
    ("FAIL event.strike: fatalities.low 2 not in [6, 6]; date {'start': None, 'end': None}", "fatalities",
     ["fatalities", "date"]),
    ("FAIL event.strike: fatalities {'low': 4} where none were reported", "fatalities", ["fatalities"]),
    ("FAIL event.strike: place near mali attached, which the text does not link to it", "place", ["place"]),
    ("FAIL event.strike: no attribution un ['reports']; attribution x ['denies'], which the text does not say; "
     "status 'reported'", "attribution", ["attribution", "attribution", "status"]),
])
def test_classify_fail(line, first, each):
    assert classify_fail(line) == (first, each)


def test_count_kinds_counts_facts_once_reasons_each_and_traps():
    lines = ["PASS place.a", "FAIL place.b: no output place near it",
             "FAIL event.x: no perpetrator matching y; date None", "INFO events: 3 output / 2 gold",
             "TRAP event e1 has a list where one name belongs: 'a, b'", "score: 1/3 facts, 1 trap hit"]
    c = count_kinds(lines)
    assert c["first"] == {"place": 1, "perpetrator": 1, "trap": 1}
    assert c["each"] == {"place": 1, "perpetrator": 1, "date": 1, "trap": 1}


@pytest.mark.parametrize("folder, name, group", [
    ("seed", "000_x.gold.yaml", "seed+examples"), ("examples", "201_a.gold.yaml", "seed+examples"),
    ("dev", "301_a.gold.yaml", "dev-A"), ("dev", "339_a.gold.yaml", "dev-A"), ("dev", "341_a.gold.yaml", "dev-B"),
    ("dev", "359_a.gold.yaml", "dev-B"), ("dev", "364_a.gold.yaml", "other languages"), ("dev", "340_a.gold.yaml", None),
])
def test_group_of(folder, name, group):
    assert group_of(folder, name) == group


# ---------------------------------------------------------------- over-split
FAM = {"airstrike": "violence", "shelling": "violence", "attack": "violence", "statement": "talk",
       "arrest": "coercion"}
ALEPPO = {"geonameid": 170063, "lat": 36.20, "lon": 37.16}
NEAR_ALEPPO = {"geonameid": 1, "lat": 36.40, "lon": 37.30}          # ~25 km away
DAMASCUS = {"geonameid": 170654, "lat": 33.51, "lon": 36.29}


def ev(i, etype, places=(), start=None, end=None, precision="day", perps=()):
    date = {"start": start, "end": end or start, "precision": precision if start or end else "unknown"}
    return {"id": f"e{i}", "type": etype, "places": list(places), "date": date,
            "actors": [{"name": p, "role": "perpetrator", "id": None} for p in perps]}


def test_oversplit_same_family_place_date_actors():
    doc = {"events": [
        ev(1, "airstrike", [ALEPPO], "2016-05-01", perps=["Russia"]),
        ev(2, "shelling", [NEAR_ALEPPO], "2016-05-01", "2016-05-03", perps=["Russia"]),   # pair with 1
        ev(3, "attack", [DAMASCUS], "2016-05-01"),                        # too far from 1 and 2
        ev(4, "statement", [ALEPPO], "2016-05-01"),                       # another family
        ev(5, "attack", [], "2016-05-01", perps=["ISIS"]),                # no place: agrees with 1?, 2?, 3
        ev(6, "attack", [ALEPPO]),                                        # no date: agrees on date with all
    ]}
    pairs = set(oversplit_pairs(doc, FAM))
    # 5 names ISIS, 1 and 2 name Russia: they conflict; 5 and 3 agree (no place, no perpetrator on 3)
    assert pairs == {("e1", "e2"), ("e3", "e5"), ("e1", "e6"), ("e2", "e6"), ("e5", "e6")}


def test_oversplit_dates_apart_and_unknown_types():
    doc = {"events": [ev(1, "attack", [ALEPPO], "2016-05-01"), ev(2, "attack", [ALEPPO], "2016-06-01"),
                      ev(3, "looting", [ALEPPO]), ev(4, "looting", [ALEPPO], "2016-06-01")]}
    # 1 and 2: dates apart; an unknown type is a family of its own
    assert oversplit_pairs(doc, FAM) == [("e3", "e4")]


def test_oversplit_shared_geonameid_and_empty():
    far_same_id = dict(DAMASCUS, geonameid=170063)
    doc = {"events": [ev(1, "arrest", [ALEPPO]), ev(2, "arrest", [far_same_id])]}
    assert oversplit_pairs(doc, FAM) == [("e1", "e2")]
    assert oversplit_pairs({}, FAM) == []


def test_family_map_has_the_five_families():
    fam, _ = family_map()
    assert {fam[t] for t in ("airstrike", "arrest", "displacement", "statement", "protest")} == {
        "violence", "coercion", "movement", "talk", "protest"}


# ---------------------------------------------------------------- the difference of two reports
def _file(fid, group, passed, total, traps=0, fails=(), oversplit=0):
    return {"id": fid, "group": group, "all": {"passed": passed, "total": total, "traps": traps},
            "no_attrib": {"passed": passed, "total": total, "traps": traps},
            "events": {"output": 3, "gold": 2}, "oversplit": oversplit, "fails": list(fails)}


def _report(commit, files, kinds_a, geo=40.0):
    groups = {}
    for g in ("dev-A", "dev-B"):
        rows = [f for f in files if f["group"] == g]
        groups[g] = {"files": len(rows),
                     "all": {k: sum(r["all"][k] for r in rows) for k in ("passed", "total", "traps")},
                     "no_attrib": {k: sum(r["no_attrib"][k] for r in rows) for k in ("passed", "total", "traps")},
                     "events": {"output": 3 * len(rows), "gold": 2 * len(rows)},
                     "oversplit": sum(r["oversplit"] for r in rows),
                     "kinds": {"first": kinds_a if g == "dev-A" else {}, "each": {}}}
    return {"commit": commit, "files": files, "groups": groups, "geovirus": {"e2e": geo},
            "fakes": {"passed": 700, "pct": 90.0, "events": 10, "oversplit": 2}}


def test_diff_reports_per_group_kind_and_file():
    base = _report("b", [_file("dev/301_x", "dev-A", 2, 6, fails=["FAIL place.p: no output place near it",
                                                                   "FAIL event.e: no events"]),
                         _file("dev/302_y", "dev-A", 3, 7),
                         _file("dev/341", "dev-B", 1, 5)], {"place": 1, "missing event": 1})
    cur = _report("c", [_file("dev/301_x", "dev-A", 3, 6, traps=1, fails=["FAIL event.e: no events"]),
                        _file("dev/302_y", "dev-A", 3, 7),
                        _file("dev/341", "dev-B", 2, 5, oversplit=1)], {"missing event": 1}, geo=41.5)
    d = diff_reports(cur, base)
    assert d["groups"]["dev-A"]["passed"] == 1 and d["groups"]["dev-A"]["traps"] == 1
    assert d["groups"]["dev-B"] == {"files": 0, "passed": 1, "total": 0, "passed_no_attrib": 1,
                                    "total_no_attrib": 0, "traps": 0, "events": 0, "oversplit": 1}
    assert d["kinds"]["dev-A"] == {"place": -1}
    assert [f["id"] for f in d["files"]] == ["dev/301_x", "dev/341"]
    assert d["files"][0]["fixed"] == ["FAIL place.p: no output place near it"]
    assert "fixed" not in d["files"][1]                     # dev-B: numbers only
    assert d["geovirus"] == {"e2e": 1.5}
    text = "\n".join(diff_lines(d))
    assert "dev/341: 1/5 → 2/5" in text and "now passes: FAIL place.p" in text


def test_fact_changes_by_key():
    base = ["FAIL event.a: date None", "FAIL event.b: no events", "TRAP old"]
    cur = ["FAIL event.a: no place near x", "FAIL place.c: no output place near it", "TRAP new"]
    assert fact_changes(base, cur) == {"fixed": ["FAIL event.b: no events"],
                                       "broken": ["FAIL place.c: no output place near it"],
                                       "changed": ["FAIL event.a: no place near x"],
                                       "traps_new": ["TRAP new"], "traps_gone": ["TRAP old"]}


# ---------------------------------------------------------------- pattern entries
PATTERNS = {"types": {"airstrike": {"priority": 90, "nouns": ["airstrike", "air raid", "airstrike"], "verbs": []}},
            "number_words": {"one": 1, "two": 2},
            "not_real": {"hypothetical": ["if", "would"]}}


def test_entries_are_list_words_and_map_keys_not_settings():
    es = entries("nlp/patterns/events.yaml", PATTERNS)
    assert [e.label for e in es] == [
        "events.yaml: types.airstrike.nouns 'airstrike'", "events.yaml: types.airstrike.nouns 'air raid'",
        "events.yaml: types.airstrike.nouns 'airstrike'", "events.yaml: number_words 'one'",
        "events.yaml: number_words 'two'", "events.yaml: not_real.hypothetical 'if'",
        "events.yaml: not_real.hypothetical 'would'"]
    assert duplicates(es) == {es[2]}
    new = ablate(PATTERNS, es[1])
    assert new["types"]["airstrike"]["nouns"] == ["airstrike", "airstrike"]
    assert PATTERNS["types"]["airstrike"]["nouns"][1] == "air raid"          # the original is untouched
    assert ablate(PATTERNS, es[4])["number_words"] == {"one": 1}


def test_compare_flags_an_entry_that_helps_one_file():
    base = {"a": [3, 5, 0, 3, 2], "b": [2, 4, 1, 2, 2], "c": [1, 1, 0, 1, 1]}
    one = compare(base, {"a": [2, 5, 0, 2, 2], "b": [2, 4, 0, 2, 2], "c": [1, 1, 0, 1, 1]})
    assert one["lowered"] == ["a"] and one["raised"] == ["b"] and one["flagged"]
    two = compare(base, {"a": [2, 5, 0, 2, 2], "b": [2, 4, 2, 2, 2], "c": [1, 1, 0, 1, 1]})
    assert two["lowered"] == ["a", "b"] and not two["flagged"]
    none = compare(base, {"a": [3, 5, 0, 2, 9], "b": [2, 4, 1, 2, 2], "c": [1, 1, 0, 1, 1]})
    assert none["changed"] == {} and not none["flagged"]


@pytest.mark.issue(22)
def test_fakes_incidents_line_is_printed_and_diffed():
    from evaluation.report import summary_lines
    line = "incidents: pairwise P 97.4 % R 34.5 % F1 51.0 %, distinct merged 2/17, largest incident 45 events"
    cur = {"fakes_incidents": {"line": line, "incidents": 3727, "group_s": 3.9, "widest_days": 366,
                               "precision": 97.4, "recall": 34.5, "f1": 51.0, "distinct_merged": 2, "largest": 45}}
    base = {"fakes_incidents": {"precision": 10.3, "recall": 61.4, "f1": 17.7, "distinct_merged": 12, "largest": 2019}}
    printed = summary_lines(cur)
    assert printed[0] == "FA-KES " + line and "3727 grouped in memory" in printed[1]
    d = diff_reports({"groups": {}, "files": [], **cur}, {"groups": {}, "files": [], **base})
    assert d["fakes_incidents"]["f1"] == pytest.approx(33.3) and d["fakes_incidents"]["distinct_merged"] == -10
    assert any(ln.startswith("fakes_incidents: precision +87.1") for ln in diff_lines(d))
