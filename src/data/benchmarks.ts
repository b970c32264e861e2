/**
 * Benchmark problem files for decontamination, read into what training data must not contain:
 * each problem's prompt (matched by word n-grams), its reference solutions and its test
 * assertions (matched by normalized whole-string containment). The fields follow StarCoder's
 * decontamination lists (bigcode-dataset, decontamination/benchmark_data.py): HumanEval docstring
 * prompts and canonical solutions, MBPP texts and code, APPS questions, GSM8K questions, DS-1000
 * prompts up to the solution marker; plus solutions and tests for HumanEval+/MBPP+/APPS.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import { readRawRecords } from './sources/readers.js';

export const BENCHMARKS = ['humaneval', 'humanevalplus', 'mbpp', 'mbppplus', 'ds1000', 'apps', 'gsm8k', 'livecodebench'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

export interface BenchmarkProblem {
  benchmark: Benchmark;
  id: string;
  /** The problem statement: matched by n-grams. */
  prompt: string;
  /** Reference solutions, each matched whole (after normalization). */
  solutions: string[];
  /** Test assertions, each matched whole (after normalization). */
  tests: string[];
  /** LiveCodeBench: the problem's release date (YYYY-MM-DD). */
  date?: string;
}

/**
 * Where each benchmark comes from when the spec gives no local path: the file name under
 * `<cache>/benchmarks/` and the public URL `ablate fetch` downloads it from (kept as downloaded).
 * HumanEval+ and MBPP+ are EvalPlus's release files; LiveCodeBench has no single file (its
 * problems come from the Hub through lcb_runner): give a local export as `paths.livecodebench`.
 */
export const BENCHMARK_DOWNLOADS: Readonly<Partial<Record<Benchmark, { file: string; url: string; gunzip: boolean }>>> = {
  humaneval: { file: 'HumanEval.jsonl.gz', url: 'https://github.com/openai/human-eval/raw/6d43fb980f9fee3c892a914eda09951f772ad10d/data/HumanEval.jsonl.gz', gunzip: false },
  humanevalplus: { file: 'HumanEvalPlus-v0.1.10.jsonl', url: 'https://github.com/evalplus/humanevalplus_release/releases/download/v0.1.10/HumanEvalPlus.jsonl.gz', gunzip: true },
  mbpp: { file: 'sanitized-mbpp.json', url: 'https://raw.githubusercontent.com/google-research/google-research/master/mbpp/sanitized-mbpp.json', gunzip: false },
  mbppplus: { file: 'MbppPlus-v0.2.0.jsonl', url: 'https://github.com/evalplus/mbppplus_release/releases/download/v0.2.0/MbppPlus.jsonl.gz', gunzip: true },
  ds1000: { file: 'ds1000.jsonl.gz', url: 'https://github.com/xlang-ai/DS-1000/raw/main/data/ds1000.jsonl.gz', gunzip: false },
  apps: { file: 'apps-test.jsonl', url: 'https://huggingface.co/datasets/codeparrot/apps/resolve/main/test.jsonl', gunzip: false },
  gsm8k: { file: 'gsm8k-test.jsonl', url: 'https://raw.githubusercontent.com/openai/grade-school-math/3101c7d5072418e28b9008a6636bde82a006892c/grade_school_math/data/test.jsonl', gunzip: false },
};

/** The file a benchmark is read from: the spec's `paths` entry (relative to the spec), else the cache. */
export function benchmarkLocation(name: Benchmark, paths: Record<string, string> | undefined, specDir: string, root: string): string | undefined {
  const given = paths?.[name];
  if (given) return path.resolve(specDir, given);
  const d = BENCHMARK_DOWNLOADS[name];
  return d ? path.join(root, 'benchmarks', d.file) : undefined;
}

