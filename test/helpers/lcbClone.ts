/**
 * Writes a LiveCodeBench-shaped clone for tests, with the mechanisms of the real one (28fef95)
 * that ablate must honour: importing `lcb_runner.prompts.code_generation` opens
 * `lcb_runner/prompts/few_shot_examples/generation/func.json` relative to the working folder;
 * `python -m lcb_runner.runner.main` takes the real parser's arguments, grades programs with a
 * `multiprocessing.Manager()` list and a `Process` per program, and writes
 * `output/<model_repr>/Scenario.codegeneration_<n>_<temperature>{,_eval,_eval_all}.json` relative to
 * the working folder. Problems are inline (the real one loads them from the hub); "generation" is
 * scripted: problems whose index is even get a right answer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PROMPTS = `import json

# As in LiveCodeBench: read at import time, relative to the current working folder.
with open("lcb_runner/prompts/few_shot_examples/generation/func.json") as f:
    func = json.load(f)

with open("lcb_runner/prompts/few_shot_examples/generation/stdin.json") as f:
    stdin = json.load(f)
`;

const MAIN = `import argparse
import json
import multiprocessing
import os

from lcb_runner.prompts.code_generation import func  # noqa: F401 (opens its prompt files on import)

LM_STYLES = {"deepseek-ai/deepseek-coder-6.7b-instruct": "DSCoder-6.7b-Ins"}
PROBLEMS = [
    {"question_id": "1873_A", "question_title": "short-sort", "answer": "3"},
    {"question_id": "2727", "question_title": "number-of-senior-citizens", "answer": "2"},
    {"question_id": "abc301_a", "question_title": "overall-winner", "answer": "T"},
]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--model", type=str, default="gpt-3.5-turbo-0301")
    p.add_argument("--local_model_path", type=str, default=None)
    p.add_argument("--trust_remote_code", action="store_true")
    p.add_argument("--scenario", type=str, default="codegeneration")
    p.add_argument("--not_fast", action="store_true")
    p.add_argument("--release_version", type=str, default="release_latest")
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--temperature", type=float, default=0.2)
    p.add_argument("--top_p", type=float, default=0.95)
    p.add_argument("--max_tokens", type=int, default=2000)
    p.add_argument("--stop", default="###")
    p.add_argument("--evaluate", action="store_true")
    p.add_argument("--num_process_evaluate", type=int, default=12)
    p.add_argument("--timeout", type=int, default=6)
    p.add_argument("--tensor_parallel_size", type=int, default=-1)
    p.add_argument("--dtype", type=str, default="bfloat16")
    return p.parse_args()


def run_program(code, answer, result):
    scope = {}
    try:
        exec(code, scope)
        result.append(str(scope["solve"]()) == answer)
    except BaseException:
        result.append(False)


def grade(code, answer):
    manager = multiprocessing.Manager()
    result = manager.list()
    p = multiprocessing.Process(target=run_program, args=(code, answer, result))
    p.start()
    p.join(timeout=10)
    if p.is_alive():
        p.kill()
    return bool(result and result[0])


def main():
    args = get_args()
    if not os.path.isdir(args.local_model_path):
        raise OSError(f"--local_model_path {args.local_model_path}: not a folder")
    model_repr = LM_STYLES[args.model]
    base = f"output/{model_repr}/Scenario.{args.scenario}_{args.n}_{args.temperature}"
    os.makedirs(os.path.dirname(base), exist_ok=True)
    entries = []
    for i, prob in enumerate(PROBLEMS):
        answer = prob["answer"] if i % 2 == 0 else "wrong"
        codes = [f"def solve():\\n    return {answer!r}\\n"] * args.n
        graded = [grade(code, prob["answer"]) for code in codes] if args.evaluate else []
        entries.append({**prob, "code_list": codes, "output_list": codes, "graded_list": graded, "pass@1": sum(graded) / max(1, len(graded)), "metadata": ["{}"] * len(codes)})
    with open(base + ".json", "w") as f:
        json.dump([{k: v for k, v in e.items() if k in ("question_id", "code_list", "output_list")} for e in entries], f)
    if args.evaluate:
        with open(base + "_eval.json", "w") as f:
            json.dump([{"pass@1": sum(e["pass@1"] for e in entries) / len(entries)}, {}, {}], f)
        with open(base + "_eval_all.json", "w") as f:
            json.dump(entries, f, indent=4)


if __name__ == "__main__":
    main()
`;

export function writeLcbClone(dir: string): string {
  const w = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  w('lcb_runner/__init__.py', '');
  w('lcb_runner/prompts/__init__.py', '');
  w('lcb_runner/prompts/code_generation.py', PROMPTS);
  w('lcb_runner/prompts/few_shot_examples/generation/func.json', '[{"question": "q", "answer": "a"}]\n');
  w('lcb_runner/prompts/few_shot_examples/generation/stdin.json', '[{"question": "q", "answer": "a"}]\n');
  w('lcb_runner/runner/__init__.py', '');
  w('lcb_runner/runner/parser.py', '');
  w('lcb_runner/runner/main.py', MAIN);
  return dir;
}
