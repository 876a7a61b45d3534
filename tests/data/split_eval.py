#!/usr/bin/env python3
"""Split the written evaluation sets 50/50 into calibration and test halves (seeded, stratified).

Usage: split_eval.py OUT_DIR e1.toml e2.toml intents.toml em_a.toml em_b.toml
"""
import random, sys, tomllib, collections

SEED = 20261202

def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

def dump(path, header, tables):
    with open(path, "w") as f:
        f.write(header)
        for name, rows in tables:
            for r in rows:
                f.write(f"\n[[{name}]]\n")
                for k, v in r.items():
                    if isinstance(v, list):
                        f.write(f"{k} = [{', '.join(q(x) for x in v)}]\n")
                    else:
                        f.write(f"{k} = {q(v)}\n")

def halves(rows, key):
    """Stratified by key: within each group, shuffled and dealt alternately, the first card of
    each group going to a random half so small groups balance out overall."""
    rng = random.Random(SEED)
    groups = collections.defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    cal, test = [], []
    turn = 0
    for g in sorted(groups):
        items = groups[g]
        rng.shuffle(items)
        for it in items:
            (cal if turn % 2 == 0 else test).append(it)
            turn += 1
    return cal, test

def main():
    out, e1, e2, intents, em_a, em_b = sys.argv[1:]
    d1, d2 = (tomllib.load(open(p, "rb")) for p in (e1, e2))
    qs = [dict(text=r["text"], expect=r["expect"], also=r.get("also", [])) for d in (d1, d2) for r in d["question"]]
    off = [dict(text=r["text"], kind=r["kind"]) for d in (d1, d2) for r in d["off_topic"]]
    unc = [dict(text=r["text"]) for d in (d1, d2) for r in d["uncovered"]]
    st = [dict(text=r["text"]) for d in (d1, d2) for r in d["small_talk"]]
    for r in qs:
        if not r["also"]:
            del r["also"]
    parts = [halves(qs, lambda r: r["expect"]), halves(off, lambda r: r["kind"]),
             halves(unc, lambda r: 0), halves(st, lambda r: 0)]
    head = ("# Lay questions over the bundled library, written by helpers who saw only article titles\n"
            "# (see tests/data/README.md). `expect` is the right article, `also` other acceptable ones.\n"
            "# Split 50/50 by tests/data/split_eval.py (seed %d). HALF.\n" % SEED)
    for i, name in enumerate(["calibration", "test"]):
        dump(f"{out}/eval/{name}.toml", head.replace("HALF", {"calibration": "Tune on this half only.", "test": "Never tune on this half; quote its figures."}[name]),
             [("question", parts[0][i]), ("off_topic", parts[1][i]), ("uncovered", parts[2][i]), ("small_talk", parts[3][i])])
    di = tomllib.load(open(intents, "rb"))
    iq = [dict(text=r["text"], expect=r["expect"], intent=r["intent"], **({"also": r["also"]} if r.get("also") else {})) for r in di["question"]]
    cal, test = halves(iq, lambda r: r["intent"])
    for name, rows in [("calibration", cal), ("test", test)]:
        dump(f"{out}/intents/{name}.toml", "# Questions by intent, written from article titles only (tests/data/README.md).\n# Split 50/50 by tests/data/split_eval.py, stratified by intent.\n",
             [("question", rows)])
    a, b = (tomllib.load(open(p, "rb")) for p in (em_a, em_b))
    for name, d in [("a", a), ("b", b)]:
        dump(f"{out}/emergencies/{name}.toml",
             f"# Emergency phrasings and look-alikes, half {name.upper()}, written by a writer who never saw the rules\n# (tests/data/README.md). {'Tune on this half.' if name == 'a' else 'Held out: never tune on this half.'}\n",
             [("emergency", d["emergency"]), ("lookalike", d["lookalike"])])
    print(len(qs), len(off), len(unc), len(st), len(iq))

main()
