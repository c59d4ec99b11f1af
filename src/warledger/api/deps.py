"""What every route depends on, in one place: the ledger the app serves, the token's user, the
role a route needs (viewer < analyst < admin), the shared query parameters and error answers."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..store import Ledger
from ..store import users as users_store
from ..store.queries import MAX_OFFSET
from .schemas import Error

bearer = HTTPBearer(auto_error=False)


def ledger(request: Request) -> Ledger:
    """The ledger the app was made for (``create_app`` puts it on the app's state)."""
    return request.app.state.ledger


LedgerDep = Annotated[Ledger, Depends(ledger)]


def current_user(led: LedgerDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]):
    user = users_store.user_for_token(led.engine, creds.credentials) if creds else None
    if user is None:
        raise HTTPException(401, "missing, unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    return user


def role(needed: str):
    def check(user: Annotated[users_store.User, Depends(current_user)]):
        if not user.may(needed):
            raise HTTPException(403, f"{needed} role needed; {user.name} is {user.role}")
        return user
    return check


viewer, analyst, admin = Depends(role("viewer")), Depends(role("analyst")), Depends(role("admin"))

Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"At most {MAX_OFFSET:,}; page on with `cursor`.")]
Filter = Annotated[str | None, Query(max_length=200)]
Cursor = Annotated[str | None, Query(max_length=64, description="The `cursor` of the page before.")]

ERRORS = {400: {"model": Error, "description": "Malformed request or unreadable document"},
          401: {"model": Error, "description": "No or bad credentials"},
          403: {"model": Error, "description": "The role does not allow this"},
          413: {"model": Error, "description": "Request body too large"},
          422: {"model": Error, "description": "Invalid parameters"}}
NOT_FOUND = {404: {"model": Error, "description": "Not found"}}
