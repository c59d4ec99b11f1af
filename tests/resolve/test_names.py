"""Name folding: the plain-ASCII fast path folds as the full Unicode path does."""
from __future__ import annotations

import unicodedata

import pytest

from warledger.resolve.names import fold, name_key


def _full(text: str, marks: bool) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    from warledger.resolve import names
    s = s.translate(names._MARKS if marks else names._QUOTES)
    return names._SPACE.sub(" ", s).strip()


@pytest.mark.parametrize("text", ["Ar-Raqqah", "  Deir  ez-Zor ", "St. Peter's Square", "U.S.", "Homs & Hama",
                                  "KAFR-NABL", "a_b/c#d(e)", "Al Qadam, Damascus"])
@pytest.mark.parametrize("marks", [False, True])
def test_the_ascii_fast_path_folds_as_the_full_path(text, marks):
    assert fold(text, marks=marks) == _full(text, marks)


def test_names_with_marks_still_fold_their_marks():
    assert fold("Dar‘ā", marks=True) == "dara"
    assert name_key("Ḩalab") == name_key("Halab")
    assert name_key("Ar-Raqqah") == "raqqah"
