"""General rules of the reading (issue 18), each on sentences written for the test in several
constructions: where it happened, running totals, added tolls, things that did not happen,
phrase and frame triggers, figurative words, and who speaks."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.nlp.test_events import read

DAY = dt.date(2021, 6, 9)


@pytest.fixture(scope="module")
def nlp():
    from warledger.nlp.pipeline import load_pipeline
    return load_pipeline()


def places_of(events) -> set[str]:
    return {p["name"] for e in events for p in e["places"]}


def violent(events) -> list[dict]:
    return [e for e in events if e["type"] not in ("statement", "negotiation", "agreement", "resolution")]


def in_role(events, role: str) -> set[str]:
    """The names holding ``role`` in the violent events."""
    return {r["name"] for e in violent(events) for r in e["actors"] if r["role"] == role}


# ------------------------------------------------------------------ where
@pytest.mark.parametrize("text,scene,anchor", [
    ("Militants ambushed an army patrol in Baidoa, near the capital, Mogadishu, on Tuesday.", "Baidoa", "Mogadishu"),
    ("Gunmen attacked a checkpoint in Bunia, 30 kilometers north of Kisangani.", "Bunia", "Kisangani"),
    ("Clashes broke out in Tal Afar, outside Mosul, on Monday, and six fighters were killed.", "Tal Afar", "Mosul"),
])
def test_reading_reference_points_are_not_the_scene(nlp, text, scene, anchor):
    events, _ = read(nlp, text, DAY)
    names = places_of(violent(events))
    assert scene in names and anchor not in names, names


@pytest.mark.parametrize("text,scene,seat", [
    ("Speaking from Nairobi, the spokesman said the camp in Dadaab was shelled overnight.", "Dadaab", "Nairobi"),
    ("The governor, speaking in Maiduguri, said gunmen killed nine farmers in Gwoza.", "Gwoza", "Maiduguri"),
    ("Police said from Kano that gunmen had shot dead three traders in Kaduna.", "Kaduna", "Kano"),
])
def test_reading_where_a_speaker_speaks_from_is_no_scene(nlp, text, scene, seat):
    events, _ = read(nlp, text, DAY)
    names = places_of(events)
    assert scene in names and seat not in names, names


@pytest.mark.parametrize("text,place", [
    ("Police fired on protesters in Khartoum's streets on Friday.", "Khartoum"),
    ("Gunmen attacked Bamako's airport before dawn, killing two guards.", "Bamako"),
    ("Shells fell on Tripoli's southern suburbs overnight, killing three people.", "Tripoli"),
])
def test_reading_a_capital_owning_a_locative_noun_is_a_place(nlp, text, place):
    events, _ = read(nlp, text, DAY)
    assert place in places_of(events)


@pytest.mark.parametrize("text,town,country", [
    ("Rebels shelled Goma in Congo on Monday, killing four people.", "Goma", "Democratic Republic of the Congo"),
    ("An air strike hit a market in Idlib, Syria, killing 11 people.", "Idlib", "Syria"),
    ("Gunmen killed five farmers in Gao, in northern Mali.", "Gao", "Mali"),
])
def test_reading_a_country_goes_when_a_place_in_it_is_named(nlp, text, town, country):
    events, _ = read(nlp, text, DAY)
    names = places_of(violent(events))
    assert town in names and country not in names, names


# ------------------------------------------------------------------ running totals
@pytest.mark.parametrize("text,value", [
    ("The insurgency has killed more than 9,000 people in the region.", 9001),
    ("At least 40 people have been killed in weeks of unrest across the province.", 40),
    ("The conflict has killed an estimated 300,000 civilians, the monitor said.", 300000),
])
def test_reading_running_totals_are_tallies_not_events(nlp, text, value):
    events, tallies = read(nlp, text, DAY)
    assert any(t["value"] == value for t in tallies), tallies
    assert not any(e["fatalities"] and e["fatalities"]["low"] == value for e in events)


@pytest.mark.issue(18)
@pytest.mark.parametrize("text,value,subject", [
    ("Aid groups have registered more than 12,000 displaced persons in the camps.", 12001, "displaced persons"),
    ("At least 80,000 people have been displaced by two years of fighting, the UN says.", 80000, "people"),
    ("About 2,500 families have fled the district since the rains ended.", 2500, "families"),
])
def test_reading_running_totals_of_the_displaced_are_tallies_not_deaths(nlp, text, value, subject):
    events, tallies = read(nlp, text, DAY)
    (t,) = [t for t in tallies if t["measure"] == "displaced"]
    assert (t["value"], t["subject"]) == (value, subject)
    assert text[t["text_span"][0]:t["text_span"][1]] == t["text"]
    assert not any(e["fatalities"] for e in events)


@pytest.mark.issue(18)
def test_reading_the_displaced_beside_the_dead_are_their_own_total(nlp):
    _, tallies = read(nlp, "The war has killed more than 300 people and displaced 150,000 people.", DAY)
    assert {(t["measure"], t["value"]) for t in tallies} >= {("killed", 301), ("displaced", 150000)}, tallies
    _, tallies = read(nlp, "Gunmen killed 12 displaced people at a camp near Maiduguri on Monday.", DAY)
    assert not [t for t in tallies if t["measure"] == "displaced"], tallies


@pytest.mark.issue(18)
def test_reading_a_flight_on_one_day_is_no_running_total(nlp):
    _, tallies = read(nlp, "Some 400 villagers fled the town of Tawila on Monday after the raid.", DAY)
    assert not [t for t in tallies if t["measure"] == "displaced"]


def test_reading_a_toll_of_one_attack_stays_the_events(nlp):
    events, tallies = read(nlp, "The attack has killed 12 people in the market, officials said.", DAY)
    assert any(e["fatalities"] and e["fatalities"]["low"] == 12 for e in events)


# ------------------------------------------------------------------ added tolls
@pytest.mark.parametrize("text,low", [
    ("A drone strike killed three fighters in Marib. Two civilians were also killed.", 5),
    ("Gunmen killed four police officers at the checkpoint. Two more officers died later.", 6),
    ("In the ambush, six soldiers died. In the raid four attackers were also killed.", 10),
])
def test_reading_an_additional_death_clause_adds_to_the_toll(nlp, text, low):
    events, _ = read(nlp, text, DAY)
    lows = [e["fatalities"]["low"] for e in events if e["fatalities"]]
    assert low in lows, lows


@pytest.mark.parametrize("text,low", [
    ("A car bomb killed 14 people at the bus station in Kismayo on Monday. Five of them died in hospital.", 14),
    ("Shelling of the market in Donetsk killed 20 civilians, officials said. Seven children died.", 20),
    ("Militants stormed a village near Maiduguri, killing 31 people. Nine women were killed.", 31),
])
def test_reading_a_smaller_death_clause_after_a_toll_is_part_of_it(nlp, text, low):
    events, _ = read(nlp, text, DAY)
    lows = [e["fatalities"]["low"] for e in events if e["fatalities"]]
    assert lows == [low], lows


@pytest.mark.parametrize("text,low,named", [
    ("A suicide bomber killed 12 people at a wedding in Baidoa. Mayor Ali Farah and his deputy Omar Nur were "
     "killed in the blast.", 12, "Ali Farah"),
    ("An air strike killed nine people in Idlib on Monday. Doctor Samir Haddad was killed in the strike.", 9,
     "Samir Haddad"),
    ("A bomb killed seven soldiers near Gao. Captain Moussa Traore died in the explosion.", 7, "Moussa Traore"),
])
def test_reading_named_dead_of_the_attack_told_before_are_among_its_toll(nlp, text, low, named):
    events, _ = read(nlp, text, DAY)
    violent_events = violent(events)
    assert len(violent_events) == 1, violent_events
    assert violent_events[0]["fatalities"]["low"] == low
    assert named in {a["name"] for a in violent_events[0]["actors"]}


def test_reading_the_death_of_a_named_leader_is_its_own_event(nlp):
    events, _ = read(nlp, "A car bomb killed 20 people in Herat on Sunday. The group later confirmed the death of "
                          "its founder Abdul Karim, who died last year.", DAY)
    assert len(violent(events)) == 2, events


# ------------------------------------------------------------------ what did not happen
@pytest.mark.parametrize("text", [
    "The army said no air strikes were carried out in the valley on Sunday.",
    "The commander insisted his men never attacked the village.",
    "The court found the former general guilty of murder and of the kidnapping of two aid workers.",
    "She has been in custody since March 2019, and her trial opens in May.",
    # a natural hazard's toll
    "A storm hit the coast on Monday, killing two fishermen.",
    "Six villagers were killed by a landslide near Bukavu on Tuesday.",
    "At least 40 people died in the earthquake that struck the province on Sunday.",
    "Floods killed 12 people in Kano state this week.",
    # violence whose end a call wishes for
    "Religious leaders called for an end to the fighting in Malakal on Sunday.",
    "The bishops appealed for a halt to the shelling of Donetsk.",
    "Mothers of the soldiers demanded a stop to the bombing of the border villages.",
])
def test_reading_negated_charged_dated_and_natural_deaths_are_no_events(nlp, text):
    events, _ = read(nlp, text, DAY)
    assert violent(events) == [] or all(e["type"] == "arrest" for e in violent(events)), \
        [(e["type"], e["mentions"]) for e in events]


# ------------------------------------------------------------------ phrases and frames
@pytest.mark.parametrize("text,etype", [
    ("Insurgents have taken control of the district headquarters in Zabul.", "territory_capture"),
    ("Soldiers opened fire on the crowd in the square, killing five.", "attack"),
    ("Troops fired on protesters outside the ministry in Conakry.", "attack"),
    ("The militia tightened its grip on the port city of Hodeidah.", "territory_capture"),
    ("Government forces pushed into the northern suburbs of Aleppo on Tuesday.", "territory_capture"),
    ("A three-day cease-fire took effect in Sanaa at midnight.", "agreement"),
])
def test_reading_inflected_phrases_and_frames(nlp, text, etype):
    events, _ = read(nlp, text, DAY)
    assert etype in {e["type"] for e in events}, [(e["type"], e["mentions"]) for e in events]


@pytest.mark.parametrize("text,role,name", [
    ("Gunmen killed a local official in Kirkuk on Monday.", "victim", "local official"),
    ("A sniper killed a child in Taiz on Wednesday.", "perpetrator", "sniper"),
    ("A shopkeeper was shot dead in Karachi on Friday.", "victim", "shopkeeper"),
    ("A soldier died in fighting with rebels near Goma on Tuesday.", "victim", "soldier"),
    ("A nurse died after shelling hit a clinic in Kharkiv on Sunday.", "victim", "nurse"),
    ("The killing of a journalist in Mosul on Monday drew protests.", "victim", "journalist"),
])
def test_reading_one_person_named_by_a_noun_holds_a_role_and_counts_one(nlp, text, role, name):
    events, _ = read(nlp, text, DAY)
    (ev,) = violent(events)
    assert name in in_role(events, role) and ev["fatalities"]["low"] == 1


@pytest.mark.parametrize("text,etype", [
    ("An air strike killed six people in Idlib during a storm on Monday.", "airstrike"),
    ("Militants killed four soldiers in an ambush in heavy rains near Gao.", "killing"),
])
def test_reading_an_attack_in_bad_weather_is_still_an_attack(nlp, text, etype):
    events, _ = read(nlp, text, DAY)
    assert etype in {e["type"] for e in violent(events)}, [(e["type"], e["mentions"]) for e in events]


@pytest.mark.parametrize("text,attacker", [
    ("Militants stormed a police post in Kidal on Monday, killing two policemen.", "Militants"),
    ("Gunmen stormed the hotel in the capital overnight and killed six guests, police said.", "Gunmen"),
    ("The hotel was stormed by gunmen on Friday night; six guests were killed.", "gunmen"),
])
def test_reading_a_word_of_weather_used_as_an_attack_verb_is_an_attack(nlp, text, attacker):
    """"Storm" is a weather word, but the verb itself ("stormed a post") says nothing of the
    weather: only the trigger's arguments do."""
    events, _ = read(nlp, text, DAY)
    perpetrators = in_role(events, "perpetrator")
    assert attacker in perpetrators, [(e["type"], e["actors"]) for e in events]


