"""Bad input: a one-line error naming the file (and line), a non-zero exit, no traceback,
and the good inputs still processed."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import write
from tests.read.test_readers import ARTICLE_HTML, make_warc
from warledger.cli import main

GOOD = "Shelling was reported in the eastern district on Monday. Two houses were destroyed.\n"


def run(*args):
    return CliRunner().invoke(main, ["extract", *map(str, args)])


def error_lines(result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.strip().startswith("[E")]


def bad_files(tmp_path):
    return {
        "missing": (tmp_path / "nope.txt", 2, "no such file"),
        "directory": (tmp_path, 2, "is a directory"),
        "empty": (write(tmp_path, "empty.txt", b""), 1, "empty"),
        "binary": (write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"), 1, "NUL"),
        "undecodable": (write(tmp_path, "noise.txt", bytes(range(128, 256)) * 8), 1, "encoding"),
        "html_no_body": (write(tmp_path, "blank.html", "<!doctype html><html><head><title>t</title></head>"
                                                        "<body><div></div></body></html>"), 1, "no body text"),
        "feed_no_entries": (write(tmp_path, "empty.rss", '<?xml version="1.0"?><rss version="2.0"><channel>'
                                                           "<title>x</title></channel></rss>"), 1, "no entries"),
        "truncated_warc": (write(tmp_path, "cut.warc.gz", make_warc([("https://e.org/1", ARTICLE_HTML)])[:300]),
                           1, "truncated"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "binary", "undecodable", "html_no_body",
                                  "feed_no_entries", "truncated_warc"])
def test_bad_input_one_line_error_and_exit_code(tmp_path, case):
    path, code, words = bad_files(tmp_path)[case]
    good = write(tmp_path, "good.txt", GOOD)
    result = run(good, path)
    assert result.exit_code == code
    errs = error_lines(result)
    assert len(errs) == 1 and str(path) in errs[0] and words in errs[0]
    assert "Traceback" not in result.output + result.stderr
    # the good input was still processed
    lines = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert [o["document"]["length"] for o in lines] == [len(GOOD)]


@pytest.mark.parametrize("bad_line", ['{"text": "unterminated', '["not", "an", "object"]', '{"title": "no text"}'])
def test_malformed_jsonl_line_named_and_good_lines_kept(tmp_path, bad_line):
    rows = [json.dumps({"id": "a", "text": "First report of clashes."}), bad_line,
            json.dumps({"id": "b", "text": "Second report of clashes."})]
    p = write(tmp_path, "feed.jsonl", "\n".join(rows) + "\n")
    result = run(p)
    assert result.exit_code == 1
    [err] = error_lines(result)
    assert f"{p}:2:" in err
    assert [json.loads(ln)["document"]["id"] for ln in result.stdout.splitlines()] == ["a", "b"]


@pytest.mark.parametrize("truncate_at", [300])
def test_truncated_warc_keeps_records_before_the_cut(tmp_path, truncate_at):
    first = make_warc([("https://e.org/1", ARTICLE_HTML)])
    second = make_warc([("https://e.org/2", ARTICLE_HTML)])
    p = write(tmp_path, "cut.warc.gz", first + second[:truncate_at])
    result = run(p)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "truncated" in error_lines(result)[0]


@pytest.mark.parametrize("args", [["extract", "--input-format", "pdf", "x.txt"], ["extract"], ["nosuchcommand"]])
def test_usage_errors_exit_2(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
