"""The ledger's schema (SQLAlchemy 2), one for SQLite and PostgreSQL. Migrations in
``migrations/`` create the same tables; a test checks that they agree."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def _fk(table: str) -> Mapped[int]:
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    doc_id: Mapped[str] = mapped_column(String(512), index=True)
    source: Mapped[str | None] = mapped_column(String(512))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    published_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    published_source: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class BlockRow(Base):
    __tablename__ = "blocks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _fk("documents")
    kind: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class PostRow(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _fk("documents")
    author: Mapped[str | None] = mapped_column(Text)
    handle: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[dt.date | None] = mapped_column(Date)
    platform: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class PlaceRow(Base):
    __tablename__ = "places"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(256), unique=True)
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(32))
    precision: Mapped[str] = mapped_column(String(16))


class PlaceMentionRow(Base):
    __tablename__ = "place_mentions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = _fk("places")
    document_id: Mapped[int] = _fk("documents")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class ActorRow(Base):
    __tablename__ = "actors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(256), unique=True)
    registry_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    affiliation: Mapped[str | None] = mapped_column(Text)
    inter: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(2))


class ActorAliasRow(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias", name="uq_actor_alias"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = _fk("actors")
    alias: Mapped[str] = mapped_column(String(512), index=True)


class ActorMentionRow(Base):
    __tablename__ = "actor_mentions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = _fk("actors")
    document_id: Mapped[int] = _fk("documents")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _fk("documents")
    local_id: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(32), index=True)
    acled_event_type: Mapped[str] = mapped_column(String(64))
    acled_sub_event_type: Mapped[str] = mapped_column(String(64))
    plover: Mapped[str | None] = mapped_column(String(32))
    date_start: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), index=True)
    mentions: Mapped[list] = mapped_column(JSON)


class EventActorRow(Base):
    __tablename__ = "event_actors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = _fk("events")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    mentions: Mapped[list] = mapped_column(JSON)


class EventPlaceRow(Base):
    __tablename__ = "event_places"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = _fk("events")
    place_id: Mapped[int] = _fk("places")


class FatalityRow(Base):
    __tablename__ = "fatalities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = _fk("events")
    low: Mapped[int | None] = mapped_column(Integer)
    best: Mapped[int | None] = mapped_column(Integer)
    high: Mapped[int | None] = mapped_column(Integer)
    group: Mapped[str | None] = mapped_column("grp", Text)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class AttributionRow(Base):
    __tablename__ = "attributions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = _fk("events")
    source: Mapped[str | None] = mapped_column(Text)
    stance: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date | None] = mapped_column(Date)
    quote: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class TallyRow(Base):
    __tablename__ = "tallies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = _fk("documents")
    subject: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(32))
    group: Mapped[str | None] = mapped_column("grp", Text)
    value: Mapped[int | None] = mapped_column(Integer)
    since: Mapped[dt.date | None] = mapped_column(Date)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    increment: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


Index("ix_events_date", EventRow.date_start, EventRow.date_end)


class IncidentRow(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    date_start: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
    low: Mapped[int | None] = mapped_column(Integer)
    best: Mapped[int | None] = mapped_column(Integer)
    high: Mapped[int | None] = mapped_column(Integer)
    acled: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    sources: Mapped[dict] = mapped_column(JSON)
    # written with the incident, for queries that do not read its members: the list order
    # ("<date_start or 0000-00-00>|<key>", unique: the keyset cursor), the member count, and
    # where it is (store.summary.area; lat/lon the centre of its most precise places)
    sort_key: Mapped[str | None] = mapped_column(String(48))
    events: Mapped[int | None] = mapped_column(Integer)
    area: Mapped[dict | None] = mapped_column(JSON)
    country: Mapped[str | None] = mapped_column(String(2))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


Index("ix_incidents_sort_key", IncidentRow.sort_key, unique=True)
Index("ix_incidents_type_sort", IncidentRow.type, IncidentRow.sort_key)
Index("ix_incidents_status_sort", IncidentRow.status, IncidentRow.sort_key)
Index("ix_incidents_country_sort", IncidentRow.country, IncidentRow.sort_key)
Index("ix_incidents_date_end", IncidentRow.date_end)
Index("ix_incidents_lat_lon", IncidentRow.lat, IncidentRow.lon)


class IncidentEventRow(Base):
    __tablename__ = "incident_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = _fk("incidents")
    event_id: Mapped[int] = _fk("events")


class IncidentPlaceRow(Base):
    """Each place an incident's member events name (the place filter's index)."""
    __tablename__ = "incident_places"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = _fk("incidents")
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))


class IncidentActorRow(Base):
    """Each actor an incident's member events give a role: the stored actor when there is one,
    and the role's name in lower case (the actor filter's index)."""
    __tablename__ = "incident_actors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = _fk("incidents")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(512))


Index("ix_incident_places_place", IncidentPlaceRow.place_id, IncidentPlaceRow.incident_id)

class MapCellRow(Base):
    """Placed incidents per grid cell of each coarse map zoom (``store.summary.MAP_ZOOMS``), all
    incidents unfiltered: the world and continent maps read these, not the incidents."""
    __tablename__ = "incident_cells"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zoom: Mapped[int] = mapped_column(Integer)
    gx: Mapped[int] = mapped_column(Integer)
    gy: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    lat_sum: Mapped[float] = mapped_column(Float)
    lon_sum: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    west: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    best: Mapped[int | None] = mapped_column(Integer)


class IncidentDayRow(Base):
    """Dated incidents per first day, all incidents unfiltered: the timeline's unfiltered buckets."""
    __tablename__ = "incident_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    best: Mapped[int | None] = mapped_column(Integer)


