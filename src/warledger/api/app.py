"""The HTTP API: one FastAPI app, its routers by resource (``routes/``), the ledger and role
dependencies in ``deps``, typed answers in ``schemas``. Every route calls the library functions
the CLI and the pages call."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import WarledgerError
from ..store import Ledger
from .limits import MAX_BODY, BodyLimit, SecurityHeaders
from .routes import documents, events, incidents, names, reviews, service, users


def create_app(db: str | None = None, login_policy=None) -> FastAPI:
    """The API and the web pages over the ledger at ``db``; ``login_policy`` (a
    ``store.logins.LoginPolicy``) defaults to the one the WARLEDGER_LOGIN_* settings give."""
    ledger = Ledger(db)
    # Swagger UI (/docs) served from the fastapi-offline package, not a CDN (ReDoc is left out:
    # its page fetches a logo from its own CDN)
    app = FastAPIOffline(title="warledger", version=__version__, static_url="/docs-assets", redoc_url=None,
                         description="A source-attributed ledger of conflict events. "
                                     "Send `Authorization: Bearer TOKEN`.")
    app.state.ledger = ledger
    # The body limit and the security headers wrap the whole stack, outside even Starlette's
    # error middleware, so every answer (a 413 before any route, a 500) carries the headers.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(BodyLimit(build_stack(), MAX_BODY))  # type: ignore[method-assign]

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
        status = 422 if exc.code == "E604" else 400
        return JSONResponse({"message": exc.one_line()}, status_code=status)

    for module in (service, documents, incidents, reviews, names, events, users):
        app.include_router(module.router)

    from ..web import install as install_pages
    install_pages(app, ledger, login_policy)
    return app
