"""User text inside LIKE patterns: its wildcards (``%``, ``_``) and the escape character are
escaped, so "50%" finds "50%" and "_" finds an underscore, not everything. Use with
``column.ilike(contains(text), escape=ESCAPE)``."""
from __future__ import annotations

ESCAPE = "\\"


def contains(text: str) -> str:
    """A pattern matching any value that contains ``text`` literally."""
    quoted = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{quoted}%"
