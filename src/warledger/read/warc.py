"""WARC (warcio): each HTML response record a document."""
from __future__ import annotations

import contextlib
import io
import logging
import zlib
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import ReadError, WarledgerError
from ..model import Document
from .html import read_html
from .text import decode_bytes

# warcio logs "Replacing spaces in invalid WARC-Target-URI" as a warning on stderr for each such record
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)


def _gzip_complete(data: bytes) -> bool:
    """True when every gzip member of ``data`` ends properly (a cut file's last one does not)."""
    rest = data
    while rest.strip(b"\x00"):
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            member.decompress(rest)
        except zlib.error:
            return False
        if not member.eof:
            return False
        rest = member.unused_data
    return True


def read_warc(data: bytes, path: str) -> Iterator[Document | WarledgerError]:
    # warcio reads a cut gzip member quietly; the records before the cut are still read
    truncated = data[:2] == b"\x1f\x8b" and not _gzip_complete(data)
    found = records = end = 0
    archive = ArchiveIterator(io.BytesIO(data))
    archive.INC_RECORD = ""      # warcio writes a three-line warning to stderr for a wrong Content-Length;
    #                              it is counted (err_count) and reported as one error below instead
    noise = io.StringIO()        # and a gzip member damaged midway as a bare line: kept off stderr
    records_of = iter(archive)
    try:
        while True:
            with contextlib.redirect_stderr(noise):      # only while warcio works, never across a yield
                record = next(records_of, None)
                if record is None:
                    break
                records += 1
                if record.rec_type != "response" or record.http_headers is None or \
                        "html" not in (record.http_headers.get_header("Content-Type") or ""):
                    archive.read_to_end(record)             # not a page: note where it ends, go on
                    if getattr(record.raw_stream, "limit", 0):
                        raise EOFError(f"record {records} ends early")
                    end = archive.get_record_offset() + archive.get_record_length()
                    continue
                found += 1
                target = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{path}#{target or found}"
                payload = record.content_stream().read()
                if getattr(record.raw_stream, "limit", 0):   # fewer bytes than its Content-Length
                    raise EOFError(f"record {found} ends early")
                try:
                    doc = read_html(decode_bytes(payload, where), where, url=target)
                except ReadError as err:
                    out: Document | ReadError = err
                else:
                    doc.input_format = "warc"
                    doc.id = record.rec_headers.get_header("WARC-Record-ID")
                    out = doc
                archive.read_to_end(record)
                end = archive.get_record_offset() + archive.get_record_length()
            yield out
        if truncated or (records and data[end:].strip()):
            # warcio stops quietly at a cut gzip member; bytes left over mean a record was lost
            raise EOFError(f"{len(data) - end} bytes after the last complete record")
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error,
            AttributeError, TypeError, IndexError, KeyError) as exc:
        # warcio meets a record cut inside its headers with an AttributeError or a TypeError
        # (a header it expects is None): all mean a damaged record
        if isinstance(exc, (AttributeError, TypeError, IndexError, KeyError)):
            msg = "a record's headers are cut short or malformed"
        else:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        yield ReadError("E141", f"the WARC file is truncated or damaged after {found} record(s) ({msg})",
                        path=path)
        return
    if noise.getvalue().strip():
        yield ReadError("E141", f"the WARC file is damaged ({noise.getvalue().strip().splitlines()[0][:120]})",
                        path=path)
    elif archive.err_count:
        yield ReadError("E141", f"the WARC file is damaged: {archive.err_count} record(s) not followed by a blank "
                                "line (a Content-Length that does not match the record)", path=path)
    elif not records:
        yield ReadError("E141", "the WARC file is truncated or damaged: no complete record", path=path)
    elif not found:
        yield ReadError("E142", "the WARC file holds no HTML response records", path=path)
