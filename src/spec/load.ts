import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { InputError, type Diagnostic } from '../errors.js';
import { rebasePaths } from './paths.js';
import { isPlainObject } from '../util/object.js';

/** Specs are small; anything larger is a mistake or an attack, refused before parsing. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Bounds alias expansion (billion-laughs) so a hostile spec fails fast instead of hanging. */
export const MAX_ALIAS_COUNT = 200;

export type SpecPath = readonly (string | number)[];

/** One YAML file of a spec: the top file, or a base it extends. */
export interface SpecLayer {
  /** Path as the user sees it (relative to the working directory when possible). */
  file: string;
  absFile: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: Record<string, unknown>;
}

/** A spec with its `extends` chain merged; keeps the layers so errors can name the file that set a value. */
export interface LoadedSpec {
  file: string;
  absFile: string;
  /** Directory relative paths in the spec resolve against (the top file's). */
  dir: string;
  /** Top file first, then its base, then the base's base. */
  layers: SpecLayer[];
  merged: Record<string, unknown>;
}

export function displayPath(abs: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function at(file: string, line: number, col: number, message: string, p?: string): Diagnostic {
  return { file, line, col, message, ...(p ? { path: p } : {}) };
}

/** Reads and parses one YAML file into a mapping, or throws an InputError listing every problem. */
export function parseSpecFile(absFile: string, shownAs = displayPath(absFile)): SpecLayer {
  let size: number;
  try {
    const st = statSync(absFile);
    if (!st.isFile()) throw new InputError([at(shownAs, 1, 1, 'is not a file')]);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError([at(shownAs, 1, 1, 'file not found; check the path')]);
  }
  if (size > MAX_SPEC_BYTES) {
    throw new InputError([at(shownAs, 1, 1, `file is ${size} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes (keep data in data files, not in the spec)`)]);
  }
  const bytes = readFileSync(absFile);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new InputError([at(shownAs, bad.line, bad.col, 'file is not valid UTF-8; save it as UTF-8')]);
  }
  if (text.trim() === '' || text.split('\n').every((l) => /^\s*(#.*)?$/.test(l))) {
    throw new InputError([at(shownAs, 1, 1, 'file is empty; a spec needs at least `name`, `sources` and `data`')]);
  }
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: false });
  const diags: Diagnostic[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    const key = /^["']?([^"':\n]+)/.exec(text.slice(e.pos[0]))?.[1]?.trim();
    const msg = e.code === 'DUPLICATE_KEY' ? `duplicate key${key ? ` \`${key}\`` : ''}: it appears twice in the same mapping; keep one` : `YAML syntax error: ${firstLine(e.message)}`;
    diags.push(at(shownAs, pos.line, pos.col, msg));
  }
  if (diags.length) throw new InputError(diags);
  if (!isMap(doc.contents)) {
    const pos = doc.contents?.range ? lines.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    throw new InputError([at(shownAs, pos.line, pos.col, 'the top level of a spec must be a mapping (key: value lines)')]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const m = (err as Error).message;
    if (/alias/i.test(m)) {
      throw new InputError([at(shownAs, 1, 1, `too many alias expansions (limit ${MAX_ALIAS_COUNT}); this looks like an alias bomb — expand the values by hand`)]);
    }
    throw new InputError([at(shownAs, 1, 1, `cannot read YAML: ${firstLine(m)}`)]);
  }
  return { file: shownAs, absFile, doc, lines, value: value as Record<string, unknown> };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function firstInvalidUtf8(bytes: Uint8Array): { line: number; col: number } {
  // Decode prefix by prefix is quadratic; scan for the first byte where a strict decode fails instead.
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return { line, col };
    for (let k = 1; k < len; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return { line, col };
    if (b === 0x0a) {
      line++;
      col = 1;
    } else col++;
    i += len;
  }
  return { line, col };
}

/** Deep merge for `extends`: mappings merge key by key, everything else (lists included) is replaced. */
export function mergeSpecs(base: unknown, top: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(top)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(top)) out[k] = k in base ? mergeSpecs(base[k], v) : v;
    return out;
  }
  return top;
}


/** Loads a spec and its `extends` chain. Throws InputError (exit 2) on any problem. */
export function loadSpec(file: string, cwd = process.cwd()): LoadedSpec {
  const absFile = path.resolve(cwd, file);
  const layers: SpecLayer[] = [];
  const seen: string[] = [];
  let current = absFile;
  let shown = displayPath(absFile, cwd);
  for (;;) {
    const layer = parseSpecFile(current, shown);
    let real: string;
    try {
      real = realpathSync(current);
    } catch {
      real = current;
    }
    seen.push(real);
    layers.push(layer);
    const ext = layer.value.extends;
    if (ext === undefined) break;
    const node = nodeAt(layer, ['extends']);
    const pos = node ? layer.lines.linePos(node.range![0]) : { line: 1, col: 1 };
    if (typeof ext !== 'string' || ext === '') {
      throw new InputError([at(layer.file, pos.line, pos.col, 'must be a path to a base spec (a string)', 'extends')]);
    }
    const next = path.resolve(path.dirname(current), ext);
    let nextReal: string;
    try {
      nextReal = realpathSync(next);
    } catch {
      throw new InputError([at(layer.file, pos.line, pos.col, `base spec ${displayPath(next, cwd)} not found; the path is relative to ${layer.file}`, 'extends')]);
    }
    if (seen.includes(nextReal)) {
      const chain = [...layers.map((l) => l.file), displayPath(next, cwd)].join(' → ');
      throw new InputError([at(layer.file, pos.line, pos.col, `extends cycle: ${chain}; remove one of the links`, 'extends')]);
    }
    current = next;
    shown = displayPath(next, cwd);
  }
  let merged: unknown = {};
  const topDir = path.dirname(absFile);
  for (const layer of [...layers].reverse()) merged = mergeSpecs(merged, rebasePaths(layer.value, path.dirname(layer.absFile), topDir));
  const out = merged as Record<string, unknown>;
  delete out.extends;
  return {
    file: layers[0]!.file,
    absFile,
    dir: path.dirname(absFile),
    layers,
    merged: out,
  };
}

/** The YAML node at a path in one layer, or undefined. Keys may contain dots (sweep axes). */
export function nodeAt(layer: SpecLayer, p: SpecPath): Node | undefined {
  let node: unknown = layer.doc.contents;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      node = pair?.value ?? undefined;
      if (node === undefined && pair) return (pair.key as Node) ?? undefined;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      // Schema errors name list positions as strings ("0"), rules as numbers.
      node = node.items[Number(seg)];
    } else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return node as Node;
}

/** The key node of the last segment of a path (for unknown-key errors), or undefined. */
export function keyNodeAt(layer: SpecLayer, p: SpecPath): Node | undefined {
  const parent = p.length ? nodeAt(layer, p.slice(0, -1)) : (layer.doc.contents as Node);
  if (!isMap(parent)) return undefined;
  const last = String(p[p.length - 1]);
  const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === last);
  return (pair?.key as Node) ?? undefined;
}

/**
 * Where a path is set: the first layer (top file first) holding a node there, at the value
 * (or the key, for unknown keys); falling back to the nearest existing ancestor.
 */
export function locate(spec: LoadedSpec, p: SpecPath, prefer: 'value' | 'key' = 'value'): { file: string; line: number; col: number } {
  for (let len = p.length; len >= 0; len--) {
    const sub = p.slice(0, len);
    for (const layer of spec.layers) {
      const node = prefer === 'key' && len === p.length ? keyNodeAt(layer, sub) ?? nodeAt(layer, sub) : nodeAt(layer, sub);
      if (node?.range) {
        const pos = layer.lines.linePos(node.range[0]);
        return { file: layer.file, line: pos.line, col: pos.col };
      }
    }
  }
  return { file: spec.file, line: 1, col: 1 };
}
