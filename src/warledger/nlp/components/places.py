"""PlaceRecognizer: place mentions found by gazetteer lookups over proper-name runs, with NER
labels as extra evidence (never trusted alone: the small model tags "Yarmouk" as PERSON), then
disambiguated by the document's context (``nlp/placing.py``).

The cascade for each run of capitalised tokens in a sentence (a comment says why each step is
where it is):
  1. the longest sub-span with an exact gazetteer key wins; then the longest with a fuzzy key
     (never for one word of a longer run);
  2. a candidate is dropped when it is a demonym (NORP), a common word (a stop word, a verb or
     adjective, a noun the text also writes in lower case), an acronym, or sits inside a
     PERSON/ORG name with nothing around it that says "place" (a preposition before, an admin
     word after); in title-case lines (headings, captions) only strong evidence counts;
  3. a country or capital that acts or speaks (subject, agent, possessor) is a state, not a
     scene: it is left to the actor stage;
  4. an admin word after the name ("Homs Province") chooses admin1 or admin2, for it and for a
     name coordinated with it ("Idlib and Homs Provinces");
  5. the choice among candidates and the unknown toponyms: ``placing.py``.

Token attributes are read once per document into plain lists: the loops below run on every
capitalised word of every document, and spaCy's Token objects are costly to make there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LOWER, ORTH, POS, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from ...resolve.gazetteer import Gazetteer, Place
from ...resolve.names import lexicon, name_key
from ...structure.lexicon import month_names, weekday_names
from .. import placing
from ..extensions import SPANS_BLOCKS, SPANS_PLACES
from ..placing import Mention

_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_GUARDED_ENTS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"})
_NAME_POS = frozenset({"PROPN", "X"})      # the tagger calls some transliterated names "X" ("Sana'a")
_TITLE_CASE_BLOCKS = frozenset({"heading", "navigation", "caption"})
_MAX_TOKENS = 6
_IOB = ("", "I", "O", "B")          # spaCy's ENT_IOB values
_BIG = 500_000
_HELD = re.compile(r"[-‑](\w+)\s+(?:the\s+)?$")


def _word_index(nlp: Language, parts: tuple[str, ...] = ("noun", "verb", "adj", "adv")) -> frozenset[str]:
    """The lemmatizer's English word lists for some parts of speech, when the pipeline has a
    rule lemmatizer, to tell a capitalised common word from a name."""
    if "lemmatizer" not in nlp.component_names:         # disabled when it runs fused (nlp/fastrules.py)
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    table = lookups.get_table("lemma_index")
    return frozenset(w for pos in parts for w in table.get(pos, []))


def _standing(cands: list[Place]) -> bool:
    """A country or province bearing the name as its own, or a town of 100,000 or more."""
    return any((c.level in ("country", "admin1") and not c.alias) or c.population >= placing.SIZEABLE
               for c in cands)


def calendar_words() -> frozenset[str]:
    """Month and weekday names are capitalised but never places ("Thursday", "May")."""
    return frozenset(month_names()) | frozenset(weekday_names())


@dataclass(slots=True)
class _Toks:
    """One document's token attributes as plain lists."""

    doc: Doc
    text: str
    words: list[str]
    lower: list[str]
    pos: list[str]
    ent: list[str]
    iob: list[str]
    idx: list[int]
    ws: list[bool]
    caps: list[bool]
    sent_start: list[bool]
    block: list[str]
    lowercase_words: frozenset[str]
    # what the reading of this document has found so far (on the call, not the component: two
    # documents may be read at once on one pipeline)
    ends: set[int] = field(default_factory=set)      # end tokens of the names found
    starts: set[int] = field(default_factory=set)    # start tokens of names found, right to left
    groups: set[str] = field(default_factory=set)    # names read as groups of people

    @classmethod
    def of(cls, doc: Doc) -> _Toks:
        # one array read: making a Token object per word costs more than the rest of the stage
        if len(doc):
            cols = list(zip(*doc.to_array([ORTH, LOWER, POS, ENT_TYPE, ENT_IOB, IDX, SENT_START, SPACY]).tolist(),
                             strict=True))
        else:
            cols = [()] * 8
        strings = doc.vocab.strings
        names = {h: strings[h] for h in {*cols[0], *cols[1], *cols[2], *cols[3]}}
        names[0] = ""
        words, lower, pos, ent = ([names[h] for h in col] for col in cols[:4])
        iob = [_IOB[v] for v in cols[4]]
        idx = list(cols[5])
        starts = [v == 1 for v in cols[6]]
        if starts:
            starts[0] = True
        ws = [v != 0 for v in cols[7]]
        # "d'Ivoire", "l'Aquila": an elided article before a capital
        # (a capital is a letter: no digit or sign starts a capitalised word)
        caps = [w[:1].isupper() or (w[1:2] in ("'", "’") and w[:1] in ("d", "l") and w[2:3].isupper())
                for w in words]
        block = [""] * len(words)
        for b in doc.spans.get(SPANS_BLOCKS, []):
            block[b.start:b.end] = [b.label_] * (b.end - b.start)
        return cls(doc, doc.text, words, lower, pos, ent, iob, idx, ws, caps, starts, block,
                   frozenset(w for w in words if w.islower()))

    def name(self, a: int, b: int) -> str:
        return self.text[self.idx[a]:self.idx[b - 1] + len(self.words[b - 1])]


