#!/usr/bin/env python3
"""Writes the quickstart sample datasets of experiments/data/ from the hand-written records here.

    python3 scripts/quickstart_data/generate.py

Every Python answer is executed with its checks and every SQL answer runs against SQLite before
anything is written, so a wrong sample answer stops the generator. Output is deterministic.
"""
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import RECORDS, run_checks  # noqa: E402
import cat_sql, cat_design, cat_web, cat_algo, cat_math, cat_ds, cat_perf, cat_ui, cat_domain, cat_security, cat_short  # noqa: E402,F401
from general import GENERAL  # noqa: E402
from math_problems import MATH  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "experiments", "data")


def write_jsonl(name, rows):
    path = os.path.normpath(os.path.join(OUT, name))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} records to {path}")


def main():
    failures = run_checks()
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    code = [{"instruction": r["instruction"], "input": r["input"], "output": r["output"]} for r in RECORDS]
    print(Counter(r["category"] for r in RECORDS))
    checked = sum(1 for r in RECORDS if r["check"] or r["sql_setup"])
    print(f"{checked} of {len(RECORDS)} code answers executed and checked")
    write_jsonl("quickstart-code.jsonl", code)
    write_jsonl("quickstart-general.jsonl", [{"instruction": i, "input": x, "output": o} for i, x, o in GENERAL])
    write_jsonl("quickstart-math.jsonl", MATH)


if __name__ == "__main__":
    main()
