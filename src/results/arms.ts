/**
 * Runs grouped into arms (equal in every sweep axis, any repeat) and arm selectors
 * (`report.baseline`, `report.reference[].arm`).
 */
import { canonicalJson } from '../util/hash.js';
import type { RunRow } from './collect.js';
import type { AggregateOptions } from './view.js';

/** Reads `a.b.c` from a nested object. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const seg of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const same = (a: unknown, b: unknown): boolean => a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b);

/** True when the run has every path → value of the selector (sweep axes first, then its config). */
export function matchesSelector(row: RunRow, selector: Record<string, unknown>, configValue?: AggregateOptions['configValue']): boolean {
  return Object.entries(selector).every(([p, v]) => same(p in row.axes ? row.axes[p] : configValue?.(row, p), v));
}

export interface ArmGroup {
  arm: string;
  axes: Record<string, unknown>;
  /** Every run of the arm, by repeat. */
  all: RunRow[];
  /**
   * The distinct measurements: repeats whose stages are all shared (a deterministic data selection
   * gives every repeat the same dataset, hence the same training and scores) count once.
   */
  rows: RunRow[];
  /** Repeat numbers folded into an earlier repeat because they share every stage. */
  shared: Array<{ repeat: number; sameAs: number }>;
}

/** Groups runs into arms (equal in every axis, any repeat), in plan order. */
export function groupArms(rows: readonly RunRow[]): ArmGroup[] {
  const byKey = new Map<string, ArmGroup>();
  for (const row of rows) {
    const key = canonicalJson(row.axes);
    let g = byKey.get(key);
    if (!g) {
      g = { arm: row.arm, axes: row.axes, all: [], rows: [], shared: [] };
      byKey.set(key, g);
    }
    g.all.push(row);
  }
  for (const g of byKey.values()) {
    g.all.sort((a, b) => a.repeat - b.repeat);
    const seen = new Map<string, number>();
    for (const row of g.all) {
      const chain = canonicalJson(row.stages);
      const first = seen.get(chain);
      if (first === undefined) {
        seen.set(chain, row.repeat);
        g.rows.push(row);
      } else g.shared.push({ repeat: row.repeat, sameAs: first });
    }
  }
  return [...byKey.values()];
}
