/** Reading what LLaMA-Factory leaves in output_dir: trainer_log.jsonl, all_results.json, checkpoints. */
import path from 'node:path';
import { readJsonIfExists } from '../../exec/fsutil.js';

export const TRAINER_LOG = 'trainer_log.jsonl';
export const ALL_RESULTS = 'all_results.json';

/** One line of trainer_log.jsonl; loss/lr are absent on some lines (the final summary, eval lines). */
export interface TrainerLogEntry {
  current_steps: number;
  total_steps: number;
  percentage?: number;
  loss?: number;
  eval_loss?: number;
  lr?: number;
  epoch?: number;
  elapsed_time?: string;
  remaining_time?: string;
}

/**
 * Parses trainer_log.jsonl text. A partial last line (the file is being appended to) and
 * malformed lines are skipped. Lines of resumed runs are kept in order.
 */
export function parseTrainerLog(text: string): TrainerLogEntry[] {
  const out: TrainerLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const obj = parsePythonJson(line);
    if (typeof obj !== 'object' || obj === null) continue;
    const o = obj as Record<string, unknown>;
    if (typeof o.current_steps !== 'number' || typeof o.total_steps !== 'number') continue;
    const entry: TrainerLogEntry = { current_steps: o.current_steps, total_steps: o.total_steps };
    for (const k of ['percentage', 'loss', 'eval_loss', 'lr', 'epoch'] as const) {
      if (typeof o[k] === 'number') entry[k] = o[k];
      else if (o[k] === NON_FINITE) entry[k] = Number.NaN;
    }
    for (const k of ['elapsed_time', 'remaining_time'] as const) if (typeof o[k] === 'string') entry[k] = o[k];
    out.push(entry);
  }
  return out;
}

const NON_FINITE = '\u0000non-finite';

/**
 * One line of JSON as Python's json.dumps writes it: a diverged training logs `"loss": NaN` (or
 * Infinity), which JSON.parse rejects; such values come back as NON_FINITE instead of losing the
 * whole line (and with it the step count). Undefined when the line is not JSON (a partial line).
 */
function parsePythonJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Only bare tokens in value position: the time strings never hold them.
    const patched = line.replace(/(?<=[:[,]\s*)(?:NaN|-?Infinity)(?=\s*[,}\]])/g, JSON.stringify(NON_FINITE));
    if (patched === line) return undefined;
    try {
      return JSON.parse(patched);
    } catch {
      return undefined;
    }
  }
}

/** Progress for the live view from the latest log entry. */
export function progressOf(entry: TrainerLogEntry): { percent: number; message: string; loss?: number; remaining?: string } {
  const percent = entry.percentage ?? (entry.total_steps > 0 ? (100 * entry.current_steps) / entry.total_steps : 0);
  return {
    percent,
    message: `step ${entry.current_steps}/${entry.total_steps}${entry.loss !== undefined ? ` loss ${entry.loss.toFixed(4)}` : ''}`,
    ...(entry.loss !== undefined ? { loss: entry.loss } : {}),
    ...(entry.remaining_time !== undefined ? { remaining: entry.remaining_time } : {}),
  };
}

/** all_results.json: train_loss, train_runtime, epoch, total_flos, ... (undefined before training ends). */
export function readTrainMetrics(outputDir: string): Record<string, number> | undefined {
  const all = readJsonIfExists<Record<string, unknown>>(path.join(outputDir, ALL_RESULTS));
  if (!all) return undefined;
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/** The training curve: one point per logged step with a loss (or eval loss). */
export interface CurvePoint {
  step: number;
  epoch?: number;
  loss?: number;
  eval_loss?: number;
  lr?: number;
}

export function trainingCurve(entries: TrainerLogEntry[]): CurvePoint[] {
  // A resumed run logs steps again from the checkpoint: the latest value of a step wins.
  const byStep = new Map<number, CurvePoint>();
  // metrics.json is JSON: a NaN loss (a diverged step) is left out of the curve, not written as null.
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  for (const e of entries) {
    if (!finite(e.loss) && !finite(e.eval_loss)) continue;
    const prev = byStep.get(e.current_steps) ?? { step: e.current_steps };
    byStep.set(e.current_steps, {
      ...prev,
      ...(finite(e.epoch) ? { epoch: e.epoch } : {}),
      ...(finite(e.loss) ? { loss: e.loss } : {}),
      ...(finite(e.eval_loss) ? { eval_loss: e.eval_loss } : {}),
      ...(finite(e.lr) ? { lr: e.lr } : {}),
    });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
