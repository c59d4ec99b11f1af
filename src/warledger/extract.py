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
from .structure.language import block_languages, document_language

BATCH = 16
_WARM_UP = ("Gunmen attacked a police post near the town on Monday, killing two officers, the governor said.\n\n"
            "Residents said they could not confirm the toll.\n")


def readable_languages(settings: Settings) -> tuple[str, ...]:
    """The languages read: the settings' list, or every language installed."""
    if settings.languages:
        return settings.languages
    from .nlp.languages import installed_languages
    return installed_languages()


def _prepare(doc: Document, settings: Settings) -> Extraction:
    structure = analyse_structure(doc)
    if doc.language:
        block_languages(doc.text, structure.blocks, doc.language)
    else:
        doc.language = document_language(doc.text, structure.blocks)
    ex = Extraction(document=doc, structure=structure)
    languages = readable_languages(settings)
    if doc.language is not None and doc.language not in languages:
        ex.notices.append(f"[W201] {doc.origin or doc.doc_id}: the text is in {doc.language!r}, which the "
                          f"pipeline does not read ({', '.join(languages)}); only its structure "
                          "is given")
    return ex


def _run(nlp, exs: list[Extraction]) -> None:
    from .nlp.convert import doc_actors, doc_events, doc_places, doc_tallies
    from .nlp.extensions import USER_STRUCTURE
    from .nlp.merging import merge_events

    docs = []
    for ex in exs:
        sdoc = nlp.make_doc(ex.document.text)
        sdoc.user_data[USER_STRUCTURE] = ex.structure
        docs.append(sdoc)
    for ex, sdoc in zip(exs, nlp.pipe(docs), strict=True):
        ex.tokens = len(sdoc)
        ex.places = doc_places(sdoc)
        ex.actors = doc_actors(sdoc)
        pub = ex.structure.published.date if ex.structure.published else None
        ex.events = merge_events(doc_events(sdoc, pub))
        ex.tallies = doc_tallies(sdoc)


def load_models(settings: Settings | None = None):
    """Load what extraction reads with — the English pipeline and the language identifier —
    before the first document (else each on first use); returns the pipeline."""
    from .nlp.pipeline import load_pipeline
    from .structure.language import load_identifier

    settings = settings or Settings()
    load_identifier()
    nlp = load_pipeline(settings.model, settings.config)
    # one short text of the project's own through every stage: the lexicons, patterns and
    # caches that load on first use load now
    _run(nlp, [_prepare(Document(text=_WARM_UP), settings)])
    return nlp


def extract_documents(items: Iterable[Document | WarledgerError], settings: Settings | None = None,
                      nlp=None) -> Iterator[Extraction | WarledgerError]:
    """Extractions for documents and the errors passed through, in input order.

    The English spaCy pipeline is loaded once (``nlp`` or the settings' model) and run in
    batches; a document in another language goes through that language's pipeline, loaded the
    first time one is met (``nlp/languages.py``). Then the reports of one happening a document
    tells twice are merged (``nlp/merging.py``)."""
    from .nlp.pipeline import load_pipeline

    settings = settings or Settings()
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        prepared = [item if isinstance(item, WarledgerError) else _prepare(item, settings) for item in batch]
        readable = [ex for ex in prepared if isinstance(ex, Extraction) and not ex.notices]
        english = [ex for ex in readable if ex.document.language in (None, "en")]
        if english:
            nlp = nlp or load_pipeline(settings.model, settings.config)
            _run(nlp, english)
        others: dict[str, list[Extraction]] = {}
        for ex in readable:
            if ex.document.language not in (None, "en"):
                others.setdefault(ex.document.language, []).append(ex)
        if others:
            from .nlp.languages import load_language_pipeline
            for lang, exs in others.items():
                _run(load_language_pipeline(lang), exs)
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
