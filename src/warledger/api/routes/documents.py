"""Documents: list, one, full-text search, ingest by POST."""
from __future__ import annotations

import os
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from ..deps import ERRORS, NOT_FOUND, LedgerDep, Limit, Offset, analyst, viewer
from ..schemas import DocumentOut, DocumentSummary, IngestOut, Page, SearchHit

router = APIRouter(tags=["documents"])


class DocumentIn(BaseModel):
    content: str = Field(min_length=1, description="The document as text, HTML or JSON Lines.")
    name: str = Field(default="upload.txt", max_length=512,
                      description="A file name: its suffix guides the format when `format` is absent.")
    format: Literal["text", "html", "jsonl", "feed"] | None = None


@router.get("/api/documents", responses=ERRORS, dependencies=[viewer])
def documents(led: LedgerDep, limit: Limit = 50, offset: Offset = 0) -> Page[DocumentSummary]:
    """Stored documents in the order they came in (the /documents page's list)."""
    return Page(items=led.documents(limit, offset), limit=limit, offset=offset, total=led.count_documents())


@router.get("/api/search", responses=ERRORS, dependencies=[viewer])
def search(led: LedgerDep, q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = 50,
           offset: Offset = 0) -> Page[SearchHit]:
    """Documents holding every word of `q` in title, outlet or text, newest first, through the
    full-text index (the /search page's documents)."""
    from ...store.queries import search_documents
    items = search_documents(led.engine, q, limit + 1, offset)
    return Page(items=items[:limit], limit=limit, offset=offset, total=offset + len(items), total_estimate=True)


@router.get("/api/documents/{ref}", responses=ERRORS | NOT_FOUND, dependencies=[viewer])
def document(led: LedgerDep, ref: str) -> DocumentOut:
    """One document with its text, blocks and every extracted span."""
    found = led.document(ref)
    if found is None:
        raise HTTPException(404, f"no document {ref!r}")
    return found


@router.post("/api/documents", status_code=201, responses=ERRORS, dependencies=[analyst])
def ingest(led: LedgerDep, doc: DocumentIn) -> IngestOut:
    """Read, extract and store a document, then regroup incidents (as `warledger ingest`)."""
    from ...ingest import ingest_and_group
    from ...read import read_bytes
    name = os.path.basename(doc.name) or "upload.txt"
    summary, incidents = ingest_and_group(read_bytes(doc.content.encode("utf-8"), name, doc.format), led)
    if summary.failed and not summary.ingested and not summary.skipped:
        raise HTTPException(400, "; ".join(e.one_line() for e in summary.failed))
    return IngestOut(ingested=summary.ingested, skipped=summary.skipped,
                     failed=[e.one_line() for e in summary.failed], incidents=incidents)
