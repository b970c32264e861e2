/** One mistake gives one message: a bad value in a sweep list is reported once, at its item. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { validateSpec } from '../../src/spec/validate.js';
import { repoRoot } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ablate-onemsg-'));
cpSync(path.join(repoRoot, 'experiments', 'data'), path.join(dir, 'data'), { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quickstart = readFileSync(path.join(repoRoot, 'experiments', 'quickstart.yaml'), 'utf8');

function messages(edit: (s: string) => string): string[] {
  const file = path.join(dir, 'spec.yaml');
  writeFileSync(file, edit(quickstart));
  try {
    validateSpec(file);
    return [];
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.diagnostics.map((d) => `${d.line}:${d.col}: ${d.path}: ${d.message}`);
  }
}

describe('one mistake, one message', () => {
  it('a misspelt value in a sweep list: one message, with the spelling suggestion', () => {
    const m = messages((s) => s.replace('data.filter.complexity.keep: [low, high]', 'data.filter.complexity.keep: [low, hihg]'));
    expect(m).toEqual(['21:40: sweep.grid.data.filter.complexity.keep.1: must be one of `low`, `medium`, `high`, `lowest`, `highest` (got "hihg"); did you mean `high`?']);
  });

  it('a value of no branch at all: one message, the schema\'s own wording', () => {
    const m = messages((s) => s.replace('data.filter.complexity.keep: [low, high]', 'data.filter.complexity.keep: [low, 2.5]'));
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^21:40: sweep\.grid\.data\.filter\.complexity\.keep\.1: must be low, medium, high, lowest, highest or a bin number/);
  });

  it('two mistakes still give two messages', () => {
    const m = messages((s) => s.replace('data.filter.complexity.keep: [low, high]', 'data.filter.complexity.keep: [loww, hihg]'));
    expect(m).toHaveLength(2);
  });
});
