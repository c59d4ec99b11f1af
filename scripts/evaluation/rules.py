"""`make eval RULES=1` (or RULES=events.yaml): what each pattern entry does on the dev files.

An *entry* is one word of a word list, or one key of a word → value map, in
``src/warledger/nlp/patterns/*.yaml`` and ``src/warledger/resolve/patterns/*.yaml``. Maps
whose values are lists or maps (``types``, ``airstrike``, ``not_real``) are walked into;
scalar settings beside lists (``priority: 90``, ``plover: ASSAULT``) are not entries.

For each entry the dev files (dev-A and dev-B, English) are extracted with the entry
removed and scored (all facts). A file *changes* when its facts passed or its trap hits
change; it is *lowered* when it passes fewer facts (or as many with more trap hits), that is
when the entry helps it. An entry that lowers exactly one file is FLAGGED (it helps one file
only); entries whose removal changes nothing are listed too; an entry whose removal makes the
extraction fail is listed as required.

How it stays feasible: each worker (2 by default) copies src/ to a temporary directory
once, loads the pipeline once and runs the trained pipes (tagger, parser, NER…) over the dev
texts once, keeping those Docs. Per entry it writes the ablated YAML into its copy, clears
warledger's functools caches (not the pipeline, gazetteer or registry), rebuilds the warledger
components whose construction reads pattern files, and runs only those components
(warledger_places onward) on copies of the kept Docs, then scores in process. At start each
worker checks that this replay gives the same extract objects as a plain extraction, and the
parent checks that the YAML as rewritten (without removal) scores as the original.
Caveat: the gazetteer file is built at install time, so removing an Arabic article from
``places.yaml`` changes the lookup keys of the text's names but not of the gazetteer's.
"""
from __future__ import annotations

import copy
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .common import ROOT

PATTERN_DIRS = ("nlp/patterns", "resolve/patterns")
ENGLISH_DEV = ("dev-A", "dev-B")


# ---------------------------------------------------------------- entries (pure)
@dataclass(frozen=True)
class Entry:
    file: str                 # relative to src/warledger: "nlp/patterns/events.yaml"
    path: tuple               # keys from the top of the file to the list or map holding the entry
    item: int | str           # list index or map key
    value: object             # the word (list) or the value (map)

    @property
    def label(self) -> str:
        where = ".".join(str(p) for p in self.path)
        word = self.value if isinstance(self.item, int) else self.item
        return f"{Path(self.file).name}: {where} {word!r}"

    def as_dict(self) -> dict:
        return {"file": self.file, "path": list(self.path), "item": self.item, "value": self.value,
                "label": self.label}


def _scalar(v) -> bool:
    return not isinstance(v, (dict, list))


def entries(file: str, data, path: tuple = ()) -> list[Entry]:
    """Every entry of one loaded pattern file, in file order."""
    out: list[Entry] = []
    if isinstance(data, dict):
        if data and all(_scalar(v) for v in data.values()):
            return [Entry(file, path, k, v) for k, v in data.items()]
        for k, v in data.items():
            if not _scalar(v):
                out += entries(file, v, (*path, k))
    elif isinstance(data, list):
        if all(_scalar(v) for v in data):
            return [Entry(file, path, i, v) for i, v in enumerate(data)]
        for i, v in enumerate(data):
            if not _scalar(v):
                out += entries(file, v, (*path, i))
    return out


def ablate(data, entry: Entry):
    """A copy of ``data`` without ``entry``."""
    new = copy.deepcopy(data)
    node = new
    for p in entry.path:
        node = node[p]
    del node[entry.item]
    return new


def duplicates(items: list[Entry]) -> set[Entry]:
    """List entries whose word occurs earlier in the same list (removing one leaves the other)."""
    seen, out = set(), set()
    for e in items:
        if isinstance(e.item, int):
            key = (e.file, e.path, e.value)
            if key in seen:
                out.add(e)
            seen.add(key)
    return out


