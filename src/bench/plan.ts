import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planFromValidated } from '../plan/build.js';
import { validateSpec } from '../spec/validate.js';
import type { BenchRow } from './types.js';
import { toolRules } from '../tools/rules.js';

/** Time to validate and plan a 1,000-run sweep (10 × 10 × 10 grid), end to end in-process. */
export async function benchPlan(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-plan-'));
  try {
    writeFileSync(path.join(dir, 'd.jsonl'), '{"instruction":"x","input":"","output":"y"}\n');
    const sizes = Array.from({ length: 10 }, (_, i) => 1000 + i);
    const spec = {
      name: 'bench',
      sources: { code: { path: 'd.jsonl' } },
      data: { source: 'code', filter: { complexity: { bins: 3, keep: 'low' } } },
      train: { model: 'org/model', template: 'default', args: { learning_rate: 0.0001 } },
      eval: { tool: 'bigcode', tasks: ['humaneval', 'mbpp'] },
      sweep: {
        grid: {
          'data.size': sizes,
          'train.args.learning_rate': sizes.map((s) => s / 1e7),
          seed: Array.from({ length: 10 }, (_, i) => i),
        },
      },
    };
    const file = path.join(dir, 'spec.yaml');
    writeFileSync(file, JSON.stringify(spec));
    const times: number[] = [];
    let runs = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const plan = planFromValidated(validateSpec(file, { rules: toolRules }), { resultsRoot: path.join(dir, 'results') });
      times.push(performance.now() - t0);
      runs = plan.runs.length;
    }
    times.sort((a, b) => a - b);
    return [{ name: `plan a ${runs}-run sweep (validate + expand + stage ids), median of 5`, value: times[2]! / 1000, unit: 's', target: '< 1 s' }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
