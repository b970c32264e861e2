"""ablate's local evaluator: greedy completions for HumanEval-format problems, scored by execution.

Runs offline on CPU (or a GPU when there is one). For each problem of a .jsonl / .jsonl.gz file
with task_id, prompt, entry_point, test (and canonical_solution), it generates a completion of
`prompt`, cuts it at the usual HumanEval stop sequences, runs
`prompt + completion + "\\n" + test + "\\ncheck(entry_point)\\n"` in a fresh Python process with a
time limit, and records pass/fail.

Usage:
  python local_eval.py --problems FILE --out result.json --model DIR [--adapter DIR]
        [--limit N] [--max-new-tokens 128] [--timeout 10] [--workers 2] [--task NAME]
        [--generations-out generations.jsonl]
  python local_eval.py --problems FILE --out result.json --completions FILE.jsonl   # score given completions
  python local_eval.py --problems FILE --out result.json --canonical                # score canonical solutions

Output (JSON): {"task", "n_samples": 1, "metrics": {"pass@1"}, "problems": [{"id", "passed", "status"}],
"settings": {...}}. Exit code 0 whatever the score; non-zero only when the evaluation itself failed.
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time

# The stop sequences of the HumanEval paper / bigcode harness (function body ends at the next top-level statement).
STOP_SEQUENCES = ["\nclass", "\ndef", "\n#", "\n@", "\nprint", "\nif", "\n```", "<file_sep>"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Greedy HumanEval-style evaluation on a local model.")
    p.add_argument("--problems", required=True, help="HumanEval-format .jsonl or .jsonl.gz")
    p.add_argument("--out", required=True, help="result JSON to write")
    p.add_argument("--task", default=None, help="task name recorded in the result (default: problem file name)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="model folder (merged weights, or the base model of --adapter)")
    source.add_argument("--completions", help="score these completions (.jsonl of {task_id, completion})")
    source.add_argument("--canonical", action="store_true", help="score the problems' canonical solutions")
    p.add_argument("--adapter", default=None, help="LoRA adapter folder (peft) applied to --model")
    p.add_argument("--revision", default=None, help="hub revision of --model (the one the adapter was trained on)")
    p.add_argument("--limit", type=int, default=None, help="only the first N problems")
    p.add_argument("--max-new-tokens", type=int, default=128)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per problem's test run")
    p.add_argument("--workers", type=int, default=2, help="test programs run at once")
    p.add_argument("--generations-out", default=None, help="also write the completions (.jsonl)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.adapter and not args.model:
        p.error("--adapter needs --model (the base model)")
    return args


def read_jsonl(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_problems(path, limit):
    problems = read_jsonl(path)
    for i, problem in enumerate(problems):
        missing = [k for k in ("task_id", "prompt", "entry_point", "test") if k not in problem]
        if missing:
            raise SystemExit(f"{path}:{i + 1}: problem lacks {', '.join(missing)}")
    return problems[:limit] if limit else problems


def truncate(completion):
    cut = len(completion)
    for stop in STOP_SEQUENCES:
        at = completion.find(stop)
        if at != -1:
            cut = min(cut, at)
    return completion[:cut]


def log(message):
    print(message, flush=True)


def load_model(model_dir, adapter_dir, revision=None):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # LLaMA-Factory saves the tokenizer next to the adapter; it may carry added tokens.
    tokenizer_dir = adapter_dir if adapter_dir and os.path.isfile(os.path.join(adapter_dir, "tokenizer_config.json")) else model_dir
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir, **({"revision": revision} if tokenizer_dir == model_dir and revision else {}))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, **({"revision": revision} if revision else {}))
    if adapter_dir:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()
    model.to(device)
    model.eval()
    return tokenizer, model, device


def completion_text(tokenizer, prompt_ids, output_ids):
    """The generated continuation as text.

    Decoding the new tokens on their own drops a leading space with SentencePiece tokenizers (Llama,
    CodeLlama: a continuation starting "▁▁▁▁return" decodes to "   return"), which breaks the
    indentation of the function body. So decode prompt + continuation and cut off the decoded prompt,
    as the bigcode harness does.
    """
    prompt_text = tokenizer.decode(prompt_ids, skip_special_tokens=True)
    full_text = tokenizer.decode(output_ids, skip_special_tokens=True)
    if full_text.startswith(prompt_text):
        return full_text[len(prompt_text):]
    return tokenizer.decode(output_ids[len(prompt_ids):], skip_special_tokens=True)


def generate(problems, args):
    import torch

    torch.manual_seed(args.seed)
    tokenizer, model, device = load_model(args.model, args.adapter, args.revision)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    completions = {}
    for i, problem in enumerate(problems):
        encoded = tokenizer(problem["prompt"], return_tensors="pt").to(device)
        with torch.no_grad():
            output = model.generate(
                **encoded,
                max_new_tokens=args.max_new_tokens,
                do_sample=False,
                pad_token_id=pad_id,
            )
        text = completion_text(tokenizer, encoded["input_ids"][0].tolist(), output[0].tolist())
        completions[problem["task_id"]] = truncate(text)
        log(f"generated {i + 1}/{len(problems)} {problem['task_id']}")
    return completions


# Limits of a test program: address space (runaway allocations), file size (runaway output), no core files.
MEMORY_LIMIT = 8 << 30
FILE_SIZE_LIMIT = 64 << 20

# Runs a test program (argv: program, nonce, memory and file-size limits) with those limits and no network,
# then prints the nonce: a program counts as passed only when it ran to its end. An exit code of 0
# alone is not enough, since `sys.exit(0)`, `exit()` or `os._exit(0)` in a completion would end the
# program before its tests ran. Not a security boundary: it keeps honest mistakes from passing
# or from reaching the network.
GUARD = r"""
import resource, runpy, socket, sys
path, nonce, memory, file_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.argv = [path]
for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, file_size), (resource.RLIMIT_CORE, 0)):
    try:
        resource.setrlimit(limit, (value, value))
    except (ValueError, OSError):
        pass
