"""Per-problem pass/fail for generations saved by the bigcode-evaluation-harness.

The harness writes only aggregate metrics. This runner re-scores the saved generations
(`generations_<task>.json`, a list per problem of completions) one problem and one sample at a
time with the harness's own task code: `get_task(name)`, `task.get_reference(doc)` and
`task.process_results([[generation]], [reference])`, so the verdict is exactly the harness's.

Usage:
  python score_generations.py --harness DIR --task humaneval --generations generations_humaneval.json \
      --out per_problem.json [--limit_start 0] [--prompt P] [--load_data_path P]

Output (JSON): {"task", "n_samples", "metric", "problems": [{"id", "passed", "n_passed"}]}
where `passed` is the first sample's outcome and `n_passed` counts passing samples.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--harness", required=True, help="bigcode-evaluation-harness folder")
    parser.add_argument("--task", required=True)
    parser.add_argument("--generations", required=True, help="generations_<task>.json written by the harness")
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit_start", type=int, default=0)
    parser.add_argument("--prompt", default="prompt")
    parser.add_argument("--load_data_path", default=None)
    return parser.parse_args(argv)


def problem_id(task_name, doc, index):
    """A stable id: the dataset's own task_id (MBPP's integer ids as Mbpp/N, as EvalPlus spells them)."""
    task_id = doc.get("task_id") if hasattr(doc, "get") else None
    if task_id is None:
        return f"{task_name}/{index}"
    if isinstance(task_id, int):
        prefix = "Mbpp" if task_name.startswith("mbpp") else task_name
        return f"{prefix}/{task_id}"
    return str(task_id)


def sample_passed(metrics):
    """The single-sample verdict from a task's metrics dict (pass@1, or the first pass@1-like key)."""
    if "pass@1" in metrics:
        value = metrics["pass@1"]
    else:
        keys = [k for k in metrics if "pass@1" in k] or [k for k, v in metrics.items() if isinstance(v, (int, float))]
        if not keys:
            raise ValueError(f"task metrics have no pass@1: {sorted(metrics)}")
        value = metrics[keys[0]]
    return float(value) >= 1.0 - 1e-9


# Tasks whose metric scores generations by their position in the full dataset, from its own copy of
# the dataset (codeparrot/apps_metric): a single problem's samples cannot be scored apart from the rest.
POSITIONAL_METRIC_PREFIXES = ("apps-",)


def one_problem_view(dataset, index):
    """The dataset reduced to problem `index`, of the same kind (a datasets.Dataset keeps .select)."""
    if hasattr(dataset, "select"):
        return dataset.select([index])
    return [dataset[index]]


def score_sample(task, view, sample, reference, scratch):
    """One sample's verdict with the harness's own process_results.

    Several tasks read the task's dataset inside process_results by position (the i-th generation is
    taken for the i-th document: MultiPL-E, HumanEvalPack's diff prompts, santacoder_fim), and
    MultiPL-E averages every *.results.json found in tempfile.gettempdir() - which the harness run
    itself has filled with all problems' results. So the task sees a one-problem dataset and a
    fresh, empty temp folder for each call.
    """
    task.get_dataset = lambda: view
    previous = tempfile.tempdir
    tempfile.tempdir = tempfile.mkdtemp(prefix="s-", dir=scratch)
    try:
        return sample_passed(task.process_results([[sample]], [reference]))
    finally:
        shutil.rmtree(tempfile.tempdir, ignore_errors=True)
        tempfile.tempdir = previous
        del task.get_dataset  # the class's own method again


def write_atomic(path, data):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.harness))
    # The harness's code_eval refuses to execute code without this switch.
    os.environ["HF_ALLOW_CODE_EVAL"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from bigcode_eval import tasks  # noqa: E402 (import from the harness folder given above)

    if args.task.startswith(POSITIONAL_METRIC_PREFIXES):
        raise SystemExit(
            f"per-problem outcomes cannot be recovered for {args.task}: its metric scores generations by their"
            " position in the whole dataset; evaluate it with the harness alone"
        )
    task = tasks.get_task(args.task, args)
    dataset = task.get_dataset()
    with open(args.generations) as f:
        generations = json.load(f)
    if not isinstance(generations, list) or not all(isinstance(g, list) for g in generations):
        raise SystemExit(f"{args.generations}: expected a list (per problem) of lists of completions")

    problems = []
    n_samples = max((len(g) for g in generations), default=0)
    # Short names: the harness's multiprocessing puts a Unix socket (at most 107 bytes of path) below this.
    scratch = tempfile.mkdtemp(prefix="as-")
    try:
        for offset, samples in enumerate(generations):
            index = args.limit_start + offset
            doc = dataset[index]
            reference = task.get_reference(doc)
            view = one_problem_view(dataset, index)
            verdicts = [score_sample(task, view, sample, reference, scratch) for sample in samples]
            problems.append(
                {
                    "id": problem_id(args.task, doc, index),
                    "passed": bool(verdicts and verdicts[0]),
                    "n_passed": sum(verdicts),
                }
            )
            print(f"scored {offset + 1}/{len(generations)} {problems[-1]['id']}: {'pass' if problems[-1]['passed'] else 'fail'}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    write_atomic(args.out, {"task": args.task, "n_samples": n_samples, "metric": "pass@1", "problems": problems})
    return 0


if __name__ == "__main__":
    sys.exit(main())
