/**
 * Study B's complexity signals via runners/score_complexity.py (Hugging Face transformers): per
 * record the XCoder expected score (0..5) and the GPT-2 perplexity of the text (truncated at 512
 * tokens). Records the runner could not score are counted and reported; nothing is filled in.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { SCORER_PRESETS, type ScorerPreset } from './scorerPresets.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AblateError } from '../../errors.js';
import { runRunner } from './pythonRun.js';

export const PYTHON_SCORER_VERSION = 1;

export interface PythonScorerOptions {
  model: string;
  perplexityModel: string;
  log(line: string): void;
  maxLength?: number;
  /** Prompt and weights (default: study B's XCoder). */
  preset?: ScorerPreset;
}

interface RunnerLine {
  id: string;
  semantic?: number;
  perplexity?: number;
  error?: string;
}

/** Row-major [semantic, perplexity] per item (aligned with `items`). */
export async function scoreWithPython(items: { id: string; text: string }[], opts: PythonScorerOptions): Promise<Float64Array> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ablate-score-'));
  try {
    const input = path.join(dir, 'input.jsonl');
    const output = path.join(dir, 'scores.jsonl');
    await writeFile(input, items.map((it, i) => JSON.stringify({ id: String(i), text: it.text })).join('\n') + '\n');
    await runRunner(
      'score_complexity.py',
      ['--input', input, '--output', output, '--model', opts.model, '--perplexity-model', opts.perplexityModel, '--max-length', String(opts.maxLength ?? 512), '--prompt', (opts.preset ?? SCORER_PRESETS.xcoder).prompt, '--first-weight', String((opts.preset ?? SCORER_PRESETS.xcoder).firstWeight)],
      opts.log,
      'complexity (python)',
    );
    const lines = (await readFile(output, 'utf8')).split('\n').filter((l) => l.trim());
    const out = new Float64Array(items.length * 2).fill(NaN);
    const failures: string[] = [];
    for (const line of lines) {
      const row = JSON.parse(line) as RunnerLine;
      const i = Number(row.id);
      if (row.error !== undefined || typeof row.semantic !== 'number' || typeof row.perplexity !== 'number' || !Number.isFinite(row.semantic) || !Number.isFinite(row.perplexity)) {
        failures.push(`record ${items[i]?.id ?? row.id}: ${row.error ?? `non-finite scores (${row.semantic}, ${row.perplexity})`}`);
        continue;
      }
      out[2 * i] = row.semantic;
      out[2 * i + 1] = row.perplexity;
    }
    const unanswered = items.length - lines.length;
    if (failures.length > 0 || unanswered !== 0) {
      throw new AblateError(
        `complexity (python): the scorer failed for ${failures.length + Math.max(0, unanswered)} of ${items.length} records (no fallback score is used):\n` +
          failures.slice(0, 3).map((f) => `  ${f}`).join('\n') + (unanswered ? `\n  ${unanswered} records missing from the runner's output` : ''),
      );
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
