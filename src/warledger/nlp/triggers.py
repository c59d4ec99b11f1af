"""Event triggers: the words that say something happened, from ``patterns/events.yaml``.

A trigger is a token (or a phrase's head) whose lemma or phrase is listed for an event type.
It is dropped when its sentence is not a report of a real happening: a hypothetical ("if",
"would"), or figurative use — a sentence with a sport, market, weather, film or history word and
no actor or place of conflict.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .extensions import USER_TOKEN_ATTRS
from .lexicons import load


def lexicon() -> dict:
    """The event stage's shipped patterns (``patterns/events.yaml``)."""
    return load("events.yaml")


@dataclass
class Trigger:
    type: str
    priority: int
    token: Token            # the head token
    start: int              # token span of the words
    end: int
    weak: bool = False
    said: bool = False      # a person's "said" read as a statement: no rival to the sentence's events


class TriggerFinder:
    def __init__(self, nlp: Language, lex: dict | None = None):
        self._spelt: dict[tuple[int, int, int], tuple[str, str, str]] = {}
        lex = lex or lexicon()
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        # a phrase also matches with its first word inflected ("take control" in "had taken
        # control", "open fire" in "opened fire"); the words after it match as written
        self.inflected = Matcher(nlp.vocab)
        self.verbs: dict[str, str] = {}
        self.nouns: dict[str, str] = {}
        self.priority = {t: spec["priority"] for t, spec in lex["types"].items()}
        for etype, spec in lex["types"].items():
            for word in spec.get("nouns") or []:
                if self._phrase(nlp, etype, word):
                    continue
                self._keep(self.nouns, word.lower(), etype)
            for word in spec.get("verbs") or []:
                if self._phrase(nlp, etype, word):
                    continue
                self._keep(self.verbs, word.lower(), etype)
        # frames: a verb that names an event only with a given object or preposition
        # ("tightened its grip on", "pushed into"); each frame is (type, verbs, objects, preps)
        self.frames = [(f["type"], frozenset(f["verbs"]), frozenset(f.get("objects") or ()),
                        frozenset(f.get("preps") or ())) for f in lex.get("frames") or []]
        self.frame_verbs = frozenset(v for f in self.frames for v in f[1])
        self.negators = frozenset(lex.get("negators") or ())
        self.charges = frozenset(lex["not_real"].get("charges") or ())
        self.weak = frozenset(lex["weak_nouns"])
        nr = lex["not_real"]
        self.hypothetical = frozenset(nr["hypothetical"])
        self.unreal = frozenset(nr["unreal"])
        self.wishes = frozenset(nr.get("wishes") or ())
        self.endings = frozenset(nr.get("endings") or ())
        self.figurative = frozenset(w for w in nr["figurative"] if " " not in w)
        self.hazards = frozenset(nr.get("hazards") or ())
        self.air_words = frozenset(w for w in lex["air_words"] if " " not in w)
        self.strings = nlp.vocab.strings

    def _phrase(self, nlp: Language, etype: str, word: str) -> bool:
        """Entries of several tokens ("air strike", "cease-fire") go to the phrase matchers."""
        words = [t.lower_ for t in nlp.make_doc(word)]
        if len(words) < 2:
            return False
        self.phrases.add(etype, [nlp.make_doc(word)])
        self.inflected.add(etype, [[{"LEMMA": words[0]}, *({"LOWER": w} for w in words[1:])]])
        return True

    def _keep(self, table: dict[str, str], word: str, etype: str) -> None:
        # a word listed under two types keeps the higher-priority one
        if word not in table or self.priority[etype] > self.priority[table[word]]:
            table[word] = etype

    def token_attrs(self, doc: Doc) -> list[tuple[str, str, str]]:
        """(pos, lemma, lower) of every token, read once per document and kept on the Doc (from
        one array of the three hashes, each hash spelt once per process)."""
        attrs = doc.user_data.get(USER_TOKEN_ATTRS)
        if attrs is None:
            spelt = self._spelt
            strings = doc.vocab.strings
            attrs = []
            for pos, lemma, lower in doc.to_array([POS, LEMMA, LOWER]).tolist():
                key = (pos, lemma, lower)
                row = spelt.get(key)
                if row is None:
                    if len(spelt) > 200_000:
                        spelt.clear()
                    row = spelt[key] = (strings[pos] if pos else "", strings[lemma].lower() if lemma else "",
                                        strings[lower])
                attrs.append(row)
            doc.user_data[USER_TOKEN_ATTRS] = attrs
        return attrs

    def phrase_hits(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Multiword triggers of the whole document, found once: one per span."""
        seen: set[tuple[int, int]] = set()
        out = []
        inflected = self.inflected(doc) if doc.has_annotation("LEMMA") else []   # a pipeline may lack lemmas
        for m, s, e in [*self.phrases(doc), *inflected]:
            if (s, e) not in seen:
                seen.add((s, e))
                out.append((m, s, e))
        return sorted(out, key=lambda h: (h[1], h[2]))

    def find(self, doc: Doc, sent: Span, hits: list[tuple[int, int, int]],
             conflict_spans: list[tuple[int, int]]) -> list[Trigger]:
        out: list[Trigger] = []
        covered: set[int] = set()
        first = bisect_left(hits, (sent.start,), key=lambda h: (h[1],))   # hits are sorted by start
        for match_id, s, e in [(m, s, e) for m, s, e in hits[first:] if s < sent.end and e <= sent.end]:
            etype = self.strings[match_id]
            span = doc[s:e]
            out.append(Trigger(etype, self.priority[etype], span.root, s, e))
            covered.update(range(s, e))
        attrs = self.token_attrs(doc)
        for i in range(sent.start, sent.end):
            pos, lemma, low = attrs[i]
            if pos == "VERB" and lemma in self.frame_verbs and i not in covered:
                etype = self._frame(doc[i], lemma)
                if etype is not None:
                    out.append(Trigger(etype, self.priority[etype], doc[i], i, i + 1))
                    covered.add(i)
                    continue
            if i in covered or (lemma not in self.verbs and lemma not in self.nouns and low not in self.nouns):
                continue
            tok = doc[i]
            etype = None
            if tok.pos_ == "VERB" and lemma in self.verbs:
                etype = self.verbs[lemma]
            elif tok.pos_ in ("NOUN", "PROPN", "ADJ") and (low in self.nouns or lemma in self.nouns) or tok.pos_ == "VERB" and (low in self.nouns or lemma in self.nouns) and tok.dep_ in ("dobj", "pobj"):
                etype = self.nouns.get(low) or self.nouns.get(lemma)
            if etype is None:
                continue
            out.append(Trigger(etype, self.priority[etype], tok, tok.i, tok.i + 1,
                               weak=low in self.weak or lemma in self.weak))
        if not out:
            return out
        lows = {w for _, lemma, low in attrs[sent.start:sent.end] for w in (low, lemma)}
        return [t for t in out if self.real(t, sent, conflict_spans, lows)]

    def _frame(self, verb: Token, lemma: str) -> str | None:
        """The type of the first frame the verb fills: its object's lemma, or a preposition
        of it, is one the frame names."""
        objs = {c.lemma_.lower() for c in verb.children if c.dep_ == "dobj"}
        preps = {c.lower_ for c in verb.children if c.dep_ == "prep"}
        for etype, verbs, objects, prep_words in self.frames:
            if lemma in verbs and ((objects and objs & objects) or (prep_words and preps & prep_words)):
                return etype
        return None

    def real(self, trig: Trigger, sent: Span, conflict_spans: list[tuple[int, int]], lows: set[str]) -> bool:
        """False for a hypothetical or a figurative use."""
        tok = trig.token
        if tok.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ in self.negators for c in tok.children):
            return False                                  # "no air strikes were carried out"
        if tok.ent_type_ in ("DATE", "TIME"):
            return False                                  # "since March 2013": a month, not a march
        if tok.pos_ == "VERB" and any(c.dep_ == "neg" for c in tok.children):
            return False                                  # "he never attacked civilians"
        if self._end_wished(tok):
            return False                                  # "called for an end to the fighting"
        if any(a.lemma_.lower() in self.charges for a in list(tok.ancestors)[:3]):
            return False                                  # "found guilty of murder": a charge, not a report
        head_verb = tok if tok.pos_ == "VERB" else next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if head_verb is not None:
            markers = {c.lower_ for c in head_verb.children if c.dep_ in ("aux", "mark")}
            if markers & self.hypothetical:
                return False
            if head_verb.dep_ == "xcomp" and head_verb.head.lemma_.lower() in self.wishes:
                return False                              # "called on the government to negotiate",
                # "asked both sides to sign the truce": what is wished has not happened
        if sent[0].lower_ == "if" or lows & self.unreal:
            return False
        if self.hazards and self._hazard_agent(tok):
            return False                                  # "a storm killed two fishermen": no conflict
        if lows & self.figurative and self._arguments(tok) & self.figurative:
            # sport, markets, film, weather: a trigger whose own arguments are a team, shares or
            # a storm is figurative unless a conflict actor (armed forces, armed group, state)
            # stands in the same sentence; such words elsewhere in the sentence say nothing
            return any(sent.start <= s and e <= sent.end for s, e in conflict_spans)
        return True

    def _end_wished(self, tok: Token) -> bool:
        """A trigger noun whose end a call wishes for: "an end to the fighting", "a halt to the
        shelling" under a verb of wishing (up to two steps above the stopping noun)."""
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ != "pobj" or tok.head.lower_ not in ("to", "of"):
            return False
        stop = tok.head.head
        if stop.lemma_.lower() not in self.endings:
            return False
        return any(a.lemma_.lower() in self.wishes for a in list(stop.ancestors)[:3])

    def _hazard_agent(self, tok: Token) -> bool:
        """Whether what did it is a natural hazard: the trigger's subject or agent ("killed by a
        landslide"), what it happened in or from ("died in the earthquake", "deaths from
        floods"), or, for a participle ("..., killing two"), the subject of the verb it hangs on."""
        def words(t: Token) -> set[str]:
            return {t.lower_, t.lemma_.lower()}
        verb = tok if tok.pos_ in ("VERB", "AUX") else None
        found: set[str] = set()
        if verb is not None and tok.dep_ == "relcl":
            found |= words(tok.head)                      # "the earthquake that struck the province"
        for h in [tok] + ([tok.head] if verb is not None and tok.dep_ in ("advcl", "xcomp", "conj") else []):
            for c in h.children:
                if c.dep_ in ("nsubj", "csubj"):
                    found |= words(c)
                elif c.dep_ in ("agent", "prep") and (c.dep_ == "agent" or c.lower_ in ("by", "in", "from")):
                    found |= {w for p in c.children if p.dep_ == "pobj" for w in words(p)}
        return bool(found & self.hazards)

    @staticmethod
    def _arguments(tok: Token) -> set[str]:
        """Words of the trigger's own arguments: its subject, object and prepositional objects,
        its modifiers, and (for a noun) those of the verb it hangs on."""
        heads = [tok]
        if tok.pos_ != "VERB" and tok.head is not tok:
            heads.append(tok.head if tok.dep_ != "pobj" else tok.head.head)
        out: set[str] = set()
        for h in heads:
            if h is not tok:                      # the trigger's own word is no argument ("stormed")
                out |= {h.lower_, h.lemma_.lower()}
            args = [c for c in h.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "compound", "amod",
                                                         "poss", "npadvmod")]
            args += [p for c in h.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"]
            # and one step into each argument ("sums for tech shares", "the team's coach")
            args += [g for a in list(args) for c in a.children if c.dep_ in ("compound", "poss", "prep")
                     for g in ([c] if c.dep_ != "prep" else [p for p in c.children if p.dep_ == "pobj"])]
            out |= {w for a in args for w in (a.lower_, a.lemma_.lower())}
        return out
