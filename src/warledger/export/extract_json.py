"""The ``warledger.extract/1`` contract: one JSON object per document (DESIGN.md)."""
from __future__ import annotations

import json
from typing import Any

from ..model import Extraction

SCHEMA = "warledger.extract/1"


def to_contract(ex: Extraction) -> dict[str, Any]:
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
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in st.blocks],
        },
        "posts": [
            {"author": p.author, "handle": p.handle, "date": p.date.isoformat() if p.date else None,
             "platform": p.platform, "text": p.text, "start": p.start, "end": p.end,
             "text_span": [p.text_start, p.text_start + len(p.text)]}
            for p in st.posts
        ],
        # places, actors, events and tallies are plain JSON values already (nlp/convert.py)
        "places": ex.places,
        "actors": ex.actors,
        "events": ex.events,
        "tallies": ex.tallies,
        "notices": list(ex.notices),
    }


def dumps(obj: dict[str, Any], *, pretty: bool) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)
