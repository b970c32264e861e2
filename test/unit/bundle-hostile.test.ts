/**
 * Bundles from someone else: a decompression bomb, members whose sizes differ from what the bundle
 * declares, and a bundled spec that reads files outside the bundle are refused with exit 2 and
 * nothing written.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packBundle } from '../../src/bundle/pack.js';
import { ablateBin } from '../helpers/cli.js';
import { tempDir } from './exec-fixtures.js';

const cli = (args: string[], cwd: string) => execa(process.execPath, [ablateBin, ...args], { reject: false, cwd, env: { ...process.env, ABLATE_CACHE: path.join(cwd, 'cache') } });

describe('hostile bundles', () => {
  it('a decompression bomb is refused while listing: exit 2, nothing written', async () => {
    const dir = tempDir('ablate-bomb-');
    const bomb = path.join(dir, 'bomb.tar.gz');
    // Like the (4.3 MB → 900 MiB, 214×): mostly zeros with a few pseudo-random bytes every KiB
    // expand about 190×, past ablate's 100× but under the 1000× tar's own inflater stops at.
    const body = Buffer.alloc(32 * 1024 * 1024);
    let x = 1;
    for (let i = 0; i < body.length; i += 1024) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      body.writeUInt32LE(x, i);
    }
    await packBundle([{ path: 'bundle.json', content: '{"format":"ablate-bundle"}\n' }, { path: 'stages/materialize/x/data.jsonl', content: body }], bomb);
    const ratio = body.length / statSync(bomb).size;
    expect(ratio).toBeGreaterThan(120);
    expect(ratio).toBeLessThan(900);
    for (const args of [['import', bomb, path.join(dir, 'target')], ['verify', bomb]]) {
      const r = await cli(args, dir);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/unpack to more than 100× the bundle's \d+ bytes \(a decompression bomb\?\)/);
      expect(r.stderr).toMatch(/Nothing was written/);
    }
    expect(readdirSync(dir).sort()).toEqual(['bomb.tar.gz']);
  });

  it('a member that is not declared, or larger than declared, in bundle.json is refused', async () => {
    const dir = tempDir('ablate-declared-');
    const b = path.join(dir, 'b.tar.gz');
    await packBundle(
      [
        { path: 'bundle.json', content: JSON.stringify({ format: 'ablate-bundle', files: { 'ablate.lock.json': 2, 'stages/materialize/x/data.jsonl': 3 } }) },
        { path: 'ablate.lock.json', content: '{}' },
        { path: 'stages/materialize/x/data.jsonl', content: 'x'.repeat(5000) },
        { path: 'stages/materialize/x/extra.txt', content: 'y' },
      ],
      b,
    );
    const r = await cli(['import', b, path.join(dir, 'target')], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/"stages\/materialize\/x\/data\.jsonl" rejected: it is 5000 bytes, bundle\.json declares 3/);
    expect(r.stderr).toMatch(/"stages\/materialize\/x\/extra\.txt" rejected: bundle\.json does not declare it/);
    expect(existsSync(path.join(dir, 'target'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['b.tar.gz']);
  });

  it("a bundled spec whose source is outside the bundle is refused by verify, naming the path, before it is read", async () => {
    const dir = tempDir('ablate-outside-');
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ instruction: `task ${i}${' more'.repeat(i % 5)}`, input: '', output: `answer ${i}` }));
    writeFileSync(path.join(dir, 'code.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(path.join(dir, 'spec.yaml'), 'name: outside\nseed: 1\nsources:\n  code: { path: code.jsonl }\nannotate: { complexity: { method: heuristic } }\ndata: { source: code }\n');
    const out = path.join(dir, 'b.tar.gz');
    const e = await cli(['export', path.join(dir, 'spec.yaml'), '--results', path.join(dir, 'results'), '-o', out], dir);
    expect(e.exitCode, e.stderr).toBe(0);
    // The declared sizes travel with the bundle and a good one still imports.
    const imported = path.join(dir, 'imported');
    expect((await cli(['import', out, imported], dir)).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(path.join(imported, 'bundle.json'), 'utf8')).files['ablate.lock.json']).toBe(statSync(path.join(imported, 'ablate.lock.json')).size);

    // A secret elsewhere on the machine, named by absolute path in the bundled spec.
    const secret = path.join(tempDir('ablate-secret-'), 'secret.jsonl');
    writeFileSync(secret, `${lines.join('\n')}\n`);
    const hostile = path.join(dir, 'hostile');
    cpSync(imported, hostile, { recursive: true });
    const specFile = path.join(hostile, 'spec', 'spec.yaml');
    writeFileSync(specFile, readFileSync(specFile, 'utf8').replace('path: code.jsonl', `path: ${secret}`));
    const before = readdirSync(hostile, { recursive: true }).sort();
    const r = await cli(['verify', hostile], dir);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`the bundled spec reads ${JSON.stringify(secret)}, outside the bundle`);
    expect(r.stdout).not.toMatch(/verified/);
    expect(readdirSync(hostile, { recursive: true }).sort()).toEqual(before);
    // A symbolic link inside an unpacked folder that points outside is outside too.
    const linked = path.join(dir, 'linked');
    cpSync(imported, linked, { recursive: true });
    const { rmSync, symlinkSync } = await import('node:fs');
    rmSync(path.join(linked, 'spec', 'code.jsonl'));
    symlinkSync(secret, path.join(linked, 'spec', 'code.jsonl'));
    const r2 = await cli(['verify', linked], dir);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/outside the bundle/);
  });
});
