#!/usr/bin/env python3
"""Study B's complexity signals per record, with Hugging Face transformers, offline.

For each text:
  semantic   = XCoder/DEITA expected score: the prompt below, the logits of the next token at the
               tokens "1".."6", softmax over those six, sum(p_i * w_i) with weights 0..5.
  perplexity = exp(mean token loss) of the text under a causal LM (GPT-2 in study B), truncated to
               --max-length tokens.
The combination (study B: (minmax(semantic) + minmax(perplexity)) / 2) needs the whole record set
and is done by the caller; --combine prints it too, for standalone use.

Input: JSONL of {"id", "text"}. Output: JSONL, one line per input line, {"id", "semantic",
"perplexity"} or {"id", "error"} — a failed record is reported as such, never given a fallback score
(study B's script silently used 2.0). Written atomically. Exit 0 when the models load, even if some
records failed; the caller counts the errors. Progress on stderr, lines starting "[ablate] ".
"""
import argparse
import json
import math
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PROMPT = "You are a helpful assistant. Please identify the complexity score of the following user query. \n##Query: {instruction}  \n##Complexity: "
SCORE_TOKENS = ["1", "2", "3", "4", "5", "6"]


def log(msg):
    print(f"[ablate] {msg}", file=sys.stderr, flush=True)


def score_token_ids(tokenizer):
    """Vocabulary id of each of "1".."6" as the first generated token."""
    ids = []
    for t in SCORE_TOKENS:
        tid = tokenizer.convert_tokens_to_ids(t)
        if tid is None or tid == tokenizer.unk_token_id:
            enc = tokenizer.encode(t, add_special_tokens=False)
            if not enc:
                raise ValueError(f"tokenizer has no token for {t!r}")
            tid = enc[-1]
        ids.append(tid)
    if len(set(ids)) != 6:
        raise ValueError(f"score tokens map to non-distinct ids {ids}")
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--model", required=True, help="XCoder complexity scorer (folder or cached id)")
    ap.add_argument("--perplexity-model", required=True, help="causal LM for perplexity (gpt2 in study B)")
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--device", default="auto", help="auto: cuda when available, else cpu")
    ap.add_argument("--combine", choices=["mean", "sum"], default=None)
    ap.add_argument("--prompt", default=PROMPT, help="prompt with {instruction} (default: study B's XCoder prompt)")
    ap.add_argument("--first-weight", type=float, default=0.0, help="weight of token \"1\" (0 for XCoder's 0..5, 1 for DEITA's 1..6)")
    args = ap.parse_args()

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    items = []
    with open(args.input, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                if not isinstance(row.get("text"), str):
                    sys.exit(f"{args.input}:{n}: expected {{\"id\", \"text\": string}}")
                items.append(row)

    scorer_tok = AutoTokenizer.from_pretrained(args.model, local_files_only=True)
    scorer = AutoModelForCausalLM.from_pretrained(args.model, local_files_only=True).to(args.device).eval()
    ids = score_token_ids(scorer_tok)
    weights = torch.arange(6, dtype=torch.float64) + args.first_weight
    if args.perplexity_model == args.model:
        ppl_tok, ppl_model = scorer_tok, scorer
    else:
        ppl_tok = AutoTokenizer.from_pretrained(args.perplexity_model, local_files_only=True)
        ppl_model = AutoModelForCausalLM.from_pretrained(args.perplexity_model, local_files_only=True).to(args.device).eval()
    log(f"models loaded; scoring {len(items)} records")

    results = []
    failed = 0
    with torch.no_grad():
        for k, item in enumerate(items):
            out = {"id": item.get("id", str(k))}
            try:
                enc = scorer_tok(args.prompt.replace("{instruction}", item["text"]), return_tensors="pt").to(args.device)
                logits = scorer(**enc).logits[0, -1, :]
                probs = torch.softmax(logits[ids].double(), dim=-1)
                semantic = float((probs * weights).sum())

                pe = ppl_tok(item["text"], return_tensors="pt", truncation=True, max_length=args.max_length).to(args.device)
                if pe["input_ids"].shape[1] < 2:
                    raise ValueError("text has fewer than 2 tokens; perplexity is undefined")
                loss = ppl_model(**pe, labels=pe["input_ids"]).loss
                perplexity = math.exp(float(loss))
                if not (math.isfinite(semantic) and math.isfinite(perplexity)):
                    raise ValueError(f"non-finite scores ({semantic}, {perplexity})")
                out["semantic"] = semantic
                out["perplexity"] = perplexity
            except Exception as e:  # counted and reported per record
                failed += 1
                out["error"] = f"{type(e).__name__}: {e}"
            results.append(out)
            if (k + 1) % 500 == 0:
                log(f"{k + 1}/{len(items)} scored")

    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
    os.replace(tmp, args.output)
    log(f"done: {len(items) - failed} scored, {failed} failed")

    if args.combine:
        ok = [r for r in results if "error" not in r]

        def minmax(v):
            lo, hi = min(v), max(v)
            return [(x - lo) / (hi - lo) if hi > lo else 0.0 for x in v]

        if ok:
            a = minmax([r["semantic"] for r in ok])
            b = minmax([r["perplexity"] for r in ok])
            scale = 0.5 if args.combine == "mean" else 1.0
            for r, x, y in zip(ok, a, b):
                print(json.dumps({"id": r["id"], "score": (x + y) * scale}))


if __name__ == "__main__":
    main()
