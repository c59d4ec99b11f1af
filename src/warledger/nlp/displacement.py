"""Counts of the displaced in a sentence: running totals that are never deaths ("more than 25,000
displaced persons", "150,000 people have been displaced", "3,000 families have fled"). Pure reading
of the parse with the quantities lexicon; the event stage turns each into a tally."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from .fatalities import _bounds, _counted_noun, _deathly, _qualifier, _value_with_multiplier, lexicon


@dataclass
class Displaced:
    low: int
    subject: str                    # who is counted, as written ("displaced persons", "people")
    group: str                      # the counted noun ("persons", "families")
    text: str                       # the count as written, with its qualifier
    span: tuple[int, int]           # [start, end) of ``text``


def _perfect(verb: Token) -> bool:
    """The verb, or the first of the verbs it is conjoined to ("has killed 300 and displaced
    150,000"), has "have" as its auxiliary."""
    while verb.dep_ == "conj" and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head
    return any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)


def _displaced(target: Token, lex: dict) -> bool:
    """How the parse ties the counted noun (or the bare number) to displacement."""
    if any(c.dep_ in ("amod", "compound") and c.lower_ in lex["displaced_modifiers"] for c in target.children):
        return _deathly(target) is None     # "killed 12 displaced people" counts the dead
    head = target.head
    if not _perfect(head):
        return False                # "500 people fled the village" tells a happening, not a total
    lemma = head.lemma_.lower()
    if lemma in lex["displacing_lemmas"] and target.dep_ in ("dobj", "nsubjpass", "npadvmod"):
        return True
    return lemma in lex["fleeing_lemmas"] and target.dep_ == "nsubj"


def displaced_in(sent: Span, text: str) -> list[Displaced]:
    lex = lexicon()
    people = lex["victims"] | frozenset(lex["displaced_people"])
    out = []
    for tok in sent:
        if not tok.like_num:
            continue
        value, last = _value_with_multiplier(tok)
        if value is None or (1800 <= value <= 2100 and tok.shape_ == "dddd"):
            continue
        noun = _counted_noun(last)
        if noun is None or noun.lower_ not in people:
            continue
        if not _displaced(noun, lex):
            continue
        kind, qstart = _qualifier(tok)
        low = _bounds(kind, value)[0]
        start, end = sent.doc[qstart].idx, noun.idx + len(noun.text)
        mod = next((c for c in noun.children if c.dep_ in ("amod", "compound") and c.lower_ in lex["displaced_modifiers"]
                    and c.i < noun.i), None)
        subject = text[mod.idx:end] if mod is not None else noun.text
        out.append(Displaced(low, subject, noun.text, text[start:end], (start, end)))
    return out