@pytest.mark.parametrize("text", [
    "Fans celebrated the victory in the streets after gunmen killed three policemen at a checkpoint nearby.",
    "As the team of mediators arrived, an air strike killed seven people in the town.",
    "Hours after the election results were read, a car bomb exploded in the market, killing nine.",
])
def test_reading_sport_and_politics_words_elsewhere_keep_the_event(nlp, text):
    events, _ = read(nlp, text, DAY)
    assert violent(events), text


# ------------------------------------------------------------------ who speaks
@pytest.mark.parametrize("text,source", [
    ("Residents, who asked not to be named, said shelling killed four people in the market.", "Residents"),
    ("Some of the witnesses said the gunmen killed six villagers in Kidal.", "witnesses"),
    ("The Red Cross said an air strike killed 12 people. It said the dead included children.", "Red Cross"),
])
def test_reading_sources_behind_pronouns_and_quantifiers(nlp, text, source):
    events, _ = read(nlp, text, DAY)
    sources = {a["source"] for e in events for a in e["attributions"]}
    assert any(s and source.lower() in s.lower() for s in sources), sources
    assert not sources & {"who", "Some", "It", "it", "some"}, sources


@pytest.mark.parametrize("text,stance", [
    ("Gunmen killed 14 miners in Kamituga, though the toll could not be independently verified.", "cannot_confirm"),
    ("A strike killed eight people in Hama; the figure has not been verified.", "cannot_confirm"),
    ("Police shot dead two protesters in Lagos. A police spokesman was not available for comment.",
     "declines_comment"),
])
def test_reading_wordings_of_not_verifying_and_not_commenting(nlp, text, stance):
    events, _ = read(nlp, text, DAY)
    assert stance in {a["stance"] for e in events for a in e["attributions"]}


