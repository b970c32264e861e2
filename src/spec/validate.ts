import type { ErrorObject } from 'ajv';
import { InputError, type Diagnostic } from '../errors.js';
import { loadSpec, locate, type LoadedSpec, type SpecPath } from './load.js';
import { isPlainObject } from '../util/object.js';
import { coreRules, specRules, type Rule, type RuleIssue } from './rules.js';
import { collapseAlternatives, describeAjvError, schemaAt, suggest, validators } from './schema.js';
import { axisPaths, expandSweep, repeatSeed, runName, type Override } from './sweep.js';
import type { ExperimentSpec } from './types.generated.js';

/** One run of the sweep with its resolved, validated config. */
export interface ResolvedRun {
  index: number;
  name: string;
  repeat: number;
  samplingSeed: number;
  axes: Record<string, unknown>;
  overrides: Override[];
  /** Base spec + overrides, schema defaults filled in, `sweep` removed. */
  config: ExperimentSpec;
}

export interface ValidatedSpec {
  loaded: LoadedSpec;
  /** The merged spec with defaults filled in (sweep included). */
  spec: ExperimentSpec;
  runs: ResolvedRun[];
}

export interface ValidateOptions {
  cwd?: string;
  /**
   * Per-run rules beyond the core ones: the commands pass the tool checks (src/tools/rules.ts:
   * LLaMA-Factory args, eval tasks), which live above this layer.
   */
  rules?: Rule[];
}

/** Sets a dotted path, creating mappings on the way. Returns false when a non-mapping is in the way. */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): boolean {
  const segs = dotted.split('.');
  let node: Record<string, unknown> = target;
  for (const seg of segs.slice(0, -1)) {
    if (node[seg] === undefined) node[seg] = {};
    if (!isPlainObject(node[seg])) return false;
    node = node[seg] as Record<string, unknown>;
  }
  node[segs[segs.length - 1]!] = structuredClone(value);
  return true;
}

export function getPath(target: unknown, dotted: string): unknown {
  let node = target;
  for (const seg of dotted.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[seg];
  }
  return node;
}

/** Collects diagnostics, deduplicated (the same base error shows once, not once per run). */
class DiagnosticSink {
  private seen = new Set<string>();
  readonly list: Diagnostic[] = [];
  add(d: Diagnostic): void {
    const key = `${d.file}:${d.line}:${d.col}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(d);
  }
}

function at(spec: LoadedSpec, p: SpecPath, message: string, prefer: 'key' | 'value' = 'value'): Diagnostic {
  const pos = locate(spec, p, prefer);
  return { ...pos, path: p.join('.'), message };
}

/** Where a path of a run's config was written: inside a sweep value when an override set it. */
function originOf(overrides: Override[], p: (string | number)[]): SpecPath {
  const dotted = p.map(String);
  for (const o of overrides) {
    const segs = o.path.split('.');
    if (segs.every((s, i) => dotted[i] === s)) return [...o.origin, ...p.slice(segs.length)];
  }
  return p;
}

function checkSweepStructure(loaded: LoadedSpec, sink: DiagnosticSink): boolean {
  const sweep = loaded.merged.sweep;
  if (sweep === undefined) return true;
  const { sweep: validateSweep } = validators();
  let ok = true;
  if (!validateSweep(sweep)) {
    for (const e of collapseAlternatives(validateSweep.errors ?? [])) {
      const d = describeAjvError(e as ErrorObject);
      if (!d) continue;
      sink.add(at(loaded, ['sweep', ...d.path], d.message, d.at));
      ok = false;
    }
    return ok;
  }
  const s = sweep as Record<string, Record<string, unknown> | Array<Record<string, unknown>> | undefined>;
  const checkPath = (p: string, origin: SpecPath): void => {
    if (p === 'sweep' || p.startsWith('sweep.') || p === 'name' || p === 'extends') {
      sink.add(at(loaded, origin, `\`${p}\` cannot be swept`, 'key'));
      ok = false;
      return;
    }
    const r = schemaAt(p.split('.'));
    if ('failedAt' in r) {
      const segs = p.split('.');
      const bad = segs[r.failedAt]!;
      sink.add(at(loaded, origin, `sweep path \`${p}\` does not exist: no \`${bad}\` under \`${segs.slice(0, r.failedAt).join('.') || '(top level)'}\`${suggest(bad, r.valid)}`, 'key'));
      ok = false;
    }
  };
  for (const section of ['grid', 'zip'] as const) for (const p of Object.keys((s[section] as Record<string, unknown>) ?? {})) checkPath(p, ['sweep', section, p]);
  for (const section of ['include', 'exclude'] as const) {
    ((s[section] as Array<Record<string, unknown>>) ?? []).forEach((entry, k) => {
      for (const p of Object.keys(entry)) checkPath(p, ['sweep', section, k, p]);
    });
  }
  const zip = (s.zip as Record<string, unknown[]>) ?? {};
  const lens = Object.values(zip).map((v) => v.length);
  if (new Set(lens).size > 1) {
    sink.add(at(loaded, ['sweep', 'zip'], `zip lists must have equal lengths (got ${Object.entries(zip).map(([k, v]) => `${k}: ${v.length}`).join(', ')})`));
    ok = false;
  }
  const grid = (s.grid as Record<string, unknown>) ?? {};
  for (const p of Object.keys(zip)) if (p in grid) {
    sink.add(at(loaded, ['sweep', 'zip', p], `\`${p}\` is both a grid and a zip axis; keep one`, 'key'));
    ok = false;
  }
  return ok;
}

