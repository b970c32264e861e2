import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/** Canonical JSON: sorted keys, no whitespace, so equal configs hash equally whatever their key order. */
const stable = configure({ deterministic: true, bigint: false, circularValue: Error });

export function canonicalJson(value: unknown): string {
  const text = stable(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Bumped when the meaning of a stage's inputs changes, so old cache entries stop matching.
 * Part of every id.
 */
export const FORMAT_VERSION = 1;

/** A short, stable id for a value: the first 16 hex digits of the sha256 of its canonical JSON. */
export function hashId(kind: string, value: unknown): string {
  return sha256(canonicalJson({ kind, v: FORMAT_VERSION, value })).slice(0, 16);
}

/**
 * A named seed derived from the root seed: the hash of (root, names...). Every random choice uses
 * its own name (`composition/algorithmic`, `size`, ...), so adding an arm, a group or a filter
 * never shifts the random stream of any other choice.
 */
export function deriveSeed(rootSeed: number, ...names: (string | number)[]): number {
  return Number.parseInt(sha256(canonicalJson(['ablate-seed', rootSeed, ...names])).slice(0, 8), 16) >>> 0;
}
