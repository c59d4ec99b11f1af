"""Incidents kept up to date: an update regroups only what new events reach, with the result of
a full rebuild, whatever order documents come in, reviews applied; a rebuild in parts is the
same as grouping every event at once."""
from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest

from warledger.aggregate import EventRecord
from warledger.aggregate.incidents import Rarity, _Grouper, prepare, rarity_weight, token_years
from warledger.aggregate.incremental import MemorySource, settle
from warledger.aggregate.maintain import reapply_reviews, rebuild, update
from warledger.store import Ledger
from warledger.store.incidents import add_review, list_incidents

SHARED = Path(__file__).resolve().parents[3] / "shared"

TYPES = ("airstrike", "shelling", "armed_clash", "bombing", "protest", "negotiation")
TOWNS = [(36.20, 37.15), (36.25, 37.10), (35.93, 36.63), (34.73, 36.72), (33.51, 36.29), (33.45, 36.30)]
PERPS = ("Northland", "Southland", "the militia", None)
WORDS = ("a market", "a hospital", "a school", "a bakery", "a checkpoint", "")
NAMES = ("Old Quarter", "Bridge District", "Hill Village", "River Town")


def random_events(rng: random.Random, docs: int) -> list[list[EventRecord]]:
    """Events of ``docs`` made-up documents, dense enough for incidents to compete for reports:
    a few weeks, a few towns, figures and words from short lists, some events of low precision."""
    out = []
    base = dt.date(2021, 5, 1)
    for d in range(docs):
        doc = f"doc{d:03d}"
        evs = []
        for i in range(rng.choice((1, 1, 2, 3))):
            day = base + dt.timedelta(days=rng.randrange(40))
            precision = rng.choice(("day", "day", "day", "week", "month", "year"))
            start, end = day, day
            if precision == "week":
                end = day + dt.timedelta(days=6)
            elif precision == "month":
                start, end = day.replace(day=1), day.replace(day=28)
            elif precision == "year":
                start, end = day.replace(month=1, day=1), day.replace(month=12, day=31)
            kind = rng.random()
            if kind < 0.6:
                lat, lon = rng.choice(TOWNS)
                places = [(lat, lon, rng.choice(("exact", "exact", "near", "admin2")))]
            elif kind < 0.8:
                places = [(35.0, 38.0, rng.choice(("admin1", "country")))]
            else:
                places = []
            perp = rng.choice(PERPS)
            figure = rng.choice((None, 3, 4, 12, 40))
            word = rng.choice(WORDS)
            name = rng.choice(NAMES)
            evs.append(EventRecord(
                key=f"{doc}:e{i}", document=doc, outlet=f"outlet {rng.randrange(5)}", type=rng.choice(TYPES),
                date_start=start, date_end=end, precision=precision, published=base, places=places,
                perpetrators={perp} if perp else set(), low=figure, best=figure, high=figure,
                attributions=[(rng.choice(("Rights Group", "the ministry", None)), rng.choice(("reports", "denies")))],
                place_names=[(name, "exact", "populated_place")] if rng.random() < 0.5 else [],
                victims={rng.choice(("civilians", "a family of four", "two teachers"))},
                text=f"The strike hit {word} near {name}." if word else ""))
        out.append(evs)
    return out


def full_groups(docs: list[list[EventRecord]]) -> list[tuple[str, ...]]:
    built = _Grouper([e for d in docs for e in d]).build()
    return sorted(tuple(sorted(m.key for m in g)) for g in built)


def one_by_one(docs: list[list[EventRecord]]) -> tuple[list[tuple[str, ...]], list[int]]:
    """Each document added alone and settled (the name counts kept as the store keeps them)."""
    events, counts, naming = {}, {}, {}
    source = MemorySource(events, {}, Rarity(counts))
    sizes = []
    for d in docs:
        new = {e.key: prepare(e) for e in d}
        reweighed = set()
        for t in set().union(*(token_years(p.story, p.window) for p in new.values())):
            before = counts.get(t, 0)
            counts[t] = before + 1
            if rarity_weight(before) != rarity_weight(before + 1):
                reweighed |= naming.get(t, set())
        for p in new.values():
            for t in token_years(p.story, p.window):
                naming.setdefault(t, set()).add(p.e.key)
        events.update(new)
        source._by_family = None
        before, after, region = settle(set(new) | reweighed, source, dirty=reweighed)
        source.apply(before, after)
        sizes.append(len(region))
    return sorted({source.group_of.get(k, (k,)) for k in events}), sizes


