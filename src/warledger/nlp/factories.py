"""All of warledger's spaCy registrations, spaCy-style: factories by name, with their
``requires``/``assigns`` and default config."""
from __future__ import annotations

from spacy.language import Language

from .components.structure import BlockTagger
from .extensions import set_extensions

set_extensions()


@Language.factory(
    "warledger_structure",
    assigns=["doc.spans"],
    default_config={},
)
def make_block_tagger(nlp: Language, name: str) -> BlockTagger:
    return BlockTagger(nlp, name)
