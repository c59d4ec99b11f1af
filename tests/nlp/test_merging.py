"""Within-document coreference of events (``nlp/merging.py``): the rules on typed records built
for the test, then end to end on short reports written for it."""
from __future__ import annotations

import datetime as dt

import pytest

from warledger.model import Attribution, Event, EventDate, Fatalities, PlaceRef, Role
from warledger.nlp.merging import merge_events, status_of

DAY = dt.date(2022, 3, 14)
TOWN = PlaceRef("Kidal", 2455290, 18.44, 1.41, "ML", "Kidal", "populated_place", "exact")
NEAR_TOWN = PlaceRef("Anefis", 2460596, 18.05, 0.61, "ML", "Kidal", "populated_place", "exact")   # ~95 km
FAR_TOWN = PlaceRef("Mopti", 2453348, 14.49, -4.20, "ML", "Mopti", "populated_place", "exact")
COUNTRY = PlaceRef("Mali", 2453866, 17.0, -4.0, "ML", None, "country", "country")
OTHER_COUNTRY = PlaceRef("Niger", 2440476, 17.6, 8.1, "NE", None, "country", "country")


def ev(n: int, type_: str = "attack", *, day: dt.date | None = None, precision: str = "day", places=(),
       actors=(), toll: int | None = None, atts=(), at: int | None = None) -> Event:
    start = at if at is not None else n * 100
    date = EventDate(day, day, precision, "on Monday", (start, start + 9)) if day else EventDate(None, DAY, "unknown")
    fat = Fatalities(toll, toll, toll, "people", f"{toll} people", (start + 10, start + 18)) if toll else None
    return Event(id=f"e{n}", type=type_, date=date, places=tuple(places), actors=tuple(actors), fatalities=fat,
                 attributions=tuple(atts), mentions=((start, start + 60),))


def perp(name: str, id_: str | None = None) -> Role:
    return Role(name, "perpetrator", id_, "armed_group")


def said(source: str | None, stance: str, at: int = 0) -> Attribution:
    return Attribution(source, stance, DAY, None, (at, at + 5) if source else None)


def test_a_report_told_again_is_one_event_keeping_the_first_toll_and_every_place():
    out = merge_events([ev(1, day=DAY, places=[TOWN], toll=12, actors=[perp("gunmen")]),
                        ev(2, places=[TOWN, COUNTRY], actors=[perp("gunmen")])])
    assert len(out) == 1
    e = out[0]
    assert e.id == "e1" and e.fatalities.best == 12 and e.date.start == DAY
    assert {p.name for p in e.places} == {"Kidal", "Mali"}
    assert e.mentions == ((100, 160), (200, 260))


@pytest.mark.parametrize("second", [
    ev(2, day=DAY + dt.timedelta(days=2), places=[TOWN]),                 # another day
    ev(2, day=DAY, places=[FAR_TOWN]),                                    # another town, far away
    ev(2, day=DAY, places=[TOWN], actors=[perp("army")]),                 # another side
    ev(2, day=DAY, places=[TOWN], toll=40),                               # another toll
    ev(2, "protest", day=DAY, places=[TOWN]),                             # another kind of happening
    ev(2, day=DAY, places=[OTHER_COUNTRY]),                               # another country
])
def test_reports_that_differ_stay_apart(second):
    first = ev(1, day=DAY, places=[TOWN], toll=5, actors=[perp("gunmen")])
    assert len(merge_events([first, second])) == 2


def test_a_country_holds_a_town_of_it_and_a_nearby_town_is_in_reach():
    assert len(merge_events([ev(1, day=DAY, places=[TOWN]), ev(2, places=[COUNTRY])])) == 1
    assert len(merge_events([ev(1, "bombing", day=DAY, places=[TOWN]),
                             ev(2, "bombing", places=[PlaceRef("Kidal airport", None, 18.45, 1.35, "ML", "Kidal",
                                                               "airport", "exact")])])) == 1
    assert len(merge_events([ev(1, day=DAY, places=[TOWN]), ev(2, day=DAY, places=[NEAR_TOWN])])) == 2


def test_two_named_victims_are_two_killings():
    a = ev(1, "killing", day=DAY, places=[TOWN], actors=[Role("Amadou Traore", "victim", None, "person")])
    b = ev(2, "killing", day=DAY, places=[TOWN], actors=[Role("Fatou Diallo", "victim", None, "person")])
    assert len(merge_events([a, b])) == 2


def test_a_speaker_is_his_own_statement():
    a = ev(1, "statement", day=DAY, actors=[Role("the governor", "participant", None, "person")])
    b = ev(2, "statement", day=DAY, actors=[Role("the mayor", "participant", None, "person")])
    c = ev(3, "statement", day=DAY, actors=[Role("the governor", "participant", None, "person")])
    out = merge_events([a, b, c])
    assert [len(e.mentions) for e in out] == [2, 1]


