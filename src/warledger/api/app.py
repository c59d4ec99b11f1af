"""The HTTP API. Every route calls the library functions the CLI calls; roles are checked by
one dependency per route (viewer < analyst < admin)."""

import datetime as dt
import os
import tempfile
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import WarledgerError
from ..store import Ledger
from ..store import users as users_store
from ..vocab import CORRECTABLE_FIELDS, INCIDENT_STATUSES, REVIEW_ACTIONS
from .limits import MAX_BODY, BodyLimit, SecurityHeaders

STATUSES = Literal[INCIDENT_STATUSES]  # type: ignore[valid-type]
EXPORT_MEDIA = {"acled": "text/csv", "ucdp": "text/csv", "geojson": "application/geo+json",
                "jsonl": "application/x-ndjson", "parquet": "application/vnd.apache.parquet"}


class Error(BaseModel):
    message: str


class Page(BaseModel):
    items: list[dict[str, Any]]
    limit: int
    offset: int
    total: int


class ReviewIn(BaseModel):
    action: Literal[REVIEW_ACTIONS]  # type: ignore[valid-type]
    field: Literal[("grade", *CORRECTABLE_FIELDS)] = "grade"  # type: ignore[valid-type]
    value: str | int | None = Field(default=None, description="grade: the grade; correct: the field's new value.")
    other: str | None = Field(default=None, max_length=512, description="merge: the incident to merge in.")
    events: list[str] | None = Field(default=None, max_length=10_000,
                                     description="split: the events (as the incident lists them) to take out.")
    why: str | None = Field(default=None, max_length=10_000)


class DocumentIn(BaseModel):
    content: str = Field(min_length=1, description="The document as text, HTML or JSON Lines.")
    name: str = Field(default="upload.txt", max_length=512,
                      description="A file name: its suffix guides the format when `format` is absent.")
    format: Literal["text", "html", "jsonl", "feed"] | None = None


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=128, pattern=r"^[\w.@-]+$")
    role: Literal["viewer", "analyst", "admin"]
    password: str | None = Field(default=None, min_length=8, max_length=256)


ERRORS = {400: {"model": Error, "description": "Malformed request or unreadable document"},
          401: {"model": Error, "description": "No or bad credentials"},
          403: {"model": Error, "description": "The role does not allow this"},
          413: {"model": Error, "description": "Request body too large"},
          422: {"model": Error, "description": "Invalid parameters"}}
NOT_FOUND = {404: {"model": Error, "description": "Not found"}}


