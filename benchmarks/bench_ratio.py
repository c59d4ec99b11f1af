"""Throughput of warledger's whole extraction against bare spaCy, as issue 6 measures it.

Two kinds of process, each run on its own, one process at a time, alternately, best of three (``--runs``):
  bare — loads the configured spaCy model and runs ``nlp.pipe`` over the texts;
  full — runs warledger's extraction (reading the JSON Lines file, structure, language, the
         pipeline with warledger's components, the contract) over the same texts.
Both use the same batch size. Each process reports documents/s and words/s of its processing
loop (the model load is timed apart). The ratio full/bare is the figure: target >= 0.85.

    python benchmarks/bench_ratio.py [-n 400] [--runs 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BATCH = 16


def child(mode: str, n: int) -> None:
    sys.path.insert(0, str(HERE))
    from bench_extract import load_texts

    rows = load_texts(n)
    words = sum(len(r["text"].split()) for r in rows)
    t0 = time.perf_counter()
    if mode == "bare":
        import spacy
        from spacy.util import load_config

        from warledger.nlp.pipeline import default_config_path, resolve_model
        cfg = load_config(default_config_path())
        nlp = resolve_model(cfg["nlp"].get("model", "auto"), list(cfg["nlp"].get("disable", [])))
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in nlp.pipe((r["text"] for r in rows), batch_size=BATCH):
            pass
        assert spacy
    else:
        import importlib
        wl_extract = importlib.import_module("warledger.extract")
        from warledger.export.extract_json import to_contract
        wl_extract.load_models()            # the pipeline and the language identifier, as a worker loads them
        wl_extract.BATCH = BATCH
        load = time.perf_counter() - t0
        import tempfile
        tmp = Path(tempfile.mkdtemp()) / "articles.jsonl"
        tmp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        from warledger.read import read_path
        t0 = time.perf_counter()                     # reading the file is part of the job
        for item in wl_extract.extract_documents(read_path(tmp)):
            to_contract(item)
    took = time.perf_counter() - t0
    print(json.dumps({"mode": mode, "docs": len(rows), "words": words, "seconds": took, "load_seconds": load,
                      "docs_per_s": len(rows) / took, "words_per_s": words / took}))


def run(mode: str, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "-n", str(n)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3, help="runs of each kind, alternately; the best counts")
    ap.add_argument("--child", choices=["bare", "full"])
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.n)
        return
    results: dict[str, list[dict]] = {"bare": [], "full": []}
    for _ in range(a.runs):                             # alternately, best of the runs
        for mode in ("bare", "full"):
            results[mode].append(run(mode, a.n))
    best = {m: max(rs, key=lambda r: r["docs_per_s"]) for m, rs in results.items()}
    ratio = best["full"]["docs_per_s"] / best["bare"]["docs_per_s"]
    summary = {"articles": a.n, "batch_size": BATCH, "bare": best["bare"], "full": best["full"],
               "ratio": round(ratio, 3), "target": 0.85}
    if a.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"throughput, first {a.n} FA-KES articles, batch {BATCH}, best of {a.runs} runs each, alternately")
    for m in ("bare", "full"):
        b = best[m]
        print(f"  {m:<5} {b['docs_per_s']:7.2f} docs/s {b['words_per_s']:9.0f} words/s  (load {b['load_seconds']:.2f} s)")
    print(f"  ratio full/bare {ratio:.3f}   (target >= 0.85)")


if __name__ == "__main__":
    main()
