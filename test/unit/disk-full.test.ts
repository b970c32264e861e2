/**
 * A real full disk: `ablate run` with its results on a small tmpfs, at sizes that make ENOSPC strike
 * at different writes (stage lock, dataset, manifest, completion record, failure record, the
 * experiment lock). After every run, no file under its final name is invalid and no temp file is
 * left; once the disk grows, the same results folder finishes (nothing is stuck).
 *
 * Mounting needs root: the test runs as root (as CI does) and is skipped with a message otherwise;
 * under CI it is required.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ablateBin, repoRoot } from '../helpers/cli.js';
import { execa } from 'execa';
import { tempDir } from './exec-fixtures.js';

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];

function mountTmpfs(dir: string, bytes: number): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  mounts.push(dir);
}
function umount(dir: string): void {
  execFileSync('umount', [dir]);
  mounts.splice(mounts.indexOf(dir), 1);
}
afterAll(() => {
  for (const m of [...mounts]) {
    try {
      umount(m);
      rmdirSync(m);
    } catch {
      /* best effort */
    }
  }
});

/** Stand-in training that writes a 24 KiB "adapter" through ablate's own writer; materialize is the real one. */
const RUNNERS = `
import path from 'node:path';
import { materializeDataset } from ${JSON.stringify(path.join(repoRoot, 'dist/data/materialize.js'))};
import { writeFileAtomic } from ${JSON.stringify(path.join(repoRoot, 'dist/util/atomicFile.js'))};
const train = async (ctx) => {
  writeFileAtomic(path.join(ctx.workDir, 'adapter.bin'), Buffer.alloc(24 * 1024, 7));
  writeFileAtomic(path.join(ctx.workDir, 'model.json'), JSON.stringify({ base: 'x', adapter: 'adapter.bin' }) + '\\n');
};
const none = async () => {};
export const runners = { materialize: materializeDataset, train, eval: none };
`;

function fixture(): { dir: string; spec: string; runners: string; cache: string } {
  const dir = tempDir('ablate-diskfull-');
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) lines.push(JSON.stringify({ instruction: `write function number ${i} ${'that does things '.repeat(i % 9)}`, input: '', output: `def f${i}(x):\n    return x * ${i} ${'+ 1 '.repeat(i % 23)}\n` }));
  writeFileSync(path.join(dir, 'code.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    'name: diskfull\nseed: 3\nsources:\n  code: { path: code.jsonl, format: alpaca }\nannotate: { complexity: { method: heuristic } }\ndata:\n  source: code\n' +
      'sweep:\n  grid:\n    data.size: [100, 200, 300]\n' +
      'train:\n  model: builtin:tiny-llama\n  template: default\n  gpus: 0\neval:\n  tool: local\n  tasks: [humaneval]\n  problems: problems.jsonl\n  gpus: 0\n',
  );
  writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"p/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
  writeFileSync(path.join(dir, 'runners.mjs'), RUNNERS);
  return { dir, spec: path.join(dir, 'spec.yaml'), runners: path.join(dir, 'runners.mjs'), cache: path.join(dir, 'cache') };
}

/** Every file under `root`: no temp name, JSON parses, JSON lines are whole lines that parse. */
function invalidFiles(root: string): string[] {
  const bad: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(abs);
        continue;
      }
      if (/\.tmp-/.test(e.name)) {
        bad.push(`${abs}: temp file left behind (${statSync(abs).size} bytes)`);
        continue;
      }
      const text = readFileSync(abs, 'utf8');
      try {
        if (e.name.endsWith('.json') || e.name === '.ablate-lock') JSON.parse(text);
        else if (e.name.endsWith('.jsonl')) {
          if (!text.endsWith('\n')) throw new Error('last line incomplete');
          for (const line of text.split('\n').slice(0, -1)) JSON.parse(line);
        }
      } catch (err) {
        bad.push(`${abs}: ${(err as Error).message} (${text.length} bytes)`);
      }
    }
  };
  walk(root);
  return bad;
}

describe.skipIf(!isRoot && !process.env.CI)('a full disk (tmpfs)', () => {
  it('no invalid or half-written file at any size; the same folder finishes once there is room', async () => {
    expect(isRoot, 'CI must run this test as root: it mounts a tmpfs').toBe(true);
    const f = fixture();
    const env = { ...process.env, ABLATE_CACHE: f.cache } as Record<string, string>;
    const run = (results: string) => execa(process.execPath, [ablateBin, 'run', f.spec, '--results', results, '--runners', f.runners, '--until', 'train', '--quiet'], { reject: false, env });
    const outcomes: string[] = [];
    // From "not even a lock fits" to "everything fits": ENOSPC strikes at a different write each time.
    for (const kib of [4, 64, 260, 1024]) {
      const mnt = path.join(f.dir, `disk-${kib}k`);
      mountTmpfs(mnt, kib * 1024);
      const results = path.join(mnt, 'results');
      const r = await run(results);
      outcomes.push(`${kib} KiB: exit ${r.exitCode}`);
      console.log(`${kib} KiB: exit ${r.exitCode} ${r.stderr.split('\n').filter((l) => /ENOSPC/.test(l)).at(-1) ?? ''}`);
      expect([0, 1, 2], `${kib} KiB: ${r.stderr}`).toContain(r.exitCode);
      expect(r.stderr, `${kib} KiB`).not.toMatch(/internal error/);
      expect(invalidFiles(mnt), `${kib} KiB`).toEqual([]);
      if (r.exitCode !== 0) {
        // Grow the disk: the same results folder must finish and reuse what was complete.
        execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
        const again = await run(results);
        expect(again.exitCode, `${kib} KiB, after growing: ${again.stdout}\n${again.stderr}`).toBe(0);
        expect(invalidFiles(mnt), `${kib} KiB, after growing`).toEqual([]);
      }
      umount(mnt);
      rmdirSync(mnt);
    }
    // The sizes really covered both failure and success.
    expect(outcomes.some((o) => !o.endsWith('exit 0')), outcomes.join('; ')).toBe(true);
    expect(outcomes.some((o) => o.endsWith('exit 0')), outcomes.join('; ')).toBe(true);
  }, 300_000);
});

if (!isRoot && !process.env.CI) {
  describe('a full disk (tmpfs)', () => {
    it.skip('skipped: mounting a tmpfs needs root (CI runs this as root)', () => {});
  });
}
