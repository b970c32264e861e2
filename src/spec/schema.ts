import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import * as compiledValidators from './validators.generated.js';
import { closest, distance } from 'fastest-levenshtein';

/** The experiment JSON Schema: the single source of truth for the spec's shape. */
export const experimentSchema = JSON.parse(
  readFileSync(new URL('../../schemas/experiment.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & { $id: string; $defs: Record<string, SchemaNode> };

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  enum?: unknown[];
  oneOf?: SchemaNode[];
  description?: string;
  default?: unknown;
  [k: string]: unknown;
}

/**
 * The validators, precompiled by `npm run gen` (ajv standalone code with ajv-errors; allErrors,
 * useDefaults, verbose). `spec` fills defaults in place, so validated configs are canonical.
 */
export function validators(): { spec: ValidateFunction; sweep: ValidateFunction } {
  return compiledValidators as unknown as { spec: ValidateFunction; sweep: ValidateFunction };
}

export function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n?.$ref && i < 20; i++) n = experimentSchema.$defs[n.$ref.replace('#/$defs/', '')];
  return n;
}

/** The schema node a spec path leads to, or where the walk stopped and which keys were valid there. */
export function schemaAt(path: readonly string[]): { node: SchemaNode } | { failedAt: number; valid: string[] } {
  let node: SchemaNode | undefined = experimentSchema as SchemaNode;
  for (let i = 0; i < path.length; i++) {
    node = deref(node);
    const seg = path[i]!;
    if (node?.properties && seg in node.properties) node = node.properties[seg];
    else if (node && typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else if (node?.type === 'object' && node.additionalProperties === undefined && !node.properties) node = {};
    else if (node?.type === 'array' && /^\d+$/.test(seg)) node = node.items;
    else if (node && Object.keys(node).length === 0) node = {};
    else return { failedAt: i, valid: Object.keys(node?.properties ?? {}) };
  }
  return { node: deref(node) ?? {} };
}

/** "did you mean" for a misspelled key or value. */
export function suggest(word: string, candidates: readonly string[]): string {
  if (!candidates.length) return '';
  const best = closest(word, [...candidates]);
  // Only suggest names within half their length in edits: a far guess misleads more than none.
  const ratio = distance(word.toLowerCase(), best.toLowerCase()) / Math.max(word.length, best.length, 1);
  return ratio > 0.5 ? '' : `; did you mean \`${best}\`?`;
}

/** Human wording for one ajv error; returns the path segments it concerns and whether to point at the key. */
export function describeAjvError(e: ErrorObject): { path: string[]; message: string; at: 'key' | 'value' } | undefined {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const parent = deref(e.parentSchema as SchemaNode);
      const valid = Object.keys(parent?.properties ?? {});
      return { path: [...path, key], at: 'key', message: `unknown key \`${key}\`${suggest(key, valid)}${valid.length ? ` (valid keys: ${valid.join(', ')})` : ''}` };
    }
    case 'required':
      return { path, at: 'value', message: `missing required key \`${String(p.missingProperty)}\`` };
    case 'type':
      return { path, at: 'value', message: `must be ${article(String(p.type))} (got ${describeValue(e.data)})` };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      return { path, at: 'value', message: `must be one of ${allowed.map((a) => `\`${a}\``).join(', ')} (got ${describeValue(e.data)})${typeof e.data === 'string' ? suggest(e.data, allowed) : ''}` };
    }
    case 'errorMessage':
      return { path, at: 'value', message: e.message ?? 'is invalid' };
    case 'if':
    case 'anyOf':
    case 'oneOf':
    case 'not':
      return undefined;
    case 'pattern':
      return { path, at: 'value', message: `must match ${String(p.pattern)} (got ${describeValue(e.data)})` };
    case 'propertyNames':
      return undefined;
    default:
      return { path, at: 'value', message: `${e.message ?? 'is invalid'}${e.keyword.startsWith('min') || e.keyword.startsWith('max') || e.keyword.startsWith('exclusive') ? ` (got ${describeValue(e.data)})` : ''}` };
  }
}

function article(type: string): string {
  const words: Record<string, string> = { integer: 'an integer', object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', null: 'null' };
  return type.split(',').map((t) => words[t] ?? t).join(' or ');
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/**
 * One mistake, one message: a value that fits none of a oneOf/anyOf's branches makes ajv report
 * every branch (and ajv-errors its errorMessage too). Per value, keep the most useful one: an enum
 * error that can suggest a spelling, else the schema's own errorMessage, else the first.
 */
export function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const isAlt = (e: ErrorObject) => e.keyword === 'errorMessage' || e.keyword === 'oneOf' || e.keyword === 'anyOf' || /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath);
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) if (isAlt(e)) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const keep = new Set<ErrorObject>();
  for (const group of byPath.values()) {
    const spelled = group.find((e) => e.keyword === 'enum' && typeof e.data === 'string' && suggest(e.data, (e.params as { allowedValues: unknown[] }).allowedValues.map(String)) !== '');
    keep.add(spelled ?? group.find((e) => e.keyword === 'errorMessage') ?? group.find((e) => describeAjvError(e) !== undefined) ?? group[0]!);
  }
  return errors.filter((e) => !isAlt(e) || keep.has(e));
}
