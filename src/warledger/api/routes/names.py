"""Autocomplete over the place and actor names (the forms' filters take what it gives)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...store.queries import suggest
from ..deps import ERRORS, LedgerDep, viewer
from ..schemas import Suggestion

router = APIRouter(tags=["names"])
Prefix = Annotated[str, Query(min_length=1, max_length=100, description="The name's first letters, any case.")]
Most = Annotated[int, Query(ge=1, le=50)]


@router.get("/api/places/suggest", responses=ERRORS, dependencies=[viewer])
def places(led: LedgerDep, q: Prefix, limit: Most = 10) -> list[Suggestion]:
    """Stored places whose name begins with `q`: give `id` (or `name`) as the `place` filter."""
    return suggest(led.engine, "place", q, limit)


@router.get("/api/actors/suggest", responses=ERRORS, dependencies=[viewer])
def actors(led: LedgerDep, q: Prefix, limit: Most = 10) -> list[Suggestion]:
    """Stored actors whose name or alias begins with `q`: give `id` (or `name`) as the `actor` filter."""
    return suggest(led.engine, "actor", q, limit)
