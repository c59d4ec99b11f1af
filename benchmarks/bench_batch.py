"""`make bench`: `warledger batch` on Dask against serial extraction, on 2,000+ documents.

The corpus is the FA-KES articles (`../shared/data/fakes/`, through its `to_jsonl.py`)
repeated with small variations (each copy gets its own id and a closing line naming its
edition, so every document has its own content hash) to at least --docs documents.

Prints documents/s of serial extraction (one process, pipeline loaded before the clock starts),
of batch extraction with 1 and with 2 local workers (timed from the first task's start to the
last part file; load and aggregation reported apart), the speed-up, and each worker's peak RSS.
Targets (issue 13): 2 workers >= 1.7 x one; <= 1 GiB per worker.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "data" / "fakes"


def build_corpus(path: Path, at_least: int) -> int:
    rows = [json.loads(line) for line in subprocess.run(
        [sys.executable, str(FAKES / "to_jsonl.py"), str(FAKES / "FA-KES-Dataset.csv")],
        capture_output=True, text=True, check=True).stdout.splitlines()]
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        edition = 0
        while n < at_least:
            for r in rows:
                copy = dict(r)
                if edition:
                    copy["id"] = f"{r['id']}-e{edition}"
                    copy["text"] = r["text"].rstrip() + f"\n\nThis is edition {edition + 1} of the report."
                f.write(json.dumps(copy, ensure_ascii=False) + "\n")
                n += 1
            edition += 1
    return n


def serial(path: Path) -> tuple[int, float]:
    from warledger.extract import extract_documents
    from warledger.nlp.pipeline import load_pipeline
    from warledger.read import read_path
    from warledger.settings import Settings

    nlp = load_pipeline()
    t0 = time.perf_counter()
    n = sum(1 for x in extract_documents(read_path(path), Settings(), nlp=nlp) if not isinstance(x, Exception))
    return n, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000, help="at least this many documents (default 2000)")
    ap.add_argument("--partition-size", type=int, default=50)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    args = ap.parse_args()

    from warledger.batch import run_batch

    with tempfile.TemporaryDirectory(prefix="warledger-bench-batch-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        total = build_corpus(corpus, args.docs)
        out = {"documents": total}
        n, secs = serial(corpus)
        out["serial"] = {"documents": n, "seconds": round(secs, 1), "docs_per_s": round(n / secs, 2)}
        for workers in (1, 2):
            rep = run_batch([str(corpus)], str(work / f"out{workers}"), db=f"sqlite:///{work / f'l{workers}.sqlite'}",
                            workers=workers, partition_size=args.partition_size, echo=lambda _m: None)
            out[f"batch_{workers}"] = {
                "documents": rep.documents, "extract_seconds": round(rep.extract_seconds, 1),
                "docs_per_s": round(rep.documents / rep.extract_seconds, 2),
                "load_seconds": round(rep.load_seconds, 1), "aggregate_seconds": round(rep.aggregate_seconds, 1),
                "incidents": rep.incidents, "peak_rss_mb_per_worker": sorted(round(v) for v in
                                                                           rep.worker_peak_rss_mb.values())}
        out["speedup_2_over_1"] = round(out["batch_2"]["docs_per_s"] / out["batch_1"]["docs_per_s"], 2)
    if args.json:
        print(json.dumps(out))
        return
    print(f"batch benchmark: {total} FA-KES-based documents, partitions of {args.partition_size}")
    s = out["serial"]
    print(f"  serial extraction      {s['docs_per_s']:7.2f} docs/s  ({s['documents']} docs in {s['seconds']} s)")
    for w in (1, 2):
        b = out[f"batch_{w}"]
        print(f"  batch, {w} worker(s)     {b['docs_per_s']:7.2f} docs/s  (extraction {b['extract_seconds']} s; "
              f"load {b['load_seconds']} s, aggregation {b['aggregate_seconds']} s apart; "
              f"peak RSS per worker {b['peak_rss_mb_per_worker']} MB)")
    print(f"  speed-up 2 workers / 1: {out['speedup_2_over_1']} x   (target >= 1.7; <= 1024 MB per worker)")


if __name__ == "__main__":
    main()