@pytest.mark.parametrize("seed", [3, 11])
def test_settling_each_document_gives_the_full_grouping_in_any_order(seed):
    rng = random.Random(seed)
    docs = random_events(rng, 90)
    full = full_groups(docs)
    assert any(len(g) > 2 for g in full) and len(full) < sum(len(d) for d in docs)   # incidents do form
    for order in range(2):
        shuffled = docs[:]
        random.Random(seed * 10 + order).shuffle(shuffled)
        got, sizes = one_by_one(shuffled)
        assert got == full
        assert min(sizes) < len(full)           # some updates regroup less than the whole


# ---------------------------------------------------------------- in the store

def _extractions():
    from warledger.extract import extract_documents
    from warledger.ingest import documents
    from warledger.sample import sample_paths
    fakes = SHARED / "data" / "fakes"
    if not (fakes / "FA-KES-Dataset.csv").exists():
        pytest.skip("no FA-KES data beside the clone")
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "fakes.jsonl"
        subprocess.run([sys.executable, str(fakes / "to_jsonl.py"), str(fakes / "FA-KES-Dataset.csv"), str(jsonl)],
                       check=True, capture_output=True)
        lines = jsonl.read_text(encoding="utf-8").splitlines()[:50]
        part = Path(tmp) / "part.jsonl"
        part.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths = [str(p) for p in sample_paths()] + [str(part)]
        return [x for x in extract_documents(documents(paths)) if not hasattr(x, "code")]


@pytest.fixture(scope="module")
def extractions():
    return _extractions()


def _state(url: str) -> list[tuple]:
    ledger = Ledger(url)
    rows = list_incidents(ledger.engine)
    ledger.engine.dispose()
    return sorted((tuple(r["members"]), r["id"], r["type"], r["date_start"], r["date_end"], r["low"], r["best"],
                   r["high"], r["status"], r["days"], str(r["area"])) for r in rows)


def _ids(url: str) -> dict[str, int]:
    from sqlalchemy import select

    from warledger.store.tables import IncidentRow
    ledger = Ledger(url)
    with ledger.engine.connect() as conn:
        out = dict(conn.execute(select(IncidentRow.key, IncidentRow.id)).all())
    ledger.engine.dispose()
    return out


def _reviews(url: str) -> list[dict]:
    """A merge of two incidents and a split of a third, by their members in ``url``'s ledger."""
    rows = [r for r in list_incidents(Ledger(url).engine) if r["date_start"]]
    several = [r for r in rows if len(r["members"]) >= 2]
    assert several, "the texts give no incident of several reports"
    split = several[0]
    others = [r for r in rows if r["id"] != split["id"]]
    return [{"action": "merge", "anchor": others[0]["members"], "events": others[1]["members"]},
            {"action": "split", "anchor": split["members"], "events": split["members"][:1]}]


def _review(url: str, reviews: list[dict]) -> None:
    ledger = Ledger(url)
    for r in reviews:
        add_review(ledger.engine, action=r["action"], anchor=r["anchor"], who="analyst", why=None, events=r["events"])
    reapply_reviews(ledger)
    ledger.engine.dispose()


def _ingest_one_by_one(url: str, items, reviews, at: int) -> None:
    for n, ex in enumerate(items):
        if n == at:
            _review(url, reviews)
        ledger = Ledger(url)
        before = _ids(url)
        ledger.add(ex)
        update(ledger)
        after = _ids(url)
        ledger.engine.dispose()
        assert all(after[k] == i for k, i in before.items() if k in after)   # kept incidents keep their rows


def _third_db(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'third.sqlite'}"
        return
    from tests.conftest import _pg_database
    yield from _pg_database()


