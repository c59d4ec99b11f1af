"""Publication-date inference: one written text per cue, and the examples' gold dates."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from tests.conftest import EXAMPLES, SHARED
from warledger.model import Document
from warledger.structure import analyse_structure

CASES = {
    "post": ("Officials Deny Strike on Clinic\n"
             "Health officials said the clinic had been hit by artillery.\n"
             "The clinic is gone, three nurses are dead\n"
             "— Valley Nurses (@valley_nurses) October 12, 2019\n"
             "The army said it was investigating.\n", dt.date(2019, 10, 12), "post"),
    "caption": ("Flooded Camp Evacuated\n"
                "Tents stand in floodwater at a displacement camp near the river, Nov. 3, 2020.\n"
                "Aid workers moved families to higher ground as the water rose.\n", dt.date(2020, 11, 3), "caption"),
    "weekday": ("Convoy Ambushed on Mountain Road\n"
                "Photo: trucks on the pass, 1 March 2021 (Test Agency/Staff)\n"
                "Gunmen ambushed a supply convoy on the mountain road, the governor said on Wednesday.\n",
                dt.date(2021, 3, 3), "weekday"),
    "holiday": ("Markets Shelled as City Marks Holiday\n"
                "Smoke over the old market after a strike, Dec. 22, 2022.\n"
                "Shelling hit the old market on Christmas Eve, a day many residents had hoped would be quiet.\n",
                dt.date(2022, 12, 24), "holiday"),
    "days_ago": ("Search Continues After Dam Attack\n"
                 "Rescuers search the riverbank after an explosion at the dam, Aug. 7, 2018.\n"
                 "The explosion at the dam four days ago left dozens of villages without power.\n",
                 dt.date(2018, 8, 11), "days_ago"),
    "dateline": ("Rebels Seize Border Post\nJuly 2, 2017\nRebels said they had taken the border post.\n",
                 dt.date(2017, 7, 2), "dateline"),
}


@pytest.mark.parametrize("cue", list(CASES))
def test_pubdate_inferred_from_each_cue(cue):
    text, expected, source = CASES[cue]
    pub = analyse_structure(Document(text=text)).published
    assert pub is not None and pub.date == expected
    assert pub.inferred is True and pub.source == source


@pytest.mark.parametrize("given", [dt.date(2001, 1, 1)])
def test_pubdate_given_wins_and_is_not_inferred(given):
    pub = analyse_structure(Document(text=CASES["post"][0], published=given)).published
    assert pub.date == given and pub.inferred is False and pub.source == "metadata"


@pytest.mark.parametrize("text,own", [
    ("Published 3 May 2021 Gunmen attacked a convoy near the border on Sunday, officials said.\n", dt.date(2021, 5, 3)),
    ("Convoy attacked near border\nUpdated: May 4, 2021, 10:12 GMT\nGunmen attacked a convoy on Sunday.\n",
     dt.date(2021, 5, 4)),
    ("Date of publication 12 June 2019\nThe council met on Monday to discuss the ceasefire.\n", dt.date(2019, 6, 12)),
])
def test_pubdate_a_page_labelling_its_own_date_beats_a_field_that_disagrees(text, own):
    pub = analyse_structure(Document(text=text, published=dt.date(2021, 6, 30))).published
    assert pub.date == own and pub.source == "dateline" and pub.inferred is False
    assert own.strftime("%Y") in text[pub.span[0]:pub.span[1]]


@pytest.mark.parametrize("text", [
    "By Amina Yusuf, May 4, 2021\nGunmen attacked a convoy on Sunday.\n",            # a byline: the field stands
    "Gunmen attacked a convoy on 3 May 2021, and the army published its report later.\n",
    "Troops pulled back from the town on Sunday. Published figures put the toll at 12 since 4 May 2021.\n"])
def test_pubdate_a_date_that_is_no_label_leaves_the_field(text):
    pub = analyse_structure(Document(text=text, published=dt.date(2021, 6, 30))).published
    assert pub.date == dt.date(2021, 6, 30) and pub.source == "metadata"


@pytest.mark.parametrize("text", ["Fighting went on through Tuesday night near the airport.\n"])
def test_pubdate_none_without_any_anchor(text):
    assert analyse_structure(Document(text=text)).published is None


def gold_dates():
    out = []
    for txt in EXAMPLES:
        gold = txt.with_suffix(".gold.yaml")
        if gold.exists():
            g = yaml.safe_load(gold.read_text(encoding="utf-8"))
            if (g.get("document") or {}).get("published"):
                out.append(pytest.param(txt, g["document"]["published"], id=txt.stem))
    return out or [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no examples under {SHARED}"))]


@pytest.mark.parametrize("path,expected", gold_dates())
def test_pubdate_examples_match_gold(path, expected):
    text = path.read_text(encoding="utf-8")
    pub = analyse_structure(Document(text=text)).published
    assert pub is not None and pub.date == expected, re.sub(r"\s+", " ", text[:200])


@pytest.mark.parametrize("text,expected", [
    # a US page: month first, as its own "Apr. 5" says
    ("Drone downed over the harbour\nOn Apr. 5, a patrol boat shot down a drone near the port.\n"
     "Date Posted: 04.05.2022 09:10\n", dt.date(2022, 4, 5)),
    ("The navy said a tanker was hit on 9 November.\nDate posted: 11.09.2023\n", dt.date(2023, 11, 9)),
    # no named day says otherwise: day first, as Europe writes it
    ("Date Posted: 04.05.2022 09:10\nA patrol boat shot down a drone near the port on Tuesday.\n",
     dt.date(2022, 5, 4)),
    # the day-first reading is the day named: it stands
    ("A patrol boat shot down a drone on 4 May.\nDate Posted: 04.05.2022\n", dt.date(2022, 5, 4)),
])
def test_pubdate_numeric_date_read_the_way_the_text_names_its_day(text, expected):
    pub = analyse_structure(Document(text=text)).published
    assert pub is not None and pub.date == expected
    assert text[pub.span[0]:pub.span[1]].startswith(("04.05", "11.09"))


@pytest.mark.issue(22)
@pytest.mark.parametrize("text,own", [
    ("Tue 12 Mar 2019 Gunmen ambush a patrol near the dam. Gunmen ambushed a patrol on Monday.\n", dt.date(2019, 3, 12)),
    ("Last updated at Mar 052019 LAGOS Gunmen ambushed a patrol near the dam on Monday.\n", dt.date(2019, 3, 5)),
    ("14-03-2019 Patrol ambushed near dam. Gunmen ambushed a patrol on Wednesday.\n", dt.date(2019, 3, 14)),
    ("Patrol ambushed near the dam Wire Service Thursday 14 Mar 2019 Gunmen ambushed a patrol.\n", dt.date(2019, 3, 14)),
])
def test_pubdate_the_date_a_page_opens_with_beats_a_field_that_disagrees(text, own):
    pub = analyse_structure(Document(text=text, published=dt.date(2019, 6, 30))).published
    assert pub.date == own and pub.source == "dateline"
    assert text[pub.span[0]:pub.span[1]].endswith("2019")


@pytest.mark.issue(22)
@pytest.mark.parametrize("text", [
    "Gunmen ambushed a patrol that was on its way to the dam on Thursday 14 March 2019, officials said.\n",
    "A patrol was ambushed near the dam. Officials first reported the attack in a statement on 14 March 2019.\n"])
def test_pubdate_a_date_in_running_prose_is_not_the_page_s_own(text):
    pub = analyse_structure(Document(text=text, published=dt.date(2019, 6, 30))).published
    assert pub.date == dt.date(2019, 6, 30) and pub.source == "metadata"


@pytest.mark.issue(22)
@pytest.mark.parametrize("text,day", [
    ("Posted Mar 052019 by the desk", dt.date(2019, 3, 5)),        # a day fused with its year
    ("report of 14-03-2019 on the dam", dt.date(2019, 3, 14)),     # hyphenated, day first
    ("report of 03-04-2019 on the dam", dt.date(2019, 4, 3)),
    ("report of 10-15-2019 on the dam", dt.date(2019, 10, 15)),    # only month first is a date
])
def test_dates_fused_and_hyphenated_full_dates(text, day):
    from warledger.structure.dates import find_dates
    found = list(find_dates(text))
    assert [d for d, _, _ in found] == [day]
    assert text[found[0][1]:found[0][2]][-4:] == "2019"
