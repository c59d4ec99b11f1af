"""The API's answers as Pydantic models: the fields of the typed records (``model.py``, the
store's rows, ``aggregate.incidents.Incident``) as the query functions give them, so that the
OpenAPI document describes every field of every answer."""
from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from ..vocab import EVENT_TYPES, INCIDENT_STATUSES, STANCES

T = TypeVar("T")
Span = list[int | None]
Mentions = list[list[int]]


class Error(BaseModel):
    message: str


class Page(BaseModel, Generic[T]):
    """A page of a list: ``total`` exact unless ``total_estimate``; ``cursor``, when more follow,
    gives the next page (pass it back as ``cursor``) past the bounded ``offset``."""
    items: list[T]
    limit: int
    offset: int
    total: int
    total_estimate: bool = False
    cursor: str | None = None


# ---------------------------------------------------------------- documents

class DocumentSummary(BaseModel):
    id: int
    doc_id: str = Field(description="The input's id, or sha256:<hash> when it had none.")
    sha256: str
    title: str | None
    source: str | None = Field(description="The outlet.")
    published: str | None
    published_inferred: bool | None = None
    language: str | None = None
    length: int | None = Field(default=None, description="Characters of text.")
    events: int | None = Field(default=None, description="Events read from it.")


class BlockOut(BaseModel):
    kind: str
    start: int
    end: int


class PlaceSpan(BaseModel):
    name: str
    geonameid: int | None
    start: int
    end: int


class ActorSpan(BaseModel):
    name: str
    start: int
    end: int


class Figure(BaseModel):
    """``model.Fatalities``: how many were killed, as a range, and the words that said so."""
    low: int | None
    best: int | None
    high: int | None
    text: str | None = None
    start: int | None = None
    end: int | None = None


class AttributionSpan(BaseModel):
    """``model.Attribution``: who speaks of an event and how (stance: """ + ", ".join(STANCES) + ")."""
    source: str | None
    stance: str
    quote: str | None
    start: int | None
    end: int | None


class EventDateOut(BaseModel):
    start: str | None
    end: str | None
    precision: str


class DocumentEvent(BaseModel):
    id: str
    type: str = Field(description="One of: " + ", ".join(EVENT_TYPES))
    status: str
    date: EventDateOut
    mentions: Mentions | None
    fatalities: Figure | None
    attributions: list[AttributionSpan]


class SearchHit(BaseModel):
    """A stored document as a list names it."""
    id: int
    doc_id: str
    sha256: str
    title: str | None
    source: str | None
    published: str | None


class DocumentOut(SearchHit):
    """One stored document with its text and every span read from it (offsets into ``text``)."""
    language: str | None
    text: str
    blocks: list[BlockOut]
    places: list[PlaceSpan]
    actors: list[ActorSpan]
    events: list[DocumentEvent]


class IngestOut(BaseModel):
    ingested: int
    skipped: int
    failed: list[str]
    incidents: int | None = Field(description="Incidents after regrouping (None: nothing was stored).")


# ---------------------------------------------------------------- incidents

class Area(BaseModel):
    place: str = Field(description="The most precise place named most often.")
    precision: str
    places: int
    spread_km: float


class Review(BaseModel):
    id: int
    action: str
    anchor: list[str]
    field: str | None
    value: str | int | None
    events: list[str] | None
    who: str
    at: str | None
    why: str | None


class MachineValues(BaseModel):
    """The correctable values as the machine gave them (before reviews)."""
    low: int | None = None
    best: int | None = None
    high: int | None = None
    date_start: str | None = None
    date_end: str | None = None
    type: str | None = None
    status: str | None = None


class IncidentBase(BaseModel):
    """``aggregate.incidents.Incident`` as stored, with the reviews' corrections applied."""
    id: str = Field(description="The incident key (a hash of its member events).")
    type: str = Field(description="One of: " + ", ".join(EVENT_TYPES))
    date_start: str | None
    date_end: str | None
    days: int | None
    area: Area | None
    country: str | None = Field(description="ISO country code of the area's place.")
    lat: float | None
    lon: float | None
    low: int | None
    best: int | None
    high: int | None
    acled: int | None = Field(description="The ACLED-style single figure.")
    status: str = Field(description="Effective status, one of: " + ", ".join(INCIDENT_STATUSES))
    sources: dict[str, str] = Field(description="Each source and its strongest stance.")
    members: list[str] = Field(description="Member events as document sha256:event id.")
    machine: MachineValues
    reviews: list[Review]
    grade: str | int | None = None


