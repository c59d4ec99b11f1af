"""Roles as data (issue 18): the rules of ``nlp/patterns/roles.yaml``, each fired by the example
sentence it carries, roles keeping their rule's name, the anchored matcher matching as spaCy's
DependencyMatcher does, and sentences of other constructions for each role."""
from __future__ import annotations

import pytest
from spacy.matcher import DependencyMatcher

from warledger.errors import ModelError
from warledger.model import Document
from warledger.nlp.extensions import USER_STRUCTURE
from warledger.nlp.role_patterns import load_role_patterns
from warledger.nlp.roles import RoleFinder
from warledger.structure import analyse_structure

PATTERNS = load_role_patterns().patterns


@pytest.fixture(scope="module")
def nlp():
    from warledger.nlp.pipeline import load_pipeline
    return load_pipeline()


def parsed(nlp, text: str):
    doc = nlp.make_doc(text)
    doc.user_data[USER_STRUCTURE] = analyse_structure(Document(text=text))
    return nlp(doc)


def rule_roles(nlp, text: str, monkeypatch) -> list[tuple[str, str, str | None]]:
    """Every (name, role, rule) the role rules gave any trigger of ``text``, before the event
    extractor merges them (one rule's role may stand behind another's with the same name)."""
    seen: list[tuple[str, str, str | None]] = []
    original = RoleFinder.roles_for

    def recording(self, index, trig, etype, event_nouns):
        out = original(self, index, trig, etype, event_nouns)
        seen.extend((r.name, r.role, r.rule) for r in out)
        return out

    monkeypatch.setattr(RoleFinder, "roles_for", recording)
    parsed(nlp, text)
    return seen


def event_roles(nlp, text: str) -> list[tuple[str, str, str | None]]:
    """(name, role, rule) of every event's actors, as ``warledger extract --explain`` writes them."""
    from warledger.export.extract_json import event_json
    from warledger.nlp.convert import doc_events
    return [(a["name"], a["role"], a.get("rule")) for e in doc_events(parsed(nlp, text), None)
            for a in event_json(e, explain=True)["actors"]]


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_roles_every_rule_has_a_note_and_an_example(pattern):
    assert pattern.note and pattern.example and pattern.expect, f"{pattern.name}: note, example and expect"
    assert set(pattern.expect) == {"name", "role"}


@pytest.mark.issue(18)
@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_roles_rule_fires_on_its_example(nlp, monkeypatch, pattern):
    got = rule_roles(nlp, pattern.example, monkeypatch)
    assert (pattern.expect["name"], pattern.expect["role"], pattern.name) in got, got


@pytest.mark.parametrize("text,name,role,rule", [
    ("Islamic State militants attacked a checkpoint near Deir ez-Zor on Monday.", "Islamic State", "perpetrator",
     "active_subject"),
    ("Two soldiers were killed by Boko Haram in Borno state on Sunday.", "Boko Haram", "perpetrator",
     "passive_agent"),
    ("Turkish air strikes hit Kurdish positions in northern Iraq on Friday.", "Turkey", "perpetrator", "event_owner"),
    ("The Taliban claimed responsibility for the bombing in Kabul on Tuesday.", "Taliban", "perpetrator",
     "responsibility_for"),
    ("Insurgents launched an attack on Bagram Airfield near Kabul on Thursday.", "Insurgents", "perpetrator",
     "launched"),
    ("Men believed to be members of the Taliban attacked a police post in Ghazni on Monday.", "Taliban",
     "perpetrator", "hedged_identity"),
    ("Men believed to be members of the Taliban attacked a police post in Ghazni on Monday.", "Men",
     "perpetrator", "hedged_subject"),
    ("Gunmen thought to be members of al-Shabab stormed a hotel in Mogadishu on Friday.", "Gunmen",
     "perpetrator", "hedged_subject"),
    ("Militants suspected of belonging to Boko Haram raided a village near Gwoza on Sunday.", "Boko Haram",
     "perpetrator", "hedged_identity"),
])
def test_roles_perpetrator(nlp, text, name, role, rule):
    assert (name, role, rule) in event_roles(nlp, text)


@pytest.mark.parametrize("text,name,role,rule", [
    ("Government forces clashed with al-Shabaab fighters near Kismayo on Monday.", "al-Shabaab", "target",
     "clash_with"),
    ("Militants carried out an attack on a convoy of aid workers near Goma on Friday.", "aid workers", "target",
     "attack_on"),
    ("The air force conducted raids overnight on Houthi bases in the north.", "Houthi", "target", "launched_on"),
    ("The militia fired rockets on Tuesday against Kurdish fighters in the valley.", "Kurdish fighters", "target",
     "launched_on"),
])
def test_roles_target(nlp, text, name, role, rule):
    assert (name, role, rule) in event_roles(nlp, text)


@pytest.mark.parametrize("text,name,role,rule", [
    ("Two soldiers were killed by Boko Haram in Borno state on Sunday.", "soldiers", "victim", "kill_object"),
    ("Five peacekeepers were killed in an ambush near Kidal on Sunday.", "peacekeepers", "victim", "kill_object"),
    # a group noun keeps every word of the name before it
    ("Dozens of Dar Fur Liberation fighters were killed near the border.", "Dar Fur Liberation fighters", "victim",
     "kill_object"),
    ("The abduction of two engineers near Gao was blamed on gunmen.", "engineers", "victim", "noun_of_object"),
    ("The kidnapping of three nurses near Jos on Friday alarmed the hospital.", "nurses", "victim", "noun_of_object"),
    ("The assassination of a local councillor in Idlib on Sunday shocked residents.", "local councillor", "victim",
     "death_of"),
])
def test_roles_victim(nlp, text, name, role, rule):
    assert (name, role, rule) in event_roles(nlp, text)