# ------------------------------------------------------------------ figures
@pytest.mark.parametrize("text,low", [
    ("Four police officers, four civilians and 12 soldiers were killed in the attack on the base.", 20),
    ("Gunmen killed two teachers and five students at the school in Kumba.", 7),
    ("Three soldiers, two policemen and a child were killed when the bomb went off in Gao.", 6),
])
def test_reading_listed_dead_add_up(nlp, text, low):
    events, _ = read(nlp, text, DAY)
    assert low in [e["fatalities"]["low"] for e in events if e["fatalities"]]


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize("text,day", [
    ("Rebels attacked the convoy on Mar. 6 near the port, killing four.", dt.date(2021, 3, 6)),
    ("Rebels shelled the port of Hodeidah on Sept. 2, the navy said.", dt.date(2020, 9, 2)),
    ("On Feb. 12 gunmen killed nine villagers in the district.", dt.date(2021, 2, 12)),
])
def test_reading_abbreviated_months_before_a_day(nlp, text, day):
    events, _ = read(nlp, text, DAY)
    assert any(e["date"]["start"] == day.isoformat() for e in events), [e["date"] for e in events]


@pytest.mark.parametrize("text,published", [
    ("Rebels Seize Town\nMarch 6, 2024 10:15 PM EST\nRebels seized the town on Tuesday.\n", dt.date(2024, 3, 6)),
    ("Curfew Extended\nUpdated: 11 June 2022, 08:40\nThe curfew was extended on Saturday.\n", dt.date(2022, 6, 11)),
    ("FILE - Soldiers patrol a market, Jan. 5, 2019.\nMarch 3, 2021\nTroops clashed with rebels.\n",
     dt.date(2021, 3, 3)),
])
def test_reading_datelines_with_clock_times_and_archive_captions(text, published):
    from warledger.model import Document
    from warledger.structure import analyse_structure
    assert analyse_structure(Document(text=text)).published.date == published


