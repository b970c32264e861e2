/**
 * Reads the outputs of finished stages into one row per run. Tolerant by design: a stage that is
 * pending, failed, or left a file out yields a missing cell that says why, never an exception.
 * The only module of results/ that touches the file system (besides the report writer).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Datacard } from '../data/datacard.js';
import { OVERLAP_FILE, withOverlap, type OverlapFile } from '../data/overlap.js';
import { checkCompletion } from '../exec/cache.js';
import { type Plan, type Run, type Stage, type StageKind } from '../plan/types.js';
import type { EvalResult } from '../tools/evalResult.js';

export const FAILURE_FILE = 'ablate-failed.json';
/** Starts the reason of a value that was not shown because its file is damaged or unreadable. */
export const UNTRUSTED = 'UNTRUSTED:';
export const EVAL_RESULT_FILE = 'result.json';
export const TRAIN_METRICS_FILE = 'metrics.json';
export const MANIFEST_FILE = 'manifest.json';
export const DATACARD_FILE = 'datacard.json';

/** Where a number comes from: the stage that produced it and the file it was read from. */
export interface Provenance {
  stage: string;
  kind: StageKind;
  /** Absolute path of the file the value was read from. */
  file: string;
  /** Evaluation cells: the tool, its version and the setup hash. */
  tool?: string;
  toolVersion?: string;
  setupHash?: string;
}

/** A value, or the reason it is missing. `source` is set whenever the producing stage is known. */
export type Cell = { value: number; source: Provenance } | { value: null; reason: string; source?: Omit<Provenance, 'file'> & { file?: string } };

/** The training curve as metrics.json carries it (from LLaMA-Factory's trainer_log.jsonl). */
export interface CurvePoint {
  step: number;
  loss?: number;
  eval_loss?: number;
  lr?: number;
  epoch?: number;
}

/** Per-task evaluation output of one run, kept whole for the paired statistics. */
export interface RunEval {
  task: string;
  stage: string;
  result?: EvalResult;
  /** Why `result` is absent. */
  reason?: string;
  file: string;
}

export interface RunRow {
  run: string;
  name: string;
  /** Arm label: the run name without its repeat suffix. */
  arm: string;
  axes: Record<string, unknown>;
  repeat: number;
  /** Column key → cell: `dataset.size`, `train.loss`, `train.runtime`, `<task>.<metric>` (percent). */
  cells: Record<string, Cell>;
  evals: RunEval[];
  datacard?: { card: Datacard; source: Provenance };
  manifest?: { idsSha256?: string; records?: number; source: Provenance };
  curve?: { points: CurvePoint[]; source: Provenance };
  stages: { materialize?: string; train?: string; eval: Record<string, string> };
}

export interface Collected {
  experiment: string;
  resultsRoot: string;
  specFile: string;
  rows: RunRow[];
  /** Eval tasks in spec order (first run that names them first). */
  tasks: string[];
}

export const SIZE_KEY = 'dataset.size';
export const TRAIN_LOSS_KEY = 'train.loss';
export const TRAIN_RUNTIME_KEY = 'train.runtime';

/** `<task>.<metric>`, e.g. `humaneval.pass@1`: the key the spec's report section uses. */
export function metricKey(task: string, metric: string): string {
  return `${task}.${metric}`;
}

/** The run name without the `r<N>` repeat part `runName` appends when an arm has repeats. */
export function armLabel(run: Pick<Run, 'name'>): string {
  const stripped = run.name.replace(/(^|,)r\d+$/, '');
  return stripped === '' ? 'base' : stripped;
}

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

function readJson<T>(file: string): Read<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `no ${path.basename(file)}` : `cannot read ${path.basename(file)}: ${(err as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch (err) {
    return { ok: false, reason: `${UNTRUSTED} ${path.basename(file)} is not valid JSON: ${(err as Error).message}` };
  }
}

/** Why a stage has no outputs to read yet, or undefined when it is done. */
export function stageNotDoneReason(stage: Stage): string | undefined {
  const check = checkCompletion(stage);
  if (check.ok) return undefined;
  // Never a number from a file that is not what its stage recorded (an edit, a truncation).
  if (!check.absent) return `${UNTRUSTED} ${stage.kind} stage ${stage.id.slice(0, 10)}: ${check.problem}; \`ablate run\` redoes it`;
  const failure = readJson<{ error?: string; interrupted?: boolean }>(path.join(stage.dir, FAILURE_FILE));
  if (failure.ok) {
    const what = failure.value.interrupted ? 'interrupted' : 'failed';
    return `${stage.kind} stage ${what}${failure.value.error ? `: ${oneLine(failure.value.error)}` : ''}`;
  }
  // A bundle exported without --with-data carries the manifest but not the (incomplete) stage.
  if (stage.kind === 'materialize' && existsSync(path.join(stage.dir, MANIFEST_FILE))) {
    return 'materialize stage not run here: its folder has manifest.json but no data (a bundle exported without --with-data?)';
  }
  return `${stage.kind} stage pending`;
}

