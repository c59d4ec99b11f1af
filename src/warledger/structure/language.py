"""The language of a document and of each of its blocks, detected from the text.

English function words are counted first: a text in which they make up a large share of the
words is English, and needs no statistical detector (this keeps detection cheap for the usual
case). Otherwise py3langid decides, its model (shipped in the package) limited to the languages
of ``patterns/language.yaml`` (``candidates``): a short post is not taken for a language nobody
reads here. Each block gets its own language when its letters are enough to tell; a block too
short to tell takes the document's.
"""
from __future__ import annotations

import re
from functools import cache

from ..model import Block
from .lexicon import load

_SAMPLE_CHARS = 4000
_QUICK_CHARS = 1200           # enough words to see English function words
_MIN_LETTERS = 20
_BLOCK_MIN_LETTERS = 30       # fewer letters than this: a block is read in the document's language
_MIN_PROB = 0.6
_ENGLISH_SHARE = 0.25          # function words are 40-50 % of running English text
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _function_words() -> frozenset[str]:
    return frozenset(load("language")["english_function_words"])


@cache
def candidate_languages() -> tuple[str, ...]:
    return tuple(load("language")["candidates"])


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(candidate_languages()))
    return ident


def load_identifier() -> None:
    """Load the language identifier's model now (otherwise on the first text it is asked about)."""
    _identifier()


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def detect_language(text: str, *, min_letters: int = _MIN_LETTERS) -> str | None:
    """An ISO 639-1 code, or None when the text is too short or too mixed to tell."""
    sample = text[:_SAMPLE_CHARS]
    if _letters(sample) < min_letters:
        return None
    words = _WORD.findall(sample[:_QUICK_CHARS].lower())
    if words and sum(w in _function_words() for w in words) / len(words) >= _ENGLISH_SHARE:
        return "en"
    lang, prob = _identifier().classify(sample)
    return lang if prob >= _MIN_PROB else None


def block_languages(text: str, blocks: list[Block], document: str | None) -> list[int]:
    """Set each block's language: its own when it says enough, else the document's. Returns
    each block's count of letters."""
    counts = []
    for b in blocks:
        part = text[b.start:b.end]
        n = _letters(part)
        own = detect_language(part, min_letters=_BLOCK_MIN_LETTERS) if n >= _BLOCK_MIN_LETTERS else None
        b.language = own or document
        counts.append(n)
    return counts


def document_language(text: str, blocks: list[Block]) -> str | None:
    """The language of most of the text's letters, block by block (an English article quoting a
    Russian post is English), and each block's language set on it. Without blocks, or when no
    block says enough, the language of the text as a whole."""
    whole = detect_language(text)
    counts = block_languages(text, blocks, None)
    letters: dict[str, int] = {}
    for b, n in zip(blocks, counts, strict=True):
        if b.language:
            letters[b.language] = letters.get(b.language, 0) + n
    lang = max(letters, key=letters.get) if letters else whole
    for b in blocks:
        b.language = b.language or lang
    return lang
