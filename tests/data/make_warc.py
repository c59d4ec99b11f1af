"""Writes crawl.warc and crawl.warc.gz, the WARC seeds of the hostile-input suite (run once;
the files are committed): a warcinfo record, an HTML response (article.html), a text/plain
response and a request record, with fixed record ids and dates."""
from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent


def records(writer: WARCWriter) -> list:
    def fixed(n: int) -> dict:
        return {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-00000000000{n}>",
                "WARC-Date": "2023-03-14T08:00:00Z"}
    page = (HERE / "article.html").read_bytes()
    html = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    plain = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
    req = StatusAndHeaders("GET /news/station HTTP/1.1", [("Host", "example.org")], is_http_request=True)
    return [
        writer.create_warcinfo_record("crawl.warc", {"software": "warledger tests"}),
        writer.create_warc_record("https://example.org/news/station", "response", payload=io.BytesIO(page),
                                  http_headers=html, warc_headers_dict=fixed(1)),
        writer.create_warc_record("https://example.org/robots.txt", "response",
                                  payload=io.BytesIO(b"User-agent: *\nDisallow:\n"), http_headers=plain,
                                  warc_headers_dict=fixed(2)),
        writer.create_warc_record("https://example.org/news/station", "request", payload=io.BytesIO(b""),
                                  http_headers=req, warc_headers_dict=fixed(3)),
    ]


for name, gz in (("crawl.warc", False), ("crawl.warc.gz", True)):
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for rec in records(w):
        w.write_record(rec)
    (HERE / name).write_bytes(buf.getvalue())
