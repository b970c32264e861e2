"""DEITA greedy selection, the plain exact rule in numpy: the peer and the reference of `npm run bench`.

Records are offered in row order; one is kept when its cosine similarity to every kept record is
<= threshold. Blocked: a block of offered rows against all kept rows in one product, then within
the block in order. float64 is the reference (what ablate's selection must equal exactly); float32
is timed too, as the fastest plain numpy a user would write.
usage: greedy_numpy.py VECTORS.npy THRESHOLD OUT_PREFIX
"""
import json
import sys
import time

import numpy as np


def greedy(x: np.ndarray, threshold: float, dtype, block: int = 1024) -> np.ndarray:
    x = x.astype(dtype)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    u = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    n = len(u)
    kept = np.zeros(n, dtype=np.uint8)
    kmat = np.empty_like(u)
    count = 0
    for start in range(0, n, block):
        q = u[start:start + block]
        prior = (q @ kmat[:count].T).max(axis=1) if count else np.full(len(q), -np.inf)
        within = q @ q.T
        mine = []
        for r in range(len(q)):
            if prior[r] > threshold:
                continue
            if mine and within[r, mine].max() > threshold:
                continue
            mine.append(r)
        kmat[count:count + len(mine)] = q[mine]
        count += len(mine)
        kept[start + np.array(mine, dtype=np.int64)] = 1
    return kept


def main() -> None:
    vectors, threshold, out = np.load(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    report = {}
    for name, dtype in (("float64", np.float64), ("float32", np.float32)):
        t0 = time.perf_counter()
        kept = greedy(vectors, threshold, dtype)
        report[name] = {"seconds": time.perf_counter() - t0, "kept": int(kept.sum())}
        np.save(f"{out}-{name}.npy", kept)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