class IncidentOut(IncidentBase):
    events: int = Field(description="Member events.")


class MemberFigure(BaseModel):
    low: int | None
    best: int | None
    high: int | None
    text: str | None
    span: Span


class MemberAttribution(BaseModel):
    source: str | None
    stance: str
    quote: str | None
    span: Span | None


class MemberEvent(BaseModel):
    document: str
    sha256: str
    title: str | None
    outlet: str | None
    event: str
    type: str
    status: str
    date_start: str | None
    date_end: str | None
    precision: str
    mentions: Mentions | None
    fatalities: MemberFigure | None
    attributions: list[MemberAttribution]


class IncidentDetail(IncidentBase):
    events: list[MemberEvent]


class ReviewCreated(BaseModel):
    id: int
    incident: str


class Cluster(BaseModel):
    count: int
    lat: float
    lon: float
    bounds: list[float] = Field(description="west, south, east, north of the cell's incidents.")
    best: int | None = Field(description="Sum of the best fatality figures.")


class MapIncident(BaseModel):
    id: str
    type: str
    date_start: str | None
    lat: float
    lon: float
    best: int | None
    status: str
    place: str | None


class MapOut(BaseModel):
    zoom: int
    cell_degrees: float
    bbox: list[float]
    clusters: list[Cluster]
    incidents: list[MapIncident]
    truncated: bool = Field(description="True when the answer holds the largest cells only.")


class Bucket(BaseModel):
    start: str = Field(description="First day of the bucket (ISO date).")
    incidents: int
    best: int


class TimelineOut(BaseModel):
    by: str
    buckets: list[Bucket]


class Suggestion(BaseModel):
    name: str
    id: str | None = Field(description="GeoNames id of a place, registry id of an actor: a filter value.")
    country: str | None
    level: str | None = Field(description="A place's level, an actor's kind.")



# ---------------------------------------------------------------- events, tallies, users

class EventPlace(BaseModel):
    name: str
    geonameid: int | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    level: str
    precision: str


class EventActor(BaseModel):
    name: str
    role: str
    kind: str | None
    inter: int | None
    id: str | None
    country: str | None
    mentions: Mentions | None


class EventFigure(BaseModel):
    low: int | None
    best: int | None
    high: int | None
    group: str | None
    text: str | None
    span: Span


class EventAttribution(BaseModel):
    source: str | None
    stance: str
    date: str | None
    quote: str | None
    span: Span | None


class EventDocument(BaseModel):
    id: str
    sha256: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    ingested_at: str | None


class EventOut(BaseModel):
    """``model.Event`` as stored, with its document."""
    id: int
    event: str
    type: str
    acled_event_type: str
    acled_sub_event_type: str
    plover: str | None
    date_start: str | None
    date_end: str | None
    precision: str
    count: int
    status: str
    mentions: Mentions | None
    document: EventDocument
    places: list[EventPlace]
    actors: list[EventActor]
    fatalities: EventFigure | None
    attributions: list[EventAttribution]


class TallyPoint(BaseModel):
    value: int | None
    as_of: str | None
    since: str | None
    source: str | None
    document: str
    text: str


class TallySeries(BaseModel):
    """``model.Tally`` values of one subject, measure and group, in date order."""
    subject: str
    measure: str
    group: str
    points: list[TallyPoint]
    falls: bool = Field(description="A total lower than an earlier one.")


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    created_at: str
    tokens: int
    disabled: bool


class UserCreated(BaseModel):
    id: int
    name: str
    role: str
    token: str = Field(description="Shown this once.")


class Revoked(BaseModel):
    name: str
    revoked: int


class Health(BaseModel):
    status: str
    version: str


def page_of(model: type) -> Any:
    return Page[model]
