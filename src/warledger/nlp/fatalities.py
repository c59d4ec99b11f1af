"""Death counts in a sentence: which numbers count the dead, and how they bound the toll.

A number is a death count only when the dependency parse ties it to death: its noun is the
object of "kill", the subject of "were killed"/"died", stands with "dead", or is itself
"deaths"/"fatalities"; or it is the "to N" of a toll ("the death toll rose to 28"). Numbers
of the wounded, the moved, distances, years and sub-counts ("including 10 children") never are.
Qualifiers bound the value: "at least 5" → low 5; "more than 200" → low 201; "nearly 90" →
89; ranges ("between 10 and 15", "10 to 15"); vague words as ACLED codes them ("dozens" → 12).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.tokens import Span, Token


@cache
def lexicon() -> dict:
    text = resources.files(__package__).joinpath("patterns", "quantities.yaml").read_text("utf-8")
    lex = yaml.safe_load(text)
    lex["victims"] = frozenset(lex["victims"])
    lex["not_deaths"] = frozenset(lex["not_deaths"])
    lex["death_words"] = frozenset(w for w in lex["death_words"] if " " not in w)
    return lex


@dataclass
class Count:
    low: int | None
    best: int | None
    high: int | None
    group: str | None
    text: str
    span: tuple[int, int]
    noun: Token | None          # the counted noun ("civilians"), or None
    toll: bool = False          # the "to N" of a rising toll
    more: bool = False          # "four more troops": an increment over an earlier figure
    tokens: tuple[int, int] = (0, 0)
    summed: bool = False        # coordinated victims already added in
    rule: str | None = None     # what tied the number to death (``_deathly``'s reason, "toll_target")

    def as_dict(self) -> dict:
        return {"low": self.low, "best": self.best, "high": self.high, "group": self.group,
                "text": self.text, "span": list(self.span)}


_NUM = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")


def number_value(tok: Token) -> int | None:
    """The value of a number token: digits ("1,000"), words ("four", "Forty-two"), vague words."""
    lex = lexicon()
    t = tok.lower_
    if _NUM.match(t):
        return int(t.replace(",", ""))
    if t in lex["vague"]:
        return lex["vague"][t]
    if "-" in t:                                   # "forty-two"
        parts = t.split("-")
        if all(p in lex["number_words"] for p in parts):
            return sum(lex["number_words"][p] for p in parts)
    if t in lex["number_words"] and t not in lex["not_counts_alone"]:
        return lex["number_words"][t]
    return None


def _value_with_multiplier(tok: Token) -> tuple[int | None, Token]:
    """"200" → 200; "two hundred" → 200; "hundreds of thousands" → 100,000; "1.2 million" is left out (not a toll of one event)."""
    v = number_value(tok)
    if v is None:
        return None, tok
    doc = tok.doc
    # "Forty-two" split by the tokenizer into "Forty", "-", "two"
    if (tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and not tok.whitespace_
            and v % 10 == 0 and 20 <= v <= 90 and (u := number_value(doc[tok.i + 2])) is not None and u < 10):
        return v + u, doc[tok.i + 2]
    vague = lexicon()["vague"]
    if (tok.lower_ in vague and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "of"
            and doc[tok.i + 2].lower_ in vague and vague[doc[tok.i + 2].lower_] > v):
        return v * vague[doc[tok.i + 2].lower_], doc[tok.i + 2]      # "tens of thousands": 10 × 1,000
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    mult = lexicon()["multipliers"]
    if nxt is not None and nxt.lower_ in mult and v < 1000:
        return v * mult[nxt.lower_], nxt
    return v, tok


def _qualifier(tok: Token) -> tuple[str | None, int]:
    """The qualifier right before a number and where it starts."""
    doc = tok.doc
    before = doc[max(0, tok.i - 4):tok.i].text.lower()
    for kind, phrases in lexicon()["qualifiers"].items():
        for p in sorted(phrases, key=len, reverse=True):
            if before.endswith(p):
                start = tok.i - len(p.split())
                return kind, max(start, 0)
    return None, tok.i


def _bounds(kind: str | None, v: int) -> tuple[int | None, int | None, int | None]:
    if kind == "at_least":
        return v, None, None
    if kind == "more_than":
        return v + 1, None, None
    if kind == "nearly":
        return v - 1, v - 1, v - 1
    if kind == "about":
        return v, v, None
    return v, v, v


def _counted_noun(num: Token) -> Token | None:
    if num.head.text == "-" or (num.head.head is not None and num.dep_ == "punct"):
        num = num.head
    if num.dep_ in ("nummod", "quantmod", "amod", "det") and num.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        return num.head
    if num.head.lower_ in ("of",) and num.head.head.pos_ == "NOUN":
        return None
    return None


def _deathly(noun_or_num: Token) -> str | None:
    """How the token (a counted noun or a bare number) is tied to death by the parse, by the
    name of the reading (``warledger extract --explain`` shows it), or None."""
    lex = lexicon()
    t = noun_or_num
    head = t.head
    if t.dep_ == "conj" and t.pos_ in ("NOUN", "PROPN"):
        first = t
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head                     # "four officers, two civilians and 12 soldiers were
        if first.i != t.i and first.pos_ in ("NOUN", "PROPN") and _deathly(first):    # killed": all are
            return "listed_with_the_dead"
    if t.lower_ in lex["death_words"] or t.lemma_.lower() in lex["death_lemmas"]:
        return "death_word"
    if _shot_dead(head) and t.dep_ in ("dobj", "nsubjpass"):
        return "shot_dead"                         # "shot dead two officers", "were shot dead"
    if head.lemma_.lower() in lex["kill_lemmas"] and t.dep_ in (
            "dobj", "nsubjpass", "nsubj", "attr", "npadvmod", "appos", "conj", "oprd"):
        if t.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in head.children):
            return None                            # "two air strikes killed ten": the subject is the killer
        return "kill_verb_argument"
    if any(c.lower_ in lex["dead_modifiers"] and c.dep_ in ("amod", "acl", "oprd", "appos", "advmod")
           for c in t.children):
        return "dead_modifier"
    if head.lower_ == "dead" or (head.dep_ == "conj" and head.pos_ in ("NOUN", "PROPN")
                                 and head.head.lemma_.lower() in lex["death_complements"]):
        return "of_the_dead"
    # "were reported killed", "are feared dead": the verb's complement says death
    if t.dep_ in ("nsubj", "nsubjpass") and any(
            c.dep_ in ("xcomp", "oprd", "acomp", "advcl", "ccomp") and c.lemma_.lower() in lex["death_complements"]
            for c in head.children):
        return "death_complement"
    # "12 soldiers were buried after being killed": a passive kill clause without a subject of its
    # own, on the verb the count is the subject of
    if t.dep_ in ("nsubj", "nsubjpass") and any(
            c.dep_ == "prep" and any(g.dep_ == "pcomp" and g.lemma_.lower() in lex["kill_lemmas"]
                                     and any(a.dep_ == "auxpass" for a in g.children)
                                     and not any(a.dep_ in ("nsubj", "nsubjpass") for a in g.children)
                                     for g in c.children)
            for c in head.children):
        return "killed_clause_subject"
    # "the deaths of four troops", "the killing of 1,000 civilians"
    if head.lower_ == "of" and head.head.lemma_.lower() in lex["death_of_nouns"]:
        return "death_of"
    # "left more than 200 civilians dead"
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    if nxt is not None and nxt.lower_ in lex["dead_modifiers"]:
        return "left_dead"
    # "the strike killed what the army called 40 fighters", "... what officials described as 25
    # insurgents", "... what it said were 12 gunmen": the dead named inside a free relative
    if t.dep_ in ("oprd", "attr", "pobj"):
        h = t.head.head if t.dep_ == "pobj" and t.head.lower_ == "as" else t.head
        for _ in range(2):
            if h.dep_ == "ccomp" and h.head.lemma_.lower() in lex["kill_lemmas"]:
                if any(w.lower_ == "what" and w.dep_ in ("dobj", "nsubj", "nsubjpass") for w in h.subtree):
                    return "kill_what_called"
                break
            h = h.head
    # "the attack killed 27": the number itself is the object
    if head.lemma_.lower() in lex["kill_lemmas"] and t.dep_ in ("dobj", "npadvmod"):
        return "kill_verb_number"
    return None


def _excluded(num: Token, noun: Token | None) -> bool:
    lex = lexicon()
    target = noun or num
    if target.lower_ in lex["not_deaths"] or target.lemma_.lower() in lex["not_deaths"]:
        return True
    nxt = num.doc[num.i + 1] if num.i + 1 < len(num.doc) else None
    if nxt is not None and nxt.lower_ in lex["not_deaths"]:
        return True
    victims = noun is not None and (noun.lower_ in lex["victims"] or noun.lemma_.lower() in lex["victims"])
    if num.ent_type_ in ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL") and not victims:
        return True                                    # ("between 10 and 15 people" is no date)
    # "including 10 children": a sub-count
    return any(anc.lower_ in lex["sub_count_words"] for anc in [target, *target.ancestors][:4])


def _shot_dead(verb: Token) -> bool:
    """A verb with "dead" as its complement: "shot dead", "gunned down dead", "beaten dead"."""
    return verb.pos_ in ("VERB", "AUX") and any(
        c.lower_ in lexicon()["dead_modifiers"] and c.dep_ in ("advmod", "advcl", "acomp", "oprd", "xcomp", "prt")
        for c in verb.children)


def _one_killed(det: Token) -> bool:
    """"killed a police officer", "a soldier was killed", "a soldier died": one person of the
    victims' nouns whom a kill verb has as its object or passive subject (or "die" as its
    subject) is one death ("a strike killed a commander and
    two guards": one and two)."""
    noun = det.head
    victims = lexicon()["victims"]
    if noun.lower_ not in victims and noun.lemma_.lower() not in victims:
        return False
    if noun.tag_ not in ("NN", "NNP") or any(c.dep_ in ("nummod", "quantmod") for c in noun.children):
        return False                               # "an estimated 300,000 civilians": the number counts
    if any(not _counted(c) for c in noun.conjuncts):
        return False                               # "a commander and his fighters": no count at all
    if noun.dep_ == "nsubj" and noun.head.lemma_.lower() in lexicon()["die_lemmas"]:
        return True                                # "a soldier died in the fighting"
    if _deathly(noun) == "death_of" and noun.dep_ == "pobj":
        return True                                # "the killing of a journalist"
    return _deathly(noun) in ("kill_verb_argument", "shot_dead") and noun.dep_ in ("dobj", "nsubjpass", "conj")


def _counted(noun: Token) -> bool:
    """Whether a listed noun says how many: a number before it, or "a"/"an" before a singular."""
    if any(c.dep_ == "nummod" for c in noun.children):
        return True
    return noun.tag_ in ("NN", "NNP") and any(c.dep_ == "det" and c.lower_ in lexicon()["one_determiners"]
                                              for c in noun.children)


def counts_in(span: Span, text: str | None = None) -> list[Count]:
    """Every death count in the span, left to right (``text``: the document's text, if at hand)."""
    doc = span.doc
    text = doc.text if text is None else text
    lex = lexicon()
    words = lex["number_words"].keys() | lex["vague"].keys()
    out: list[Count] = []
    seen: set[int] = set()
    dates: list[tuple[int, int]] | None = None
    for tok in span:
        if tok.i in seen or not (tok.like_num or tok.lower_ in words or "-" in tok.lower_):
            continue
        if tok.like_num:
            if dates is None:                          # full dates written in the span, found once
                from ..structure.dates import find_dates
                dates = [(s, e) for _, s, e in find_dates(text, span.start_char, span.end_char)]
            if any(s <= tok.idx < e for s, e in dates):
                continue                               # "13 Mar 2019": a day of the month, not a count
        value, last = _value_with_multiplier(tok)
        if tok.lower_ in lex["one_determiners"] and tok.dep_ == "det":
            if not _one_killed(tok):
                continue
            value, last = 1, tok
        elif value is None:
            continue
        if 1800 <= value <= 2100 and tok.shape_ == "dddd":
            continue                                   # a year
        noun = _counted_noun(last)
        toll = _toll_target(tok)
        if not toll and _excluded(tok, noun):
            continue
        why = "toll_target" if toll else (_deathly(noun or last) or (_deathly(noun) if noun is not None else None))
        if why is None:
            continue
        kind, qstart = _qualifier(tok)
        low, best, high = _bounds(kind, value)
        lower = next((c for c in tok.children if c.dep_ == "quantmod" and number_value(c) is not None), None)
        if lower is not None and number_value(lower) < value:     # "10 to 15 civilians"
            low, best, high = number_value(lower), None, value
            qstart = lower.i
            seen.add(lower.i)
        rng = _range_end(tok, last)
        if rng is not None:                            # "between 10 and 15 people", "10 to 15 civilians"
            high_value, last = rng
            low, best, high = value, None, high_value
            if doc[max(tok.i - 1, 0)].lower_ == "between":
                qstart = tok.i - 1
            noun = _counted_noun(last) or noun
        group = noun.text if noun is not None and noun.lower_ in lexicon()["victims"] else None
        more = any(c.lower_ == "more" for c in (noun.children if noun is not None else [])) or (
            last.i + 1 < len(doc) and doc[last.i + 1].lower_ == "more")
        s_char = doc[qstart].idx
        e_tok = noun if noun is not None and noun.i > last.i and noun.i - last.i <= 3 else last
        e_char = e_tok.idx + len(e_tok.text)
        seen.update(range(tok.i, last.i + 1))
        out.append(Count(low, best, high, group, text[s_char:e_char], (s_char, e_char), noun, toll, more,
                         (qstart, e_tok.i + 1), rule=why))
    return _listed_dead(_sum_coordinated(out, text), span, text)


def _range_end(tok: Token, last: Token) -> tuple[int, Token] | None:
    doc = tok.doc
    i = last.i + 1
    if i + 1 < len(doc) and doc[i].lower_ in lexicon()["range_joiners"]:
        value, end = _value_with_multiplier(doc[i + 1])
        if value is not None and value > (number_value(tok) or 0):
            return value, end
    return None


def _toll_target(num: Token) -> bool:
    """"the death toll ... rose to 28", "bringing the toll to 110": the number after "to"."""
    head = num.head
    if head.lower_ != "to":
        return False
    verb = head.head
    lex = lexicon()
    if verb.lemma_.lower() not in lex["toll_verbs"]:
        return False
    sent = num.sent
    return any(t.lower_ in lex["toll_nouns"] for t in sent if t.i < num.i)


def _sum_coordinated(counts: list[Count], text: str) -> list[Count]:
    """"eight contractors and a serviceman were killed": coordinated victims add up."""
    out = []
    for c in counts:
        if out and c.noun is not None and out[-1].noun is not None and c.noun.dep_ == "conj" \
                and c.noun in out[-1].noun.conjuncts:
            prev = out[-1]
            add = lambda a, b: None if a is None or b is None else a + b  # noqa: E731
            prev.low, prev.best, prev.high = add(prev.low, c.low), add(prev.best, c.best), add(prev.high, c.high)
            prev.span = (prev.span[0], c.span[1])
            prev.text = text[prev.span[0]:prev.span[1]]
            continue
        out.append(c)
    return out


def _members(root: Token) -> list[Token]:
    """The nouns of a list headed by ``root``: it and its conjuncts and appositions, in order."""
    out, todo = [], [root]
    while todo:
        t = todo.pop(0)
        if t.pos_ in ("NOUN", "PROPN") and t not in out:
            out.append(t)
            todo += [c for c in t.children if c.dep_ in ("conj", "appos")]
    return sorted(out, key=lambda t: t.i)


def _member_count(noun: Token) -> int | None:
    """How many one listed noun counts: its number, two for "both", one for a singular noun,
    None for a bare plural ("and soldiers": how many is not said)."""
    lex = lexicon()
    if noun.lower_ not in lex["victims"] and noun.lemma_.lower() not in lex["victims"]:
        return None
    nums = [c for c in noun.children if c.dep_ == "nummod"]
    if nums:
        v = number_value(nums[0])
        return v if v is not None and nums[0].lower_ not in lex["not_counts_alone"] else None
    if any(c.dep_ in ("det", "predet") and c.lower_ in lex["pair_words"] for c in noun.children):
        return 2
    return 1 if noun.tag_ in ("NN", "NNP") else None


def _listed_dead(counts: list[Count], span: Span, text: str) -> list[Count]:
    """"killed two officers, a child and four attackers", "both officials and their driver": the
    dead listed one by one add up (7, 3), when each item says how many it counts. An apposition
    that only spells out the count before it ("two people, a woman and her son") adds nothing."""
    lex = lexicon()
    for root in span:
        if root.pos_ not in ("NOUN", "PROPN") or root.dep_ in ("conj", "appos"):
            continue
        members = _members(root)
        if len(members) < 2:
            continue
        why = _deathly(root)
        values = [_member_count(m) for m in members]
        if why is None or any(v is None for v in values):
            continue
        first = next((c for c in counts if c.noun is not None and c.noun.i == root.i), None)
        rest = sum(values[1:])
        if first is not None and (rest == values[0] or root.lower_ in lex["generic_counted"]):
            continue                                   # the list spells the count out
        total = sum(values)
        inside = [c for c in counts if c.noun is not None and any(c.noun.i == m.i for m in members)]
        if any((c.low or 0) >= total for c in inside):
            continue
        start = min(t.i for m in members[:1] for t in m.subtree if t.i <= m.i)
        end = members[-1].i
        s_char, e_char = span.doc[start].idx, members[-1].idx + len(members[-1].text)
        kind = "at_least" if first is not None and first.high is None and first.best is None else None
        low, best, high = _bounds(kind, total)
        listed = Count(low, best, high, None, text[s_char:e_char], (s_char, e_char), root, tokens=(start, end + 1),
                       summed=True, rule=f"{why}+listed")
        counts = [c for c in counts if c not in inside]
        counts.append(listed)
    return sorted(counts, key=lambda c: c.span)
