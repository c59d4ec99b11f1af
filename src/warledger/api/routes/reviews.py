"""Analysts' reviews of an incident."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from ...store import users as users_store
from ...vocab import CORRECTABLE_FIELDS, REVIEW_ACTIONS
from ..deps import ERRORS, NOT_FOUND, LedgerDep, Limit, Offset, analyst, viewer
from ..schemas import Page, Review, ReviewCreated

router = APIRouter(tags=["reviews"])


class ReviewIn(BaseModel):
    action: Literal[REVIEW_ACTIONS]  # type: ignore[valid-type]
    field: Literal[("grade", *CORRECTABLE_FIELDS)] = "grade"  # type: ignore[valid-type]
    value: str | int | None = Field(default=None, description="grade: the grade; correct: the field's new value.")
    other: str | None = Field(default=None, max_length=512, description="merge: the incident to merge in.")
    events: list[str] | None = Field(default=None, max_length=10_000,
                                     description="split: the events (as the incident lists them) to take out.")
    why: str | None = Field(default=None, max_length=10_000)


@router.get("/api/incidents/{ref}/reviews", responses=ERRORS | NOT_FOUND, dependencies=[viewer])
def reviews(led: LedgerDep, ref: str, limit: Limit = 100, offset: Offset = 0) -> Page[Review]:
    """The reviews of one incident, oldest first."""
    from ...reviews import incident_reviews
    found = incident_reviews(led, ref)
    if found is None:
        raise HTTPException(404, f"no incident {ref!r}")
    return Page(items=found[offset:offset + limit], limit=limit, offset=offset, total=len(found))


@router.post("/api/incidents/{ref}/reviews", status_code=201, responses=ERRORS | NOT_FOUND)
def add_review(led: LedgerDep, ref: str, body: ReviewIn,
               user: Annotated[users_store.User, analyst]) -> ReviewCreated:
    """Grade an incident, correct a field, merge another incident in or split events out;
    the reviewer is the token's user. Merges and splits regroup the incidents at once."""
    from ...reviews import ReviewError, record_review
    if body.action == "correct" and body.field == "grade":
        raise HTTPException(422, "field: correct needs a field other than grade")
    try:
        rid = record_review(led, ref, action=body.action, who=user.name, field=body.field, value=body.value,
                            other=body.other, events=body.events, why=body.why)
    except ReviewError as err:
        raise HTTPException(err.status, err.message) from None
    return ReviewCreated(id=rid, incident=ref)
