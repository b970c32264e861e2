import type { Source } from '../../spec/types.generated.js';

export type SourceFormat = NonNullable<Source['format']>;
export type FieldOverrides = NonNullable<Source['fields']>;

/**
 * Where each canonical field lives in a source record. Each entry lists candidate keys, first
 * present wins: Magicoder's Evol-Instruct-110K says `response` where evol-codealpaca says `output`.
 */
export interface FieldMapping {
  instruction: string[];
  input: string[];
  output: string[];
  /** sharegpt: the conversation array; instruction/output then come from its first human/gpt turns. */
  messages?: string[];
  complexity?: string;
  task_type?: string;
}

export const PRESETS: Record<SourceFormat, FieldMapping> = {
  alpaca: { instruction: ['instruction'], input: ['input'], output: ['output'] },
  'evol-instruct': { instruction: ['instruction'], input: ['input'], output: ['response', 'output'] },
  'oss-instruct': { instruction: ['problem'], input: [], output: ['solution'] },
  gsm8k: { instruction: ['question'], input: [], output: ['answer'] },
  mathinstruct: { instruction: ['instruction'], input: ['input'], output: ['output'] },
  sharegpt: { instruction: [], input: [], output: [], messages: ['conversations', 'messages'] },
};

/** The preset of `format` with the spec's explicit `fields` laid over it (an explicit key has no fallbacks). */
export function fieldMapping(format: SourceFormat = 'alpaca', fields: FieldOverrides = {}): FieldMapping {
  const m: FieldMapping = { ...PRESETS[format] };
  if (fields.instruction) m.instruction = [fields.instruction];
  if (fields.input) m.input = [fields.input];
  if (fields.output) m.output = [fields.output];
  if (fields.messages) m.messages = [fields.messages];
  if (fields.complexity) m.complexity = fields.complexity;
  if (fields.task_type) m.task_type = fields.task_type;
  return m;
}

export interface MappedFields {
  instruction: string;
  input: string;
  output: string;
  complexity?: number;
  task_type?: string;
}

/** Why a raw record could not be mapped: the offending field and a message saying how to fix it. */
export interface MappingProblem {
  field: string;
  message: string;
}

const HUMAN_ROLES = new Set(['human', 'user']);
const ASSISTANT_ROLES = new Set(['gpt', 'assistant', 'chatgpt', 'bing', 'bard', 'model']);

function firstPresent(obj: Record<string, unknown>, keys: string[]): [string, unknown] | undefined {
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null) return [k, obj[k]];
  return undefined;
}

function requiredString(
  obj: Record<string, unknown>,
  keys: string[],
  canonical: string,
): string | MappingProblem {
  const hit = firstPresent(obj, keys);
  if (!hit) {
    const present = Object.keys(obj).slice(0, 8).join(', ');
    return {
      field: keys[0] ?? canonical,
      message: `missing field ${keys.map((k) => `"${k}"`).join(' or ')} for ${canonical} (record has: ${present || 'no fields'}); set sources.<name>.format or fields.${canonical}`,
    };
  }
  const [key, value] = hit;
  if (typeof value !== 'string') return { field: key, message: `field "${key}" must be a string, got ${typeOf(value)}` };
  return value;
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function fromMessages(turns: unknown, key: string): { instruction: string; output: string } | MappingProblem {
  if (!Array.isArray(turns)) return { field: key, message: `field "${key}" must be an array of turns, got ${typeOf(turns)}` };
  let instruction: string | undefined;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i] as Record<string, unknown> | null;
    if (!t || typeof t !== 'object') return { field: `${key}[${i}]`, message: 'turn must be an object' };
    const role = String(t.from ?? t.role ?? '').toLowerCase();
    const text = t.value ?? t.content;
    if (instruction === undefined && HUMAN_ROLES.has(role)) {
      if (typeof text !== 'string') return { field: `${key}[${i}]`, message: 'turn text (value/content) must be a string' };
      instruction = text;
    } else if (instruction !== undefined && ASSISTANT_ROLES.has(role)) {
      if (typeof text !== 'string') return { field: `${key}[${i}]`, message: 'turn text (value/content) must be a string' };
      return { instruction, output: text };
    }
  }
  return { field: key, message: 'needs a human/user turn followed by a gpt/assistant turn' };
}

/** Maps one raw record to the canonical text fields, or says what is wrong with it. */
export function mapFields(raw: unknown, m: FieldMapping): MappedFields | MappingProblem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { field: '', message: `record must be an object, got ${typeOf(raw)}` };
  }
  const obj = raw as Record<string, unknown>;
  let instruction: string;
  let output: string;
  let input = '';
  if (m.messages && m.instruction.length === 0) {
    const hit = firstPresent(obj, m.messages);
    if (!hit) return { field: m.messages[0] ?? 'messages', message: `missing field ${m.messages.map((k) => `"${k}"`).join(' or ')}` };
    const conv = fromMessages(hit[1], hit[0]);
    if ('field' in conv) return conv;
    ({ instruction, output } = conv);
  } else {
    const ins = requiredString(obj, m.instruction, 'instruction');
    if (typeof ins !== 'string') return ins;
    const out = requiredString(obj, m.output, 'output');
    if (typeof out !== 'string') return out;
    instruction = ins;
    output = out;
    const inp = firstPresent(obj, m.input);
    if (inp) {
      if (typeof inp[1] !== 'string') return { field: inp[0], message: `field "${inp[0]}" must be a string, got ${typeOf(inp[1])}` };
      input = inp[1];
    }
  }
  const mapped: MappedFields = { instruction, input, output };
  if (m.complexity) {
    const v = obj[m.complexity];
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      return { field: m.complexity, message: `complexity column "${m.complexity}" must be a finite number, got ${JSON.stringify(v)}` };
    }
    mapped.complexity = n;
  }
  if (m.task_type) {
    const v = obj[m.task_type];
    if (typeof v !== 'string' || v === '') {
      return { field: m.task_type, message: `task_type column "${m.task_type}" must be a non-empty string` };
    }
    mapped.task_type = v;
  }
  return mapped;
}
