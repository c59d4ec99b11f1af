"""Plain records for the concepts in DESIGN.md: no spaCy, no SQLAlchemy here.

Every extracted value keeps ``[start, end)`` character offsets into ``Document.text``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

Span = tuple[int, int]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Block:
    """A structural part of a document: caption, navigation, heading, paragraph, post, quote."""

    kind: str
    start: int
    end: int
    language: str | None = None     # ISO 639-1, set once the document's language is known


@dataclass(slots=True)
class Post:
    """An embedded social-media post; ``text`` stands verbatim at ``text_start``."""

    author: str | None
    handle: str | None
    date: dt.date | None
    text: str
    start: int
    end: int
    text_start: int
    platform: str | None = None


@dataclass(slots=True)
class PublishedDate:
    """A publication date and how it was found (metadata, dateline, post, caption, weekday…)."""

    date: dt.date
    inferred: bool
    source: str
    span: Span | None = None


@dataclass(slots=True)
class Document:
    """One text as received. ``text`` is exactly what offsets refer to."""

    text: str
    id: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    published_inferred: bool = False
    published_source: str | None = None
    language: str | None = None
    origin: str | None = None          # file name (and line / entry) it was read from
    input_format: str | None = None
    html_blocks: list[Block] = field(default_factory=list)  # blocks known from markup

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def doc_id(self) -> str:
        return self.id if self.id else "sha256:" + self.sha256


@dataclass(slots=True)
class Structure:
    """What the structure stage finds in a document."""

    blocks: list[Block]
    posts: list[Post]
    published: PublishedDate | None


@dataclass(frozen=True, slots=True)
class Alternative:
    """A gazetteer candidate a place was chosen among, with its score."""

    name: str
    geonameid: int | None
    country: str | None
    level: str
    lat: float
    lon: float
    score: float


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place the document names (a gazetteer entry, or a name no gazetteer holds), with every
    mention of it. ``level``: country, admin1, admin2, region, populated_place, airport, unknown;
    ``precision``: exact, near, admin2, admin1, region, country, unknown (vocab.PLACE_PRECISIONS)."""

    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    level: str
    precision: str
    mentions: tuple[Span, ...] = ()
    # one per mention: literal, metonymic, adjectival or embedded; empty means all literal
    readings: tuple[str, ...] = ()
    native_name: str | None = None      # the gazetteer's own name when ``name`` is the English one
    alternatives: tuple[Alternative, ...] = ()     # the candidates it was chosen over, best first
    why: tuple[str, ...] = ()                       # what chose it, in words

    def literal_mentions(self) -> tuple[Span, ...]:
        """The mentions that name the place as a place (events, the map and the store use these)."""
        if not self.readings:
            return self.mentions
        return tuple(m for m, r in zip(self.mentions, self.readings, strict=False) if r == "literal")


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor the document names: the registry's canonical name and id, or one kept from NER."""

    name: str
    id: str | None
    kind: str
    affiliation: str | None
    inter: int | None
    country: str | None
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """An actor's part in an event: perpetrator, target, victim or participant. ``rule`` names
    what gave it, when known."""

    name: str
    role: str
    id: str | None = None
    kind: str | None = None
    mentions: tuple[Span, ...] = ()
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Fatalities:
    """How many were killed: a range (``low``/``best``/``high``, each may be unknown), the group
    killed, and the words that say it."""

    low: int | None
    best: int | None
    high: int | None
    group: str | None
    text: str
    span: Span
    rule: str | None = field(default=None, compare=False)   # the reading that gave it (--explain)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who speaks of an event and how: ``source`` (an actor's name or the words naming the
    source; None for the outlet itself), ``stance`` (vocab.STANCES)."""

    source: str | None
    stance: str
    date: dt.date | None = None
    quote: str | None = None
    span: Span | None = None
    rule: str | None = field(default=None, compare=False)   # the cue that gave the stance (--explain)


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened: a range and its precision (day, week, month, year, unknown), and,
    when the text gave it, the words that said so (``text``, ``span``: evidence only, not part
    of the value)."""

    start: dt.date | None
    end: dt.date | None
    precision: str
    text: str | None = field(default=None, compare=False)
    span: Span | None = field(default=None, compare=False)
    rule: str | None = field(default=None, compare=False)   # the time expression's kind (--explain)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, or was said to, in one document, with all its evidence."""

    id: str
    type: str
    date: EventDate
    places: tuple[PlaceRef, ...] = ()
    actors: tuple[Role, ...] = ()
    fatalities: Fatalities | None = None
    count: int = 1
    attributions: tuple[Attribution, ...] = ()
    status: str = "reported"
    mentions: tuple[Span, ...] = ()
    # the sentences whose words name it (its triggers); ``mentions`` also holds those that only
    # speak of it. Read by the within-document stage (nlp/merging.py); not part of the contract.
    sentences: tuple[Span, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Tally:
    """A running total as one sentence states it ("bringing the toll since May to 40")."""

    subject: str | None
    actor: str | None
    measure: str
    group: str | None
    value: int | None
    since: dt.date | None
    as_of: dt.date | None
    increment: int | None
    source: str | None
    text: str                   # the figure's words ("19 insurgents")
    span: Span                  # the sentence stating the total
    text_span: Span | None = None   # where ``text`` stands: text[text_span] == text


@dataclass(slots=True)
class Extraction:
    """One document's reading: what the ``warledger.extract/1`` contract holds, as typed records."""

    document: Document
    structure: Structure
    places: list[PlaceRef] = field(default_factory=list)
    actors: list[ActorRef] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    tokens: int | None = None          # None when the language pipeline did not run
