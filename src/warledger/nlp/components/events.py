"""EventExtractor: events and running tallies from triggers, the parse, and the places and
actors the earlier components found.

Per sentence (navigation links and photo captions are not read):
  1. triggers (``nlp/triggers.py``) are grouped by clause: a finite clause with its own subject
     is one happening; a relative clause hangs on the noun it describes ("six bombings which
     left 200 dead" is one event); a statement verb is always its own event, apart from the
     violence it speaks of;
  2. each group gets its type (the highest-priority trigger; "bombings" by a state are air
     strikes), roles (``nlp/roles.py``), death count (``nlp/fatalities.py``), places and date
     from its clause (talks and statements take the date the sentence gives), and how many
     occurrences it groups ("six bombings").
Across sentences, an event merges into the one it speaks of again: a headline into the report
under it; "the attack", "the deaths" into the last compatible event; statements, talks and deals
of one section into one; a report with no place, date, count or target of its own into the last
event of the same kind and perpetrator.
Tallies: "bringing the toll since October 7 to 110", "the death toll rose to 28", "42
peacekeepers have been killed since 2013".
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...resolve.dates import DateRange, resolve_all, time_words
from ...structure.blocks import dateline_end
from ...vocab import CONFLICT_KINDS, EVENT_TYPES, FAMILIES, FAMILY_OF, POLITICAL_TYPES, STATE_KINDS
from ..displacement import displaced_in
from ..extensions import SPANS_BLOCKS, USER_STRUCTURE
from ..fatalities import Count, counts_in
from ..fatalities import lexicon as fatality_lexicon
from ..role_patterns import RolePatterns, load_role_patterns
from ..roles import ActorIndex, RoleActor, RoleFinder
from ..triggers import Trigger, TriggerFinder, lexicon

POLITICAL = POLITICAL_TYPES
STRIKE_KIN = FAMILIES["violence"]


@dataclass
class Draft:
    type: str
    priority: int
    triggers: list[Trigger]
    sent: Span
    block: str
    roles: list[RoleActor] = field(default_factory=list)
    count: Count | None = None
    tolls: list[Count] = field(default_factory=list)
    places: list = field(default_factory=list)          # PlaceRecord
    date: DateRange | None = None
    occurrences: int = 1
    mentions: list[tuple[int, int]] = field(default_factory=list)
    anaphoric: bool = False
    within: str | None = None  # the type of the happening told before it is told inside ("during the attack")
    section: int = 0
    cumulative: bool = False
    sents: list[Span] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)
    status: str = "reported"
    implied_places: list = field(default_factory=list)  # places a definite "the town" stands for

    @property
    def violent(self) -> bool:
        return EVENT_TYPES[self.type].violent

    def perpetrators(self) -> set[str]:
        return {r.actor_id or r.name for r in self.roles if r.role == "perpetrator"}


@dataclass
class Reading:
    """What one call of the component knows of its document (never kept on the component, so
    one instance may read several documents at once)."""

    text: str                                          # Doc.text, built once (it joins every token)
    dates: list[DateRange] = field(default_factory=list)   # every time expression, found once
    doc_places: list = field(default_factory=list)     # PlaceRecord
    count_cache: dict[int, list[Count]] = field(default_factory=dict)
    # a list of happenings in one clause ("the kidnapping ... in X, the attack ... in Y"): each item's
    # own tokens by the index of its trigger noun, and every token some item holds (this sentence)
    scopes: dict[int, frozenset[int]] = field(default_factory=dict)
    carved: frozenset[int] = frozenset()
    dateline: tuple[int, int] | None = None           # where the text gives its own date: the report's day


def clause_head(tok: Token) -> Token:
    """The finite clause a token belongs to: up the tree to the root, or to a verb that has a
    subject of its own."""
    t = tok
    while t.dep_ != "ROOT" and t.head is not t:
        if t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children) \
                and t.dep_ in ("ccomp", "advcl", "conj", "relcl", "acl", "xcomp", "pcomp", "parataxis"):
            return t
        t = t.head
    return t


def _count_anchor(doc: Doc, c: Count) -> Token:
    """The token whose clause a count belongs to: its own first token, but for the dead named
    inside a free relative ("killed what the army called 40 fighters") the kill verb."""
    tok = doc[c.tokens[0]]
    if c.rule == "kill_what_called":
        kill = fatality_lexicon()["kill_lemmas"]
        return next((a.head for a in tok.ancestors if a.dep_ == "ccomp" and a.head.lemma_.lower() in kill), tok)
    return tok


class EventExtractor:
    def __init__(self, nlp: Language, name: str, triggers: dict | None = None,
                 role_patterns: RolePatterns | None = None):
        self.name = name
        lex = triggers or lexicon()
        self.finder = TriggerFinder(nlp, lex)
        self.roles = RoleFinder(nlp, role_patterns or load_role_patterns())
        self.speaker_kinds = frozenset(lex["statement_speakers"])
        self.air_words = frozenset(w for w in lex["air_words"] if " " not in w)
        self.figurative_targets = frozenset(lex["figurative_targets"])
        self.anaphora = frozenset(lex["anaphora"])
        self.within = frozenset(lex["within_words"])
        self.toll_words = frozenset(lex["toll_words"])
        self.callback_only = frozenset(lex["callback_only_nouns"])
        self.referring = frozenset(lex["referring_nouns"])
        self.agent_nouns = frozenset(lex["agent_nouns"])
        self.generic_victims = frozenset(lex["generic_victims"])
        self.civilian_targets = frozenset(lex["civilian_targets"])
        self.state_strikes = frozenset(lex["state_strike_nouns"])
        self.death_rules = frozenset(lex["death_rules"])
        self.anchor_preps = frozenset(lex["anchor_prepositions"])
        self.origin_preps = frozenset(lex["origin_prepositions"])
        self.describing = frozenset(lex["describing_verbs"])
        self.place_nouns = dict(lex["place_nouns"])
        self.held_places = frozenset(lex["held_places"])
        self.taking_types = frozenset(lex["taking_types"])
        from ..fatalities import lexicon as quantities
        self.people = frozenset(quantities()["victims"])
        self.conflict_nouns = frozenset(lex["conflict_nouns"])
        self.whole_conflicts = frozenset(lex["whole_conflict_nouns"])
        self.additive_words = frozenset(lex["additive_words"])
        self.durations = frozenset(lex["durations"])
        self.speech_verbs = frozenset(lex["speech_verbs"])
        self.saying = frozenset(lex["saying_verbs"])
        self.attack_on = frozenset(lex["attack_prepositions"])
        self.indefinite = frozenset(lex["indefinite_articles"])
        self.directions = frozenset(lex["directions"])

    # ---------------------------------------------------------- drafts
    def _drafts(self, ctx: Reading, doc: Doc, index: ActorIndex, ref: dt.date | None) -> list[Draft]:
        ctx.dates = self._all_dates(ctx, doc, ref)
        blocks = [(b.start, b.end, b.label_) for b in doc.spans.get(SPANS_BLOCKS, [])]
        # where a report is filed from is no place a later "the region" stands for
        datelines = [(b.start_char, end) for b in doc.spans.get(SPANS_BLOCKS, [])
                     if (end := dateline_end(doc.text, b.start_char)) is not None]
        ctx.doc_places = [rec for rec in doc._.wl_places or []
                          if not all(any(a <= s < b for a, b in datelines) for s, _ in rec.mentions)]
        hits = self.finder.phrase_hits(doc)
        conflict = [(s.start, s.end) for s in doc.spans.get("wl_actors", [])]
        drafts: list[Draft] = []
        section = 0
        last_heading = -1
        for sent in doc.sents:
            kind = next((k for s, e, k in blocks if s <= sent.start < e), "paragraph")
            if kind == "heading" and sent.start != last_heading:
                section += 1
                last_heading = sent.start
            if kind in ("navigation", "caption"):
                continue
            triggers = self.finder.find(doc, sent, hits, conflict)
            triggers += self._person_says(ctx, sent, index, triggers)
            if not triggers:
                continue
            groups = self._items(ctx, self._group(triggers))
            real = [g for g in groups if not all(t.said for t in g)]
            all_heads = {clause_head(t.token).i for g in real for t in g}
            for group in groups:
                d = self._draft(ctx, doc, sent, group, kind, index, ref, single=len(real) <= 1,
                                other_heads=all_heads - {clause_head(t.token).i for t in group})
                if d is not None:
                    d.section = section
                    drafts.append(d)
        return drafts

    @staticmethod
    def _in_adjunct(tok: Token, verb: Token) -> bool:
        """The token hangs on the verb through a preposition ("in a raid", "after fighting")."""
        t = tok
        while t.head.i != t.i and t.i != verb.i:
            if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.i == verb.i:
                return True
            t = t.head
        return False

    def _taken(self, doc: Doc, verb: Token, etype: str) -> str:
        """What a capture verb takes decides its type: a place (a place the stage found, or a
        place noun) is a capture of territory, people (a victim noun or a person) an arrest."""
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is None:
            return etype
        places = {i for s in doc.spans.get("wl_places", []) for i in range(s.start, s.end)}
        if obj.i in places or obj.lemma_.lower() in self.place_nouns or obj.lemma_.lower() in self.held_places:
            return "territory_capture"
        if obj.lemma_.lower() in self.people or obj.lower_ in self.people or obj.ent_type_ == "PERSON":
            return "arrest"
        return etype

    def _person_says(self, ctx: Reading, sent: Span, index: ActorIndex, triggers: list[Trigger]) -> list[Trigger]:
        """A named person saying something that reports no deaths is a statement event
        ("the secretary told reporters in Washington that ..."); so is a registered state or
        organisation saying something that tells of no violence ("the African Union said the
        talks must resume"). Unnamed officials and groups saying things are sources only, and
        so is anyone reporting violence."""
        if any(t.type == "statement" for t in triggers) or self._counts(ctx, sent):
            return []
        violence = any(EVENT_TYPES[t.type].violent for t in triggers)
        attrs = self.finder.token_attrs(sent.doc)
        for i in range(sent.start, sent.end):
            pos, lemma, _ = attrs[i]
            if pos != "VERB" or lemma not in self.saying:
                continue
            tok = sent.doc[i]
            if tok.dep_ == "ROOT":
                subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                rec = index.at(subj) if subj is not None else None
                if rec is not None and (rec.kind == "person" or (
                        not violence and rec.actor is not None and rec.kind in self.speaker_kinds)):
                    return [Trigger("statement", self.finder.priority["statement"], tok, tok.i, tok.i + 1, said=True)]
        return []

    def _group(self, triggers: list[Trigger]) -> list[list[Trigger]]:
        groups: dict[int, list[Trigger]] = {}
        statements: list[list[Trigger]] = []
        tok_to_group: dict[int, int] = {}
        for t in sorted(triggers, key=lambda t: t.start):
            if t.type == "statement":
                statements.append([t])
                continue
            head = clause_head(t.token)
            if self._apart(t, triggers):
                key = t.token.i                       # "ended a truce declared by X in March"
            # a relative clause describing a trigger noun belongs to that noun's event
            elif head.dep_ in ("relcl", "acl") and head.head.i in tok_to_group:
                key = tok_to_group[head.head.i]
            else:
                key = head.i
            groups.setdefault(key, []).append(t)
            for i in range(t.start, t.end):
                tok_to_group[i] = key
        return [*groups.values(), *statements]

    @staticmethod
    def _apart(t: Trigger, triggers: list[Trigger]) -> bool:
        """A trigger noun of talks, a deal or a resolution, in a clause of violence, that has a
        participle clause of its own ("the fighting ended a truce declared by the government in
        March"): a happening of its own, not a word of the violence."""
        tok = t.token
        if tok.pos_ not in ("NOUN", "PROPN") or t.type not in POLITICAL:
            return False                              # ("a statement released by X" is a source)
        if not any(c.dep_ == "acl" and c.pos_ == "VERB" and c.tag_ == "VBN" for c in tok.children):
            return False
        head = clause_head(tok)
        return any(EVENT_TYPES[o.type].violent and clause_head(o.token).i == head.i for o in triggers if o is not t)

    def _items(self, ctx: Reading, groups: list[list[Trigger]]) -> list[list[Trigger]]:
        """A sentence listing happenings, each with a place of its own ("condemns the kidnapping of
        girls in X, the attack on peacekeepers in Y and the bombings in Z"), is one event an item:
        an item is a trigger noun with a named place in its own phrase (its subtree, less the
        phrases of other trigger nouns inside it); the sentence's other triggers go to the innermost
        item holding them, or stay as they were grouped. The scopes are kept on ``ctx`` for the
        places, counts and dates."""
        ctx.scopes, ctx.carved = {}, frozenset()
        triggers = [t for g in groups for t in g if t.type != "statement"]
        nouns = [t for t in triggers if t.token.pos_ in ("NOUN", "PROPN")]
        if len(nouns) < 2:
            return groups
        doc = nouns[0].token.doc
        place_tokens = {i for sp in doc.spans.get("wl_places", []) for i in range(sp.start, sp.end)}
        subtree = {t.token.i: frozenset(w.i for w in t.token.subtree) for t in nouns}

        def own_phrase(i: int, among) -> frozenset[int]:
            inner = [subtree[j] for j in among if j != i and j in subtree[i]]
            return subtree[i].difference(*inner) if inner else subtree[i]

        items = [t.token.i for t in nouns if own_phrase(t.token.i, subtree) & place_tokens - {t.token.i}]
        # a noun inside another's phrase is an item of a list only through a coordination ("the
        # kidnapping ..., the attack ..."); through a clause or preposition it describes the
        # same happening ("a strike that resulted in the death of ...")
        items = [i for i in items if all(self._listed(doc[i], doc[j]) for j in items if j != i and i in subtree[j])]
        if len(items) < 2:
            return groups
        for i in items:
            ctx.scopes[i] = own_phrase(i, items)
        ctx.carved = frozenset().union(*ctx.scopes.values())
        by_item: dict[int, list[Trigger]] = {i: [] for i in items}
        out: list[list[Trigger]] = []
        for g in groups:
            rest = []
            for t in g:
                holders = [i for i in items if t.token.i in subtree[i]] if t.type != "statement" else []
                if holders:                               # the innermost item: the smallest phrase
                    by_item[min(holders, key=lambda i: len(subtree[i]))].append(t)
                else:
                    rest.append(t)
            if rest:
                out.append(rest)
        return sorted([ts for ts in by_item.values() if ts] + out, key=lambda g: min(t.start for t in g))

    @staticmethod
    def _listed(inner: Token, outer: Token) -> bool:
        """Whether ``inner`` hangs below ``outer`` through a coordination or apposition."""
        t = inner
        while t.i != outer.i and t.head.i != t.i:
            if t.dep_ in ("conj", "appos"):
                return True
            t = t.head
        return False

    def _scope(self, ctx: Reading, group: list[Trigger]) -> frozenset[int] | None:
        return next((ctx.scopes[t.token.i] for t in group if t.token.i in ctx.scopes), None)

    def _draft(self, ctx: Reading, doc: Doc, sent: Span, group: list[Trigger], block: str, index: ActorIndex,
               ref: dt.date | None, single: bool = True, other_heads: set[int] | None = None) -> Draft | None:
        main = max(group, key=lambda t: (t.priority, -t.start))
        # "captured the town after a day of fighting", "arrested two men in a raid": a verb that
        # takes someone or something names the event over violence told in its adjunct
        takers = [t for t in group if t.token.pos_ == "VERB" and t.type in self.taking_types
                  and t is not main and self._in_adjunct(main.token, t.token)]
        if takers:
            main = takers[0]
        if all(t.weak for t in group) and not self._strengthened(ctx, sent, group) and not any(
                t.token.lower_ in self.toll_words | self.callback_only
                and any(c.lower_ in self.anaphora for c in t.token.children)
                for t in group):
            return None                               # "the dead" speaks of an event already told
        event_nouns = {t.token.i for t in group if t.token.pos_ != "VERB"}
        roles: list[RoleActor] = []
        for t in group:
            for r in self.roles.roles_for(index, t.token, main.type, event_nouns):
                if not any(o.name == r.name and o.role == r.role for o in roles):
                    roles.append(r)
        if main.type == "statement" and not any(r.kind in self.speaker_kinds for r in roles):
            return None                               # "said"-like verbs need a known speaker
        if main.type == "attack" and self._figurative_attack(main):
            return None
        etype = main.type
        struck = main.token.lemma_.lower() in self.state_strikes or any(
            c.dep_ == "dobj" and c.lemma_.lower() in self.state_strikes for c in main.token.children)
        if (etype == "bombing" or (etype == "attack" and struck)) and any(
                r.role == "perpetrator" and r.kind in STATE_KINDS for r in roles):
            etype = "airstrike"                       # bombings and strikes by a state's forces are air strikes
        struck_words = {c.i for t in group for c in t.token.children if c.dep_ in ("nsubjpass", "dobj")}
        if etype in ("attack", "bombing") and any(w.lower_ in self.air_words and w.i not in struck_words
                                                   for w in sent):
            etype = "airstrike"                       # jets, helicopters, drones: from the air (not when
            # they are what was hit: "a helicopter was shot down", "fighters attacked a drone")
        if etype in ("arrest", "territory_capture") and main.token.pos_ == "VERB":
            etype = self._taken(doc, main.token, etype)   # "captured the town" / "captured two men"
        heads = {clause_head(t.token).i for t in group}
        counts = [c for c in self._counts(ctx, sent) if self._in_clauses(ctx, _count_anchor(doc, c), heads, group)]
        tolls = [c for c in counts if c.toll]
        deaths = [c for c in counts if not c.toll]
        d = Draft(etype, max(t.priority for t in group), group, sent, block, roles=roles, tolls=tolls,
                  mentions=[(sent.start_char, sent.end_char)], sents=[sent])
        d.count = deaths[0] if deaths else None
        if tolls and not self._since(sent) and (d.count is None or d.count.more):
            d.count = tolls[0]                        # "five more bodies ... raising the toll to 28"
        for c in deaths[:1]:
            if c.noun is not None and c.group and not c.summed:
                c.summed = True
                add = sum(1 for conj in c.noun.conjuncts if conj.i > c.noun.i and any(
                    k.lower_ in self.indefinite and k.dep_ == "det" for k in conj.children))
                if add and c.low is not None:        # "eight contractors and a serviceman"
                    c.low += add
                    c.best = c.best + add if c.best is not None else None
                    c.high = c.high + add if c.high is not None else None
        for t in group:
            num = next((c for c in t.token.children if c.dep_ == "nummod"), None)
            if num is not None and num.like_num and t.token.pos_ == "NOUN" and t.token.tag_ in ("NNS", "NNPS"):
                with contextlib.suppress(ValueError):
                    d.occurrences = int(num.text) if num.text.isdigit() else _word_number(num.lower_)
        d.anaphoric = any(
            any(c.lower_ in self.anaphora and c.dep_ == "det" for c in t.token.children) for t in group
            if t.token.pos_ != "VERB") or any(
            # "the bomber blew himself up": the subject speaks of an attack already told
            c.dep_ == "nsubj" and c.lower_ in self.agent_nouns
            and any(k.lower_ in self.anaphora for k in c.children)
            for t in group if t.token.pos_ == "VERB" for c in t.token.children)
        d.within = next((t.type for t in group if t.token.pos_ != "VERB" and t.token.dep_ == "pobj"
                         and t.token.head.lower_ in self.within
                         and any(c.lower_ in self.anaphora and c.dep_ == "det" for c in t.token.children)), None)
        d.cumulative = (self._since(sent) or self._running(group)) and etype == "killing" and not any(
            t.token.pos_ == "NOUN" for t in group
                                                                             if t.token.lower_ != "toll")
        if etype in POLITICAL:                        # talks and deals: every party the sentence names
            for start, rec in index.order:
                if sent.start <= start < sent.end and rec.kind in CONFLICT_KINDS | {"igo", "person"} \
                        and not any(r.name == rec.name for r in roles):
                    tok = doc[start]
                    roles.append(RoleActor(rec.name, "participant", [(tok.idx, tok.idx + len(tok.text))],
                                           rec.actor.id if rec.actor else None, rec.kind, "party_named_in_talks"))
        d.places = self._places(ctx, doc, sent, heads, group, single, other_heads or set(), etype)
        # "the town": the last town named before, for an event that ends up with no place
        d.implied_places = [] if d.places else self._place_anaphora(ctx, doc, sent, heads, group)
        if not d.places:                              # "Syrian civilians": the victims' country
            d.places = self._victims_country(doc, d)
        d.date = self._date(ctx, doc, sent, heads, group, etype, ref, single)
        return d

    def _strengthened(self, ctx: Reading, sent: Span, group: list[Trigger]) -> bool:
        """A weak trigger ("strike", "toll", "hit") counts only beside a place and a conflict actor,
        a count, or as what an actor launched ("Russia launched 90 drones")."""
        doc = sent.doc
        if all(t.token.lower_ in self.callback_only for t in group):
            return False        # "the strike" points back; "conducted a strike" is a frame (events.yaml)
        if any(t.type == "statement" and t.token.pos_ == "VERB" and t.token.dep_ not in ("acl", "amod")
               and any(c.dep_ == "nsubj" and c.pos_ == "PROPN" for c in t.token.children) for t in group):
            return True         # "the president called the attackers cowards": a named speaker's words
        launch = self.roles.words("launch_lemmas")
        if any(t.token.dep_ == "dobj" and t.token.head.lemma_.lower() in launch for t in group):
            return True
        has_place = any(sent.start <= s.start < sent.end for s in doc.spans.get("wl_places", []))
        has_actor = any(sent.start <= s.start < sent.end for s in doc.spans.get("wl_actors", []))
        return (has_place and has_actor) or bool(self._counts(ctx, sent))

    def _figurative_attack(self, trig: Trigger) -> bool:
        """"a sweeping attack on an entire organization": an attack in words, not arms."""
        for c in trig.token.children:
            if c.dep_ == "prep" and c.lower_ in self.attack_on:
                for p in c.children:
                    if p.lemma_.lower() in self.figurative_targets:
                        return True
        return False

    def _running(self, group: list[Trigger]) -> bool:
        """A killing verb in the perfect that counts a whole conflict: its subject is the conflict
        itself ("the violence has killed 300", "the war has left 300 dead"), it spans a duration ("have been killed in
        months of protests", "over the past two years") or it is the conflict's ("have died in the war")."""
        for t in group:
            v = t.token
            if v.pos_ != "VERB" and v.dep_ in ("oprd", "acomp", "dobj", "ccomp", "xcomp") and v.head.pos_ == "VERB":
                v = v.head                            # "the war has left 300 dead": the verb that leaves them
            if v.pos_ != "VERB" or not any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in v.children):
                continue
            if any(c.dep_ == "nsubj" and c.lemma_.lower() in self.conflict_nouns for c in v.children):
                return True
            for prep in (c for w in (v, *v.conjuncts) for c in w.children if c.dep_ == "prep"):
                if any(p.dep_ == "pobj" and p.lemma_.lower() in self.durations for p in prep.children):
                    return True
                if any(p.dep_ == "pobj" and p.lemma_.lower() in self.whole_conflicts
                       and any(d.dep_ == "det" and d.lower_ in self.anaphora for d in p.children)
                       for p in prep.children):
                    return True                       # "have been killed in the war": the whole conflict's toll
        return False

    def _since(self, sent: Span) -> bool:
        return any(low == "since" for _, _, low in self.finder.token_attrs(sent.doc)[sent.start:sent.end])

    @staticmethod
    def _all_dates(ctx: Reading, doc: Doc, ref: dt.date | None) -> list[DateRange]:
        """Time expressions, searched only in windows around time words and numbers (the
        expressions' regular expressions are costly over a whole text)."""
        words = time_words()
        windows: list[list[int]] = []
        for t in doc:
            if t.lower_ in words or (t.like_num and len(t.text) <= 4):
                s, e = max(0, t.idx - 40), t.idx + len(t.text) + 40
                if windows and s <= windows[-1][1]:
                    windows[-1][1] = e
                else:
                    windows.append([s, e])
        out, seen = [], set()
        for s, e in windows:
            for r in resolve_all(ctx.text, ref, s, min(e, len(ctx.text))):
                if r.span not in seen:
                    seen.add(r.span)
                    out.append(r)
        return out

    @staticmethod
    def _counts(ctx: Reading, sent: Span) -> list[Count]:
        """Death counts of a sentence, read once however many events it holds."""
        hit = ctx.count_cache.get(sent.start)
        if hit is None:
            hit = ctx.count_cache[sent.start] = counts_in(sent, ctx.text)
        return hit

    def _in_clauses(self, ctx: Reading, tok: Token, heads: set[int], group: list[Trigger]) -> bool:
        if ctx.carved:                                # a listed happening: its own phrase, and the
            scope = self._scope(ctx, group)           # clause around the list ("on Monday")
            if scope is not None and tok.i in scope:
                return True
            if tok.i in ctx.carved:
                return False
        return self._in_clause_tree(tok, heads, group)

    @staticmethod
    def _in_clause_tree(tok: Token, heads: set[int], group: list[Trigger]) -> bool:
        h = clause_head(tok)
        if h.i in heads:
            return True
        # clauses hanging on one noun ("a campaign started in 2013 that liberated the north")
        anchors = {h.head.i for h in (clause_head(t.token) for t in group) if h.dep_ in ("relcl", "acl")}
        if anchors:
            for a in [tok, *tok.ancestors]:
                if a.dep_ in ("relcl", "acl"):
                    return a.head.i in anchors
                if a.i in heads:
                    break
        # a relative clause on a trigger noun ("bombings which left 200 dead")
        return h.dep_ in ("relcl", "acl") and any(h.head.i == t.token.i for t in group)

    @staticmethod
    def _victims_country(doc: Doc, d: Draft) -> list:
        countries = set()
        for r in d.roles:
            if r.role == "victim" and r.kind == "state" and r.actor_id:
                countries.add(r.actor_id)
        # "Syrian civilians": a group of a country
        groups = {rec.name: rec.country for rec in doc._.wl_actors or [] if getattr(rec, "country", None)}
        codes = {groups[r.name] for r in d.roles if r.role == "victim" and not r.actor_id and r.name in groups}
        if not countries and not codes:
            return []
        from ...resolve.registry import load_registry
        codes |= {load_registry().actors[c].country for c in countries if c in load_registry().actors}
        return [p for p in doc._.wl_places or [] if p.level == "country" and p.place and p.place.country in codes][:1]

    def _places(self, ctx: Reading, doc: Doc, sent: Span, heads: set[int], group: list[Trigger], single: bool,
                other_heads: set[int], etype: str = "attack") -> list:
        """The places of the event's clause, and those of the sentence no other event's clause
        holds ("officials in Kunar province said that the strike ..."); a country that only
        qualifies a noun ("U.S. soldiers") says who, not where. Of violence, where a speaker
        speaks from is not where it happened ("speaking from the capital, he said the town was
        shelled"); a place that only locates another ("near the capital", "40 km north of X") is
        kept only when nothing else is named; a country goes when a place in it is named."""
        triggers = {t.token.i for t in group}
        out, anchors, origins = [], [], []
        for rec in doc._.wl_places or []:
            for s, e in rec.mentions:
                if not (sent.start_char <= s < sent.end_char):
                    continue
                span = doc.char_span(s, e, alignment_mode="expand")
                if span is None or rec in out:
                    continue
                if rec.level == "country" and span.root.dep_ in ("compound", "amod", "nmod", "poss"):
                    continue
                if rec.level == "continent":
                    continue                          # "Ebola in Africa": no place to code an event at
                if rec.level == "region" and self._container(ctx, s, sent):
                    continue                          # "Raqqa in northern Syria": Raqqa is the place
                if self._spoken_from(span.root, triggers):
                    continue
                if self._in_clauses(ctx, span.root, heads, group) or (
                        clause_head(span.root).i not in other_heads and span.root.i not in ctx.carved
                        and not self._described(span.root, group)):
                    (origins if self._origin(span.root, triggers) else anchors if self._anchor(span.root)
                     else out).append(rec)
        if EVENT_TYPES[etype].violent:      # a country people or calls come from says who, not where
            origins = [p for p in origins if p.level != "country"]
        out = out or anchors or origins     # where people come from, only when nothing else is named
        countries = {p.place.country for p in out if p.place is not None and p.level != "country"}
        return [p for p in out if not (p.level == "country" and p.place is not None and p.place.country in countries)]

    def _place_anaphora(self, ctx: Reading, doc: Doc, sent: Span, heads: set[int], group: list[Trigger]) -> list:
        """"took control of the town", "fighting in the area": a definite place noun with no
        name of its own in the event's clause stands for the last place of its kind named
        before the sentence (a town for town, city, village; a province for province, region)."""
        for tok in sent:
            level = self.place_nouns.get(tok.lemma_.lower())
            if level is None or not any(c.dep_ == "det" and c.lower_ in self.anaphora for c in tok.children):
                continue
            if any(c.dep_ in ("compound", "appos") or c.pos_ == "PROPN" for c in tok.children) or \
                    any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
                continue                              # "the town of Elbe": named right there
            if not self._in_clauses(ctx, tok, heads, group):
                continue
            # the last place of that level; for a town, else the last place finer than a country
            wanted = ({level, "unknown"}, {"admin2", "admin1", "region"}) if level == "populated_place" else ({level},)
            for levels in wanted:
                before = [(s, rec) for rec in ctx.doc_places for s, _ in rec.mentions
                          if s < sent.start_char and rec.level in levels]
                if before:
                    return [max(before, key=lambda x: x[0])[1]]
        return []

    def _anchor(self, tok: Token) -> bool:
        """A place named as a reference point: "near X", "outside X", "off X", "30 km north of
        X", and "the capital, X" inside such a phrase."""
        if tok.dep_ in ("appos", "conj") and tok.head.dep_ == "pobj":
            tok = tok.head
        elif tok.dep_ == "appos" and tok.i >= 2 and tok.doc[tok.i - 1].text == "," and tok.doc[tok.i - 2].dep_ == "pobj":
            tok = tok.doc[tok.i - 2]                  # "near the capital, X" with X read as the head's apposition
        if tok.dep_ != "pobj":
            return False
        prep = tok.head
        if prep.lower_ in self.anchor_preps:
            return True
        return prep.lower_ == "of" and prep.head.lower_ in self.directions

    def _described(self, tok: Token, group: list[Trigger]) -> bool:
        """The place is the subject of a verb describing it, and what happened is told in a
        clause on another place named there ("X is near Y, where gunmen struck", "X lies north
        of Y, where ..."): the event is Y's, not X's ("X is where a bomb killed 20" stays X's)."""
        if tok.dep_ != "nsubj" or tok.head.lemma_.lower() not in self.describing:
            return False
        doc = tok.doc
        places = {i for sp in doc.spans.get("wl_places", []) for i in range(sp.start, sp.end)}
        for t in group:
            head = clause_head(t.token)
            if head.dep_ in ("relcl", "acl") and head.head.i != tok.i and head.head.i in places:
                return True
        return False

    def _origin(self, tok: Token, triggers: set[int] = frozenset()) -> bool:
        """A place that says where people come from: "herders from Jonglei state", "fighters from
        across the border", "evacuees from the towns of X" (the preposition on a noun, not on a
        verb of moving or firing)."""
        while tok.head.i != tok.i and (tok.dep_ in ("compound", "appos", "conj") or (
                tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN"
                and tok.head.head.i not in triggers)):
            tok = tok.head if tok.dep_ != "pobj" else tok.head.head     # "from the towns of X"
        if tok.dep_ != "pobj" or tok.head.lower_ not in self.origin_preps:
            return False
        # on a noun of people or words, not on the event's own noun ("rocket fire from X": where
        # it was fired from is a place of it)
        return tok.head.head.pos_ in ("NOUN", "PROPN") and tok.head.head.i not in triggers

    def _spoken_from(self, tok: Token, triggers: set[int]) -> bool:
        """The place says where a source spoke: "from X" on a speech verb ("said from X"), or any
        place on a speaking participle ("speaking in X"). A place fronted before "officials say"
        is the scene, not the speaker's seat."""
        t, preps = tok, []
        while t.head.i != t.i and t.pos_ not in ("VERB", "AUX"):
            if t.dep_ not in ("pobj", "prep", "appos", "conj", "compound"):
                return False
            if t.dep_ == "prep":
                preps.append(t.lower_)
            t = t.head
        if t.pos_ not in ("VERB", "AUX") or t.i in triggers or t.lemma_.lower() not in self.speech_verbs:
            return False
        return t.tag_ == "VBG" or "from" in preps

    @staticmethod
    def _container(ctx: Reading, start: int, sent: Span) -> bool:
        """True when the mention at ``start`` only says where the place named just before it lies
        ("Raqqa in northern Syria", "Gao, northern Mali")."""
        for rec in ctx.doc_places:
            for s, e in rec.mentions:
                if sent.start_char <= s and e <= start and rec.level not in ("country", "region") \
                        and ctx.text[e:start].strip().lower() in ("in", ",", "in the", ", in"):
                    return True
        return False

    def _date(self, ctx: Reading, doc: Doc, sent: Span, heads: set[int], group: list[Trigger], etype: str,
              ref: dt.date | None, single: bool = True) -> DateRange | None:
        text = ctx.text
        found = []
        for rng in (r for r in ctx.dates if sent.start_char <= r.span[0] < sent.end_char):
            if ctx.dateline and ctx.dateline[0] <= rng.span[0] < ctx.dateline[1]:
                continue                              # the report's own date, not the day of what it tells
            before = text[max(sent.start_char, rng.span[0] - 6):rng.span[0]].lower()
            if "since" in before or "until" in before:
                continue                              # a tally's start, not the event's day
            span = doc.char_span(*rng.span, alignment_mode="expand")
            in_clause = span is not None and self._in_clauses(ctx, span.root, heads, group)
            found.append((in_clause, rng))
        violent = EVENT_TYPES[etype].violent
        for in_clause, rng in found:
            if in_clause:
                return rng
        if not violent and found and single:
            return found[0][1]                        # talks and statements: the day the sentence gives
        if etype == "statement" and ref is not None:
            return DateRange(None, ref, "unknown", rule="report_day")    # said on or before the day of the report
        return None

    # ---------------------------------------------------------- merging
    def _compatible(self, a: Draft, b: Draft) -> bool:
        if a.violent != b.violent:
            return False
        if a.violent and FAMILY_OF.get(a.type) != FAMILY_OF.get(b.type) and not (a.anaphoric or b.anaphoric):
            return False                              # a toll is no kidnapping, a kidnapping no capture
        if a.type in POLITICAL and b.type in POLITICAL and a.section == b.section:
            return True                               # one story's talks, deals and their terms
        if not a.violent and (a.type in POLITICAL) != (b.type in POLITICAL):
            return False
        if not a.violent and a.type not in POLITICAL and a.type != b.type:
            return False
        pa, pb = self._families(a, "perpetrator"), self._families(b, "perpetrator")
        if pa and pb and not (pa & pb) and not (b.within in ("attack", a.type) and a.violent and self._attackers_fell(a, b)):
            return False                              # "the Russian army" and "Russia" are one side
        ids_a = {id(p) for p in a.places}
        countries_a = {p.place.country for p in a.places if p.place is not None}
        wide = ("country", "region")                  # a country or a part of one holds the other's places
        if b.places and a.places and not all(
                id(p) in ids_a or (p.level in wide and (p.place is None or not countries_a
                                                        or p.place.country in countries_a))
                or (p.place is not None and p.place.country in countries_a and any(q.level in wide for q in a.places))
                for p in b.places):
            return False                              # a place of another country is another happening
        if b.anaphoric:
            return True                               # "that attack": its date is the report's, not the attack's
        return not (a.date and b.date and a.date.start and b.date.start and a.date.precision == "day"
                    and b.date.precision == "day" and a.date.start != b.date.start)

    def _merge_all(self, ctx: Reading, drafts: list[Draft]) -> list[Draft]:
        events: list[Draft] = []
        heads: list[Draft] = []                       # headlines waiting for the report under them
        for d in drafts:
            if d.cumulative:
                events.append(d)                      # a running total: a tally, never a toll
                continue
            if d.block == "heading":
                heads.append(d)
                continue
            for h in [h for h in heads if h.section == d.section and self._compatible(h, d)]:
                self._absorb(d, h, keep_type=None if h.violent else h.type)
                heads.remove(h)
            target = None
            for e in reversed(events):
                if e.cumulative:
                    continue
                if e.section != d.section:
                    break                             # a new headline starts a new story
                if not self._compatible(e, d):
                    continue
                bare = d.violent and d.count is None and not d.places and d.date is None and not any(
                    r.role == "target" for r in d.roles)
                political = d.type in POLITICAL and e.type in POLITICAL and bool(
                    {r.actor_id or r.name.lower() for r in d.roles} & {r.actor_id or r.name.lower() for r in e.roles})
                same_speaker = d.type == e.type == "statement" and bool(
                    {r.name for r in d.roles} & {r.name for r in e.roles})
                # "two dead and 18 wounded": a bare toll completes the event before it
                own_place = any(p not in e.places and p.level not in ("country", "region") for p in d.places)
                toll_only = (d.type == "killing" and e.violent and e.count is None and not own_place
                             and not d.perpetrators())
                # a death clause with no event noun, place or perpetrator of its own, after a toll:
                # "Four guards were also killed" adds to it, "Six of them died in hospital" is part of it
                bare_death = (d.type == "killing" and e.violent and e.count is not None and d.count is not None
                              and not own_place and not d.perpetrators() and not d.tolls and not e.cumulative
                              and all(t.token.pos_ == "VERB" for t in d.triggers))
                toll_more = bare_death and self._additive(d)
                toll_part = bare_death and not toll_more and (
                    (d.count.high or d.count.best or d.count.low or 0) < (e.count.low or 0))
                targets_d = {r.name.lower() for r in d.roles if r.role == "target"}
                scene_e = {r.name.lower() for r in e.roles if r.role == "target"} | {
                    m.lower() for p in e.places for s_, e_ in p.mentions for m in [ctx.text[s_:e_]]}
                same_target = bool(targets_d & scene_e)   # "shelling Kherson" after a strike on Kherson
                if d.anaphoric and self._other_victims(e, d):
                    break                                 # "the death of founder X": another death
                if d.anaphoric and not d.violent and not political:
                    break                                 # "the agreement" of other parties
                if (d.anaphoric or bare) and d.violent and (d.type in STRIKE_KIN) != (e.type in STRIKE_KIN):
                    continue                              # "the attack" is no capture of a city
                if toll_more or d.anaphoric or bare or political or same_speaker or toll_only or same_target \
                        or toll_part:
                    target = e
                    if d.violent and d.count is not None and e.count is not None and not d.tolls \
                            and not e.cumulative and self._additive(d):
                        self._add_count(e, d)
                break
            if target is not None:
                if d.within and self._sides_differ(target, d):
                    # "troops killed 20 militants during the attack": the attackers' dead are part
                    # of the attack told before (its toll grows by them), but the other side did
                    # not carry the attack out
                    d.roles = [r for r in d.roles if r.role != "perpetrator"]
                    if d.count is not None and target.count is not None and not target.cumulative:
                        self._add_count(target, d)
                self._absorb(target, d)
            elif not all(t.token.lower_ in self.referring for t in d.triggers):
                events.append(d)                      # "the incident" with nothing told before: no event
        return events + heads

    @staticmethod
    def _families(d: Draft, role: str) -> set[str]:
        from ...resolve.registry import load_registry
        reg = load_registry()
        out = set()
        for r in d.roles:
            if r.role != role:
                continue
            actor = reg.actors.get(r.actor_id) if r.actor_id else None
            out.add((reg.state_of(actor) or actor.id) if actor else r.name.lower())
        return out

    def _attackers_fell(self, e: Draft, d: Draft) -> bool:
        """Whether the dead of clause ``d`` are the attackers of event ``e``: the side ``e`` names
        as its perpetrator, or a word for attackers ("six attackers", "20 militants")."""
        victims = [r for r in d.roles if r.role == "victim"]
        if not victims:
            return False
        from ...resolve.registry import load_registry
        reg = load_registry()
        theirs = self._families(e, "perpetrator")
        for r in victims:
            actor = reg.actors.get(r.actor_id) if r.actor_id else None
            side = (reg.state_of(actor) or actor.id) if actor else r.name.lower()
            if side in theirs or r.name.lower().split()[-1] in self.agent_nouns:
                return True
        return False

    def _sides_differ(self, e: Draft, d: Draft) -> bool:
        pe, pd = self._families(e, "perpetrator"), self._families(d, "perpetrator")
        return bool(pe and pd and not (pe & pd))

    def _other_victims(self, e: Draft, d: Draft) -> bool:
        named = {r.name for r in d.roles if r.role == "victim" and r.kind == "person"}
        theirs = {r.name for r in e.roles if r.role == "victim"}
        if not named or not theirs or named & theirs:
            return False
        # "15 people were killed ... three ministers were killed in the attack": named dead of a
        # group's greater toll, killed in the attack told before, are among them ("the death of
        # X" is a death of its own)
        back = any(t.token.pos_ != "VERB" and t.type != "killing"
                   and any(c.lower_ in self.anaphora and c.dep_ == "det" for c in t.token.children)
                   for t in d.triggers)
        among = back and e.count is not None and len(named) < (e.count.low or 0) and not any(
            r.role == "victim" and r.kind == "person" for r in e.roles)
        return not among

    def _additive(self, d: Draft) -> bool:
        """The clause says its dead come on top of others: "also", "too" on its verb, "more",
        "another" on its count."""
        c = d.count
        words = {k.lower_ for t in d.triggers for k in t.token.children if k.dep_ == "advmod"}
        if c is not None and c.noun is not None:
            words |= {k.lower_ for k in c.noun.children if k.dep_ in ("amod", "advmod", "det", "nummod")}
        return bool(words & self.additive_words) or bool(c is not None and c.more)

    @staticmethod
    def _add_count(e: Draft, d: Draft) -> None:
        """The event's toll grows by the clause's (its words stay the first figure's)."""
        a, b = e.count, d.count
        def plus(x, y):
            return None if x is None or y is None else x + y
        e.count = Count(plus(a.low, b.low), plus(a.best, b.best), plus(a.high, b.high), a.group, a.text, a.span,
                        a.noun, a.toll, a.more, a.tokens, a.summed, rule=f"{a.rule}+added")
        d.count = None

    @staticmethod
    def _absorb(a: Draft, b: Draft, keep_type: str | None = None) -> None:
        if keep_type:
            a.type = keep_type
        elif a.violent and b.violent and b.priority > a.priority and a.type in ("killing", "attack"):
            a.type, a.priority = b.type, b.priority
        for r in b.roles:
            if not any(o.name == r.name and o.role == r.role for o in a.roles):
                a.roles.append(r)
        if b.count is not None and (a.count is None or (b.count.toll and not b.cumulative)):
            a.count = b.count
        for p in b.places:
            if p not in a.places:
                a.places.append(p)
        if a.date is None:
            a.date = b.date
        a.implied_places = a.implied_places or b.implied_places
        a.mentions = sorted(set(a.mentions) | set(b.mentions))
        a.sents += [s for s in b.sents if s not in a.sents]
        a.tolls += b.tolls
        a.occurrences = max(a.occurrences, b.occurrences)
        a.anaphoric = a.anaphoric and b.anaphoric

    # ---------------------------------------------------------- component
    def __call__(self, doc: Doc) -> Doc:
        structure = doc.user_data.get(USER_STRUCTURE)
        pub = getattr(getattr(structure, "published", None), "date", None)
        index = ActorIndex.of(doc)
        published = getattr(structure, "published", None)
        ctx = Reading(doc.text, dateline=published.span if published and published.source == "dateline" else None)
        drafts = self._drafts(ctx, doc, index, pub)
        self._posts(doc, drafts, structure, index)
        events = [e for e in self._merge_all(ctx, drafts) if not e.cumulative]
        for e in events:
            if not e.places and e.implied_places:
                e.places = list(e.implied_places)
        for e in events:                              # "the killing of journalist X": one dead, named
            if e.count is None and e.violent:
                named = [r for r in e.roles if r.role == "victim" and r.kind == "person" and r.rule in self.death_rules]
                if named:
                    first = named[0].mentions[0] if named[0].mentions else None
                    whole = next((m for rec in doc._.wl_actors or [] if rec.name == named[0].name
                                  for m in rec.mentions if first and m[0] <= first[0] and first[1] <= m[1]), None)
                    first = whole or first
                    if first is not None:
                        e.count = Count(len(named), len(named), len(named), None, ctx.text[first[0]:first[1]], first,
                                        None, rule="named_dead")
        for e in events:
            # "six people were killed" in an ambush on peacekeepers: the peacekeepers are the dead
            generic = any(r.role == "victim" and r.name.lower() in self.generic_victims for r in e.roles)
            for r in [r for r in e.roles if r.role == "target"]:
                # a strike that kills, on civilians, kills civilians
                people = e.violent and e.count is not None and r.name.lower().split()[-1] in self.civilian_targets
                if (generic or people) and not any(o.name == r.name and o.role == "victim" for o in e.roles):
                    e.roles.append(RoleActor(r.name, "victim", r.mentions, r.actor_id, r.kind,
                                             "dead_are_targets" if generic else "people_hit_are_victims"))
        tallies = []
        found = self._tallies(ctx, doc, drafts, pub) + self._displaced(ctx, doc, pub)
        for t in sorted(found, key=lambda t: t["subject"] is None):
            if not any(o["value"] == t["value"] and o["span"] == t["span"] and o["measure"] == t["measure"]
                       for o in tallies):
                tallies.append(t)                     # one tally per figure and sentence
        doc._.wl_events = events
        doc._.wl_tallies = tallies
        return doc

    def _posts(self, doc: Doc, drafts: list[Draft], structure, index: ActorIndex) -> None:
        """A sentence ending in a colon introduces the post under it: a threat "issued on
        Twitter:" is dated by the post and aims at whom the post addresses."""
        for post in getattr(structure, "posts", None) or []:
            intro = next((d for d in drafts if 0 <= post.start - d.sent.end_char <= 2
                          and d.sent.text.rstrip().endswith(":")), None)
            if intro is None:
                continue
            if post.date and intro.date is None:
                intro.date = DateRange(post.date, post.date, "day", (post.start, post.end), None, rule="post_date")
            intro.mentions.append((post.text_start, post.text_start + len(post.text)))
            if intro.type == "threat" and not any(r.role == "target" for r in intro.roles):
                for rec in doc._.wl_actors or []:
                    hit = next(((s, e) for s, e in rec.mentions if post.text_start <= s < post.text_start + len(post.text)), None)
                    if hit and rec.kind not in ("state_agency",) and rec.name not in {r.name for r in intro.roles}:
                        intro.roles.append(RoleActor(rec.name, "target", [hit], rec.actor.id if rec.actor else None,
                                                     rec.kind, "target_named_in_post"))
                        break

    @staticmethod
    def _displaced(ctx: Reading, doc: Doc, pub: dt.date | None) -> list[dict]:
        """Running totals of the displaced, sentence by sentence (``nlp/displacement.py``)."""
        out = []
        for sent in doc.sents:
            for c in displaced_in(sent, ctx.text):
                out.append({
                    "subject": c.subject, "actor": None, "measure": "displaced", "group": c.group, "value": c.low,
                    "since": None, "as_of": pub.isoformat() if pub else None, "increment": None, "source": None,
                    "text": c.text, "text_span": list(c.span), "span": [sent.start_char, sent.end_char]})
        return out

    def _tallies(self, ctx: Reading, doc: Doc, drafts: list[Draft], pub: dt.date | None) -> list[dict]:
        out = []
        text = ctx.text
        for d in drafts:
            cum = [c for c in (d.count,) if c is not None and d.cumulative]
            for c in [*d.tolls, *cum]:
                since = None
                for rng in (r for r in ctx.dates if d.sent.start_char <= r.span[0] < d.sent.end_char):
                    if "since" in text[max(d.sent.start_char, rng.span[0] - 6):rng.span[0]].lower():
                        since = rng.start
                victims = sorted((r for r in d.roles if r.role == "victim"), key=lambda r: r.kind is None)
                perps = [r for r in d.roles if r.role == "perpetrator"]
                subject = victims[0].name if victims else (d.places[0].name if d.places else c.group)
                increment = d.count.low if d.count is not None and d.count is not c and d.count.more else None
                if increment is None:
                    more = next((k for k in counts_in(d.sent, text) if k.more and k is not c), None)
                    increment = more.low if more else None
                at = doc.char_span(c.span[0], c.span[1], alignment_mode="expand")
                sent = at.sent if at is not None else d.sent
                out.append({
                    "subject": subject, "actor": perps[0].name if perps else None, "measure": "killed",
                    "group": c.group or (victims[0].name if victims else None), "value": c.low,
                    "since": since.isoformat() if since else None,
                    "as_of": (d.date.end.isoformat() if d.date and d.date.end else (pub.isoformat() if pub else None)),
                    "increment": increment, "source": None, "text": c.text, "text_span": list(c.span),
                    "span": [sent.start_char, sent.end_char]})
        return out


def _word_number(word: str) -> int:
    from ..fatalities import lexicon as qlex
    value = qlex()["number_words"].get(word)
    if value is None:
        raise ValueError(word)
    return value
