/**
 * `ablate --help`, `--version` and every command's help load only the command declarations: no
 * statistics, charts, transformers.js, listr2, execa, schema validator or YAML parser. A resolve
 * hook records every module the real CLI process loads; a command that does work is the control
 * that shows the hook sees the heavy modules when they do load.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ablateBin, repoRoot } from '../helpers/cli.js';

const built = existsSync(path.join(repoRoot, 'dist/cli/main.js'));
const dir = mkdtempSync(path.join(tmpdir(), 'ablate-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = path.join(dir, 'hooks.mjs');
writeFileSync(hooks, "import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.ABLATE_TRACE, r.url + '\\n'); return r; }\n");
const register = path.join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

let n = 0;
/** The modules (package names, or dist-relative paths of our own) one CLI process loaded. */
async function loaded(args: string[]): Promise<{ exitCode: number; modules: Set<string> }> {
  const trace = path.join(dir, `trace-${n++}.txt`);
  writeFileSync(trace, '');
  const r = await execa(process.execPath, ['--import', pathToFileURL(register).href, ablateBin, ...args], { reject: false, env: { ABLATE_TRACE: trace }, cwd: dir });
  const modules = new Set(
    readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((u) => {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
        if (m) return m[1]!;
        const d = /\/dist\/(.+)$/.exec(u);
        return d ? d[1]! : u;
      }),
  );
  return { exitCode: r.exitCode ?? -1, modules };
}

const HEAVY = ['vega', 'vega-lite', '@huggingface/transformers', 'listr2', 'execa', 'ajv', 'yaml', 'hnswlib-node', 'usearch', 'hyparquet', 'stream-json'];
const heavyIn = (mods: Set<string>): string[] => [...mods].filter((m) => HEAVY.includes(m) || m.startsWith('@stdlib/'));

describe.skipIf(!built && !process.env.CI)('lazy CLI (built dist/)', () => {
  it.each([['--help'], ['--version'], ['report', '--help'], ['run', '--help'], ['compare', '--help'], ['tools', 'install', '--help']])('`ablate %s` loads no heavy library and no command implementation', async (...args) => {
    const { exitCode, modules } = await loaded(args);
    expect(exitCode).toBe(0);
    expect(heavyIn(modules)).toEqual([]);
    // Our own modules: the CLI's declarations and the constant modules they name (plan/types holds
    // the stage kinds), never a planner, executor, data, report, bundle or tool implementation.
    const implementations = [...modules].filter((m) => /^(plan\/(?!types\.js)|spec\/|data\/|exec\/(?!graph\.js|defaults\.js)|report\/|bundle\/|results\/(?!options\.js)|tools\/(?!installSize\.js))/.test(m));
    expect(implementations).toEqual([]);
  });

  it('the control: a command that does work loads what it needs (the trace sees heavy modules)', async () => {
    writeFileSync(path.join(dir, 'x.csv'), 'problem_id,a,b\np1,1,0\n');
    const { modules } = await loaded(['compare', path.join(dir, 'x.csv'), '--a', '^a$', '--b', '^b$', '--json']);
    expect(heavyIn(modules)).toEqual(expect.arrayContaining(['@stdlib/stats-base-dists-binomial-cdf']));
    const v = await loaded(['validate', path.join(dir, 'missing.yaml')]);
    expect(v.exitCode).toBe(2);
    expect(heavyIn(v.modules)).toEqual(expect.arrayContaining(['yaml']));
    expect(heavyIn(v.modules)).not.toContain('vega');
  });
});
