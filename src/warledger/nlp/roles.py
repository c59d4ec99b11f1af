"""Who did what to whom, from the dependency parse: perpetrator, target, victim, participant.

  - a verb trigger's active subject is the perpetrator ("Gunmen attacked"); when that subject
    is itself an event noun ("an air strike killed 11"), the noun's owner is ("a coalition air
    strike");
  - a passive trigger's agent is ("were killed by militants");
  - a noun trigger's possessor, adjective or compound is ("Russia's bombing", "Russian attacks",
    "its killing" — a pronoun takes the actor it stands for);
  - the object of kill, the subject of "were killed", "the deaths of X", "X dead" are the victims;
  - "attacks on hospitals", "ambush on a convoy" name the target;
  - for talks, agreements and statements the subject and its partners are participants.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..vocab import PARTICIPANT_TYPES
from .fatalities import lexicon as quantity_lexicon

PRONOUNS = frozenset({"its", "their", "it", "they", "his", "her"})
KILL_LEMMAS = frozenset({"kill", "die", "execute", "slay", "murder", "perish"})
LAUNCH_LEMMAS = frozenset({"launch", "carry", "conduct", "stage", "claim", "mount", "issue", "make", "unleash", "fire",
                           "drop", "continue", "step", "intensify", "use", "deploy", "send", "begin", "resume"})
BLAME_LEMMAS = frozenset({"blame", "accuse", "suspect", "hold"})
CONTAINERS = frozenset({"convoy", "group", "patrol", "team", "unit", "column", "bus", "car", "vehicle", "base", "camp",
                        "checkpoint", "post", "position", "positions"})
CROWDS = frozenset({"crowd", "crowds", "gathering", "group", "queue", "line", "funeral", "wedding", "market", "mosque",
                    "church", "school"})
NON_VIOLENT = PARTICIPANT_TYPES          # types whose agent takes part rather than perpetrates


@dataclass
class RoleActor:
    name: str
    role: str
    mentions: list[tuple[int, int]]
    actor_id: str | None = None
    kind: str | None = None


class ActorIndex:
    """Actor records by token, for one document (``ActorIndex.of`` builds it once per Doc)."""

    @classmethod
    def of(cls, doc: Doc) -> ActorIndex:
        cached = doc.user_data.get("wl_actor_index")
        if cached is None or cached[0] is not doc._.wl_actors:
            cached = (doc._.wl_actors, cls(doc))
            doc.user_data["wl_actor_index"] = cached
        return cached[1]

    def __init__(self, doc: Doc):
        self.doc = doc
        self.by_token: dict[int, object] = {}
        self.order: list[tuple[int, object]] = []
        for rec in doc._.wl_actors or []:
            for s, e in rec.mentions:
                span = doc.char_span(s, e, alignment_mode="expand")
                if span is None:
                    continue
                for i in range(span.start, span.end):
                    self.by_token[i] = rec
                self.order.append((span.start, rec))
        self.order.sort(key=lambda x: x[0])

    def at(self, tok: Token):
        return self.by_token.get(tok.i)

    def in_phrase(self, noun: Token):
        """The actor named by a noun phrase: the noun itself, or its compound/adjective/possessor."""
        rec = self.at(noun)
        if rec is not None:
            return rec, noun
        for child in noun.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod") and self.at(child) is not None:
                return self.at(child), child
        return None, None

    def before(self, i: int, kinds: tuple[str, ...] | None = None):
        """The last actor named before token i (for pronouns)."""
        for start, rec in reversed(self.order):
            if start < i and (kinds is None or rec.kind in kinds):
                return rec
        return None


def _rec_role(rec, role: str, tok: Token) -> RoleActor:
    actor = getattr(rec, "actor", None)
    return RoleActor(rec.name, role, [(tok.idx, tok.idx + len(tok.text))] if tok is not None else [],
                     actor.id if actor else None, rec.kind)


def _group(noun: Token, role: str) -> RoleActor | None:
    """A group noun ("civilians", "police cadets") as an unregistered role-holder; "members of
    a militia" is the militia."""
    if noun.lower_ in ("members", "member", "most", "some", "many", "all") :
        of = next((g for k in noun.children if k.lower_ == "of" for g in k.children), None)
        if of is not None:
            noun = of
    if noun.lower_ not in quantity_lexicon()["victims"] and noun.lemma_.lower() not in quantity_lexicon()["victims"]:
        return None
    left = [c for c in noun.lefts if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ", "PROPN")
            and c.lower_ not in ("more", "other", "several", "many")]
    start = left[0] if left else noun
    text = noun.doc[start.i:noun.i + 1].text
    return RoleActor(text, role, [(start.idx, noun.idx + len(noun.text))])