class PlaceRecognizer:
    def __init__(self, nlp: Language, name: str, gazetteer: Gazetteer):
        self.name = name
        self.gaz = gazetteer
        lex = lexicon()
        self.articles = frozenset(lex["articles"])
        self.particles = frozenset(lex["name_particles"])
        self.control = frozenset(lex["control_participles"])
        self.part_nouns = frozenset(lex["part_nouns"])
        self.admin1 = frozenset(lex["admin1_words"])
        self.admin2 = frozenset(lex["admin2_words"])
        self.camp = frozenset(w for w in lex["camp_words"] if " " not in w)
        self.airport = frozenset(lex["airport_words"])
        self.feature_words = self.admin1 | self.admin2 | self.camp | self.airport
        self.preps = frozenset(lex["place_prepositions"])
        self.pair_words = frozenset(lex["pair_words"])
        self.strike_cues = frozenset(lex["strike_cues"])
        self.kind_nouns = frozenset(lex["kind_nouns"])
        self.nouns_of = frozenset(lex["place_nouns_of"])
        self.stop = frozenset(nlp.Defaults.stop_words) | calendar_words() | frozenset(lex["directions"])
        self.directions = frozenset(lex["directions"])
        self.landforms = frozenset(lex["landforms"])
        self.locative_heads = frozenset(lex["locative_heads"])
        self.locative_verbs = frozenset(lex["locative_verbs"])
        self.occurrences = frozenset(lex["occurrence_heads"])
        self.seats = frozenset(lex["seat_words"])
        self.party_nouns = frozenset(lex["party_nouns"])
        self.diseases = frozenset(lex["disease_words"])
        self.group_nouns = frozenset(lex["group_nouns"])
        self.facilities = frozenset(lex["facility_heads"])
        from ...resolve.names import fold
        from ...resolve.registry import load_registry
        registry = load_registry()
        # names of armed groups, organisations, media and people are not places ("Daesh")
        self.actor_names = frozenset(key for key, ids in registry.index.items()
                                     if all(registry.actors[i].kind != "state" for i in ids))
        self.fold = lru_cache(maxsize=1 << 16)(fold)
        self.parts = {k.lower(): v for k, v in lex["parts"].items()}
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(self.parts, key=len, reverse=True))
        self.part_before = re.compile(rf"(?<![\w-])({words})\s+$", re.IGNORECASE)
        self.words = _word_index(nlp)
        self.nonnouns = _word_index(nlp, ("verb", "adj", "adv"))

    # ---------------------------------------------------------- cues
    @staticmethod
    def _hashtag(t: _Toks, i: int) -> bool:
        return i > 0 and t.words[i - 1] == "#" and not t.ws[i - 1]

    def _ents(self, t: _Toks, a: int, b: int) -> set[str]:
        return {e for e in t.ent[a:b] if e}

    def _cue_before(self, t: _Toks, a: int, b: int, lists: bool = True) -> bool:
        """A word before the name that says "place": "in", "near", "the town of", "Syria's";
        with ``lists``, also a comma or "and" after a place name found before it."""
        i = a - 1
        # an article that is also an English preposition ("at") is the preposition here
        while i >= 0 and (t.words[i] in ("#", "-") or t.lower[i] == "the" or t.lower[i] in self.pair_words
                          or (t.lower[i] in self.articles and t.lower[i] not in self.preps)):
            i -= 1
        if i < 0:
            return False
        if i == a - 1 and t.words[i] == ",":                  # "the Ukrainian capital, Kyiv"
            j = i - 1
            if j >= 0 and t.lower[j] in self.nouns_of:
                return True
        if lists and t.lower[i] in ("and", "or", ",") and i - 1 in t.ends:
            return True                                        # "Migori, Rongo": a list of places
        if lists and t.starts and self._listed_before(t, b):
            return True                                        # "Rongo, Migori and Kisumu", read right to left
        if lists and t.lower[i] == "and" and t.words[i - 1] == "," and i - 2 in t.ends:
            return True
        prev = t.words[i]
        if prev[:1].isupper() and (self._is_country(prev) or (prev.endswith("s") and self._is_country(prev[:-1]))):
            return True                                        # "Syria's Deir Ezzor", "Syrias Deir Ezzor"
        if t.lower[i] == "of":
            j = i - 1
            if j >= 1 and t.words[j] == "," and t.pos[j - 1] in ("NUM", "PROPN"):
                return True                                    # "Jane Doe, 54, of Tyler": where she lives
            while j >= 0 and t.pos[j] == "ADJ":
                j -= 1
            return j >= 0 and t.lower[j] in self.nouns_of
        return t.lower[i] in self.preps

    def _listed_before(self, t: _Toks, b: int) -> bool:
        """A comma or "and" after the name and a place name found right after it."""
        n = len(t.words)
        if b >= n or t.words[b] not in (",", "and", "or"):
            return False
        k = b + 1
        if t.words[b] == "," and k < n and t.lower[k] in ("and", "or"):
            k += 1
        return k in t.starts

    def _prep_before(self, t: _Toks, a: int) -> bool:
        """A preposition or place word right before the name ("in", "near", "the town of")."""
        i = a - 1
        while i >= 0 and (t.lower[i] == "the" or (t.lower[i] in self.articles and t.lower[i] not in self.preps)):
            i -= 1
        return i >= 0 and (t.lower[i] in self.preps or (t.lower[i] == "of" and i > 0 and t.lower[i - 1] in self.nouns_of))

    def _admin_after(self, t: _Toks, a: int, b: int) -> str | None:
        n = len(t.words)
        if b < n:
            w = t.lower[b]
            if w in self.admin1:
                return "admin1"
            if w in self.admin2:
                return "admin2"
            if w in self.camp:
                return "camp"
            nxt = t.lower[b + 1] if b + 1 < n else ""
            if w in self.airport or (w in ("'s", "’s") and nxt in self.airport):
                return "airport"
        if a >= 2 and t.lower[a - 1] == "of" and t.lower[a - 2] in self.admin1:
            return "admin1"
        return None

    def _is_country(self, name: str) -> bool:
        return any(c.level == "country" for c in self.gaz.lookup(name, fuzzy=False))

    def _sizeable(self, name: str) -> bool:
        """An exact name of a country, province or city of 100,000 or more (NER sometimes
        labels "Aleppo" NORP; "Russian" is no such name)."""
        return any(c.level in ("continent", "country", "admin1") or c.population >= placing.SIZEABLE
                   for c in self.gaz.lookup(name, fuzzy=False))

    def _code(self, word: str) -> bool:
        """A country's own short form in capitals ("US", "UK", "UAE") or a province's written
        alone ("NSW"), not an acronym of something else ("IS", "RT")."""
        if not word.isupper():
            return False
        cands = self.gaz.lookup(word, fuzzy=False)
        if any(c.level == "country" and not c.alias for c in cands):
            return True
        # a province's abbreviation that is also written alone as its name ("NSW")
        provinces = {p.id for p in self.gaz.abbreviation(word) if p.level == "admin1"}
        return any(c.id in provinces for c in cands)

    def _stopped(self, t: _Toks, i: int) -> bool:
        """A stop word, month or direction word that cannot start or end a name; a stop word
        in capitals that is a country's short form ("US") is none."""
        low = t.lower[i]
        return (low in self.stop or low.endswith(".") and low[:-1] in self.stop) and not (
            t.words[i].isupper() and len(t.words[i]) >= 2 and self._code(t.words[i]))   # "Jan." too

    def _is_word(self, t: _Toks, i: int) -> bool:
        """In the lemmatizer's word lists, as written or as a plural's singular."""
        low = t.lower[i]
        return (low in self.words or (low.endswith("s") and low[:-1] in self.words)
                or (low.endswith("es") and low[:-2] in self.words))

    def _common(self, t: _Toks, i: int, cands: list[Place]) -> bool:
        """A capitalised common English word: a verb, adjective or adverb, or a noun the text
        also writes in lower case (the noun list holds proper nouns too: "timbuktu"), that
        names no sizeable place."""
        low = t.lower[i]
        if low in self.nonnouns:
            # "Japan", "Buffalo", "Shanghai" are verbs too: a place label on a country, province
            # or sizeable town still makes the name a place
            return not (t.ent[i] in _PLACE_ENTS and _standing(cands))
        return low in t.lowercase_words and max((c.population for c in cands), default=0) < placing.SIZEABLE

    def _supplemented(self, t: _Toks, a: int, b: int) -> bool:
        """True when the user's supplementary gazetteer knows a name starting at token a."""
        if not self.gaz.extra:
            return False
        return any(name_key(t.name(a, k)) in self.gaz.extra for k in range(a + 1, min(b, a + _MAX_TOKENS) + 1))

    # ---------------------------------------------------------- acceptance
    def _may_be_place(self, t: _Toks, a: int, b: int) -> bool:
        """What ``_accept`` refuses whatever the gazetteer says, decided without a lookup."""
        if self.fold(t.name(a, b)) in self.actor_names:
            return False                                           # an actor's name: "Daesh", "White House"
        if (a >= 2 and t.words[a - 1] in ("-", "‑") and not t.ws[a - 2] and not t.ws[a - 1]
                and t.lower[a - 2] in self.articles and self.fold(t.name(a - 2, b)) in self.actor_names):
            return False                                           # "al-Shabab": the article starts the name
        ents = self._ents(t, a, b)
        if ents & _PLACE_ENTS or self._hashtag(t, a):
            return True
        if b - a > 1 and "PROPN" not in t.pos[a:b]:
            return False
        if "PERSON" in ents and not self._country_of_words(t, a, b):
            return self._admin_after(t, a, b) is not None or self._cue_before(t, a, b)
        return True

    def _country_of_words(self, t: _Toks, a: int, b: int) -> bool:
        """A country's own name of two words or more ("Sri Lanka", "Saudi Arabia"): no person's
        name, whatever the tagger says."""
        return b - a > 1 and any(c.level == "country" and not c.alias
                                 for c in self.gaz.lookup(t.name(a, b), fuzzy=False))

    def _evidence(self, t: _Toks, a: int, b: int) -> bool:
        """Anything besides capitals that says "place": without it no fuzzy lookup is tried."""
        return (bool(self._ents(t, a, b) & _PLACE_ENTS) or self._hashtag(t, a)
                or self._admin_after(t, a, b) is not None or self._cue_before(t, a, b))

    def _group(self, t: _Toks, a: int, b: int, cands: list[Place] | None = None) -> bool:
        """"the X sect", "the Y tribe": a group of people, not a place (unless the name is a
        country's, a province's or a sizeable town's); "the Xs" of such an X too."""
        if cands and _standing(cands):
            return False
        if b < len(t.words) and t.lower[b] in self.group_nouns:
            t.groups.add(t.lower[b - 1])
            return True
        return b - a == 1 and t.lower[a].endswith("s") and t.lower[a][:-1] in t.groups

    def _accept(self, t: _Toks, a: int, b: int, fuzzy: bool, cands: list[Place]) -> bool:
        """Strong evidence (a place label, a hashtag, an admin word after) or a place cue before
        it; a capitalised word with neither is not read as a place ("Deal", "Economy")."""
        if self._group(t, a, b, cands):
            return False
        ents = self._ents(t, a, b)
        single = b - a == 1
        if "NORP" in ents and not self._sizeable(t.name(a, b)) and not (
                not single and self._admin_after(t, a, b) == "admin1" and any(c.level == "admin1" for c in cands)):
            return False                                           # demonyms are never places, but a
            # province's name of two words before "province" or "region" is ("Sistan Baluchistan region")
        hashtag = self._hashtag(t, a)
        place_ent = bool(ents & _PLACE_ENTS)
        if single and not hashtag:
            if self._stopped(t, a) or t.lower[a] in self.feature_words or t.lower[a] in self.landforms or (
                    t.lower[a] in self.kind_nouns and self._admin_after(t, a, b) is None):
                return False                                       # "Camp", "Province", "Peninsula", "Town" alone
            if (t.pos[a] not in _NAME_POS and not place_ent
                    and (t.sent_start[a] or not self._sizeable(t.words[a]))):
                return False                                       # "Will", "Mobile", "Leave"
        if single and t.words[a].isupper() and len(t.words[a]) >= 2 and not place_ent and not self._code(t.words[a]):
            return False                                           # acronyms: "IS", "RT", "#IS", "NATO"
        if not single and "PROPN" not in t.pos[a:b] and not place_ent and not hashtag:
            return False
        if fuzzy and any(self._is_word(t, i) for i in range(a, b)
                         if t.lower[i] not in self.articles and t.words[i].isalpha()):
            return False                                           # "Border Town" is no "Bordertown"
        if (b < len(t.words) and t.caps[b] and t.lower[b] in self.landforms
                and not any(c.level in ("country", "admin1") for c in cands)):
            return False                                           # "Golan" of "Golan Heights"
        if (a > 0 and t.caps[a - 1] and t.lower[a - 1] in self.landforms and not t.sent_start[a]
                and not any(c.level in ("country", "admin1") for c in cands)):
            return False                                           # "Erie" of "Lake Erie": read whole or not at all
        exact = cands if not fuzzy else self.gaz.lookup(t.name(a, b), fuzzy=False)
        if single and not hashtag and self._common(t, a, exact):
            return False                                           # "Border" where the text writes "border"
        if (single and not hashtag and not place_ent and self._is_word(t, a)
                and max((c.population for c in exact), default=0) < placing.SIZEABLE
                and not any(c.level in ("country", "admin1") for c in exact)
                and not self._prep_before(t, a) and self._admin_after(t, a, b) is None):
            return False                                           # "U.S. Secretary" of State is no town
        if not fuzzy and any(c.id < 0 for c in cands):
            return True                                            # the user's supplementary gazetteer
        named = place_ent and not ents & _GUARDED_ENTS
        if hashtag or named or self._admin_after(t, a, b) is not None:
            return True
        if t.block[a] in _TITLE_CASE_BLOCKS:
            return False                                           # title case: only strong evidence
        if "PERSON" in ents and self._country_of_words(t, a, b):
            ents = ents - {"PERSON"}
        if not fuzzy and "PERSON" not in ents and any(c.population >= _BIG for c in cands):
            return True                                            # "out of Aleppo": a big city needs no cue
        code = single and self._code(t.words[a])
        if not fuzzy and "PERSON" not in ents and (code or not single) and any(
                c.level == "admin1" and c.size >= _BIG and (code or not c.alias) for c in cands):
            return True                                            # nor a big province by a whole name or its code:
            # "KwaZulu-Natal", "the NSW government" (one word alone, "Centre", still needs one)
        return self._cue_before(t, a, b) or (not fuzzy and self._struck(t, a, b, ents))

    def _struck(self, t: _Toks, a: int, b: int, ents: set[str]) -> bool:
        """"Rockets hit X", "jets pounded X": a strike verb right before the name (not a person's
        name, nor a possessive: "raided X's home")."""
        if a == 0 or t.lower[a - 1] not in self.strike_cues or "PERSON" in ents:
            return False
        return not (b < len(t.words) and t.lower[b] in ("'s", "’s"))

    # ---------------------------------------------------------- runs
    def _joiner(self, t: _Toks, j: int) -> bool:
        """A token that may sit inside a name: a tight hyphen, or an article before a name."""
        if j + 1 >= len(t.words):
            return False
        if t.words[j] in ("-", "‑") and not t.ws[j] and j > 0 and not t.ws[j - 1]:
            return True
        if t.words[j] in ("'s", "’s") and j > 0 and not t.ws[j - 1] and t.caps[j - 1] and t.caps[j + 1]:
            return True             # "People's Republic of China", "Saint Peter's Square": read whole when the gazetteer has it
        if t.words[j] in self.particles and j > 0 and (t.caps[j - 1] or t.words[j - 1] in self.particles):
            # "Rio de Janeiro", "Republic of the Congo": read whole only when the gazetteer has it
            k = j + 1
            while k < len(t.words) and k - j < 2 and t.words[k] in self.particles:
                k += 1
            return k < len(t.words) and t.caps[k]
        return t.lower[j] in self.articles and (t.caps[j + 1] or t.words[j + 1] == "-")

    def _runs(self, t: _Toks) -> list[tuple[int, int]]:
        """Runs [a, b) of capitalised tokens (with the hyphens and articles inside names) within a
        sentence, outside navigation blocks; a run with no proper noun, entity, hashtag or cue
        before it is no name."""
        runs, j, n = [], 0, len(t.words)
        while j < n:
            if not t.caps[j]:
                j += 1
                continue
            k = j + 1
            while k < n and not t.sent_start[k] and (t.caps[k] or self._joiner(t, k)):
                k += 1
            b = k
            while b > j and not t.caps[b - 1]:
                b -= 1
            if (t.block[j] != "navigation"
                    and (any(p in _NAME_POS for p in t.pos[j:b]) or any(t.ent[j:b]) or self._hashtag(t, j)
                         or self._cue_before(t, j, j + 1) or self._supplemented(t, j, b))):
                runs.append((j, b))
            j = k
        return self._pairs(t, self._joined(t, runs))

    def _joined(self, t: _Toks, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Two runs with "and" between them are one when the gazetteer has the whole name
        ("Bosnia and Herzegovina", "Jammu and Kashmir"); else they stay two places."""
        out: list[tuple[int, int]] = []
        for a, b in runs:
            if out and out[-1][1] + 1 == a and t.lower[a - 1] in ("and", "&") and not t.sent_start[a - 1]:
                pa = out[-1][0]
                for x in range(pa, out[-1][1]):         # the whole name may begin inside the run before
                    for y in range(b, a, -1):
                        if y - x <= _MAX_TOKENS and _standing(self.gaz.lookup(t.name(x, y), fuzzy=False)):
                            out[-1] = (pa, b)
                            break
                    else:
                        continue
                    break
                if out[-1][1] == b:
                    continue
            out.append((a, b))
        return out

    def _pairs(self, t: _Toks, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """A run of two names joined by a tight hyphen ("the Damascus-Homs highway", "the
        X-Y axis") is two runs when the whole is no name the gazetteer has and each part is
        a place of some standing or a name the story also writes alone."""
        alone = {t.name(a, b).lower() for a, b in runs}
        out = []
        for a, b in runs:
            cut = next((j for j in range(a + 1, b - 1) if t.words[j] in ("-", "‑") and not t.ws[j]
                        and not t.ws[j - 1] and t.caps[j - 1] and t.caps[j + 1]), None)
            if cut is None or self.gaz.lookup(t.name(a, b), fuzzy=False):
                out.append((a, b))
                continue
            parts = [(a, cut), (cut + 1, b)]
            if all(_standing(self.gaz.lookup(t.name(x, y), fuzzy=False)) or t.name(x, y).lower() in alone
                   for x, y in parts):
                out += parts
            else:
                out.append((a, b))
        return out

    def _splits(self, t: _Toks, a: int, b: int, lo: int, hi: int) -> bool:
        """True when [a, b) would cut a hyphenated name ("Hajr Al" of "Hajr Al-Aswad")."""
        before = a > lo and t.words[a - 1] == "-" and not t.ws[a - 1]
        after = b < hi and t.words[b] == "-" and not t.ws[b - 1]
        return before or after

    def _match_run(self, t: _Toks, lo: int, hi: int) -> list[Mention]:
        out, a = [], lo
        caps, pos, ent = t.caps, t.pos, t.ent
        while a < hi:
            # a whole name that begins with a direction word ("North Korea") or with a word that
            # starts no name alone ("New South Wales", "Democratic Republic of the Congo")
            found = (self._standing_name(t, a, hi) if caps[a] and (
                t.lower[a] in self.directions or (pos[a] not in _NAME_POS and a + 1 < hi)) else None)
            if found:
                out.append(self._mention(t, a, found[0], found[1], False))
                a = found[0]
                continue
            if (not caps[a] or self._stopped(t, a)
                    or (pos[a] not in _NAME_POS and not ent[a] and not self._hashtag(t, a)
                        and not self._cue_before(t, a, a + 1) and not self._supplemented(t, a, hi))):
                a += 1                  # a name starts with a proper noun or an entity ("The", "Will")
                continue
            for b in range(min(hi, a + _MAX_TOKENS), a, -1):
                if not caps[b - 1] or self._splits(t, a, b, lo, hi):
                    continue
                if self._stopped(t, b - 1):
                    # a direction word ends a name only when the gazetteer has the whole as a
                    # division's name ("Mashonaland West", "Nusa Tenggara Barat")
                    if b - 1 > a and t.lower[b - 1] in self.directions and self._may_be_place(t, a, b):
                        cands = [c for c in self.gaz.lookup(t.name(a, b), fuzzy=False)
                                 if c.level in ("admin1", "admin2") and not c.alias]
                        if cands and self._accept(t, a, b, False, cands):
                            found = (b, cands, False)
                            break
                    continue
                if not self._may_be_place(t, a, b) and not self._supplemented(t, a, b):
                    continue
                name = t.name(a, b)
                cands = self.gaz.lookup(name, fuzzy=False)
                if (cands and b - a == 1 and a > lo and t.caps[a - 1] and not self._stopped(t, a - 1)
                        and self._is_word(t, a) and not _standing(cands)):
                    continue    # a common noun closing a longer name ("Camborne Town Council")
                if cands and self._accept(t, a, b, False, cands):
                    found = (b, cands, False)
                    break
                # a longer name, even fuzzy, beats a shorter exact one; but one word of a longer
                # run is never fuzzy-matched ("Khirbet" of "Khirbet Umm Zaytuna")
                alpha = sum(w.isalpha() for w in t.words[a:b])
                if alpha < 2 and (a > lo or b < hi):
                    continue
                if self._evidence(t, a, b):
                    cands = self.gaz.lookup(name, fuzzy=True)
                    if cands and self._accept(t, a, b, True, cands):
                        found = (b, cands, True)
                        break
            if not found:
                unknown = self._unknown(t, a, hi)
                if unknown:
                    out.append(unknown)
                    a = unknown.tokens[1]
                else:
                    a += 1
                continue
            b, cands, fuzzy = found
            out.append(self._mention(t, a, b, cands, fuzzy))
            a = b
        return out

    def _standing_name(self, t: _Toks, a: int, hi: int) -> tuple[int, list[Place]] | None:
        """A whole name of two words or more that begins with a direction word ("North Korea",
        "South Sudan", "West Bank") or an adjective ("New South Wales"), looked up exactly; such
        a word alone never starts a name."""
        for b in range(min(hi, a + _MAX_TOKENS), a + 1, -1):
            if not t.caps[b - 1] or t.lower[b - 1] in self.stop:
                continue
            cands = self.gaz.lookup(t.name(a, b), fuzzy=False)
            # only names of some standing: "Southern City" is some small town's other name;
            # a smaller town by its own name needs a place cue before it ("at Eastern Creek")
            if cands and (any(c.level in ("continent", "country", "admin1", "admin2")
                              or c.population >= placing.SIZEABLE for c in cands) or (any(not c.alias for c in cands) and self._prep_before(t, a))
                          ) and self._accept(t, a, b, False, cands):
                if not any(c.level in ("continent", "country", "admin1", "admin2")
                           or c.population >= placing.SIZEABLE for c in cands):
                    cands = [c for c in cands if not c.alias]
                return b, cands
        return None

    def _mention(self, t: _Toks, a: int, b: int, cands: list[Place], fuzzy: bool) -> Mention:
        place_ents = bool(self._ents(t, a, b) & _PLACE_ENTS)
        hint = self._admin_after(t, a, b)
        common = fuzzy and (any(self._is_word(t, i) for i in range(a, b)) or t.block[a] in _TITLE_CASE_BLOCKS)
        hashtag = self._hashtag(t, a)
        return Mention(t.idx[a], t.idx[b - 1] + len(t.words[b - 1]), t.name(a, b), cands, fuzzy,
                       admin_hint=hint, place_ents=place_ents, tokens=(a, b),
                       weak=not (place_ents or hint or hashtag), common=common,
                       label_only=place_ents and not (hint or hashtag or self._cue_before(t, a, b)))

    def _unknown(self, t: _Toks, a: int, hi: int) -> Mention | None:
        """A proper name no lookup found, kept when it looks like a place: a place label from
        NER, or a place cue before it, or "&"/"and" joining it to the name before."""
        if t.pos[a] != "PROPN" or t.lower[a] in self.stop or t.ent[a] == "NORP":
            return None
        if self.fold(t.words[a]) in self.actor_names:
            return None                                            # "Daesh" is an actor, not a place
        joined = a > 0 and t.words[a - 1] in ("&", "and")
        if not (t.ent[a] in _PLACE_ENTS or joined or self._cue_before(t, a, a + 1, lists=False) or self._hashtag(t, a)):
            return None
        b = a + 1
        while b < hi and not self.gaz.lookup(t.words[b], fuzzy=False):
            b += 1
        while b > a + 1 and not t.caps[b - 1]:
            b -= 1
        if any(e == "NORP" for e in t.ent[a:b]):
            return None
        if b - a == 1 and t.words[a].isupper() and len(t.words[a]) <= 3:
            return None
        if all(self._is_word(t, i) for i in range(a, b) if t.words[i].isalpha() and t.lower[i] not in self.articles):
            return None                                            # common words are no toponyms
        if self._group(t, a, b):
            return None
        if t.block[a] in _TITLE_CASE_BLOCKS:
            return None
        if self.gaz.lookup(t.name(a, b), fuzzy=False):
            return None                 # the gazetteer has it, and its places were not taken here
        ents = self._ents(t, a, b)
        place_ent = bool(ents & _PLACE_ENTS) and not ents & _GUARDED_ENTS
        if not (place_ent or joined or self._cue_before(t, a, b, lists=False) or self._hashtag(t, a)):
            return None
        return Mention(t.idx[a], t.idx[b - 1] + len(t.words[b - 1]), t.name(a, b), [], False,
                       admin_hint=self._admin_after(t, a, b), place_ents=place_ent, tokens=(a, b))

    # ---------------------------------------------------------- states acting
    def _acts(self, doc: Doc, m: Mention, located: bool = False) -> bool:
        """A country or capital as subject, agent or possessor: a state acting, not a place."""
        if not any(c.level == "country" or c.capital for c in m.candidates):
            return False
        root = doc[m.tokens[0]:m.tokens[1]].root
        possessive = root.dep_ == "poss" or (m.tokens[1] < len(doc) and doc[m.tokens[1]].text in ("'s", "’s"))
        if possessive and (root.head.lemma_.lower() in self.locative_heads or root.head.lower_ in self.locative_heads):
            return False                                      # "Kabul's streets": where, not who
        if possessive and root.head is not root and self._counted_or_place(root.head):
            return False                                      # "Peru's 30 clinics", "Peru's first", "Chad's capital Ndjamena"
        if root.dep_ == "nsubj" and self._reports_here(root.head):
            return False                                      # "Peru reported its second case": where it happened
        if root.dep_ == "nsubj" and root.head.pos_ in ("VERB", "AUX") and root.head.lemma_.lower() in self.locative_verbs:
            return False                                      # "France is the seventh country": what it is
        if located:
            return False                                      # "a farm in Surrey, UK": where a place lies
        if any(c.dep_ in ("compound", "appos", "amod") and c.lower_ in self.party_nouns for c in root.children) \
                or (root.dep_ in ("appos", "compound", "nmod") and root.head.lower_ in self.party_nouns):
            return True                                       # "regime ally Iran", "its Damascus ally": a party
        if root.dep_ in ("nsubj", "nsubjpass", "poss"):
            return True
        if root.dep_ == "pobj" and root.head.lower_ == "by":
            return True
        return possessive

    @staticmethod
    def _counted_or_place(head) -> bool:
        """A possessed noun that is counted or ranked ("30 clinics", "its first", "ninth case"), or
        is itself a place name ("Chad's capital Ndjamena"): the possessor holds it as a place."""
        if head.ent_type_ in ("ORDINAL", "GPE", "LOC", "FAC"):
            return True
        return any(ch.dep_ == "nummod" or ch.ent_type_ in ("ORDINAL", "CARDINAL") for ch in head.children)

    def _reports_here(self, verb) -> bool:
        """The subject's verb reports or has something that happens in a place (``occurrence_heads``)
        as its object, or in a clause it governs ("says it has confirmed a case", "confirmed that
        there has been an outbreak", "reported having 40 cases")."""
        def objects(v, clause: bool = False):
            # a passive clause with an agent says who did it, not where ("said the deaths were caused by")
            agent = clause and any(c.dep_ == "agent" for c in v.children)
            return [c for c in v.children if c.dep_ in ("dobj", "attr", "oprd") or (c.dep_ == "nsubjpass" and not agent)]

        found = objects(verb)
        for c in verb.children:
            if c.dep_ in ("ccomp", "xcomp", "conj"):
                found += objects(c, True)
        return any(o.lemma_.lower() in self.occurrences or o.lower_ in self.occurrences for o in found)

    def __call__(self, doc: Doc) -> Doc:
        t = _Toks.of(doc)
        mentions: list[Mention] = []
        runs = self._runs(t)
        for a, b in runs:
            found = self._match_run(t, a, b)
            t.ends.update(m.tokens[1] - 1 for m in found if m.candidates)
            mentions += found
        mentions = self._listed(t, runs, mentions)
        mentions = self._repeated(t, runs, mentions)
        # a place name inside an organisation's name ("Kenya Red Cross Society") or a disease's
        # name ("West Nile virus") is embedded
        inside_org = [m for m in mentions if self._in_org(t, m) or self._names_disease(t, m)]
        mentions = [m for m in mentions if m not in inside_org]
        for m in inside_org:
            m.reading = "embedded"
        mentions = self._abbreviations(t, mentions)
        for m in mentions:
            if any(c.level == "country" for c in m.candidates):
                m.modifier = doc[m.tokens[0]:m.tokens[1]].root.dep_ in placing.MODIFIER_DEPS
        plural = {m.tokens[1]: m.tokens[1] < len(t.words) and t.lower[m.tokens[1]].endswith("s") for m in mentions}
        placing.coordinate(t.text, mentions, plural)
        placing.contain(t.text, mentions)
        self._held_by(t.text, mentions)
        # a state acting, a country in an organisation's name and a demonym ("Syrian forces")
        # still say what the story is about (a demonym as a modifier does: weight 1)
        demonyms = self._not_literal(doc, t, mentions + inside_org)
        ctx = placing.context(mentions + inside_org)
        for m in demonyms:
            ctx.update({c.country: 1 for c in m.candidates if c.level == "country"})
        # a country after "Town," ("Surrey, UK") only says where the town lies
        located = {b.start for a, b in zip(mentions, mentions[1:], strict=False)
                   if t.text[a.end:b.start].strip() == "," and a.candidates}
        seats = [m for m in mentions if self._seat(t.text, m)]
        acting = [m for m in mentions if m not in seats and (self._acts(doc, m, m.start in located)
                                                            or self._backing(doc, m))]
        mentions = placing.choose([m for m in mentions if m not in acting and m not in seats], ctx, t.text)
        mentions = placing.run_on(t.text, mentions, ctx, self.articles | self.particles)
        placing.part_of_city(t.text, mentions, self.part_nouns)
        placing.outside_its_country(t.text, mentions)
        placing.locate_unknown(t.text, mentions, self.kind_nouns | self.admin1 | self.admin2, self.directions)
        self._parts(t.text, mentions)
        # the toponyms that are not event places, resolved by the same context: a state acting
        # ("Moscow denied"), a demonym ("Russian jets"), a name inside an organisation's name
        for m in acting:
            m.reading = "metonymic"
        others = placing.choose(acting + seats + inside_org + demonyms, ctx, t.text)
        spans = []
        for m in mentions:
            if m.chosen or m.near:
                span = doc.char_span(m.part_start, m.end, alignment_mode="expand") if m.part else None
                spans.append(span or doc[m.tokens[0]:m.tokens[1]])
        doc.spans[SPANS_PLACES] = spans
        doc._.wl_places = placing.records(mentions, t.text)
        doc._.wl_toponyms = placing.records(sorted(mentions + others, key=lambda m: m.start), t.text, parts=False)
        return doc

    def _held_by(self, text: str, mentions: list[Mention]) -> None:
        """"Pakistan-administered Kashmir", "the Russian-held X": a name a country is said to
        hold, administer or occupy is looked up in that country when it has a place there."""
        for a, b in zip(mentions, mentions[1:], strict=False):
            hit = _HELD.match(text, a.end, b.start)
            if not hit or hit.group(1).lower() not in self.control:
                continue
            countries = {c.country for c in a.candidates if c.level == "country" and not c.alias}
            if not countries and a.reading == "adjectival":
                countries = {c.country for c in a.candidates if c.level == "country"}
            there = [c for c in b.candidates if c.country in countries]
            if there and len(there) < len(b.candidates):
                b.candidates = there
                b.why.append(f"{text[a.start:b.start].strip()}: a place there")

    def _seat(self, text: str, m: Mention) -> bool:
        """Whether the name says where an organisation sits ("the Geneva-based group"): a literal
        place, but no place of what the story tells."""
        rest = text[m.end:m.end + 20]
        return rest[:1] in "-‑" and rest[1:].split(" ", 1)[0].strip(",.;:").lower() in self.seats

    @staticmethod
    def _backing(doc: Doc, m: Mention) -> bool:
        """Whether the name is joined by a hyphen to a participle ("Russia-backed forces",
        "US-led coalition"): the state that backs or leads, not a place."""
        i = m.tokens[1]
        return (i + 1 < len(doc) and doc[i].text in ("-", "‑") and not doc[i - 1].whitespace_
                and not doc[i].whitespace_ and doc[i + 1].tag_ == "VBN")

    def _listed(self, t: _Toks, runs: list[tuple[int, int]], mentions: list[Mention]) -> list[Mention]:
        """Names listed before a place ("Rogaland, Vestfold and Oslo"): the list cue reads left
        to right, so the names before the first one with evidence are read again right to left,
        each one that is a place becoming the cue of the name before it."""
        t.starts = {m.tokens[0] for m in mentions if m.candidates}
        covered = {i for m in mentions for i in range(*m.tokens)}
        added = []
        for a, b in reversed(runs):
            if covered.intersection(range(a, b)) or not self._listed_before(t, b):
                continue
            found = [m for m in self._match_run(t, a, b) if m.candidates]
            if found and found[-1].tokens[1] == b:
                added += found
                t.starts.update(m.tokens[0] for m in found)
                covered.update(i for m in found for i in range(*m.tokens))
        t.starts = set()
        return sorted(mentions + added, key=lambda m: m.start) if added else mentions

    def _repeated(self, t: _Toks, runs: list[tuple[int, int]], mentions: list[Mention]) -> list[Mention]:
        """A name read as a place once is a place wherever the story writes it alone ("rockets
        landed on X" after "the village of X"): a run of capitals that is exactly the name of a
        mention found by its own evidence, not fuzzily and not as a common word, and is no
        person's name there, becomes a mention with the same candidates."""
        sure = {t.name(*m.tokens): m for m in mentions
                if m.candidates and not m.fuzzy and not m.common and m.reading == "literal"}
        if not sure:
            return mentions
        covered = {i for m in mentions for i in range(*m.tokens)}
        added = []
        for a, b in runs:
            m = sure.get(t.name(a, b))
            if (m is None or covered.intersection(range(a, b)) or "PERSON" in self._ents(t, a, b)
                    or "PROPN" not in t.pos[a:b] or not self._may_be_place(t, a, b) or self._group(t, a, b)):
                continue
            added.append(self._mention(t, a, b, list(m.candidates), False))
        return sorted(mentions + added, key=lambda m: m.start) if added else mentions

    def _names_disease(self, t: _Toks, m: Mention) -> bool:
        """The name is part of a disease's name: "West Nile virus", "Rift Valley fever"."""
        b = m.tokens[1]
        return b < len(t.words) and t.lower[b] in self.diseases

    def _in_org(self, t: _Toks, m: Mention) -> bool:
        """The name begins an organisation's name that goes on in capitals after it ("Kenya Red
        Cross Society", "Michigan State University"), with no admin word right after it; a
        building or site named after the place (a hotel, a hospital: ``facility_heads``) stands
        in it, and the name stays literal."""
        a, b = m.tokens
        n = len(t.words)

        def goes_on(k: int) -> bool:
            return k < n and t.ent[k] == "ORG" and t.iob[k] == "I" and t.caps[k] and not t.sent_start[k]

        if m.fuzzy or not goes_on(b) or t.ent[b - 1] != "ORG" or t.lower[b] in self.landforms:
            return False
        if _standing([c for c in self.gaz.lookup(t.words[b], fuzzy=False) if c.level in ("country", "admin1")]):
            return False                    # "Tabqa Syria": a town and its country, not one name
        e = b
        while goes_on(e):
            e += 1
        if t.lower[e - 1] in self.facilities:
            return False                    # "Damascus Sheraton Hotel" stands in Damascus: literal
        if m.admin_hint is not None or t.lower[b] in self.feature_words:
            return goes_on(b + 1)           # "Michigan State University", not "Homs Province"
        return True

    def _not_literal(self, doc: Doc, t: _Toks, found: list[Mention]) -> list[Mention]:
        """Demonyms (adjectival readings: "Russian", "Syrians") and countries or provinces named
        inside an organisation's name (embedded: "the University of Texas", "Syrian Observatory")."""
        taken = {i for m in found for i in range(*m.tokens)}
        out = []
        orgs = [0] * len(t.words)
        for ent in doc.ents:
            if ent.label_ in ("ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW"):
                for i in range(ent.start, ent.end):
                    orgs[i] = 1
        i, n = 0, len(t.words)
        while i < n:
            # only a demonym-like word (NORP label, adjective) or a word of an organisation's name
            # is looked up: the loop runs over every capitalised word of every document
            demonym_like = t.ent[i] == "NORP" or t.pos[i] == "ADJ"
            if not t.caps[i] or i in taken or t.lower[i] in self.stop or not (demonym_like or orgs[i]):
                i += 1
                continue
            hit = None
            for b in range(min(n, i + 4), i, -1):
                if any(k in taken or not t.caps[k] for k in range(i, b)):
                    continue
                name = t.name(i, b)
                dem = self.gaz.demonym(name) if b - i <= 2 and (demonym_like or orgs[i]) else []
                if dem:
                    hit = (b, dem, "embedded" if orgs[i] else "adjectival")
                    break
                if orgs[i]:
                    wide = [c for c in self.gaz.lookup(name, fuzzy=False)
                            if c.level in ("country", "admin1") and not c.alias]
                    if wide:
                        hit = (b, wide, "embedded")
                        break
            if hit is None:
                i += 1
                continue
            b, cands, reading = hit
            out.append(Mention(t.idx[i], t.idx[b - 1] + len(t.words[b - 1]), t.name(i, b), cands, False,
                               tokens=(i, b), place_ents=True, reading=reading))
            i = b
        return out

    _ABBR = re.compile(r",\s*([A-Z][A-Za-z]?(?:\.[A-Z]){0,2}\.?|[A-Z][a-z]{1,4}\.?|[A-Z]{2,3})(?![\w-])")

    def _abbreviations(self, t: _Toks, mentions: list[Mention]) -> list[Mention]:
        """"London, Ont.", "Dublin, Ohio", "Wagga Wagga, NSW": an abbreviation of a province right
        after a comma after a place name is a mention of that province (``contain`` then keeps
        the town in it)."""
        out: list[Mention] = []
        taken = {m.start: m for m in mentions}
        dropped: set[int] = set()
        for m in mentions:
            out.append(m)
            if not m.candidates:
                continue
            hit = self._ABBR.match(t.text, m.end)
            if not hit:
                continue
            countries = {c.country for c in m.candidates}
            there = taken.get(hit.start(1))
            if there is not None and (there.end > hit.end(1) or any(
                    c.level == "admin1" and c.country in countries for c in there.candidates)):
                continue                # the province's own name ("Dublin, Ohio"), or a longer name
            provinces = [p for p in self.gaz.abbreviation(hit.group(1)) if p.country in countries]
            if not provinces:
                continue
            if there is not None:
                dropped.add(id(there))  # a town that shares the abbreviation's letters ("Ont")
            start, end = hit.start(1), hit.end(1)
            a = next((i for i, x in enumerate(t.idx) if x >= start), len(t.idx))
            b = next((i for i, x in enumerate(t.idx) if x >= end), len(t.idx))
            out.append(Mention(start, end, hit.group(1), provinces, False, tokens=(a, max(b, a + 1)),
                               admin_hint="admin1"))
        return [m for m in out if id(m) not in dropped]

    def _parts(self, text: str, mentions: list[Mention]) -> None:
        """"northern Mali", "south-east Ukraine": a direction word right before a country or
        province makes the mention that part of it, with a point from its towns."""
        for m in mentions:
            if not m.chosen or m.chosen.level not in ("country", "admin1"):
                continue
            hit = self.part_before.search(text, max(0, m.start - 24), m.start)
            if not hit:
                continue
            part = self.parts[re.sub(r"\s+", " ", hit.group(1).lower())]
            point = self.gaz.part_point(m.chosen, part)
            if point:
                m.part, m.part_start, m.part_point = part, hit.start(1), point
