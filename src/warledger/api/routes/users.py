"""Users and their tokens (admin only)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from ...store import users as users_store
from ..deps import ERRORS, NOT_FOUND, LedgerDep, Limit, Offset, admin
from ..schemas import Error, Page, Revoked, UserCreated, UserOut

router = APIRouter(tags=["users"])


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=128, pattern=r"^[\w.@-]+$")
    role: Literal["viewer", "analyst", "admin"]
    password: str | None = Field(default=None, min_length=8, max_length=256)


@router.get("/api/users", responses=ERRORS, dependencies=[admin])
def users(led: LedgerDep, limit: Limit = 100, offset: Offset = 0) -> Page[UserOut]:
    rows = users_store.list_users(led.engine, limit, offset)
    return Page(items=rows, limit=limit, offset=offset, total=users_store.count_users(led.engine))


@router.post("/api/users", status_code=201, responses=ERRORS | {409: {"model": Error}}, dependencies=[admin])
def add_user(led: LedgerDep, body: UserIn) -> UserCreated:
    """Create a user; the answer carries its token, shown this once."""
    if any(u["name"] == body.name for u in users_store.list_users(led.engine, 1_000_000)):
        raise HTTPException(409, f"user {body.name!r} exists")
    user, token = users_store.add_user(led.engine, body.name, body.role, body.password)
    return UserCreated(id=user.id, name=user.name, role=user.role, token=token)


@router.delete("/api/users/{name}/tokens", responses=ERRORS | NOT_FOUND, dependencies=[admin])
def revoke(led: LedgerDep, name: str) -> Revoked:
    """Revoke every token of a user and end its web sessions."""
    if not any(u["name"] == name for u in users_store.list_users(led.engine, 1_000_000)):
        raise HTTPException(404, f"no user {name!r}")
    return Revoked(name=name, revoked=users_store.revoke(led.engine, name))
