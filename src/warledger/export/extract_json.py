"""The ``warledger.extract/1`` contract (DESIGN.md): typed records → one JSON object per
document (``to_contract``), and back (``from_contract``, for extractions kept as JSON)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..model import (
    ActorRef,
    Attribution,
    Block,
    Document,
    Event,
    EventDate,
    Extraction,
    Fatalities,
    PlaceRef,
    Post,
    PublishedDate,
    Role,
    Structure,
    Tally,
)
from ..vocab import EVENT_TYPES

SCHEMA = "warledger.extract/1"


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _spans(mentions) -> list[list[int]]:
    return [list(m) for m in mentions]


def place_json(p: PlaceRef) -> dict[str, Any]:
    return {"name": p.name, "geonameid": p.geonameid, "lat": p.lat, "lon": p.lon, "country": p.country,
            "admin1": p.admin1, "level": p.level, "precision": p.precision, "mentions": _spans(p.mentions),
            "readings": list(p.readings) or ["literal"] * len(p.mentions), "native_name": p.native_name}


def actor_json(a: ActorRef) -> dict[str, Any]:
    return {"name": a.name, "id": a.id, "kind": a.kind, "affiliation": a.affiliation, "inter": a.inter,
            "country": a.country, "mentions": _spans(a.mentions)}


def explain_json(e: Event) -> list[dict[str, Any]]:
    """What gave each part of an event: the rule of each role (a ``roles.yaml`` pattern, or the
    event stage's own name for it), the reading, words and span of the figure and of the date,
    and the cue and span of each attribution's stance."""
    out: list[dict[str, Any]] = [{"part": "actor", "name": r.name, "role": r.role, "rule": r.rule,
                                  "mentions": _spans(r.mentions)} for r in e.actors]
    f = e.fatalities
    if f is not None:
        out.append({"part": "fatalities", "rule": f.rule, "text": f.text, "span": list(f.span)})
    if e.date.span is not None or e.date.text is not None:
        out.append({"part": "date", "rule": e.date.rule, "text": e.date.text,
                    "span": list(e.date.span) if e.date.span else None})
    for a in e.attributions:
        out.append({"part": "attribution", "source": a.source, "stance": a.stance, "rule": a.rule,
                    "span": list(a.span) if a.span else None})
    return out


def event_json(e: Event, explain: bool = False) -> dict[str, Any]:
    """One event of the contract; ``explain`` adds each role's ``rule`` and the ``explain`` list
    (``warledger extract --explain``)."""
    spec = EVENT_TYPES[e.type]
    f = e.fatalities
    out = {
        "id": e.id,
        "type": e.type,
        "acled": {"event_type": spec.acled[0], "sub_event_type": spec.acled[1]},
        "plover": spec.plover,
        "date": {"start": _iso(e.date.start), "end": _iso(e.date.end), "precision": e.date.precision},
        "places": [place_json(p) for p in e.places],
        "actors": [{"name": r.name, "role": r.role, "id": r.id, "kind": r.kind, "mentions": _spans(r.mentions)}
                   | ({"rule": r.rule} if explain and r.rule else {}) for r in e.actors],
        "fatalities": None if f is None else {"low": f.low, "best": f.best, "high": f.high, "group": f.group,
                                              "text": f.text, "span": list(f.span)},
        "count": e.count,
        "attributions": [{"source": a.source, "stance": a.stance, "date": _iso(a.date), "quote": a.quote,
                          "span": list(a.span) if a.span else None} for a in e.attributions],
        "status": e.status,
        "mentions": _spans(e.mentions),
    }
    if explain:
        out["explain"] = explain_json(e)
    return out


def tally_json(t: Tally) -> dict[str, Any]:
    return {"subject": t.subject, "actor": t.actor, "measure": t.measure, "group": t.group, "value": t.value,
            "since": _iso(t.since), "as_of": _iso(t.as_of), "increment": t.increment, "source": t.source,
            "text": t.text, "text_span": list(t.text_span) if t.text_span else None, "span": list(t.span)}


def to_contract(ex: Extraction, *, explain: bool = False) -> dict[str, Any]:
    """The ``warledger.extract/1`` object of one extraction; ``explain``: with each event's
    rules and evidence (``event_json``)."""
    doc, st = ex.document, ex.structure
    pub = st.published
    return {
        "schema": SCHEMA,
        "document": {
            "id": doc.doc_id,
            "title": doc.title,
            "url": doc.url,
            "source": doc.source,
            "published": pub.date.isoformat() if pub else None,
            "published_inferred": pub.inferred if pub else False,
            "published_source": pub.source if pub else None,
            "language": doc.language,
            "sha256": doc.sha256,
            "length": len(doc.text),
            "tokens": ex.tokens,
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end, "language": b.language} for b in st.blocks],
        },
        "posts": [
            {"author": p.author, "handle": p.handle, "date": _iso(p.date),
             "platform": p.platform, "text": p.text, "start": p.start, "end": p.end,
             "text_span": [p.text_start, p.text_start + len(p.text)]}
            for p in st.posts
        ],
        "places": [place_json(p) for p in ex.places],
        "actors": [actor_json(a) for a in ex.actors],
        "events": [event_json(e, explain) for e in ex.events],
        "tallies": [tally_json(t) for t in ex.tallies],
        "notices": list(ex.notices),
    }


