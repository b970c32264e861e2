#!/usr/bin/env python3
"""Embed texts with sentence-transformers, offline (ablate's `python` embedding method).

Input: a JSONL file of {"text": ...}, one per line. Output: a .npy float32 matrix [N, d], rows
L2-normalized, in input order, written atomically (temporary name, then rename).

--prefix is an INSTRUCTOR-style instruction ("Represent the programming task:"): it is given to
sentence-transformers as the encode prompt, so models whose pooling excludes the prompt (INSTRUCTOR)
pool only over the text, as INSTRUCTOR does.

The model is a local folder or an id already in the local Hugging Face cache; nothing is
downloaded (HF_HUB_OFFLINE=1 is set before importing the libraries).
Progress lines on stderr start with "[ablate] ".
"""
import argparse
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def log(msg):
    print(f"[ablate] {msg}", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--device", default=None)
    args = ap.parse_args()

    import numpy as np
    from sentence_transformers import SentenceTransformer

    texts = []
    with open(args.input, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("text"), str):
                sys.exit(f"{args.input}:{n}: expected {{\"text\": string}}")
            texts.append(row["text"])

    try:
        model = SentenceTransformer(args.model, device=args.device, local_files_only=True)
    except TypeError:  # older sentence-transformers without local_files_only
        model = SentenceTransformer(args.model, device=args.device)
    log(f"model {args.model} loaded; embedding {len(texts)} texts")

    kwargs = {}
    if args.prefix:
        kwargs["prompt"] = args.prefix if args.prefix.endswith(" ") else args.prefix + " "
    vectors = model.encode(
        texts,
        batch_size=args.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
        **kwargs,
    ).astype(np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        sys.exit(f"unexpected embedding shape {vectors.shape} for {len(texts)} texts")

    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(vectors))
    os.replace(tmp, args.output)
    log(f"wrote {vectors.shape[0]} x {vectors.shape[1]} vectors")


if __name__ == "__main__":
    main()
