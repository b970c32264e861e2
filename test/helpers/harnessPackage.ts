/**
 * Writes a bigcode-evaluation-harness-shaped package into a folder, for tests: the stand-in's
 * main.py (the harness's exact arguments and outputs), and a `bigcode_eval` whose HumanEval-like
 * task scores the way the harness does (bigcode_eval/tasks/custom_metrics/execute.py at 8fc5bae):
 * `check_correctness` starts a `multiprocessing.Manager()` (a server process reached over a Unix
 * socket created under TMPDIR) and runs each program in a `multiprocessing.Process`, code_eval
 * fans out over a thread pool. Problems are inline, so no data file is needed. Also writes an
 * `accelerate` shim (drops the launch options, runs the script) next to a python symlink.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TASKS = `"""HumanEval-shaped task over three inline problems; scored through custom_metrics like the harness."""
from bigcode_eval.tasks.custom_metrics.code_eval import compute_code_eval

PROBLEMS = [
    {"task_id": "HumanEval/0", "prompt": "def add(a, b):\\n", "canonical_solution": "    return a + b\\n", "test": "def check(f):\\n    assert f(1, 2) == 3\\n", "entry_point": "add"},
    {"task_id": "HumanEval/1", "prompt": "def neg(a):\\n", "canonical_solution": "    return -a\\n", "test": "def check(f):\\n    assert f(4) == -4\\n", "entry_point": "neg"},
    {"task_id": "HumanEval/2", "prompt": "def twice(s):\\n", "canonical_solution": "    return s * 2\\n", "test": "def check(f):\\n    assert f('ab') == 'abab'\\n", "entry_point": "twice"},
]
ALL_TASKS = ["humaneval"]


class HumanEval:
    requires_execution = True

    def __init__(self):
        self.dataset = {"test": list(PROBLEMS)}

    def get_dataset(self):
        return self.dataset["test"]

    def get_prompt(self, doc):
        return doc["prompt"]

    def get_reference(self, doc):
        return "\\n" + doc["test"] + "\\n" + f"check({doc['entry_point']})"

    def process_results(self, generations, references):
        results, _ = compute_code_eval(references=references, predictions=generations)
        return results


def get_task(task_name, args=None):
    if task_name != "humaneval":
        raise KeyError(f"Missing task {task_name}")
    return HumanEval()
`;

const CODE_EVAL = `"""code_eval as the harness computes it: every candidate through execute.check_correctness on a thread pool."""
import os
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed

from bigcode_eval.tasks.custom_metrics.execute import check_correctness


def compute_code_eval(predictions, references, k=[1], num_workers=4, timeout=3.0):
    if os.getenv("HF_ALLOW_CODE_EVAL", 0) != "1":
        raise ValueError("HF_ALLOW_CODE_EVAL is not 1")
    with ThreadPoolExecutor(max_workers=num_workers) as executor:
        futures = []
        completion_id = Counter()
        results = defaultdict(list)
        for task_id, (candidates, test_case) in enumerate(zip(predictions, references)):
            for candidate in candidates:
                program = candidate + "\\n" + test_case
                futures.append(executor.submit(check_correctness, program, timeout, task_id, completion_id[task_id]))
                completion_id[task_id] += 1
        for future in as_completed(futures):
            result = future.result()
            results[result["task_id"]].append((result["completion_id"], result))
    passed = [sum(r[1]["passed"] for r in rs) / len(rs) for rs in results.values()]
    return {"pass@1": sum(passed) / len(passed)}, results
`;

const EXECUTE = `"""Runs a program the way the harness's execute.py does: a Manager-held result list and a Process."""
import contextlib
import multiprocessing
import os
import tempfile


def check_correctness(check_program, timeout, task_id, completion_id):
    manager = multiprocessing.Manager()
    result = manager.list()
    p = multiprocessing.Process(target=unsafe_execute, args=(check_program, result, timeout))
    p.start()
    p.join(timeout=timeout + 1)
    if p.is_alive():
        p.kill()
    if not result:
        result.append("timed out")
    return dict(task_id=task_id, passed=result[0] == "passed", result=result[0], completion_id=completion_id)


def unsafe_execute(check_program, result, timeout):
    with tempfile.TemporaryDirectory() as dirname, contextlib.redirect_stdout(open(os.devnull, "w")):
        os.chdir(dirname)
        try:
            exec(check_program, {})
            result.append("passed")
        except BaseException as e:
            result.append(f"failed: {e}")
`;

/** The package at `dir` (created), and a bin folder with `python` and `accelerate`; returns the bin's python. */
export function writeHarnessPackage(dir: string, repoRoot: string, python: string): { harness: string; python: string } {
  const pkg = path.join(dir, 'bigcode_eval');
  mkdirSync(path.join(pkg, 'tasks', 'custom_metrics'), { recursive: true });
  writeFileSync(path.join(pkg, '__init__.py'), '');
  writeFileSync(path.join(pkg, 'tasks', '__init__.py'), TASKS);
  writeFileSync(path.join(pkg, 'tasks', 'custom_metrics', '__init__.py'), '');
  writeFileSync(path.join(pkg, 'tasks', 'custom_metrics', 'code_eval.py'), CODE_EVAL);
  writeFileSync(path.join(pkg, 'tasks', 'custom_metrics', 'execute.py'), EXECUTE);
  copyFileSync(path.join(repoRoot, 'test/fixtures/bigcode-standin/main.py'), path.join(dir, 'main.py'));
  const bin = path.join(dir, '.bin');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(path.join(bin, 'python'))) symlinkSync(python, path.join(bin, 'python'));
  writeFileSync(path.join(bin, 'accelerate'), `#!/bin/sh\n[ "$1" = launch ] || exit 2\nshift\nwhile [ $# -gt 0 ]; do case "$1" in *.py) break;; --cpu|--multi_gpu) shift;; *) shift 2;; esac; done\nexec "${python}" "$@"\n`);
  chmodSync(path.join(bin, 'accelerate'), 0o755);
  return { harness: dir, python: path.join(bin, 'python') };
}
