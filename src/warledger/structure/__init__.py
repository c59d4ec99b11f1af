"""structure: Document → blocks, posts and the publication date (inferred when missing)."""
from __future__ import annotations

from ..model import Document, PublishedDate, Structure
from .blocks import find_blocks, split_lines
from .pubdate import infer_published, labelled_date, opening_date


def analyse_structure(doc: Document) -> Structure:
    """Find blocks and posts, and the publication date: the one the page gives itself under a
    label near its top ("Published 3 May 2021") or opens with (``opening_date``), else the one
    given with it (a feed's or crawler's field), else inferred and marked so."""
    blocks, posts = find_blocks(doc.text, doc.html_blocks or None)
    lines = split_lines(doc.text)
    own = (labelled_date(doc.text, lines, blocks) if doc.published is not None else None) \
        or opening_date(doc.text, lines, blocks)
    if own is not None:
        published = own
    elif doc.published is not None:
        published = PublishedDate(doc.published, doc.published_inferred, doc.published_source or "metadata")
    else:
        published = infer_published(doc.text, lines, blocks, posts)
    return Structure(blocks=blocks, posts=posts, published=published)


__all__ = ["analyse_structure", "find_blocks", "infer_published"]
