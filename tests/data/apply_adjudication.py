#!/usr/bin/env python3
"""Apply the second annotator's alternates (eval/adjudicated.json) to the split question files.

Ids are the half's initial and the question's position in its file: c12 is the 13th
[[question]] of eval/calibration.toml, t12 of eval/test.toml, ic12/it12 of the intent halves.
The annotator saw only titles and question texts, never the articles or the bot's answers.
Run after split_eval.py: python3 apply_adjudication.py
"""
import json, re

ADJ = json.load(open("eval/adjudicated.json"))
FILES = {"c": "eval/calibration.toml", "t": "eval/test.toml",
         "ic": "intents/calibration.toml", "it": "intents/test.toml"}

def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

for prefix, path in FILES.items():
    text = open(path).read()
    blocks = text.split("\n[[question]]\n")
    head, questions = blocks[0], blocks[1:]
    out = []
    for i, block in enumerate(questions):
        also = ADJ.get(f"{prefix}{i}", [])
        block = re.sub(r'^also = .*\n', '', block, flags=re.M)
        if also:
            lines = block.split("\n")
            at = next(k for k, l in enumerate(lines) if l.startswith("expect = ")) + 1
            lines.insert(at, f"also = [{', '.join(quote(a) for a in also)}]")
            block = "\n".join(lines)
        out.append(block)
    open(path, "w").write("\n[[question]]\n".join([head] + out))
    print(path, sum(1 for i in range(len(questions)) if ADJ.get(f"{prefix}{i}")))
