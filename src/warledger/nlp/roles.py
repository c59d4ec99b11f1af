"""Who did what to whom: perpetrator, target, victim, participant, by the rules in
``patterns/roles.yaml``.

The rules are spaCy ``DependencyMatcher`` patterns anchored at an event's trigger token,
matched from the trigger outwards (``nlp/anchored.py``) once per trigger and Doc; the matches
are kept on the Doc (``doc.user_data["wl_role_matches"]``, by anchor token), never on the
component. A trigger takes its matches stage by stage (``stages`` in the yaml; a by-child stage
goes through the trigger's children in the order the parse gives them, and within one child,
in file order). A matched token becomes a role-holder as the yaml's ``holder`` section says (a
registered actor, a named target, a pronoun's actor, a group noun); each role keeps the name of
the rule that gave it (``RoleActor.rule``). The few steps a pattern cannot say (``steps`` in
the yaml: ``passive``, ``headline_participle``, ``climb_to_subject``, ``nearest_verb_subjects``)
are the functions of the same names below.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..vocab import EVENT_TYPES
from .anchored import AnchoredMatcher
from .extensions import USER_ROLE_MATCHES
from .fatalities import lexicon as quantity_lexicon
from .role_patterns import RolePattern, RolePatterns


@dataclass
class RoleActor:
    name: str
    role: str
    mentions: list[tuple[int, int]]
    actor_id: str | None = None
    kind: str | None = None
    rule: str | None = None          # the roles.yaml pattern that gave the role


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

    def in_phrase(self, noun: Token, deps: tuple[str, ...] = ("compound", "amod", "poss", "nmod")):
        """The actor named by a noun phrase: the noun itself, or its compound/adjective/possessor."""
        rec = self.at(noun)
        if rec is not None:
            return rec, noun
        for child in noun.children:
            if child.dep_ in deps and self.at(child) is not None:
                return self.at(child), child
        return None, None

    def before(self, i: int, kinds: tuple[str, ...] | None = None):
        """The last actor named before token i (for pronouns)."""
        for start, rec in reversed(self.order):
            if start < i and (kinds is None or rec.kind in kinds):
                return rec
        return None


def _hyphened(tok: Token) -> bool:
    """A participle joined by a hyphen to the name before it ("al-Qaida-linked", "Iran-backed")."""
    doc = tok.doc
    return (tok.pos_ == "VERB" and tok.tag_ == "VBN" and tok.i >= 2 and doc[tok.i - 1].text == "-"
            and not doc[tok.i - 1].whitespace_ and not doc[tok.i - 2].whitespace_
            and any(c.i < tok.i for c in tok.children))


def _rec_role(rec, role: str, tok: Token | None, rule: str | None = None) -> RoleActor:
    actor = getattr(rec, "actor", None)
    return RoleActor(rec.name, role, [_mention_at(rec, tok)] if tok is not None else [],
                     actor.id if actor else None, rec.kind, rule)


def _mention_at(rec, tok: Token) -> tuple[int, int]:
    """Where the actor is named at ``tok``: its whole mention holding the token ("Bashar al-Assad",
    not the parse's head word "Assad" or a hyphen), else the token itself."""
    for s, e in getattr(rec, "mentions", None) or ():
        if s <= tok.idx < e:
            return s, e
    return tok.idx, tok.idx + len(tok.text)


# ---------------------------------------------------------------------- steps (roles.yaml `steps`)
def passive(tok: Token, steps: dict) -> bool:
    """The trigger is passive: a passive subject or auxiliary, or a headline's bare participle."""
    deps = steps["passive"]["child_deps"]
    return any(c.dep_ in deps for c in tok.children) or headline_participle(tok, steps)


def headline_participle(tok: Token, steps: dict) -> bool:
    """"4 More Troops Killed": a kill verb's past participle (or the last word of its sentence)
    with no auxiliary or object."""
    p = steps["headline_participle"]
    at_end = all(t.is_punct or t.is_space for t in tok.doc[tok.i + 1:tok.sent.end])
    return ((tok.tag_ in p["tags"] or at_end) and not any(c.dep_ in p["unless_child_deps"] for c in tok.children)
            and tok.lemma_.lower() in p["lemmas"])


def climb_to_subject(verb: Token, steps: dict) -> list[Token]:
    """Up a chain of xcomp/conj/prep... (a few steps) to the first verb with a subject: its subjects."""
    p = steps["climb_to_subject"]
    subj = p["subject_deps"]
    v: Token | None = verb
    n = 0
    while (v is not None and n < p["max_steps"] and not any(c.dep_ in subj for c in v.children)
           and v.dep_ in p["through"]):
        v, n = v.head, n + 1
    return [c for c in (v.children if v is not None else []) if c.dep_ in subj]


def nearest_verb_subjects(tok: Token, steps: dict) -> list[Token]:
    """The subjects of the nearest verb above the trigger."""
    p = steps["nearest_verb_subjects"]
    verb = next((a for a in tok.ancestors if a.pos_ in p["pos"]), None)
    return [c for c in verb.children if c.dep_ in p["subject_deps"]] if verb is not None else []


HOLDER_STEPS = {"climb_to_subject": climb_to_subject, "nearest_verb_subjects": nearest_verb_subjects}


# ---------------------------------------------------------------------- the rules
class RoleFinder:
    """The role rules of one ``RolePatterns``, compiled into one ``AnchoredMatcher``. Keeps no
    per-document state: the matches live on the Doc."""

    def __init__(self, nlp: Language, patterns: RolePatterns):
        self.data = patterns
        self.patterns = patterns.patterns
        self.steps = patterns.steps
        self.matcher = AnchoredMatcher(nlp.vocab)
        for n, pat in enumerate(self.patterns):
            self.matcher.add(n, pat.patterns)
        # the rules each event type may take (their `types` and `agent` conditions)
        self._by_type = {t: frozenset(n for n, p in enumerate(self.patterns)
                                      if (p.types is None or t in p.types) and (p.agent is None or spec.agent == p.agent))
                         for t, spec in EVENT_TYPES.items()}
        self.order_of = tuple(p.stage for p in self.patterns)
        self.by_child = tuple(p.by_child for p in self.patterns)
        h = patterns.holder
        self.order = tuple(h["order"])
        self.modifier_deps = tuple(h["actor"]["modifier_deps"])
        self.named = h["named_target"]
        self.none_words = frozenset(h["none_words"])
        self.possessed = h["possessed"]
        self.side_nouns = frozenset(self.possessed["nouns"])
        self.pronoun = h["pronoun"]
        self.pronouns = frozenset(self.pronoun["words"])
        self.group = h["group"]
        self.quantifiers = frozenset(self.group["quantifiers"])
        self.via = frozenset(self.group["via"])
        self.skip_modifiers = frozenset(self.group["skip_modifiers"])
        self.containers = patterns.words("containers")

    def words(self, name: str) -> frozenset[str]:
        return self.data.words(name)

    # ------------------------------------------------------------ matches, once per trigger and Doc
    def matches(self, anchor: Token) -> list[tuple[int, tuple[int, ...]]]:
        """(pattern index, token ids) of every match anchored at a trigger, in the order the rules
        apply: by stage, then (in a by-child stage) by the trigger's child, then in file order.
        Found once per token and Doc, and kept on the Doc, by anchor token."""
        doc = anchor.doc
        cached = doc.user_data.get(USER_ROLE_MATCHES)
        if cached is None or cached[0] is not self.matcher:
            cached = doc.user_data[USER_ROLE_MATCHES] = (self.matcher, {})
        found = cached[1].get(anchor.i)
        if found is None:
            order = self.order_of
            keyed = sorted((order[n], ids[1] if self.by_child[n] else -1, n, ids) for n, ids in self.matcher.at(anchor))
            found = cached[1][anchor.i] = [(n, ids) for _, _, n, ids in keyed]
        return found

    # ------------------------------------------------------------ roles of one trigger
    def roles_for(self, index: ActorIndex, trig: Token, etype: str, event_nouns: set[int]) -> list[RoleActor]:
        """The roles the rules give for one trigger of an event of type ``etype`` (``event_nouns``:
        the token ids of the event's trigger nouns)."""
        out: list[RoleActor] = []
        is_passive: bool | None = None
        done: set[int] = set()
        agent = EVENT_TYPES[etype].agent
        allowed = self._by_type[etype]
        for n, ids in self.matches(trig):
            if n not in allowed or n in done:
                continue
            pat = self.patterns[n]
            if pat.voice is not None:
                if is_passive is None:
                    is_passive = passive(trig, self.steps)
                if is_passive != (pat.voice == "passive"):
                    continue
            if pat.headline_participle is not None and headline_participle(trig, self.steps) != pat.headline_participle:
                continue
            if any((ids[k] in event_nouns) != wanted for k, wanted in pat.event_noun):
                continue
            if pat.options.get("unless_role") and any(o.role == pat.options["unless_role"] for o in out):
                continue
            if pat.options.get("first_only"):
                done.add(n)
            self._apply(pat, ids, index, trig.doc, agent, out)
        return out

    def _apply(self, pat: RolePattern, ids: tuple[int, ...], index: ActorIndex, doc: Doc, agent: str,
               out: list[RoleActor]) -> None:
        role = agent if pat.role == "agent" else pat.role
        opts = pat.options
        if opts.get("drops"):
            out[:] = [o for o in out if o.role not in opts["drops"]]
        tok = doc[ids[pat.nodes.index(pat.holder)]]
        if pat.how is None:
            toks = [tok]
        elif pat.how == "children_of":
            toks = list(tok.children)
        elif pat.how == "head_of":
            toks = [tok.head]
        else:
            toks = HOLDER_STEPS[pat.how](tok, self.steps)
        if opts.get("conjuncts"):
            toks = [t for tok in toks for t in (tok, *tok.conjuncts)]
        for t in toks:
            if opts.get("first_actor_in_subtree"):
                ra = next((_rec_role(index.at(s), role, s) for s in t.subtree if index.at(s) is not None), None)
            else:
                if opts.get("unwrap_container") and t.lemma_.lower() in self.containers:
                    t = self._held(t) or t
                ra = self.holder(index, t, role)
            if ra is None:
                continue
            if opts.get("registered_only") and ra.kind is None:
                continue
            if ra.kind is not None and ra.kind in (opts.get("except_kinds") or ()):
                continue
            if not any(o.name == ra.name and o.role == ra.role for o in out):
                ra.rule = pat.name
                out.append(ra)

    # ------------------------------------------------------------ holders (roles.yaml `holder`)
    def _held(self, noun: Token) -> Token | None:
        """What a container or quantifier noun holds: "a convoy of peacekeepers", "members of X"."""
        return next((g for k in noun.children if k.lower_ in self.via for g in k.children), None)

    def holder(self, index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
        if noun.like_num:                                # "killed 42 of its troops": what the number counts
            noun = self._held(noun) or noun
        if any(c.dep_ == "det" and c.lower_ in self.none_words for c in noun.children):
            return None                                  # "no civilians were killed", "(no sign) any were"
        for way in self.order:
            ra = getattr(self, f"_by_{way}")(index, noun, role)
            if ra is not None:
                return ra
        return None

    def _by_actor(self, index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
        rec, tok = index.in_phrase(noun, self.modifier_deps)
        if rec is None and (noun.lemma_.lower() in self.side_nouns or noun.lower_ in self.side_nouns):
            # "fighters of the Front", "members of the militia": the side they are of
            of = next((p for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                       for p in c.children if p.dep_ == "pobj"), None)
            if of is not None:
                rec, tok = index.in_phrase(of, self.modifier_deps)
                if rec is not None and getattr(rec, "kind", None) not in self.possessed["antecedent_kinds"]:
                    rec = None
        if rec is None:
            return None
        if tok is not noun and tok.dep_ == "poss" and (noun.lemma_.lower() in self.side_nouns
                                                       or noun.lower_ in self.side_nouns) \
                and not any(c.dep_ in ("compound", "amod") for c in noun.children):
            # ("the president's party members", "his family members" are no troops)
            side = self._side_of(rec)
            if side is not None:                 # "the president's troops": the side he leads
                return RoleActor(side.name, role, [_mention_at(rec, tok)], side.id, side.kind)
        return _rec_role(rec, role, tok)

    def _side_of(self, rec):
        """The side a named person's troops belong to: the registry's affiliation of the person
        (a state's forces for a state, its government or a ministry); None for anyone else."""
        actor = getattr(rec, "actor", None)
        if actor is None or actor.kind != "person" or not actor.affiliation:
            return None
        from ..resolve.registry import load_registry
        reg = load_registry()
        aff = reg.actors.get(actor.affiliation)
        if aff is None:
            return None
        if aff.kind in self.possessed["state_kinds"]:
            return reg.organ(reg.state_of(aff) or aff.id, "forces") or aff
        return aff

    def _by_possessed(self, index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
        """"its troops", "their fighters": the side the possessive pronoun stands for — the
        speaker whose report the clause is ("the ministry said militants killed 42 of its troops"),
        else the last conflict actor named before it; a state, its government or a ministry stands
        for the state's forces."""
        p = self.possessed
        if noun.lemma_.lower() not in self.side_nouns and noun.lower_ not in self.side_nouns:
            return None
        poss = next((c for c in noun.children if c.dep_ == "poss" and c.lower_ in p["pronouns"]), None)
        if poss is None:
            return None
        rec = None
        for anc in noun.ancestors:                        # up to the clause a reporting verb governs
            if anc.dep_ in p["speech_deps"]:
                subj = next((c for c in anc.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is not None:
                    rec, _ = index.in_phrase(subj, self.modifier_deps)
                break
        if rec is None:
            rec = index.before(poss.i, tuple(p["antecedent_kinds"]))
        if rec is None:
            return None
        actor = getattr(rec, "actor", None)
        if actor is not None and actor.kind in self.possessed["state_kinds"]:
            from ..resolve.registry import load_registry
            reg = load_registry()
            forces = reg.organ(reg.state_of(actor) or actor.id, "forces")
            if forces is not None:
                span = (noun.idx, noun.idx + len(noun.text))
                return RoleActor(forces.name, role, [span], forces.id, forces.kind)
        return _rec_role(rec, role, noun)

    def _by_named_target(self, index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
        """A named facility or place attacked ("Camp Integrity") is the target by its name."""
        p = self.named
        if role not in p["roles"] or noun.pos_ not in p["pos"] or noun.ent_type_ not in p["ent_types"]:
            return None
        start = min((c for c in noun.subtree if c.dep_ == "compound" or c is noun), key=lambda c: c.i)
        return RoleActor(noun.doc[start.i:noun.i + 1].text, role, [(start.idx, noun.idx + len(noun.text))])

    def _by_pronoun(self, index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
        """"Facing ... its killing ..., Russia lashed out": a pronoun before the main subject stands
        for it; the subject of what a speaker says ("the army says it shelled") for the speaker;
        otherwise the last conflict actor named before it."""
        if noun.lower_ not in self.pronouns:
            return None
        root = noun.sent.root
        subj = next((c for c in root.children if c.dep_ in self.pronoun["subject_deps"]), None)
        rec = index.at(subj) if subj is not None and subj.i > noun.i else None
        if rec is None and noun.dep_ in self.pronoun["subject_deps"] and noun.head.dep_ in self.possessed["speech_deps"]:
            # "the army says it shelled the town": the subject of what a speaker says is the speaker
            speaker = next((c for c in noun.head.head.children if c.dep_ in self.pronoun["subject_deps"]), None)
            if speaker is not None:
                rec, _ = index.in_phrase(speaker, self.modifier_deps)
                rec = rec if rec is not None and rec.kind in self.pronoun["antecedent_kinds"] else None
        if rec is None:
            rec = index.before(noun.i, tuple(self.pronoun["antecedent_kinds"]))
        return _rec_role(rec, role, noun) if rec is not None else None

    def _by_group(self, index: ActorIndex, noun: Token, role: str) -> RoleActor | None:
        """A group noun ("civilians", "police cadets") as an unregistered role-holder; "members of
        a militia" is the militia."""
        p = self.group
        if noun.lower_ in self.quantifiers:
            noun = self._held(noun) or noun
        victims = quantity_lexicon()["victims"]
        if noun.lower_ not in victims and noun.lemma_.lower() not in victims:
            return None
        left = [c for c in noun.lefts if c.dep_ in p["modifier_deps"] and (c.pos_ in p["modifier_pos"] or _hyphened(c))
                and c.lower_ not in self.skip_modifiers and c.ent_type_ not in ("DATE", "TIME")]
        # ("said Thursday troops moved in": the day is no part of the group's name)
        start = left[0] if left else noun
        if _hyphened(start):                             # "al-Qaida-linked fighters": the group keeps its tie
            start = min(start.subtree, key=lambda t: t.i)
        elif start.dep_ == "compound":                   # "Boko Haram militants": a name of several words
            start = min((t for t in start.subtree if t.dep_ == "compound" or t is start), key=lambda t: t.i)
        doc = noun.doc
        while (start.i >= 2 and doc[start.i - 1].text == "-" and not doc[start.i - 1].whitespace_
               and not doc[start.i - 2].whitespace_ and doc[start.i - 2].is_alpha):
            start = doc[start.i - 2]                     # "long-range bombers", never "range bombers"
        return RoleActor(doc[start.i:noun.i + 1].text, role, [(start.idx, noun.idx + len(noun.text))])
