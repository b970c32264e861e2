/**
 * Checks `train` against the pinned LLaMA-Factory before anything runs. Its own parser rejects
 * unknown keys only after the ~7 s import, and accepts wrong types and unknown templates, which
 * then fail (or silently fall back to the `empty` template) hours later.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { ExperimentSpec, Train } from '../../spec/types.generated.js';
import type { Rule, RuleIssue } from '../../spec/rules.js';
import { loadArgsSchema, type LlamaFactoryArg, type LlamaFactoryArgsSchema } from './argsSchema.js';

export interface TrainArgIssue {
  /** The offending key of `train.args` (or `template` for `train.template`). */
  key: string;
  /** Dotted spec path: train.args.<key> or train.template. */
  path: string;
  /** unknown name, a key ablate sets itself, a bad value, or an unknown template. */
  kind: 'unknown' | 'reserved' | 'value' | 'template';
  message: string;
  suggestion?: string;
}

/** Keys ablate writes itself, with where the user sets them instead. */
export const RESERVED_ARGS: Readonly<Record<string, string>> = {
  model_name_or_path: 'set train.model instead',
  model_revision: 'set train.revision instead',
  template: 'set train.template instead',
  finetuning_type: 'set train.finetuning instead',
  deepspeed: 'set train.deepspeed instead (a JSON file or the preset z2 | z3)',
  dataset: 'the dataset is the materialized `data` subset; ablate sets it',
  dataset_dir: 'the dataset is the materialized `data` subset; ablate sets it',
  output_dir: 'ablate trains into the stage folder; it sets output_dir itself',
  stage: 'ablate runs supervised fine-tuning (stage: sft)',
  do_train: 'ablate sets do_train: true',
  overwrite_output_dir: 'ablate keeps it false so an interrupted training resumes from its last checkpoint',
};

/** Suggestion for a misspelt name: the closest known name when it is plausibly a typo. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(name, known as string[]);
  const d = distance(name, best);
  return d <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function checkTrainArgs(args: Record<string, unknown> | undefined, schema: LlamaFactoryArgsSchema = loadArgsSchema()): TrainArgIssue[] {
  const issues: TrainArgIssue[] = [];
  const known = Object.keys(schema.args);
  for (const [key, value] of Object.entries(args ?? {})) {
    const at = `train.args.${key}`;
    const reserved = RESERVED_ARGS[key];
    if (reserved) {
      issues.push({ key, path: at, kind: 'reserved', message: `\`${key}\` is set by ablate: ${reserved}` });
      continue;
    }
    const spec = schema.args[key];
    if (!spec) {
      const near = nearestName(key, known);
      issues.push({
        key,
        path: at,
        kind: 'unknown',
        message: `unknown LLaMA-Factory ${schema.llamafactory_version} argument \`${key}\``,
        ...(near ? { suggestion: `did you mean \`${near}\`?` } : {}),
      });
      continue;
    }
    const typeProblem = checkValue(value, spec);
    if (typeProblem) issues.push({ key, path: at, kind: 'value', ...typeProblem });
  }
  return issues;
}

export function checkTemplate(template: string, schema: LlamaFactoryArgsSchema = loadArgsSchema()): TrainArgIssue[] {
  if (schema.templates.includes(template)) return [];
  const near = nearestName(template, schema.templates);
  return [
    {
      key: 'template',
      path: 'train.template',
      kind: 'template',
      message: `unknown LLaMA-Factory template \`${template}\` (LLaMA-Factory would accept it and fail later)`,
      suggestion: near ? `did you mean \`${near}\`?` : `one of: ${schema.templates.join(', ')}`,
    },
  ];
}

/** train.deepspeed: a preset name or a JSON file (whose existence the spec's file rule checks). */
export function checkDeepspeed(value: string | undefined): TrainArgIssue[] {
  if (value === undefined || DEEPSPEED_PRESETS.includes(value) || /\.json$/i.test(value)) return [];
  return [{ key: 'deepspeed', path: 'train.deepspeed', kind: 'value', message: `\`${value}\` is neither a DeepSpeed preset nor a .json file`, suggestion: `use ${DEEPSPEED_PRESETS.join(' or ')}, or a path to a DeepSpeed JSON config` }];
}

export const DEEPSPEED_PRESETS: readonly string[] = ['z2', 'z3'];

/** Everything checkable about a `train` section: template, DeepSpeed setting and args. */
export function checkTrainConfig(train: Train, schema: LlamaFactoryArgsSchema = loadArgsSchema()): TrainArgIssue[] {
  return [
    ...checkTemplate(train.template ?? 'default', schema),
    ...checkDeepspeed(train.deepspeed),
    ...checkTrainArgs(train.args as Record<string, unknown> | undefined, schema),
  ];
}

/** The same checks as a spec rule (src/tools/rules.ts), pointing at the spec node. */
export const llamafactoryTrainRule: Rule = (spec: ExperimentSpec) => {
  if (!spec.train || (spec.train.tool ?? 'llamafactory') !== 'llamafactory') return [];
  return checkTrainConfig(spec.train).map(
    (issue): RuleIssue => ({
      path: issue.path.split('.'),
      message: issue.suggestion ? `${issue.message}; ${issue.suggestion}` : issue.message,
      at: issue.kind === 'unknown' || issue.kind === 'reserved' ? 'key' : 'value',
    }),
  );
};

function checkValue(value: unknown, spec: LlamaFactoryArg): { message: string; suggestion?: string } | undefined {
  if (value === null) return spec.nullable || spec.type.includes('object') ? undefined : { message: 'must not be null' };
  const kinds = spec.type.split('|');
  if (kinds.includes('object')) return undefined;
  for (const kind of kinds) if (matches(value, kind, spec)) return undefined;
  if (kinds.includes('enum') && spec.choices && (typeof value === 'string' || typeof value === 'number')) {
    const near = nearestName(String(value), spec.choices.map(String));
    return { message: `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`, ...(near ? { suggestion: `did you mean \`${near}\`?` } : {}) };
  }
  return { message: `must be ${kinds.map(describeKind).join(' or ')}, got ${JSON.stringify(value)}` };
}

function matches(value: unknown, kind: string, spec: LlamaFactoryArg): boolean {
  switch (kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'str':
      return typeof value === 'string';
    case 'list':
      // LLaMA-Factory's own list-like options are mostly comma-separated strings.
      return Array.isArray(value) || typeof value === 'string';
    case 'dict':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'enum':
      return (spec.choices ?? []).some((c) => c === value || String(c) === String(value));
    default:
      return true;
  }
}

function describeKind(kind: string): string {
  return { int: 'an integer', float: 'a number', bool: 'true or false', str: 'a string', list: 'a list', dict: 'a mapping', enum: 'one of the listed values' }[kind] ?? kind;
}
