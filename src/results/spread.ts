/**
 * Differences that the variation between repeats can explain: when two arms differ by less than
 * the standard deviation over repeats of either, a re-run could reverse their order.
 */
import type { ArmRow, Column } from './view.js';

export interface SpreadCase {
  column: string;
  a: string;
  b: string;
  /** |mean(a) − mean(b)| in the column's unit (percentage points for pass rates). */
  diff: number;
  /** The larger standard deviation over repeats of the two arms. */
  sd: number;
}

/** Arms compared with the baseline when there is one, else every pair; only eval (percent) columns. */
export function spreadCases(arms: readonly ArmRow[], columns: readonly Column[]): SpreadCase[] {
  const base = arms.find((a) => a.isBaseline);
  const pairs: Array<[ArmRow, ArmRow]> = base
    ? arms.filter((a) => a !== base).map((a) => [a, base])
    : arms.flatMap((a, i) => arms.slice(i + 1).map((b): [ArmRow, ArmRow] => [a, b]));
  const out: SpreadCase[] = [];
  for (const c of columns) {
    if (!c.percent) continue;
    for (const [a, b] of pairs) {
      const x = a.cells[c.key];
      const y = b.cells[c.key];
      if (!x || !y || x.mean === null || y.mean === null) continue;
      const sds = [x.sd, y.sd].filter((v): v is number => v !== null);
      if (sds.length === 0) continue;
      const sd = Math.max(...sds);
      const diff = Math.abs(x.mean - y.mean);
      if (diff < sd) out.push({ column: c.label, a: a.arm, b: b.arm, diff, sd });
    }
  }
  return out;
}

/** One warning per column, naming each pair of arms whose difference is inside the spread. */
export function spreadWarnings(arms: readonly ArmRow[], columns: readonly Column[]): string[] {
  const byColumn = new Map<string, SpreadCase[]>();
  for (const c of spreadCases(arms, columns)) byColumn.set(c.column, [...(byColumn.get(c.column) ?? []), c]);
  return [...byColumn].map(
    ([column, cases]) =>
      `${column}: ${cases.length} difference${cases.length === 1 ? ' is' : 's are'} smaller than the spread between repeats of one arm, so a re-run could reverse ${cases.length === 1 ? 'it' : 'them'}: ` +
      cases.map((c) => `${c.a} vs ${c.b} (|Δ| ${c.diff.toFixed(2)} < sd ${c.sd.toFixed(2)})`).join('; '),
  );
}
