/**
 * Outcome tables from ablate's own evaluation results, so `results` can run the same paired
 * statistics as `compare` does on CSV files.
 */
import { InputError, type Diagnostic } from '../errors.js';
import type { OutcomeTable } from './outcomesCsv.js';
import type { EvalResult } from '../tools/evalResult.js';

/**
 * One table whose columns are the arms (column name → that arm's result on one benchmark), rows
 * the problems of the first arm in its order. `label` names the table in messages and in the
 * comparison's `file` field. Every arm must cover the same problems, each once.
 */
export function outcomeTableFromResults(label: string, arms: ReadonlyMap<string, EvalResult>): OutcomeTable {
  const diagnostics: Diagnostic[] = [];
  const entries = [...arms];
  const first = entries[0];
  if (!first) throw new InputError([{ file: label, line: 0, col: 0, message: 'no arms to compare' }]);
  const problemIds = first[1].problems.map((p) => p.id);
  const indexOf = new Map(problemIds.map((id, i) => [id, i] as const));
  const columns = new Map<string, Uint8Array>();
  for (const [arm, result] of entries) {
    const column = new Uint8Array(problemIds.length);
    const seen = new Uint8Array(problemIds.length);
    for (const p of result.problems) {
      const at = indexOf.get(p.id);
      if (at === undefined || seen[at]) {
        diagnostics.push({ file: label, line: 0, col: 0, path: arm, message: `problem "${p.id}" ${at === undefined ? `is not in the results of arm "${first[0]}"` : 'appears twice'}` });
        continue;
      }
      seen[at] = 1;
      column[at] = p.passed ? 1 : 0;
    }
    seen.forEach((s, i) => {
      if (!s) diagnostics.push({ file: label, line: 0, col: 0, path: arm, message: `problem "${problemIds[i]}" has no outcome` });
    });
    columns.set(arm, column);
  }
  if (diagnostics.length > 0) throw new InputError(diagnostics.slice(0, 20));
  return { file: label, problemIds, lines: problemIds.map(() => 0), columns };
}
