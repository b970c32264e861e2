import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import { detectableDifferences, renderDetectable } from '../../src/results/detectable.js';
import { detectableDifference } from '../../src/results/power.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const kdRq1 = path.join(repoRoot, 'experiments', 'kd-rq1-complexity.yaml');

describe('ablate plan: detectable differences', () => {
  it('prints the smallest detectable pass@1 difference for HumanEval and MBPP of study B RQ1 (acceptance)', async () => {
    const r = await runCli(['plan', kdRq1]);
    expect(r.exitCode).toBe(0);
    const he = detectableDifference({ pairs: 164, discordance: 0.127 })!.toFixed(1);
    const mbpp = detectableDifference({ pairs: 500, discordance: 0.127 })!.toFixed(1);
    expect(r.stdout).toContain(`humaneval (164 problems, 1 repeat): differences under ~${he} points are not detectable`);
    expect(r.stdout).toContain(`mbpp (500 problems, 1 repeat): differences under ~${mbpp} points are not detectable`);
    expect(r.stdout).toMatch(/80% power, α = 0\.05, discordance 0\.127/);
  });

  it('counts repeats, honours eval.limit and a local problem file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablate-detectable-'));
    writeFileSync(path.join(dir, 'data.jsonl'), '{"instruction":"a","output":"b"}\n');
    writeFileSync(path.join(dir, 'problems.jsonl'), Array.from({ length: 40 }, (_, i) => JSON.stringify({ task_id: `T/${i}` })).join('\n'));
    const spec = (evalPart: string): string => {
      const f = path.join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(f, `name: d\nsources: { s: { path: data.jsonl } }\ndata: { source: s }\ntrain: { model: builtin:tiny-llama }\n${evalPart}\nsweep: { grid: { train.finetuning: [lora, full] }, repeat: 3 }\n`);
      return f;
    };
    const limited = detectableDifferences(await buildPlan(spec('eval: { tool: bigcode, tasks: [humaneval, mbpp], limit: 100 }')));
    expect(limited.rows.map((r) => [r.task, r.problems, r.repeats])).toEqual([['humaneval', 100, 3], ['mbpp', 100, 3]]);
    expect(limited.rows[0]!.diff).toBeCloseTo(detectableDifference({ pairs: 300, discordance: 0.127 })!, 10);
    const local = detectableDifferences(await buildPlan(spec('eval: { tool: local, tasks: [humaneval], problems: problems.jsonl }')), { discordance: 0.3, discordanceSource: 'test' });
    expect(local.rows).toEqual([{ tool: 'local', task: 'humaneval', problems: 40, repeats: 3, discordance: 0.3, diff: detectableDifference({ pairs: 120, discordance: 0.3 }) }]);
    const unknown = detectableDifferences(await buildPlan(spec('eval: { tool: bigcode, tasks: [ds1000-numpy-completion] }')));
    expect(unknown.rows[0]!.problems).toBeNull();
    expect(renderDetectable(unknown)).toContain('problem count unknown');
  });

  it('takes the discordance from a pilot run or the command line, and refuses both or a bad rate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablate-pilot-'));
    const pilot = path.join(dir, 'pilot.csv');
    // Two arms differing on 5 of 20 problems: discordance 0.25.
    writeFileSync(pilot, `problem_id,a,b\n${Array.from({ length: 20 }, (_, i) => `p${i},1,${i < 5 ? 0 : 1}`).join('\n')}\n`);
    const fromPilot = await runCli(['plan', kdRq1, '--pilot', pilot, '--json']);
    expect(fromPilot.exitCode).toBe(0);
    const json = JSON.parse(fromPilot.stdout);
    expect(json.detectable.discordance).toBe(0.25);
    expect(json.detectable.rows.find((r: { task: string }) => r.task === 'humaneval').diff).toBeCloseTo(detectableDifference({ pairs: 164, discordance: 0.25 })!, 10);
    expect(json.runs.length).toBe(12);
    const given = await runCli(['plan', kdRq1, '--discordance', '0.2']);
    expect(given.stdout).toContain('discordance 0.2 from --discordance');
    expect((await runCli(['plan', kdRq1, '--discordance', '1.5'])).exitCode).toBe(2);
    expect((await runCli(['plan', kdRq1, '--discordance', '0.2', '--pilot', pilot])).stderr).toContain('either --discordance or --pilot');
    const flat = path.join(dir, 'flat.csv');
    writeFileSync(flat, 'problem_id,a,b\np1,1,1\np2,0,0\n');
    const none = await runCli(['plan', kdRq1, '--pilot', flat]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no problem on which two arms differ');
  });
});
