import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import { describePlan } from '../../src/plan/describe.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * Stage ids are the cache: a refactor that changes one orphans every existing results folder.
 * test/fixtures/plans/<spec>.json holds the plan of every experiments/*.yaml as computed before the
 * structural change of issue 12; this test recomputes and compares. A change that is meant to change
 * ids (and says so in its commit) regenerates them with ABLATE_WRITE_PLAN_FIXTURES=1.
 */
const fixtures = path.join(repoRoot, 'test/fixtures/plans');
const specs = readdirSync(path.join(repoRoot, 'experiments')).filter((f) => f.endsWith('.yaml')).sort();
// A results root that exists nowhere, so every stage is pending and dirs are machine-independent.
const RESULTS = '/nonexistent-ablate-results';

async function planJson(spec: string): Promise<unknown> {
  const plan = await buildPlan(path.join(repoRoot, 'experiments', spec), { resultsRoot: RESULTS });
  const described = describePlan(plan, () => 'pending');
  // The unique stages in plan order with their edges; their hashed inputs are in the ids already.
  const stages = [...plan.stages.values()].map((s) => ({ kind: s.kind, id: s.id, deps: s.deps, gpus: s.gpus, task: s.task ?? null }));
  // Paths inside the repo are written relative to it: the fixture must hold on any clone.
  const text = JSON.stringify({ ...described, stages }, null, 2).split(repoRoot).join('<repo>');
  return JSON.parse(text);
}

describe('plan JSON of every example spec is unchanged', () => {
  it('covers every spec in experiments/', () => {
    expect(specs.length).toBeGreaterThanOrEqual(9);
    for (const spec of specs) expect(existsSync(path.join(fixtures, spec.replace(/\.yaml$/, '.json'))), spec).toBe(true);
  });

  for (const spec of specs) {
    it(spec, async () => {
      const file = path.join(fixtures, spec.replace(/\.yaml$/, '.json'));
      const now = await planJson(spec);
      if (process.env.ABLATE_WRITE_PLAN_FIXTURES === '1') writeFileSync(file, `${JSON.stringify(now, null, 2)}\n`);
      const before = JSON.parse(readFileSync(file, 'utf8'));
      expect(now).toEqual(before);
    });
  }
});
