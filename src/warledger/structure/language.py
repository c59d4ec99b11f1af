"""The document's language, detected from its text.

English function words are counted first: a text in which they make up a large share of the
words is English, and needs no statistical detector (this keeps detection cheap for the usual
case). Otherwise langdetect decides (seeded, so it is repeatable)."""
from __future__ import annotations

import re
from functools import cache

from langdetect import DetectorFactory, LangDetectException, detect_langs

from .lexicon import load

DetectorFactory.seed = 0

_SAMPLE_CHARS = 4000
_QUICK_CHARS = 1200           # enough words to see English function words
_MIN_LETTERS = 20
_MIN_PROB = 0.6
_ENGLISH_SHARE = 0.25          # function words are 40-50 % of running English text
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _function_words() -> frozenset[str]:
    return frozenset(load("language")["english_function_words"])


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code, or None when the text is too short or too mixed to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < _MIN_LETTERS:
        return None
    words = _WORD.findall(sample[:_QUICK_CHARS].lower())
    if words and sum(w in _function_words() for w in words) / len(words) >= _ENGLISH_SHARE:
        return "en"
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return best.lang if best.prob >= _MIN_PROB else None
