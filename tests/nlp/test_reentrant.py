"""One instance of each warledger component reads several documents at once: per-document
state lives in a per-call context (or on the Doc), never on the component."""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import EXAMPLES, _need_shared
from warledger.export.extract_json import event_json, place_json, tally_json
from warledger.model import Document
from warledger.nlp.convert import doc_events, doc_places, doc_tallies
from warledger.nlp.extensions import USER_STRUCTURE
from warledger.nlp.pipeline import load_pipeline
from warledger.structure import analyse_structure

OURS = ("warledger_places", "warledger_actors", "warledger_events", "warledger_attributions")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _parsed(nlp, text: str):
    """The document after spaCy's own components, before warledger's."""
    structure = analyse_structure(Document(text=text))
    doc = nlp.make_doc(text)
    doc.user_data[USER_STRUCTURE] = structure
    for name, proc in nlp.pipeline:
        if name not in OURS:
            doc = proc(doc)
    return doc


def _read(nlp, doc) -> dict:
    """warledger's components on ``doc`` (the same instances every call), as plain values."""
    for name in OURS:
        doc = nlp.get_pipe(name)(doc)
    pub = doc.user_data[USER_STRUCTURE].published
    return {"places": [place_json(p) for p in doc_places(doc)],
            "events": [event_json(e) for e in doc_events(doc, pub.date if pub else None)],
            "tallies": [tally_json(t) for t in doc_tallies(doc)]}


@pytest.mark.parametrize("rounds", [3])
def test_components_read_two_documents_at_once_as_one_at_a_time(nlp, rounds):
    _need_shared()
    texts = [EXAMPLES[0].read_text(encoding="utf-8"), EXAMPLES[3].read_text(encoding="utf-8")]
    alone = [_read(nlp, _parsed(nlp, t)) for t in texts]
    assert all(a["events"] for a in alone)
    docs = [_parsed(nlp, texts[i % 2]) for i in range(2 * rounds)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)                 # switch threads as often as the interpreter can
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            together = list(pool.map(lambda d: _read(nlp, d), docs))
    finally:
        sys.setswitchinterval(old)
    for i, out in enumerate(together):
        assert out == alone[i % 2]
