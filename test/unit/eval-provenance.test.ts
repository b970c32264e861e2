import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'ablate-provenance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function evalIds(spec: string, env: Record<string, string> = {}): Promise<Array<{ id: string; toolClone?: string }>> {
  const r = await runCli(['plan', spec, '--json', '--results', path.join(work, 'results')], { env: { ...(process.env as Record<string, string>), ...env } });
  expect(r.exitCode, r.stderr).toBe(0);
  const plan = JSON.parse(r.stdout) as { runs: Array<{ stages: Array<{ kind: string; id: string; toolClone?: string }> }> };
  return plan.runs.flatMap((run) => run.stages).filter((s) => s.kind === 'eval').map((s) => ({ id: s.id, ...(s.toolClone ? { toolClone: s.toolClone } : {}) }));
}

describe('harness provenance in eval stage ids', () => {
  it('a clone with local edits is another evaluator: its provenance and the eval stage ids change; the same edit gives the same id', async () => {
    const h = path.join(work, 'harness');
    mkdirSync(path.join(h, 'bigcode_eval'), { recursive: true });
    writeFileSync(path.join(h, 'main.py'), 'print("harness")\n');
    writeFileSync(path.join(h, 'bigcode_eval', '__init__.py'), '');
    const git = (...args: string[]) => execa('git', ['-C', h, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-q', '-m', 'harness');
    const commit = String((await git('rev-parse', 'HEAD')).stdout).trim();
    writeFileSync(path.join(work, 'data.jsonl'), '{"instruction":"a","input":"","output":"b"}\n');
    const spec = path.join(work, 'spec.yaml');
    writeFileSync(spec, `name: prov\nsources: { s: { path: data.jsonl } }\ndata: { source: s }\ntrain: { model: org/m, template: default }\neval: { tool: bigcode, tasks: [humaneval], harness: harness }\n`);

    const clean = await evalIds(spec);
    expect(clean[0]!.toolClone).toBe(`git:${commit}`);
    // The harness given by the environment instead of the spec is the same evaluator.
    const viaEnv = path.join(work, 'spec-env.yaml');
    writeFileSync(viaEnv, `name: prov\nsources: { s: { path: data.jsonl } }\ndata: { source: s }\ntrain: { model: org/m, template: default }\neval: { tool: bigcode, tasks: [humaneval] }\n`);
    expect((await evalIds(viaEnv, { ABLATE_BIGCODE_HARNESS: h }))[0]!.id).toBe(clean[0]!.id);

    writeFileSync(path.join(h, 'main.py'), 'print("harness, dataset paths patched for the cluster")\n');
    const dirty = await evalIds(spec);
    expect(dirty[0]!.toolClone).toMatch(new RegExp(`^git:${commit}\\+dirty:[0-9a-f]{16}$`));
    expect(dirty[0]!.id).not.toBe(clean[0]!.id);
    expect((await evalIds(spec))[0]!.id).toBe(dirty[0]!.id);

    // Another edit, another id; committing the edit gives a clean id of the new commit.
    writeFileSync(path.join(h, 'main.py'), 'print("another patch")\n');
    expect((await evalIds(spec))[0]!.id).not.toBe(dirty[0]!.id);
    await git('commit', '-qam', 'patch');
    const committed = await evalIds(spec);
    expect(committed[0]!.toolClone).toMatch(/^git:[0-9a-f]{40}$/);
    expect(committed[0]!.id).not.toBe(clean[0]!.id);
  }, 60_000);
});
