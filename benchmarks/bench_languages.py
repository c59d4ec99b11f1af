"""`make bench`: texts in other languages — throughput and memory of the French and Russian
pipelines, and the language detector against langdetect.

1. For French and Russian, a document set is built at run time by repeating the dev texts of
   that language (``../shared/dev/36*``, read by their gold files' LANGUAGE line), each copy
   numbered so no two are the same text; each set runs in a process of its own through
   ``extract_documents`` (structure, language, the language's pipeline, the records), and the
   process reports docs/s of that loop (model load timed apart) and its peak RSS.
2. The detector: py3langid limited to the languages read (``structure/language.py``) and
   langdetect (when installed), on short and mixed texts written for this bench.

    python benchmarks/bench_languages.py [-n 200] [--json]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev"
LANGUAGE_NAMES = {"fr": "French", "ru": "Russian"}

# (expected language, text): headlines, short posts and sentences, written for this bench
DETECTOR_CASES = [
    ("ru", "Взрыв в Донецке: трое погибших"), ("ru", "Минобороны опровергло сообщения об ударе"),
    ("ru", "Вчера вечером обстреляли окраину города."), ("ru", "Губернатор сообщил о пострадавших"),
    ("ru", "В ночь на среду сбиты 12 беспилотников"),
    ("uk", "Вибух у Харкові: троє загиблих"), ("uk", "Міноборони спростувало ці повідомлення"),
    ("uk", "Учора ввечері обстріляли околицю міста."), ("uk", "Голова ОВА повідомив про постраждалих"),
    ("uk", "У ніч на середу збито 12 дронів"),
    ("fr", "Attentat à Gao : neuf morts"), ("fr", "L'armée a démenti ces informations"),
    ("fr", "Hier soir, des tirs ont visé le camp."), ("fr", "Selon des sources locales, le bilan s'alourdit"),
    ("fr", "Deux soldats tués dans une embuscade"),
    ("es", "Atentado en Kabul: nueve muertos"), ("es", "El ejército negó esas informaciones"),
    ("es", "Anoche hubo disparos contra el cuartel."), ("es", "Según fuentes locales, el balance aumenta"),
    ("es", "Dos soldados murieron en una emboscada"),
    ("ar", "انفجار في حلب يقتل ثلاثة"), ("ar", "نفت وزارة الدفاع هذه التقارير"),
    ("ar", "قصف مساء أمس أطراف المدينة."), ("ar", "بحسب مصادر محلية ارتفعت الحصيلة"),
    ("ar", "مقتل جنديين في كمين"),
    ("tr", "Halep'te patlama: üç ölü"), ("tr", "Bakanlık iddiaları yalanladı"),
    ("tr", "Dün akşam kampa ateş açıldı."), ("tr", "Yerel kaynaklara göre bilanço artıyor"),
    ("tr", "Pusuda iki asker hayatını kaybetti"),
    ("en", "Blast in Aleppo kills three"), ("en", "The ministry denied the reports"),
    ("en", "Shots were fired at the camp last night."), ("en", "Two soldiers killed in an ambush"),
    ("en", "According to local sources, the toll is rising"),
    ("ru", "Ministry says: «Удары по жилым кварталам не наносились», заявили в ведомстве"),
    ("uk", "Заява @GeneralStaffUA: ворог втратив 3 танки за добу"),
    ("fr", "BREAKING — Selon l'AFP, deux explosions ont frappé Bamako ce matin"),
]


def _texts(lang: str) -> list[str]:
    out = []
    for gold in sorted(DEV.glob("36*.gold.yaml")):
        head = gold.read_text("utf-8").splitlines()[0]
        if f"LANGUAGE: {LANGUAGE_NAMES[lang]}" in head:
            out.append(gold.with_name(gold.name.replace(".gold.yaml", ".txt")).read_text("utf-8"))
    return out


def child(lang: str, n: int) -> None:
    from warledger.extract import extract_documents
    from warledger.model import Document
    from warledger.nlp.languages import load_language_pipeline
    from warledger.settings import Settings

    base = _texts(lang)
    docs = [Document(text=f"{base[k % len(base)]}\n{k}\n", id=f"{lang}-{k}") for k in range(n)]
    t0 = time.perf_counter()
    load_language_pipeline(lang)
    load_s = time.perf_counter() - t0
    list(extract_documents(docs[:4], Settings()))            # warm up: first-call caches
    t0 = time.perf_counter()
    events = sum(len(ex.events) for ex in extract_documents(docs, Settings()))
    elapsed = time.perf_counter() - t0
    words = sum(len(d.text.split()) for d in docs)
    print(json.dumps({"language": lang, "documents": n, "source_texts": len(base), "events": events,
                      "load_s": round(load_s, 2), "docs_per_s": round(n / elapsed, 2),
                      "words_per_s": round(words / elapsed), "peak_rss_mb":
                      round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def detector() -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from warledger.structure.language import detect_language

    out = {}
    detect_language("Прогрев модели: первый вызов загружает её.")      # the model loads on first use
    t0 = time.perf_counter()
    got = [detect_language(text, min_letters=1) for _, text in DETECTOR_CASES]
    out["py3langid"] = {"right": sum(g == e for g, (e, _) in zip(got, DETECTOR_CASES, strict=True)),
                        "ms_each": round(1000 * (time.perf_counter() - t0) / len(DETECTOR_CASES), 3)}
    try:
        from langdetect import DetectorFactory, LangDetectException, detect
    except ImportError:
        return out
    DetectorFactory.seed = 0
    detect("Прогрев модели: первый вызов загружает её.")
    right = 0
    t0 = time.perf_counter()
    for expected, text in DETECTOR_CASES:
        with contextlib.suppress(LangDetectException):
            right += detect(text) == expected
    out["langdetect"] = {"right": right, "ms_each": round(1000 * (time.perf_counter() - t0) / len(DETECTOR_CASES), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="documents per language (default 200)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.n)
        return
    runs = []
    for lang in ("fr", "ru"):
        if not _texts(lang):
            print(f"no {LANGUAGE_NAMES[lang]} dev texts in {DEV}; skipped")
            continue
        out = subprocess.run([sys.executable, __file__, "--child", lang, "-n", str(args.n)],
                             capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    det = detector()
    if args.json:
        print(json.dumps({"pipelines": runs, "detector": det, "detector_cases": len(DETECTOR_CASES)}, indent=2))
        return
    print(f"warledger bench — other languages ({args.n} documents each, repeated from the dev texts)")
    for r in runs:
        print(f"  {LANGUAGE_NAMES[r['language']]:<8} {r['docs_per_s']:>7} docs/s  {r['words_per_s']:>7} words/s  "
              f"peak RSS {r['peak_rss_mb']} MB  (pipeline load {r['load_s']} s, {r['events']} events)")
    for name, d in det.items():
        print(f"  detector {name:<10} {d['right']}/{len(DETECTOR_CASES)} short and mixed texts, {d['ms_each']} ms each")


if __name__ == "__main__":
    main()
