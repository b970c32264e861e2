/**
 * A small finished experiment for the results and report tests: a spec with three complexity arms
 * × 2 repeats × 2 tasks, and stage folders written the way the stages write them. One training
 * failed, one eval is pending and one result lacks a file, so missing cells can be tested.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPlan } from '../../src/plan/build.js';
import type { Plan, Run, Stage } from '../../src/plan/types.js';
import type { EvalResult } from '../../src/tools/evalResult.js';

export const SPEC = `name: fixture
description: 'Results fixture: low vs medium vs high complexity.'
seed: 7
sources:
  code: { path: d.jsonl, format: alpaca }
annotate:
  complexity: { method: heuristic }
data:
  source: code
  filter:
    complexity: { bins: 3, keep: low }
  size: 20
sweep:
  grid:
    data.filter.complexity.keep: [low, medium, high]
  names: { data.filter.complexity.keep: complexity }
  repeat: 2
train: { model: builtin:tiny-llama, template: default, gpus: 0 }
eval: { tool: local, tasks: [humaneval, mbpp], problems: p.jsonl, gpus: 0 }
report:
  baseline: { data.filter.complexity.keep: low }
  tolerance: 3
  reference:
    - { arm: { data.filter.complexity.keep: high }, metric: humaneval.pass@1, value: 60, note: Table 3 }
    - { arm: { data.filter.complexity.keep: medium }, metric: humaneval.pass@1, value: 10 }
`;

/** Adds a second swept axis (data.size) to the fixture spec, with the baseline pinned on both axes. */
export function withSizeAxis(spec: string): string {
  return spec
    .replace('    data.filter.complexity.keep: [low, medium, high]\n', '    data.filter.complexity.keep: [low, medium, high]\n    data.size: [10, 20]\n')
    .replace('baseline: { data.filter.complexity.keep: low }', 'baseline: { data.filter.complexity.keep: low, data.size: 10 }');
}

export const PROBLEMS = 20;
export const SETUP = 'a1b2c3d4e5f60718';

/** Problems solved per arm and repeat (out of 20): high beats low. */
export const SOLVED: Record<string, Record<string, [number, number]>> = {
  humaneval: { low: [8, 10], medium: [11, 0], high: [13, 12] },
  mbpp: { low: [6, 6], medium: [7, 0], high: [9, 8] },
};
export const SIZES: Record<string, number> = { low: 30, medium: 31, high: 29 };

export interface Fixture {
  dir: string;
  specFile: string;
  resultsRoot: string;
  plan: Plan;
}

function write(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
}

/** A completion record listing the stage's files as the executor writes it (results check them before reading). */
function done(stage: Stage): void {
  const outputs = readdirSync(stage.dir)
    .filter((f) => !f.startsWith('ablate-'))
    .sort()
    .map((f) => {
      const abs = path.join(stage.dir, f);
      const st = statSync(abs);
      return { path: f, bytes: st.size, sha256: createHash('sha256').update(readFileSync(abs)).digest('hex'), mtimeMs: st.mtimeMs };
    });
  write(path.join(stage.dir, 'ablate-stage.json'), { format: 1, id: stage.id, kind: stage.kind, outputs });
}

/** Outcomes: the first `solved` problems pass; repeat 2 shifts which ones, so repeats differ per problem. */
export function evalResult(task: string, solved: number, repeat: number, setup = SETUP, plus = false): EvalResult {
  const prefix = task === 'humaneval' ? 'HumanEval' : 'Mbpp';
  // With `plus` (EvalPlus), the two hardest solved problems fail the extended tests.
  const problems = Array.from({ length: PROBLEMS }, (_, i) => {
    const k = (i + repeat - 1) % PROBLEMS;
    return { id: `${prefix}/${i}`, passed: k < solved, ...(plus ? { plus: k < solved - 2 } : {}) };
  });
  const metrics: Record<string, number> = { 'pass@1': solved / PROBLEMS, ...(plus ? { 'plus_pass@1': Math.max(0, solved - 2) / PROBLEMS } : {}) };
  return { tool: plus ? 'evalplus' : 'local', task, metrics, problems, n_samples: 1, setup_hash: setup, tool_version: '0.1.0' };
}