def _offline(*args, **kwargs):
    raise OSError("network access is disabled while tests run")
class _OfflineSocket(socket.socket):
    connect = connect_ex = bind = sendto = sendmsg = _offline
socket.socket = _OfflineSocket
socket.create_connection = socket.getaddrinfo = socket.gethostbyname = _offline
del path, memory, file_size, limit, value
runpy.run_path(sys.argv[0], run_name="__main__")
sys.stdout.flush()
sys.stdout.write("\n" + nonce + "\n")
sys.stdout.flush()
"""


def test_program(problem, completion):
    return problem["prompt"] + completion + "\n" + problem["test"] + "\n" + f"check({problem['entry_point']})\n"


def run_test(problem, completion, timeout):
    """pass | fail | timeout for one problem, run in a fresh interpreter in an empty folder.

    The program runs in a session of its own: on a timeout the whole process group is killed, so
    processes it started do not outlive it (or hold the evaluation up).
    """
    nonce = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="ablate-local-eval-", ignore_cleanup_errors=True) as tmp:
        path = os.path.join(tmp, "program.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(test_program(problem, completion))
        out_path = os.path.join(tmp, "stdout.txt")
        with open(out_path, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-c", GUARD, path, nonce, str(MEMORY_LIMIT), str(FILE_SIZE_LIMIT)],
                cwd=tmp,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.DEVNULL,
                env={"PATH": os.environ.get("PATH", ""), "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"},
                start_new_session=True,
            )
            try:
                returncode = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                returncode = None
            finally:
                kill_group(proc)
        if returncode is None:
            return "timeout"
        with open(out_path, "rb") as f:
            f.seek(max(0, os.path.getsize(out_path) - 256))
            tail = f.read().decode("utf-8", "replace")
    return "pass" if returncode == 0 and tail.rstrip().endswith(nonce) else "fail"


def kill_group(proc):
    """Kills the test program's process group (it and whatever it started) and reaps it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def write_atomic(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    problems = read_problems(args.problems, args.limit)
    if not problems:
        raise SystemExit(f"{args.problems}: no problems")
    log(f"problems: {len(problems)} from {args.problems}")

    if args.canonical:
        completions = {p["task_id"]: p.get("canonical_solution", "") for p in problems}
        source = "canonical"
    elif args.completions:
        given = {c["task_id"]: c["completion"] for c in read_jsonl(args.completions)}
        missing = [p["task_id"] for p in problems if p["task_id"] not in given]
        if missing:
            raise SystemExit(f"{args.completions}: no completion for {', '.join(missing[:5])}")
        completions = {p["task_id"]: given[p["task_id"]] for p in problems}
        source = "completions"
    else:
        completions = generate(problems, args)
        source = "model"

    if args.generations_out:
        write_atomic(
            args.generations_out,
            "".join(json.dumps({"task_id": p["task_id"], "completion": completions[p["task_id"]]}) + "\n" for p in problems),
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        statuses = list(pool.map(lambda p: run_test(p, completions[p["task_id"]], args.timeout), problems))
    outcomes = [{"id": p["task_id"], "passed": s == "pass", "status": s} for p, s in zip(problems, statuses)]
    for outcome in outcomes:
        log(f"{outcome['id']}: {outcome['status']}")
    passed = sum(o["passed"] for o in outcomes)
    task = args.task or os.path.basename(args.problems).split(".")[0]
    result = {
        "task": task,
        "n_samples": 1,
        "metrics": {"pass@1": passed / len(outcomes)},
        "problems": outcomes,
        "settings": {
            "source": source,
            "max_new_tokens": args.max_new_tokens,
            "timeout": args.timeout,
            "limit": args.limit,
            "stop_sequences": STOP_SEQUENCES,
        },
        "seconds": round(time.time() - started, 3),
    }
    write_atomic(args.out, json.dumps(result, indent=1) + "\n")
    log(f"pass@1 {passed}/{len(outcomes)} = {passed / len(outcomes):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
