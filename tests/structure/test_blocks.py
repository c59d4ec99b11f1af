"""Blocks: captions, navigation runs, headings, quotes, posts, from the text's layout."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import write
from warledger.read import read_path
from warledger.structure import analyse_structure, find_blocks

MORE_STORIES = """Militia Pulls Back From Hill Town
MORE STORIES
- Fuel Prices Climb as Blockade Tightens
- Aid Flights Resume to Northern Airport
A local militia withdrew from positions around the hill town on Sunday after two days of fighting with army units, residents said.
The withdrawal came after elders negotiated a local truce.
"""

RELATED_LABEL = """Clinic Reopens After Raid
Doctors reopened the clinic on Monday, a week after it was raided by gunmen who took medicines and fuel.
Related:
Health Workers Protest Over Unpaid Salaries
Vaccination Drive Postponed in Border Districts
Staff said the clinic would only open in daylight hours until guards were hired.
"""

PLAIN = """Residents of the district said the water supply had been cut for three days.
The local council said repairs were under way and that tankers would bring water to the worst-hit streets.
"""


def kinds_of(text):
    blocks, _ = find_blocks(text)
    return [(b.kind, text[b.start:b.end]) for b in blocks]


def test_blocks_seed_caption_and_navigation(seed_text):
    blocks = kinds_of(seed_text)
    assert blocks[0][0] == "caption" and blocks[0][1].startswith("PHOTO:")
    navs = [t for k, t in blocks if k == "navigation"]
    assert 1 <= len(navs) <= 2
    joined = "\n".join(navs)
    lines = seed_text.splitlines()
    latest, features = lines.index("LATEST"), lines.index("THURSDAY FEATURES")
    must = lines[latest:latest + 4] + lines[features:features + 3]
    assert joined.splitlines() == must                  # every link line, and nothing else


@pytest.mark.parametrize("text,label", [(MORE_STORIES, "MORE STORIES"), (RELATED_LABEL, "Related:")])
def test_blocks_navigation_with_other_labels(text, label):
    navs = [t for k, t in kinds_of(text) if k == "navigation"]
    assert len(navs) == 1
    assert navs[0].startswith(label) and len(navs[0].splitlines()) == 3
    paragraphs = [t for k, t in kinds_of(text) if k == "paragraph"]
    assert paragraphs and all(p not in navs[0] for p in paragraphs)


@pytest.mark.parametrize("text", [PLAIN, MORE_STORIES.splitlines()[4] + "\n"])
def test_blocks_plain_paragraph_is_never_navigation(text):
    assert {k for k, _ in kinds_of(text)} == {"paragraph"}


def test_blocks_html_link_list_is_navigation(tmp_path):
    from tests.read.test_readers import ARTICLE_HTML
    [doc] = list(read_path(write(tmp_path, "a.html", ARTICLE_HTML)))
    st_ = analyse_structure(doc)
    navs = [doc.text[b.start:b.end] for b in st_.blocks if b.kind == "navigation"]
    assert navs == ["Related:\nGrain exports fall for a third month\nPort workers call for better shelters"]
    assert [doc.text[b.start:b.end] for b in st_.blocks if b.kind == "caption"] == [
        "Firefighters work at the damaged quay, May 5, 2022."]


QUOTE = """The provincial governor told reporters:
We will rebuild every school that was destroyed, and our teachers will be paid.
The reconstruction fund will be open to donors from abroad.
The governor did not say when the work would start.
"""


def test_blocks_quote_after_colon_until_narration():
    kinds = kinds_of(QUOTE)
    assert [k for k, _ in kinds] == ["paragraph", "quote", "quote", "paragraph"]


@pytest.mark.parametrize("text,handle,body", [
    ("Before the post.\nThe checkpoint was hit twice tonight, stay away from the bridge\n"
     "— Local Watch (@local_watch) March 3, 2021\nAfter the post.\n", "@local_watch",
     "The checkpoint was hit twice tonight, stay away from the bridge"),
    ("Convoy of 40 trucks reached the camp this morning — Relief Desk (@relief_desk) 4 May 2020\n",
     "@relief_desk", "Convoy of 40 trucks reached the camp this morning"),
    ("Watch Group (@watch_group) · Jan 9, 2024\nExplosions heard in the north of the city\nMore text here.\n",
     "@watch_group", "Explosions heard in the north of the city"),
])
def test_blocks_posts_parsed_verbatim(text, handle, body):
    blocks, posts = find_blocks(text)
    [post] = posts
    assert post.handle == handle and post.text == body and post.date is not None
    assert text[post.text_start:post.text_start + len(post.text)] == post.text
    assert post.start <= post.text_start and post.text_start + len(body) <= post.end
    assert [b for b in blocks if b.kind == "post"][0].start == post.start


line_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(line_text, st.sampled_from(
    ["LATEST", "- A Headline Here", "PHOTO: x (A/B)", "Related:", "He said:", "— N (@h) May 1, 2020",
     "Name (@h) · May 2, 2020", "", "Title Case Line", "April 17, 2008"])), max_size=25),
    st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_blocks_spans_valid_on_arbitrary_text(lines, sep):
    text = sep.join(lines)
    blocks, posts = find_blocks(text)
    prev_end = 0
    for b in blocks:
        assert 0 <= b.start < b.end <= len(text)
        assert b.start >= prev_end                      # ordered, not overlapping
        assert text[b.start:b.end].strip() == text[b.start:b.end]
        prev_end = b.end
    for p in posts:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.text_start:p.text_start + len(p.text)] == p.text
        assert p.start <= p.text_start and p.text_start + len(p.text) <= p.end
    covered = sum(len(text[b.start:b.end].split()) for b in blocks)
    assert covered == len(text.split())                 # every word lies in some block


@pytest.mark.parametrize("fields", [
    "PHOTO DETAILS Shot On: 12.04.2021 Uploaded: 12.05.2021 08:40 Frame No: 5512 Credit: Navy Media Size: 88 KB",
    "Camera: none Views: 12 Downloads: 0 Location: NORFOLK, VA, US Licence: public domain",
])
def test_blocks_line_of_page_fields_is_navigation(fields):
    text = "A drone struck the depot on Sunday, the navy said.\n" + fields + "\n"
    assert kinds_of(text) == [("paragraph", text.splitlines()[0]), ("navigation", fields)]


@pytest.mark.parametrize("text", [
    "The governor said: the road is closed. Residents said: we are leaving.\n",
    "Toll: 12 dead. Place: the old market. Source: the health ministry.\n",
])
def test_blocks_few_labels_stay_a_paragraph(text):
    assert {k for k, _ in kinds_of(text)} == {"paragraph"}


def test_blocks_a_list_of_labelled_paragraphs_is_no_field_record():
    text = ("1. Siege: On May 2 the army closed every road into the old town and cut the water. "
            "2. Talks: Envoys met in Geneva on May 9 but left without a deal on the corridors. "
            "3. Strikes: Jets hit the market on May 12 and again on May 14, residents said. "
            "4. Toll: Doctors counted 212 dead by the end of the month in the two hospitals.\n")
    assert {k for k, _ in kinds_of(text)} == {"paragraph"}


@pytest.mark.parametrize("text,dateline", [
    ("MOSUL, Iraq (AP) — Gunmen attacked a checkpoint overnight.", "MOSUL, Iraq (AP) — "),
    ("GAZA CITY (Reuters) - Shells hit a school on Monday.", "GAZA CITY (Reuters) - "),
    ("TUCSON, Ariz. – The army said on Friday it had ended its drills.", "TUCSON, Ariz. – "),
    ("ABUJA, Nigeria -- Police said three men were held.", "ABUJA, Nigeria -- "),
])
def test_a_place_dateline_is_found_at_a_paragraphs_start(text, dateline):
    from warledger.structure.blocks import dateline_end
    assert text[:dateline_end(text, 0)] == dateline


@pytest.mark.parametrize("text", [
    "FILE - Soldiers patrol a street in the capital in 2019.",
    "BREAKING - Explosions were heard in the capital.",
    "UN - the agency said it had no access.",
    "Gunmen attacked a checkpoint overnight - police said.",
])
def test_no_dateline_where_a_paragraph_opens_otherwise(text):
    from warledger.structure.blocks import dateline_end
    assert dateline_end(text, 0) is None
