"""Actor recognition on texts written for the tests."""
from __future__ import annotations

import pytest

from warledger.model import Document
from warledger.structure import analyse_structure


@pytest.fixture(scope="module")
def nlp():
    from warledger.nlp.pipeline import load_pipeline
    return load_pipeline()


def actors(nlp, text):
    doc = nlp.make_doc(text)
    doc.user_data["wl_structure"] = analyse_structure(Document(text=text))
    doc = nlp(doc)
    return {text[s:e]: r for r in doc._.wl_actors for s, e in r.mentions}


@pytest.mark.parametrize("text,mention,name", [
    ("Минобороны России заявило, что удары наносились только по военным целям.", "Минобороны России",
     "Russian Ministry of Defence"),
    ("وقالت الأمم المتحدة إن المساعدات لم تصل إلى المدينة.", "الأمم المتحدة", "United Nations"),
    ("The strikes hit only military targets, @mod_russia wrote on Tuesday.", "@mod_russia",
     "Russian Ministry of Defence"),
    ("Aid was blocked at the crossing, @hrw said in a statement.", "@hrw", "Human Rights Watch"),
])
def test_actors_aliases_in_any_script_and_handles(nlp, text, mention, name):
    assert actors(nlp, text)[mention].name == name


@pytest.mark.parametrize("text,capital,state", [
    ("Moscow denied that its jets had struck the market.", "Moscow", "Russia"),
    ("Washington warned that the sanctions would stay in place.", "Washington", "United States"),
    ("The plan was rejected by Ankara within hours.", "Ankara", "Turkey"),
])
def test_actors_capital_acting_is_its_state(nlp, text, capital, state):
    assert actors(nlp, text)[capital].name == state


@pytest.mark.parametrize("text", ["Delegates met in Moscow to discuss the grain corridor."])
def test_actors_capital_as_scene_is_no_actor(nlp, text):
    assert "Moscow" not in actors(nlp, text)


@pytest.mark.parametrize("text,mention,name", [
    ("Russian bombings destroyed two bakeries in the town.", "Russian", "Russia"),
    ("Iranian troops were seen near the border crossing.", "Iranian troops", "Iranian military"),
    ("Ukrainian soldiers repelled the assault overnight.", "Ukrainian soldiers", "Ukrainian military"),
])
def test_actors_demonyms_give_state_or_forces(nlp, text, mention, name):
    assert actors(nlp, text)[mention].name == name


@pytest.mark.parametrize("story,name", [
    ("Russia said its aircraft had hit only fighters. The Defense Ministry said the report was false.",
     "Russian Ministry of Defence"),
    ("Israel said its aircraft had hit only fighters. The Defense Ministry said the report was false.",
     "Israeli Ministry of Defence"),
])
def test_actors_description_resolved_by_context(nlp, story, name):
    assert actors(nlp, story)["The Defense Ministry"].name == name


@pytest.mark.parametrize("story,mention", [
    ("Nigeria's army said it had retaken the town. The federal government said talks would resume.",
     "The federal government"),
    ("Nigeria's army said it had retaken the town. Later the central government ordered an inquiry.",
     "the central government"),
    ("Nigeria's army said it had retaken the town. The military government declared a curfew.",
     "The military government"),
])
def test_actors_government_described_is_the_story_state_s(nlp, story, mention):
    assert actors(nlp, story)[mention].name == "Nigerian government"


@pytest.mark.parametrize("text,org", [
    ("The Northern Valley Relief Coalition said the convoy had been turned back at the checkpoint.",
     "Northern Valley Relief Coalition"),
])
def test_actors_unknown_organisation_kept_from_ner(nlp, text, org):
    found = actors(nlp, text)
    key = next(k for k in found if org in k)
    assert found[key].actor is None and found[key].kind in ("group", "person")


def test_actors_seed_listing(nlp, seed_text):
    from warledger.resolve.registry import load_registry
    reg = load_registry()
    found = actors(nlp, seed_text)

    def via(state_or_id):
        out = set()
        for text, rec in found.items():
            a = rec.actor
            while a is not None:
                if a.id == state_or_id:
                    out.add(text)
                    break
                a = reg.actors.get(a.affiliation) if a.affiliation else None
        return out
    assert {"Moscow", "the Kremlin", "Russian"} <= via("RUS")
    assert {"Минобороны России", "@mod_russia", "the Defense Ministry"} <= via("RUS.mod")
    assert {"UN", "Ban Ki-Moon", "Staffan de Mistura"} <= via("un")
    assert {"Assad regime", "Walid al-Moallem"} <= via("SYR.gov")
    assert {"ISIS", "the Islamic State"} <= via("isis")
    assert {"Iran"} <= via("IRN")
    names = {rec.name for rec in found.values()}
    assert {"Amnesty International", "Human Rights Watch", "Physicians for Human Rights",
            "Médecins Sans Frontières"} <= names


@pytest.mark.parametrize("text,word", [
    ("Strong winds hit the island of Luzon on Sunday, and the island lost power.", "island"),
    ("A turkey farm near Ankara burned on Monday, and Turkey said it would help.", "turkey"),
])
def test_actors_a_capitalised_name_is_no_common_word(nlp, text, word):
    """A name the registry writes capitalised (a state's name in another language, "Island") is
    not read in the common word the text writes in lower case."""
    assert word not in actors(nlp, text)


@pytest.mark.parametrize("text,piece", [
    ("Winds of 290km/h hit the coast on Sunday, officials said.", "km/h"),
    ("The army said it fired 330mm rockets at the rebels.", "mm"),
])
def test_actors_no_actor_is_cut_from_a_word(nlp, text, piece):
    found = actors(nlp, text)
    assert piece not in found
    for s, e in (m for r in found.values() for m in r.mentions):
        assert not (s and text[s - 1].isalnum()) and not (e < len(text) and text[e].isalnum()), text[s:e]