# ------------------------------------------------------------------ back from JSON
def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _tuples(mentions) -> tuple[tuple[int, int], ...]:
    return tuple((int(s), int(e)) for s, e in mentions or [])


def _span(value) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value else None


def _place(p: dict[str, Any]) -> PlaceRef:
    return PlaceRef(name=p["name"], geonameid=p.get("geonameid"), lat=p.get("lat"), lon=p.get("lon"),
                    country=p.get("country"), admin1=p.get("admin1"), level=p["level"], precision=p["precision"],
                    mentions=_tuples(p.get("mentions")), readings=tuple(p.get("readings") or ()))


def _event(e: dict[str, Any]) -> Event:
    f = e.get("fatalities")
    return Event(
        id=e["id"], type=e["type"],
        date=EventDate(_date(e["date"]["start"]), _date(e["date"]["end"]), e["date"]["precision"]),
        places=tuple(_place(p) for p in e.get("places", [])),
        actors=tuple(Role(name=r["name"], role=r["role"], id=r.get("id"), kind=r.get("kind"),
                          mentions=_tuples(r.get("mentions")), rule=r.get("rule")) for r in e.get("actors", [])),
        fatalities=None if not f else Fatalities(f["low"], f["best"], f["high"], f["group"], f["text"],
                                                 _span(f["span"]) or (0, 0)),
        count=e.get("count", 1),
        attributions=tuple(Attribution(source=a.get("source"), stance=a["stance"], date=_date(a.get("date")),
                                       quote=a.get("quote"), span=_span(a.get("span")))
                           for a in e.get("attributions", [])),
        status=e["status"], mentions=_tuples(e.get("mentions")))


def from_contract(c: dict[str, Any], text: str) -> Extraction:
    """The typed extraction a contract object was written from (``text`` is the document's)."""
    d = c["document"]
    doc = Document(text=text, id=d["id"], source=d.get("source"), url=d.get("url"), title=d.get("title"),
                   language=d.get("language"))
    pub = _date(d.get("published"))
    published = PublishedDate(pub, bool(d.get("published_inferred")), d.get("published_source") or "") if pub else None
    structure = Structure(
        blocks=[Block(b["kind"], b["start"], b["end"], b.get("language")) for b in d.get("blocks", [])],
        posts=[Post(author=p["author"], handle=p["handle"], date=_date(p["date"]), text=p["text"], start=p["start"],
                    end=p["end"], text_start=(p.get("text_span") or [p["start"]])[0], platform=p.get("platform"))
               for p in c.get("posts", [])],
        published=published)
    return Extraction(
        document=doc, structure=structure,
        places=[_place(p) for p in c.get("places", [])],
        actors=[ActorRef(name=a["name"], id=a.get("id"), kind=a["kind"], affiliation=a.get("affiliation"),
                         inter=a.get("inter"), country=a.get("country"), mentions=_tuples(a.get("mentions")))
                for a in c.get("actors", [])],
        events=[_event(e) for e in c.get("events", [])],
        tallies=[Tally(subject=t["subject"], actor=t["actor"], measure=t["measure"], group=t["group"],
                       value=t["value"], since=_date(t["since"]), as_of=_date(t["as_of"]), increment=t["increment"],
                       source=t["source"], text=t["text"], span=_span(t["span"]) or (0, 0),
                       text_span=_span(t.get("text_span")))
                 for t in c.get("tallies", [])],
        notices=list(c.get("notices", [])), tokens=d.get("tokens"))


def dumps(obj: dict[str, Any], *, pretty: bool) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)
