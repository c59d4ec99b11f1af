"""Plain records for the concepts in DESIGN.md: no spaCy, no SQLAlchemy here.

Every extracted value keeps ``[start, end)`` character offsets into ``Document.text``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Block:
    """A structural part of a document: caption, navigation, heading, paragraph, post, quote."""

    kind: str
    start: int
    end: int


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


@dataclass(slots=True)
class Extraction:
    """One document's reading, in the shape of the ``warledger.extract/1`` contract."""

    document: Document
    structure: Structure
    places: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    tallies: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    tokens: int | None = None          # None when the language pipeline did not run


def as_plain(obj: Any) -> Any:
    """Dataclasses, dates and tuples → JSON-ready values."""
    if hasattr(obj, "__dataclass_fields__"):
        return as_plain(asdict(obj))
    if isinstance(obj, dict):
        return {k: as_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [as_plain(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj
