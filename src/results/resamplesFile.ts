/**
 * Bootstrap resamples given as problem ids, so a published analysis can be replayed exactly.
 * Format (study B): one resample per line, `<name><TAB><id>,<id>,...`, e.g. `bootstrap_0001\tHumanEval/3,...`.
 */
import { readFile } from 'node:fs/promises';
import { AblateError, EXIT, InputError, type Diagnostic } from '../errors.js';

/**
 * Parses the file's text into resamples of problem indices, resolving ids through `indexOf`
 * (problem id → index in the analysed order). Empty lines are skipped.
 */
export function parseResamples(file: string, text: string, indexOf: ReadonlyMap<string, number>): Int32Array[] {
  const diagnostics: Diagnostic[] = [];
  const resamples: Int32Array[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const tab = raw.indexOf('\t');
    if (tab < 0) {
      diagnostics.push({ file, line, col: 1, message: 'expected "<name><TAB><id>,<id>,..."; this line has no tab' });
      return;
    }
    const ids = raw.slice(tab + 1).split(',');
    const idx = new Int32Array(ids.length);
    let col = tab + 2;
    ids.forEach((rawId, k) => {
      const id = rawId.trim();
      const at = indexOf.get(id);
      if (at === undefined) diagnostics.push({ file, line, col, message: `unknown problem id ${JSON.stringify(id)}: not in the compared outcome files` });
      else idx[k] = at;
      col += rawId.length + 1;
    });
    resamples.push(idx);
  });
  if (diagnostics.length > 0) throw new InputError(diagnostics.slice(0, 20));
  if (resamples.length === 0) throw new InputError([{ file, line: 1, col: 1, message: 'no resamples in the file' }]);
  return resamples;
}

export async function readResamples(file: string, indexOf: ReadonlyMap<string, number>): Promise<Int32Array[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AblateError(code === 'ENOENT' ? `resamples file not found: ${file}` : `cannot read resamples file ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  return parseResamples(file, text, indexOf);
}
