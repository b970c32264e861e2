/**
 * Crash safety: a controller killed with SIGKILL at random moments, then re-run, must end with every
 * stage done exactly once and no partial output marked done.
 */
import { spawn } from 'node:child_process';
import { xxh3 } from '@node-rs/xxhash';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileForChild, makePlan, tempDir } from './exec-fixtures.js';

const ENGINE = (dist: string): string => `
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { executeLocal } from ${JSON.stringify(path.join(dist, 'exec', 'local.js'))};
const [planFile, markers] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(planFile, 'utf8'));
const plan = { ...raw, stages: new Map(raw.stages.map((s) => [s.id, s])) };
const FILES = 3;
const runner = async (ctx) => {
  const id = ctx.stage.id;
  if (existsSync(path.join(ctx.workDir, 'ablate-stage.json'))) appendFileSync(markers, id + ' VIOLATION-ran-when-done\\n');
  for (const d of ctx.stage.deps) if (!existsSync(path.join(ctx.depDir(d), 'ablate-stage.json'))) appendFileSync(markers, id + ' VIOLATION-dep-not-done\\n');
  appendFileSync(markers, id + ' start\\n');
  for (let i = 0; i < FILES; i++) {
    // Written in pieces: a kill in between leaves a partial file behind.
    const file = path.join(ctx.workDir, 'out-' + i + '.txt');
    writeFileSync(file, id + ' part ' + i + ' begin\\n');
    await new Promise((r) => setTimeout(r, 15 + Math.floor(Math.random() * 30)));
    appendFileSync(file, id + ' part ' + i + ' end\\n');
    ctx.progress({ percent: ((i + 1) / FILES) * 100 });
  }
  appendFileSync(markers, id + ' end\\n');
};
const s = await executeLocal(plan, { materialize: runner, train: runner, eval: runner }, { cpuSlots: 3 });
process.stdout.write(JSON.stringify({ failed: s.failed, ran: s.ran, cached: s.cached }) + '\\n');
`;

/** Same sweep, but each stage runs an external command: a killed controller leaves it running (an orphan). */
const ENGINE_WITH_CHILDREN = (dist: string, childScript: string): string => `
import { readFileSync } from 'node:fs';
import { executeLocal } from ${JSON.stringify(path.join(dist, 'exec', 'local.js'))};
import { runStageCommand } from ${JSON.stringify(path.join(dist, 'exec', 'command.js'))};
const [planFile, markers] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(planFile, 'utf8'));
const plan = { ...raw, stages: new Map(raw.stages.map((s) => [s.id, s])) };
const runner = (ctx) => runStageCommand(ctx, [process.execPath, ${JSON.stringify(childScript)}, ctx.stage.id, markers], { graceMs: 2000 });
const s = await executeLocal(plan, { materialize: runner, train: runner, eval: runner }, { cpuSlots: 3 });
process.stdout.write(JSON.stringify({ failed: s.failed, ran: s.ran, cached: s.cached }) + '\\n');
`;

const CHILD = `
import { appendFileSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
const [id, markers] = process.argv.slice(2);
// Exclusive marker: two processes working in one stage folder at once would collide here.
try { closeSync(openSync('.running', 'wx')); } catch { appendFileSync(markers, id + ' VIOLATION-concurrent\\n'); }
const stop = () => { rmSync('.running', { force: true }); process.exit(143); };
process.on('SIGTERM', stop);
appendFileSync(markers, id + ' start ' + process.pid + '\\n');
for (let i = 0; i < 3; i++) {
  writeFileSync('out-' + i + '.txt', id + ' ' + i + '\\n');
  await new Promise((r) => setTimeout(r, 60));
}
rmSync('.running', { force: true });
appendFileSync(markers, id + ' end ' + process.pid + '\\n');
`;

let pkg: string;
let dist: string;
beforeAll(() => {
  pkg = compileForChild();
  dist = path.join(pkg, 'dist');
});
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

function runEngine(script: string, planFile: string, markers: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, planFile, markers], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : undefined;
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout });
    });
  });
}

describe('crash safety', () => {
  it('SIGKILL at random moments, re-run: nothing done twice, nothing lost, no partial output marked done', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 16, materializeShared: 6, tasks: ['humaneval', 'mbpp'] });
    const planFile = path.join(root, 'plan.json');
    writeFileSync(planFile, JSON.stringify({ ...plan, stages: [...plan.stages.values()] }));
    const script = path.join(root, 'engine.mjs');
    writeFileSync(script, ENGINE(dist));
    const markers = path.join(root, 'markers.log');
    writeFileSync(markers, '');

    let kills = 0;
    for (let i = 0; i < 12 && kills < 6; i++) {
      const r = await runEngine(script, planFile, markers, 100 + Math.floor(Math.random() * 400));
      if (r.signal === 'SIGKILL') kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    const final = await runEngine(script, planFile, markers);
    expect(final.code).toBe(0);
    expect(JSON.parse(final.stdout).failed).toBe(0);

    const lines = readFileSync(markers, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('VIOLATION'))).toEqual([]);
    for (const s of plan.stages.values()) {
      const recFile = path.join(s.dir, 'ablate-stage.json');
      expect(existsSync(recFile), `${s.id} done`).toBe(true);
      const rec = JSON.parse(readFileSync(recFile, 'utf8')) as { outputs: Array<{ path: string; xxh3: string }> };
      // The record lists exactly the complete outputs, and they match the files on disk.
      expect(rec.outputs.map((o) => o.path)).toEqual(['out-0.txt', 'out-1.txt', 'out-2.txt']);
      for (const o of rec.outputs) {
        const text = readFileSync(path.join(s.dir, o.path), 'utf8');
        const i = o.path.slice(4, 5);
        expect(text).toBe(`${s.id} part ${i} begin\n${s.id} part ${i} end\n`);
        expect(xxh3.xxh64(Buffer.from(text)).toString(16).padStart(16, '0')).toBe(o.xxh3);
      }
      // Ran to its end at least once; never started again after a completed record (checked above).
      expect(lines.filter((l) => l === `${s.id} end`).length).toBeGreaterThanOrEqual(1);
    }
    // One more run does nothing.
    const before = readFileSync(markers, 'utf8');
    const idle = await runEngine(script, planFile, markers);
    expect(JSON.parse(idle.stdout).ran).toBe(0);
    expect(readFileSync(markers, 'utf8')).toBe(before);
  }, 120_000);

  it('with external commands: orphans of a killed controller are stopped, never two processes in one stage', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 5, materializeShared: 2 });
    const planFile = path.join(root, 'plan.json');
    writeFileSync(planFile, JSON.stringify({ ...plan, stages: [...plan.stages.values()] }));
    const child = path.join(root, 'child.mjs');
    writeFileSync(child, CHILD);
    const script = path.join(root, 'engine.mjs');
    writeFileSync(script, ENGINE_WITH_CHILDREN(dist, child));
    const markers = path.join(root, 'markers.log');
    writeFileSync(markers, '');
    for (let i = 0; i < 6; i++) await runEngine(script, planFile, markers, 200 + Math.floor(Math.random() * 600));
    const final = await runEngine(script, planFile, markers);
    expect(final.code).toBe(0);
    const lines = readFileSync(markers, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('VIOLATION'))).toEqual([]);
    for (const s of plan.stages.values()) {
      expect(existsSync(path.join(s.dir, 'ablate-stage.json')), s.id).toBe(true);
      for (let i = 0; i < 3; i++) expect(readFileSync(path.join(s.dir, `out-${i}.txt`), 'utf8')).toBe(`${s.id} ${i}\n`);
    }
  }, 120_000);
});
