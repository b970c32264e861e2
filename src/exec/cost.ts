/**
 * The cost block of `ablate plan`: GPU-hours per stage kind and in total, and the wall time at the
 * configured concurrency, before anything is submitted. Training GPU-hours come from the tokens to train
 * (records × mean tokens × epochs) over a throughput; both are measured where ablate can (materialized
 * datasets, finished stages) and otherwise taken from `execute.cost` (the schema's defaults).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Stage } from '../plan/types.js';
import type { Execute, Train } from '../spec/types.generated.js';
import { isDone, readCompletion } from './cache.js';

/** Without a tokenizer at hand, tokens are estimated as UTF-8 bytes / 4 (code and English BPE vocabularies average 3.5–4.5). */
export const BYTES_PER_TOKEN = 4;
/** LLaMA-Factory's (transformers') default when the spec sets no num_train_epochs. */
const DEFAULT_EPOCHS = 3;
/** Records read to measure a mean length: enough for a stable mean, bounded time on a 75,000-record file. */
const SAMPLE_RECORDS = 5000;

export interface KindCost {
  stages: number;
  gpuHours: number;
  /** Wall hours of this kind's stages at the concurrency below. */
  wallHours: number;
  tokens?: number;
  /** Where the throughput came from. */
  basis: string;
}

export interface CostEstimate {
  /** Pending stages only: what running the plan now costs. */
  train: KindCost;
  eval: KindCost;
  totalGpuHours: number;
  wallHours: number;
  /** Jobs at once (execute.slurm.max_running, or the local GPUs over a stage's GPUs); undefined: unlimited. */
  concurrency?: number;
  notes: string[];
}

type CostSettings = NonNullable<Execute['cost']>;

/** Mean string bytes of the first records of a JSONL file, and its record count (lines). */
function measureJsonl(file: string): { records: number; meanBytes: number } | undefined {
  if (!existsSync(file)) return undefined;
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    let records = 0;
    let sampled = 0;
    let bytes = 0;
    const buf = Buffer.alloc(1 << 20);
    let rest = '';
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        records++;
        if (sampled < SAMPLE_RECORDS) {
          sampled++;
          bytes += stringBytes(JSON.parse(line) as unknown);
        }
      }
    }
    if (rest.trim()) {
      records++;
      if (sampled < SAMPLE_RECORDS) (sampled++, (bytes += stringBytes(JSON.parse(rest) as unknown)));
    }
    return records ? { records, meanBytes: bytes / Math.max(1, sampled) } : undefined;
  } finally {
    closeSync(fd);
  }
}

