/**
 * What a tracker run holds for one ablate run, built from the run's entry of `ablate results
 * --format json` (runJson), so the tracker and the tables never disagree. Pure.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Run } from '../plan/types.js';
import type { RunJson } from '../results/table.js';
import { canonicalJson, sha256 } from '../util/hash.js';

export interface TrackedArtifact {
  /** Absolute path of the file to upload. */
  file: string;
  /** Folder inside the tracker run. */
  dir: string;
}

/** Everything ablate itself logs into one tracker run (the loss curve comes from LLaMA-Factory). */
export interface RunRecord {
  /** The ablate run id. */
  key: string;
  name: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: Record<string, number>;
  artifacts: TrackedArtifact[];
}

/**
 * A metric key the trackers accept: MLflow allows only letters, digits and `_ - . space : /`, so
 * `humaneval.pass@1` is logged as `humaneval.pass_at_1`; any other character becomes `_`.
 */
export function trackerMetricName(key: string): string {
  return key.replace(/@/g, '_at_').replace(/[^0-9A-Za-z_\-. :/]/g, '_');
}

/** MLflow keeps at most 6000 characters of a parameter value. */
const MAX_PARAM = 6000;

function text(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value);
}

/** `a.b.c` → value for every leaf of an object (arrays are leaves, as JSON). */
export function flatten(value: unknown, prefix: string, out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out[prefix] = text(value).slice(0, MAX_PARAM);
  }
  return out;
}

export interface RecordInputs {
  plan: Plan;
  run: Run;
  /** The run's entry of `ablate results --format json`. */
  json: RunJson;
  /** Absolute path of the data card of the run's dataset, when written. */
  datacard?: string;
  /** The run's results entry as a file (uploaded as ablate/results.json). */
  resultsFile?: string;
  /** The experiment's lock file, once written. */
  lockFile?: string;
  /** Stage kind → tracker run id of the run that produced it, for stages this run shares with an earlier one. */
  links?: Record<string, string>;
}

/** The tracker record of a run: tags, parameters, metrics (results JSON cells) and artifacts. */
export function runRecord(i: RecordInputs): RunRecord {
  const { plan, run, json } = i;
  const tags: Record<string, string> = {
    'ablate.spec': plan.experiment,
    'ablate.spec_file': path.basename(plan.specFile),
    'ablate.run_id': run.id,
    'ablate.run_name': run.name,
    'ablate.arm': json.arm,
    'ablate.repeat': String(run.repeat),
  };
  for (const [axis, value] of Object.entries(run.axes)) tags[`axis.${axis}`] = text(value);
  if (json.stages.materialize) tags['ablate.stage.materialize'] = json.stages.materialize;
  if (json.stages.train) tags['ablate.stage.train'] = json.stages.train;
  for (const [task, id] of Object.entries(json.stages.eval)) tags[`ablate.stage.eval.${task}`] = id;
  for (const [kind, trackerRun] of Object.entries(i.links ?? {})) tags[`ablate.shared.${kind}`] = trackerRun;

  const cfg = run.config;
  const params: Record<string, string> = {};
  flatten(cfg.train, 'train', params);
  flatten(cfg.eval, 'eval', params);
  flatten(cfg.data, 'data', params);
  // Namespaced: transformers logs its own `seed` (the training seed) into the same run.
  params['ablate.seed'] = String(cfg.seed ?? 42);
  params['ablate.sampling_seed'] = String(run.samplingSeed);

  const metrics: Record<string, number> = {};
  for (const [key, cell] of Object.entries(json.cells)) if (cell.value !== null) metrics[trackerMetricName(key)] = cell.value;
  for (const e of json.evals) if (e.problems !== undefined) metrics[trackerMetricName(`${e.task}.problems`)] = e.problems;

  const artifacts: TrackedArtifact[] = [];
  if (i.datacard && existsSync(i.datacard)) {
    artifacts.push({ file: i.datacard, dir: 'datacard' });
    const md = i.datacard.replace(/\.json$/, '.md');
    if (md !== i.datacard && existsSync(md)) artifacts.push({ file: md, dir: 'datacard' });
  }
  if (i.resultsFile) artifacts.push({ file: i.resultsFile, dir: 'ablate' });
  if (i.lockFile && existsSync(i.lockFile)) artifacts.push({ file: i.lockFile, dir: 'ablate' });
  return { key: run.id, name: run.name, tags, params, metrics, artifacts };
}

/** One loggable item of a record and the hash of what it carries. */
export function recordItems(r: Omit<RunRecord, 'key' | 'name'>, readFile: (file: string) => Uint8Array = readFileSync): Map<string, string> {
  const items = new Map<string, string>();
  for (const [k, v] of Object.entries(r.tags)) items.set(`tag:${k}`, sha256(v));
  for (const [k, v] of Object.entries(r.params)) items.set(`param:${k}`, sha256(v));
  for (const [k, v] of Object.entries(r.metrics)) items.set(`metric:${k}`, sha256(String(v)));
  for (const a of r.artifacts) items.set(`artifact:${a.dir}/${path.basename(a.file)}`, sha256(readFile(a.file)));
  return items;
}

/** The part of a record a tracker has not received yet (`sent`: item → hash of what was sent). */
export function unsent(r: RunRecord, sent: Readonly<Record<string, string>>, readFile?: (file: string) => Uint8Array): { record: RunRecord; items: Map<string, string> } {
  const items = new Map([...recordItems(r, readFile)].filter(([k, h]) => sent[k] !== h));
  const keep = (prefix: string, k: string): boolean => items.has(`${prefix}:${k}`);
  return {
    record: {
      key: r.key,
      name: r.name,
      tags: Object.fromEntries(Object.entries(r.tags).filter(([k]) => keep('tag', k))),
      params: Object.fromEntries(Object.entries(r.params).filter(([k]) => keep('param', k))),
      metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => keep('metric', k))),
      artifacts: r.artifacts.filter((a) => keep('artifact', `${a.dir}/${path.basename(a.file)}`)),
    },
    items,
  };
}

export function isEmptyRecord(r: RunRecord): boolean {
  return Object.keys(r.tags).length + Object.keys(r.params).length + Object.keys(r.metrics).length + r.artifacts.length === 0;
}
