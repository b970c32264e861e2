import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LockedDataset } from '../../src/bundle/lock.js';
import { inputReasons, selectionReasons, verifyBundle } from '../../src/bundle/verify.js';

const H = (c: string) => c.repeat(64);
const locked: LockedDataset = {
  sources: { code: { sha256: H('a'), format: 'alpaca' }, hub: { hf: 'org/d', revision: 'r1', sha256: H('e') } },
  annotate: { complexity: { method: 'heuristic' } },
  data: { source: 'code', filter: { complexity: { bins: 3, keep: 'low' } } },
  benchmarks: { humaneval: H('b') },
  seed: 1,
  idsSha256: H('c'),
  annotators: { complexity: { method: 'heuristic', annotatorHash: 'h1' } },
  steps: [
    { step: 'load', count: 100 },
    { step: 'decontaminate', count: 98 },
    { step: 'complexity', count: 33 },
  ],
};
const sameInputs = {
  sources: { code: { path: 'data/code.jsonl', sha256: H('a') }, hub: { hf: 'org/d', revision: 'r1' } },
  annotate: { complexity: { method: 'heuristic' } },
  data: { source: 'code', filter: { complexity: { bins: 3, keep: 'low' } } },
  benchmarks: { humaneval: H('b') },
};

describe('verify: why an arm differs from its lock', () => {
  it('finds nothing when the inputs are the locked ones', () => {
    expect(inputReasons(locked, { inputs: sameInputs })).toEqual([]);
  });

  it('names the altered source file, a changed revision, a changed decontamination file and edited sections', () => {
    const inputs = {
      ...sameInputs,
      sources: { code: { path: 'data/code.jsonl', sha256: H('f') }, hub: { hf: 'org/d', revision: 'r2' } },
      benchmarks: { humaneval: H('d') },
      data: { source: 'code', filter: { complexity: { bins: 3, keep: 'high' } } },
      annotate: { complexity: { method: 'python' } },
    };
    expect(inputReasons(locked, { inputs })).toEqual([
      `source \`code\` content differs: locked sha256 ${'a'.repeat(12)}…, found ${'f'.repeat(12)}… (data/code.jsonl)`,
      'source `hub` (org/d) revision differs: locked r1, found r2',
      `decontamination file of \`humaneval\` differs: locked sha256 ${'b'.repeat(12)}…, found ${'d'.repeat(12)}…`,
      'the data section differs from the locked one: locked {"filter":{"complexity":{"bins":3,"keep":"low"}},"source":"code"}, found {"filter":{"complexity":{"bins":3,"keep":"high"}},"source":"code"}',
      'the annotate section differs from the locked one: locked {"complexity":{"method":"heuristic"}}, found {"complexity":{"method":"python"}}',
    ]);
  });

  it('with the same inputs, points at the downloaded file, the annotator, the first step that kept other records, the ablate version', () => {
    const actual = {
      idsSha256: H('9'),
      sources: { hub: { sha256: H('7') } },
      annotators: { complexity: { annotatorHash: 'h2' } },
      steps: [
        { step: 'load', count: 100 },
        { step: 'decontaminate', count: 97 },
        { step: 'complexity', count: 33 },
      ],
    };
    expect(selectionReasons(locked, actual, '0.1.0', '0.2.0')).toEqual([
      `source \`hub\` (org/d@r1) downloaded content differs: locked sha256 ${'e'.repeat(12)}…, found ${'7'.repeat(12)}…`,
      'annotator `complexity` differs: locked identity h1, now h2 (another model, model revision or scorer version)',
      'step `decontaminate` kept 97 records, the lock says 98',
      'the lock was written by ablate 0.1.0, this is 0.2.0',
    ]);
    expect(selectionReasons(locked, { steps: locked.steps, annotators: { complexity: { annotatorHash: 'h1' } } }, '0.1.0', '0.1.0')).toEqual([]);
  });
});

describe('verifyBundle on a hostile bundle index', () => {
  it('refuses a spec path that leaves the bundle, before reading it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablate-verify-index-'));
    try {
      writeFileSync(path.join(dir, 'ablate.lock.json'), '{"runs":[],"datasets":{}}');
      for (const spec of ['../outside.yaml', '/etc/passwd', 'spec/../../x.yaml']) {
        writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify({ spec }));
        await expect(verifyBundle(dir, async () => ({}))).rejects.toThrow(`"spec" must be a relative path inside the bundle, found ${JSON.stringify(spec)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
