"""Plain text: bytes → str, UTF-8 first, other encodings by detection, never a guess."""
from __future__ import annotations

from charset_normalizer import from_bytes

from ..errors import ReadError
from ..model import Document

# charset-normalizer's "chaos" is the share of odd characters in the decoded text;
# above this the bytes are not text in any encoding we would trust.
_MAX_CHAOS = 0.2


def decode_bytes(data: bytes, path: str) -> str:
    """Decode a text file's bytes; raise ``ReadError`` for empty, binary or undecodable input."""
    if not data.strip():
        raise ReadError("E101", "the file is empty", path=path)
    if b"\x00" in data:
        raise ReadError("E102", "the file holds NUL bytes: binary data, not text", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.chaos > _MAX_CHAOS:
        raise ReadError("E103", "the bytes are not UTF-8 and no other encoding fits them confidently",
                        path=path)
    return str(best)


def has_text(text: str) -> bool:
    """True when ``text`` holds something to read: at least one letter or digit (white space,
    punctuation and invisible characters such as zero-width spaces alone are not a text)."""
    return any(ch.isalnum() for ch in text)


def read_text(data: bytes, path: str) -> Document:
    text = decode_bytes(data, path)
    if not text.strip():
        raise ReadError("E101", "the file holds only white space", path=path)
    return Document(text=text, origin=path, input_format="text")
