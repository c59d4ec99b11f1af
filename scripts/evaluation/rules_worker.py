"""One worker of `make eval RULES=…` (see rules.py): python -m evaluation.rules_worker SRC SHARED FILES_JSON

Runs on its own copy of src/ (first on PYTHONPATH). Answers one JSON line per request
{"file", "text", "original"} on the standard output it was started with: the dev files'
scores with ``file`` (relative to src/warledger) holding ``text``; ``original`` is written back after.
Everything else it or warledger prints goes to standard error.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

KEEP = {"_load_pipeline", "open_gazetteer", "load_registry"}      # not read from pattern files


def clear_caches() -> None:
    """Every functools cache of warledger's modules, except the pipeline, gazetteer and registry."""
    for name, mod in list(sys.modules.items()):
        if not name.startswith("warledger") or mod is None:
            continue
        for obj in list(vars(mod).values()):
            if (callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", None) == name
                    and getattr(obj, "__name__", "") not in KEEP):
                obj.cache_clear()


class Replay:
    """Stands in for the pipeline in ``extract_documents``: the trained pipes run once per text
    (recording), after that only the warledger components after them run, on copies."""

    def __init__(self, nlp, tail: list[str]):
        self.nlp, self.tail = nlp, tail
        self.kept: dict[str, object] = {}
        self.recording = True

    def make_doc(self, text: str):
        if self.recording or text not in self.kept:
            return self.nlp.make_doc(text)
        return self.kept[text].copy()

    def _tail(self, doc):
        for name, proc in self.nlp.pipeline:
            if name in self.tail:
                doc = proc(doc)
        return doc

    def pipe(self, docs):
        docs = list(docs)
        if self.recording:
            with self.nlp.select_pipes(disable=self.tail):
                docs = list(self.nlp.pipe(docs))
            for d in docs:
                self.kept[d.text] = d.copy()
        return [self._tail(d) for d in docs]


class Rebuilder:
    """Makes warledger components anew (their constructors read the pattern files), in place;
    a component whose construction failed last time is added back at its place."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.order = list(nlp.pipe_names)
        self.cfg = {}
        for name in self.order:
            cfg = dict(nlp.config["components"][name])
            self.cfg[name] = (cfg.pop("factory", name), cfg)

    def __call__(self, names: list[str]) -> None:
        nlp = self.nlp
        for name in names:
            factory, cfg = self.cfg[name]
            if name in nlp.pipe_names:
                nlp.replace_pipe(name, factory, config=cfg)
            else:
                after = [n for n in self.order[self.order.index(name) + 1:] if n in nlp.pipe_names]
                nlp.add_pipe(factory, name=name, config=cfg, **({"before": after[0]} if after else {}))
            comp = nlp.get_pipe(name)
            for v in list(vars(comp).values()):          # a gazetteer's lookup cache keys on the names
                if isinstance(getattr(v, "_cache", None), dict):
                    v._cache.clear()


def main() -> int:
    src, shared, wanted = Path(sys.argv[1]).resolve(), Path(sys.argv[2]), json.loads(sys.argv[3])
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)

    def send(obj: dict) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    import yaml

    import warledger
    from evaluation.common import gold_files
    from evaluation.run import score
    from warledger.errors import WarledgerError
    from warledger.export.extract_json import to_contract
    from warledger.extract import extract_documents
    from warledger.nlp.pipeline import load_pipeline
    from warledger.read import read_path
    from warledger.settings import Settings

    if not Path(warledger.__file__).resolve().is_relative_to(src):
        raise SystemExit(f"rules worker: warledger comes from {warledger.__file__}, not {src}")
    settings = Settings()
    gfs = [gf for gf in gold_files(shared) if gf.id in set(wanted)]
    golds = {gf.id: yaml.safe_load(gf.gold.read_text(encoding="utf-8")) for gf in gfs}
    texts = {gf.id: gf.text.read_text(encoding="utf-8") for gf in gfs}
    docs = [next(iter(read_path(gf.text))) for gf in gfs]
    nlp = load_pipeline(settings.model, settings.config)
    last_trained = max(i for i, n in enumerate(nlp.pipe_names) if not n.startswith("warledger_"))
    tail = nlp.pipe_names[last_trained + 1:]
    rebuild = Rebuilder(nlp)

    def contracts(runner) -> list[dict | None]:
        return [None if isinstance(x, WarledgerError) else json.loads(json.dumps(to_contract(x)))
                for x in extract_documents(docs, settings, nlp=runner)]

    def scores(outs: list[dict | None]) -> dict[str, list[int]]:
        res = {}
        for gf, out in zip(gfs, outs, strict=True):
            p, t, traps, _ = score(shared, golds[gf.id], out, texts[gf.id])
            pn, _, _, _ = score(shared, golds[gf.id], out, texts[gf.id], frozenset({"attributions", "status"}))
            res[gf.id] = [p, t, traps, pn, len((out or {}).get("events") or [])]
        return res

    # which components read pattern files when they are made: only those are rebuilt per entry
    to_rebuild = []
    real_load = yaml.safe_load
    for name in tail:
        calls = []
        yaml.safe_load = lambda *a, _c=calls, **k: (_c.append(1), real_load(*a, **k))[1]
        try:
            clear_caches()
            rebuild([name])
        finally:
            yaml.safe_load = real_load
        if calls:
            to_rebuild.append(name)
    clear_caches()
    rebuild(to_rebuild)

    plain = contracts(nlp)
    replay = Replay(nlp, tail)
    recorded = contracts(replay)
    replay.recording = False
    replayed = contracts(replay)
    same = plain == recorded == replayed
    runner = replay if same else nlp
    send({"scores": scores(plain), "replay": "same" if same else "differs", "tail": tail,
          "rebuilt": to_rebuild})

    for line in sys.stdin:
        req = json.loads(line)
        t0 = time.perf_counter()
        path = src / "warledger" / req["file"]
        path.write_text(req["text"], encoding="utf-8")
        try:
            clear_caches()
            rebuild(to_rebuild)
            resp = {"scores": scores(contracts(runner))}
        except Exception as exc:  # noqa: BLE001  (an entry the extraction cannot do without)
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            resp = {"error": f"{type(exc).__name__}: {str(exc)[:160]} ({Path(tb.filename).name}:{tb.lineno})"}
        finally:
            path.write_text(req["original"], encoding="utf-8")
        resp["seconds"] = round(time.perf_counter() - t0, 3)
        send(resp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
