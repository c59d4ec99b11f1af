"""PlaceRecognizer: place mentions found by gazetteer lookups over proper-name runs, with NER
spans as extra evidence (never trusted alone: the small model tags "Yarmouk" as PERSON), then
disambiguated by the document's context.

The cascade for each run of capitalised tokens in a sentence (a comment says why each step is
where it is):
  1. the longest sub-span with an exact gazetteer key wins; then the longest with a fuzzy key;
  2. a candidate is dropped when it is a demonym (NORP), a common word (a stop word, or a
     single non-proper-noun token with no GPE/LOC/FAC label), or sits inside a PERSON/ORG name
     with nothing around it that says "place" (a preposition before, an admin word after);
  3. a country or capital that acts or speaks (subject, agent, possessor) is a state, not a
     scene: it is left to the actor stage;
  4. an admin word after the name ("Homs Province", "Idlib and Homs Provinces") chooses admin1
     (or admin2) for it and for a name coordinated with it;
  5. candidates are scored by the countries the document is about, nearness to its other
     places, feature level and population; fuzzy candidates must lie in those countries;
  6. a name the gazetteer lacks, coordinated with a place ("A & X") or followed by "in/near Y",
     is kept at the point of what locates it, with precision "near".
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...resolve.gazetteer import Gazetteer, Place, km
from ...resolve.names import lexicon
from ...structure.lexicon import month_names, weekday_names
from ..extensions import SPANS_BLOCKS, SPANS_PLACES

_PLACE_ENTS = {"GPE", "LOC", "FAC"}
_GUARDED_ENTS = {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"}
_MAX_TOKENS = 6
_NEAR_KM = 250
_BIG = 500_000


def _word_index(nlp: Language) -> dict[str, frozenset[str]]:
    """The lemmatizer's English word lists by part of speech (noun, verb, adj, adv), when the
    pipeline has a rule lemmatizer; used to tell a capitalised common word from a name."""
    if "lemmatizer" not in nlp.pipe_names:
        return {}
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return {}
    table = lookups.get_table("lemma_index")
    return {pos: frozenset(table.get(pos, [])) for pos in ("noun", "verb", "adj", "adv")}


def calendar_words() -> frozenset[str]:
    """Month and weekday names are capitalised but never places ("Thursday", "May")."""
    return frozenset(month_names()) | frozenset(weekday_names())


@dataclass
class Mention:
    start: int                  # char offsets
    end: int
    text: str
    candidates: list[Place]
    fuzzy: bool
    admin_hint: str | None = None
    place_ents: bool = False
    tokens: tuple[int, int] = (0, 0)
    weak: bool = False          # found through a cue before it alone, with no place label
    chosen: Place | None = None
    near: Mention | None = None     # for unknown toponyms: the mention that locates it


@dataclass
class PlaceRecord:
    place: Place | None
    name: str
    precision: str
    lat: float | None
    lon: float | None
    level: str
    mentions: list[tuple[int, int]] = field(default_factory=list)


class PlaceRecognizer:
    def __init__(self, nlp: Language, name: str, gazetteer: Gazetteer):
        self.name = name
        self.gaz = gazetteer
        lex = lexicon()
        self.articles = frozenset(lex["articles"])
        self.admin1 = frozenset(lex["admin1_words"])
        self.admin2 = frozenset(lex["admin2_words"])
        self.camp = frozenset(w for w in lex["camp_words"] if " " not in w)
        self.airport = frozenset(lex["airport_words"])
        self.feature_words = self.admin1 | self.admin2 | self.camp | self.airport
        self.preps = frozenset(lex["place_prepositions"])
        self.nouns_of = frozenset(lex["place_nouns_of"])
        self.stop = frozenset(nlp.Defaults.stop_words) | calendar_words() | frozenset(lex["directions"])
        self.lexicon = _word_index(nlp)

    # ---------------------------------------------------------- tokens
    @staticmethod
    def _hashtag(tok: Token) -> bool:
        return tok.i > 0 and tok.doc[tok.i - 1].text == "#" and not tok.doc[tok.i - 1].whitespace_

    _cap_doc: Doc | None = None
    _caps: list[bool] = []

    def _cap(self, tok: Token) -> bool:
        """Capitalised and alphabetic (computed once per document)."""
        if self._cap_doc is not tok.doc:
            self._cap_doc = tok.doc
            self._caps = [t.text[:1].isupper() and any(c.isalpha() for c in t.text) and not t.like_num
                          for t in tok.doc]
        return self._caps[tok.i]

    def _joiner(self, toks: list[Token], j: int) -> bool:
        """A token that may sit inside a name: a tight hyphen, or an article before a name."""
        tok = toks[j]
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is None:
            return False
        if tok.text in ("-", "‑") and not tok.whitespace_ and j > 0 and not toks[j - 1].whitespace_:
            return True
        return tok.lower_ in self.articles and (self._cap(nxt) or nxt.text == "-")

    def _runs(self, doc: Doc) -> list[list[Token]]:
        """Runs of capitalised tokens (with the hyphens and articles inside names), within a
        sentence; a run with no proper noun, entity or hashtag in it is no name."""
        if not len(doc):
            return []
        self._cap(doc[0])                                   # fills the per-document cache
        caps = self._caps
        starts = {s.start for s in doc.sents}
        runs, j, n = [], 0, len(doc)
        toks = list(doc)
        while j < n:
            if not caps[j]:
                j += 1
                continue
            k = j + 1
            while k < n and k not in starts and (caps[k] or self._joiner(toks, k)):
                k += 1
            run = toks[j:k]
            while run and not caps[run[-1].i]:
                run.pop()
            if any(t.pos_ == "PROPN" or t.ent_type_ or self._hashtag(t) for t in run):
                runs.append(run)
            j = k
        return runs

    # ---------------------------------------------------------- candidates
    def _accept(self, span: Span, fuzzy: bool) -> bool:
        """Strong evidence (a place label, a hashtag, an admin word after) or a place cue before
        it; a capitalised word with neither is not read as a place ("Deal", "Economy")."""
        ents = {t.ent_type_ for t in span if t.ent_type_}
        head = span[0]
        if "NORP" in ents and not self._sizeable(span.text):
            return False                                           # demonyms are never places
        hashtag = self._hashtag(head)
        place_ent = bool(ents & _PLACE_ENTS)
        if len(span) == 1 and not hashtag:
            if head.lower_ in self.stop:
                return False
            if head.pos_ != "PROPN" and not place_ent and (head.is_sent_start or not self._sizeable(head.text)):
                return False                                       # "Will", "Mobile", "Leave"
            if head.lower_ in self.feature_words:
                return False                                       # "Camp", "Province" alone
        if len(span) == 1 and head.text.isupper() and len(head.text) >= 2 and not place_ent:
            return False                                           # acronyms: "IS", "RT", "#IS", "NATO"
        if len(span) > 1 and not any(t.pos_ == "PROPN" for t in span) and not place_ent and not hashtag:
            return False
        if fuzzy and any(self._is_word(t) for t in span if t.lower_ not in self.articles and t.is_alpha):
            return False                       # "Border Town" is no spelling of "Bordertown"
        cands = self.gaz.lookup(span.text, fuzzy=False)
        if len(span) == 1 and not hashtag and self._common(head, cands):
            return False                       # "Border" where the text also writes "border"
        if not fuzzy and any(c.id < 0 for c in cands):
            return True                        # the user's own supplementary gazetteer names it
        named = place_ent and not ents & _GUARDED_ENTS
        strong = hashtag or self._admin_after(span) is not None or named
        if strong:
            return True
        if self._in_blocks(span, ("heading", "navigation", "caption")):
            return False                       # title case everywhere: only strong evidence counts
        if not fuzzy and "PERSON" not in ents and any(c.population >= _BIG for c in cands):
            return True                        # a large city's name needs no cue ("out of Aleppo")
        return self._cue_before(span)

    def _common(self, tok: Token, cands: list[Place]) -> bool:
        """A capitalised common English word: a verb, adjective or adverb, or a noun the text
        also writes in lower case, that names no sizeable place."""
        if not self.lexicon:
            return False
        low, lemma = tok.lower_, tok.lemma_.lower()
        if any(w in self.lexicon[pos] for pos in ("verb", "adj", "adv") for w in (low, lemma)):
            return True
        # the noun list holds proper nouns too ("timbuktu"): a noun is common only when the
        # document also writes it in lower case
        lower_elsewhere = low in self._lower_words(tok.doc)
        return lower_elsewhere and max((c.population for c in cands), default=0) < 100_000

    _lw_doc: Doc | None = None
    _lw: frozenset[str] = frozenset()

    def _lower_words(self, doc: Doc) -> frozenset[str]:
        """The words the document writes in lower case (computed once per document)."""
        if self._lw_doc is not doc:
            self._lw_doc, self._lw = doc, frozenset(t.text for t in doc if t.text.islower())
        return self._lw

    def _is_word(self, tok: Token) -> bool:
        """In the lemmatizer's word lists, as written, as lemma, or as a plural's singular."""
        low = tok.lower_
        forms = {low, tok.lemma_.lower(), low[:-1] if low.endswith("s") else low,
                 low[:-2] if low.endswith("es") else low}
        return any(f in words for f in forms for words in self.lexicon.values())

    @staticmethod
    def _in_blocks(span: Span, kinds: tuple[str, ...]) -> bool:
        return any(b.label_ in kinds and b.start_char <= span.start_char < b.end_char
                   for b in span.doc.spans.get(SPANS_BLOCKS, []))

    def _may_be_place(self, doc: Doc, toks: list[Token]) -> bool:
        """What ``_accept`` would refuse whatever the gazetteer said, decided without a lookup:
        a person's name with no place cue, a multi-word run with no proper noun or label."""
        ents = {t.ent_type_ for t in toks if t.ent_type_}
        if ents & _PLACE_ENTS or self._hashtag(toks[0]):
            return True
        if len(toks) > 1 and not any(t.pos_ == "PROPN" for t in toks):
            return False
        if "PERSON" in ents:
            span = doc[toks[0].i:toks[-1].i + 1]
            return self._admin_after(span) is not None or self._cue_before(span)
        return True

    def _evidence(self, span: Span) -> bool:
        """Anything besides capitals that says "place": without it no fuzzy lookup is tried."""
        return (any(t.ent_type_ in _PLACE_ENTS for t in span) or self._hashtag(span[0])
                or self._admin_after(span) is not None or self._cue_before(span))

    def _is_country(self, name: str) -> bool:
        return name[:1].isupper() and any(c.level == "country" for c in self.gaz.lookup(name, fuzzy=False))

    def _sizeable(self, name: str) -> bool:
        """An exact name of a country, province or city of 100,000 or more (NER sometimes
        labels "Aleppo" NORP; "Russian" is no such name)."""
        return any(c.level in ("country", "admin1") or c.population >= 100_000
                   for c in self.gaz.lookup(name, fuzzy=False))

    def _cue_before(self, span: Span) -> bool:
        doc, i = span.doc, span.start - 1
        while i >= 0 and (doc[i].text in ("#", "-") or doc[i].lower_ == "the" or doc[i].lower_ in self.articles):
            i -= 1
        if i < 0:
            return False
        root = span.root
        if root.dep_ == "appos" and root.head.lower_ in self.nouns_of:
            return True                                            # "the Ukrainian capital, Kyiv"
        prev = doc[i].text
        if self._is_country(prev) or (prev.endswith("s") and self._is_country(prev[:-1])):
            return True                                            # "Syria's Deir Ezzor", "Syrias Deir Ezzor"
        if doc[i].lower_ == "of":
            j = i - 1
            while j >= 0 and doc[j].pos_ in ("ADJ",):
                j -= 1
            return j >= 0 and doc[j].lower_ in self.nouns_of
        return doc[i].lower_ in self.preps

    def _admin_after(self, span: Span) -> str | None:
        doc = span.doc
        if span.end < len(doc):
            w = doc[span.end].lower_
            if w in self.admin1:
                return "admin1"
            if w in self.admin2:
                return "admin2"
            if w in self.camp:
                return "camp"
            nxt = doc[span.end + 1].lower_ if span.end + 1 < len(doc) else ""
            if w in self.airport or (w in ("'s", "’s") and nxt in self.airport):
                return "airport"
        if span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in self.admin1:
            return "admin1"
        return None

    def _match_run(self, doc: Doc, run: list[Token], text: str) -> list[Mention]:
        out, i = [], 0
        caps, stop = self._caps, self.stop
        while i < len(run):
            found = None
            head = run[i]
            if head.pos_ != "PROPN" and not head.ent_type_ and not self._hashtag(head):
                i += 1                  # a name starts with a proper noun or an entity ("The", "Will")
                continue
            if not caps[head.i] or head.lower_ in stop:
                i += 1
                continue
            for j in range(min(len(run), i + _MAX_TOKENS), i, -1):
                last = run[j - 1]
                if not caps[last.i] or last.lower_ in stop or self._splits(run, i, j):
                    continue
                if not self._may_be_place(doc, run[i:j]):
                    continue
                name = text[run[i].idx:run[j - 1].idx + len(run[j - 1].text)]
                cands = self.gaz.lookup(name, fuzzy=False)
                span = doc[run[i].i:run[j - 1].i + 1] if cands else None
                if span is not None and self._accept(span, False):
                    found = (span, cands, False)
                    break
                # a longer name, even fuzzy, beats a shorter exact one; but one word of a longer
                # run is never fuzzy-matched ("Khirbet" of "Khirbet Umm Zaytuna")
                partial_word = sum(t.is_alpha for t in run[i:j]) < 2 and (i > 0 or j < len(run))
                if partial_word:
                    continue
                span = span or doc[run[i].i:run[j - 1].i + 1]
                if self._evidence(span):
                    cands = self.gaz.lookup(name, fuzzy=True)
                    if cands and self._accept(span, True):
                        found = (span, cands, True)
                if found:
                    break
            if not found:
                unknown = self._unknown(doc, run, i)
                if unknown:
                    out.append(unknown)
                    i = next(k for k in range(i, len(run) + 1) if k == len(run) or run[k].i >= unknown.tokens[1])
                else:
                    i += 1
                continue
            span, cands, fuzzy = found
            place_ents = any(t.ent_type_ in _PLACE_ENTS for t in span)
            hint = self._admin_after(span)
            out.append(Mention(span.start_char, span.end_char, span.text, cands, fuzzy, admin_hint=hint,
                               place_ents=place_ents, tokens=(span.start, span.end),
                               weak=not (place_ents or hint or self._hashtag(span[0]))))
            i = next(k for k in range(i, len(run) + 1) if k == len(run) or run[k].i >= span.end)
        return out

    @staticmethod
    def _splits(run: list[Token], i: int, j: int) -> bool:
        """True when run[i:j] would cut a hyphenated name ("Hajr Al" of "Hajr Al-Aswad")."""
        before = i > 0 and run[i - 1].text == "-" and not run[i - 1].whitespace_
        after = j < len(run) and run[j].text == "-" and not run[j - 1].whitespace_
        return before or after

    def _unknown(self, doc: Doc, run: list[Token], i: int) -> Mention | None:
        """A proper name no lookup found, kept when it looks like a place: a place label from
        NER, or a preposition before it, or "&"/"and" joining it to the name before."""
        first = run[i]
        if first.pos_ != "PROPN" or first.lower_ in self.stop or first.ent_type_ == "NORP":
            return None
        if not (first.ent_type_ in _PLACE_ENTS or (first.i > 0 and doc[first.i - 1].text in ("&", "and"))
                or self._cue_before(doc[first.i:first.i + 1]) or self._hashtag(first)):
            return None
        j = i + 1
        while j < len(run) and run[j].i == run[j - 1].i + 1 and not self.gaz.lookup(run[j].text, fuzzy=False):
            j += 1
        while j > i + 1 and not self._cap(run[j - 1]):
            j -= 1
        span = doc[run[i].i:run[j - 1].i + 1]
        if any(t.ent_type_ == "NORP" for t in span) or span[0].pos_ != "PROPN" or span[0].lower_ in self.stop:
            return None
        if len(span) == 1 and span[0].text.isupper() and len(span[0].text) <= 3:
            return None
        if all(self._is_word(t) for t in span if t.is_alpha and t.lower_ not in self.articles):
            return None                                            # common words are no toponyms
        if self._in_blocks(span, ("heading", "navigation", "caption")):
            return None
        ents = {t.ent_type_ for t in span if t.ent_type_}
        place_ent = bool(ents & _PLACE_ENTS) and not ents & _GUARDED_ENTS
        joined = span.start > 0 and doc[span.start - 1].text in ("&", "and")
        if not (place_ent or joined or self._cue_before(span) or self._hashtag(span[0])):
            return None
        return Mention(span.start_char, span.end_char, span.text, [], False,
                       admin_hint=self._admin_after(span), place_ents=place_ent, tokens=(span.start, span.end))

    def _acts(self, doc: Doc, m: Mention) -> bool:
        """A country or capital as subject, agent or possessor: a state acting, not a place."""
        if not any(c.level == "country" or c.capital for c in m.candidates):
            return False
        root = doc[m.tokens[0]:m.tokens[1]].root
        if root.dep_ in ("nsubj", "nsubjpass", "poss"):
            return True
        if root.dep_ == "pobj" and root.head.lower_ == "by":
            return True
        return m.tokens[1] < len(doc) and doc[m.tokens[1]].text in ("'s", "’s")

    # ---------------------------------------------------------- choice
    def _context(self, doc: Doc, mentions: list[Mention]) -> Counter:
        ctx: Counter = Counter()
        for m in mentions:
            if not m.candidates:
                continue
            countries = {c.country for c in m.candidates}
            if any(c.level == "country" for c in m.candidates) and not m.fuzzy:
                # "U.S. military", "Russia's bombing": a country as modifier says less than "in Iraq"
                root = doc[m.tokens[0]:m.tokens[1]].root
                weight = 1 if root.dep_ in ("compound", "amod", "poss", "nmod") else 3
                ctx.update({c.country: weight for c in m.candidates if c.level == "country"})
            elif len(countries) == 1 and not m.fuzzy:
                ctx[next(iter(countries))] += 2
            elif not m.fuzzy:
                big = max(m.candidates, key=lambda c: c.population)
                if big.population >= 100_000:
                    ctx[big.country] += 1
        return ctx

    def _score(self, m: Mention, c: Place, ctx: Counter, anchors: list[Place]) -> float:
        total = sum(ctx.values()) or 1
        s = 3.0 * ctx.get(c.country, 0) / total
        if m.admin_hint in ("admin1", "admin2"):
            s += 6.0 if c.level == m.admin_hint else (1.0 if c.level in ("admin1", "admin2") else 0.0)
        elif m.admin_hint == "airport":
            s += 6.0 if c.level == "airport" else 0.0
        elif m.admin_hint == "camp":
            s += 0.0
        else:
            s += {"country": 4.0, "populated_place": 1.0, "admin1": 0.8, "admin2": 0.3, "airport": -2.0}.get(c.level, 0)
        s += math.log10(c.population + 10) * 0.6
        if anchors and any(a.id != c.id and km(a.lat, a.lon, c.lat, c.lon) <= _NEAR_KM for a in anchors):
            s += 1.5
        return s

    def __call__(self, doc: Doc) -> Doc:
        skip = [(s.start_char, s.end_char) for s in doc.spans.get(SPANS_BLOCKS, []) if s.label_ == "navigation"]
        mentions: list[Mention] = []
        text = doc.text
        for run in self._runs(doc):
            if not any(a <= run[0].idx < b for a, b in skip):         # links to other stories
                mentions += self._match_run(doc, run, text)
        self._coordinate(doc, mentions)
        ctx = self._context(doc, mentions)               # a state acting still says what the story is about
        mentions = [m for m in mentions if not self._acts(doc, m)]
        for m in list(mentions):
            if m.weak and not m.fuzzy:              # cue alone: a small place only in the story's countries
                m.candidates = [c for c in m.candidates if ctx.get(c.country) or c.population >= 100_000
                                or c.level in ("country", "admin1")]
                if not m.candidates:
                    mentions.remove(m)
                    continue
            if m.fuzzy and ctx:                     # fuzzy candidates only inside the story's countries
                m.candidates = [c for c in m.candidates if ctx.get(c.country)]
                span = doc[m.tokens[0]:m.tokens[1]]
                if not m.candidates and (any(self._is_word(t) for t in span)
                                         or self._in_blocks(span, ("heading", "navigation", "caption"))):
                    mentions.remove(m)              # a common word that only looked like a name
        anchors = [m.candidates[0] for m in mentions if len(m.candidates) == 1 and not m.fuzzy
                   and m.candidates[0].level not in ("country", "admin1")]
        for m in mentions:
            if m.candidates:
                m.chosen = max(m.candidates, key=lambda c: self._score(m, c, ctx, anchors))
        self._locate_unknown(doc, mentions)
        doc.spans[SPANS_PLACES] = [doc[m.tokens[0]:m.tokens[1]] for m in mentions if m.chosen or m.near]
        doc._.wl_places = self._records(mentions)
        return doc

    def _coordinate(self, doc: Doc, mentions: list[Mention]) -> None:
        """"Idlib and Homs Provinces": the plural admin word after the second name covers both."""
        text = doc.text
        for a, b in zip(mentions, mentions[1:], strict=False):
            between = text[a.end:b.start].strip().lower()
            if between in ("and", "&", ",", ", and") and b.admin_hint and a.admin_hint is None:
                word = doc[b.tokens[1]].lower_ if b.tokens[1] < len(doc) else ""
                if word.endswith("s"):
                    a.admin_hint = b.admin_hint

    def _locate_unknown(self, doc: Doc, mentions: list[Mention]) -> None:
        """A name the gazetteer lacks, coordinated with a place or followed by "in/near Y"."""
        text = doc.text
        for k, m in enumerate(mentions):
            if m.chosen:
                continue
            prev = mentions[k - 1] if k else None
            nxt = mentions[k + 1] if k + 1 < len(mentions) else None
            if prev and prev.chosen and text[prev.end:m.start].strip().lower() in ("&", "and", ","):
                m.near = prev
            elif nxt and nxt.chosen and text[m.end:nxt.start].strip().lower().split()[:1] in (
                    ["in"], ["near"], ["outside"]):
                m.near = nxt

    def _records(self, mentions: list[Mention]) -> list[PlaceRecord]:
        by_key: dict[object, PlaceRecord] = {}
        for m in mentions:
            if m.chosen:
                c = m.chosen
                precision = {"country": "country", "admin1": "admin1"}.get(c.level, "exact")
                lat, lon = c.lat, c.lon
                if c.level == "admin2":
                    # a district has no point of its own here: its seat of the same name when the
                    # gazetteer has one in the same province (as ACLED codes a district), else
                    # the province's point
                    seat = next((p for p in m.candidates if p.level == "populated_place"
                                 and p.country == c.country and p.admin1 == c.admin1), None)
                    precision = "admin2" if seat else "admin1"
                    lat, lon = (seat.lat, seat.lon) if seat else (c.lat, c.lon)
                rec = by_key.setdefault(c.id, PlaceRecord(c, c.name, precision, lat, lon, c.level))
            elif m.near and m.near.chosen:
                loc = m.near.chosen
                rec = by_key.setdefault(("near", m.text.lower()),
                                        PlaceRecord(None, m.text, "near", loc.lat, loc.lon, "unknown"))
            elif m.place_ents:          # kept, never dropped, though nothing in the text locates it
                rec = by_key.setdefault(("unknown", m.text.lower()),
                                        PlaceRecord(None, m.text, "unknown", None, None, "unknown"))
            else:
                continue
            rec.mentions.append((m.start, m.end))
        return list(by_key.values())