Index("ix_incident_cells_cell", MapCellRow.zoom, MapCellRow.gy, MapCellRow.gx)
Index("ix_incident_actors_actor", IncidentActorRow.actor_id, IncidentActorRow.incident_id)
Index("ix_incident_actors_name", IncidentActorRow.name, IncidentActorRow.incident_id)


class ReviewRow(Base):
    """An analyst's review, kept apart from machine output. ``anchor`` is the reviewed incident's
    member events (document sha256:event id) at review time, so it finds its incident again
    after any rebuild; ``events`` names the events a merge joins or a split takes out."""
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16))          # grade, correct, merge, split
    anchor: Mapped[list] = mapped_column(JSON)
    field: Mapped[str | None] = mapped_column(String(32))
    value: Mapped[dict | None] = mapped_column(JSON)
    events: Mapped[list | None] = mapped_column(JSON)
    who: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    why: Mapped[str | None] = mapped_column(Text)


class UserRow(Base):
    """A person who uses the served ledger. The password is kept as an argon2 hash only."""
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    """An API token: only its SHA-256 is stored (tokens are 256 random bits)."""
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _fk("users")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A web login: the cookie carries 256 random bits; only their SHA-256 is stored."""
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _fk("users")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottleRow(Base):
    """Failed logins in a row for one user name (``kind`` "user") or from one client address
    ("address"), and the lockout they earned; kept in the database so every worker and a
    restarted server see the same counts."""
    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_login_throttle_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(256))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AggregateEventRow(Base):
    """What the incidents stage reads of an event, kept by it (``aggregate.incremental``): its
    family, date window (day ordinals) and the window's tier (``w1 - w0``'s bit length: an
    event of tier t starts at most 2^t days before any day its window holds), its best places'
    latitudes and reach, the record it groups by (story included, text left out), and the group
    the machine put it in (``machine``, before reviews), and ``sig``: short hashes of what
    another event must share with it to be linked (none: read it whatever it shares)."""
    __tablename__ = "aggregate_events"
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(96), unique=True)
    family: Mapped[str] = mapped_column(String(32))
    tier: Mapped[int | None] = mapped_column(Integer)
    w0: Mapped[int | None] = mapped_column(Integer)
    w1: Mapped[int | None] = mapped_column(Integer)
    lat_lo: Mapped[float | None] = mapped_column(Float)
    lat_hi: Mapped[float | None] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    record: Mapped[dict] = mapped_column(JSON)
    machine: Mapped[str | None] = mapped_column(String(16))
    sig: Mapped[str | None] = mapped_column(Text)      # the pre-filter (``aggregate.records.signature``)


Index("ix_aggregate_events_window", AggregateEventRow.family, AggregateEventRow.tier, AggregateEventRow.w0)
Index("ix_aggregate_events_w0", AggregateEventRow.w0)
Index("ix_aggregate_events_machine", AggregateEventRow.machine)


class AggregateNameRow(Base):
    """How many documents name a place, victim or source (``token``: a hash of kind and folded
    name) in events whose windows touch a year: the rarity the grouping weighs names by."""
    __tablename__ = "aggregate_names"
    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    docs: Mapped[int] = mapped_column(Integer)


class AggregateTokenRow(Base):
    """Which events name a token in a year (to find the events whose weights change)."""
    __tablename__ = "aggregate_tokens"
    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)


Index("ix_aggregate_tokens_event", AggregateTokenRow.event_id)


class LedgerStateRow(Base):
    """Facts about the ledger as a whole, by key. ``needs_rebuild``: the incidents are older than
    the stored documents. Each document's transaction writes it (a fresh token), and a rebuild
    deletes it with the incidents it writes, only if no document came in since the rebuild began
    (the token is still the one it read); so a process that dies between storing and rebuilding
    leaves it set, and the next ingest, aggregate, run or batch load rebuilds."""
    __tablename__ = "ledger_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
