"""The document's language, detected from its text (langdetect, seeded so it is repeatable)."""
from __future__ import annotations

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0

_SAMPLE_CHARS = 4000
_MIN_LETTERS = 20
_MIN_PROB = 0.6


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code, or None when the text is too short or too mixed to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < _MIN_LETTERS:
        return None
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return best.lang if best.prob >= _MIN_PROB else None
