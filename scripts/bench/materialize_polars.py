"""The polars script a user would write instead of `ablate run --until materialize` for the benchmark's
spec: read the JSONL, drop exact duplicates, score with ablate's heuristic complexity formula (same
regular expressions), cut tertiles of the sorted scores (ties by text), keep the medium one, sample
20,000 and write them as JSONL. Prints wall time, peak memory and the tertile's size.
usage: materialize_polars.py IN.jsonl OUT.jsonl SIZE
"""
import json
import resource
import sys
import time

import polars as pl

REQUIREMENT_LINE = r"(?m)^\s*(?:[-*•]|\d+[.)]|\(?[a-z]\))\s+\S"
REQUIREMENT_WORD = r"(?i)\b(?:must|should|shall|needs? to|required?|ensure|make sure|also|additionally|furthermore|moreover)\b"
CONSTRAINT_WORD = (
    r"(?i)\b(?:without|at (?:least|most)|no more than|not exceed|only|exactly|constraint|efficient(?:ly)?|optimi[sz]e|time complexity|"
    r"space complexity|edge cases?|handle|error handling|validate|thread[- ]safe|concurren\w*|recursive(?:ly)?|in[- ]place|o\(\s*[a-z0-9 ^*log]+\))"
)
CODE_TOKEN = r"```|[{}\[\];]|=>|->|::|\b(?:def|class|function|return|import|const|let|var|public|private|static|void|int|struct|SELECT|FROM|WHERE)\b|\w\(\)?"
NUMBER = r"\b\d+(?:[.,^e]\d+)*\b"


def main() -> None:
    src, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    df = pl.read_ndjson(src).select("instruction", "input", "output").unique(maintain_order=True)
    text = pl.when(pl.col("input") != "").then(pl.col("instruction") + "\n" + pl.col("input")).otherwise(pl.col("instruction"))
    df = df.with_columns(text.alias("text"))
    t = pl.col("text").str
    score = (
        (t.count_matches(r"\S+").cast(pl.Float64) + 1).log()
        + 0.5 * (t.count_matches(REQUIREMENT_LINE) + t.count_matches(REQUIREMENT_WORD))
        + 0.3 * t.count_matches(CONSTRAINT_WORD)
        + 0.4 * (t.count_matches(CODE_TOKEN).cast(pl.Float64) + 1).log()
        + 0.2 * (t.count_matches(NUMBER).cast(pl.Float64) + 1).log()
    )
    df = df.with_columns(score.alias("score")).sort(["score", "text"])
    n = df.height
    third = n // 3
    medium = df.slice(third, third)
    subset = medium.sample(n=min(size, medium.height), seed=1)
    subset.select("instruction", "input", "output").write_ndjson(out)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"seconds": seconds, "peakMb": peak_mb, "records": n, "tertile": medium.height, "written": subset.height}, sys.stdout)


if __name__ == "__main__":
    main()