def pattern_files(src: Path, which: str) -> list[str]:
    """The pattern files RULES names: "1"/"all" for every one, else names or paths, comma-separated."""
    every = [str(p.relative_to(src / "warledger")) for d in PATTERN_DIRS
             for p in sorted((src / "warledger" / d).glob("*.yaml"))]
    if which.strip().lower() in ("1", "all", "yes", "true"):
        return every
    out = []
    for w in (x.strip() for x in which.split(",") if x.strip()):
        hit = [f for f in every if f == w or Path(f).name == w or f.endswith("/" + w)]
        if not hit:
            raise SystemExit(f"eval: no pattern file {w!r}; there are {', '.join(every)}")
        out += hit
    return list(dict.fromkeys(out))


def score_key(s: list[int]) -> tuple[int, int]:
    """(facts passed, −trap hits): higher is better."""
    return s[0], -s[2]


def compare(base: dict[str, list[int]], now: dict[str, list[int]]) -> dict:
    """Which files change, and which are lowered (fewer facts, or more traps) or raised."""
    changed = {f: [base[f], now.get(f)] for f in base
               if now.get(f) is None or (now[f][0], now[f][2]) != (base[f][0], base[f][2])}
    lowered = sorted(f for f in changed if changed[f][1] is None or score_key(changed[f][1]) < score_key(base[f]))
    raised = sorted(f for f in changed if f not in lowered)
    return {"changed": changed, "lowered": lowered, "raised": raised, "flagged": len(lowered) == 1}


# ---------------------------------------------------------------- workers
class Worker:
    """A subprocess on its own copy of src/, spoken to in JSON lines."""

    def __init__(self, n: int, shared: Path, files: list[str]):
        import yaml  # noqa: F401  (the parent needs PyYAML too)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"wl-eval-rules-{n}-"))
        shutil.copytree(ROOT / "src", self.tmp / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(self.tmp / "src"), str(ROOT / "scripts")]),
                   WARLEDGER_SHARED=str(shared))
        self.proc = subprocess.Popen([sys.executable, "-m", "evaluation.rules_worker", str(self.tmp / "src"),
                                      str(shared), json.dumps(files)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                     cwd=str(ROOT))
        self.hello = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"eval: a rules worker stopped (exit {self.proc.wait()})")
        return json.loads(line)

    def ask(self, request: dict) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _dump(data) -> str:
    import yaml
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def run_rules(which: str, shared: Path, *, out: Path, jobs: int = 2, limit: int | None = None) -> int:
    import yaml

    from .common import gold_files

    t0 = time.perf_counter()
    src = ROOT / "src"
    files = pattern_files(src, which)
    originals = {f: (src / "warledger" / f).read_text(encoding="utf-8") for f in files}
    loaded = {f: yaml.safe_load(t) for f, t in originals.items()}
    for f, data in loaded.items():
        if yaml.safe_load(_dump(data)) != data:
            raise SystemExit(f"eval: {f} does not survive a YAML round trip; cannot ablate it")
    todo = [e for f in files for e in entries(f, loaded[f])]
    dup = duplicates(todo)
    if limit:
        todo = todo[:limit]
    dev = [gf.id for gf in gold_files(shared) if gf.group in ENGLISH_DEV]
    print(f"rules: {len(todo)} entries in {len(files)} file(s), {len(dev)} dev files (dev-A, dev-B English), "
          f"{jobs} worker(s)", file=sys.stderr)

    workers = [None] * max(1, jobs)
    errors: list[BaseException] = []

    def start(i: int) -> None:
        try:
            workers[i] = Worker(i, shared, dev)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        for w in workers:
            if w:
                w.close()
        raise SystemExit(f"eval: a rules worker could not start: {errors[0]}")
    hello = workers[0].hello
    base = hello["scores"]
    print(f"rules: workers ready in {time.perf_counter() - t0:.0f} s (pipeline, trained pipes over the dev "
          f"texts once; replay check: {hello['replay']})", file=sys.stderr)
    if hello["replay"] != "same":
        print("rules: the replay differs from a plain extraction; every entry is extracted in full (slow)",
              file=sys.stderr)
    try:
        # the YAML as this script writes it, nothing removed, must score as the original
        for f in files:
            ctl = workers[0].ask({"file": f, "text": _dump(loaded[f]), "original": originals[f]})
            if ctl.get("error") or compare(base, ctl["scores"])["changed"]:
                raise SystemExit(f"eval: {f} rewritten without removal changes the scores "
                                 f"({ctl.get('error') or 'scores differ'}); the ablation would not be fair")
        results = _run_all(workers, todo, loaded, originals, base)
    finally:
        for w in workers:
            if w:
                w.close()
    elapsed = time.perf_counter() - t0
    report = _summarise(results, dup, base, files, dev, elapsed, which, limit)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    _print(report)
    print(f"\nwritten: {out}")
    return 0


