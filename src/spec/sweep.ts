import type { Sweep } from './types.generated.js';
import { canonicalJson, deriveSeed } from '../util/hash.js';
import type { SpecPath } from './load.js';

/** One value a run takes at a path, and where in the spec that value was written. */
export interface Override {
  path: string;
  value: unknown;
  origin: SpecPath;
}

/** One point of the sweep before repeats: the overrides that make this arm. */
export interface SweepPoint {
  overrides: Override[];
}

export interface ExpandedRun {
  overrides: Override[];
  /** 1-based. */
  repeat: number;
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Expands a sweep into runs: the cartesian product of `grid` axes and the `zip` axis, minus
 * `exclude` matches, plus `include` entries, each repeated `repeat` times. Pure; order is the
 * order axes are written in, so it is stable for a given file.
 */
export function expandSweep(sweep: Sweep | undefined): ExpandedRun[] {
  // Each axis is a list of options; an option is the overrides it sets (one, or several for zip).
  const axes: Override[][][] = [];
  for (const [path, values] of Object.entries(sweep?.grid ?? {})) {
    axes.push(values.map((value, i) => [{ path, value, origin: ['sweep', 'grid', path, i] }]));
  }
  const zipEntries = Object.entries(sweep?.zip ?? {});
  if (zipEntries.length) {
    const len = Math.min(...zipEntries.map(([, v]) => v.length));
    const zipped: Override[][] = [];
    for (let i = 0; i < len; i++) zipped.push(zipEntries.map(([path, values]) => ({ path, value: values[i], origin: ['sweep', 'zip', path, i] })));
    axes.push(zipped);
  }
  let points: Override[][] = [[]];
  for (const axis of axes) {
    const next: Override[][] = [];
    for (const p of points) for (const option of axis) next.push([...p, ...option]);
    points = next;
  }
  if (!axes.length) points = sweep?.include?.length ? [] : [[]];
  const excludes = sweep?.exclude ?? [];
  points = points.filter((p) => !excludes.some((ex) => Object.entries(ex).every(([path, v]) => p.some((o) => o.path === path && sameValue(o.value, v)))));
  (sweep?.include ?? []).forEach((inc, k) => {
    points.push(Object.entries(inc).map(([path, value]) => ({ path, value, origin: ['sweep', 'include', k, path] })));
  });
  const repeat = sweep?.repeat ?? 1;
  const runs: ExpandedRun[] = [];
  for (const overrides of points) for (let r = 1; r <= repeat; r++) runs.push({ overrides, repeat: r });
  return runs;
}

/** Axis paths in the order they were written (grid, then zip, then paths only includes set). */
export function axisPaths(sweep: Sweep | undefined): string[] {
  const paths = [...Object.keys(sweep?.grid ?? {}), ...Object.keys(sweep?.zip ?? {})];
  for (const inc of sweep?.include ?? []) for (const p of Object.keys(inc)) if (!paths.includes(p)) paths.push(p);
  return paths;
}

/**
 * The sampling seed of a repeat. Repeat 1 uses the spec seed itself, so a one-repeat study and the
 * first repeat of a three-repeat study share their data; later repeats derive a seed by hashing,
 * so adding repeats never changes earlier ones.
 */
export function repeatSeed(seed: number, repeat: number): number {
  return repeat === 1 ? seed : deriveSeed(seed, 'repeat', repeat);
}

function shortValue(v: unknown): string {
  if (typeof v === 'string') {
    const last = v.split('/').filter(Boolean).pop() ?? v;
    return last.replace(/\.(ya?ml|jsonl?|gz)$/, '');
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length ? entries.map(([k, x]) => `${k}:${shortValue(x)}`).join('+') : 'none';
  }
  if (Array.isArray(v)) return v.map(shortValue).join('+');
  return String(v);
}

/** A readable run name from its axis values: `source=evol,groups=algorithmic:0.2+practical:0.8,r2`. */
export function runName(overrides: Override[], repeat: number, repeats: number, labels: Record<string, string>, allPaths: string[]): string {
  const lastSegs = allPaths.map((p) => p.split('.').pop()!);
  const label = (path: string): string => {
    if (labels[path]) return labels[path]!;
    const segs = path.split('.');
    const last = segs[segs.length - 1]!;
    return lastSegs.filter((s) => s === last).length > 1 && segs.length > 1 ? segs.slice(-2).join('.') : last;
  };
  const parts = overrides.map((o) => `${label(o.path)}=${shortValue(o.value)}`);
  if (repeats > 1) parts.push(`r${repeat}`);
  return parts.length ? parts.join(',') : 'base';
}
