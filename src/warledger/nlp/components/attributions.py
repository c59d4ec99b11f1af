"""AttributionReader: who says so of each event, and how; the event's status from that.

For each event, every sentence that speaks of it is read for reporting constructions
(``patterns/stances.yaml``):
  1. "according to X"; fixed phrases ("cannot independently confirm", "declined to comment",
     "claimed responsibility");
  2. reporting verbs with their subject as the source ("the group documented", "officials said",
     "with a monitoring group reporting"); a relative pronoun stands for the report it belongs
     to and its issuer ("a rights group issued a report that detailed …"); coordinated subjects are
     each a source; negation turns "did not confirm" into cannot_confirm;
  3. a source that is the event's perpetrator claims it ("the Taliban said it was behind");
  4. an embedded post is its author's claim; a quoted passage after "X said:" is X's, with
     the quote;
  5. a denial or "cannot confirm" in a sentence that names no event goes to the last event
     before it in the same section;
  6. with no source at all, the outlet itself reports.
One stance per source per event: the first in the vocabulary's stance order stands. Status: denied when
every source denies; contested when one source asserts, reports, confirms or claims and
another denies, cannot confirm or discredits; confirmed when one confirms; claimed when all
only claim; reported otherwise.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ...vocab import STANCE_RANK
from ..extensions import SPANS_BLOCKS, USER_STANCE_HITS, USER_STRUCTURE
from ..lexicons import load
from ..merging import status_of
from ..roles import ActorIndex

SUBJECTS = ("nsubj", "nsubjpass")


def lexicon() -> dict:
    """The attribution stage's shipped cues (``patterns/stances.yaml``)."""
    return load("stances.yaml")


