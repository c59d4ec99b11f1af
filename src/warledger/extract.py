"""The extraction job: read → structure → language analysis → the contract, one document at a time."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from .errors import WarledgerError
from .model import Document, Extraction
from .read import read_path
from .settings import Settings
from .structure import analyse_structure
from .structure.language import detect_language

BATCH = 16


def _prepare(doc: Document, settings: Settings) -> Extraction:
    structure = analyse_structure(doc)
    if not doc.language:
        doc.language = detect_language(doc.text)
    ex = Extraction(document=doc, structure=structure)
    if doc.language is not None and doc.language not in settings.languages:
        ex.notices.append(f"[W201] {doc.origin or doc.doc_id}: the text is in {doc.language!r}, which the "
                          f"pipeline does not read ({', '.join(settings.languages)}); only its structure "
                          "is given")
    return ex


def extract_documents(items: Iterable[Document | WarledgerError], settings: Settings | None = None,
                      nlp=None) -> Iterator[Extraction | WarledgerError]:
    """Extractions for documents and the errors passed through, in input order.

    The spaCy pipeline is loaded once (``nlp`` or the settings' model) and run in batches."""
    from .nlp.convert import doc_actors, doc_events, doc_places, doc_tallies
    from .nlp.extensions import USER_STRUCTURE
    from .nlp.merging import merge_events
    from .nlp.pipeline import load_pipeline

    settings = settings or Settings()
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        prepared = [item if isinstance(item, WarledgerError) else _prepare(item, settings) for item in batch]
        readable = [ex for ex in prepared if isinstance(ex, Extraction) and not ex.notices]
        if readable:
            nlp = nlp or load_pipeline(settings.model, settings.config)
            docs = []
            for ex in readable:
                sdoc = nlp.make_doc(ex.document.text)
                sdoc.user_data[USER_STRUCTURE] = ex.structure
                docs.append(sdoc)
            for ex, sdoc in zip(readable, nlp.pipe(docs), strict=True):
                ex.tokens = len(sdoc)
                ex.places = doc_places(sdoc)
                ex.actors = doc_actors(sdoc)
                pub = ex.structure.published.date if ex.structure.published else None
                ex.events = merge_events(doc_events(sdoc, pub))
                ex.tallies = doc_tallies(sdoc)
        yield from prepared


def extract(path: str | Path, *, input_format: str | None = None, settings: Settings | None = None,
            explain: bool = False) -> list[dict[str, Any]]:
    """``warledger extract PATH`` as a function: the contract objects of every document in PATH
    (``explain``: as ``--explain`` writes them, with each event's rules and evidence).

    Raises the first ``WarledgerError`` met; the CLI instead reports every bad input and goes on."""
    from .export.extract_json import to_contract

    out = []
    for item in extract_documents(read_path(path, input_format), settings):
        if isinstance(item, WarledgerError):
            raise item
        out.append(to_contract(item, explain=explain))
    return out
