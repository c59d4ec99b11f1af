"""CueReader: places, actors, events, attributions and tallies of a text in a language read by
cue words (``patterns/languages/<code>.yaml``) rather than by the English parse.

It needs no parser or tagger (a blank spaCy pipeline will do; a lemmatizer or a trained
pipeline, where the language has one, makes the cue words match more forms). Per sentence:
  1. names: places and actors (``nlp/cue_names.py``), speaker nouns with their words;
  2. triggers by type (the highest priority names the event, as in English), a statement
     verb with a speaker and no violence makes a statement;
  3. death counts: a number or number word is given to the nearest killed or wounded word (a
     comma between counts as three words); numbers joined by "and", each with its people noun,
     add up; a number after "including" is a part, not more; a unit word after a number, a year,
     a day of a date: not a count; a singular killed form with no number is one death;
  4. a count in a sentence that says "since ..." or "in all" is a running tally, not an event;
  5. the date: a day and month, a weekday, "yesterday", "the night of ..." (the day before
     and the day), resolved against the publication date;
  6. reporting cues and their stance, each given to the nearest speaker (a registry actor, a
     person's name, or a speaker noun); a negation before "confirmed" makes "cannot confirm".
Across sentences, a violent sentence joins the last violent event unless it names a town of
its own that the event lacks or a different date (then it is a new event); a sentence with
only a death count or a reporting cue adds to the last event. The larger count wins (the
staff among the dead are part of the toll).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ...resolve.dates import DateRange
from ...resolve.gazetteer import Gazetteer, Place
from ...resolve.registry import Registry
from ...vocab import STANCE_RANK
from ..cue_names import NameFinder, NameHit, Toks, toks_of
from ..cue_quantities import count_in, date_in
from ..cues import Cues
from ..extensions import SPANS_BLOCKS, USER_STRUCTURE
from ..fatalities import Count
from ..placing import PlaceRecord
from ..triggers import lexicon as english_triggers
from .actors import ActorRecord
from .attributions import status_of

# the kinds of actor that can carry out violence (vocab.ACTOR_KINDS)
_AGENT_KINDS = frozenset({"state", "government", "state_agency", "armed_forces", "armed_group", "person", "group"})
_SENT_END = frozenset({".", "!", "?", "…", "؟"})


@dataclass
class CueRole:
    name: str
    role: str
    mentions: list[tuple[int, int]]
    actor_id: str | None = None
    kind: str | None = None
    rule: str | None = None
    toks: tuple[int, int] = (0, 0)     # token span (speakers: to find the nearest to a cue)


@dataclass
class CueEvent:
    type: str
    priority: int
    date: DateRange | None = None
    count: Count | None = None
    places: list[PlaceRecord] = field(default_factory=list)
    roles: list[CueRole] = field(default_factory=list)
    occurrences: int = 1
    attributions: list[dict] = field(default_factory=list)
    status: str = "reported"
    mentions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def violent(self) -> bool:
        return self.type != "statement"


@dataclass
class Sentence:
    start: int
    end: int
    names: list[NameHit]
    places: list[PlaceRecord]
    references: list[PlaceRecord] = field(default_factory=list)   # "south of X": a point of reference


class CueReader:
    def __init__(self, nlp: Language, name: str, cues: Cues, gazetteer: Gazetteer, registry: Registry):
        self.name = name
        self.cues = cues
        self.names = NameFinder(cues, gazetteer, registry)
        self.registry = registry
        self.priority = {t: spec["priority"] for t, spec in english_triggers()["types"].items()}
        self.priority.setdefault("statement", 10)

    # ------------------------------------------------------------- sentences
    def _sentences(self, doc: Doc, t: Toks) -> list[tuple[int, int]]:
        skip = {(s.start, s.end) for s in doc.spans.get(SPANS_BLOCKS, []) if s.label_ in ("navigation", "caption")}
        blocks = [(s.start, s.end) for s in doc.spans.get(SPANS_BLOCKS, [])] or [(0, len(doc))]
        out = []
        for bs, be in blocks:
            if (bs, be) in skip:
                continue
            s = bs
            for i in range(bs, be):
                nxt = i + 1
                if t.text[i] in _SENT_END and nxt < be and (t.upper[nxt] or t.text[nxt] in "«\"“–—-"
                                                           or self.names.caseless):
                    out.append((s, nxt))
                    s = nxt
            if s < be:
                out.append((s, be))
        return out

    # ------------------------------------------------------------- call
    def __call__(self, doc: Doc) -> Doc:
        t = toks_of(doc, self.cues.prefixes)
        keys = t.keys
        structure = doc.user_data.get(USER_STRUCTURE)
        pub = structure.published.date if structure is not None and structure.published else None
        sents = [Sentence(s, e, self.names.names(t, s, e, s), []) for s, e in self._sentences(doc, t)]
        self._choose_places(t, keys, sents)
        events: list[CueEvent] = []
        tallies: list[dict] = []
        last: CueEvent | None = None
        for sent in sents:
            last = self._read_sentence(doc, t, keys, sent, pub, events, tallies, last)
        for ev in events:
            ev.status = status_of([a["stance"] for a in ev.attributions])
        doc._.wl_places = self._doc_places(sents)
        doc._.wl_actors = self._doc_actors(sents)
        doc._.wl_events = [e for e in events if e.violent or e.roles]
        doc._.wl_tallies = tallies
        return doc

    # ------------------------------------------------------------- places
    def _choose_places(self, t: Toks, keys, sents: list[Sentence]) -> None:
        """Homonyms resolved by the countries the document names (cascade step 4)."""
        votes: dict[str, int] = {}
        for s in sents:
            for h in s.names:
                cands = h.candidates
                if cands and (any(c.level == "country" for c in cands) or len({c.country for c in cands}) == 1):
                    best = cands[0]
                    votes[best.country] = votes.get(best.country, 0) + 2
        for s in sents:
            for h in s.names:
                if h.actor is not None and not h.evidence:
                    continue
                if h.unknown:
                    s.places.append(PlaceRecord(None, h.text, "unknown", None, None, "unknown",
                                                [h.char_span]))
                    continue
                if not h.candidates:
                    continue
                p = self._pick(h.candidates, votes)
                rec = PlaceRecord(p, p.name, _precision(p), p.lat, p.lon, p.level, [h.char_span])
                s.places.append(rec)
                if self._after_direction(t, keys, h, s):
                    s.references.append(rec)

    def _after_direction(self, t: Toks, keys, h: NameHit, s: Sentence) -> bool:
        for back in range(1, 4):
            k = h.start - back
            if k < s.start or t.punct[k]:
                return False
            if self.cues.directions.at(keys, k, h.start):
                return True
        return False

    @staticmethod
    def _pick(cands: list[Place], votes: dict[str, int]) -> Place:
        """Cascade step 4: a country; else among those in countries the document names (all,
        when none is), a large town, else a province, else the largest town."""
        countries = [c for c in cands if c.level == "country"]
        if countries:
            return countries[0]
        named = [c for c in cands if votes.get(c.country)] or cands
        towns = sorted((c for c in named if c.level not in ("admin1", "admin2")), key=lambda c: -c.population)
        if towns and towns[0].population >= _SMALL:
            return towns[0]
        admin = [c for c in named if c.level == "admin1"]
        if admin:
            return admin[0]
        return towns[0] if towns else named[0]

    # ------------------------------------------------------------- one sentence
    def _read_sentence(self, doc: Doc, t: Toks, keys, sent: Sentence, pub: dt.date | None,
                       events: list[CueEvent], tallies: list[dict], last: CueEvent | None) -> CueEvent | None:
        c = self.cues
        s, e = sent.start, sent.end
        triggers = [(i, j, lab) for i, j, lab in c.triggers.find(keys, s, e)]
        statements = c.statement_verbs.find(keys, s, e)
        date, date_toks = date_in(c, t, keys, s, e, pub)
        count, counted = count_in(c, t, keys, s, e, date_toks)
        speakers = self._speakers(t, sent)
        stances = self._stances(t, keys, s, e, speakers)
        span = (t.idx[s], t.end_char(e - 1))
        if count is not None and (c.since.find(keys, s, e) or c.cumulative.find(keys, s, e)):
            tallies.append(self._tally(count, counted, t, pub, span))
            return last
        violent = [tr for tr in triggers if tr[2] != "statement"]
        out = last
        if violent or count is not None:
            etype = max(violent, key=lambda tr: self.priority.get(tr[2], 0))[2] if violent else "killing"
            scene = [p for p in sent.places if p not in sent.references]
            town = [p for p in scene if p.level in ("populated_place", "unknown")]
            # a new event when the sentence names a town the last event lacks (while it has one),
            # or another date (a sentence dated when the event is not: unless it names its place)
            new_town = bool(town) and last is not None and any(
                p.level in ("populated_place", "unknown") for p in last.places) and not any(
                _same(p, q) for p in town for q in last.places)
            shares = last is not None and any(_same(p, q) for p in scene for q in last.places)
            clash = date is not None and last is not None and (
                date.start != last.date.start if last.date is not None else not shares)
            joins = last is not None and last.violent and not new_town and not clash
            if joins:
                ev = last
                if self.priority.get(etype, 0) > ev.priority and violent:
                    ev.type, ev.priority = etype, self.priority.get(etype, 0)
            else:
                ev = CueEvent(etype, self.priority.get(etype, 0))
                events.append(ev)
            ev.mentions.append(span)
            if date is not None and ev.date is None:
                ev.date = date
            if count is not None and (ev.count is None or (count.low or 0) > (ev.count.low or 0)):
                ev.count = count
            for p in scene:
                if not any(_same(p, q) for q in ev.places) and not self._inside_actor(p, sent):
                    ev.places.append(p)
            self._roles(ev, t, sent, violent, counted, {a["source"] for a in stances})
            self._attribute(ev, stances, pub)
            out = ev
        if statements:
            # a statement is its own event, apart from the violence it speaks of
            who = self._statement_speaker(statements, speakers)
            if who is not None:
                st = CueEvent("statement", self.priority["statement"], date=date)
                st.mentions.append(span)
                st.roles.append(CueRole(who.name, "participant", list(who.mentions), who.actor_id, who.kind,
                                        rule="cue:statement_speaker"))
                events.append(st)
        elif not violent and count is None and stances and last is not None:
            self._attribute(last, stances, pub)
        return out

    def _inside_actor(self, p: PlaceRecord, sent: Sentence) -> bool:
        m = p.mentions[0]
        return any(h.actor is not None and h.char_span[0] <= m[0] and m[1] <= h.char_span[1]
                   and h.char_span != m for h in sent.names)

    def _tally(self, count: Count, group: list, t: Toks, pub: dt.date | None, sentence: tuple[int, int]) -> dict:
        return {"subject": count.group or count.text, "actor": None, "measure": "killed", "group": count.group,
                "value": count.low, "since": None, "as_of": pub.isoformat() if pub else None, "increment": False,
                "source": None, "text": count.text, "text_span": list(count.span), "span": list(sentence)}

    # ------------------------------------------------------------- speakers and stances
    def _speakers(self, t: Toks, sent: Sentence) -> list[CueRole]:
        out: list[CueRole] = []
        taken: set[int] = set()
        place_spans = {p.mentions[0] for p in sent.places}
        for h in sent.names:
            if h.actor is not None:
                a = h.actor
                out.append(CueRole(a.name, "speaker", [h.char_span], a.id, a.kind, toks=(h.start, h.end)))
                taken |= set(range(h.start, h.end))
        for i in range(sent.start, sent.end):
            if i in taken:
                continue
            ph = self.names.source_phrase(t, i, sent.start, sent.end)
            if ph is None:
                continue
            a, b = ph
            # a title before a name is the name's ("представитель ведомства Мэтью Миллер")
            n = b
            while n < sent.end and t.upper[n] and n not in taken:
                n += 1
            if n - b >= 2 and not any(p[0] == t.idx[b] for p in place_spans):
                taken |= set(range(a, n))
                a, b = max(b, n - 3), n     # a long run ends with the person's names ("ОВА Олег Кіпер")
                if b - a == 3 and t.text[a].isupper():
                    a += 1
            inner = [h for h in sent.names if h.actor is not None and a <= h.start and h.end <= b]
            text = t.source[t.idx[a]:t.end_char(b - 1)]
            if inner and inner[0].end - inner[0].start == b - a:
                continue
            out.append(CueRole(text, "speaker", [(t.idx[a], t.end_char(b - 1))], None, None, toks=(a, b)))
            taken |= set(range(a, b))
        # a speaker noun's words that hold an actor speak for it ("embajada de Estados Unidos")
        phrases = [r.toks for r in out if r.actor_id is None]
        out = [r for r in out if r.actor_id is None
               or not any(a <= r.toks[0] and r.toks[1] <= b and (a, b) != r.toks for a, b in phrases)]
        # a name: two to five capitalised words (with "de", "of" between) that are no place and
        # no actor: a person ("Ash Carter") or a body the registry lacks ("Fuerzas de Apoyo Rápido")
        i = sent.start
        while i < sent.end:
            j = i
            while j < sent.end and j not in taken and (
                    (t.upper[j] and t.text[j].isalpha()) or (j > i and self.names._joiner(t, j, sent.end))):
                j += 1
            if 2 <= j - i <= 5 and not any(t.idx[i] <= p[0] < t.end_char(j - 1) for p in place_spans) \
                    and not any(self.cues.triggers.at(t.keys, k, k + 1) for k in range(i, j)):
                out.append(CueRole(t.source[t.idx[i]:t.end_char(j - 1)], "speaker",
                                   [(t.idx[i], t.end_char(j - 1))], None, "person", toks=(i, j)))
                taken |= set(range(i, j))
            i = max(j, i + 1)
        return out

    def _stances(self, t: Toks, keys, s: int, e: int, speakers: list[CueRole]) -> list[dict]:
        c = self.cues
        out = []
        for i, j, stance in c.stances.find(keys, s, e):
            if stance == "confirms" and any(c.negation.at(keys, k, i) for k in range(max(s, i - 2), i)):
                stance = "cannot_confirm"
            if not speakers:
                continue
            who = min(speakers, key=lambda r: _tok_distance(r, i, j))
            if _tok_distance(who, i, j) > 12:
                continue
            out.append({"source": who.name, "stance": stance, "date": None, "quote": None,
                        "span": (t.idx[i], t.end_char(j - 1))})
        # one speaker, several cues in one sentence ("rejected the claims"): the strongest stands
        best: dict[str, dict] = {}
        for a in out:
            held = best.get(a["source"])
            if held is None or STANCE_RANK.get(a["stance"], 99) < STANCE_RANK.get(held["stance"], 99):
                best[a["source"]] = a
        return list(best.values())

    def _attribute(self, ev: CueEvent, stances: list[dict], pub: dt.date | None) -> None:
        for a in stances:
            key = (a["source"] or "").lower()
            if any((b["source"] or "").lower() == key for b in ev.attributions):
                continue                       # one stance per source: the first said
            ev.attributions.append({**a, "date": pub.isoformat() if pub else None})

    def _statement_speaker(self, statements, speakers: list[CueRole]) -> CueRole | None:
        if not speakers:
            return None
        i, j, _ = statements[0]
        return min(speakers, key=lambda r: _tok_distance(r, i, j))

    # ------------------------------------------------------------- roles
    def _roles(self, ev: CueEvent, t: Toks, sent: Sentence, violent, counted: list, speaking: set) -> None:
        verb = violent[0][0] if violent else None
        for h in sent.names:
            a = h.actor
            # named before the violent word, or right after it ("удар ВСУ", "l'attaque de l'EI")
            after = verb is not None and 0 <= h.start - violent[0][1] <= 1 and not any(
                t.punct[k] for k in range(violent[0][1], h.start))      # "قصف مدفعي لقوات النظام"
            if a is None or a.kind not in _AGENT_KINDS or verb is None or (h.start > verb and not after):
                continue
            if a.name in speaking:
                continue                # who denies or reports the strikes is not their author
            if any(r.role == "perpetrator" for r in ev.roles):
                break                   # the first sentence that names who did it stands
            ev.roles.append(CueRole(a.name, "perpetrator", [h.char_span], a.id, a.kind, rule="cue:before_trigger"))
            break
        keys = t.keys
        for n in counted:                     # the counted people, when they are of a victim kind
            if not n["people"] or not self.cues.victims.at(keys, n["end"], n["people"][0]):
                continue
            i, j = n["end"], n["people"][0]
            text = t.source[t.idx[i]:t.end_char(j - 1)]
            if not any(r.name == text for r in ev.roles):
                ev.roles.append(CueRole(text, "victim", [(t.idx[i], t.end_char(j - 1))], None, "civilians",
                                        rule="cue:victims"))

    # ------------------------------------------------------------- document records
    def _doc_places(self, sents: list[Sentence]) -> list[PlaceRecord]:
        out: dict = {}
        for s in sents:
            for p in s.places:
                key = p.place.id if p.place else p.name
                if key in out:
                    out[key].mentions += p.mentions
                else:
                    out[key] = PlaceRecord(p.place, p.name, p.precision, p.lat, p.lon, p.level, list(p.mentions))
        return list(out.values())

    def _doc_actors(self, sents: list[Sentence]) -> list[ActorRecord]:
        out: dict[str, ActorRecord] = {}
        for s in sents:
            for h in s.names:
                a = h.actor
                if a is None:
                    continue
                if a.id in out:
                    out[a.id].mentions.append(h.char_span)
                else:
                    out[a.id] = ActorRecord(a, a.name, a.kind, a.inter, a.affiliation, [h.char_span],
                                            country=a.country)
        return list(out.values())


_SMALL = 10_000           # a town smaller than this yields to a province of its name


def _precision(p: Place) -> str:
    return {"country": "country", "admin1": "admin1", "admin2": "admin2"}.get(p.level, "exact")


def _same(p: PlaceRecord, q: PlaceRecord) -> bool:
    if p.place is not None and q.place is not None:
        return p.place.id == q.place.id
    return p.name == q.name


def _tok_distance(r: CueRole, i: int, j: int) -> int:
    a, b = r.toks
    if b <= i:
        return i - b
    if a >= j:
        return a - j + 1          # after the cue: a little further (the speaker often comes first)
    return 0
