#!/usr/bin/env node
// Regenerates every file derived from the schemas (the single source of truth): the TypeScript
// types, the README's spec reference (with each tool's eval.args and train.args) and the
// precompiled validators. `--check` fails when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from 'json-schema-to-typescript';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import ajvErrors from 'ajv-errors';
import { renderEvalArgsReference, renderSpecReference, renderTrainArgsReference, replaceBetweenMarkers } from './specReference.mjs';

const root = new URL('..', import.meta.url);
const readJson = (file) => JSON.parse(readFileSync(new URL(file, root), 'utf8'));
const schema = readJson('schemas/experiment.schema.json');
const evalArgs = readJson('schemas/eval-args.schema.json');
const trainArgs = readJson('schemas/llamafactory-args.json');
const check = process.argv.includes('--check');

const banner = '/* Generated from schemas/experiment.schema.json by `npm run gen`. Do not edit. */';
// Branches that only list required keys constrain values, not shapes: leave them out of the types.
function shapeOnly(node) {
  if (Array.isArray(node)) return node.map(shapeOnly);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'errorMessage' || k === 'dependentRequired' || k === 'not') continue;
    if (k === 'anyOf' && v.every((b) => Object.keys(b).every((bk) => bk === 'required'))) continue;
    out[k] = shapeOnly(v);
  }
  return out;
}
const types = await compile(shapeOnly(schema), 'ExperimentSpec', {
  bannerComment: banner,
  additionalProperties: false,
  unreachableDefinitions: false,
  style: { singleQuote: true, printWidth: 120 },
});
// The validators as standalone code: compiling the schema with ajv at run time costs ~0.25 s of
// every command that reads a spec; loading the compiled code costs ~0.03 s. Same options as
// src/spec/schema.ts used to compile with.
const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true, verbose: true, code: { source: true, esm: true } });
ajvErrors(ajv);
ajv.addSchema(schema);
const validatorCode = [
  '// @ts-nocheck',
  '/* Generated from schemas/experiment.schema.json by `npm run gen` (ajv standalone code). Do not edit. */',
  "import { createRequire } from 'node:module';",
  'const require = createRequire(import.meta.url);',
  standaloneCode(ajv, { spec: schema.$id, sweep: `${schema.$id}#/$defs/Sweep` }),
  '',
].join('\n');
const readme = readFileSync(new URL('README.md', root), 'utf8');
const outputs = [
  ['src/spec/types.generated.ts', types],
  ['README.md', replaceBetweenMarkers(readme, [renderSpecReference(schema), renderEvalArgsReference(evalArgs), renderTrainArgsReference(trainArgs)].join('\n'))],
  ['src/spec/validators.generated.ts', validatorCode],
];
let stale = 0;
for (const [file, text] of outputs) {
  const url = new URL(file, root);
  let current = '';
  try { current = readFileSync(url, 'utf8'); } catch {}
  if (current === text) continue;
  if (check) { console.error(`${file} is stale: run \`npm run gen\``); stale++; }
  else { writeFileSync(url, text); console.log(`wrote ${file}`); }
}
process.exit(stale ? 1 : 0);