@pytest.mark.parametrize("text,name,role,rule", [
    ("The government signed a peace agreement with the rebels in Juba on Sunday.", "the rebels", "participant",
     "talks_with"),
    ("The government signed a peace agreement with the rebels in Juba on Sunday.", "The government", "participant",
     "active_subject"),
    ("Heavy fighting between the army and Houthi rebels continued near Saada on Friday.", "Houthis", "participant",
     "talks_with"),
])
def test_roles_participant(nlp, text, name, role, rule):
    assert (name, role, rule) in event_roles(nlp, text)


@pytest.mark.parametrize("text", ["Sudan held talks with South Sudan in Addis Ababa on Monday."])
def test_roles_rule_written_only_when_explained(nlp, text):
    from warledger.export.extract_json import event_json
    from warledger.nlp.convert import doc_events
    events = doc_events(parsed(nlp, text), None)
    plain = [event_json(e) for e in events]
    explained = [event_json(e, explain=True) for e in events]
    assert all("rule" not in a for e in plain for a in e["actors"]) and all("explain" not in e for e in plain)
    parts = [x for e in explained for x in e["explain"] if x["part"] == "actor"]
    assert ("South Sudan", "talks_with") in {(x["name"], x["rule"]) for x in parts}
    # a party the event extractor adds itself, outside roles.yaml, is named by the event stage
    assert ("Sudan", "party_named_in_talks") in {(x["name"], x["rule"]) for x in parts}
    assert all(x["rule"] for x in parts)


@pytest.mark.parametrize("texts", [[p.example for p in PATTERNS] + [
    "The deaths of two aid workers and a driver in an attack on their convoy by gunmen were confirmed.",
    "Talks between the government and the rebels, who had clashed with the army, resumed in Doha.",
]])
def test_roles_anchored_matcher_matches_as_spacy_dependency_matcher(nlp, texts):
    finder = nlp.get_pipe("warledger_events").roles
    spacy_matcher = DependencyMatcher(nlp.vocab)
    for n, pat in enumerate(finder.patterns):
        spacy_matcher.add(str(n), pat.patterns)
    for text in texts:
        doc = parsed(nlp, text)
        theirs = {(int(nlp.vocab.strings[key]), tuple(ids)) for key, ids in spacy_matcher(doc)}
        ours = {(n, ids) for tok in doc for n, ids in finder.matcher.at(tok)}
        assert ours == theirs, text


@pytest.mark.parametrize("texts", [["Gunmen killed three policemen in Kano on Friday.",
                                    "Talks between Ethiopia and Eritrea resumed in Addis Ababa on Monday."]])
def test_roles_matches_kept_on_the_doc_not_the_component(nlp, texts):
    finder = nlp.get_pipe("warledger_events").roles

    def state(obj) -> dict:
        return {k: (id(v), repr(v)) for k, v in vars(obj).items()}

    before = state(finder), state(finder.matcher)
    docs = [parsed(nlp, t) for t in texts]
    assert all(d.user_data.get("wl_role_matches") for d in docs)
    assert (state(finder), state(finder.matcher)) == before


@pytest.mark.parametrize("old,new,message", [
    ("options: {conjuncts: true}", "options: {conjunct: true}", "unknown options"),
    ('RIGHT_ID: "on"', "RIGHT_ID: on", "strings"),
    ("holder: subject", "holder: nobody", "no node"),
    ('{LEMMA: {IN: "@kill_lemmas"}}', '{LEMMA: {IN: "@killing_lemmas"}}', "no list"),
])
def test_roles_yaml_is_checked_when_loaded(tmp_path, old, new, message):
    from warledger.nlp.role_patterns import default_path
    text = default_path().read_text("utf-8")
    assert old in text
    path = tmp_path / "roles.yaml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(ModelError, match=message):
        load_role_patterns(path)


@pytest.mark.parametrize("text", ["Gunmen killed three policemen in Kano on Friday."])
def test_roles_patterns_come_from_the_config(tmp_path, text):
    """A copy of roles.yaml without a rule, passed by config, gives no role by that rule."""
    from warledger.nlp.pipeline import load_pipeline
    from warledger.nlp.role_patterns import default_path
    src = default_path().read_text("utf-8")
    start, end = src.index("  - name: kill_object"), src.index("  - name: verb_object_target")
    yaml_path = tmp_path / "roles.yaml"
    yaml_path.write_text(src[:start] + src[end:], "utf-8")
    cfg = tmp_path / "p.cfg"
    cfg.write_text('[nlp]\nmodel = "auto"\n\n[components]\n\n'
                   '[components.warledger_structure]\nfactory = "warledger_structure"\nbefore = "parser"\n\n'
                   '[components.warledger_places]\nfactory = "warledger_places"\n\n'
                   '[components.warledger_actors]\nfactory = "warledger_actors"\n\n'
                   '[components.warledger_events]\nfactory = "warledger_events"\n\n'
                   '[components.warledger_events.role_patterns]\n@misc = "warledger.role_patterns.v1"\n'
                   f'path = "{yaml_path}"\n', "utf-8")
    custom = load_pipeline(None, str(cfg))
    assert "kill_object" not in {p.name for p in custom.get_pipe("warledger_events").roles.patterns}
    got = event_roles(custom, text)
    assert got and not any(rule == "kill_object" for _, _, rule in got)
