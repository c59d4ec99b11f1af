"""BlockTagger: puts the structure stage's blocks and posts on the Doc as span groups."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...structure.blocks import dateline_end
from ..extensions import SPANS_BLOCKS, SPANS_POSTS, USER_STRUCTURE


class BlockTagger:
    """Reads ``doc.user_data["wl_structure"]`` and sets ``doc.spans["wl_blocks"]`` (labelled by
    block kind) and ``doc.spans["wl_posts"]``, so later components can tell a navigation link
    or an embedded post from the outlet's own reporting. A Doc made without a structure record
    gets one block per non-blank line, labelled ``paragraph``."""

    def __init__(self, nlp: Language, name: str = "warledger_structure"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        structure = doc.user_data.get(USER_STRUCTURE)
        if structure is None:
            from ...structure import find_blocks
            blocks, posts = find_blocks(doc.text)
        else:
            blocks, posts = structure.blocks, structure.posts
        doc.spans[SPANS_BLOCKS] = [s for s in (self._span(doc, b.start, b.end, b.kind) for b in blocks) if s]
        # a block starts a sentence: run before the parser, this keeps a headline, a link or a
        # post from being parsed into the paragraph after it
        for span in doc.spans[SPANS_BLOCKS]:
            if span.start > 0 and doc[span.start].is_sent_start is not False:
                doc[span.start].is_sent_start = True
            # a dateline ("KABUL, Afghanistan (AP) — A bomb ...") is no part of the sentence after
            # it: read together, its place becomes the subject of the first verb
            end = dateline_end(doc.text, span.start_char)
            if end is not None and end < span.end_char:
                after = doc.char_span(end, span.end_char, alignment_mode="expand")
                if after is not None and after.start > span.start:
                    doc[after.start].is_sent_start = True
        doc.spans[SPANS_POSTS] = [s for s in (self._span(doc, p.start, p.end, "post") for p in posts) if s]
        return doc

    @staticmethod
    def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
        return doc.char_span(start, end, label=label, alignment_mode="expand")
