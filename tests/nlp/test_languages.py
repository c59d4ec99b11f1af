"""Reading texts in Russian, Ukrainian, French, Spanish, Arabic and Turkish through their
pipelines (``nlp/languages/*.cfg``), and an English article quoting a Russian post. The texts
are written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from warledger.extract import extract_documents
from warledger.model import Document
from warledger.settings import Settings

CASES = {
    "ru": dict(
        text=("Удар по рынку в Идлибе\n\n"
              "Вчера авиаудар по рынку в Идлибе унёс жизни не менее 14 человек, ещё 30 получили ранения, "
              "сообщили местные врачи. Сирийская обсерватория по правам человека заявила, что удар нанесли "
              "российские самолёты. Минобороны России опровергло эти сообщения. Представитель повстанцев "
              "утверждает, что в Алеппо также погибли трое мирных жителей. Независимые источники пока не "
              "подтвердили эти данные.\n"),
        published=dt.date(2024, 3, 15), place="Idlib", low=14, day=dt.date(2024, 3, 14),
        denier="Russian Ministry of Defence", claim_place="Aleppo", claim_low=3),
    "uk": dict(
        text=("Ракетний удар по Харкову\n\n"
              "У вівторок унаслідок ракетного удару у Харкові загинули щонайменше 7 людей, ще 20 дістали "
              "поранень, повідомив голова обласної адміністрації. Міноборони Росії заперечує удари по "
              "цивільних об'єктах. Речник Генштабу стверджує, що того ж дня ворог обстріляв Запоріжжя. "
              "Там загинули двоє цивільних. Рятувальники продовжують розбирати завали.\n"),
        published=dt.date(2024, 5, 16), place="Kharkiv", low=7, day=dt.date(2024, 5, 14),
        denier="Russian Ministry of Defence", claim_place="Zaporizhzhya", claim_low=2),
    "fr": dict(
        text=("Embuscade meurtrière dans le nord du Mali\n\n"
              "Mardi, une embuscade contre un convoi militaire a fait au moins 9 morts près de Gao, selon des "
              "sources sécuritaires. L'armée malienne a démenti ce bilan. Le JNIM a revendiqué une autre attaque "
              "à Tombouctou, où deux civils ont été tués. Le gouverneur a indiqué que les blessés ont été évacués. "
              "Les habitants craignent de nouvelles violences.\n"),
        published=dt.date(2024, 2, 8), place="Gao", low=9, day=dt.date(2024, 2, 6),
        denier="armée malienne", claim_place="Timbuktu", claim_low=2),
    "es": dict(
        text=("Ataque armado en Culiacán\n\n"
              "El sábado, un ataque armado contra una fiesta en Culiacán dejó al menos 6 muertos y 10 heridos, "
              "según la fiscalía estatal. La policía negó que hubiera agentes implicados. Un portavoz del grupo "
              "armado afirmó que en Mazatlán murieron otras dos personas. Las autoridades no han confirmado esa "
              "cifra. El gobernador pidió calma a la población.\n"),
        published=dt.date(2024, 6, 10), place="Culiacán", low=6, day=dt.date(2024, 6, 8),
        denier="policía", claim_place="Mazatlán", claim_low=2),
    "ar": dict(
        text=("غارة على إدلب\n\n"
              "قتل 8 مدنيين على الأقل يوم الثلاثاء في غارة جوية على مدينة إدلب، بحسب الدفاع المدني. "
              "ونفت وزارة الدفاع الروسية تنفيذ أي غارات في المنطقة. "
              "وزعم مصدر عسكري أن مسلحين قتلوا 3 جنود في مدينة حلب. "
              "وأصيب 15 شخصا آخرون بجروح. "
              "وتواصل فرق الإنقاذ البحث تحت الأنقاض.\n"),
        published=dt.date(2024, 4, 4), place="Idlib", low=8, day=dt.date(2024, 4, 2),
        denier="Russian Ministry of Defence", claim_place="Aleppo", claim_low=3),
    "tr": dict(
        text=("Halep'te bombalı saldırı\n\n"
              "Salı günü Halep'te düzenlenen bombalı saldırıda en az 5 kişi hayatını kaybetti, 12 kişi "
              "yaralandı, yerel kaynaklar bildirdi. Rusya Savunma Bakanlığı iddiaları yalanladı. Muhalif bir "
              "sözcü, İdlib'de de 4 sivilin öldürüldüğünü iddia etti. Yaralılar hastaneye kaldırıldı. "
              "Bölgede güvenlik önlemleri artırıldı.\n"),
        published=dt.date(2024, 9, 12), place="Aleppo", low=5, day=dt.date(2024, 9, 10),
        denier="Russian Ministry of Defence", claim_place="Idlib", claim_low=4),
}


@pytest.fixture(scope="module")
def read():
    cache = {}

    def run(lang: str):
        if lang not in cache:
            case = CASES[lang]
            doc = Document(text=case["text"], id=f"test-{lang}", published=case["published"])
            (ex,) = list(extract_documents([doc], Settings(languages=())))
            cache[lang] = ex
        return cache[lang]
    return run


def _event_at(ex, place: str):
    from warledger.resolve.names import fold
    found = [e for e in ex.events if any(fold(p.name) == fold(place) for p in e.places)]
    assert found, f"no event at {place}: {[(e.type, [p.name for p in e.places]) for e in ex.events]}"
    return found[0]


@pytest.mark.parametrize("lang", sorted(CASES))
def test_language_detected_and_read(read, lang):
    ex = read(lang)
    assert ex.document.language == lang
    assert not ex.notices
    assert all(b.language == lang for b in ex.structure.blocks)


@pytest.mark.parametrize("lang", sorted(CASES))
def test_language_event_with_toll_at_inflected_place(read, lang):
    case = CASES[lang]
    ev = _event_at(read(lang), case["place"])
    assert ev.type in ("airstrike", "attack", "bombing", "killing", "shelling")
    assert ev.fatalities is not None and ev.fatalities.low == case["low"]
    text = case["text"]
    s, e = ev.fatalities.span
    assert str(case["low"]) in text[s:e] or ev.fatalities.text == text[s:e]


@pytest.mark.parametrize("lang", sorted(CASES))
def test_language_date_word(read, lang):
    ev = _event_at(read(lang), CASES[lang]["place"])
    assert ev.date.start == CASES[lang]["day"]


@pytest.mark.parametrize("lang", sorted(CASES))
def test_language_denial(read, lang):
    ev = _event_at(read(lang), CASES[lang]["place"])
    assert any(a.stance == "denies" and CASES[lang]["denier"] in (a.source or "") for a in ev.attributions), \
        ev.attributions


@pytest.mark.parametrize("lang", sorted(CASES))
def test_language_claim_is_its_own_event(read, lang):
    case = CASES[lang]
    ev = _event_at(read(lang), case["claim_place"])
    assert ev.fatalities is not None and ev.fatalities.low == case["claim_low"]
    assert any(a.stance == "claims" for a in ev.attributions), ev.attributions


@pytest.mark.parametrize("lang", ["ru"])
def test_language_wounded_are_not_dead(read, lang):
    assert all(e.fatalities is None or e.fatalities.low != 30 for e in read(lang).events)


ARTICLE = (
    "Market strike in Kharkiv kills 12, officials say\n\n"
    "KYIV, May 14, 2024 - A missile struck a crowded market in Kharkiv on Tuesday, killing 12 people and "
    "wounding dozens, Ukrainian officials said.\n\n"
    "Russia's defence ministry rejected the account in a post on Telegram.\n\n"
    "\"Минобороны России опровергает сообщения об ударе по рынку в Харькове. Наши войска не наносили ударов "
    "по гражданским объектам.\" — Минобороны России (@mod_russia) May 14, 2024\n\n"
    "Rescue teams were still searching the rubble late on Tuesday.\n")


def test_english_article_with_russian_post_reads_its_denial():
    (ex,) = list(extract_documents([Document(text=ARTICLE, id="test-post")], Settings(languages=())))
    assert ex.document.language == "en"
    post_blocks = [b for b in ex.structure.blocks if b.kind == "post"]
    assert post_blocks and post_blocks[0].language == "ru"
    denied = [e for e in ex.events if any(p.name == "Kharkiv" for p in e.places)
              and any(a.stance == "denies" and a.source == "Russian Ministry of Defence" for a in e.attributions)]
    assert denied and denied[0].fatalities.low == 12


def test_language_not_installed_gets_structure_and_notice():
    text = ("Wczoraj w nocy doszło do ataku na wioskę. Zginęło pięć osób, a dziesięć zostało rannych. "
            "Władze nie potwierdziły tych doniesień. Mieszkańcy uciekli do lasu.\n")
    (ex,) = list(extract_documents([Document(text=text, id="test-pl")], Settings(languages=())))
    assert ex.document.language == "pl"
    assert ex.notices and ex.notices[0].startswith("[W201]")
    assert ex.structure.blocks and not ex.events


@pytest.mark.parametrize("lang,text,province", [
    ("uk", "Уночі дрони атакували об'єкти у Харківській області, загинули двоє людей.", "Kharkiv"),
    ("ru", "Ночью беспилотники атаковали Брянскую область, погибли три человека.", "Bryansk"),
])
def test_language_province_by_adjective_and_admin_word(lang, text, province):
    doc = Document(text=text * 3, id=f"test-admin-{lang}", language=lang)
    (ex,) = list(extract_documents([doc], Settings(languages=())))
    assert any(p.level == "admin1" and p.name.startswith(province) for p in ex.places), ex.places


@pytest.mark.parametrize("lang,text,start,end", [
    ("es", "Al menos 12 personas murieron el 6 de mayo en un ataque contra un mercado de Jartum, según "
           "fuentes locales. El ejército negó su participación.", dt.date(2024, 5, 6), dt.date(2024, 5, 6)),
    ("ru", "В ночь на 20 июня беспилотники атаковали Белгород, погибли два человека, сообщил губернатор.",
     dt.date(2024, 6, 19), dt.date(2024, 6, 20)),
])
def test_language_day_and_month(lang, text, start, end):
    doc = Document(text=text, id=f"test-date-{lang}", published=dt.date(2024, 6, 21))
    (ex,) = list(extract_documents([doc], Settings(languages=())))
    assert any(e.date.start == start and e.date.end == end for e in ex.events), [e.date for e in ex.events]


@pytest.mark.parametrize("line,day", [("Опубліковано 21.06.2024", dt.date(2024, 6, 21)),
                                       ("Publié le 6 mai 2005", dt.date(2005, 5, 6)),
                                       ("Publicado el 6 de mayo de 2005", dt.date(2005, 5, 6))])
def test_publication_date_written_in_another_language(line, day):
    from warledger.structure.dates import find_dates

    assert [d for d, _, _ in find_dates(line)] == [day]


def test_reading_other_languages_leaves_the_shared_gazetteer_unchanged():
    """Pipelines of one process share the gazetteer: reading articles in other languages (which
    add provinces by their names in the language to what a name finds) must not change what a
    name finds for the next English article."""
    from warledger.nlp.pipeline import load_pipeline
    gaz = load_pipeline().get_pipe("warledger_places").gaz      # the one every pipeline holds
    names = ["Mali", "Gao", "Aleppo", "Idlib", "Kharkiv", "Kunduz"]
    before = {(n, f): [p.id for p in gaz.lookup(n, fuzzy=f)] for n in names for f in (False, True)}
    for lang in sorted(CASES):
        case = CASES[lang]
        list(extract_documents([Document(text=case["text"], id=f"test-{lang}", published=case["published"])],
                               Settings(languages=())))
    assert {(n, f): [p.id for p in gaz.lookup(n, fuzzy=f)] for n in names for f in (False, True)} == before


def test_every_pipeline_is_loaded_once_per_process():
    """The English pipeline stays loaded however many languages are read after it (a bounded
    cache evicted it and built it again, each time holding another copy)."""
    from warledger.nlp.languages import installed_languages, load_language_pipeline
    from warledger.nlp.pipeline import load_pipeline
    english = load_pipeline()
    langs = [lang for lang in installed_languages() if lang != "en"]
    assert len(langs) >= 4
    for lang in langs:
        load_language_pipeline(lang)
    assert load_pipeline() is english


def test_a_running_total_in_another_language_points_at_its_figure_and_sentence():
    from warledger.export.extract_json import to_contract
    text = "Des tirs ont visé un marché de Gao lundi. Depuis janvier, 40 soldats ont été tués dans la région de Gao.\n"
    (ex,) = list(extract_documents([Document(text=text, id="test-fr-tally")], Settings()))
    (tally,) = to_contract(ex)["tallies"]
    (a, b), (s, e) = tally["text_span"], tally["span"]
    assert text[a:b] == tally["text"] and "40" in tally["text"]
    assert text[s:e] == "Depuis janvier, 40 soldats ont été tués dans la région de Gao."
