import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot, runCli } from '../helpers/cli.js';

describe('ablate run --dry-run', () => {
  it('writes every stage configuration, prints the exact commands, and runs and marks nothing', async () => {
    const results = mkdtempSync(path.join(tmpdir(), 'ablate-dry-'));
    const r = await runCli(['run', path.join(repoRoot, 'experiments/quickstart.yaml'), '--dry-run', '--quiet', '--results', results]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).not.toMatch(/^\S+ (start|done) /m);
    const plan = JSON.parse((await runCli(['plan', path.join(repoRoot, 'experiments/quickstart.yaml'), '--json', '--results', results])).stdout) as {
      runs: Array<{ stages: Array<{ kind: string; id: string; dir: string; status: string; command?: { argv: string[] } }> }>;
    };
    const stages = plan.runs.flatMap((run) => run.stages);
    expect(stages.every((s) => s.status === 'pending')).toBe(true);
    for (const s of stages.filter((x) => x.kind === 'train')) {
      const cfg = YAML.parse(readFileSync(path.join(s.dir, 'llamafactory.yaml'), 'utf8'));
      expect(cfg).toMatchObject({ stage: 'sft', do_train: true, finetuning_type: 'lora', template: 'default', output_dir: path.join(s.dir, 'output') });
      expect(r.stdout).toContain(JSON.stringify(s.command!.argv));
      expect(s.command!.argv.slice(-2)).toEqual(['train', path.join(s.dir, 'llamafactory.yaml')]);
    }
    for (const s of stages.filter((x) => x.kind === 'eval')) expect(existsSync(path.join(s.dir, 'eval-commands.json'))).toBe(true);
    for (const s of stages.filter((x) => x.kind === 'materialize')) expect(existsSync(path.join(s.dir, 'data.jsonl'))).toBe(false);
  });
});
