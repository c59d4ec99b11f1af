"""read: bytes → Document, for text, HTML, JSON Lines, RSS/Atom and WARC inputs."""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import ReadError, UsageError, WarledgerError
from ..model import Document
from .feeds import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .text import decode_bytes, has_text, read_text
from .warc import read_warc

FORMATS = ("text", "html", "jsonl", "feed", "warc")

_BY_SUFFIX = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html",
              ".xhtml": "html", ".jsonl": "jsonl", ".ndjson": "jsonl", ".rss": "feed",
              ".atom": "feed", ".warc": "warc"}


def sniff(path: Path, data: bytes) -> str:
    """The input format, from the content first and the file name second."""
    head = data[:2048]
    if head.startswith(b"WARC/"):
        return "warc"
    if head[:2] == b"\x1f\x8b":
        try:                                  # the first bytes only: a hostile gzip may unpack to gigabytes
            if zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 16)[:5] == b"WARC/":
                return "warc"
        except zlib.error:
            pass
        if ".warc" in path.name.lower():
            return "warc"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<?xml", b"<rss", b"<feed")) and (b"<rss" in low or b"<feed" in low or b"<rdf" in low):
        return "feed"
    if low.startswith(b"<!doctype html") or low.startswith(b"<html"):
        return "html"
    if low.startswith(b"{") and path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    suffix = ".warc" if path.name.lower().endswith(".warc.gz") else path.suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if low.startswith(b"{"):
        return "jsonl"
    return "text"


def read_path(path: str | Path, input_format: str | None = None,
              lines: tuple[int, int] | None = None) -> Iterator[Document | WarledgerError]:
    """Yield the documents one input holds, and a WarledgerError for each part that cannot be read.

    A multi-document input (JSON Lines, feed, WARC) keeps its good documents when some are bad.
    ``lines`` (first, last) reads only those lines of a JSON Lines file.
    """
    p = Path(path)
    name = str(path)
    if input_format is not None and input_format not in FORMATS:
        yield UsageError("E100", f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}",
                         path=name)
        return
    if not p.exists():
        yield UsageError("E104", "no such file", path=name)
        return
    if p.is_dir():
        yield UsageError("E105", "is a directory; give the files inside it", path=name)
        return
    try:
        data = p.read_bytes()
    except OSError as exc:
        yield ReadError("E106", f"cannot be read ({exc.strerror})", path=name)
        return
    yield from read_bytes(data, name, input_format, lines)


def read_bytes(data: bytes, name: str, input_format: str | None = None,
               lines: tuple[int, int] | None = None) -> Iterator[Document | WarledgerError]:
    """The documents in ``data`` read as if from a file called ``name`` (the API's uploads)."""
    if input_format is not None and input_format not in FORMATS:
        yield UsageError("E100", f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}",
                         path=name)
        return
    if not data.strip():
        yield ReadError("E101", "the file is empty", path=name)
        return
    fmt = input_format or sniff(Path(name), data)
    yield from checked(_read(data, name, fmt, lines), name)


def _read(data: bytes, name: str, fmt: str, lines: tuple[int, int] | None) -> Iterator[Document | WarledgerError]:
    try:
        if fmt == "text":
            yield read_text(data, name)
        elif fmt == "html":
            yield read_html(decode_bytes(data, name), name)
        elif fmt == "jsonl":
            yield from read_jsonl(decode_bytes(data, name), name, lines)
        elif fmt == "feed":
            yield from read_feed(data, name)
        elif fmt == "warc":
            yield from read_warc(data, name)
    except ReadError as err:
        yield err
    except Exception as exc:       # noqa: BLE001  a parser's own bug must not end the whole run
        msg = str(exc).splitlines()[0][:200] if str(exc) else ""
        yield ReadError("E109", f"the {fmt} reader failed on this input ({type(exc).__name__}"
                                f"{': ' + msg if msg else ''}); the rest of the file is not read", path=name)


# what the ledger's columns hold at most (store/tables.py)
_MAX_LEN = {"id": 512, "language": 16}
_FIELDS = ("text", "id", "source", "url", "title", "language")


def problem(doc: Document) -> ReadError | None:
    """Why ``doc`` cannot become a ledger document, or None: it has no text to read (E107) or
    holds what no database column can keep (E108: NUL, a lone surrogate, an id over 512
    characters)."""
    where = doc.origin
    for name in _FIELDS:
        value = getattr(doc, name)
        if value is None:
            continue
        if "\x00" in value:
            return ReadError("E108", f"the {name} holds a NUL character, which cannot be stored", path=where)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return ReadError("E108", f"the {name} holds a lone surrogate (invalid Unicode), which cannot be "
                                     "stored", path=where)
        if name in _MAX_LEN and len(value) > _MAX_LEN[name]:
            return ReadError("E108", f"the {name} is longer than {_MAX_LEN[name]} characters", path=where)
    if not has_text(doc.text):
        return ReadError("E107", "no text to read", path=where)
    if doc.source is not None and len(doc.source) > 512:
        doc.source = doc.source[:512]                 # a site name: a label, kept to its column
    return None


def checked(items: Iterable[Document | WarledgerError], name: str) -> Iterator[Document | WarledgerError]:
    """``items`` with every document that cannot be stored turned into its error."""
    for item in items:
        if isinstance(item, Document):
            if item.origin is None:
                item.origin = name
            err = problem(item)
            yield err if err is not None else item
        else:
            yield item


__all__ = ["FORMATS", "read_path", "read_bytes", "sniff", "checked", "problem", "has_text", "read_html", "read_text", "read_jsonl", "read_feed",
           "read_warc", "decode_bytes"]
