"""Routes of the web pages, added to the API's FastAPI app (kept out of the OpenAPI document:
they answer HTML, not JSON)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..store import logins
from ..store import users as users_store
from ..vocab import CORRECTABLE_FIELDS, GRADES, INCIDENT_STATUSES, REVIEW_ACTIONS
from . import auth, views

HERE = Path(__file__).parent
CLUSTER_ABOVE = 200          # markers are clustered when the map holds more incidents than this
MAX_PARAM = 200              # characters a filter or search may have
MAX_OFFSET = 10_000          # how far a listing may be paged (as the API's lists, bounded)
PAGE = 50                    # incidents a list page shows (the API's /api/incidents, same query)
SHOWN = 2_000                # the newest incidents the map and the timeline pages draw


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _param(request: Request, name: str) -> str | None:
    """A query parameter, stripped; a page refuses (422) one longer than MAX_PARAM."""
    value = (request.query_params.get(name) or "").strip()
    if len(value) > MAX_PARAM:
        raise auth.Refused(422, f"The {name} filter is longer than {MAX_PARAM} characters; shorten it.")
    return value or None


def _offset(request: Request) -> int:
    value = (request.query_params.get("offset") or "0").strip()
    if not (value.isascii() and value.isdigit() and int(value) <= MAX_OFFSET):
        raise auth.Refused(422, f"offset must be a whole number from 0 to {MAX_OFFSET}.")
    return int(value)


def _filters(request: Request) -> dict[str, Any]:
    status = _param(request, "status")
    return {"status": status if status in INCIDENT_STATUSES else None, "type_": _param(request, "type"),
            "actor": _param(request, "actor"), "place": _param(request, "place"),
            "since": _date(_param(request, "since")), "until": _date(_param(request, "until"))}


def _text(form, name: str) -> str | None:
    """A form field as text (a file where text belongs is refused)."""
    value = form.get(name)
    if value is not None and not isinstance(value, str):
        raise auth.Refused(400, f"The form field {name} must be text.")
    return value


def install(app: FastAPI, ledger, policy: logins.LoginPolicy | None = None) -> None:
    engine = ledger.engine
    policy = policy or logins.LoginPolicy.from_env()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(version=__version__, statuses=INCIDENT_STATUSES, colours=views.STATUS_COLOURS,
                                 grades=GRADES, correctable_fields=CORRECTABLE_FIELDS)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(request: Request, name: str, who: tuple | None, status_code: int = 200, **context) -> HTMLResponse:
        user, secret = who if who else (None, None)
        context |= {"user": user, "csrf": auth.csrf_token(secret) if secret else None,
                    "may_review": bool(user and user.may("analyst")), "path": request.url.path,
                    "query": request.query_params}
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    @app.exception_handler(auth.LoginRequired)
    async def to_login(_request: Request, exc: auth.LoginRequired):
        return RedirectResponse("/login?next=" + _quote(exc.next_url), status_code=303)

    @app.exception_handler(auth.Refused)
    async def refused(request: Request, exc: auth.Refused):
        who = auth.current(request, engine)
        return render(request, "error.html", who, status_code=exc.status, message=exc.message)

    # ------------------------------------------------------------ sign in and out

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str | None = None) -> Response:
        token = auth.login_token(request)
        response = render(request, "login.html", None, next=auth.safe_next(next), login_csrf=token, error=None)
        auth.set_cookie(response, auth.LOGIN_COOKIE, token, max_age=3600)
        return response

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        auth.check_login_csrf(request, _text(form, "csrf"))
        name, password = (_text(form, "name") or "").strip(), _text(form, "password") or ""
        address = request.client.host if request.client else None
        next_url = auth.safe_next(_text(form, "next"))

        def again(status: int, error: str, retry_after: int | None = None) -> Response:
            response = render(request, "login.html", None, status_code=status, next=next_url,
                              login_csrf=auth.login_token(request), error=error)
            if retry_after:
                response.headers["Retry-After"] = str(retry_after)
            return response
        try:
            result = await run_in_threadpool(logins.attempt, engine, name, password, address, policy)
        except users_store.ChecksBusy as err:
            return again(503, err.message[0].upper() + err.message[1:] + ".", 1)
        if result.retry_after:
            return again(429, "Too many failed logins for this user or from this address; try again in "
                              f"{result.retry_after} s.", result.retry_after)
        user = result.user
        if user is None:
            return again(401, "Unknown user or wrong password.")
        secret = await run_in_threadpool(users_store.start_session, engine, user)
        response = RedirectResponse(next_url, status_code=303)
        auth.set_cookie(response, auth.SESSION_COOKIE, secret, max_age=users_store.SESSION_HOURS * 3600)
        response.delete_cookie(auth.LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await request.form()
        _user, secret = auth.require(request, engine)
        auth.check_csrf(secret, _text(form, "csrf"))
        await run_in_threadpool(users_store.end_session, engine, secret)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response

    # ------------------------------------------------------------ map and timeline

    def _features(f: dict[str, Any]) -> tuple[list[dict], list[dict]]:
        """The filtered incidents, and map points for those with coordinates."""
        from ..export.geojson import feature
        from ..export.records import flatten
        from ..reviews import find_incidents
        from ..store.rows import iter_incidents
        shown = find_incidents(ledger, **f, limit=SHOWN)
        wanted = {i["id"]: i for i in shown}
        features = []
        for item in iter_incidents(engine, keys=list(wanted)):
            row = flatten(item, "incidents")
            eff = wanted[item["id"]]
            row |= {k: eff[k] for k in ("status", "low", "best", "high", "date_start", "date_end", "type")}
            one = feature(row)
            if one:
                features.append(one)
        return shown, views.map_points(features)

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        auth.require(request, engine)
        return RedirectResponse("/map", status_code=303)

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request) -> Response:
        who = auth.require(request, engine)
        f = _filters(request)
        shown, points = _features(f)
        mode = _param(request, "cluster")
        mode = mode if mode in ("on", "off") else "auto"
        data = {"points": points, "cluster": mode == "on" or (mode == "auto" and len(points) > CLUSTER_ABOVE)}
        return render(request, "map.html", who, filters=f, incidents=shown, points=points, data=data,
                      cluster=mode)

    @app.get("/timeline", include_in_schema=False)
    def timeline_page(request: Request) -> Response:
        from ..reviews import find_incidents
        who = auth.require(request, engine)
        f = _filters(request)
        shown = find_incidents(ledger, **f, limit=SHOWN)
        line = views.timeline(shown)
        geom = views.chart([(b["start"], b["low"], b["best"], b["high"]) for b in line["bins"]])
        top_count = max([b["incidents"] for b in line["bins"]] + [1])
        bars = [{"x": round(geom["x"](i) - geom["bar_width"] / 2, 1), "count": b["incidents"], "start": b["start"],
                 "h": round(60 * b["incidents"] / top_count, 1), "best": b["best"]}
                for i, b in enumerate(line["bins"])]
        return render(request, "timeline.html", who, filters=f, line=line, geom=geom, bars=bars, incidents=shown)

    # ------------------------------------------------------------ incidents

    @app.get("/incidents", include_in_schema=False)
    def incidents_page(request: Request) -> Response:
        from ..reviews import incident_list
        who = auth.require(request, engine)
        f = _filters(request)
        found = incident_list(ledger, **f, limit=PAGE, offset=_offset(request), cursor=_param(request, "cursor"))
        return render(request, "incidents.html", who, filters=f, incidents=found["items"], page=found)

    @app.get("/incidents/{ref}", include_in_schema=False)
    def incident_page(request: Request, ref: str) -> Response:
        from ..reviews import incident_reviews, one_incident
        who = auth.require(request, engine)
        one = one_incident(ledger, ref)
        if one is None:
            raise auth.Refused(404, f"No incident {ref}. Incidents are regrouped when documents arrive or "
                                    "reviews merge and split them; find it again on the map or by search.")
        others = _merge_candidates(one)
        return render(request, "incident.html", who, inc=one, reviews=incident_reviews(ledger, ref) or [],
                      others=others, fields=CORRECTABLE_FIELDS,
                      done=_param(request, "done") if _param(request, "done") in REVIEW_ACTIONS else None)

    def _merge_candidates(one: dict, most: int = 200) -> list[str]:
        """Incidents to offer for a merge: the ones nearest in date (any id may be typed)."""
        from ..reviews import find_incidents
        day = _date(one.get("date_start") or one.get("date_end"))

        def gap(i: dict) -> int:
            other = _date(i["date_start"] or i["date_end"])
            return abs((other - day).days) if day and other else 1 << 30
        near = {"since": day - dt.timedelta(days=90), "until": day + dt.timedelta(days=90)} if day else {}
        found = find_incidents(ledger, **near, limit=most * 2) if near else []
        if len(found) < most:                   # then the newest, so that a lone incident has some
            found += find_incidents(ledger, limit=most)
        found = list({i["id"]: i for i in found if i["id"] != one["id"]}.values())
        return [i["id"] for i in sorted(found, key=lambda i: (gap(i), i["type"] != one["type"], i["id"]))[:most]]

    @app.post("/incidents/{ref}/reviews", include_in_schema=False)
    async def review(request: Request, ref: str) -> Response:
        from ..reviews import ReviewError, record_review
        from ..store.incidents import member_keys
        form = await request.form()
        found = auth.current(request, engine)
        if found is None:
            raise auth.LoginRequired(f"/incidents/{ref}")
        user, secret = found
        auth.check_csrf(secret, _text(form, "csrf"))
        if not user.may("analyst"):
            raise auth.Refused(403, f"analyst role needed to review; {user.name} is {user.role}")
        action = _text(form, "action") or ""
        events = form.getlist("events")
        if not all(isinstance(e, str) for e in events):
            raise auth.Refused(400, "The form field events must be text.")
        field, value, other, why = (_text(form, k) for k in ("field", "value", "other", "why"))
        before = await run_in_threadpool(member_keys, engine, ref)
        try:
            await run_in_threadpool(
                lambda: record_review(ledger, ref, action=action, who=user.name, field=field or None,
                                      value=value, other=(other or "").strip() or None, events=events, why=why))
        except ReviewError as err:
            raise auth.Refused(err.status if err.status != 422 else 400, err.message) from None
        if action in ("merge", "split"):         # the incident now holding the reviewed events
            keep = [k for k in before if k not in events] if action == "split" else before
            ref = await run_in_threadpool(_holding, keep, ref)
        return RedirectResponse(f"/incidents/{ref}?done={_quote(action)}", status_code=303)

    def _holding(keys: list[str], fallback: str) -> str:
        from ..store.queries import incidents_holding
        return (incidents_holding(engine, keys[0]) if keys else None) or fallback

    # ------------------------------------------------------------ documents, tallies, search

    @app.get("/documents", include_in_schema=False)
    def documents_page(request: Request) -> Response:
        who = auth.require(request, engine)
        offset = _offset(request)
        return render(request, "documents.html", who, docs=ledger.documents(limit=50, offset=offset),
                      total=ledger.count_documents(), offset=offset, limit=50)

    @app.get("/documents/{ref}", include_in_schema=False)
    def document_page(request: Request, ref: str) -> Response:
        who = auth.require(request, engine)
        doc = ledger.document(ref)
        if doc is None:
            raise auth.Refused(404, f"No document {ref}.")
        spans = views.document_spans(doc)
        counts = {k: sum(1 for s in spans if s["kind"] == k) for k in views.KINDS}
        return render(request, "document.html", who, doc=doc, body=views.highlight(doc["text"], spans),
                      counts=counts)

    @app.get("/tallies", include_in_schema=False)
    def tallies_page(request: Request) -> Response:
        from ..aggregate import tally_series
        who = auth.require(request, engine)
        series = []
        for s in tally_series(ledger):
            pts = [p for p in s["points"] if p["value"] is not None]
            geom = views.chart([(p["as_of"] or "?", None, p["value"], None) for p in pts], height=160)
            series.append({**s, "geom": geom})
        return render(request, "tallies.html", who, series=series)

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request) -> Response:
        from ..reviews import find_incidents
        who = auth.require(request, engine)
        q = _param(request, "q") or ""
        docs, incs = [], []
        if q:
            docs = ledger.search_documents(q)
            ql = q.lower()
            incs = find_incidents(ledger, place=q, limit=PAGE) + find_incidents(ledger, actor=q, limit=PAGE)
            if ql.replace("_", "").isalpha():
                incs += find_incidents(ledger, type_=ql, limit=PAGE)
            from ..store.queries import incident_detail
            exact = incident_detail(engine, ql)
            seen: set[str] = set()
            incs = [i for i in ([exact] if exact else []) + incs if not (i["id"] in seen or seen.add(i["id"]))]
        return render(request, "search.html", who, q=q, docs=docs, incidents=incs)


def _quote(value: str) -> str:
    from urllib.parse import quote
    return quote(value, safe="/")