def test_a_generic_type_gives_way_and_two_detailed_types_stay_apart():
    out = merge_events([ev(1, "attack", day=DAY, places=[TOWN]), ev(2, "airstrike", day=DAY, places=[TOWN])])
    assert [e.type for e in out] == ["airstrike"]
    # a battle and an air strike, each with a date and place of its own: two happenings
    out = merge_events([ev(1, "airstrike", day=DAY, places=[TOWN], toll=3),
                        ev(2, "armed_clash", day=DAY, places=[TOWN])])
    assert [e.type for e in out] == ["airstrike", "armed_clash"]
    # "the fighting" with nothing of its own is the strike's
    out = merge_events([ev(1, "airstrike", day=DAY, places=[TOWN], toll=3), ev(2, "armed_clash", places=[COUNTRY])])
    assert [e.type for e in out] == ["airstrike"]


def test_clauses_of_one_sentence_are_left_as_the_event_stage_read_them():
    a = ev(1, "attack", day=DAY, places=[TOWN], at=100)
    b = ev(2, "attack", day=DAY, places=[TOWN], at=120)       # overlapping mention: one sentence
    assert len(merge_events([a, b])) == 2


def test_one_stance_per_source_and_the_status_again():
    a = ev(1, day=DAY, places=[TOWN], toll=4, atts=[said("the army", "asserts", 110)])
    b = ev(2, places=[TOWN], atts=[said("the army", "denies", 210), said("the rebels", "denies", 230)])
    e, = merge_events([a, b])
    stances = {x.source: x.stance for x in e.attributions}
    assert stances == {"the army": "asserts", "the rebels": "denies"}      # the detailed report's word stands
    assert e.status == "contested"
    # the outlet's own report gives way to a cited source
    c = ev(1, day=DAY, places=[TOWN], atts=[said("Daily Monitor", "reports")])
    c = Event(**{**{f: getattr(c, f) for f in c.__slots__}, "attributions": (Attribution("Daily Monitor", "reports"),)})
    d = ev(2, places=[TOWN], atts=[said("police", "confirms", 250)])
    e, = merge_events([c, d])
    assert [(x.source, x.stance) for x in e.attributions] == [("police", "confirms")] and e.status == "confirmed"


@pytest.mark.parametrize("stances,status", [
    (["denies"], "denied"), (["reports", "denies"], "contested"), (["confirms", "reports"], "confirmed"),
    (["claims"], "claimed"), (["reports", "asserts"], "reported"), ([], "reported")])
def test_status_of_stances(stances, status):
    assert status_of(stances) == status


# ------------------------------------------------------------------ end to end
REPORTS = [
    # the headline, a lede and a witness's account further down
    ("Suicide bomber kills 11 at wedding in Kano\n\n"
     "A suicide bomber blew himself up at a wedding in Kano on Saturday, killing 11 guests, police said.\n\n"
     "Witnesses said the bomber walked into the hall in Kano as the couple arrived. The police commissioner "
     "said 11 people were killed in the bombing.\n", 1),
    # the headline, a lede and a sentence further down about the same strike
    ("Air strike hits market in Idlib\n\n"
     "An air strike hit a crowded market in Idlib on Sunday, killing 14 people, rescuers said.\n\n"
     "The strike on the market in Idlib was the deadliest this month, residents said.\n", 1),
    # two attacks in two towns far apart stay two
    ("Militants attacked an army post in Gao on Monday, killing three soldiers.\n\n"
     "On Wednesday, gunmen attacked a village near Mopti and killed 20 civilians.\n", 2),
]


@pytest.mark.parametrize("text,n", REPORTS)
def test_reports_read_whole(tmp_path, text, n):
    from warledger.extract import extract
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    out, = extract(path)
    violent = [e for e in out["events"] if e["type"] not in ("statement",)]
    assert len(violent) == n, [(e["type"], [p["name"] for p in e["places"]], e["date"]) for e in violent]
    for e in violent:
        for s, t in e["mentions"]:
            assert 0 <= s < t <= len(text)


def test_two_sources_figures_of_one_toll_in_one_sentence_are_one_event():
    # "the rebels say 60 soldiers died, but the governor said at least 40 did": one sentence, two figures
    rebels, soldiers = perp("the rebels"), Role("soldiers", "victim", None, "group")
    a = ev(1, "killing", places=[TOWN], toll=60, actors=[soldiers], atts=[said("the rebels", "reports", 101)], at=100)
    b = ev(2, "killing", places=[TOWN], toll=40, actors=[soldiers], atts=[said("the governor", "reports", 150)], at=100)
    e, = merge_events([ev(0, "attack", day=DAY, places=[TOWN], actors=[rebels], at=0), merge_events([a, b])[0]])
    assert {x.source: x.stance for x in e.attributions} == {"the rebels": "claims", "the governor": "reports"}
    # one source, or other victims: left apart
    c = ev(2, "killing", places=[TOWN], toll=40, actors=[soldiers], atts=[said("the rebels", "reports", 150)], at=100)
    assert len(merge_events([a, c])) == 2
    d = ev(2, "killing", places=[TOWN], toll=40, actors=[Role("police", "victim", None, "group")],
           atts=[said("the governor", "reports", 150)], at=100)
    assert len(merge_events([a, d])) == 2