@pytest.fixture
def third_db(db_url, tmp_path):
    yield from _third_db(db_url, tmp_path)


@pytest.fixture
def fourth_db(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fourth.sqlite'}"
        return
    from tests.conftest import _pg_database
    yield from _pg_database()


def test_updates_in_two_orders_and_all_at_once_equal_a_rebuild_with_reviews(
        extractions, db_url, second_db, third_db, fourth_db):
    items = list(extractions)
    # the reference: everything stored, reviews made, a full rebuild
    ref = Ledger(db_url)
    ref.add_partition(items)
    rebuild(ref)
    reviews = _reviews(db_url)
    _review(db_url, reviews)
    rebuild(ref)
    ref.engine.dispose()
    want = _state(db_url)
    assert len(want) > 10
    half = len(items) // 2
    for url, seed in ((second_db, 1), (third_db, 2)):
        order = items[:]
        random.Random(seed).shuffle(order)
        _ingest_one_by_one(url, order, reviews, half)
        assert _state(url) == want
        assert _cells(url) == _cells(db_url)          # the map cells and days kept by difference too
    all_at_once = Ledger(fourth_db)
    _review(fourth_db, reviews)
    all_at_once.add_partition(items)
    update(all_at_once)
    all_at_once.engine.dispose()
    assert _state(fourth_db) == want


def test_a_rebuild_in_parts_is_the_grouping_of_every_event_at_once(extractions, tmp_path):
    from warledger.aggregate.memory import records_of
    url = f"sqlite:///{tmp_path / 'parts.sqlite'}"
    ledger = Ledger(url)
    ledger.add_partition(list(extractions))
    report = rebuild(ledger, part_events=40)
    assert report.parts > 3
    got = sorted(tuple(r["members"]) for r in list_incidents(ledger.engine))
    records = [r for ex in extractions for r in records_of(ex)]
    whole = sorted(tuple(sorted(m.key for m in g)) for g in _Grouper(records).build())
    assert got == whole
    assert sorted(tuple(r["members"]) for r in list_incidents(ledger.engine)) == got


def test_death_between_storing_and_updating_leaves_nothing_stale(db_url, second_db, seed_path):
    import signal

    from click.testing import CliRunner

    from warledger.cli import main
    from warledger.sample import sample_paths
    paths = [str(p) for p in sample_paths()]
    first = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", db_url, *paths])
    assert first.exit_code == 0, first.output
    assert not Ledger(db_url).needs_rebuild()
    code = ("import os, signal\n"
            "from warledger.ingest import documents, ingest_documents\n"
            "from warledger.store import Ledger\n"
            f"s = ingest_documents(documents([{str(seed_path)!r}]), Ledger({db_url!r}))\n"
            "assert s.ingested == 1, s.line()\n"
            "os.kill(os.getpid(), signal.SIGKILL)    # dies after storing, before the incidents are updated\n")
    died = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert died.returncode == -signal.SIGKILL, died.stderr
    ledger = Ledger(db_url)
    assert ledger.needs_rebuild()
    stale = {k for r in list_incidents(ledger.engine) for k in r["members"]}
    report = update(ledger)                          # the next update takes in what was left
    assert report.mode == "update" and report.events > 0
    assert not ledger.needs_rebuild()
    assert {k for r in list_incidents(ledger.engine) for k in r["members"]} > stale
    ledger.engine.dispose()
    whole = CliRunner().invoke(main, ["ingest", "--no-progress", "--db", second_db, *paths, str(seed_path)])
    assert whole.exit_code == 0, whole.output
    rebuild(Ledger(second_db))
    assert _state(db_url) == _state(second_db)
    assert _cells(db_url) == _cells(second_db)


def _cells(url: str) -> list[tuple]:
    from sqlalchemy import select

    from warledger.store.tables import IncidentDayRow, MapCellRow
    ledger = Ledger(url)
    with ledger.engine.connect() as conn:
        cells = sorted((r.zoom, r.gx, r.gy, r.n, round(r.lat_sum, 6), round(r.lon_sum, 6), r.south, r.west, r.north,
                        r.east, r.best) for r in conn.execute(select(MapCellRow)))
        days = sorted(tuple(r) for r in conn.execute(select(IncidentDayRow.day, IncidentDayRow.n, IncidentDayRow.best)))
    ledger.engine.dispose()
    return cells + days


# ---------------------------------------------------------------- the pre-filter and wide events

@pytest.mark.parametrize("seed", [5, 17])
def test_two_events_the_pre_filter_keeps_apart_are_never_linked(seed):
    from warledger.aggregate.incremental import linked
    from warledger.aggregate.records import may_link, signature
    rng = random.Random(seed)
    events = [prepare(e) for d in random_events(rng, 120) for e in d]
    helper = _Grouper(prepared=[], rarity=Rarity({}))
    sigs = {p.e.key: signature(p) for p in events}
    kept_apart = linked_pairs = 0
    for i, a in enumerate(events):
        for b in events[i + 1:]:
            if not may_link(sigs[a.e.key], sigs[b.e.key]):
                kept_apart += 1
                assert not linked(helper, a, b), (a.e.key, b.e.key)
            elif linked(helper, a, b):
                linked_pairs += 1
    assert kept_apart and linked_pairs           # it keeps pairs apart, and links are still found
    assert may_link(None, sigs[events[0].e.key])  # a row written before the pre-filter is always read


@pytest.mark.parametrize("seed", [5, 17])
def test_a_low_precision_event_is_only_linked_to_what_its_stricter_pre_filter_keeps(seed):
    """A low-precision event needs a story of 2.0: the rows sharing neither a strong hash (figure,
    report) nor two story hashes with it are never linked to it; some are linked, some are kept
    apart that the plain pre-filter would have read."""
    from warledger.aggregate.incidents import is_low
    from warledger.aggregate.incremental import linked
    from warledger.aggregate.records import low_candidates, may_link, signature, signature_parts
    rng = random.Random(seed)
    events = [prepare(e) for d in random_events(rng, 120) for e in d]
    helper = _Grouper(prepared=[], rarity=Rarity({}))
    sigs = {p.e.key: signature(p) for p in events}
    holding: dict[str, set[int]] = {}
    for i, p in enumerate(events):
        for h in sigs[p.e.key].split():
            holding.setdefault(h, set()).add(i)
    low = [p for p in events if is_low(p.e)]
    assert low
    stricter = linked_pairs = 0
    for a in low:
        kept = low_candidates(signature_parts(a), lambda h: holding.get(h, ()))
        for j, b in enumerate(events):
            if b is a:
                continue
            if j not in kept:
                assert not linked(helper, a, b), (a.e.key, b.e.key)
                stricter += may_link(sigs[a.e.key], sigs[b.e.key])
            elif linked(helper, a, b):
                linked_pairs += 1
    assert stricter and linked_pairs


def test_same_size_figures_share_a_bucket_of_the_pre_filter():
    from warledger.aggregate.records import may_link, signature
    base = dict(document="d1", outlet="o", type="airstrike", date_start=dt.date(2021, 5, 1),
                date_end=dt.date(2021, 5, 1), precision="month", published=None, places=[], perpetrators=set(),
                attributions=[], place_names=[], victims=set(), text="")
    for lo in range(0, 400):
        hi = int(1.5 * lo + 2)
        a = prepare(EventRecord(key="d1:e0", low=lo, best=lo, high=lo, **base))
        b = prepare(EventRecord(key="d2:e0", low=hi, best=hi, high=hi, **(base | {"document": "d2"})))
        assert may_link(signature(a), signature(b)), (lo, hi)


def test_a_rebuild_adding_wide_events_in_batches_is_the_whole_grouping(extractions, tmp_path):
    """Wide-window events (a year, a span) are added last, batch after batch; events dated by a
    year are made here from the texts' own events, so that there are many."""
    import dataclasses

    from warledger.aggregate.memory import records_of
    items = []
    for n, ex in enumerate(extractions):
        evs = []
        for i, ev in enumerate(ex.events):
            if (n + i) % 3 == 0 and ev.date.start:
                day = ev.date.start
                ev = dataclasses.replace(ev, date=dataclasses.replace(
                    ev.date, start=day.replace(month=1, day=1), end=day.replace(month=12, day=31), precision="year"))
            evs.append(ev)
        items.append(dataclasses.replace(ex, events=evs))
    url = f"sqlite:///{tmp_path / 'wide.sqlite'}"
    ledger = Ledger(url)
    ledger.add_partition(items)
    report = rebuild(ledger, part_events=40, wide_batch=5)
    assert report.wide > 15 and report.parts > 3
    got = sorted(tuple(r["members"]) for r in list_incidents(ledger.engine))
    records = [r for ex in items for r in records_of(ex)]
    whole = sorted(tuple(sorted(m.key for m in g)) for g in _Grouper(records).build())
    assert got == whole
    ledger.engine.dispose()


def test_an_update_over_rows_without_a_pre_filter_equals_a_rebuild(extractions, db_url, second_db):
    """Rows stored before the pre-filter existed (``sig`` empty) are read whatever they share."""
    from sqlalchemy import update as sql_update

    from warledger.store.tables import AggregateEventRow
    items = list(extractions)
    half = len(items) // 2
    ledger = Ledger(db_url)
    ledger.add_partition(items[:half])
    rebuild(ledger)
    with ledger.engine.begin() as conn:
        conn.execute(sql_update(AggregateEventRow).where(AggregateEventRow.event_id % 2 == 0).values(sig=None))
    ledger.add_partition(items[half:])
    assert update(ledger).mode == "update"
    ledger.engine.dispose()
    whole = Ledger(second_db)
    whole.add_partition(items)
    rebuild(whole)
    whole.engine.dispose()
    assert _state(db_url) == _state(second_db)


def test_a_rebuild_on_worker_processes_equals_one_in_this_process(extractions, db_url, second_db):
    """The records, the parts and the incidents' figures computed by two worker processes and
    joined here: the same incidents, row for row, as one process computing everything."""
    from warledger.aggregate.maintain import local_processes
    stored = []
    for url in (db_url, second_db):
        ledger = Ledger(url)
        ledger.add_partition(list(extractions))
        stored.append(ledger)
    assert local_processes(stored[0].engine) == 1          # a small ledger: no pool by default
    many = rebuild(stored[0], part_events=40, processes=2)
    one = rebuild(stored[1], part_events=40, processes=1)
    assert many.parts == one.parts > 3 and many.events == one.events > 100
    for ledger in stored:
        ledger.engine.dispose()
    assert _state(db_url) == _state(second_db)
    assert _cells(db_url) == _cells(second_db)


def test_an_update_reading_nearby_events_together_finds_what_one_scan_each_finds(extractions, db_url):
    """``LedgerSource.around`` reads the rows near several new events at once
    (``_clusters``); the candidates are those of one range scan per event."""
    from warledger.aggregate.maintain import LedgerSource
    from warledger.aggregate.records import prepared_of
    from warledger.store.incidents import event_rows
    items = list(extractions)
    half = len(items) // 2
    ledger = Ledger(db_url)
    ledger.add_partition(items[:half])
    rebuild(ledger)
    ledger.add_partition(items[half:])
    with ledger.engine.connect() as conn:
        from warledger.store import aggregate_state as st
        missing = st.missing_events(conn, *st.counts(conn))
        rows, _ = event_rows(ledger.engine, event_ids=missing)
        pending = {r["key"]: prepared_of(r) for r in rows}
        together = LedgerSource(conn, pending, {})
        assert together._clusters(list(pending.values()))        # some are read together
        alone = LedgerSource(conn, pending, {})
        alone._clusters = lambda events: {}
        batch = list(pending.values())
        got = sorted(p.e.key for p in together.around(batch))
        want = sorted(p.e.key for p in alone.around(batch))
    ledger.engine.dispose()
    assert got == want
    assert len(want) > len(pending)


def test_only_reweighed_events_with_a_pair_that_weighs_are_regrouped():
    """An event naming a name whose weight moved is regrouped only when another event naming
    it (in any year, stored or new) is of its family with an overlapping window."""
    from types import SimpleNamespace

    from warledger.aggregate.maintain import paired_namers
    from warledger.aggregate.records import tokens_of
    rows = [("t1", "a", "strike", 10, 12), ("t1", "b", "strike", 12, 14),      # overlap: both
            ("t1", "c", "strike", 30, 31), ("t1", "d", "protest", 30, 31),     # other family: neither
            ("t1", "e", "strike", 50, 51), ("t2", "f", "strike", 50, 51),      # other name: neither
            ("t1", "g", "strike", 70, 72), ("t1", "u", "strike", None, None)]  # undated: none
    keys = {"a", "b", "c", "d", "e", "f", "g", "u"}
    assert paired_namers(keys, {"t1", "t2"}, rows, []) == {"a", "b"}
    # a new event naming it beside "g" (its own tokens say which names it has)
    e = prepare(EventRecord(key="n:e0", document="n", outlet=None, type="airstrike", date_start=dt.date(2021, 5, 1),
                            date_end=dt.date(2021, 5, 1), precision="day", published=None,
                            place_names=[("Hill Village", "exact", "populated_place")]))
    t = next(iter(tokens_of(e)))[0]
    w = e.window
    rows2 = [(t, "g", e.family, w[0] - 1, w[0]), (t, "h", e.family, w[1] + 5, w[1] + 6)]
    assert paired_namers({"g", "h"}, {t}, rows2, [e]) == {"g"}
    assert paired_namers({"g", "h"}, {t}, rows2, [SimpleNamespace(window=None)]) == set()


def test_updates_and_rebuilds_collect_garbage_less_often_and_restore_the_pace():
    import gc

    from warledger.aggregate.maintain import GC_THRESHOLD, _fewer_collections
    before = gc.get_threshold()
    seen = []

    @_fewer_collections()
    def work():
        seen.append(gc.get_threshold())
        raise ValueError("stop")
    with pytest.raises(ValueError):
        work()
    assert seen == [GC_THRESHOLD]
    assert gc.get_threshold() == before


# ---------------------------------------------------------------- a region of unrelated clusters

def _shifted(docs: list[list[EventRecord]], days: int, tag: str) -> list[list[EventRecord]]:
    """The same made-up documents, ``days`` later and under other keys: a cluster nothing of the
    original can link to."""
    import dataclasses
    out = []
    for d in docs:
        out.append([dataclasses.replace(
            e, key=f"{tag}{e.key}", document=f"{tag}{e.document}",
            date_start=e.date_start + dt.timedelta(days=days) if e.date_start else None,
            date_end=e.date_end + dt.timedelta(days=days) if e.date_end else None) for e in d])
    return out


def test_settling_a_region_of_two_unrelated_clusters_regroups_as_a_full_grouping():
    """Two clusters a year apart: a new document in one regroups that one alone, and the region's
    groups, each cluster's grouped alone, are those of grouping everything at once."""
    rng = random.Random(7)
    first = random_events(rng, 60)
    second = _shifted(random_events(random.Random(8), 60), 400, "x")
    docs = first + second
    events = {p.e.key: p for p in (prepare(e) for d in docs for e in d)}
    rarity = _Grouper(prepared=list(events.values())).rarity
    full = sorted(tuple(sorted(m.key for m in g)) for g in _Grouper(prepared=list(events.values()), rarity=rarity).build())
    # the ledger grouped as it is, but for one document of each cluster left out, then settled back
    late = {e.key for e in first[5]} | {e.key for e in second[5]}
    kept = [p for k, p in events.items() if k not in late]
    groups = {k: g for g in (tuple(sorted(m.key for m in g)) for g in _Grouper(prepared=kept, rarity=rarity).build())
              for k in g}
    source = MemorySource(events, groups, rarity)
    before, after, region = settle(set(late), source)
    source.apply(before, after)
    assert sorted({source.group_of.get(k, (k,)) for k in events}) == full
    # one cluster's new document alone regroups nothing of the other
    source = MemorySource(events, {k: g for k, g in groups.items()}, rarity)
    only = {e.key for e in first[5]}
    before, after, region = settle(only, source)
    assert region and not any(k.startswith("x") for k in region)