# ------------------------------------------------------------------ the town
@pytest.mark.parametrize("text,place", [
    ("Rebels reached Kidal on Monday. On Tuesday they took control of the town after heavy fighting.", "Kidal"),
    ("Aid workers moved out of Malakal last week. Gunmen later attacked the town and burned the market.", "Malakal"),
    ("The army entered Marawi in May. Fighting in the city killed nine soldiers on Friday.", "Marawi"),
])
def test_reading_the_town_stands_for_the_town_named_before(nlp, text, place):
    events, _ = read(nlp, text, DAY)
    assert any(any(place in p["name"] for p in e["places"]) for e in violent(events)), \
        [(e["type"], [p["name"] for p in e["places"]]) for e in events]


# ------------------------------------------------------------------ denials by content
@pytest.mark.parametrize("text,source", [
    ("The Syrian army said its jets bombed a rebel camp in Idlib. A rebel spokesman said none of its fighters "
     "was in the area.", "rebel spokesman"),
    ("Witnesses said soldiers shot dead four protesters in Conakry. The ministry says no one was killed.",
     "ministry"),
    ("Residents said a drone strike hit a wedding in Saada. The coalition said it did not carry out "
     "any strike there.", "coalition"),
])
def test_reading_a_source_saying_it_did_not_happen_denies(nlp, text, source):
    events, _ = read(nlp, text, DAY)
    stances = {(a["source"] or "").lower(): a["stance"] for e in events for a in e["attributions"]}
    assert any(source in s and st == "denies" for s, st in stances.items()), stances


# ------------------------------------------------------------------ what a capture takes
@pytest.mark.parametrize("text,etype", [
    ("Rebels captured the town of Bama on Sunday after a day of fighting.", "territory_capture"),
    ("Insurgents seized the airport in the provincial capital overnight.", "territory_capture"),
    ("Police captured two suspected militants in a raid on a house in Mombasa.", "arrest"),
    ("Kenyan soldiers captured the rebel commander near Kismayo on Friday.", "arrest"),
])
def test_reading_what_a_capture_takes_decides_its_type(nlp, text, etype):
    events, _ = read(nlp, text, DAY)
    assert etype in {e["type"] for e in events}, [(e["type"], e["mentions"]) for e in events]


# ------------------------------------------------------------------ roles
@pytest.mark.parametrize("text,names", [
    ("Government troops and Houthi rebels clashed near Saada on Friday.", {"Government troops", "Houthis"}),
    ("The Taliban and the Islamic State attacked a checkpoint in Jalalabad on Monday.",
     {"Taliban", "Islamic State"}),
])
def test_reading_coordinated_subjects_share_the_role(nlp, text, names):
    events, _ = read(nlp, text, DAY)
    perps = {a["name"] for e in events for a in e["actors"] if a["role"] == "perpetrator"}
    assert names <= perps, perps


@pytest.mark.parametrize("text,victim", [
    ("Gunmen kidnapped two aid workers near Goma on Sunday.", "aid workers"),
    ("Police detained three journalists in Harare on Friday.", "journalists"),
    ("Boko Haram fighters abducted 30 schoolgirls from a school in Borno.", "schoolgirls"),
])
def test_reading_whom_an_abduction_or_arrest_takes_is_its_victim(nlp, text, victim):
    events, _ = read(nlp, text, DAY)
    victims = {a["name"] for e in events for a in e["actors"] if a["role"] == "victim"}
    assert any(victim in v for v in victims), victims


# ------------------------------------------------------------------ listed happenings
@pytest.mark.parametrize("text,places", [
    ("The council condemned the abduction of 40 farmers in Niger, the bombing of a market in Mali that killed "
     "nine people and the shelling of a school in Chad.", {"Niger", "Mali", "Chad"}),
    ("Rights groups denounced the killing of two journalists in Mexico and the attack on a newspaper office in "
     "Colombia.", {"Mexico", "Colombia"}),
    ("Officials reported an ambush on a convoy near Kidal and a raid on a village outside Mopti last week.",
     {"Kidal", "Mopti"}),
])
def test_reading_a_list_of_happenings_is_an_event_each(nlp, text, places):
    events, _ = read(nlp, text, DAY)
    got = [places_of([e]) for e in violent(events)]
    for name in places:
        assert any(name in g and len(g & places) == 1 for g in got), got


def test_reading_a_listed_happening_keeps_its_own_toll(nlp):
    text = ("The council condemned the abduction of 40 farmers in Niger and the bombing of a market in Mali "
            "that killed nine people.")
    events, _ = read(nlp, text, DAY)
    by_place = {p: e for e in violent(events) for p in places_of([e])}
    assert (by_place["Mali"]["fatalities"] or {}).get("low") == 9
    assert by_place["Niger"]["fatalities"] is None


