/**
 * The `eval.args` each evaluation tool accepts, read from schemas/eval-args.schema.json (the single
 * source of truth, rendered into the README by `npm run gen`): names, JSON types, bounds, the
 * defaults ablate passes, and the arguments ablate sets itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './pyenv.js';

export type EvalTool = 'bigcode' | 'evalplus' | 'livecodebench' | 'local';

export interface EvalArgSpec {
  type?: 'integer' | 'number' | 'boolean' | 'string';
  default?: unknown;
  description?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  enum?: unknown[];
  /** ablate passes the default itself (otherwise the tool's own default applies). */
  'x-ablate-default'?: boolean;
  /** Set by ablate: the reason a spec may not give it. */
  'x-ablate-managed'?: string;
  /** bigcode: how the harness spells it on its command line. */
  'x-ablate-cli'?: 'value' | 'int' | 'float' | 'bool' | 'flag' | 'negated-flag';
  /** evalplus: the command that takes it. */
  'x-ablate-step'?: 'codegen' | 'evaluate' | 'both';
}

interface EvalArgsSchema {
  $defs: Record<EvalTool, { properties: Record<string, EvalArgSpec>; required?: string[] }>;
}

export const EVAL_ARGS_SCHEMA_FILE = path.join('schemas', 'eval-args.schema.json');

let cached: EvalArgsSchema | undefined;

/** Every argument of a tool, managed ones included, in the schema's order. */
export function evalArgSpecs(tool: EvalTool): Readonly<Record<string, EvalArgSpec>> {
  cached ??= JSON.parse(readFileSync(path.join(packageRoot(), EVAL_ARGS_SCHEMA_FILE), 'utf8')) as EvalArgsSchema;
  return cached.$defs[tool].properties;
}

/** The arguments a spec may set (not managed by ablate). */
export function userEvalArgs(tool: EvalTool): string[] {
  return Object.entries(evalArgSpecs(tool)).filter(([, s]) => s['x-ablate-managed'] === undefined).map(([n]) => n);
}

/** The defaults ablate passes to the tool when the spec leaves them out. */
export function ablateDefaults(tool: EvalTool): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(evalArgSpecs(tool))) if (spec['x-ablate-default']) out[name] = spec.default;
  return out;
}

/** The simple kind the command builders format by. */
export function argKind(spec: EvalArgSpec): 'int' | 'float' | 'bool' | 'string' {
  return spec.type === 'integer' ? 'int' : spec.type === 'number' ? 'float' : spec.type === 'boolean' ? 'bool' : 'string';
}

/** Why a value does not fit its argument, or undefined. */
export function argValueProblem(spec: EvalArgSpec, value: unknown): string | undefined {
  const positive = (spec.minimum === 1 && spec.type === 'integer') || spec.exclusiveMinimum === 0;
  const what = spec.type === 'integer' ? (positive ? 'a positive integer' : 'an integer') : spec.type === 'number' ? (positive ? 'a positive number' : 'a number') : spec.type === 'boolean' ? 'true or false' : 'a string';
  const ok =
    spec.type === 'integer' ? Number.isInteger(value) : spec.type === 'number' ? typeof value === 'number' && Number.isFinite(value) : spec.type === 'boolean' ? typeof value === 'boolean' : typeof value === 'string';
  if (!ok) return `expected ${what}, got ${JSON.stringify(value)}`;
  const n = value as number;
  if ((spec.minimum !== undefined && n < spec.minimum) || (spec.exclusiveMinimum !== undefined && n <= spec.exclusiveMinimum)) {
    return `expected ${positive ? what : `${what} ${spec.minimum !== undefined ? `≥ ${spec.minimum}` : `> ${spec.exclusiveMinimum}`}`}, got ${JSON.stringify(value)}`;
  }
  if (spec.enum && !spec.enum.includes(value)) return `expected one of ${spec.enum.join(', ')}, got ${JSON.stringify(value)}`;
  return undefined;
}
