"""kNN density with Python hnswlib at ablate's parameters (M 16, efConstruction 100, efSearch 64, one thread).

Score = mean cosine distance to the k nearest other records. usage: knn_hnswlib.py VECTORS.npy K
"""
import json
import sys
import time

import hnswlib
import numpy as np


def main() -> None:
    x, k = np.load(sys.argv[1]), int(sys.argv[2])
    n, d = x.shape
    t0 = time.perf_counter()
    index = hnswlib.Index(space="cosine", dim=d)
    index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=42)
    index.set_num_threads(1)
    index.add_items(x, np.arange(n))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    index.set_ef(max(64, k + 1))
    labels, dists = index.knn_query(x, k=k + 1)
    own = labels == np.arange(n)[:, None]
    dists = np.where(own, np.nan, dists)[:, :]
    density = np.array([row[~np.isnan(row)][:k].mean() for row in dists])
    query = time.perf_counter() - t1
    json.dump({"build": build, "query": query, "meanDensity": float(density.mean())}, sys.stdout)


if __name__ == "__main__":
    main()
