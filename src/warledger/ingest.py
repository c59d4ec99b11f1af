"""The ingest job: read → extract → store, one transaction per document, idempotent."""
from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError, WarledgerError
from .model import Document
from .read import checked, read_path
from .read.jsonl import read_jsonl
from .settings import Settings

DOCUMENT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".rss", ".atom", ".xml",
                     ".warc", ".warc.gz")


@dataclass
class IngestSummary:
    ingested: int = 0
    skipped: int = 0
    failed: list[WarledgerError] = field(default_factory=list)
    other_files: int = 0
    needs_rebuild: bool = False      # the incidents are older than the stored documents
    incidents: int | None = None     # incidents after regrouping (None: not regrouped)

    def line(self) -> str:
        other = f", {self.other_files} file(s) in folders not of a document type" if self.other_files else ""
        return (f"ingested {self.ingested}, skipped {self.skipped} (already in the ledger), "
                f"failed {len(self.failed)}{other}")


def expand(paths: Iterable[str], others: list[str] | None = None) -> Iterator[str]:
    """Files, directories (recursively, in name order: files of document types; others are
    counted in ``others``), globs and "-" (JSON Lines on stdin)."""
    for p in paths:
        if p == "-":
            yield p
            continue
        if any(ch in p for ch in "*?["):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield p                              # read_path reports it missing
            yield from (m for m in matches if Path(m).is_file())
            continue
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if not f.is_file() or f.name.startswith("."):
                    continue
                if f.name.lower().endswith(DOCUMENT_SUFFIXES):
                    yield str(f)
                elif others is not None:
                    others.append(str(f))
        else:
            yield p


def documents(paths: Iterable[str], input_format: str | None = None,
              others: list[str] | None = None) -> Iterator[Document | WarledgerError]:
    for p in expand(paths, others):
        if p == "-":
            yield from checked(read_jsonl(sys.stdin.read(), "<stdin>"), "<stdin>")
        else:
            yield from read_path(p, input_format)


def ingest(paths: Iterable[str], *, db: str | None = None, settings: Settings | None = None,
           input_format: str | None = None, progress: bool = False) -> IngestSummary:
    """``warledger ingest PATH...`` as a function: store, then regroup the incidents when
    something was stored (or an earlier run died before regrouping)."""
    from .store import Ledger

    others: list[str] = []
    ledger = Ledger(db)
    summary, summary.incidents = ingest_and_group(documents(paths, input_format, others), ledger, settings,
                                                  progress=progress)
    summary.other_files = len(others)
    return summary


def ingest_documents(items: Iterable[Document | WarledgerError], ledger, settings: Settings | None = None,
                     *, progress: bool = False, on_extraction=None) -> IngestSummary:
    """Extract and store read documents (errors among them are counted as failed);
    ``on_extraction`` is called with each extraction before it is stored."""
    from .extract import extract_documents

    summary = IngestSummary()
    stream = extract_documents(items, settings or Settings())
    if progress:
        from tqdm import tqdm
        stream = tqdm(stream, desc="ingest", unit="doc", file=sys.stderr)
    for item in stream:
        if isinstance(item, WarledgerError):
            summary.failed.append(item)
            continue
        if on_extraction is not None:
            on_extraction(item)
        result = ledger.add(item)
        if result.status == "ingested":
            summary.ingested += 1
        else:
            summary.skipped += 1
    return summary


def ingest_and_group(items: Iterable[Document | WarledgerError], ledger, settings: Settings | None = None,
                     *, progress: bool = False, on_extraction=None) -> tuple[IngestSummary, int | None]:
    """Store read documents, then bring the incidents up to date when something was stored (or an
    earlier run died before that): only the incidents the new events can reach are regrouped
    (``aggregate.update``); the summary and the number of incidents (None: not regrouped)."""
    from .aggregate import update
    summary = ingest_documents(items, ledger, settings, progress=progress, on_extraction=on_extraction)
    summary.needs_rebuild = ledger.needs_rebuild()
    incidents = update(ledger) if summary.ingested or summary.needs_rebuild else None
    return summary, incidents


__all__ = ["IngestSummary", "ingest", "ingest_documents", "ingest_and_group", "expand", "UsageError"]