/** The text a record trains on: every string value (instruction, input, output, system, history). */
function stringBytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.reduce((a: number, x) => a + stringBytes(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((a: number, x) => a + stringBytes(x), 0);
  return 0;
}

interface DataSize {
  records: number;
  meanTokens: number;
  how: string;
}

/** Records and mean tokens of a train stage's dataset: measured when materialized, else estimated from the spec. */
function dataSizeOf(plan: Plan, train: Stage, cost: CostSettings): DataSize | undefined {
  const mat = plan.stages.get(train.deps[0] ?? '');
  if (!mat) return undefined;
  if (isDone(mat)) {
    const m = measureJsonl(path.join(mat.dir, 'data.jsonl'));
    if (m) return { records: m.records, meanTokens: m.meanBytes / BYTES_PER_TOKEN, how: 'measured on the materialized data' };
  }
  const data = (mat.inputs as { data?: { source?: string; size?: number; filter?: { complexity?: { bins?: number; thresholds?: number[]; percentiles?: number[] } } }; sources?: Record<string, { absPath?: string }> });
  const src = data.data?.source;
  const local = src ? data.sources?.[src]?.absPath : undefined;
  const measured = local && /\.jsonl$/i.test(local) ? measureJsonl(local) : undefined;
  const sourceRecords = measured?.records ?? (src ? cost.source_records?.[src] : undefined);
  const meanTokens = measured ? measured.meanBytes / BYTES_PER_TOKEN : (cost.tokens_per_record ?? 350);
  let records = data.data?.size;
  if (records === undefined) {
    if (sourceRecords === undefined) return undefined;
    const c = data.data?.filter?.complexity;
    const bins = c ? (c.thresholds?.length ?? c.percentiles?.length ?? (c.bins ?? 3) - 1) + 1 : 1;
    records = Math.round(sourceRecords / bins);
  }
  return { records, meanTokens, how: measured ? `estimated from the source ${src}` : `estimated from execute.cost (${src ? `source_records.${src}, ` : ''}tokens_per_record)` };
}

/** Tokens one training processes: records × mean tokens (at most cutoff_len) × epochs, or max_steps' worth. */
function tokensToTrain(t: Train, d: DataSize, nodes: number, gpus: number): number {
  const a = (t.args ?? {}) as Record<string, unknown>;
  const perRecord = Math.min(d.meanTokens, typeof a.cutoff_len === 'number' ? a.cutoff_len : Infinity);
  if (typeof a.max_steps === 'number' && a.max_steps > 0) {
    const batch = (Number(a.per_device_train_batch_size ?? 8) || 8) * (Number(a.gradient_accumulation_steps ?? 1) || 1) * Math.max(1, nodes * gpus);
    return a.max_steps * batch * perRecord;
  }
  const epochs = typeof a.num_train_epochs === 'number' ? a.num_train_epochs : DEFAULT_EPOCHS;
  return d.records * perRecord * epochs;
}

const gpusOf = (s: Stage): number => Math.max(1, s.gpus) * (s.nodes ?? 1);

/** Throughput measured on finished trainings (tokens per GPU-second), when there are any. */
function measuredThroughput(plan: Plan, cost: CostSettings): number | undefined {
  let tokens = 0;
  let gpuSeconds = 0;
  for (const s of plan.stages.values()) {
    if (s.kind !== 'train' || !isDone(s)) continue;
    const runtime = Number(readCompletion(s)?.summary?.['train_runtime']);
    const d = dataSizeOf(plan, s, cost);
    if (!(runtime > 0) || !d) continue;
    tokens += tokensToTrain((s.inputs as { train: Train }).train, d, s.nodes ?? 1, s.gpus);
    gpuSeconds += runtime * gpusOf(s);
  }
  return gpuSeconds > 0 ? tokens / gpuSeconds : undefined;
}

function measuredEvalHours(plan: Plan): number | undefined {
  const done = [...plan.stages.values()].filter((s) => s.kind === 'eval' && isDone(s)).map((s) => ((readCompletion(s)?.durationMs ?? 0) / 3_600_000) * gpusOf(s));
  return done.length ? done.reduce((a, b) => a + b, 0) / done.length : undefined;
}

const waves = (n: number, c: number | undefined): number => (c ? Math.ceil(n / c) : n > 0 ? 1 : 0);

export function estimateCost(plan: Plan, execute: Execute): CostEstimate {
  const cost = execute.cost ?? {};
  const notes: string[] = [];
  const pending = [...plan.stages.values()].filter((s) => !isDone(s));
  const trains = pending.filter((s) => s.kind === 'train');
  const evals = pending.filter((s) => s.kind === 'eval');
  const measured = measuredThroughput(plan, cost);
  const throughput = measured ?? cost.train_tokens_per_gpu_second ?? 2500;
  const slurm = (execute.executor ?? 'local') === 'slurm';
  const localGpus = execute.gpus?.length ?? 0;
  const concurrencyFor = (s: Stage | undefined): number | undefined =>
    slurm ? execute.slurm?.max_running : Math.max(1, Math.floor(Math.max(1, localGpus) / Math.max(1, s?.gpus ?? 1)));

  let tokens = 0;
  let trainGpuHours = 0;
  let longestTrain = 0;
  let unknown = 0;
  for (const s of trains) {
    const d = dataSizeOf(plan, s, cost);
    if (!d) {
      unknown++;
      continue;
    }
    const t = tokensToTrain((s.inputs as { train: Train }).train, d, s.nodes ?? 1, s.gpus);
    tokens += t;
    const gpuHours = t / throughput / 3600;
    trainGpuHours += gpuHours;
    longestTrain = Math.max(longestTrain, gpuHours / gpusOf(s));
  }
  if (unknown) notes.push(`${unknown} training(s) left out: their dataset size is unknown (a hub source: set execute.cost.source_records.<source>, or data.size, or materialize first with \`ablate run --until materialize\`)`);
  const how = new Set(trains.map((s) => dataSizeOf(plan, s, cost)?.how).filter(Boolean));
  if (how.size) notes.push(`dataset sizes ${[...how].join('; ')}; tokens ≈ UTF-8 bytes / ${BYTES_PER_TOKEN}`);
  const evalHours = measuredEvalHours(plan);
  const perEval = evalHours ?? cost.eval_gpu_hours ?? 0.25;
  const evalGpuHours = evals.reduce((a, s) => a + perEval * (s.gpus > 0 ? 1 : 0), 0);
  const concurrency = concurrencyFor(trains[0] ?? evals[0]);
  const meanTrainWall = trains.length - unknown > 0 ? trainGpuHours / (trains.length - unknown) / Math.max(1, gpusOf(trains[0]!)) : 0;
  const trainWall = concurrency ? waves(trains.length - unknown, concurrency) * meanTrainWall : longestTrain;
  const evalWall = waves(evals.length, concurrency) * (perEval / Math.max(1, evals[0]?.gpus ?? 1));
  return {
    train: { stages: trains.length, gpuHours: trainGpuHours, wallHours: trainWall, tokens, basis: measured ? `${Math.round(throughput)} tokens/GPU-s measured on finished trainings` : `${throughput} tokens/GPU-s (execute.cost.train_tokens_per_gpu_second)` },
    eval: { stages: evals.length, gpuHours: evalGpuHours, wallHours: evalWall, basis: evalHours !== undefined ? `${evalHours.toFixed(2)} GPU-h per evaluation measured on finished ones` : `${perEval} GPU-h per evaluation (execute.cost.eval_gpu_hours)` },
    totalGpuHours: trainGpuHours + evalGpuHours,
    wallHours: trainWall + evalWall,
    ...(concurrency ? { concurrency } : {}),
    notes,
  };
}

const h = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The plan's cost block, a few lines. */
export function renderCost(c: CostEstimate): string {
  const lines = [
    `cost of the ${c.train.stages + c.eval.stages} pending GPU stages:`,
    `  train  ${String(c.train.stages).padStart(4)} stages  ${h(c.train.gpuHours).padStart(8)} GPU-h  (${c.train.tokens ? `${(c.train.tokens / 1e9).toFixed(2)} B tokens at ` : ''}${c.train.basis})`,
    `  eval   ${String(c.eval.stages).padStart(4)} stages  ${h(c.eval.gpuHours).padStart(8)} GPU-h  (${c.eval.basis})`,
    `  total               ${h(c.totalGpuHours).padStart(8)} GPU-h; wall ≈ ${h(c.wallHours)} h at ${c.concurrency ? `${c.concurrency} job(s) at once` : 'unlimited concurrency'}`,
    ...c.notes.map((n) => `  note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}