export async function benchmarkFile(name: Benchmark, paths: Record<string, string> | undefined, specDir: string, root: string): Promise<string> {
  const file = benchmarkLocation(name, paths, specDir, root);
  const fix = BENCHMARK_DOWNLOADS[name] ? `run \`ablate fetch SPEC\` or set data.decontaminate.paths.${name} to a local copy` : `set data.decontaminate.paths.${name} to a local file of its problems`;
  if (!file) throw new AblateError(`data.decontaminate: ${name} has no default file; ${fix}`, EXIT.usage);
  try {
    await stat(file);
  } catch {
    throw new AblateError(`data.decontaminate: ${name} file not found at ${file}; ${fix}`, EXIT.usage);
  }
  return file;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** `assert …` lines of a test program, with `candidate(` replaced by the entry point a record would call. */
function assertLines(test: string, entryPoint?: string): string[] {
  return test
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('assert '))
    .map((l) => (entryPoint ? l.replaceAll('candidate(', `${entryPoint}(`) : l));
}

/** The `def` line of the entry point in a HumanEval prompt, so a solution is also matched with its signature. */
function signature(prompt: string, entryPoint: string): string | undefined {
  return prompt.split('\n').reverse().find((l) => l.trimStart().startsWith(`def ${entryPoint}(`));
}

/** DS-1000's prompt text before its solution marker (StarCoder's rule). */
function ds1000Prompt(prompt: string): string {
  for (const marker of ['BEGIN SOLUTION', 'SOLUTION START']) {
    const at = prompt.indexOf(marker);
    if (at >= 0) return prompt.slice(0, at);
  }
  return prompt;
}

function fromRecord(name: Benchmark, r: Record<string, unknown>, index: number): BenchmarkProblem {
  const id = String(r.task_id ?? r.problem_id ?? r.question_id ?? (r.metadata as Record<string, unknown> | undefined)?.problem_id ?? index);
  switch (name) {
    case 'humaneval':
    case 'humanevalplus': {
      const prompt = str(r.prompt);
      const solution = str(r.canonical_solution);
      const entry = str(r.entry_point);
      const sig = entry ? signature(prompt, entry) : undefined;
      return { benchmark: name, id, prompt, solutions: [solution, ...(sig ? [`${sig}\n${solution}`] : [])], tests: assertLines(str(r.test), entry || undefined) };
    }
    case 'mbpp':
    case 'mbppplus': {
      const mbppId = id.startsWith('Mbpp/') ? id : `Mbpp/${id}`;
      const tests = [...strings(r.test_list), ...assertLines(str(r.test))];
      return { benchmark: name, id: mbppId, prompt: str(r.prompt) || str(r.text), solutions: [str(r.code) || str(r.canonical_solution)], tests };
    }
    case 'ds1000':
      return { benchmark: name, id, prompt: ds1000Prompt(str(r.prompt)), solutions: [str(r.reference_code)], tests: [] };
    case 'apps': {
      let solutions: string[] = [];
      try {
        solutions = typeof r.solutions === 'string' && r.solutions ? strings(JSON.parse(r.solutions)) : strings(r.solutions);
      } catch {
        solutions = [];
      }
      return { benchmark: name, id, prompt: str(r.question), solutions, tests: [] };
    }
    case 'gsm8k':
      return { benchmark: name, id: `gsm8k/${index}`, prompt: str(r.question), solutions: [], tests: [] };
    case 'livecodebench':
      return { benchmark: name, id, prompt: str(r.question_content), solutions: [], tests: [], date: str(r.contest_date).slice(0, 10) };
  }
}

/**
 * Every problem of a benchmark file (.json array, .jsonl, .jsonl.gz). With a `cutoff`, dated
 * problems (LiveCodeBench) released before it are left out: they are not in the evaluation window.
 */
export async function loadBenchmark(name: Benchmark, file: string, opts: { cutoff?: string } = {}): Promise<BenchmarkProblem[]> {
  const out: BenchmarkProblem[] = [];
  let index = 0;
  for await (const item of readRawRecords(file)) {
    if (!('value' in item)) throw new AblateError(`${file}: line ${item.loc.line}: ${item.parseError}`, EXIT.usage);
    const p = fromRecord(name, item.value as Record<string, unknown>, index++);
    if (opts.cutoff && p.date && p.date < opts.cutoff) continue;
    out.push(p);
  }
  return out;
}
