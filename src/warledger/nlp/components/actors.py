"""ActorTagger: canonical actors from the registry, with every mention.

The cascade (later steps see only what earlier ones left):
  1. registry aliases through phrase matchers: case-folded for names, exact case for acronyms
     and handles ("US" is not "us"), diacritics folded ("Medecins" = "Médecins"); the longest
     match wins an overlap;
  2. capitals as their state, only where they act or speak (subject, agent, possessor) and the
     place stage did not read them as a scene;
  3. demonyms as their state ("Russian bombings" → Russia; "Iranian troops" is an alias of
     Iran's armed forces and matched in step 1);
  4. authors and handles of embedded posts;
  5. descriptions read by context: "the Defense Ministry" → the ministry of the state the
     story is about (the state its actors belong to most), "the organization" → the NGO last
     named before it;
  6. NER organisations, people and groups the registry lacks: a misspelt alias by fuzzy match,
     else kept with a guessed kind and no affiliation.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...resolve.names import fold
from ...resolve.registry import Actor, Registry
from ..extensions import SPANS_ACTORS, SPANS_BLOCKS, SPANS_PLACES, USER_STRUCTURE
from ..lexicons import load

_NER_KINDS = {"ORG": "group", "PERSON": "person", "NORP": "group"}
_ACTING_DEPS = ("nsubj", "nsubjpass", "poss")


@dataclass
class ActorRecord:
    actor: Actor | None
    name: str
    kind: str
    inter: int | None
    affiliation: str | None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    via: list[str] = field(default_factory=list)
    country: str | None = None          # a group's country ("Malian herders": ML)


def _whole_name(ent: Span) -> Span:
    """A person's name the entity cuts short: "Mohamed Hussein" of "Mohamed Hussein Isaak told",
    where the parse makes the name's words compounds of a last proper noun outside the entity
    (a word of it the recogniser took for a nationality or another name included)."""
    doc, end = ent.doc, ent.end
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].ent_type_ in ("", "NORP", "PERSON") \
            and doc[end - 1].dep_ == "compound" and doc[end - 1].head.i >= end and doc[end].is_title:
        end += 1
    return ent if end == ent.end else Span(doc, ent.start, end, label=ent.label_)


def _on_word_bounds(ent: Span) -> bool:
    """Whether an entity begins and ends where words do, and ends on a letter, a digit or a
    closing mark: "mm" of "330mm", "km/h" of "290km/h", "Name/" of a credit "Name/AGENCY" are
    pieces the recogniser cut from a longer string, no actor."""
    text, s, e = ent.doc.text, ent.start_char, ent.end_char
    if (s and text[s - 1].isalnum()) or (e < len(text) and text[e].isalnum()):
        return False
    return text[e - 1].isalnum() or text[e - 1] in ".)'’\""


def _case_sensitive(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return alias.startswith("@") or (bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6)


class ActorTagger:
    def __init__(self, nlp: Language, name: str, registry: Registry):
        self.name = name
        self.reg = registry
        self.by_case = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")   # aliases, capitals and descriptions
        cased, lowered = {}, {}
        for actor in registry.actors.values():
            for alias in (actor.name, *actor.aliases):
                key = fold(alias)
                if _case_sensitive(alias):
                    cased.setdefault(key, set()).add(alias)
                else:
                    lowered.setdefault(key, set()).update({alias, key})
        # a one-word name the registry writes capitalised is matched only where the text does ("the
        # island", "a turkey farm", "at dawn" are no Iceland, no Turkey, no newspaper); longer names
        # and descriptions ("regime forces", "the coalition") match in any case
        self.proper = {key for key, forms in lowered.items()
                       if " " not in key and "-" not in key and any(f != key for f in forms)
                       and all(f[:1].isupper() for f in forms if f != key)}
        for table, matcher in ((cased, self.by_case), (lowered, self.by_lower)):
            for key, forms in table.items():
                matcher.add(key, list(nlp.tokenizer.pipe(sorted(forms))))
        for cap, state in registry.capitals.items():
            self.by_lower.add("capital:" + state, [nlp.make_doc(cap)])
        for k, d in enumerate(registry.descriptions):
            self.by_lower.add(f"desc{k}", list(nlp.tokenizer.pipe(d["phrases"])))
        self.group_nouns = frozenset(load("actors.yaml")["group_nouns"])
        self.strings = nlp.vocab.strings

    # ---------------------------------------------------------- steps
    def _aliases(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.by_case, self.by_lower):
            for match_id, s, e in matcher(doc):
                label = self.strings[match_id]
                if matcher is self.by_lower and (label in self.proper or label.startswith("capital:")) \
                        and not doc[s].text[:1].isupper():
                    continue
                spans.append(Span(doc, s, e, label=label))
        return spans

    def _acts(self, span: Span) -> bool:
        root = span.root
        if root.dep_ in _ACTING_DEPS:
            return True
        if root.dep_ == "pobj" and root.head.lower_ == "by":
            return True
        return span.end < len(span.doc) and span.doc[span.end].text in ("'s", "’s")

    def _resolve(self, key: str, context: Counter) -> Actor | None:
        ids = self.reg.index.get(key) or self.reg.ambiguous.get(key, [])
        if len(ids) == 1:
            return self.reg.actors[ids[0]]
        ranked = sorted(ids, key=lambda i: -context.get(self.reg.state_of(self.reg.actors[i]) or i, 0))
        if ranked and context.get(self.reg.state_of(self.reg.actors[ranked[0]]) or ranked[0], 0):
            return self.reg.actors[ranked[0]]
        return None                                     # ambiguous and nothing in the story decides

    def __call__(self, doc: Doc) -> Doc:
        nav = [(b.start, b.end) for b in doc.spans.get(SPANS_BLOCKS, []) if b.label_ == "navigation"]
        places = [(p.start, p.end) for p in doc.spans.get(SPANS_PLACES, [])]

        def usable(s: Span) -> bool:
            return not any(a <= s.start < b for a, b in nav)

        found: list[tuple[Span, Actor | None, str]] = []   # span, actor, how
        candidates = []
        for span in self._aliases(doc):
            if not usable(span):
                continue
            if span.label_.startswith("capital:") and ((span.start, span.end) in places or not self._acts(span)):
                continue                                # a capital as the scene, not the state
            candidates.append(span)
        demonyms = self.reg.demonyms
        for tok in doc:
            state = demonyms.get(tok.lower_)
            if not state and tok.ent_type_ != "NORP":
                continue                                # neither a nationality nor an identity
            group = self._group_of(tok, state)
            if group is not None and usable(group):
                candidates.append(group)
            elif state and (tok.ent_type_ == "NORP" or tok.pos_ in ("ADJ", "PROPN")) and usable(doc[tok.i:tok.i + 1]):
                candidates.append(Span(doc, tok.i, tok.i + 1, label="demonym:" + state))
        chosen = filter_spans(candidates)

        # direct names first: they give the story's context
        context: Counter = Counter()
        for span in chosen:
            label = span.label_
            if label.startswith("desc"):
                continue
            if label.startswith("group:"):
                found.append((span, None, label))
                continue
            if label.startswith(("capital:", "demonym:")):
                actor = self.reg.actors[label.split(":", 1)[1]]
            else:
                actor = self._resolve(label, context)
            if actor is not None:
                context[self.reg.state_of(actor) or actor.id] += 1
            found.append((span, actor, label))
        for span in chosen:
            if span.label_.startswith("desc"):
                found.append((span, self._describe(span, found, context), span.label_))
        found += self._posts(doc, context)
        taken = [(s.start, s.end) for s, a, _ in found if a is not None] + places
        found += self._from_ner(doc, taken, usable)
        found.sort(key=lambda f: f[0].start)
        doc.spans[SPANS_ACTORS] = [Span(doc, s.start, s.end, label=a.id) for s, a, _ in found if a is not None]
        doc._.wl_actors = self._records(found)
        return doc

    def _group_of(self, tok, state: str | None) -> Span | None:
        """"Malian herders", "Kurdish fighters": a nationality or identity before a noun of
        people who are no organ of a state names that group (with its country), not the state."""
        if tok.dep_ not in ("amod", "compound") or not (state or tok.ent_type_ == "NORP"):
            return None
        head = tok.head
        if head.i <= tok.i or head.i - tok.i > 3 or head.lower_ not in self.group_nouns:
            return None
        if any(t.pos_ not in ("ADJ", "PROPN", "NOUN", "PUNCT") for t in tok.doc[tok.i + 1:head.i]):
            return None
        country = self.reg.actors[state].country if state and state in self.reg.actors else ""
        name = head.text if state else tok.doc[tok.i:head.i + 1].text
        return Span(tok.doc, tok.i, head.i + 1, label=f"group:{country or ''}:{name}")

    def _describe(self, span: Span, found: list, context: Counter) -> Actor | None:
        desc = self.reg.descriptions[int(span.label_[4:])]
        before = [a for s, a, _ in found if a is not None and s.start < span.start]
        if "organ" in desc:
            organ = desc["organ"]
            for a in reversed(before):              # the same organ named just before ("the Ministry")
                if a.id.endswith("." + organ):
                    return a
            states = [sid for sid, _ in context.most_common() if sid in self.reg.actors
                      and self.reg.actors[sid].kind == "state"]
            return self.reg.organ(states[0], organ) if states else None
        kind = desc.get("kind")
        same = [a for a in reversed(before) if a.kind == kind]
        if same:
            return same[0]
        pool = Counter(a.id for _, a, _ in found if a is not None and a.kind == kind)
        return self.reg.actors[pool.most_common(1)[0][0]] if pool else None

    def _posts(self, doc: Doc, context: Counter) -> list:
        structure = doc.user_data.get(USER_STRUCTURE)
        out = []
        for post in getattr(structure, "posts", None) or []:
            segment = doc.text[post.start:post.end]
            actor = None
            spans = []
            for value in (post.handle, post.author):
                if not value:
                    continue
                at = segment.rfind(value)
                span = doc.char_span(post.start + at, post.start + at + len(value), alignment_mode="expand") if at >= 0 else None
                hit = self._resolve(fold(value), context)
                actor = actor or hit
                if span is not None:
                    spans.append(span)
            for span in spans:
                if actor is not None:
                    out.append((span, actor, "post"))
                else:                               # an author the registry lacks is kept as a person
                    out.append((span, None, "post:" + (post.author or post.handle or span.text)))
        return out

    def _from_ner(self, doc: Doc, taken: list[tuple[int, int]], usable) -> list:
        out = []
        for ent in doc.ents:
            if ent.label_ not in _NER_KINDS or not usable(ent) or not _on_word_bounds(ent):
                continue
            if any(s < ent.end and ent.start < e for s, e in taken):
                continue
            if ent.label_ == "PERSON":
                ent = _whole_name(ent)
                taken = [*taken, (ent.start, ent.end)]      # a word it took in is no entity of its own
            fuzzy = self.reg.lookup_fuzzy(ent.text)
            if len(fuzzy) == 1:
                out.append((ent, fuzzy[0], "fuzzy"))
            elif ent.label_ != "NORP" or ent.text[:1].isupper():
                out.append((ent, None, "ner:" + ent.label_))
        return out

    def _records(self, found: list) -> list[ActorRecord]:
        by_key: dict[str, ActorRecord] = {}
        for span, actor, how in found:
            if actor is not None:
                aff = self.reg.actors.get(actor.affiliation) if actor.affiliation else None
                rec = by_key.setdefault(actor.id, ActorRecord(actor, actor.name, actor.kind, actor.inter,
                                                              aff.name if aff else None))
            elif how.startswith("group:"):
                _, country, name = how.split(":", 2)
                rec = by_key.setdefault(f"?{country}:{fold(name)}", ActorRecord(None, name, "group", None, None,
                                                                              country=country or None))
            else:
                label = how.split(":", 1)[1] if ":" in how else span.text
                kind = "person" if how.startswith("post") or label == "PERSON" else _NER_KINDS.get(label, "group")
                name = label if how.startswith("post") else span.text
                rec = by_key.setdefault("?" + fold(name), ActorRecord(None, name, kind, None, None))
            if (span.start_char, span.end_char) not in rec.mentions:
                rec.mentions.append((span.start_char, span.end_char))
            if span.text not in rec.via:
                rec.via.append(span.text)
        return list(by_key.values())