function validateRunConfig(loaded: LoadedSpec, config: Record<string, unknown>, overrides: Override[], rules: Rule[], sink: DiagnosticSink): boolean {
  const { spec: validate } = validators();
  let ok = validate(config);
  if (!ok) {
    for (const e of collapseAlternatives(validate.errors ?? [])) {
      const d = describeAjvError(e as ErrorObject);
      if (!d) continue;
      sink.add(at(loaded, originOf(overrides, d.path), d.message, d.at));
    }
    // Rules assume a schema-valid config.
    return false;
  }
  const issues: RuleIssue[] = [];
  for (const rule of rules) issues.push(...rule(config as unknown as ExperimentSpec, { specDir: loaded.dir }));
  for (const i of issues) sink.add(at(loaded, originOf(overrides, i.path), i.message, i.at));
  ok = issues.length === 0;
  return ok;
}

/**
 * Loads, validates and expands a spec. Every problem of every run is collected and thrown at once
 * as an InputError (exit 2) with file:line:col locations; nothing is written.
 */
export function validateSpec(file: string, opts: ValidateOptions = {}): ValidatedSpec {
  const loaded = loadSpec(file, opts.cwd);
  const sink = new DiagnosticSink();
  const rules = [...coreRules, ...(opts.rules ?? [])];
  const sweepOk = checkSweepStructure(loaded, sink);
  const { sweep, ...base } = loaded.merged;
  const runs: ResolvedRun[] = [];
  const expanded = sweepOk ? expandSweep(sweep as ExperimentSpec['sweep']) : [{ overrides: [], repeat: 1 }];
  const paths = axisPaths(sweep as ExperimentSpec['sweep']);
  const labels = ((sweep as ExperimentSpec['sweep'])?.names ?? {}) as Record<string, string>;
  const repeats = (sweep as ExperimentSpec['sweep'])?.repeat ?? 1;
  const names = new Map<string, number>();
  // Configs of runs that share their overrides are identical: validate each distinct one once.
  const validated = new Map<Override[], Record<string, unknown> | null>();
  expanded.forEach((er, index) => {
    let config = validated.get(er.overrides);
    if (config === undefined) {
      const candidate = structuredClone(base) as Record<string, unknown>;
      let placed = true;
      for (const o of er.overrides) {
        if (!setPath(candidate, o.path, o.value)) {
          sink.add(at(loaded, o.origin, `cannot set \`${o.path}\`: a value on the way is not a mapping`));
          placed = false;
        }
      }
      config = placed && validateRunConfig(loaded, candidate, er.overrides, rules, sink) ? candidate : null;
      validated.set(er.overrides, config);
    }
    if (!config) return;
    let name = runName(er.overrides, er.repeat, repeats, labels, paths);
    const n = (names.get(name) ?? 0) + 1;
    names.set(name, n);
    if (n > 1) name = `${name}~${n}`;
    const seed = (config.seed as number | undefined) ?? 42;
    runs.push({
      index,
      name,
      repeat: er.repeat,
      samplingSeed: repeatSeed(seed, er.repeat),
      axes: Object.fromEntries(er.overrides.map((o) => [o.path, o.value])),
      overrides: er.overrides,
      config: config as unknown as ExperimentSpec,
    });
  });
  const merged = structuredClone(loaded.merged) as unknown as ExperimentSpec;
  if (sink.list.length === 0) {
    for (const rule of specRules) for (const i of rule(merged, { specDir: loaded.dir })) sink.add(at(loaded, i.path, i.message, i.at));
  }
  if (sink.list.length) throw new InputError(sink.list);
  return { loaded, spec: merged, runs };
}