# ------------------------------------------------------------------ what a denial is
@pytest.mark.parametrize("text,stance", [
    ('Gunmen attacked a base near Gao on Friday. The minister condemned it, saying the attack "will not weaken '
     'our resolve."', "reports"),
    ("Gunmen attacked a base near Gao on Friday. The army said its forces did not carry out any strike there.",
     "denies"),
    ("Gunmen attacked a base near Gao on Friday. A spokesman said no soldiers were killed in the attack.", "denies"),
])
def test_reading_only_a_negated_deed_denies(nlp, text, stance):
    events, _ = read(nlp, text, DAY)
    stances = {a["stance"] for e in violent(events) for a in e["attributions"] if a["source"]}
    assert stance in stances, events


@pytest.mark.parametrize("text,name", [
    ("Deputy Governor Mohamed Hussein Isaak told reporters that 40 soldiers were killed.", "Mohamed Hussein Isaak"),
    ("Police spokesman Ahmed Ali Mire said four attackers were killed.", "Ahmed Ali Mire"),
    ("President Roch Marc Christian Kabore said the attackers killed 12 soldiers.", "Roch Marc Christian Kabore"),
])
def test_reading_a_speakers_whole_name(nlp, text, name):
    events, _ = read(nlp, text, DAY)
    sources = {a["source"] for e in events for a in e["attributions"]}
    assert name in sources, sources


@pytest.mark.parametrize("text,source", [
    ("The Nigerian army said in a statement on Monday that gunmen attacked a convoy near Maiduguri. "
     "The statement said ten soldiers were killed.", "Nigerian military"),
    ("Amnesty International published a report on Tuesday on the raid on Tillia. That report said 30 villagers "
     "were killed by soldiers.", "Amnesty International"),
    ("Ugandan Defence Forces said in a statement that rebels ambushed a patrol near Kasese, killing four "
     "soldiers.", "Ugandan military"),
])
def test_reading_the_statement_speaks_for_its_issuer(nlp, text, source):
    events, _ = read(nlp, text, DAY)
    sources = {a["source"] for e in violent(events) for a in e["attributions"]}
    assert source in sources, sources


# ------------------------------------------------------------------ "its troops", "42 of them"
@pytest.mark.parametrize("text,victim", [
    ("Nigeria's defence ministry said on Monday that jihadists killed 12 of its soldiers near Damboa.",
     "Nigerian military"),
    ("The Kenyan government confirmed that al-Shabab fighters killed nine of its troops in an ambush.",
     "Kenyan military"),
    ("Al-Shabab said that an air strike killed four of its fighters near Jilib.", "al-Shabaab"),
])
def test_reading_its_people_are_the_speakers_side(nlp, text, victim):
    events, _ = read(nlp, text, DAY)
    victims = in_role(events, "victim")
    assert victim in victims, victims


@pytest.mark.parametrize("text,name,named", [
    ("Four villagers were killed near Idlib on Tuesday by Bashar al-Assad's forces, activists said.",
     "Syrian military", "Bashar al-Assad"),
    ("The al-Nusra Front shelled the town of Nubl on Monday, killing three people.",
     "al-Nusra Front", "al-Nusra Front"),
    ("U.S.-led coalition aircraft struck a bridge near Raqqa on Friday, killing two civilians.",
     "U.S.-led coalition", "U.S.-led coalition"),
])
def test_reading_a_role_points_at_the_whole_name(nlp, text, name, named):
    """A role's mention is where the actor is named, whole: not the one word the parse takes as
    the phrase's head ("Assad"), nor a piece of a hyphenated name ("al", "led", "-")."""
    events, _ = read(nlp, text, DAY)
    spans = [text[s:e] for ev in violent(events) for r in ev["actors"] if r["name"] == name for s, e in r["mentions"]]
    assert spans and all(named in x for x in spans), spans


@pytest.mark.parametrize("text,attacker,toll", [
    ("Militants attacked a police post in Kidal on Monday. Police said officers killed six attackers "
     "during the assault.", "Militants", 6),
    ("Rebels shelled the airport in Goma on Tuesday. Government troops killed 12 rebels in the attack, a "
     "spokesman said.", "Rebels", 12),
    ("Gunmen attacked an army base in Gwoza on Friday night, residents said. The army said troops killed 20 "
     "militants during the attack.", "Gunmen", 20),
])
def test_reading_what_the_other_side_did_in_the_attack_is_part_of_it(nlp, text, attacker, toll):
    events, _ = read(nlp, text, DAY)
    (ev,) = violent(events)
    assert {r["name"] for r in ev["actors"] if r["role"] == "perpetrator"} == {attacker}
    assert ev["fatalities"]["low"] == toll


def test_reading_the_attackers_dead_add_to_the_attacks_toll(nlp):
    events, _ = read(nlp, "Militants attacked a police post in Kidal on Monday, killing four policemen. Police "
                          "said officers killed six attackers during the assault.", DAY)
    (ev,) = violent(events)
    assert ev["fatalities"]["low"] == 10 and in_role(events, "perpetrator") == {"Militants"}


