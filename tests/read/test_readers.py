"""Every reader on real files the tests write."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import write
from warledger.errors import WarledgerError
from warledger.read import read_path, sniff

ARTICLE_HTML = """<!doctype html><html><head><title>Rockets hit river port - The Test Gazette</title>
<meta property="og:site_name" content="The Test Gazette">
<meta property="article:published_time" content="2022-05-06T09:00:00Z"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Rockets hit river port</h1>
<figure><img src="p.jpg" alt=""><figcaption>Firefighters work at the damaged quay, May 5, 2022.</figcaption></figure>
<p>Several rockets struck the river port overnight, setting two warehouses on fire and killing a night guard, the port authority said on Friday morning.</p>
<p>The authority said the strike had halted grain loading, and that repairs would take at least a week. No group said it had fired the rockets.</p>
<h3>Related:</h3>
<ul><li><a href="/x">Grain exports fall for a third month</a></li>
<li><a href="/y">Port workers call for better shelters</a></li></ul>
<p>Workers at the port said air raid sirens had sounded twice in the hour before the rockets landed, but that there had been no time to reach the shelters.</p>
</article><footer>Copyright The Test Gazette</footer></body></html>"""


def only_docs(items):
    items = list(items)
    errors = [i for i in items if isinstance(i, WarledgerError)]
    assert not errors, [e.one_line() for e in errors]
    return items


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_text_reader_keeps_text_exactly(tmp_path, name):
    text = "Heavy fighting was reported near the bridge.\r\nTwo soldiers were killed.\n"
    [doc] = only_docs(read_path(write(tmp_path, name, text)))
    assert doc.text == text
    assert doc.doc_id == "sha256:" + doc.sha256
    assert doc.input_format == "text"


@pytest.mark.parametrize("encoding", ["cp1251"])
def test_text_reader_detects_other_encodings(tmp_path, encoding):
    text = "Обстрел города продолжался всю ночь, сообщили местные власти. Погибли два человека."
    [doc] = only_docs(read_path(write(tmp_path, "ru.txt", text.encode(encoding))))
    assert doc.text == text


@pytest.mark.parametrize("kind", ["html"])
def test_html_reader_main_text_metadata_and_blocks(tmp_path, kind):
    [doc] = only_docs(read_path(write(tmp_path, "page.html", ARTICLE_HTML)))
    assert doc.input_format == kind
    assert doc.title == "Rockets hit river port"
    assert doc.source == "The Test Gazette"
    assert doc.published == dt.date(2022, 5, 6)
    assert "Home" not in doc.text.split("\n")             # site navigation is not main text
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.html_blocks}
    assert kinds["Firefighters work at the damaged quay, May 5, 2022."] == "caption"
    nav = [doc.text[b.start:b.end] for b in doc.html_blocks if b.kind == "navigation"]
    assert nav == ["Related:\nGrain exports fall for a third month\nPort workers call for better shelters"]
    assert kinds["Rockets hit river port"] == "heading"


@pytest.mark.parametrize("n", [3])
def test_jsonl_reader_uses_ids_and_metadata(tmp_path, n):
    rows = [{"id": f"doc-{i}", "text": f"Report number {i} about clashes.", "url": f"https://example.org/{i}",
             "title": f"Report {i}", "published": "2020-01-0" + str(i + 1), "source": "Test Wire"}
            for i in range(n)]
    p = write(tmp_path, "batch.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    docs = only_docs(read_path(p))
    assert [d.doc_id for d in docs] == [f"doc-{i}" for i in range(n)]
    assert docs[1].published == dt.date(2020, 1, 2)
    assert docs[2].source == "Test Wire" and docs[2].url == "https://example.org/2"


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Front Line</title><link>https://example.org</link>
<description>test</description>
<item><title>Curfew declared in river city</title><link>https://example.org/a</link><guid>urn:test:a</guid>
<pubDate>Mon, 07 Mar 2022 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Authorities declared a night curfew in the river city after a week of unrest in which four people died.&lt;/p&gt;</description></item>
<item><title>Bridge reopened</title><link>https://example.org/b</link><guid>urn:test:b</guid>
<pubDate>Tue, 08 Mar 2022 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Engineers reopened the main bridge to traffic after repairing damage from last month's shelling.&lt;/p&gt;</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Test Atom Desk</title><id>urn:test:feed</id>
<updated>2021-11-02T12:00:00Z</updated>
<entry><title>Protest dispersed with tear gas</title><id>urn:test:entry1</id><link href="https://example.org/e1"/>
<updated>2021-11-02T12:00:00Z</updated>
<content type="html">&lt;p&gt;Police fired tear gas to disperse several hundred protesters in the main square on Tuesday, witnesses said.&lt;/p&gt;</content></entry>
</feed>"""


@pytest.mark.parametrize("name,content,ids,source", [
    ("news.rss", RSS, ["urn:test:a", "urn:test:b"], "Test Front Line"),
    ("news.atom", ATOM, ["urn:test:entry1"], "Test Atom Desk"),
    ("feed.xml", ATOM, ["urn:test:entry1"], "Test Atom Desk"),
])
def test_feed_reader_gives_one_document_per_entry(tmp_path, name, content, ids, source):
    docs = only_docs(read_path(write(tmp_path, name, content)))
    assert [d.doc_id for d in docs] == ids
    assert all(d.source == source and d.input_format == "feed" for d in docs)
    assert docs[0].published is not None
    assert "tear gas" in docs[-1].text or "curfew" in docs[0].text


def make_warc(pages: list[tuple[str, str]], *, gzip: bool = True) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                        http_headers=headers)
        writer.write_record(rec)
    return buf.getvalue()


@pytest.mark.parametrize("gzip", [True, False])
def test_warc_reader_reads_each_html_response(tmp_path, gzip):
    second = ARTICLE_HTML.replace("Rockets hit river port", "Second page about the port")
    p = write(tmp_path, "crawl.warc.gz" if gzip else "crawl.warc",
              make_warc([("https://example.org/1", ARTICLE_HTML), ("https://example.org/2", second)], gzip=gzip))
    docs = only_docs(read_path(p))
    assert len(docs) == 2
    assert all(d.doc_id.startswith("<urn:uuid:") for d in docs)
    assert docs[1].url == "https://example.org/2"
    assert docs[0].title == "Rockets hit river port"


@pytest.mark.parametrize("name,content,fmt", [
    ("a.txt", b"<!doctype html><html><body><p>x</p></body></html>", "html"),
    ("a.dat", b'{"text": "x"}\n', "jsonl"),
    ("a.dat", RSS.encode(), "feed"),
    ("a.dat", b"Plain words only.", "text"),
])
def test_sniff_prefers_content_over_name(tmp_path, name, content, fmt):
    assert sniff(write(tmp_path, name, content), content) == fmt
