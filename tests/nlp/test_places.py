"""Place recognition in context, on texts written for the tests."""
from __future__ import annotations

import pytest

from tests.conftest import write
from warledger.resolve.gazetteer import km


@pytest.fixture(scope="module")
def nlp():
    from warledger.nlp.pipeline import load_pipeline
    return load_pipeline()


def places(nlp, text):
    doc = nlp(text)
    return {text[s:e]: p for p in doc._.wl_places for s, e in p.mentions}


@pytest.mark.parametrize("text,actor,scene", [
    ("Moscow denied the report on Monday, while the envoys met for talks in Geneva.", "Moscow", "Geneva"),
    ("Damascus accused the rebels of shelling the old market of Homs.", "Damascus", "Homs"),
    ("The strike was condemned by Washington, and protesters gathered in Beijing.", "Washington", "Beijing"),
])
def test_places_capital_acting_is_not_a_place(nlp, text, actor, scene):
    found = places(nlp, text)
    assert actor not in found
    assert scene in found


@pytest.mark.parametrize("text", ["The delegation arrived in Moscow late on Tuesday for talks."])
def test_places_capital_as_scene_is_a_place(nlp, text):
    found = places(nlp, text)
    assert found["Moscow"].place.country == "RU"


@pytest.mark.parametrize("text", ["Russian bombings and Iranian advisers were blamed by Syrian activists.",
                                  "Ukrainian troops fought Russian units through the night."])
def test_places_demonyms_are_never_places(nlp, text):
    assert places(nlp, text) == {}


@pytest.mark.parametrize("text", ["Will the truce hold? Mobile clinics reached the area on Monday.",
                                  "Economy ministers met to discuss the deal."])
def test_places_capitalised_common_words_are_not_places(nlp, text):
    assert places(nlp, text) == {}


@pytest.mark.parametrize("text,unknown,locator", [
    ("Fighters withdrew from Jaramana & Tell Sawsanit in south Damascus on Friday.", "Tell Sawsanit", "Jaramana"),
    ("Shelling hit the village of Khirbet Umm Zaytuna near Homs, residents said.", "Khirbet Umm Zaytuna", "Homs"),
])
def test_places_unknown_toponym_located_by_context(nlp, text, unknown, locator):
    found = places(nlp, text)
    assert unknown in found, found
    rec, loc = found[unknown], found[locator]
    assert rec.place is None and rec.precision == "near"
    assert km(rec.lat, rec.lon, loc.lat, loc.lon) < 1


@pytest.mark.parametrize("story,country", [
    ("Militias clashed near Misrata as the government in Libya called for calm. Residents of Tripoli "
     "reported gunfire overnight.", "LY"),
    ("Gunmen clashed in the northern Lebanese port city as troops deployed across Lebanon. Residents of "
     "Tripoli reported gunfire overnight.", "LB"),
])
def test_places_ambiguity_resolved_by_context(nlp, story, country):
    assert places(nlp, story)["Tripoli"].place.country == country


@pytest.mark.parametrize("text", ["Rockets struck Tell Sawsanit and the nearby farms on Monday."])
def test_places_supplementary_file_through_config(tmp_path, text):
    from warledger.nlp.pipeline import load_pipeline
    csv_path = write(tmp_path, "local.csv", "name,aliases,lat,lon,country,admin1,level\n"
                                            "Tell Sawsanit,,33.401,36.502,SY,Rif Dimashq,populated_place\n")
    cfg = write(tmp_path, "p.cfg", '[nlp]\nmodel = "auto"\n\n[components]\n\n'
                                   '[components.warledger_structure]\nfactory = "warledger_structure"\n\n'
                                   '[components.warledger_places]\nfactory = "warledger_places"\n\n'
                                   '[components.warledger_places.gazetteer]\n@misc = "warledger.gazetteer.v1"\n'
                                   f'path = null\nsupplement = "{csv_path}"\n')
    found = places(load_pipeline(None, str(cfg)), text)
    assert (found["Tell Sawsanit"].lat, found["Tell Sawsanit"].precision) == (33.401, "exact")


@pytest.mark.parametrize("text", ["LATEST\n- Shelling Reported Near Aleppo\n- Talks Resume\n"
                                  "Aid arrived in Idlib on Monday, officials said.\n"])
def test_places_navigation_links_are_not_read(nlp, text):
    assert set(places(nlp, text)) == {"Idlib"}


@pytest.mark.parametrize("text,name", [("Government troops recaptured Kherson on Friday after weeks of fighting.", "Kherson")])
def test_places_object_of_a_capture_verb(nlp, text, name):
    assert name in places(nlp, text)
