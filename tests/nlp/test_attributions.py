"""Who says so: stance, negation, linking and status, on sentences written for the tests."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.nlp.test_events import read


@pytest.fixture(scope="module")
def nlp():
    from warledger.nlp.pipeline import load_pipeline
    return load_pipeline()


def stances(events):
    return {(a["source"], a["stance"]) for e in events for a in e["attributions"]}


@pytest.mark.parametrize("text,source,stance", [
    ("Local officials said an air strike killed nine civilians in Marib on Monday.", "Local officials", "reports"),
    ("Human Rights Watch documented six air strikes that killed 40 civilians in Idlib.", "Human Rights Watch",
     "asserts"),
    ("The army confirmed that its jets struck a base near Hama, killing 12 fighters.", "Syrian military", "confirms"),
    ("Russia denied that its aircraft had bombed the hospital in Aleppo.", "Russia", "denies"),
    ("The Taliban claimed responsibility for the bombing in Kabul that killed 20 people.", "Taliban", "claims"),
    ("According to the United Nations, shelling killed 14 people in Donetsk.", "United Nations", "reports"),
])
def test_attributions_stance_by_verb(nlp, text, source, stance):
    if source == "Syrian military":
        text = "Syrian forces pressed on. " + text
    events, _ = read(nlp, text, dt.date(2020, 5, 5))
    assert (source, stance) in stances(events), stances(events)


@pytest.mark.parametrize("text,source,stance", [
    ("NATO officials have not confirmed the toll of the air strike near Kunduz that killed 11 civilians.",
     "NATO", "cannot_confirm"),
    ("The UN cannot independently confirm that the shelling in Homs killed 30 people.", "United Nations",
     "cannot_confirm"),
    ("The ministry refused to deny that its forces shelled the village near Kharkiv, killing three.", "ministry",
     "declines_comment"),
])
def test_attributions_negation_and_modals(nlp, text, source, stance):
    events, _ = read(nlp, text, dt.date(2020, 5, 5))
    assert any(src and source.lower() in src.lower() and st == stance for src, st in stances(events)), stances(events)


def test_attributions_later_denial_goes_to_the_right_event(nlp):
    text = ("Rebels said government jets bombed a market in Douma on Monday, killing 25 people.\n"
            "Separately, gunmen abducted four aid workers in Raqqa on Sunday.\n"
            "The government denied the reports.\n")
    events, _ = read(nlp, text, dt.date(2017, 3, 7))
    air = next(e for e in events if e["type"] == "airstrike")
    abduction = next(e for e in events if e["type"] == "abduction")
    assert any(a["stance"] == "denies" for a in air["attributions"] + abduction["attributions"])
    assert sum(a["stance"] == "denies" for e in events for a in e["attributions"]) == 1


@pytest.mark.parametrize("text,status", [
    ("Activists said an air strike killed 16 civilians in Idlib on Monday. Russia denied carrying out the strike.",
     "contested"),
    ("The Islamic State claimed responsibility for the bombing in Baghdad that killed 30 people.", "claimed"),
    ("The army confirmed that the ambush near Gao killed six soldiers.", "confirmed"),
    ("Police said a car bomb killed five people near the checkpoint in Mogadishu.", "reported"),
])
def test_attributions_status_rules(nlp, text, status):
    events, _ = read(nlp, text, dt.date(2020, 5, 5))
    assert status in {e["status"] for e in events}, [(e["type"], e["status"], e["attributions"]) for e in events]


def test_attributions_one_stance_per_source(nlp):
    text = ("The ministry said an air strike hit the depot near Homs, killing 7 soldiers. "
            "The ministry later confirmed the air strike.")
    events, _ = read(nlp, text, dt.date(2020, 5, 5))
    for e in events:
        sources = [a["source"] for a in e["attributions"]]
        assert len(sources) == len(set(sources))


@pytest.mark.parametrize("text,source", [
    ("Rebels said an air strike hit a hospital in Aleppo on Monday, killing 12 people. "
     "Investigators later discredited the account of the strike.", "Investigators"),
])
def test_attributions_discredits(nlp, text, source):
    events, _ = read(nlp, text, dt.date(2016, 5, 5))
    assert (source, "discredits") in stances(events), stances(events)


@pytest.mark.parametrize("text", ["Officials said the shelling in Kharkiv may have killed 10 civilians on Monday."])
def test_attributions_modal_is_no_confirmation(nlp, text):
    events, _ = read(nlp, text, dt.date(2022, 5, 5))
    found = stances(events)
    assert ("Officials", "reports") in found and not any(st == "confirms" for _, st in found)


@pytest.mark.parametrize("text,source", [
    ("Gunmen ambushed a police convoy near Kano on Monday. The army said it was investigating the ambush.", "army"),
    ("A drone strike hit a wedding party in Marib on Sunday, and the coalition said it is looking into the reports.",
     "coalition"),
    ("Gunmen raided a prison in Jos on Friday, killing two guards. Police are assessing reports of the raid.",
     "Police"),
])
def test_attributions_a_source_still_examining_it_cannot_confirm(nlp, text, source):
    events, _ = read(nlp, text, dt.date(2020, 5, 5))
    assert any(src and source.lower() in src.lower() and st == "cannot_confirm" for src, st in stances(events)), \
        stances(events)


@pytest.mark.parametrize("text,source", [
    ("A car bomb killed nine people in Mogadishu on Monday. The mayor commented on the attack late on Monday.",
     "mayor"),
    ("A witness, Amina Ali, recounted that gunmen shot four men outside the mosque in Kano.", "Amina Ali"),
    ("A nurse testified that soldiers shelled the clinic in Bor, killing two patients.", "nurse"),
])
def test_attributions_commenting_recounting_testifying_report(nlp, text, source):
    events, _ = read(nlp, text, dt.date(2020, 5, 5))
    assert any(src and source.lower() in src.lower() and st == "reports" for src, st in stances(events)), \
        stances(events)


@pytest.mark.parametrize("text,source", [
    ("The head of the main clinic in the provincial capital says shelling killed six people on Monday.",
     "head of the main clinic"),
    ("The chief of the village council said gunmen killed four farmers near the river.", "chief of the village council"),
    ("A member of the rescue team said an air strike killed nine people in the market.", "member of the rescue team"),
])
def test_attributions_a_bare_title_keeps_what_it_is_of(nlp, text, source):
    events, _ = read(nlp, text, dt.date(2021, 3, 3))
    assert (source, "reports") in stances(events), stances(events)


def test_attributions_what_a_participle_announces_is_no_source(nlp):
    text = ("After a first toll of 12 soldiers and three civilians announced on Monday, the army raised the "
            "number of soldiers killed in the ambush to 20 on Tuesday.")
    events, _ = read(nlp, text, dt.date(2022, 6, 9))
    got = stances(events)
    assert events and not any("civilians" in (src or "") for src, _ in got), got


@pytest.mark.parametrize("text,source", [
    ("The army raised the toll to 30 soldiers killed in the ambush, in a statement on Tuesday. The statement "
     "also said the attackers fled.", "The army"),
    ("The army raised the toll to include 30 soldiers in a statement on Tuesday. The statement said the "
     "gunmen also killed two villagers.", "The army"),
])
def test_attributions_the_statement_is_its_issuer_s_up_the_clause(nlp, text, source):
    events, _ = read(nlp, text, dt.date(2022, 6, 9))
    got = stances(events)
    assert (source, "reports") in got and ("statement", "reports") not in got, got


def test_attributions_a_participle_on_a_noun_is_no_issuer_s_act(nlp):
    text = ("The rebels rejected the figures published in a statement on Monday. The statement said soldiers "
            "killed 40 fighters in the hills.")
    events, _ = read(nlp, text, dt.date(2022, 6, 9))
    assert not any(src == "The rebels" for src, _ in stances(events)), stances(events)
