"""Names in a text read by cue words: places (gazetteer), actors (registry) and sources
(speaker nouns), for languages read without a trained English pipeline.

A name is looked up as written, then in the forms its language's rules give (``stem_rules``:
"в Идлибе" → "Идлиб", "у Харкові" → "Харків"; ``clitics``: Arabic "وبحلب" → "حلب"; an apostrophe
suffix: Turkish "Halep'te" → "Halep"; ``spelling_variants``: Ukrainian "Гомс" → "Хомс"), and
country names in the language from CLDR (``resolve/country_names.py``).

The cascade for a place candidate (a run of capitalised words; in Arabic, a word after a place
preposition or noun, since Arabic has no capitals):
  1. the longest sub-run with a gazetteer or registry hit wins; a registry actor that is not a
     state is an actor, never a place ("Médicos sin Fronteras");
  2. an adjective before an admin word is the admin unit ("Брянскую ... области" → Bryansk
     Oblast), tried before the bare word;
  3. a single word is a place only with evidence: a place preposition or noun before it, or a
     hit that is a country, a province or a town of 15,000 people or more (a sentence's first
     word is often a capitalised common word that some village is named after);
  4. among homonyms: one in a country the document already names, then a country, then a
     province over a small town of the same name ("Крым": Crimea, not the village Krym), then
     the largest town;
  5. a capitalised word after a place noun that no gazetteer holds is an unknown place: it
     still tells two events apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..resolve.admin1_names import admin1_named
from ..resolve.country_names import country_code
from ..resolve.gazetteer import Gazetteer, Place
from ..resolve.registry import Actor, Registry
from .cues import Cues

_MIN_TOWN = 15_000
_BIG_TOWN = 100_000
_SMALL_TOWN = 50_000
_MAX_RUN = 6


@dataclass
class Toks:
    """Plain per-token lists of one Doc, read once."""

    text: list[str]
    low: list[str]
    lemma: list[str]
    idx: list[int]
    upper: list[bool]
    punct: list[bool]
    source: str = ""            # the Doc's text

    @property
    def keys(self) -> list[tuple[str, str]]:
        return list(zip(self.low, self.lemma, strict=True))

    def end_char(self, i: int) -> int:
        return self.idx[i] + len(self.text[i])


def _unprefixed(word: str, prefixes: tuple[str, ...]) -> str:
    """The word without up to two of ``prefixes`` ("وبمقتل" → "مقتل")."""
    for _ in range(2):
        p = next((p for p in prefixes if word.startswith(p) and len(word) - len(p) >= 3), None)
        if p is None:
            break
        word = word[len(p):]
    return word


def toks_of(doc, prefixes: tuple[str, ...] = ()) -> Toks:
    """``prefixes``: conjunctions written onto words; without a trained lemmatizer, a word's
    "lemma" is the word without them, so cue words match either form."""
    text = [t.text for t in doc]
    has_lemma = doc.has_annotation("LEMMA")
    return Toks(text=text, low=[t.lower_ for t in doc],
                lemma=[t.lemma_.lower() if has_lemma else _unprefixed(t.lower_, prefixes) for t in doc],
                idx=[t.idx for t in doc],
                upper=[bool(s) and s[0].isupper() and any(c.isalpha() for c in s) for s in text],
                punct=[t.is_punct for t in doc], source=doc.text)


@dataclass
class NameHit:
    start: int                  # token span
    end: int
    text: str
    place: Place | None = None
    actor: Actor | None = None
    candidates: list[Place] = field(default_factory=list)
    evidence: bool = False      # a place preposition or noun before it
    unknown: bool = False
    char_span: tuple[int, int] = (0, 0)


class NameFinder:
    def __init__(self, cues: Cues, gazetteer: Gazetteer, registry: Registry):
        self.cues, self.gaz, self.reg = cues, gazetteer, registry
        self.caseless = cues.language == "ar"

    # ----------------------------------------------------------- forms
    def forms(self, text: str) -> list[str]:
        """The text as written, then the forms its language's rules give, in order."""
        out = [text]
        if self.cues.apostrophe_suffix:
            for q in ("'", "’"):
                if q in text:
                    out.append(text.split(q)[0])
        words = text.split(" ")
        last = words[-1]
        head = " ".join(words[:-1])
        for a, b in self.cues.stem_rules:
            if last.endswith(a) and len(last) - len(a) >= 3:
                out.append((head + " " if head else "") + last[: len(last) - len(a)] + b)
                if len(words) > 1:              # a name inflects in every word ("Башару аль-Асаду")
                    out.append(" ".join(w[: len(w) - len(a)] + b if w.endswith(a) and len(w) - len(a) >= 3 else w
                                        for w in words))
        if self.cues.clitics:
            first, rest = words[0], " ".join(words[1:])
            for c in self.cues.clitics:
                if first.startswith(c) and len(first) - len(c) >= 3:
                    for w in (first[len(c):], "ال" + first[len(c):]):    # the article may have gone with it
                        out.append(f"{w} {rest}" if rest else w)
        for a, b in self.cues.spelling_variants:
            out += [f.replace(a, b) for f in list(out) if a in f]
        seen, uniq = set(), []
        for f in out:
            if f not in seen:
                seen.add(f)
                uniq.append(f)
        return uniq

    def places_named(self, text: str) -> list[Place]:
        found: list[Place] = []
        for form in self.forms(text):
            hit = self.gaz.lookup(form, fuzzy=False)
            # a province by its name in the language, when the gazetteer holds it under others
            hit = hit + [p for p in admin1_named(form, self.cues.language)
                    if not any(h.level == "admin1" and h.country == p.country for h in hit)]
            cc = country_code(form, self.cues.language)
            if cc:
                country = self.gaz.country(cc)
                hit = ([country] if country else []) + hit
            if hit:
                found += [p for p in hit if p not in found]
                if form == text:
                    break           # the written form found: inflected readings would only add homonyms
        if not found:
            # a transliteration variant may be spelled a little differently still ("Suweira" /
            # "Suweireh"): the gazetteer's close-spelling lookup, for the variants only
            for form in self.forms(text)[1:]:
                if form.isascii() and (hit := self.gaz.lookup(form, fuzzy=True)):
                    return hit
        return found

    def actors_named(self, text: str) -> list[Actor]:
        for form in self.forms(text):
            hit = self.reg.lookup(form)
            if not hit and (cc := country_code(form, self.cues.language)):
                hit = [a for a in self.reg.actors.values() if a.kind == "state" and a.country == cc][:1]
            if hit:
                return hit
        return []

    # ----------------------------------------------------------- scanning
    def _evidence(self, t: Toks, keys, i: int, start: int) -> bool:
        """A place preposition or a place noun just before token ``i``."""
        for back in (1, 2):
            j = i - back
            if j < start:
                break
            if self.cues.place_prepositions.at(keys, j, i) or self.cues.place_nouns.at(keys, j, i):
                return True
            if t.punct[j]:
                break
        return False

    def _runs(self, t: Toks, start: int, end: int) -> list[tuple[int, int]]:
        runs, i = [], start
        while i < end:
            if t.upper[i] or (self.caseless and not t.punct[i] and len(t.text[i]) >= 2):
                j = i + 1
                while j < end and (t.upper[j] or self._joiner(t, j, end) or (self.caseless and not t.punct[j])):
                    j += 1
                while j > i + 1 and not (t.upper[j - 1] or self.caseless):
                    j -= 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        return runs

    @staticmethod
    def _joiner(t: Toks, j: int, end: int) -> bool:
        """A short lower-case word inside a name ("Médicos sin Fronteras", "Bashar al-Assad")."""
        return (j + 1 < end and t.upper[j + 1] and len(t.text[j]) <= 3 and t.text[j].isalpha()
                and not t.text[j].isupper())

    def names(self, t: Toks, start: int, end: int, first: int) -> list[NameHit]:
        """Actor and place names in tokens ``[start, end)``; ``first`` is the sentence's first token."""
        keys = t.keys
        # registry aliases of several words first, whatever their case ("Армия обороны Израиля",
        # "forces russes"): the capitalised words inside them are not read again
        out: list[NameHit] = self._lower_actors(t, start, end, [])
        used = {k for h in out for k in range(h.start, h.end)}
        for rs, re_ in self._runs(t, start, end):
            i = rs
            while i < re_:
                if i in used:
                    i += 1
                    continue
                if not (t.upper[i] or self.caseless) or t.low[i] in self.cues.function_words:
                    i += 1                      # a name starts with a capital, and never with "La"
                    continue
                stop = next((k for k in range(i, min(re_, i + _MAX_RUN)) if k in used), min(re_, i + _MAX_RUN))
                hit = self._longest(t, keys, i, stop, first, start)
                if hit is None:
                    i += 1
                    continue
                out.append(hit)
                i = hit.end
        for h in out:
            h.char_span = (t.idx[h.start], t.end_char(h.end - 1))
        return sorted(out, key=lambda h: h.start)

    @staticmethod
    def _span_text(t: Toks, i: int, j: int) -> str:
        return t.source[t.idx[i]:t.end_char(j - 1)] if j > i else ""

    def _longest(self, t: Toks, keys, i: int, end: int, first: int, start: int) -> NameHit | None:
        evidence = self._evidence(t, keys, i, start)
        for j in range(end, i, -1):
            if j - 1 > i and not (t.upper[j - 1] or self.caseless):
                continue                        # a name ends on a capitalised word
            if j - i == 1 and (t.low[i] in self.cues.function_words or self._common(keys, i)):
                continue
            text = self._span_text(t, i, j)
            # a Turkish name with a case ending ("Suriye'nin", "Halep'te") is a place, not an agent
            suffixed = self.cues.apostrophe_suffix and any(q in text for q in ("'", "’"))
            actors = [] if suffixed else self.actors_named(text)
            admin = self._admin_form(t, keys, j, end, text)
            places = admin or self.places_named(text)
            if actors and (actors[0].kind != "state" or not evidence):
                return NameHit(i, j, text, actor=actors[0],
                               candidates=places if actors[0].kind == "state" else [])
            if not evidence:
                places = [p for p in places if p.level != "admin2"]      # "Carter" County: only "in Carter"
            if places:
                # a single word with nothing saying "place" must name a country, a province or a
                # town large enough to be meant; at a sentence's start, a large town
                # a word after "de" in a capitalised name ("Ministerio de Salud") is part of
                # the name: a place only when large
                inner = (i - 2 >= start and t.upper[i - 2] and not t.upper[i - 1] and len(t.text[i - 1]) <= 3
                         and not evidence)
                floor = _BIG_TOWN if i == first or inner else _MIN_TOWN
                big = any(p.level in ("country", "admin1") or p.population >= floor for p in places)
                if (j - i >= 2 and big) or evidence or big or admin:
                    if self.caseless and not evidence and not any(
                            p.level == "country" or p.population >= _SMALL_TOWN for p in places):
                        continue
                    return NameHit(i, j, text, candidates=places, evidence=evidence)
        if evidence and i != first and not self.caseless and self._after_place_noun(t, keys, i, start):
            return NameHit(i, i + 1, t.text[i], evidence=True, unknown=True)
        return None

    def _common(self, keys, i: int) -> bool:
        """A word that is itself a place noun, a weekday, a month or a time word ("مدينة" is
        "city", not Medina; "Salı" is Tuesday, not Salé)."""
        c = self.cues
        return any(lst.at(keys, i, i + 1) for lst in (c.place_nouns, c.weekdays, c.months, c.relative))

    def _after_place_noun(self, t: Toks, keys, i: int, start: int) -> bool:
        """A place noun just before (with at most an article between), itself not the end of a
        name ("Белгородской области Вячеслав" is a person after a province), and no capital
        after (two capitalised words are more often a person's name)."""
        if i + 1 < len(t.upper) and t.upper[i + 1]:
            return False
        for back in (1, 2):
            j = i - back
            if j < start or t.punct[j]:
                return False
            if self.cues.place_nouns.at(keys, j, i):
                return not (j > start and t.upper[j - 1])
        return False

    def _admin_form(self, t: Toks, keys, j: int, end: int, text: str) -> list[Place]:
        """An adjective and an admin word after it, up to three words on ("Брянскую и
        Волгоградскую области"): the admin unit named by the adjective's base form."""
        for k in range(j, min(j + 4, len(t.low))):
            hit = self.cues.admin_words.at(keys, k, k + 1)
            if hit:
                # the admin word in its base form: the lemma, or a form its stem rules give
                nominatives = list(dict.fromkeys([t.lemma[k], *self.forms(t.low[k])]))
                for form in self.forms(text):
                    for nominative in nominatives:
                        name = f"{form} {nominative}"
                        found = [p for p in self.gaz.lookup(name, fuzzy=False) if p.level == "admin1"]
                        found = found or admin1_named(name, self.cues.language)
                        if found:
                            return found
                return []
            if t.punct[k] and t.text[k] not in ("-",):
                return []
        return []

    def _lower_actors(self, t: Toks, start: int, end: int, taken: list[NameHit]) -> list[NameHit]:
        """Registry aliases written in lower case in the text's script ("проурядові сили")."""
        used = {k for h in taken for k in range(h.start, h.end)}
        out = []
        i = start
        while i < end:
            found = None
            for j in range(min(end, i + 5), i, -1):
                if any(k in used for k in range(i, j)) or t.punct[i]:
                    continue
                text = self._span_text(t, i, j)
                if j - i == 1 and (text.isascii() or len(text) < 5 or t.upper[i]):
                    continue            # one word: only a long one in the text's own script, in lower case
                hit = self.reg.lookup(text)
                if hit:
                    found = NameHit(i, j, text, actor=hit[0])
                    break
            if found:
                out.append(found)
                i = found.end
            else:
                i += 1
        return out

    # ----------------------------------------------------------- sources
    def source_phrase(self, t: Toks, i: int, start: int, end: int) -> tuple[int, int] | None:
        """The words of a speaker noun at ``i``: an adjective before it (Slavic languages) and
        the words after it up to a punctuation mark or a cue word ("губернатор региона",
        "médecins de l'hôpital", "portavoz del ejército estadounidense")."""
        keys = t.keys
        hit = self.cues.sources.at(keys, i, end)
        if hit is None:
            return None
        s, j = i, hit[0]
        if self.cues.language in ("ru", "uk") and s - 1 >= start and not t.punct[s - 1] \
                and (not t.upper[s - 1] or s - 1 == start) \
                and t.low[s - 1].endswith(("их", "ых", "ий", "ый", "ой", "ая", "ие", "ые", "і", "а", "е")) \
                and len(t.low[s - 1]) > 4 and not self._is_cue(keys, s - 1, end):
            s -= 1
        limit = 2 if self.cues.language in ("ru", "uk", "tr", "ar") else 6
        if s > start and (t.text[s - 1].isdigit() or self.cues.numbers.get(t.low[s - 1], 1) > 1):
            return None                         # "80 médicos": counted people, not a speaker
        k = j
        named = False           # inside a name that a connector opened ("de Estados Unidos")
        while (k < end and k - j < limit and not t.punct[k] and not self._is_cue(keys, k, end)
               and not t.text[k].isdigit() and t.low[k] not in self.cues.numbers):
            if t.upper[k]:
                connector = k > j and len(t.text[k - 1]) <= 3 and not t.upper[k - 1]
                # "губернатор Белгородской области": a province's adjective and its noun
                province = k + 1 < end and bool(self.cues.admin_words.at(keys, k + 1, k + 2))
                if not (connector or province or (named and t.upper[k - 1])):
                    break
                named = not province
            else:
                named = False
            k += 1
        while k > j and (len(t.text[k - 1]) <= 3 and not t.upper[k - 1]):
            k -= 1                                  # no dangling "de", "о", "в"
        return s, k

    def _is_cue(self, keys, k: int, end: int) -> bool:
        c = self.cues
        return any(lst.at(keys, k, end) for lst in (c.stances, c.triggers, c.killed, c.wounded, c.statement_verbs,
                                                    c.weekdays, c.relative, c.since))
