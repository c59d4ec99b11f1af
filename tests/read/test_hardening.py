"""Issue 19, inputs: no empty document is ever read (E107), feed entries fall back to their
summary or content, HTML text outside the extracted elements is kept, and malformed inputs
give one coded line, never a traceback."""
from __future__ import annotations

import gzip
import json
import zlib

import pytest
from click.testing import CliRunner

from tests.conftest import write
from tests.read.test_readers import ARTICLE_HTML, make_warc
from warledger.cli import main
from warledger.errors import WarledgerError
from warledger.model import Document
from warledger.read import read_bytes, read_path, sniff

pytestmark = pytest.mark.issue(19)

REPORT = "Shelling hit the eastern district on Monday, killing two people, officials said."


def rss(item: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>T</title>{item}</channel></rss>").encode()


def atom(entry: str) -> bytes:
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            f"<entry><id>urn:x:1</id><title>A</title>{entry}</entry></feed>").encode()


def one(data: bytes, name: str):
    items = list(read_bytes(data, name))
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("feed", [
    rss(f"<item><title>A</title><link>https://e.org/a</link><description>{REPORT}</description></item>"),
    atom(f"<summary>{REPORT}</summary>"),
    atom(f'<content type="html"></content><summary>{REPORT}</summary>'),
    atom(f'<content type="html">&lt;p&gt; &lt;/p&gt;</content><summary>{REPORT}</summary>'),
    rss(f"<item><title>A</title><content:encoded><![CDATA[<p> </p>]]></content:encoded>"
        f"<description>{REPORT}</description></item>"),
], ids=["rss-description-only", "atom-summary-only", "atom-empty-content", "atom-blank-html-content",
        "rss-blank-content-encoded"])
def test_feed_entry_falls_back_to_its_summary(feed):
    doc = one(feed, "news.rss")
    assert isinstance(doc, Document), doc
    assert doc.text == REPORT and doc.input_format == "feed"


def test_feed_entry_with_no_text_anywhere_is_refused():
    err = one(rss("<item><title>Only a title</title><link>https://e.org/a</link></item>"), "news.rss")
    assert isinstance(err, WarledgerError) and err.code == "E132" and "news.rss#entry1" in err.one_line()
    err = one(atom('<content type="html">&lt;p&gt;&amp;nbsp;&lt;/p&gt;</content>'), "news.atom")
    assert isinstance(err, WarledgerError) and err.code == "E107", err
    assert err.one_line() == "[E107] news.atom#entry1: no text to read (the entry's content and summary hold no words)"


@pytest.mark.parametrize("html,text", [
    (f"<html><body>{REPORT}</body></html>", REPORT),
    (f"<html><body><article>{REPORT}</article></body></html>", REPORT),
    (f"<html><body><span>{REPORT}</span></body></html>", REPORT),
    ("<html><body><article><p>Shelling hit the eastern district on Monday.</p>Two people were killed, "
     "officials said.</article></body></html>",
     "Shelling hit the eastern district on Monday.\nTwo people were killed, officials said."),
], ids=["text-in-body", "text-in-article", "text-in-span", "text-after-a-paragraph"])
def test_html_text_outside_elements_is_kept(html, text):
    doc = one(html.encode(), "page.html")
    assert isinstance(doc, Document), doc
    assert doc.text == text
    assert [doc.text[b.start:b.end] for b in doc.html_blocks] == text.split("\n")


@pytest.mark.parametrize("data,name", [
    (b"<!doctype html><html><body><p>&nbsp;</p><p>\xe2\x80\x8b</p></body></html>", "blank.html"),
    (b"\xe2\x80\x8b \xe2\x80\x94 ...\n", "dots.txt"),
    (b'{"id": "z", "text": "\\u200b\\u200b"}\n', "zw.jsonl"),
], ids=["html-invisible", "text-punctuation", "jsonl-zero-width"])
def test_no_text_to_read_is_refused(data, name):
    err = one(data, name)
    assert isinstance(err, WarledgerError) and err.code == "E107", err
    assert err.one_line().startswith(f"[E107] {name}") and err.one_line().endswith("no text to read")


def test_two_empty_documents_are_two_errors_not_one_stored_and_one_skipped(tmp_path):
    """Before: the first empty page was stored with text '' and every later one was "already in
    the ledger"."""
    a = write(tmp_path, "a.rss", rss("<item><title>A</title><description>&lt;p&gt;&amp;nbsp;&lt;/p&gt;</description>"
                                     "</item>"))
    b = write(tmp_path, "b.html", "<!doctype html><html><body><article>\u200b</article></body></html>")
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    result = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db, str(a), str(b)])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("ingested 0, skipped 0 (already in the ledger), failed 2")
    assert sum("[E107]" in ln for ln in result.stderr.splitlines()) == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("cut", [30, 60, 93, 120])
