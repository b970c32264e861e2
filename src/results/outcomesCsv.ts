/**
 * Per-problem outcome tables in the layout study B published: a `problem_id` column, then one 0/1
 * column per arm. Parsing is pure; every defect becomes a Diagnostic with file, line and column.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { AblateError, EXIT, InputError, type Diagnostic } from '../errors.js';

export interface OutcomeTable {
  file: string;
  /** Problem ids in file order. */
  problemIds: string[];
  /** 1-based line of each problem's row, parallel to `problemIds` (for error messages). */
  lines: number[];
  /** Column name → 0/1 outcome per problem, parallel to `problemIds`; header order kept. */
  columns: Map<string, Uint8Array>;
}

export const PROBLEM_ID_COLUMN = 'problem_id';

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

/** Parses one outcome CSV; throws InputError listing every defect found (up to a readable limit). */
export function parseOutcomesCsv(file: string, text: string): OutcomeTable {
  let rows: ParsedRow[];
  try {
    // `info: true` makes csv-parse return {record, info}; its typings do not model that option.
    rows = parse(text, { info: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as ParsedRow[];
  } catch (err) {
    const e = err as Error & { lines?: number; column?: number };
    throw new InputError([{ file, line: e.lines ?? 1, col: 1, message: `not a valid CSV file: ${e.message}` }]);
  }
  const header = rows[0];
  if (!header) throw new InputError([{ file, line: 1, col: 1, message: 'the file is empty; expected a header with problem_id and one 0/1 column per arm' }]);
  const names = header.record;
  const idCol = names.indexOf(PROBLEM_ID_COLUMN);
  if (idCol < 0) {
    throw new InputError([{ file, line: header.info.lines, col: 1, message: `no "${PROBLEM_ID_COLUMN}" column in the header (found: ${names.join(', ')})` }]);
  }
  const diagnostics: Diagnostic[] = [];
  const seenName = new Set<string>();
  names.forEach((name, i) => {
    if (seenName.has(name)) diagnostics.push({ file, line: header.info.lines, col: i + 1, path: name, message: `column "${name}" appears twice in the header` });
    seenName.add(name);
  });
  const body = rows.slice(1);
  const problemIds: string[] = [];
  const lines: number[] = [];
  const values = names.map(() => new Uint8Array(body.length));
  const firstLineOf = new Map<string, number>();
  body.forEach(({ record, info }, r) => {
    const id = record[idCol] ?? '';
    if (id === '') diagnostics.push({ file, line: info.lines, col: idCol + 1, path: PROBLEM_ID_COLUMN, message: 'empty problem id' });
    const earlier = firstLineOf.get(id);
    if (earlier !== undefined) diagnostics.push({ file, line: info.lines, col: idCol + 1, path: PROBLEM_ID_COLUMN, message: `problem "${id}" already appears on line ${earlier}` });
    else firstLineOf.set(id, info.lines);
    problemIds.push(id);
    lines.push(info.lines);
    names.forEach((name, c) => {
      if (c === idCol) return;
      const cell = record[c];
      if (cell === '1') values[c]![r] = 1;
      else if (cell !== '0') diagnostics.push({ file, line: info.lines, col: c + 1, path: name, message: `expected 0 or 1, found ${JSON.stringify(cell ?? '')}` });
    });
  });
  if (body.length === 0) diagnostics.push({ file, line: header.info.lines, col: 1, message: 'no problem rows after the header' });
  if (diagnostics.length > 0) throw new InputError(limit(diagnostics));
  const columns = new Map<string, Uint8Array>();
  names.forEach((name, c) => {
    if (c !== idCol) columns.set(name, values[c]!);
  });
  return { file, problemIds, lines, columns };
}

export async function readOutcomesCsv(file: string): Promise<OutcomeTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AblateError(code === 'ENOENT' ? `outcome file not found: ${file}` : `cannot read outcome file ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  return parseOutcomesCsv(file, text);
}

/** A broken file can yield thousands of identical complaints; the first few say enough. */
function limit(diagnostics: Diagnostic[], max = 20): Diagnostic[] {
  if (diagnostics.length <= max) return diagnostics;
  const last = diagnostics[max - 1]!;
  return [...diagnostics.slice(0, max - 1), { ...last, message: `${last.message} (${diagnostics.length - max} more problems in this file not shown)` }];
}
