"""`make bench`: warledger's cost over bare spaCy, on the first N FA-KES articles.

Reports, in one run on the same texts:
  - gazetteer open time and the process's peak RSS with the gazetteer and model loaded;
  - docs/s of bare spaCy (the same model, nlp.pipe) and of warledger's whole extraction
    (read records → structure → language → pipeline with warledger's components);
  - each stage's share of extraction time, timed component by component, and the time per
    place mention.
Targets (issues 4-6): place stage <= 5 %, actor stage <= 3 %, all of warledger's stages together <= 15 % over parsing,
peak RSS <= 600 MB.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "data" / "fakes"


def load_texts(n: int) -> list[dict]:
    out = subprocess.run([sys.executable, str(FAKES / "to_jsonl.py"), str(FAKES / "FA-KES-Dataset.csv")],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()[:n]]


def _bare_seconds(n: int) -> float:
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("bench_ratio.py")), "--child", "bare",
                          "-n", str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100, help="articles (default 100)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args()

    from warledger.model import Document
    from warledger.nlp.extensions import USER_STRUCTURE
    from warledger.nlp.pipeline import load_pipeline
    from warledger.resolve.gazetteer import Gazetteer
    from warledger.structure import analyse_structure
    from warledger.structure.language import document_language, load_identifier

    rows = load_texts(args.n)
    texts = [r["text"] for r in rows]
    t0 = time.perf_counter()
    Gazetteer()
    gaz_open = time.perf_counter() - t0

    nlp = load_pipeline()
    load_identifier()
    # warledger's own stages; the rule pass stands in for the model's attribute ruler and
    # lemmatizer (same attributes, nlp/fastrules.py) and counts with the trained pipes
    own = [n for n in nlp.pipe_names if n.startswith("warledger_") and n != "warledger_rule_pass"]
    # warm up (first-call caches, lexeme creation)
    list(nlp.pipe(texts[:10]))

    # 1. bare spaCy: the trained pipeline as its package ships it, batched as users run it, in a
    # process of its own (so that its model does not count in this one's memory); the better of two
    bare = min(_bare_seconds(args.n) for _ in range(2))

    # 2. warledger's extraction, each stage timed on its own
    stage = defaultdict(float)
    mentions = 0
    t_all = time.perf_counter()
    structures = []
    for r in rows:
        t0 = time.perf_counter()
        doc = Document(text=r["text"])
        st = analyse_structure(doc)
        stage["structure"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        document_language(doc.text, st.blocks)
        stage["language"] += time.perf_counter() - t0
        structures.append(st)
    docs = []
    for text, st in zip(texts, structures, strict=True):
        d = nlp.make_doc(text)
        d.user_data[USER_STRUCTURE] = st
        docs.append(d)
    trained = [(n, p) for n, p in nlp.pipeline if n not in own]
    t0 = time.perf_counter()
    with nlp.select_pipes(disable=own):
        docs = list(nlp.pipe(docs, batch_size=16))
    stage["spaCy (trained pipes)"] += time.perf_counter() - t0
    for d in docs:
        for name in own:
            t0 = time.perf_counter()
            nlp.get_pipe(name)(d)
            stage[name] += time.perf_counter() - t0
        mentions += sum(len(p.mentions) for p in d._.wl_places or [])
    total = time.perf_counter() - t_all
    # the place stage again over the same documents: its cost once the lookup cache is warm,
    # as in a long batch
    t0 = time.perf_counter()
    for d in docs:
        nlp.get_pipe("warledger_places")(d)
    places_warm = time.perf_counter() - t0
    ours = sum(v for k, v in stage.items() if k != "spaCy (trained pipes)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "articles": len(rows), "model": nlp.meta.get("name"), "trained_pipes": [n for n, _ in trained],
        "gazetteer_open_s": round(gaz_open, 4),
        "bare_spacy_docs_per_s": round(len(rows) / bare, 2),
        "warledger_docs_per_s": round(len(rows) / total, 2),
        "overhead_over_parsing_pct": round(100 * ours / stage["spaCy (trained pipes)"], 2),
        "stage_share_pct": {k: round(100 * v / total, 2) for k, v in stage.items()},
        "place_mentions": mentions,
        "places_warm_share_pct": round(100 * places_warm / (total - stage["warledger_places"] + places_warm), 2),
        "ms_per_place_mention": round(1000 * stage.get("warledger_places", 0) / max(mentions, 1), 3),
        "peak_rss_mb": round(peak_mb, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"warledger bench — first {len(rows)} FA-KES articles, model {result['model']}")
    print(f"  gazetteer open            {result['gazetteer_open_s'] * 1000:.1f} ms")
    print(f"  bare spaCy                {result['bare_spacy_docs_per_s']} docs/s")
    print(f"  warledger extraction      {result['warledger_docs_per_s']} docs/s")
    print(f"  warledger over parsing    {result['overhead_over_parsing_pct']} %   (target <= 15 %)")
    targets = {"warledger_places": " (target <= 5 %)", "warledger_actors": " (target <= 3 %)"}
    for k, v in result["stage_share_pct"].items():
        print(f"    {k:<24}{v:>7} % of extraction time{targets.get(k, '')}")
    print(f"  place stage, warm cache   {result['places_warm_share_pct']} % of extraction time (target <= 5 %)")
    print(f"  place mentions            {mentions}, {result['ms_per_place_mention']} ms each")
    print(f"  peak RSS                  {result['peak_rss_mb']} MB   (target <= 600 MB)")


if __name__ == "__main__":
    main()
