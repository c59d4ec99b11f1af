"""HTML: main text and metadata through trafilatura and htmldate.

Captions and link lists are marked in the markup before extraction, so that they reach the
main text and become ``caption`` and ``navigation`` blocks; the document text is the extracted
main text, built element by element so that each block's offsets are exact.
"""
from __future__ import annotations

import datetime as dt
import re

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree

from ..errors import ReadError
from ..model import Block, Document

# trafilatura's output elements → block kinds
_KINDS = {"head": "heading", "p": "paragraph", "quote": "quote", "list": "paragraph",
          "table": "paragraph", "code": "paragraph"}
_CHROME = {"nav", "header", "footer", "aside"}
_CAPTION_CLASSES = ("caption", "wp-caption-text", "image-caption", "photo-caption")


def _in_chrome(el) -> bool:
    return any(a.tag in _CHROME for a in el.iterancestors())


# characters an lxml text node refuses (XML 1.0 excludes them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text_of(el) -> str:
    return " ".join(_NOT_XML.sub(" ", el.text_content()).split())


def _prepare(tree) -> tuple[list[str], list[list[str]]]:
    """Lift captions out of figures and flatten link lists into paragraphs; return their texts.
    An element with no parent (the whole fragment is one caption or one list) stays as it is."""
    captions: list[str] = []
    link_lists: list[list[str]] = []
    for el in list(tree.iter("figcaption", "p", "div", "span")):
        classes = el.get("class") or ""
        if el.tag != "figcaption" and not any(c in classes.split() for c in _CAPTION_CLASSES):
            continue
        text = _text_of(el)
        if not text:
            continue
        fig = next((a for a in el.iterancestors() if a.tag == "figure"), None)
        anchor = fig if fig is not None else el
        if anchor.getparent() is None:
            continue
        para = lxml.html.Element("p")
        para.text = text
        anchor.addprevious(para)
        para.tail = None
        anchor.drop_tree()
        captions.append(text)
    for lst in list(tree.iter("ul", "ol")):
        items = lst.findall("li")
        if len(items) < 2 or _in_chrome(lst) or lst.getparent() is None:
            continue
        texts = [_text_of(li) for li in items]
        linked = [li for li in items if li.find(".//a") is not None]
        if len(linked) < len(items) or not all(texts):
            continue
        div = lxml.html.Element("div")
        for t in texts:
            p = etree.SubElement(div, "p")
            p.text = t
        lst.addprevious(div)
        div.tail = None
        lst.drop_tree()
        link_lists.append(texts)
    return captions, link_lists


def _published(html: str, meta_date: str | None) -> dt.date | None:
    value = meta_date or find_date(html, extensive_search=False, original_date=True)
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def read_html(html: str, path: str, *, url: str | None = None) -> Document:
    # control characters parse into the tree, but lxml refuses them when text is moved (ValueError)
    html = _NOT_XML.sub(" ", html)
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("E111", f"the HTML cannot be parsed ({exc})", path=path) from None
    captions, link_lists = _prepare(tree)
    result = trafilatura.bare_extraction(tree, url=url, with_metadata=True, favor_recall=True,
                                         include_comments=False)
    body = getattr(result, "body", None) if result is not None else None
    if body is None or not "".join(body.itertext()).strip():
        raise ReadError("E112", "the HTML page has no body text", path=path)

    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for tag, raw in _units(body):
        text = " ".join(raw.split())
        if not text:
            continue
        if parts:
            parts.append("\n")
            pos += 1
        blocks.append(Block(_KINDS.get(tag, "paragraph"), pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    text = "".join(parts)
    _mark_from_markup(text, blocks, captions, link_lists)
    meta = result.as_dict()
    return Document(text=text, origin=path, input_format="html", url=url or meta.get("url"),
                    title=meta.get("title"), source=meta.get("sitename") or meta.get("hostname"),
                    published=_published(html, meta.get("date")), html_blocks=blocks)


def _units(body) -> list[tuple[str, str]]:
    """The extracted text element by element: the text right inside the root (trafilatura's
    result is sometimes a single ``<span>`` or ``<article>`` holding the whole text), each
    child, and the text after a child (its tail), which belongs to no child."""
    units: list[tuple[str, str]] = []
    if body.text and body.text.strip():
        units.append(("p", body.text))
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else "p"
        units.append((tag, "".join(el.itertext())))
        if el.tail and el.tail.strip():
            units.append(("p", el.tail))
    return units


def _mark_from_markup(text: str, blocks: list[Block], captions: list[str],
                      link_lists: list[list[str]]) -> None:
    """Blocks whose text came from a caption become captions; a run of link-list items (with a
    short label heading right before it, such as "Related:") becomes one navigation block."""
    by_text = {text[b.start:b.end]: b for b in blocks}
    for cap in captions:
        if cap in by_text:
            by_text[cap].kind = "caption"
    for items in link_lists:
        # the run of blocks holding the list's items in order (two lists may share a headline,
        # so an item's text alone does not say which block is this list's)
        texts = [text[b.start:b.end] for b in blocks]
        present = [t for t in items if t in texts]
        n = len(present)
        i = next((k for k in range(len(blocks) - n + 1) if texts[k:k + n] == present), None) if n else None
        if i is None:
            continue
        first, last = blocks[i], blocks[i + n - 1]
        if i > 0 and blocks[i - 1].kind == "heading" and blocks[i - 1].end - blocks[i - 1].start <= 40:
            first = blocks[i - 1]
        nav = Block("navigation", first.start, last.end)
        keep = [b for b in blocks if b.end <= nav.start or b.start >= nav.end]
        blocks[:] = sorted([*keep, nav], key=lambda b: b.start)