@pytest.mark.parametrize("text,sides", [
    # the other side's killings of others in the attack are its own
    ("Rebels attacked the town of Beni on Tuesday. Soldiers shot dead 12 civilians during the attack, "
     "witnesses said.", {"Rebels", "Soldiers"}),
    # "the offensive" is no "shelling": another happening of the war
    ("Russian forces shelled Kharkiv on Monday, killing three civilians. Ukrainian troops killed 40 Russian "
     "soldiers in the offensive, the army said.", {"Russian military", "Ukrainian military"}),
])
def test_reading_what_the_other_side_did_to_others_stays_its_own(nlp, text, sides):
    events, _ = read(nlp, text, DAY)
    assert len(violent(events)) == 2
    assert in_role(events, "perpetrator") == sides


def test_reading_an_attack_by_the_other_side_told_anew_is_its_own(nlp):
    events, _ = read(nlp, "Gunmen attacked a village near Zinder on Sunday. On Monday, soldiers killed ten "
                          "militants in an attack on a camp near Diffa.", DAY)
    assert len(violent(events)) == 2


@pytest.mark.parametrize("text,role,side", [
    # a group keeps its hyphenated words whole
    ("Long-range Tu-22M3 bombers struck targets near Deir ez-Zor on Monday, killing 20 militants.", "perpetrator",
     "Long-range Tu-22M3 bombers"),
    ("Two long-range bombers struck targets near Palmyra on Monday, killing 20 militants.", "perpetrator",
     "long-range bombers"),
    # fighters, members, soldiers of a side are that side
    ("Fighters of the al-Nusra Front shelled the town of Nubl on Monday, killing three people.", "perpetrator",
     "al-Nusra Front"),
    ("Members of the Wagner Group attacked a village near Moura, killing 30.", "perpetrator", "Wagner Group"),
    ("Soldiers of the Malian army killed 12 villagers near Moura.", "perpetrator", "Malian military"),
    # a leader's troops are the side he leads
    ("President Vladimir Putin's troops shelled Kupiansk on Monday, killing three people.", "perpetrator",
     "Russian military"),
    ("Four villagers were killed near Idlib on Tuesday by Bashar al-Assad's forces, activists said.", "perpetrator",
     "Syrian military"),
    ("Gunmen ambushed Erdogan's soldiers near the border on Friday, killing two of them.", "target",
     "Turkish military"),
    ("Abu Bakr al-Baghdadi's fighters stormed the village on Sunday and killed eleven men.", "perpetrator",
     "Islamic State"),
])
def test_reading_the_side_a_group_noun_names(nlp, text, role, side):
    events, _ = read(nlp, text, DAY)
    got = {(r["name"], r["role"]) for e in violent(events) for r in e["actors"]}
    assert (side, role) in got, got


def test_reading_members_of_a_family_are_no_side(nlp):
    events, _ = read(nlp, "Members of the family were killed in the strike on Gaza.", DAY)
    assert "family" in in_role(events, "victim")


@pytest.mark.parametrize("text", ["Gunmen shot dead two of Erdogan's party members in Ankara on Monday.",
                                  "Gunmen killed three of Bashar al-Assad's family members in Latakia on Monday."])
def test_reading_a_leaders_party_or_family_are_no_troops(nlp, text):
    assert not {"Turkish military", "Syrian military"} & in_role(events := read(nlp, text, DAY)[0], "victim"), events


def test_reading_a_leaders_own_words_stay_his(nlp):
    events, _ = read(nlp, "Bashar al-Assad's spokesman said rebels shelled Homs on Monday, killing four.", DAY)
    perpetrators = in_role(events, "perpetrator")
    assert "Syrian military" not in perpetrators, perpetrators


@pytest.mark.parametrize("text,victim", [
    ("An air strike hit civilians at a market in Idlib on Monday, killing 14 people.", "civilians"),
    ("Militants attacked worshippers at a mosque near Maiduguri, killing nine.", "worshippers"),
    ("Soldiers shelled villagers near Kadugli on Monday, killing six.", "villagers"),
])
def test_reading_people_a_deadly_strike_hits_are_its_dead(nlp, text, victim):
    events, _ = read(nlp, text, DAY)
    roles = {(r["name"].split()[-1], r["role"]) for e in violent(events) for r in e["actors"]}
    assert (victim, "victim") in roles, roles


def test_reading_people_a_strike_hits_without_deaths_are_its_targets(nlp):
    events, _ = read(nlp, "Rebels attacked villagers near Kadugli on Monday, residents said.", DAY)
    roles = {(r["name"], r["role"]) for e in violent(events) for r in e["actors"]}
    assert ("villagers", "target") in roles and ("villagers", "victim") not in roles, roles


@pytest.mark.parametrize("text,perpetrator", [
    ("NATO says it bombed an insurgent position in Helmand on Monday.", "NATO"),
    ("The Nigerian army said it killed 30 militants near Damboa.", "Nigerian military"),
    ("Al-Shabab says it attacked a police station in Baidoa overnight.", "al-Shabaab"),
])
def test_reading_what_a_speaker_says_it_did_it_did(nlp, text, perpetrator):
    events, _ = read(nlp, text, DAY)
    perps = in_role(events, "perpetrator")
    assert perpetrator in perps, perps