def create_app(db: str | None = None, login_policy=None) -> FastAPI:
    """The API and the web pages over the ledger at ``db``; ``login_policy`` (a
    ``store.logins.LoginPolicy``) defaults to the one the WARLEDGER_LOGIN_* settings give."""
    ledger = Ledger(db)
    engine = ledger.engine
    # Swagger UI (/docs) served from the fastapi-offline package, not a CDN (ReDoc is left out:
    # its page fetches a logo from its own CDN)
    app = FastAPIOffline(title="warledger", version=__version__, static_url="/docs-assets", redoc_url=None,
                         description="A source-attributed ledger of conflict events. "
                                     "Send `Authorization: Bearer TOKEN`.")
    # The body limit and the security headers wrap the whole stack, outside even Starlette's
    # error middleware, so every answer (a 413 before any route, a 500) carries the headers.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(BodyLimit(build_stack(), MAX_BODY))  # type: ignore[method-assign]
    bearer = HTTPBearer(auto_error=False)

    def current_user(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]):
        user = users_store.user_for_token(engine, creds.credentials) if creds else None
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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, exc: StarletteHTTPException):
        return JSONResponse({"message": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse({"message": f"{where}: {first.get('msg', 'invalid')}"}, status_code=422)

    @app.exception_handler(WarledgerError)
    async def user_error(_request, exc: WarledgerError):
        return JSONResponse({"message": exc.one_line()}, status_code=400)

    def page(rows: list[dict], limit: int, offset: int) -> dict:
        return {"items": rows[offset:offset + limit], "limit": limit, "offset": offset, "total": len(rows)}

    Limit = Annotated[int, Query(ge=1, le=1000)]
    Offset = Annotated[int, Query(ge=0, le=10_000_000)]
    Filter = Annotated[str | None, Query(max_length=200)]

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: answers without credentials."""
        return {"status": "ok", "version": __version__}

    @app.get("/api/documents", tags=["documents"], responses=ERRORS, dependencies=[viewer])
    def documents(limit: Limit = 50, offset: Offset = 0) -> Page:
        return Page(items=ledger.documents(limit, offset), limit=limit, offset=offset, total=ledger.count_documents())

    @app.get("/api/documents/{ref}", tags=["documents"], responses=ERRORS | NOT_FOUND, dependencies=[viewer])
    def document(ref: str) -> dict[str, Any]:
        """One document with its text, blocks and every extracted span."""
        found = ledger.document(ref)
        if found is None:
            raise HTTPException(404, f"no document {ref!r}")
        return found

    @app.post("/api/documents", tags=["documents"], status_code=201, responses=ERRORS,
              dependencies=[analyst])
    def ingest(doc: DocumentIn) -> dict[str, Any]:
        """Read, extract and store a document, then regroup incidents (as `warledger ingest`)."""
        from ..aggregate import rebuild
        from ..ingest import ingest_documents
        from ..read import read_bytes
        name = os.path.basename(doc.name) or "upload.txt"
        summary = ingest_documents(read_bytes(doc.content.encode("utf-8"), name, doc.format), ledger)
        if summary.failed and not summary.ingested and not summary.skipped:
            raise HTTPException(400, "; ".join(e.one_line() for e in summary.failed))
        incidents = rebuild(ledger) if summary.ingested or ledger.needs_rebuild() else None
        return {"ingested": summary.ingested, "skipped": summary.skipped,
                "failed": [e.one_line() for e in summary.failed], "incidents": incidents}

    def _incidents(status=None, type_=None, place=None, actor=None, since=None, until=None) -> list[dict]:
        from ..reviews import find_incidents
        return find_incidents(ledger, status=status, type_=type_, place=place, actor=actor, since=since, until=until)

    @app.get("/api/incidents", tags=["incidents"], responses=ERRORS, dependencies=[viewer])
    def incidents(status: STATUSES | None = None, type: Filter = None, place: Filter = None,
                  actor: Filter = None, since: dt.date | None = None, until: dt.date | None = None,
                  limit: Limit = 50, offset: Offset = 0) -> Page:
        """Incidents with the CLI's filters: effective status, type, place, actor, dates."""
        return Page(**page(_incidents(status, type, place, actor, since, until), limit, offset))

    def _incident(ref: str) -> dict:
        from ..reviews import one_incident
        one = one_incident(ledger, ref)
        if one is None:
            raise HTTPException(404, f"no incident {ref!r}")
        return one

    @app.get("/api/incidents/{ref}", tags=["incidents"], responses=ERRORS | NOT_FOUND, dependencies=[viewer])
    def incident(ref: str) -> dict[str, Any]:
        """One incident with every source, stance, figure, quote and span."""
        return _incident(ref)

    @app.get("/api/incidents/{ref}/reviews", tags=["reviews"], responses=ERRORS | NOT_FOUND, dependencies=[viewer])
    def reviews(ref: str, limit: Limit = 100, offset: Offset = 0) -> Page:
        """The reviews of one incident, oldest first."""
        from ..reviews import incident_reviews
        found = incident_reviews(ledger, ref)
        if found is None:
            raise HTTPException(404, f"no incident {ref!r}")
        return Page(**page(found, limit, offset))

    @app.post("/api/incidents/{ref}/reviews", tags=["reviews"], status_code=201, responses=ERRORS | NOT_FOUND)
    def add_review(ref: str, body: ReviewIn, user: Annotated[users_store.User, analyst]) -> dict[str, Any]:
        """Grade an incident, correct a field, merge another incident in or split events out;
        the reviewer is the token's user. Merges and splits regroup the incidents at once."""
        from ..reviews import ReviewError, record_review
        if body.action == "correct" and body.field == "grade":
            raise HTTPException(422, "field: correct needs a field other than grade")
        try:
            rid = record_review(ledger, ref, action=body.action, who=user.name, field=body.field, value=body.value,
                                other=body.other, events=body.events, why=body.why)
        except ReviewError as err:
            raise HTTPException(err.status, err.message) from None
        return {"id": rid, "incident": ref}

    @app.get("/api/events", tags=["events"], responses=ERRORS, dependencies=[viewer])
    def events(type: Filter = None, status: Filter = None, since: dt.date | None = None,
               until: dt.date | None = None, limit: Limit = 50, offset: Offset = 0) -> Page:
        """Events of every document with their places, actors, figures and sources."""
        from ..store.rows import iter_events
        rows, total = [], 0
        for e in iter_events(engine, types=type, since=since, until=until):
            if status and e["status"] != status:
                continue
            if offset <= total < offset + limit:
                rows.append(e)
            total += 1
        return Page(items=rows, limit=limit, offset=offset, total=total)

    @app.get("/api/tallies", tags=["tallies"], responses=ERRORS, dependencies=[viewer])
    def tallies(limit: Limit = 100, offset: Offset = 0) -> Page:
        """Running totals: one series per subject, measure and group."""
        from ..aggregate import tally_series
        return Page(**page(tally_series(ledger), limit, offset))

    @app.get("/api/exports/{fmt}", tags=["exports"], responses=ERRORS | {
        200: {"content": {m: {} for m in set(EXPORT_MEDIA.values())}, "description": "The export file"}},
        dependencies=[viewer], response_class=FileResponse)
    def export(fmt: Literal["acled", "ucdp", "geojson", "jsonl", "parquet"],
               level: Literal["events", "incidents"] = "events", status: Filter = None,
               type: Filter = None, since: dt.date | None = None, until: dt.date | None = None):
        """Issue the export in one of the CLI's formats; written to a temporary file and streamed."""
        from ..export.run import export as run_export
        fd, path = tempfile.mkstemp(prefix="warledger-export-", suffix="." + fmt)
        os.close(fd)
        try:
            run_export(ledger, fmt, path, level=level, type_=type, status=status, since=since, until=until)
        except BaseException:
            os.unlink(path)
            raise
        suffix = {"acled": "csv", "ucdp": "csv"}.get(fmt, fmt)
        return FileResponse(path, media_type=EXPORT_MEDIA[fmt], filename=f"warledger-{level}-{fmt}.{suffix}",
                            background=BackgroundTask(os.unlink, path))

    @app.get("/api/users", tags=["users"], responses=ERRORS, dependencies=[admin])
    def users(limit: Limit = 100, offset: Offset = 0) -> Page:
        rows = users_store.list_users(engine, limit, offset)
        return Page(items=rows, limit=limit, offset=offset, total=users_store.count_users(engine))

    @app.post("/api/users", tags=["users"], status_code=201, responses=ERRORS | {409: {"model": Error}},
              dependencies=[admin])
    def add_user(body: UserIn) -> dict[str, Any]:
        """Create a user; the answer carries its token, shown this once."""
        if any(u["name"] == body.name for u in users_store.list_users(engine, 1_000_000)):
            raise HTTPException(409, f"user {body.name!r} exists")
        user, token = users_store.add_user(engine, body.name, body.role, body.password)
        return {"id": user.id, "name": user.name, "role": user.role, "token": token}

    @app.delete("/api/users/{name}/tokens", tags=["users"], responses=ERRORS | NOT_FOUND, dependencies=[admin])
    def revoke(name: str) -> dict[str, Any]:
        """Revoke every token of a user and end its web sessions."""
        if not any(u["name"] == name for u in users_store.list_users(engine, 1_000_000)):
            raise HTTPException(404, f"no user {name!r}")
        return {"name": name, "revoked": users_store.revoke(engine, name)}

    from ..web import install as install_pages
    install_pages(app, ledger, login_policy)
    return app