@pytest.mark.parametrize("gz", [False, True])
def test_warc_cut_inside_a_record_header_is_one_error(tmp_path, cut, gz):
    """warcio raised AttributeError ('NoneType' object has no attribute 'startswith') for a
    record cut before its WARC-Target-URI header."""
    data = make_warc([("https://e.org/1", ARTICLE_HTML)], gzip=False)[:cut]
    if gz:
        data = gzip.compress(data)
    p = write(tmp_path, "cut.warc.gz" if gz else "cut.warc", data)
    items = list(read_path(p))
    assert all(isinstance(i, WarledgerError) for i in items) and items
    assert items[-1].code == "E141", items[-1]
    result = CliRunner().invoke(main, ["extract", str(p)])
    assert result.exit_code == 1 and "Traceback" not in result.output and result.exception is None \
        or isinstance(result.exception, SystemExit)
    assert [ln.strip()[:6] for ln in result.stderr.splitlines() if "[E" in ln] == ["[E141]"]


@pytest.mark.parametrize("line,code", [
    ('{"text": "x", "n": ' + "9" * 5000 + "}", "E121"),                       # int() digit limit: ValueError
    ("[" * 100_000 + "]" * 100_000, "E121"),                                   # RecursionError
    ('{"text": "Shelling hit the town\\ud800 on Monday."}', "E108"),           # a lone surrogate
    ('{"text": "Shelling hit the town\\u0000 on Monday."}', "E108"),           # NUL: PostgreSQL refuses it
    ('{"id": "' + "x" * 600 + '", "text": "Shelling hit the town on Monday."}', "E108"),   # id over 512
    ('{"language": "' + "e" * 40 + '", "text": "Shelling hit the town on Monday."}', "E108"),
], ids=["huge-number", "deep-nesting", "surrogate", "nul", "long-id", "long-language"])
def test_jsonl_lines_that_cannot_be_stored_are_errors(line, code):
    items = list(read_bytes((line + "\n" + json.dumps({"id": "ok", "text": REPORT}) + "\n").encode(), "in.jsonl"))
    assert isinstance(items[0], WarledgerError) and items[0].code == code, items[0]
    assert "\n" not in items[0].one_line()
    assert isinstance(items[1], Document) and items[1].id == "ok"


def test_sniffing_a_gzip_bomb_reads_only_its_start():
    bomb = gzip.compress(b"WARC/1.0\r\n" + b"\x00" * (64 << 20))      # 64 MiB of zeros in ~64 KiB
    assert len(bomb) < 200_000
    assert sniff(__import__("pathlib").Path("x.bin"), bomb) == "warc"
    broken = b"\x1f\x8b\x08\x00" + zlib.compress(b"garbage")[2:]
    assert sniff(__import__("pathlib").Path("x.warc.gz"), broken) == "warc"
    assert sniff(__import__("pathlib").Path("x.bin"), broken) == "text"


def test_html_with_control_characters_around_a_figure_is_read():
    """Found by the hostile suite: lxml refused control characters when a caption's figure was
    moved (ValueError: All strings must be XML compatible)."""
    html = ("\x01\x02<html><body><article><figure>\x01<figcaption>The quay\x03 after the strike</figcaption>"
            f"</figure>\x01<p>{REPORT}\x07</p></article></body></html>")
    doc = one(html.encode(), "page.html")
    assert isinstance(doc, Document), doc
    assert REPORT in doc.text and "\x01" not in doc.text


def test_feed_with_a_damaged_encoding_declaration_is_one_error():
    """Found by the hostile suite: feedparser raised UnicodeDecodeError or ValueError (embedded
    null character) on an encoding declaration with stray bytes."""
    for decl in (b'encoding="utf\xee8"', b'encoding="\x00"'):
        data = b'<?xml version="1.0" ' + decl + b'?><rss version="2.0"><channel><title>T</title><item>' \
               b"<description>" + REPORT.encode() + b"</description></item></channel></rss>"
        for item in read_bytes(data, "news.rss"):
            assert isinstance(item, Document) or item.code in ("E131", "E132", "E107"), item


def test_two_link_lists_sharing_a_headline_are_read():
    """Found by the hostile suite: the second list's shared item had been merged into the first
    list's navigation block (ValueError: Block(...) is not in list)."""
    html = ("<html><body><article><p>Shelling hit the eastern district on Monday, officials said.</p>"
            "<ul><li><a href=/a>Grain exports fall</a></li><li><a href=/b>Port workers call for shelters</a></li></ul>"
            "<p>Two people were killed in the attack on the port.</p>"
            "<ul><li><a href=/c>Port workers call for shelters</a></li><li><a href=/d>Ships wait outside</a></li></ul>"
            "</article></body></html>")
    doc = one(html.encode(), "page.html")
    assert isinstance(doc, Document), doc
    assert [b.kind for b in doc.html_blocks] == ["paragraph", "navigation", "paragraph", "navigation"]
    assert doc.text[doc.html_blocks[3].start:doc.html_blocks[3].end] == "Port workers call for shelters\nShips wait outside"
