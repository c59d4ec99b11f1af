"""Time expressions resolved against the document's date, on phrases written for the tests."""
from __future__ import annotations

import datetime as dt

import pytest

from warledger.resolve.dates import resolve_all

REF = dt.date(2017, 4, 5)


@pytest.mark.parametrize("text,start,end,precision", [
    ("the raid in August 2013, officials said", "2013-08-01", "2013-08-31", "month"),
    ("fighting since May 2015 has emptied the town", "2015-05-01", "2015-05-31", "month"),
    ("the truce agreed in March held", "2017-03-01", "2017-03-31", "month"),
    ("the convoy hit in August 21 fog", "2016-08-21", "2016-08-21", "day"),     # a day, not a month and a year
    ("shelling since Tuesdays truce broke down", "2017-04-04", "2017-04-04", "day"),   # an apostrophe lost
])
def test_dates_months_with_and_without_their_year(text, start, end, precision):
    (r,) = resolve_all(text, REF)
    assert (r.start.isoformat(), r.end.isoformat(), r.precision) == (start, end, precision)
    assert text[r.span[0]:r.span[1]] == r.text


@pytest.mark.parametrize("text", ["markets open on Tuesdays and Fridays", "schools shut on Tuesdays or earlier"])
def test_dates_a_plural_weekday_before_a_conjunction_is_a_habit(text):
    assert resolve_all(text, REF) == []