@pytest.mark.parametrize("text", [
    "On June 7, the U.S. military conducted a strike in Syria that killed a militant commander.",
    "The Israeli military carried out a strike on a compound in Gaza on June 7.",
    "The Turkish army launched strikes on positions in northern Iraq on June 7.",
])
def test_reading_a_strike_a_state_carries_out_is_an_airstrike_on_its_day(nlp, text):
    events, _ = read(nlp, text, DAY)
    strikes = [e for e in events if e["type"] == "airstrike"]
    assert strikes and strikes[0]["date"]["start"] == "2021-06-07", events


@pytest.mark.parametrize("text,n", [
    ("A drone strike near Jilib resulted in the death of Ahmed Diriye, a militant commander.", 1),
    ("Gunmen killed Amina Yusuf and Musa Bello in Kano on Monday.", 2),
    ("The assassination of Governor Ali Hassan in Kismayo shocked the region.", 1),
])
def test_reading_named_dead_are_counted(nlp, text, n):
    events, _ = read(nlp, text, DAY)
    lows = [(e["fatalities"] or {}).get("low") for e in violent(events)]
    assert n in lows, events


@pytest.mark.parametrize("text,noun", [
    ("A drone strike hit a compound near Jilib on Monday. There is no sign that any civilians were killed.",
     "civilians"),
    ("Rebels ambushed a convoy near Gao, but the army said no soldiers were killed.", "soldiers"),
    ("Shelling hit the outskirts of Donetsk overnight; officials said no residents died.", "residents"),
])
def test_reading_no_one_killed_is_no_victim(nlp, text, noun):
    events, _ = read(nlp, text, DAY)
    victims = {r["name"] for e in events for r in e["actors"] if r["role"] == "victim"}
    assert not any(noun in v for v in victims), victims


def test_reading_the_strike_points_back_and_a_strike_alone_is_no_event(nlp):
    text = ("An air strike hit a school in Rafah on Tuesday, killing 12 people, health officials said. "
            "The army said the strike targeted a command post inside the building.")
    events, _ = read(nlp, text, DAY)
    assert len(violent(events)) == 1
    sources = {a["source"] for a in violent(events)[0]["attributions"]}
    assert any("army" in (s or "").lower() for s in sources), sources
    for text in ("Dock workers in Mombasa began a strike on Monday over unpaid wages.",
                 "The union said strikes would continue in Lagos until the government raised wages."):
        assert violent(read(nlp, text, DAY)[0]) == [], text


@pytest.mark.parametrize("text,speaker", [
    ("President Amadou Diallo called the gunmen cowards and promised justice for the victims.", "Amadou Diallo"),
    ("Governor Fatima Bello called for calm after the clashes in the market town.", "Fatima Bello"),
    ("Minister Omar Haddad asked the rebels to lay down their arms before the elections.", "Omar Haddad"),
])
def test_reading_a_named_speaker_calling_or_asking_makes_a_statement(nlp, text, speaker):
    events, _ = read(nlp, text, DAY)
    said = [e for e in events if e["type"] == "statement"]
    assert said and speaker in {a["name"] for e in said for a in e["actors"]}, events


@pytest.mark.parametrize("text", [
    "A militia called the Lions of the Valley was blamed for the raid.",
    "The so-called security zone stretches along the border.",
])
def test_reading_called_as_a_name_is_no_statement(nlp, text):
    events, _ = read(nlp, text, DAY)
    assert not [e for e in events if e["type"] == "statement"], events


@pytest.mark.parametrize("text,source", [
    ("Gunmen opened fire on a police post in Kano on Monday. The army said it was looking into the incident.",
     "army"),
    ("A mortar round hit a market in Goma on Sunday, killing four people. "
     "Police said they were investigating the incident.", "Police"),
    ("Troops fired on protesters in the square in Bamako, witnesses said. "
     "The defence ministry is looking into the incident.", "ministry"),
])
def test_reading_the_incident_points_back_to_the_violence_told(nlp, text, source):
    events, _ = read(nlp, text, DAY)
    hits = violent(events)
    assert len(hits) == 1, events
    assert any(source.lower() in (a["source"] or "").lower() and a["stance"] == "cannot_confirm"
               for a in hits[0]["attributions"]), hits[0]["attributions"]


@pytest.mark.parametrize("text", [
    "A bus crashed into a shop in Lagos on Monday. Police said they were investigating the incident.",
    "The incident happened at a wedding in Kano, the organisers said.",
])
def test_reading_the_incident_with_nothing_told_before_is_no_event(nlp, text):
    assert violent(read(nlp, text, DAY)[0]) == [], text


@pytest.mark.parametrize("text,n", [
    ("The governor says two air strikes on Tuesday have killed at least ten people in Mekelle.", 10),
    ("Officials said three car bombs killed 20 people in a Baghdad market on Sunday.", 20),
    ("Two roadside bombs killed five soldiers near Gao on Monday, the army said.", 5),
])
def test_reading_the_subject_of_killed_with_an_object_is_no_toll(nlp, text, n):
    events, _ = read(nlp, text, DAY)
    tolls = [e["fatalities"]["low"] for e in violent(events) if e["fatalities"]]
    assert tolls == [n], events


