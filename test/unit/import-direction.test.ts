import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * Layers point one way (src/README.md): a folder imports only itself and the folders listed above
 * it. The order is read from src/README.md, so the document and the check cannot drift apart.
 */
const srcDir = path.join(repoRoot, 'src');

export function layersFromReadme(text: string): string[][] {
  const block = text.split('<!-- layers')[1]?.split('<!-- /layers -->')[0];
  if (!block) throw new Error('src/README.md has no <!-- layers --> list');
  // Each list item names its folder(s) in backticks before the colon: "- `cli`, `bench`: ...".
  return block
    .split('\n')
    .filter((l) => l.startsWith('- '))
    .map((l) => [...l.slice(0, l.indexOf(':')).matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\.ts$/, '')));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier of a file: static imports, re-exports, dynamic and type-position imports. */
export function specifiers(source: string): { literal: string[]; computed: string[] } {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const literal = [
    ...[...code.matchAll(/\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!),
    ...[...code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!),
    ...[...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  const computed = [...code.matchAll(/\bimport\s*\(\s*([^'"\s)][^)]*)\)/g)].map((m) => m[1]!.trim());
  return { literal, computed };
}

/** The top-level folder (or root file) of a path under src/. */
const topOf = (abs: string): string => path.relative(srcDir, abs).split(path.sep)[0]!.replace(/\.(ts|js)$/, '');

const layers = layersFromReadme(readFileSync(path.join(srcDir, 'README.md'), 'utf8'));
const rank = new Map(layers.flatMap((names, i) => names.map((n) => [n, i] as const)));

function violationsOf(file: string, source: string): string[] {
  const out: string[] = [];
  const rel = path.relative(repoRoot, file);
  const from = topOf(file);
  const { literal, computed } = specifiers(source);
  // A computed path hides a dependency from this check and from the compiler (the CLI's hidden
  // --runners option loads a user's module by file URL, which is not part of src/).
  for (const c of computed) if (!c.startsWith('pathToFileURL(')) out.push(`${rel}: import(${c}) by a computed path`);
  for (const spec of literal) {
    if (!spec.startsWith('.')) continue;
    const to = topOf(path.resolve(path.dirname(file), spec));
    if (to === from || to.startsWith('..')) continue;
    const rf = rank.get(from);
    const rt = rank.get(to);
    if (rf === undefined || rt === undefined) out.push(`${rel}: ${rf === undefined ? from : to} is not in the layer list of src/README.md`);
    else if (rt > rf) out.push(`${rel} (${from}) imports ${spec} (${to}, a higher layer)`);
    else if (rt === rf) out.push(`${rel}: ${from} imports ${to}`);
  }
  return out;
}

describe('import direction', () => {
  it('src/README.md lists every folder of src/ exactly once', () => {
    const listed = layers.flat();
    expect(new Set(listed).size).toBe(listed.length);
    const present = readdirSync(srcDir).filter((n) => n !== 'README.md').map((n) => n.replace(/\.ts$/, ''));
    expect([...present].sort()).toEqual([...listed].sort());
  });

  it('no module imports a higher layer or loads a module by a computed path', () => {
    const files = tsFiles(srcDir);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => violationsOf(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('catches an upward import, a re-export, a dynamic import and a computed path', () => {
    const spec = path.join(srcDir, 'spec/x.ts');
    const cases: Record<string, string> = {
      [spec]: "import { a } from '../data/sample.js';\nexport type { B } from '../tools/b.js';\nconst c = await import('../exec/c.js');\nconst m = await import(modulePath);\n// import { z } from '../cli/z.js';\n",
      [path.join(srcDir, 'cli/x.ts')]: "import { a } from '../spec/load.js';\nimport { b } from '../bench/index.js';\n",
      [path.join(srcDir, 'nowhere/x.ts')]: "import { a } from '../util/hash.js';\n",
    };
    const found = Object.entries(cases).flatMap(([file, text]) => violationsOf(file, text));
    expect(found).toEqual([
      'src/spec/x.ts: import(modulePath) by a computed path',
      'src/spec/x.ts (spec) imports ../data/sample.js (data, a higher layer)',
      'src/spec/x.ts (spec) imports ../tools/b.js (tools, a higher layer)',
      'src/spec/x.ts (spec) imports ../exec/c.js (exec, a higher layer)',
      'src/cli/x.ts: cli imports bench',
      'src/nowhere/x.ts: nowhere is not in the layer list of src/README.md',
    ]);
  });
});