def _holder(index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
    rec, tok = index.in_phrase(noun)
    if rec is not None:
        return _rec_role(rec, role, tok)
    if role == "target" and noun.pos_ == "PROPN" and noun.ent_type_ in ("FAC", "ORG", "GPE", "LOC", ""):
        # a named facility or place attacked ("Camp Integrity") is the target by its name
        start = min((c for c in noun.subtree if c.dep_ == "compound" or c is noun), key=lambda c: c.i)
        return RoleActor(noun.doc[start.i:noun.i + 1].text, role, [(start.idx, noun.idx + len(noun.text))])
    if noun.lower_ in PRONOUNS:
        # "Facing ... its killing ..., Russia lashed out": a pronoun before the main subject
        # stands for it; otherwise for the last conflict actor named before it
        root = noun.sent.root
        subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        rec = index.at(subj) if subj is not None and subj.i > noun.i else None
        if rec is None:
            rec = index.before(noun.i, ("state", "armed_forces", "armed_group", "government", "state_agency"))
        if rec is not None:
            return _rec_role(rec, role, noun)
    return _group(noun, role)


def roles_for(index: ActorIndex, trig_tok: Token, etype: str, event_nouns: set[int]) -> list[RoleActor]:
    out: list[RoleActor] = []
    tok = trig_tok
    kids = list(tok.children)

    def add(ra: RoleActor | None) -> None:
        if ra is not None and not any(o.name == ra.name and o.role == ra.role for o in out):
            out.append(ra)

    agent_role = "participant" if etype in NON_VIOLENT else "perpetrator"
    if tok.pos_ in ("VERB", "AUX"):
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in kids)
        # a headline's "4 More Troops Killed": a bare past participle with no object is passive
        at_end = all(t.is_punct or t.is_space for t in tok.doc[tok.i + 1:tok.sent.end])
        if ((tok.tag_ == "VBN" or at_end) and not any(c.dep_ in ("aux", "dobj") for c in kids)
                and tok.lemma_.lower() in KILL_LEMMAS):
            passive = True
            for c in kids:
                if c.dep_ == "nsubj":
                    add(_holder(index, c, "victim"))
        for c in kids:
            if c.dep_ == "nsubj" and not passive and c.lower_ in ("that", "which", "who") and tok.dep_ in ("relcl", "acl"):
                owner = tok.head                              # "a French-led campaign that liberated": its owner
                for m in owner.children:
                    if m.dep_ in ("compound", "amod", "poss", "nmod"):
                        for t in m.subtree:
                            rec = index.at(t)
                            if rec is not None:
                                add(_rec_role(rec, agent_role, t))
                                break
            elif c.dep_ == "nsubj" and not passive:
                if c.i in event_nouns:                       # "an air strike killed": the strike's owner
                    for m in c.children:
                        if m.dep_ in ("compound", "amod", "poss", "nmod"):
                            add(_holder(index, m, agent_role))
                    for m in c.children:
                        if m.dep_ == "prep" and m.lower_ == "by":
                            for p in m.children:
                                add(_holder(index, p, agent_role))
                else:
                    add(_holder(index, c, agent_role))
            elif c.dep_ == "agent":
                for p in c.children:
                    add(_holder(index, p, agent_role))
            elif c.dep_ in ("dobj", "nsubjpass") and tok.lemma_.lower() in KILL_LEMMAS:
                add(_holder(index, c, "victim"))
                for conj in c.conjuncts:
                    add(_holder(index, conj, "victim"))
            elif c.dep_ == "dobj" and etype not in NON_VIOLENT and c.i not in event_nouns:
                add(_holder(index, c, "target"))
            elif c.dep_ == "prep" and c.lower_ == "from" and etype == "territory_capture":
                for p in c.children:                          # "liberated the north from the rebels"
                    add(_holder(index, p, "target"))
            elif c.dep_ == "prep" and c.lower_ in ("in", "among", "into") and etype in ("bombing", "attack", "shelling"):
                for p in c.children:                          # "blew himself up in a crowd of cadets"
                    if p.lemma_.lower() in CROWDS:
                        for k in p.children:
                            if k.lower_ == "of":
                                for g in k.children:
                                    add(_holder(index, g, "victim"))
            elif c.dep_ == "prep" and c.lower_ in ("with", "against") and etype in ("armed_clash", "negotiation", "agreement"):
                for p in c.children:
                    add(_holder(index, p, "participant" if etype in NON_VIOLENT else "target"))
        if tok.lemma_.lower() in ("die",):
            subj = next((c for c in kids if c.dep_ == "nsubj"), None)
            if subj is not None:
                out[:] = [o for o in out if o.role != "perpetrator"]
                add(_holder(index, subj, "victim"))
    else:
        for c in kids:
            if c.dep_ in ("poss", "amod", "compound", "nmod"):
                ra = _holder(index, c, agent_role)
                if ra is not None and ra.kind is not None:          # only registered actors own an event
                    add(ra)
            elif c.dep_ == "prep" and c.lower_ == "by":
                for p in c.children:
                    add(_holder(index, p, agent_role))
            elif c.dep_ == "prep" and c.lower_ in ("on", "against", "targeting") and etype not in NON_VIOLENT:
                for p in c.children:
                    # "an ambush on a convoy of peacekeepers": the convoy's people are the target
                    if p.lemma_.lower() in CONTAINERS:
                        p = next((g for k in p.children if k.lower_ == "of" for g in k.children), p)
                    ra = _holder(index, p, "target")
                    if ra is not None and not (c.lower_ == "on" and ra.kind == "media"):
                        add(ra)                              # "a threat on Twitter" aims at no one there
            elif c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_.lower() in ("death", "killing", "execution"):
                for p in c.children:
                    add(_holder(index, p, "victim"))
            elif c.dep_ == "prep" and c.lower_ in ("with", "between") and etype in ("negotiation", "armed_clash", "agreement"):
                for p in c.children:
                    add(_holder(index, p, "participant"))
                    for conj in p.conjuncts:
                        add(_holder(index, conj, "participant"))
        # "launched an attack", "claimed responsibility for the bombing", "issued a threat":
        # the verb's subject; "blamed al-Qaida for the attacks": the verb's object
        head = tok.head
        verb = head if head.pos_ in ("VERB", "AUX") else head.head if head.dep_ == "prep" else None
        if verb is not None and tok.dep_ in ("dobj", "pobj", "attr"):
            lemma = verb.lemma_.lower()
            if lemma in BLAME_LEMMAS and head.lower_ in ("for", "of"):
                for c in verb.children:
                    if c.dep_ == "dobj":
                        add(_holder(index, c, agent_role))
            elif lemma in LAUNCH_LEMMAS:
                # "continued dropping barrel bombs", "claimed responsibility for sending in bombers":
                # the subject of the verb the chain hangs on
                v, steps = verb, 0
                while (v is not None and steps < 5 and not any(c.dep_ == "nsubj" for c in v.children)
                       and v.dep_ in ("xcomp", "conj", "pcomp", "pobj", "prep", "dobj", "advcl")):
                    v, steps = v.head, steps + 1
                for c in (v.children if v is not None else []):
                    if c.dep_ == "nsubj":
                        add(_holder(index, c, agent_role))
            elif head.lower_ == "behind" and verb.lemma_.lower() == "be":
                for c in verb.children:                       # "it was behind Saturday's explosion"
                    if c.dep_ == "nsubj":
                        add(_holder(index, c, agent_role))
            elif head.lower_ == "for" and head.head.lemma_.lower() == "responsibility":
                claim = head.head.head
                for c in claim.children:
                    if c.dep_ == "nsubj":
                        add(_holder(index, c, agent_role))
        if tok.lower_ == "dead" and tok.dep_ != "pobj":       # "200 civilians dead"
            add(_holder(index, tok.head, "victim"))
        if tok.lower_ == "dead":                              # "most of the dead were members of a militia"
            cop = tok.head.head if tok.head.lower_ == "of" else tok.head
            subj_of = cop.head if cop.dep_ in ("nsubj", "nsubjpass") else None
            if subj_of is not None and subj_of.lemma_.lower() == "be":
                for c in subj_of.children:
                    if c.dep_ == "attr":
                        add(_holder(index, c, "victim"))
        # "talks with the opposition" as the object of "ready for": the clause subject takes part
        if etype in NON_VIOLENT and not any(o.role == "participant" for o in out):
            verb = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if verb is not None:
                for c in verb.children:
                    if c.dep_ in ("nsubj", "nsubjpass"):
                        add(_holder(index, c, "participant"))
    return out