const stagesOf = (plan: Plan, run: Run): Stage[] => run.stages.map((id) => plan.stages.get(id)!);
const keep = (run: Run): string => String(run.axes['data.filter.complexity.keep']);

/** Builds the spec and finished stage folders in a temp dir. */
export async function makeFixture(opts: { setupFor?: (task: string, arm: string, repeat: number) => string; editSpec?: (spec: string) => string; plus?: boolean } = {}): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-results-'));
  const specFile = path.join(dir, 'spec.yaml');
  write(specFile, opts.editSpec ? opts.editSpec(SPEC) : SPEC);
  write(path.join(dir, 'd.jsonl'), '{"instruction":"x","input":"","output":"y"}\n');
  write(path.join(dir, 'p.jsonl'), '{"task_id":"HumanEval/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c() == 1\\n","entry_point":"f"}\n');
  const resultsRoot = path.join(dir, 'results');
  const plan = await buildPlan(specFile, { resultsRoot });
  for (const run of plan.runs) {
    const arm = keep(run);
    for (const stage of stagesOf(plan, run)) {
      if (stage.kind === 'materialize') {
        const size = SIZES[arm]! + run.repeat - 1;
        write(path.join(stage.dir, 'manifest.json'), { records: size, idsSha256: `ids-${arm}-${run.repeat}`, steps: [] });
        write(path.join(stage.dir, 'datacard.json'), {
          name: stage.id,
          size,
          instructionChars: { min: 10, p10: 20, median: 40, mean: 45.5, p90: 80, max: 120 },
          outputChars: { min: 30, p10: 50, median: 200, mean: 230, p90: 400, max: 900 },
          complexity: { method: 'heuristic', mean: arm === 'low' ? 0.2 : arm === 'medium' ? 0.5 : 0.8, median: 0.5, histogram: { edges: [0, 0.25, 0.5, 0.75, 1], counts: arm === 'low' ? [20, 10, 0, 0] : arm === 'medium' ? [0, 15, 16, 0] : [0, 0, 9, 20] }, scored: size },
          domains: { code: 1 },
          sources: { code: 1 },
          warnings: arm === 'high' ? ['complexity is concentrated in one bin'] : [],
        });
        done(stage);
      } else if (stage.kind === 'train') {
        if (arm === 'medium' && run.repeat === 2) {
          write(path.join(stage.dir, 'ablate-failed.json'), { id: stage.id, kind: 'train', error: 'llamafactory-cli exited with code 1\nTraceback...', interrupted: false });
          continue;
        }
        const base = arm === 'low' ? 1.2 : arm === 'medium' ? 1.1 : 1.0;
        const train = { train_loss: base + 0.01 * run.repeat, train_runtime: 12.5, epoch: 1 };
        const curve = [1, 2, 3, 4].map((step) => ({ step, loss: base + 1 / step + 0.01 * run.repeat, lr: 0.001 / step, epoch: step / 4 }));
        // The train stage's layout (LLaMA-Factory's all_results.json under `train`), and a flat one for the low arm.
        write(path.join(stage.dir, 'metrics.json'), arm === 'low' ? { ...train, curve } : { tool: 'llamafactory', version: '0.9.3', train, curve, resumed_from: null });
        done(stage);
      } else {
        const task = stage.task!;
        if (arm === 'medium' && run.repeat === 2) continue; // training failed: eval pending
        if (arm === 'high' && run.repeat === 2 && task === 'mbpp') continue; // still pending
        const solved = SOLVED[task]![arm]![run.repeat - 1]!;
        write(path.join(stage.dir, 'result.json'), evalResult(task, solved, run.repeat, opts.setupFor?.(task, arm, run.repeat) ?? SETUP, opts.plus));
        done(stage);
      }
    }
  }
  return { dir, specFile, resultsRoot, plan };
}
