"""spaCy Doc → typed records (``warledger.model``): the only place where what the components
found becomes warledger values."""
from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc

from ..model import (
    ActorRef,
    Alternative,
    Attribution,
    Event,
    EventDate,
    Fatalities,
    PlaceRef,
    Role,
    Span,
    Tally,
)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 5)


def _spans(mentions) -> tuple[Span, ...]:
    return tuple((int(s), int(e)) for s, e in mentions)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def place_ref(rec) -> PlaceRef:
    p = rec.place
    return PlaceRef(name=rec.name, geonameid=p.geonameid if p else None, lat=_round(rec.lat), lon=_round(rec.lon),
                    country=p.country if p else None, admin1=p.admin1_name if p else None, level=rec.level,
                    precision=rec.precision, mentions=_spans(rec.mentions),
                    readings=tuple(getattr(rec, "readings", None) or ()),
                    native_name=p.native_name if p else None,
                    alternatives=tuple(Alternative(c.name, c.geonameid, c.country or None, c.level, c.lat, c.lon,
                                                   round(s, 2)) for s, c in getattr(rec, "ranked", ())),
                    why=tuple(getattr(rec, "why", ()) or ()))


def doc_places(doc: Doc) -> list[PlaceRef]:
    """Every toponym of the document with its readings (the literal ones alone when the
    recognizer kept no others)."""
    recs = doc._.wl_toponyms if doc._.wl_toponyms is not None else doc._.wl_places
    return [place_ref(rec) for rec in recs or []]


def doc_actors(doc: Doc) -> list[ActorRef]:
    out = []
    for rec in doc._.wl_actors or []:
        a = rec.actor
        out.append(ActorRef(name=rec.name, id=a.id if a else None, kind=rec.kind, affiliation=rec.affiliation,
                            inter=rec.inter, country=a.country if a else rec.country, mentions=_spans(rec.mentions)))
    return out


def _attribution(a: dict) -> Attribution:
    span = a.get("span")
    return Attribution(source=a.get("source"), stance=a["stance"], date=_date(a.get("date")), quote=a.get("quote"),
                       span=(int(span[0]), int(span[1])) if span else None, rule=a.get("rule"))


def doc_events(doc: Doc, published: dt.date | None) -> list[Event]:
    out = []
    for n, ev in enumerate(doc._.wl_events or [], start=1):
        if ev.date is not None:
            span = ev.date.span
            date = EventDate(ev.date.start, ev.date.end, ev.date.precision, ev.date.text,
                             (int(span[0]), int(span[1])) if span else None, getattr(ev.date, "rule", None))
        else:
            date = EventDate(None, published, "unknown")
        c = ev.count
        fatalities = None if c is None else Fatalities(c.low, c.best, c.high, c.group, c.text,
                                                       (int(c.span[0]), int(c.span[1])), c.rule)
        out.append(Event(
            id=f"e{n}", type=ev.type, date=date,
            places=tuple(place_ref(p) for p in ev.places),
            actors=tuple(Role(name=r.name, role=r.role, id=r.actor_id, kind=r.kind, mentions=_spans(r.mentions),
                              rule=getattr(r, "rule", None)) for r in ev.roles),
            fatalities=fatalities, count=ev.occurrences,
            attributions=tuple(_attribution(a) for a in ev.attributions),
            status=ev.status, mentions=tuple(sorted(set(_spans(ev.mentions)))),
            sentences=tuple(sorted({(s.start_char, s.end_char) for s in getattr(ev, "sents", ())}))))
    return out


def doc_tallies(doc: Doc) -> list[Tally]:
    return [Tally(subject=t["subject"], actor=t["actor"], measure=t["measure"], group=t["group"], value=t["value"],
                  since=_date(t["since"]), as_of=_date(t["as_of"]), increment=t["increment"], source=t["source"],
                  text=t["text"], span=(int(t["span"][0]), int(t["span"][1])),
                  text_span=(int(t["text_span"][0]), int(t["text_span"][1])) if t.get("text_span") else None)
            for t in doc._.wl_tallies or []]
