/**
 * XCoder/DEITA complexity through an OpenAI-compatible completions server (e.g. `vllm serve
 * banksy235/XCoder-Complexity-Scorer`): the prompt of study B, the top logprobs of the first
 * generated token, softmax over the tokens "1".."6", expected value with weights 0..5.
 *
 * Any record whose response lacks all six digits, or whose request fails after retries, is counted;
 * when any failed the whole call throws with the count and the first reasons. There is no fallback
 * score (study B's script silently used 2.0).
 */
import { AblateError } from '../../errors.js';
import { fillPrompt, SCORER_PRESETS, type ScorerPreset } from './scorerPresets.js';

export const ENDPOINT_SCORER_VERSION = 1;

/** Study B's prompt, exactly. */
export function xcoderPrompt(instruction: string): string {
  return fillPrompt(SCORER_PRESETS.xcoder, instruction);
}

export const SCORE_TOKENS = ['1', '2', '3', '4', '5', '6'] as const;

/**
 * Expected score from the first step's top logprobs: softmax over the logprobs of "1".."6" (digits
 * absent from the top list get probability 0), weights 0..5. Undefined when none of the six is present.
 * Token strings are trimmed, so " 3" counts as "3" (tokenizers differ in leading spaces); when both
 * forms appear the larger logprob is kept.
 */
export function expectedScore(topLogprobs: Record<string, number>, firstWeight = 0): number | undefined {
  const lp: (number | undefined)[] = SCORE_TOKENS.map(() => undefined);
  for (const [token, value] of Object.entries(topLogprobs)) {
    const k = SCORE_TOKENS.indexOf(token.trim() as (typeof SCORE_TOKENS)[number]);
    if (k >= 0 && Number.isFinite(value) && (lp[k] === undefined || value > lp[k]!)) lp[k] = value;
  }
  const present = lp.filter((v): v is number => v !== undefined);
  if (present.length === 0) return undefined;
  const max = Math.max(...present);
  let z = 0;
  let ev = 0;
  lp.forEach((v, w) => {
    if (v === undefined) return;
    const e = Math.exp(v - max);
    z += e;
    ev += e * (w + firstWeight);
  });
  return ev / z;
}

export interface EndpointOptions {
  /** Base URL: `http://host:port` or `http://host:port/v1`. */
  url: string;
  model: string;
  log(line: string): void;
  /** Prompts per request (the completions API takes a list). */
  batch?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  retries?: number;
  /** How many top logprobs to ask for (vLLM's default cap is 20). */
  topLogprobs?: number;
  /** Prompt and weights (default: study B's XCoder). */
  preset?: ScorerPreset;
}

export function completionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (/\/completions$/.test(trimmed)) return trimmed;
  return /\/v1$/.test(trimmed) ? `${trimmed}/completions` : `${trimmed}/v1/completions`;
}

interface CompletionChoice {
  index?: number;
  logprobs?: { top_logprobs?: (Record<string, number> | null)[] | null } | null;
}

async function requestBatch(url: string, model: string, prompts: string[], topLogprobs: number): Promise<CompletionChoice[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: prompts, max_tokens: 2, temperature: 0, logprobs: topLogprobs }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { choices?: CompletionChoice[] };
  if (!Array.isArray(body.choices) || body.choices.length !== prompts.length) {
    throw new Error(`expected ${prompts.length} choices, got ${Array.isArray(body.choices) ? body.choices.length : 'none'}`);
  }
  const ordered: CompletionChoice[] = new Array(prompts.length);
  body.choices.forEach((c, k) => (ordered[c.index ?? k] = c));
  return ordered;
}

/** Scores for `texts` (aligned), or throws after counting every failed record. */
export async function scoreWithEndpoint(texts: string[], opts: EndpointOptions): Promise<Float64Array> {
  const url = completionsUrl(opts.url);
  const batch = opts.batch ?? 16;
  const retries = opts.retries ?? 2;
  const topLogprobs = opts.topLogprobs ?? 20;
  const preset = opts.preset ?? SCORER_PRESETS.xcoder;
  const out = new Float64Array(texts.length);
  const failures: { index: number; reason: string }[] = [];
  const starts: number[] = [];
  for (let s = 0; s < texts.length; s += batch) starts.push(s);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < starts.length) {
      const start = starts[next++]!;
      const prompts = texts.slice(start, start + batch).map((t) => fillPrompt(preset, t));
      let choices: CompletionChoice[] | undefined;
      let lastError = '';
      for (let attempt = 0; attempt <= retries && !choices; attempt++) {
        try {
          choices = await requestBatch(url, opts.model, prompts, topLogprobs);
        } catch (err) {
          lastError = (err as Error).message;
          const cause = (err as { cause?: { code?: string } }).cause?.code;
          if (cause) lastError += ` (${cause})`;
        }
      }
      if (!choices) {
        prompts.forEach((_, k) => failures.push({ index: start + k, reason: `request to ${url} failed: ${lastError}` }));
        continue;
      }
      choices.forEach((c, k) => {
        const top = c?.logprobs?.top_logprobs?.[0];
        const score = top ? expectedScore(top, preset.firstWeight) : undefined;
        if (score === undefined) failures.push({ index: start + k, reason: top ? `none of "1".."6" among the top ${topLogprobs} logprobs (${Object.keys(top).slice(0, 6).map((t) => JSON.stringify(t)).join(', ')})` : 'response has no top_logprobs' });
        else out[start + k] = score;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, starts.length) }, worker));
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    const shown = failures.slice(0, 3).map((f) => `  record ${f.index}: ${f.reason}`).join('\n');
    throw new AblateError(
      `complexity (endpoint): the scorer failed for ${failures.length} of ${texts.length} records (no fallback score is used):\n${shown}` +
        `\nCheck that ${url} serves ${opts.model} with logprobs enabled.`,
    );
  }
  opts.log(`complexity (endpoint): scored ${texts.length} records via ${url}`);
  return out;
}
