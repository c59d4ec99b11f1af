"""The ledger: documents and what was read from them, stored one transaction per document,
idempotent by the text's content hash."""
from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..model import Extraction, PlaceRef
from ..vocab import EVENT_TYPES
from .engine import is_transient, open_engine
from .incidents import NEEDS_REBUILD, rebuild_mark
from .tables import (
    ActorAliasRow,
    ActorMentionRow,
    ActorRow,
    AttributionRow,
    Base,
    BlockRow,
    DocumentRow,
    EventActorRow,
    EventPlaceRow,
    EventRow,
    FatalityRow,
    LedgerStateRow,
    PlaceMentionRow,
    PlaceRow,
    PostRow,
    TallyRow,
)

RETRIES = 5


def _figure(f) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"low": f.low, "best": f.best, "high": f.high, "text": f.text, "start": f.start, "end": f.end}


@dataclass
class IngestResult:
    status: str          # ingested, skipped
    document_id: int


class Ledger:
    """``Ledger(url)`` opens (and migrates) the database; ``add(extraction)`` stores one document.
    ``Ledger(url, read_only=True)`` opens an existing ledger for reading only."""

    def __init__(self, url: str | None = None, engine: Engine | None = None, *, read_only: bool = False):
        self.read_only = read_only
        self.engine = engine or open_engine(url, read_only=read_only)
        self.insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        self._ids: dict[tuple, int] = {}
        self._aliases: set[tuple[int, str]] = set()
        self._pending_aliases: set[tuple[int, str]] = set()

    # ---------------------------------------------------------- writing
    def add(self, ex: Extraction) -> IngestResult:
        """Store one extracted document in one transaction; a document already stored (same text)
        is skipped. Concurrent writers are retried when the database is busy."""
        sha = ex.document.sha256
        for attempt in range(RETRIES):
            try:
                with self.engine.begin() as session:      # Core on one connection: one transaction
                    found = session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha))
                    if found is not None:
                        return IngestResult("skipped", found)
                    fresh: dict[tuple, int] = {}
                    doc_id = self._write(session, ex, fresh)
                    self._mark_stale(session)
                self._ids.update(fresh)                     # committed: now safe to reuse
                self._aliases |= self._pending_aliases
                return IngestResult("ingested", doc_id)
            except IntegrityError:
                with Session(self.engine) as session:     # another writer stored it first
                    found = session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha))
                if found is not None:
                    return IngestResult("skipped", found)
                raise
            except OperationalError as exc:
                if attempt == RETRIES - 1 or not is_transient(exc):   # read-only, disk full: no use retrying
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise RuntimeError("unreachable")

    def _mark_stale(self, session) -> None:
        """Within a document's transaction: the incidents no longer cover every document (a fresh
        token, so that a rebuild that began before this document does not clear it)."""
        token = uuid.uuid4().hex
        session.execute(self.insert(LedgerStateRow).values(key=NEEDS_REBUILD, value=token)
                        .on_conflict_do_update(index_elements=["key"], set_={"value": token}))

    def needs_rebuild(self) -> bool:
        """True when documents were stored after the incidents were last written (a process died
        between storing and rebuilding, or nothing has rebuilt yet)."""
        return rebuild_mark(self.engine) is not None

    def _key_id(self, session, table, key: str, values: dict, fresh: dict[tuple, int]) -> int:
        """The id of a place or actor row by its key, inserting it when new. Ids known from
        committed transactions are cached; new ones join the cache once the document commits."""
        cached = self._ids.get((table.__tablename__, key)) or fresh.get((table.__tablename__, key))
        if cached is not None:
            return cached
        session.execute(self.insert(table).values(key=key, **values).on_conflict_do_nothing(index_elements=["key"]))
        rid = session.scalar(select(table.id).where(table.key == key))
        fresh[(table.__tablename__, key)] = rid
        return rid

    def _write(self, session, ex: Extraction, fresh: dict[tuple, int]) -> int:
        """One document in bulk statements (Core inserts, many rows each)."""
        d, st = ex.document, ex.structure
        text = d.text
        pub = st.published
        doc = session.execute(insert(DocumentRow).values(
            sha256=d.sha256, doc_id=d.doc_id, source=d.source, url=d.url, title=d.title,
            published=pub.date if pub else None, published_inferred=bool(pub and pub.inferred),
            published_source=pub.source if pub else None, language=d.language, text=text,
            ingested_at=dt.datetime.now(dt.UTC)).returning(DocumentRow.id)).scalar_one()
        rows: dict[type, list[dict]] = {BlockRow: [], PostRow: [], PlaceMentionRow: [], ActorMentionRow: [],
                                        EventActorRow: [], EventPlaceRow: [], FatalityRow: [], AttributionRow: [],
                                        TallyRow: []}
        rows[BlockRow] = [{"document_id": doc, "kind": b.kind, "start": b.start, "end": b.end} for b in st.blocks]
        rows[PostRow] = [{"document_id": doc, "author": p.author, "handle": p.handle, "date": p.date,
                          "platform": p.platform, "text": p.text, "start": p.start, "end": p.end}
                         for p in st.posts]

        def place_id(p: PlaceRef) -> int:
            return self._key_id(session, PlaceRow, self._place_key(p), {
                "geonameid": p.geonameid, "name": p.name, "country": p.country, "admin1": p.admin1,
                "lat": p.lat, "lon": p.lon, "level": p.level, "precision": p.precision}, fresh)

        for p in ex.places:
            literal = p.literal_mentions()          # the ledger keeps places named as places
            if not literal:
                continue
            pid = place_id(p)
            rows[PlaceMentionRow] += [{"place_id": pid, "document_id": doc, "start": s_, "end": e_}
                                      for s_, e_ in literal]
        actor_ids: dict[str, int] = {}
        aliases = []
        for a in ex.actors:
            key = a.id or "?" + a.name.lower()
            aid = self._key_id(session, ActorRow, key, {
                "registry_id": a.id, "name": a.name, "kind": a.kind, "affiliation": a.affiliation,
                "inter": a.inter, "country": a.country}, fresh)
            actor_ids[key] = aid
            aliases += [{"actor_id": aid, "alias": t[:512]} for t in {text[s_:e_] for s_, e_ in a.mentions}
                        if (aid, t[:512]) not in self._aliases]
            rows[ActorMentionRow] += [{"actor_id": aid, "document_id": doc, "start": s_, "end": e_}
                                      for s_, e_ in a.mentions]
        if aliases:
            session.execute(self.insert(ActorAliasRow).on_conflict_do_nothing(
                index_elements=["actor_id", "alias"]), aliases)
        events = ex.events
        event_ids = []
        if events:                                  # all events in one statement, ids in order
            event_ids = session.execute(insert(EventRow).returning(EventRow.id, sort_by_parameter_order=True), [{
                "document_id": doc, "local_id": ev.id, "type": ev.type,
                "acled_event_type": EVENT_TYPES[ev.type].acled[0],
                "acled_sub_event_type": EVENT_TYPES[ev.type].acled[1], "plover": EVENT_TYPES[ev.type].plover,
                "date_start": ev.date.start, "date_end": ev.date.end, "date_precision": ev.date.precision,
                "count": ev.count, "status": ev.status, "mentions": [list(m) for m in ev.mentions]}
                for ev in events]).scalars().all()
        for eid, ev in zip(event_ids, events, strict=True):
            rows[EventActorRow] += [{"event_id": eid, "actor_id": actor_ids.get(r.id or "?" + r.name.lower()),
                                     "name": r.name, "role": r.role, "mentions": [list(m) for m in r.mentions]}
                                    for r in ev.actors]
            rows[EventPlaceRow] += [{"event_id": eid, "place_id": place_id(p)} for p in ev.places]
            f = ev.fatalities
            if f:
                rows[FatalityRow].append({"event_id": eid, "low": f.low, "best": f.best, "high": f.high,
                                          "grp": f.group, "text": f.text, "start": f.span[0], "end": f.span[1]})
            for at in ev.attributions:
                span = at.span or (None, None)
                rows[AttributionRow].append({"event_id": eid, "source": at.source, "stance": at.stance,
                                             "date": at.date, "quote": at.quote, "start": span[0], "end": span[1]})
        rows[TallyRow] = [{"document_id": doc, "subject": t.subject, "actor": t.actor, "measure": t.measure,
                           "grp": t.group, "value": t.value, "since": t.since, "as_of": t.as_of,
                           "increment": t.increment, "source": t.source, "text": t.text, "start": t.span[0],
                           "end": t.span[1]} for t in ex.tallies]
        for table, values in rows.items():
            if values:
                session.execute(insert(table), values)
        self._pending_aliases = {(a["actor_id"], a["alias"]) for a in aliases}
        return doc

    @staticmethod
    def _place_key(p: PlaceRef) -> str:
        if p.geonameid and p.level == "region":          # "northern Mali": a part of a place
            return f"r:{p.geonameid}:{p.name.lower()}"
        if p.geonameid:
            return f"g:{p.geonameid}:{p.level}"
        return f"n:{p.name.lower()}:{p.lat}:{p.lon}"

    # ---------------------------------------------------------- reading
    def counts(self) -> dict[str, int]:
        """Rows in every table (what a second ingest must leave unchanged)."""
        with Session(self.engine) as session:
            return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}

    def count_documents(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(DocumentRow)) or 0

    def documents(self, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            q = select(DocumentRow).order_by(DocumentRow.id).offset(offset)
            if limit:
                q = q.limit(limit)
            rows = session.scalars(q).all()
            counts = dict(session.execute(select(EventRow.document_id, func.count()).where(
                EventRow.document_id.in_([r.id for r in rows])).group_by(EventRow.document_id)).all())
            out = []
            for r in rows:
                n_events = counts.get(r.id, 0)
                out.append({"id": r.id, "doc_id": r.doc_id, "sha256": r.sha256, "title": r.title, "source": r.source,
                            "published": r.published.isoformat() if r.published else None,
                            "published_inferred": r.published_inferred, "language": r.language,
                            "length": len(r.text), "events": n_events})
            return out

    def document(self, ref: str) -> dict[str, Any] | None:
        """One document by ledger id, input id or sha256, with its extracted values."""
        with Session(self.engine) as session:
            cond = (DocumentRow.doc_id == ref) | (DocumentRow.sha256 == ref.removeprefix("sha256:"))
            if ref.isascii() and ref.isdigit() and len(ref) <= 18:   # an id a database integer can hold
                cond = cond | (DocumentRow.id == int(ref))
            r = session.scalars(select(DocumentRow).where(cond)).first()
            if r is None:
                return None
            events = session.scalars(select(EventRow).where(EventRow.document_id == r.id).order_by(EventRow.id)).all()
            blocks = session.scalars(select(BlockRow).where(BlockRow.document_id == r.id).order_by(BlockRow.start)).all()
            places = session.execute(select(PlaceMentionRow.start, PlaceMentionRow.end, PlaceRow.name, PlaceRow.geonameid)
                                     .join(PlaceRow, PlaceRow.id == PlaceMentionRow.place_id)
                                     .where(PlaceMentionRow.document_id == r.id).order_by(PlaceMentionRow.start)).all()
            actors = session.execute(select(ActorMentionRow.start, ActorMentionRow.end, ActorRow.name)
                                     .join(ActorRow, ActorRow.id == ActorMentionRow.actor_id)
                                     .where(ActorMentionRow.document_id == r.id).order_by(ActorMentionRow.start)).all()
            ev_ids = [e.id for e in events]
            figures = {f.event_id: f for f in session.scalars(select(FatalityRow).where(FatalityRow.event_id.in_(ev_ids)))}
            atts: dict[int, list] = {}
            for a in session.scalars(select(AttributionRow).where(AttributionRow.event_id.in_(ev_ids))
                                     .order_by(AttributionRow.id)):
                atts.setdefault(a.event_id, []).append(a)
            return {
                "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in blocks],
                "places": [{"name": n, "geonameid": g, "start": a, "end": b} for a, b, n, g in places],
                "actors": [{"name": n, "start": a, "end": b} for a, b, n in actors],
                "id": r.id, "doc_id": r.doc_id, "sha256": r.sha256, "title": r.title, "source": r.source,
                "published": r.published.isoformat() if r.published else None, "language": r.language, "text": r.text,
                "events": [{"id": e.local_id, "type": e.type, "status": e.status,
                            "date": {"start": e.date_start.isoformat() if e.date_start else None,
                                     "end": e.date_end.isoformat() if e.date_end else None,
                                     "precision": e.date_precision},
                            "mentions": e.mentions,
                            "fatalities": _figure(figures.get(e.id)),
                            "attributions": [{"source": a.source, "stance": a.stance, "quote": a.quote,
                                              "start": a.start, "end": a.end} for a in atts.get(e.id, [])]}
                           for e in events],
            }

    def search_documents(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """Documents holding every word of ``query`` in title, outlet or text, newest first
        (through the full-text index: ``store.queries.search_documents``)."""
        from .queries import search_documents
        return search_documents(self.engine, query, limit)

    def add_partition(self, items: list[Extraction]) -> dict[str, int]:
        """Store a partition of extracted documents in one transaction; documents already stored
        (or twice in the partition) are skipped. When another writer races it, each document
        is stored on its own instead."""
        counts = {"ingested": 0, "skipped": 0}
        shas = [ex.document.sha256 for ex in items]
        for attempt in range(RETRIES):
            try:
                fresh: dict[tuple, int] = {}
                done = {"ingested": 0, "skipped": 0}
                pending: set[tuple[int, str]] = set()
                with self.engine.begin() as session:
                    stored = set(session.scalars(select(DocumentRow.sha256).where(DocumentRow.sha256.in_(shas))))
                    for ex in items:
                        sha = ex.document.sha256
                        if sha in stored:
                            done["skipped"] += 1
                            continue
                        self._write(session, ex, fresh)
                        pending |= self._pending_aliases
                        stored.add(sha)
                        done["ingested"] += 1
                    if done["ingested"]:
                        self._mark_stale(session)
                self._ids.update(fresh)
                self._aliases |= pending
                return done
            except IntegrityError:
                self._pending_aliases = set()
                for ex in items:
                    counts[self.add(ex).status] += 1
                return counts
            except OperationalError as exc:
                self._pending_aliases = set()
                if attempt == RETRIES - 1 or not is_transient(exc):
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise RuntimeError("unreachable")