function oneLine(text: string, max = 160): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function isEvalResult(x: unknown): x is EvalResult {
  const r = x as EvalResult;
  return typeof r === 'object' && r !== null && typeof r.metrics === 'object' && r.metrics !== null && Array.isArray(r.problems);
}

/** Collects one row per run of the plan, reading only stage folders (and the experiment's overlap.json). */
export function collectResults(plan: Plan): Collected {
  const tasks: string[] = [];
  const overlap = readJson<OverlapFile>(path.join(plan.resultsRoot, 'experiments', plan.experiment, OVERLAP_FILE));
  const arms = overlap.ok && typeof overlap.value?.arms === 'object' && overlap.value.arms !== null ? overlap.value.arms : {};
  const rows = plan.runs.map((run) => collectRun(plan, run, tasks));
  for (const row of rows) if (row.datacard && row.stages.materialize) row.datacard.card = withOverlap(row.datacard.card, arms[row.stages.materialize]);
  return { experiment: plan.experiment, resultsRoot: plan.resultsRoot, specFile: plan.specFile, rows, tasks };
}

function collectRun(plan: Plan, run: Run, tasks: string[]): RunRow {
  const row: RunRow = { run: run.id, name: run.name, arm: armLabel(run), axes: run.axes, repeat: run.repeat, cells: {}, evals: [], stages: { eval: {} } };
  const stages = run.stages.map((id) => plan.stages.get(id)).filter((s): s is Stage => s !== undefined);
  const mat = stages.find((s) => s.kind === 'materialize');
  const train = stages.find((s) => s.kind === 'train');
  if (mat) collectMaterialize(row, mat);
  else row.cells[SIZE_KEY] = { value: null, reason: 'no materialize stage in the plan' };
  if (train) collectTrain(row, train);
  else row.cells[TRAIN_LOSS_KEY] = { value: null, reason: 'the spec has no train section' };
  for (const task of run.config.eval?.tasks ?? []) if (!tasks.includes(task)) tasks.push(task);
  for (const stage of stages.filter((s) => s.kind === 'eval')) collectEval(row, stage, run);
  return row;
}

function collectMaterialize(row: RunRow, stage: Stage): void {
  row.stages.materialize = stage.id;
  const base = { stage: stage.id, kind: stage.kind };
  const notDone = stageNotDoneReason(stage);
  if (notDone) {
    row.cells[SIZE_KEY] = { value: null, reason: notDone, source: base };
    return;
  }
  const manifestFile = path.join(stage.dir, MANIFEST_FILE);
  const manifest = readJson<{ records?: unknown; idsSha256?: unknown; ids_sha256?: unknown; counts?: { final?: unknown } }>(manifestFile);
  const cardFile = path.join(stage.dir, DATACARD_FILE);
  const card = readJson<Datacard>(cardFile);
  if (card.ok && typeof card.value === 'object' && card.value !== null) row.datacard = { card: card.value, source: { ...base, file: cardFile } };
  // Two manifest layouts exist: `records` + `idsSha256` (materialize.ts) and `counts.final` + `ids_sha256`.
  let size: number | undefined;
  if (manifest.ok && manifest.value) {
    const m = manifest.value;
    const records = finite(m.records) ? m.records : finite(m.counts?.final) ? m.counts.final : undefined;
    const ids = typeof m.idsSha256 === 'string' ? m.idsSha256 : typeof m.ids_sha256 === 'string' ? m.ids_sha256 : undefined;
    row.manifest = { ...(records !== undefined ? { records } : {}), ...(ids !== undefined ? { idsSha256: ids } : {}), source: { ...base, file: manifestFile } };
    if (records !== undefined) {
      row.cells[SIZE_KEY] = { value: records, source: { ...base, file: manifestFile } };
      size = records;
    }
  }
  if (size === undefined && row.datacard && finite(row.datacard.card.size)) {
    row.cells[SIZE_KEY] = { value: row.datacard.card.size, source: row.datacard.source };
    size = row.datacard.card.size;
  }
  if (size === undefined) {
    row.cells[SIZE_KEY] = { value: null, reason: manifest.ok ? `${MANIFEST_FILE} has no record count` : manifest.reason, source: { ...base, file: manifestFile } };
  }
}