def _run_all(workers, todo: list[Entry], loaded, originals, base) -> list[tuple[Entry, dict]]:
    q: queue.Queue = queue.Queue()
    for e in todo:
        q.put(e)
    results: list[tuple[Entry, dict]] = []
    lock = threading.Lock()
    t0 = time.perf_counter()
    failed: list[BaseException] = []

    def loop(w: Worker) -> None:
        while not failed:
            try:
                e = q.get_nowait()
            except queue.Empty:
                return
            try:
                r = w.ask({"file": e.file, "text": _dump(ablate(loaded[e.file], e)), "original": originals[e.file]})
            except BaseException as exc:  # noqa: BLE001
                failed.append(exc)
                return
            with lock:
                results.append((e, r))
                n = len(results)
                if n == 1 or n % 10 == 0 or n == len(todo):
                    per = (time.perf_counter() - t0) / n
                    print(f"rules: {n}/{len(todo)} entries, {per:.2f} s each, about "
                          f"{per * (len(todo) - n) / 60:.1f} min left", file=sys.stderr, flush=True)

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(f"eval: a rules worker failed: {failed[0]}")
    order = {e: i for i, e in enumerate(todo)}
    return sorted(results, key=lambda er: order[er[0]])


def _summarise(results, dup, base, files, dev, elapsed, which, limit) -> dict:
    rows = []
    for e, r in results:
        row = e.as_dict()
        row["duplicate"] = e in dup
        row["seconds"] = r.get("seconds")
        if r.get("error"):
            row.update(error=r["error"], changed={}, lowered=[], raised=[], flagged=False)
        else:
            row.update(compare(base, r["scores"]))
        rows.append(row)
    return {"schema": "warledger.eval-rules/1", "rules": which, "limit": limit, "files": files,
            "dev_files": dev, "baseline": base, "entries": rows,
            "flagged": [r["label"] for r in rows if r["flagged"]],
            "no_change": [r["label"] for r in rows if not r.get("error") and not r["changed"]],
            "required": [r["label"] for r in rows if r.get("error")],
            "seconds": round(elapsed, 1)}


def _print(report: dict) -> None:
    rows = report["entries"]
    print(f"{len(rows)} entries, {report['seconds'] / 60:.1f} min")
    changing = [r for r in rows if r["changed"]]
    print(f"\nentries whose removal changes a dev file ({len(changing)}); lowered = the entry helps it:")
    for r in changing:
        flag = "FLAGGED " if r["flagged"] else ""
        parts = []
        if r["lowered"]:
            parts.append("lowers " + ", ".join(_cell(f, r["changed"][f]) for f in r["lowered"]))
        if r["raised"]:
            parts.append("raises " + ", ".join(_cell(f, r["changed"][f]) for f in r["raised"]))
        print(f"  {flag}{r['label']}: {'; '.join(parts)}")
    print(f"\nFLAGGED (removal lowers exactly one dev file): {len(report['flagged'])}")
    for lab in report["flagged"]:
        print(f"  {lab}")
    if report["required"]:
        print(f"\nrequired (extraction fails without them): {len(report['required'])}")
        for r in rows:
            if r.get("error"):
                print(f"  {r['label']}: {r['error']}")
    nochange = [r for r in rows if not r.get("error") and not r["changed"]]
    print(f"\nremoval changes nothing ({len(nochange)}; * = a duplicate within its list):")
    by: dict[str, list[str]] = {}
    for r in nochange:
        where = f"{Path(r['file']).name}: {'.'.join(str(p) for p in r['path'])}"
        word = r["value"] if isinstance(r["item"], int) else r["item"]
        by.setdefault(where, []).append(f"{word}{'*' if r['duplicate'] else ''}")
    for where, words in by.items():
        print(f"  {where}: {', '.join(map(str, words))}")


def _cell(fid: str, pair) -> str:
    b, n = pair
    if n is None:
        return f"{fid} (failed)"
    return f"{fid} {b[0]}→{n[0]}" + (f" traps {b[2]}→{n[2]}" if b[2] != n[2] else "")