@pytest.mark.parametrize("text,party", [
    ("The shelling of Donetsk on Sunday broke a ceasefire brokered by Turkey in March.", "Turkey"),
    ("Heavy fighting in Marib ended a truce declared by the government in April.", "government"),
    ("Clashes near Gao shattered a peace deal signed by the rebels last year.", "rebels"),
])
def test_reading_a_deal_with_its_own_participle_clause_is_its_own_event(nlp, text, party):
    events, _ = read(nlp, text, DAY)
    deals = [e for e in events if e["type"] == "agreement"]
    assert len(violent(events)) == 1 and len(deals) == 1, events
    assert any(party in a["name"] for a in deals[0]["actors"]), deals[0]["actors"]


@pytest.mark.parametrize("text,name", [
    ("Iran-backed militias attacked a base in Erbil on Monday.", "Iran-backed militias"),
    ("Al-Qaida-linked fighters attacked a hotel in Ouagadougou in January, killing 29 people.",
     "Al-Qaida-linked fighters"),
    ("Russian-backed separatists shelled the town of Avdiivka on Sunday.", "Russian-backed separatists"),
])
def test_reading_a_group_keeps_the_side_it_is_tied_to(nlp, text, name):
    events, _ = read(nlp, text, DAY)
    perps = {a["name"] for e in violent(events) for a in e["actors"] if a["role"] == "perpetrator"}
    assert name in perps, perps


@pytest.mark.parametrize("text,role,name", [
    ("A group of gunmen attacked a village near Kidal on Monday.", "perpetrator", "gunmen"),
    ("A group of herders from the north attacked farmers in Benue on Sunday.", "perpetrator", "herders"),
    ("Police arrested a group of protesters in Kano on Friday.", "victim", "protesters"),
])
def test_reading_a_group_of_people_is_those_people(nlp, text, role, name):
    events, _ = read(nlp, text, DAY)
    got = {(a["role"], a["name"]) for e in events for a in e["actors"]}
    assert (role, name) in got, got


@pytest.mark.parametrize("text,scene,origin", [
    ("A group of herders from Plateau State attacked farmers in Makurdi on Sunday.", "Makurdi", "Plateau State"),
    ("Fighters from Idlib attacked an army post in Hama on Tuesday.", "Hamah", "Idlib"),
    ("Militants from Somalia attacked a police station in Mandera, Kenya, on Friday.", "Mandera", "Somalia"),
])
def test_reading_where_people_come_from_is_not_the_scene(nlp, text, scene, origin):
    names = places_of(violent(read(nlp, text, DAY)[0]))
    assert scene in names and origin not in names, names


@pytest.mark.parametrize("text", [
    "Gunmen took 12 workers hostage at a mine near Tillaberi on Monday.",
    "Militants are holding 20 villagers hostage in Borno, officials said.",
    "Rebels held four engineers hostage near Goma for a month, the company said.",
])
def test_reading_taking_or_holding_people_hostage_is_an_abduction(nlp, text):
    events, _ = read(nlp, text, DAY)
    assert [e["type"] for e in violent(events)] == ["abduction"], events


@pytest.mark.parametrize("text,n", [
    ("Gunmen attacked a car near Idlib on Sunday, killing both officials and their driver.", 3),
    ("Gunmen killed two officers, a child and four attackers in Kano on Monday.", 7),
    ("The blast killed a policeman and his two sons in Quetta on Friday.", 3),
])
def test_reading_the_dead_listed_one_by_one_add_up(nlp, text, n):
    tolls = [e["fatalities"]["low"] for e in violent(read(nlp, text, DAY)[0]) if e["fatalities"]]
    assert tolls == [n], tolls


@pytest.mark.parametrize("text,n", [
    ("An air strike killed two people, a woman and her son, in Rafah on Tuesday.", 2),
    ("Militants killed a commander and his fighters near Gao on Monday.", None),
])
def test_reading_a_list_that_spells_out_or_does_not_count_adds_nothing(nlp, text, n):
    tolls = [e["fatalities"]["low"] if e["fatalities"] else None for e in violent(read(nlp, text, DAY)[0])]
    assert tolls == [n], tolls


@pytest.mark.parametrize("text,n,victim", [
    ("Twelve policemen were buried in Homs on Sunday after being killed in an ambush.", 12, "policemen"),
    ("Four soldiers were flown home on Monday after being killed in an ambush near Gao.", 4, "soldiers"),
    ("Two journalists were found in a ditch near Goma after being killed by gunmen.", 2, "journalists"),
])
def test_reading_the_subject_of_a_verb_after_being_killed_is_the_dead(nlp, text, n, victim):
    hits = violent(read(nlp, text, DAY)[0])
    assert [e["fatalities"]["low"] for e in hits if e["fatalities"]] == [n], hits
    assert victim in {a["name"] for e in hits for a in e["actors"] if a["role"] == "victim"}, hits


@pytest.mark.parametrize("text,name", [
    ("Western news agencies said Thursday troops have moved into the Swat valley.", "troops"),
    ("Officials said Monday gunmen attacked a police post in Kano.", "gunmen"),
    ("Witnesses said Sunday soldiers shelled the village of Tawila.", "soldiers"),
])
def test_reading_a_day_before_a_group_is_no_part_of_its_name(nlp, text, name):
    perps = {a["name"] for e in violent(read(nlp, text, DAY)[0]) for a in e["actors"] if a["role"] == "perpetrator"}
    assert perps == {name}, perps
