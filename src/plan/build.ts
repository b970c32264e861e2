import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateSpec, type ValidatedSpec } from '../spec/validate.js';
import type { Rule } from '../spec/rules.js';
import { fileSha256Sync } from '../util/fileHash.js';
import { benchmarkHashes, evalId, materializeId, resolveSources, runId, trainId, type CommitOf, type ContentOf } from './ids.js';
import { datasetCommit } from '../util/locations.js';
import { cloneProvenance, cloneVersion } from '../util/cloneProvenance.js';
import { COMPLETION_RECORD, type Plan, type Run, type Stage } from './types.js';

export interface PlanOptions {
  cwd?: string;
  /** Results root; default `execute.results` of the spec, else `results`, relative to cwd. */
  resultsRoot?: string;
  /** Extra validation rules (tool checks). */
  rules?: Rule[];
  contentOf?: ContentOf;
  /** Fetched commits of Hugging Face dataset revisions; default: ablate's fetch records in the cache. */
  commitOf?: CommitOf;
  /** `git:<commit>[+dirty:<hash>]` of a tool clone folder, undefined when it is not a git checkout; default: asks git. */
  cloneVersionOf?: (dir: string) => string | undefined;
  /** Environment (ABLATE_BIGCODE_HARNESS, ABLATE_LIVECODEBENCH); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The clone an eval section runs from, when the tool is run from one (the harness, LiveCodeBench). */
export function evalCloneDir(ev: { tool?: string; harness?: string }, specDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const tool = ev.tool ?? 'bigcode';
  if (tool === 'bigcode') return ev.harness ? path.resolve(specDir, ev.harness) : env.ABLATE_BIGCODE_HARNESS ? path.resolve(env.ABLATE_BIGCODE_HARNESS) : undefined;
  if (tool === 'livecodebench') return ev.harness ? path.resolve(specDir, ev.harness) : env.ABLATE_LIVECODEBENCH ? path.resolve(env.ABLATE_LIVECODEBENCH) : undefined;
  return undefined;
}

function defaultCloneVersion(dir: string): string | undefined {
  const p = cloneProvenance(dir);
  return p.commit ? cloneVersion(p) : undefined;
}

/**
 * The folder of an imported bundle (`ablate import`) whose top spec this file is: its stages sit
 * beside `spec/`, so `results`, `report` and `status` on the bundle's spec need no --results.
 */
export function importedBundleRoot(specFile: string): string | undefined {
  let dir = path.dirname(path.resolve(specFile));
  for (let i = 0; i < 4; i++) {
    const index = path.join(dir, 'bundle.json');
    if (existsSync(index)) {
      try {
        const b = JSON.parse(readFileSync(index, 'utf8')) as { format?: string; spec?: string };
        const rel = path.relative(dir, path.resolve(specFile)).split(path.sep).join('/');
        return b.format === 'ablate-bundle' && b.spec === rel ? dir : undefined;
      } catch {
        return undefined;
      }
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export function stageDir(resultsRoot: string, kind: string, id: string): string {
  return path.join(resultsRoot, 'stages', kind, id);
}

/**
 * The plan of a validated spec: every run and the deduplicated stages they need. Pure apart from
 * hashing local source files by content (memoized).
 */
export function planFromValidated(v: ValidatedSpec, opts: PlanOptions = {}): Plan {
  const cwd = opts.cwd ?? process.cwd();
  const contentOf = opts.contentOf ?? fileSha256Sync;
  const commitOf = opts.commitOf ?? ((repo: string, revision: string) => datasetCommit(repo, revision));
  const specDir = v.loaded.dir;
  const resultsRoot = path.resolve(cwd, opts.resultsRoot ?? importedBundleRoot(v.loaded.absFile) ?? v.spec.execute?.results ?? 'results');
  const stages = new Map<string, Stage>();
  const add = (stage: Omit<Stage, 'runs'>, run: string): Stage => {
    let s = stages.get(stage.id);
    if (!s) {
      s = { ...stage, runs: [] };
      stages.set(stage.id, s);
    }
    if (!s.runs.includes(run)) s.runs.push(run);
    return s;
  };
  const runs: Run[] = v.runs.map((r) => {
    const cfg = r.config;
    const id = runId(cfg, r.repeat, specDir, contentOf, commitOf);
    const sources = resolveSources(cfg, specDir, contentOf, commitOf);
    const benchmarks = benchmarkHashes(cfg.data, specDir, contentOf);
    const matInputs = { sources, annotate: cfg.annotate ?? {}, data: cfg.data, seed: r.samplingSeed, ...(benchmarks ? { benchmarks } : {}) };
    const mat = add({ kind: 'materialize', deps: [], inputs: matInputs, gpus: 0, ...withId('materialize', materializeId(matInputs), resultsRoot) }, id);
    const ids = [mat.id];
    if (cfg.train) {
      // SLURM resources (time, memory, ...) do not change what a stage computes: kept out of inputs and ids.
      const { resources: trainResources, ...train } = cfg.train;
      const nodes = train.nodes ?? 1;
      const tr = add({ kind: 'train', deps: [mat.id], inputs: { dataset: mat.id, train }, gpus: train.gpus_per_node ?? train.gpus ?? 1, ...(nodes > 1 ? { nodes } : {}), ...(trainResources ? { resources: trainResources } : {}), ...withId('train', trainId(mat.id, train, specDir), resultsRoot) }, id);
      ids.push(tr.id);
      if (cfg.eval) {
        const problems = cfg.eval.problems ? path.resolve(specDir, cfg.eval.problems) : undefined;
        const problemsSha = problems ? contentOf(problems) : undefined;
        const { resources: evalResources, ...evalCfg } = cfg.eval;
        const clone = evalCloneDir(evalCfg, specDir, opts.env);
        const toolClone = clone ? (opts.cloneVersionOf ?? defaultCloneVersion)(clone) : undefined;
        for (const task of evalCfg.tasks) {
          const ev = add({ kind: 'eval', task, deps: [tr.id], inputs: { train: tr.id, task, eval: evalCfg, problems, problemsSha256: problemsSha ?? null, ...(toolClone ? { toolClone } : {}) }, gpus: evalCfg.gpus ?? 1, ...(evalResources ? { resources: evalResources } : {}), ...withId('eval', evalId(tr.id, task, evalCfg, problemsSha, toolClone), resultsRoot) }, id);
          ids.push(ev.id);
        }
      }
    }
    return { id, name: r.name, index: r.index, axes: r.axes, repeat: r.repeat, samplingSeed: r.samplingSeed, config: cfg, stages: ids };
  });
  return { experiment: v.spec.name, specFile: v.loaded.absFile, specDir, resultsRoot, runs, stages };
}

function withId(kind: string, id: string, root: string): { id: string; dir: string } {
  return { id, dir: stageDir(root, kind, id) };
}

export async function buildPlan(specFile: string, opts: PlanOptions = {}): Promise<Plan> {
  return planFromValidated(validateSpec(specFile, { cwd: opts.cwd, rules: opts.rules }), opts);
}

export function isStageDone(stage: Stage): boolean {
  return existsSync(path.join(stage.dir, COMPLETION_RECORD));
}