interface TrainMetricsFile {
  train_loss?: unknown;
  train_runtime?: unknown;
  curve?: unknown;
  [k: string]: unknown;
}

function collectTrain(row: RunRow, stage: Stage): void {
  row.stages.train = stage.id;
  const base = { stage: stage.id, kind: stage.kind };
  const notDone = stageNotDoneReason(stage);
  if (notDone) {
    row.cells[TRAIN_LOSS_KEY] = { value: null, reason: notDone, source: base };
    row.cells[TRAIN_RUNTIME_KEY] = { value: null, reason: notDone, source: base };
    return;
  }
  const file = path.join(stage.dir, TRAIN_METRICS_FILE);
  const metrics = readJson<TrainMetricsFile>(file);
  const source: Provenance = { ...base, file };
  if (!metrics.ok || typeof metrics.value !== 'object' || metrics.value === null) {
    const reason = metrics.ok ? `${TRAIN_METRICS_FILE} is not an object` : metrics.reason;
    row.cells[TRAIN_LOSS_KEY] = { value: null, reason, source };
    row.cells[TRAIN_RUNTIME_KEY] = { value: null, reason, source };
    return;
  }
  // The train stage nests LLaMA-Factory's all_results.json under `train`; a flat layout is accepted too.
  const m = typeof metrics.value.train === 'object' && metrics.value.train !== null ? { ...(metrics.value.train as TrainMetricsFile), curve: metrics.value.curve } : metrics.value;
  if (typeof metrics.value.tool === 'string') source.tool = metrics.value.tool;
  if (typeof metrics.value.version === 'string') source.toolVersion = metrics.value.version;
  row.cells[TRAIN_LOSS_KEY] = finite(m.train_loss) ? { value: m.train_loss, source } : { value: null, reason: `${TRAIN_METRICS_FILE} has no train_loss`, source };
  row.cells[TRAIN_RUNTIME_KEY] = finite(m.train_runtime) ? { value: m.train_runtime, source } : { value: null, reason: `${TRAIN_METRICS_FILE} has no train_runtime`, source };
  if (Array.isArray(m.curve)) {
    const points = (m.curve as unknown[])
      .filter((p): p is CurvePoint => typeof p === 'object' && p !== null && finite((p as CurvePoint).step))
      .map((p) => ({ step: p.step, ...pickFinite(p, ['loss', 'eval_loss', 'lr', 'epoch']) }));
    row.curve = { points, source };
  }
}

function pickFinite<K extends string>(o: Partial<Record<K, unknown>>, keys: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) {
    const v = o[k];
    if (finite(v)) out[k] = v;
  }
  return out;
}

function collectEval(row: RunRow, stage: Stage, run: Run): void {
  const task = stage.task ?? 'eval';
  row.stages.eval[task] = stage.id;
  const file = path.join(stage.dir, EVAL_RESULT_FILE);
  const base = { stage: stage.id, kind: stage.kind };
  // pass@1 is the one metric every evaluator reports; a missing eval still shows as a pass@1 gap.
  const missing = (reason: string, withFile: boolean): void => {
    row.evals.push({ task, stage: stage.id, reason, file });
    row.cells[metricKey(task, 'pass@1')] = { value: null, reason, source: withFile ? { ...base, file } : base };
  };
  const notDone = stageNotDoneReason(stage);
  if (notDone) return missing(notDone, false);
  const read = readJson<unknown>(file);
  if (!read.ok) return missing(read.reason, true);
  if (!isEvalResult(read.value)) return missing(`${EVAL_RESULT_FILE} lacks metrics or problems`, true);
  const result = read.value;
  row.evals.push({ task, stage: stage.id, result, file });
  const source: Provenance = {
    ...base,
    file,
    tool: result.tool ?? run.config.eval?.tool,
    ...(result.tool_version !== undefined ? { toolVersion: result.tool_version } : {}),
    ...(result.setup_hash !== undefined ? { setupHash: result.setup_hash } : {}),
  };
  // EvalResult metrics are fractions; tables speak percent, as the papers do.
  for (const [metric, value] of Object.entries(result.metrics)) {
    // toPrecision drops the float noise of the scaling (0.55 * 100 = 55.00000000000001).
    if (finite(value)) row.cells[metricKey(task, metric)] = { value: Number((value * 100).toPrecision(12)), source };
  }
  if (!(metricKey(task, 'pass@1') in row.cells)) row.cells[metricKey(task, 'pass@1')] = { value: null, reason: `${EVAL_RESULT_FILE} has no pass@1`, source };
}