class AttributionReader:
    def __init__(self, nlp: Language, name: str, cues: dict | None = None):
        self.name = name
        lex = cues or lexicon()
        self.report_nouns = frozenset(lex["report_nouns"])
        self.anaphora = frozenset(lex["document_determiners"])
        self.pronouns = frozenset(lex["pronouns"])
        self.relatives = frozenset(lex["relatives"])
        self.refusals = frozenset(lex["refusals"])
        self.denial_verbs = frozenset(lex["denial_verbs"])
        self.quantifiers = frozenset(lex["quantifiers"])
        self.nobody = frozenset(lex["nobody"])
        self.verbs = lex["verbs"]
        self.negated = lex["negated"]
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for phrase, stance in lex["phrases"].items():
            self.phrases.add(stance, [nlp.make_doc(phrase)])
        self.strings = nlp.vocab.strings

    # ---------------------------------------------------------- sources
    def _source(self, index: ActorIndex, np: Token) -> list[tuple[str, Token, object]]:
        """Source names for a subject: registered actors (each of a coordination), else the
        noun phrase itself ("a monitoring group" → "monitoring group")."""
        out = []
        if np.lower_ in self.relatives and np.head.dep_ in ("relcl", "acl") and np.head.head is not np:
            np = np.head.head                               # "officials, who said": the officials
        if np.lower_ in self.quantifiers:                   # "some of the witnesses said": the witnesses
            of = next((g for c in np.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                       if g.dep_ == "pobj"), None)
            if of is None:
                return []
            np = of
        issuer = self._issuer(index, np)
        if issuer is not None:                              # "The statement said": whoever issued it
            return [(issuer.name, np, issuer)]
        members, todo = [], [np]
        while todo:                                         # "HRW, Physicians for Human Rights, and MSF"
            tok = todo.pop(0)
            if tok not in members:
                members.append(tok)
                todo += [c for c in tok.children if c.dep_ in ("conj", "appos")]
        for tok in members:
            rec = index.at(tok) or next((index.at(c) for c in tok.children
                                          if c.dep_ in ("compound", "amod", "poss") and index.at(c) is not None), None)
            if rec is None and tok.lower_ in self.pronouns:
                said = self._reporter(tok)
                if said is not None:                        # "Police said they were investigating":
                    out += [x for x in self._source(index, said) if not any(x[2] is r for _, _, r in out)]
                    continue                                # the police
                rec = index.before(tok.i, None)
                if rec is None:
                    continue                                # a pronoun standing for no one named
            if rec is not None and not any(r is rec for _, _, r in out):
                out.append((rec.name, tok, rec))
        if out or all(t.lower_ in self.pronouns for t in members):
            return out
        # "the deputy spokesman for UN Secretary-General Ban Ki-moon": whom the speaker speaks for
        rec = next((index.at(t) for t in np.subtree if t.i > np.i and index.at(t) is not None), None)
        if rec is not None and rec.kind not in ("state",):
            return [(rec.name, np, rec)]
        words = [t for t in np.subtree if t.dep_ not in ("det", "punct", "relcl", "acl", "prep") and t.i <= np.i
                 or (t.dep_ in ("cc", "conj") and t.head == np)]
        if not words:
            return []
        start, end = min(w.i for w in words), max(w.i for w in words)
        if start == end == np.i and np.pos_ == "NOUN":
            end = self._of_phrase_end(np) or end            # "the head of the main hospital", not "head"
        span = np.doc[start:end + 1]
        return [(span.text, np, None)]

    @staticmethod
    def _of_phrase_end(np: Token) -> int | None:
        """Where "of X" after a bare common noun ends: X with its own words, less its clauses and
        prepositional phrases ("the head of the main hospital in the capital" ends at "hospital")."""
        of = next((c for c in np.children if c.dep_ == "prep" and c.lower_ == "of" and c.i == np.i + 1), None)
        obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        if obj is None:
            return None
        inner = [t for t in obj.subtree if t.i <= obj.i or (t.dep_ in ("cc", "conj", "compound") and t.head == obj)]
        return max(t.i for t in inner)

    def _reporter(self, pron: Token) -> Token | None:
        """The subject of the reporting verb whose reported clause a pronoun is the subject of
        ("the army said it was ...": the army), unless that subject is a pronoun too."""
        clause = pron.head
        if pron.dep_ not in ("nsubj", "nsubjpass") or clause.dep_ != "ccomp":
            return None
        verb = clause.head
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.verbs:
            return None
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        return subject if subject is not None and subject.lower_ not in self.pronouns else None

    def _speaker(self, verb: Token) -> Token | None:
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if len(subjects) > 1:                               # "The head of the region — Denis Pushilin said"
            return subjects[-1]
        for c in verb.children:
            if c.dep_ == "nsubj":
                if c.lower_ in self.relatives and verb.dep_ in ("relcl", "acl"):
                    owner = verb.head                       # "a report that detailed": the report's issuer
                    if owner.lemma_.lower() in self.report_nouns:
                        gov = owner.head
                        return next((k for k in gov.children if k.dep_ in SUBJECTS), None)
                return c
            if c.dep_ == "agent":
                return next(iter(c.children), None)
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
            return self._speaker(verb.head)
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") and verb.tag_ != "VBN":
            return verb.head                                # "with a monitoring group reporting 36 deaths"
            # (not "a toll of 17 soldiers announced on Monday": what a participle is said of was said)
        return None

    def _issuer(self, index: ActorIndex, np: Token):
        """"X said in a statement ... The statement said": a report noun with "the" or "that" and
        no owner of its own stands for the one the last such document was issued by (the speaker
        of the earlier sentence that names it)."""
        if np.lemma_.lower() not in self.report_nouns or not any(
                c.dep_ == "det" and c.lower_ in self.anaphora for c in np.children):
            return None
        if any(c.dep_ in ("poss", "compound", "amod") and index.at(c) is not None for c in np.children):
            return None
        doc = np.doc
        for t in reversed(doc[:np.sent.start]):
            if t.lemma_.lower() != np.lemma_.lower():
                continue
            verb = t.head.head if t.dep_ == "pobj" else t.head
            for _ in range(4):                              # "raised the toll to include ... in a statement"
                if any(c.dep_ in SUBJECTS for c in verb.children) or verb.dep_ not in _CLIMB or verb.head is verb:
                    break
                verb = verb.head
            for subj in (c for c in verb.children if c.dep_ in SUBJECTS):
                rec = index.at(subj) or next((index.at(c) for c in subj.children
                                              if c.dep_ in ("compound", "amod", "poss") and index.at(c)), None)
                if rec is not None:
                    return rec
            return None
        return None

    def _says_not(self, verb: Token, event_tokens: set[int] = frozenset()) -> bool:
        """What the reporting verb says is negated: its complement has a negation ("did not",
        "never") of a verb of doing or happening or of the event's own trigger ("did not carry
        out the strike"; "will not weaken our resolve" denies nothing), or its subject or object
        is nobody ("none of", "no losses")."""
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        clauses += [k for c in clauses for k in c.children if k.dep_ == "conj" and k.pos_ in ("VERB", "AUX")]
        for c in clauses:
            if any(k.dep_ == "neg" for k in c.children) and (
                    c.lemma_.lower() in self.denial_verbs or c.i in event_tokens):
                return True
            for arg in (k for k in c.children if k.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")):
                if arg.lemma_.lower() in self.nobody or any(
                        d.dep_ == "det" and d.lower_ in self.nobody for d in arg.children):
                    return True
        return False

    def _negated(self, verb: Token) -> bool:
        return any(c.dep_ == "neg" for c in verb.children) or (
            verb.dep_ == "xcomp" and verb.head.lemma_.lower() in self.refusals)

    # ---------------------------------------------------------- reading
    def _read_sentence(self, doc: Doc, sent: Span, index: ActorIndex, event_tokens: set[int],
                       other_tokens: set[int]) -> list[dict]:
        out = []
        covered: set[int] = set()
        for match_id, s, e in self._phrase_hits(doc, sent):
            stance = self.strings[match_id]
            covered.update(range(s, e))
            head = doc[s]
            if head.lower_ == "according":
                to = next((c for c in doc[s + 1].children if c.dep_ == "pobj"), None) if s + 1 < len(doc) else None
                if to is not None:
                    out += [self._att(n, stance, doc[s:e], rec, "according_to")
                            for n, _, rec in self._source(index, to)]
                continue
            verb = next((t for t in doc[s:e] if t.pos_ in ("VERB", "AUX") and t.dep_ != "aux"), doc[s:e].root)
            speaker = self._speaker(verb) if verb is not None else None
            if speaker is not None and s <= speaker.i < e:
                speaker = None                              # "claims are circulating": nobody named
            rule = "phrase:" + doc[s:e].text.lower()
            if speaker is not None:
                out += [self._att(n, stance, doc[s:e], rec, rule) for n, _, rec in self._source(index, speaker)]
            else:
                out.append(self._att(None, stance, doc[s:e], None, rule))
        for tok in sent:
            if tok.i in covered or tok.pos_ != "VERB" or tok.lemma_.lower() not in self.verbs:
                continue
            subtree = {t.i for t in tok.subtree}
            if other_tokens & subtree and not event_tokens & subtree:
                continue                                    # it speaks of another event of the sentence
            stance = self.verbs[tok.lemma_.lower()]
            rule = "verb:" + tok.lemma_.lower()
            if stance == "reports" and self._says_not(tok, event_tokens):
                stance, rule = "denies", rule + "+says_not"     # "X says none of its fighters was there"
            if self._negated(tok):
                stance, rule = self.negated.get(stance), rule + "+negated"
                if stance is None:
                    continue
            speaker = self._speaker(tok)
            if speaker is None:
                continue
            out += [self._att(n, stance, tok, rec, rule) for n, _, rec in self._source(index, speaker)]
        return out

    def _phrase_hits(self, doc: Doc, sent: Span):
        """Stance phrases of the sentence; the document's are matched once and kept on the Doc
        (per-document state stays off the component, so one instance reads documents at once)."""
        hits = doc.user_data.get(USER_STANCE_HITS)
        if hits is None:
            hits = doc.user_data[USER_STANCE_HITS] = list(self.phrases(doc))
        return [(m, s, e) for m, s, e in hits if sent.start <= s and e <= sent.end]

    @staticmethod
    def _att(name, stance, where, rec, rule: str | None = None) -> dict:
        span = (where.idx, where.idx + len(where.text)) if isinstance(where, Token) else (where.start_char, where.end_char)
        actor = getattr(rec, "actor", None)
        return {"source": name, "source_id": actor.id if actor else None, "stance": stance, "date": None,
                "quote": None, "span": list(span), "rule": rule}

    # ---------------------------------------------------------- component
    def __call__(self, doc: Doc) -> Doc:
        events = doc._.wl_events or []
        if not events:
            return doc
        index = ActorIndex.of(doc)
        structure = doc.user_data.get(USER_STRUCTURE)
        pub = getattr(getattr(structure, "published", None), "date", None)
        event_sents: dict[int, list] = {}
        for ev in events:
            for s in ev.sents:
                event_sents.setdefault(s.start, []).append(ev)
        for ev in events:
            mine = {t.token.i for t in ev.triggers}
            found = []
            for sent in ev.sents:
                others = {t.token.i for o in event_sents.get(sent.start, []) if o is not ev for t in o.triggers
                          if not t.said}
                found += self._read_sentence(doc, sent, index, mine, others)
            found += self._posts(doc, ev, structure, index, events)
            found += self._quotes(doc, ev, index)
            ev.attributions = found
        self._orphans(doc, events, event_sents, index)
        for ev in events:
            self._settle(ev, doc, pub)
        return doc

    def _posts(self, doc: Doc, ev, structure, index: ActorIndex, events: list) -> list[dict]:
        out = []
        for post in getattr(structure, "posts", None) or []:
            lo, hi = post.text_start, post.text_start + len(post.text)
            # a post in another language: its own cue words give its stance, and it speaks of
            # the event told just before it (the English triggers do not read inside it)
            stance, foreign = _foreign_stance(post.text)
            inside = any(s <= lo < e or lo <= s < hi for s, e in ev.mentions)
            if inside or (foreign and ev is _event_before(events, post.start)):
                rec = next((r for r in doc._.wl_actors or [] if any(post.start <= s < post.end for s, _ in r.mentions)
                            and r.kind in ("person", "group") or (r.actor is not None and any(
                                post.start <= s < post.end and s >= hi for s, _ in r.mentions))), None)
                name = rec.name if rec is not None else (post.author or post.handle)
                att = {"source": name, "source_id": rec.actor.id if rec is not None and rec.actor else None,
                       "stance": stance or "claims", "date": post.date.isoformat() if post.date else None,
                       "quote": post.text, "span": [lo, hi], "rule": "post" if stance is None else "post_cues"}
                out.append(att)
        return out

    def _quotes(self, doc: Doc, ev, index: ActorIndex) -> list[dict]:
        """A quotation block after "X said:" is X's."""
        out = []
        blocks = [b for b in doc.spans.get(SPANS_BLOCKS, []) if b.label_ == "quote"]
        for b in blocks:
            if not any(b.start_char <= s < b.end_char for s, _ in ev.mentions):
                continue
            intro = doc[b.start - 1].sent if b.start > 0 else None
            k = b.start - 1
            while intro is not None and intro.text.rstrip().endswith(":") is False and k > 0:
                prev = next((q for q in blocks if q.end <= intro.start and q.end >= intro.start - 2), None)
                if prev is None:
                    break
                k = prev.start - 1
                intro = doc[k].sent
            if intro is None or not intro.text.rstrip().endswith(":"):
                continue
            for tok in intro:
                if tok.pos_ == "VERB" and tok.lemma_.lower() in self.verbs:
                    speaker = self._speaker(tok)
                    if speaker is not None:
                        for name, _, rec in self._source(index, speaker):
                            att = self._att(name, self.verbs[tok.lemma_.lower()], tok, rec,
                                            "quote_after:" + tok.lemma_.lower())
                            att["quote"], att["span"] = b.text, [b.start_char, b.end_char]
                            out.append(att)
                        break
        return out

    def _orphans(self, doc: Doc, events: list, event_sents: dict, index: ActorIndex) -> None:
        """Denials and "cannot confirm" in sentences that name no event: the last event before."""
        strong = {"denies", "cannot_confirm", "discredits", "declines_comment"}
        for sent in doc.sents:
            if sent.start in event_sents:
                continue
            found = [a for a in self._read_sentence(doc, sent, index, set(), set()) if a["stance"] in strong]
            if not found:
                continue
            before = [e for e in events if e.violent and any(s.start < sent.start for s in e.sents)]
            # a denial answers what someone reported: the events with a named source's account
            # first, then the nearest; a source that is an event's perpetrator denies that one
            sources = {(a["source"] or "").lower() for a in found}
            accused = [e for e in before if any(r.role == "perpetrator" and (r.name or "").lower() in sources
                                                for r in e.roles)]
            reported = [e for e in before if any(a["source"] and a["stance"] in ("asserts", "reports", "claims")
                                                 for a in e.attributions)]
            before = accused or reported or before
            if before:
                target = max(before, key=lambda e: max(s.start for s in e.sents if s.start < sent.start))
                target.attributions += found
                target.mentions.append((sent.start_char, sent.end_char))

    def _settle(self, ev, doc: Doc, pub) -> None:
        perps = {r.name for r in ev.roles if r.role == "perpetrator"} | {r.actor_id for r in ev.roles
                                                                         if r.role == "perpetrator" and r.actor_id}
        best: dict[str, dict] = {}
        for a in ev.attributions:
            own = a["source"] in perps or (a["source_id"] and a["source_id"] in perps)
            if own and a["stance"] in ("reports", "asserts"):
                a["stance"] = "claims"                      # a perpetrator speaking of its own act claims it
                a["rule"] = (a.get("rule") or "") + "+own_act"
                # (one that confirms it, confirms: "the ministry confirmed its forces struck")
            key = (a["source"] or "").lower()
            if key not in best or STANCE_RANK[a["stance"]] < STANCE_RANK[best[key]["stance"]]:
                best[key] = a
        atts = list(best.values())
        if not atts:
            atts = [{"source": doc.user_data.get("wl_outlet"), "source_id": None, "stance": "reports",
                     "date": pub.isoformat() if pub else None, "quote": None, "span": None, "rule": "outlet"}]
        for a in atts:
            a.pop("source_id", None)
            if a["date"] is None and pub is not None:
                a["date"] = pub.isoformat()
        ev.attributions = atts
        ev.status = status_of([a["stance"] for a in atts if a["source"] is not None or len(atts) == 1])


_CLIMB = ("xcomp", "advcl", "conj", "pcomp", "prep", "pobj")   # not through a participle on a noun


def _foreign_stance(text: str) -> tuple[str | None, bool]:
    """(stance, True) for a text in a language with a cue file other than English."""
    from ...structure.language import detect_language
    from ..cues import has_cues, load_cues, stance_in

    lang = detect_language(text)
    if lang in (None, "en") or not has_cues(lang):
        return None, False
    return stance_in(text, load_cues(lang)), True


def _event_before(events: list, start: int):
    """The event whose last mention ends nearest before ``start``."""
    before = [(max(e for _, e in ev.mentions), n) for n, ev in enumerate(events)
              if ev.mentions and max(e for _, e in ev.mentions) <= start]
    return events[max(before)[1]] if before else None
