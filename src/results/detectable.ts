/**
 * Per evaluated benchmark of a plan: how many problems and repeats each arm gets, and the smallest
 * pass@1 difference between two arms that the study detects at 80% power (src/results/power.ts).
 * Shown by `ablate plan` before any GPU-hour is spent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';
import { readOutcomesCsv } from './outcomesCsv.js';
import { DEFAULT_DISCORDANCE, DEFAULT_POWER, DEFAULT_POWER_ALPHA, detectableDifference, pilotDiscordance } from './power.js';
import type { Plan } from '../plan/types.js';

/**
 * Problem counts of the benchmarks as each tool evaluates them: the BigCode harness's `mbpp` is
 * MBPP's 500-problem test split, EvalPlus's `mbpp` (and the harness's `mbppplus`) is MBPP+ v0.2.0
 * with 378 problems.
 */
const KNOWN_SIZES: Record<string, Record<string, number>> = {
  bigcode: { humaneval: 164, 'humaneval-unstripped': 164, humanevalplus: 164, mbpp: 500, mbppplus: 378 },
  evalplus: { humaneval: 164, mbpp: 378 },
};

export interface DetectableRow {
  tool: string;
  task: string;
  /** Problems per evaluation; null when unknown (then no difference is computed). */
  problems: number | null;
  repeats: number;
  discordance: number;
  /** Smallest detectable pass@1 difference in percentage points; null when none is detectable or the size is unknown. */
  diff: number | null;
}

export interface DetectableSummary {
  rows: DetectableRow[];
  power: number;
  alpha: number;
  discordance: number;
  /** Where the discordance came from: a pilot file, the command line, or study B's published tables. */
  discordanceSource: string;
}

export interface DetectableOptions {
  discordance?: number;
  discordanceSource?: string;
  power?: number;
  alpha?: number;
  /** Counts the problems of a local problem file (injected by tests). */
  countProblems?: (file: string) => number;
}

function countLines(file: string): number {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '').length;
}

export function detectableDifferences(plan: Plan, opts: DetectableOptions = {}): DetectableSummary {
  const discordance = opts.discordance ?? DEFAULT_DISCORDANCE;
  const power = opts.power ?? DEFAULT_POWER;
  const alpha = opts.alpha ?? DEFAULT_POWER_ALPHA;
  const count = opts.countProblems ?? countLines;
  const rows = new Map<string, DetectableRow>();
  const repeats = Math.max(1, ...plan.runs.map((r) => r.repeat));
  for (const run of plan.runs) {
    const ev = run.config.eval;
    if (!ev) continue;
    const tool = ev.tool ?? 'bigcode';
    for (const task of ev.tasks) {
      const key = `${tool}\u0000${task}`;
      if (rows.has(key)) continue;
      let problems: number | null = KNOWN_SIZES[tool]?.[task] ?? null;
      if (ev.problems) {
        try {
          problems = count(path.resolve(plan.specDir, ev.problems));
        } catch {
          problems = null;
        }
      }
      if (problems !== null && ev.limit !== undefined) problems = Math.min(problems, ev.limit);
      const diff = problems === null ? null : detectableDifference({ pairs: problems * repeats, discordance, alpha, power });
      rows.set(key, { tool, task, problems, repeats, discordance, diff });
    }
  }
  return {
    rows: [...rows.values()],
    power,
    alpha,
    discordance,
    discordanceSource: opts.discordanceSource ?? "the default (mean over study B's published RQ1 comparisons; --pilot or --discordance to change)",
  };
}

/** The few lines `ablate plan` prints. */
export function renderDetectable(s: DetectableSummary): string {
  const head = `detectable differences (paired McNemar, ${Math.round(s.power * 100)}% power, α = ${s.alpha}, discordance ${s.discordance} from ${s.discordanceSource}):`;
  const lines = s.rows.map((r) => {
    if (r.problems === null) return `  ${r.task} (${r.tool}): problem count unknown; set eval.problems or eval.limit to compute it`;
    const what = `${r.task} (${r.problems} problems, ${r.repeats} repeat${r.repeats === 1 ? '' : 's'})`;
    return r.diff === null
      ? `  ${what}: no difference is detectable at this discordance`
      : `  ${what}: differences under ~${r.diff.toFixed(1)} points are not detectable`;
  });
  return `${[head, ...lines].join('\n')}\n`;
}

/** Where the discordance comes from: a pilot run's outcome CSVs, a given rate, or the default. */
export async function discordanceFrom(opts: { discordance?: number; pilot?: string[] }): Promise<Pick<DetectableOptions, 'discordance' | 'discordanceSource'>> {
  if (opts.discordance !== undefined && opts.pilot) throw new UsageError('give either --discordance or --pilot, not both');
  if (opts.discordance !== undefined) return { discordance: opts.discordance, discordanceSource: '--discordance' };
  if (!opts.pilot) return {};
  const measured = pilotDiscordance(await Promise.all(opts.pilot.map((f) => readOutcomesCsv(f))));
  if (measured === null || measured === 0) {
    throw new UsageError(`--pilot: ${opts.pilot.join(', ')} ${measured === null ? 'hold no two outcome columns to compare' : 'show no problem on which two arms differ'}; give --discordance instead`);
  }
  return { discordance: Number(measured.toFixed(4)), discordanceSource: `pilot ${opts.pilot.join(', ')}` };
}
