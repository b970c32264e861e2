/**
 * The argument names, types and templates of the pinned LLaMA-Factory, generated from the installed
 * package by runners/list_llamafactory_args.py into schemas/llamafactory-args.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../pyenv.js';

export interface LlamaFactoryArg {
  /** '|'-joined kinds: int, float, bool, str, list, dict, enum, object. */
  type: string;
  choices?: Array<string | number>;
  default?: unknown;
  nullable?: boolean;
  /** The dataclass that declares it (ModelArguments, TrainingArguments, ...). */
  group?: string;
}

export interface LlamaFactoryArgsSchema {
  llamafactory_version: string;
  generated_by: string;
  args: Record<string, LlamaFactoryArg>;
  templates: string[];
}

export const ARGS_SCHEMA_FILE = path.join('schemas', 'llamafactory-args.json');

let cached: LlamaFactoryArgsSchema | undefined;

export function loadArgsSchema(): LlamaFactoryArgsSchema {
  cached ??= JSON.parse(readFileSync(path.join(packageRoot(), ARGS_SCHEMA_FILE), 'utf8')) as LlamaFactoryArgsSchema;
  return cached;
}
