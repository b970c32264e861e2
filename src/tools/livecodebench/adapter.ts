/** LiveCodeBench as an evaluation adapter (src/tools/evalAdapter.ts). */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AblateError } from '../../errors.js';
import type { EvalAdapter } from '../evalAdapter.js';
import { execa } from 'execa';
import { cloneProvenance, cloneVersion } from '../../util/cloneProvenance.js';
import { dedupeIssues, readToolJson } from '../evalCommon.js';
import { LCB_OUTPUT_DIR, checkLcbTasks, collectLcbOutputs, lcbEffectiveArgs, lcbEvalAllName, lcbSteps, lcbWorkingFolder } from './command.js';
import { lcbResult } from './parse.js';

/** `output/<model_repr>/Scenario.codegeneration_<n>_<t>_eval_all.json`; model_repr comes from lm_styles.py, so search. */
function findLcbEvalAll(outDir: string, n: number, temperature: number): string {
  const name = lcbEvalAllName(n, temperature);
  const root = path.join(outDir, LCB_OUTPUT_DIR);
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === name) found.push(full);
    }
  };
  walk(root);
  if (found.length !== 1) throw new AblateError(`LiveCodeBench: expected one ${name} under ${root}, found ${found.length}`);
  return found[0] as string;
}

/** Shown in dry runs and plans in place of the LiveCodeBench clone when none is configured. */
export const LCB_PLACEHOLDER = '<ABLATE_LIVECODEBENCH>';

export const lcbAdapter: EvalAdapter = {
  name: 'livecodebench',
  needsMergedModel: true,
  pythonEnvVar: 'ABLATE_LCB_PYTHON',
  harnessPlaceholder: LCB_PLACEHOLDER,
  unconfiguredWarning: `the LiveCodeBench clone is not configured: its commands show ${LCB_PLACEHOLDER}; set eval.harness or ABLATE_LIVECODEBENCH to your clone`,
  checkTasks: (tasks, opts) => dedupeIssues(checkLcbTasks(tasks, opts.args ?? {})),
  steps: lcbSteps,
  checkReady(inv, dryRun) {
    if (dryRun && inv.harness === LCB_PLACEHOLDER) return;
    if (!inv.harness) throw new AblateError('LiveCodeBench runs from its clone: set eval.harness (or ABLATE_LIVECODEBENCH) to your LiveCodeBench clone');
    if (!existsSync(path.join(inv.harness, 'lcb_runner'))) throw new AblateError(`${inv.harness} is not a LiveCodeBench clone (no lcb_runner/)`);
  },
  // It runs in a private working folder laid out like the clone; its outputs move into the stage folder.
  prepareScratch: (inv, dir) => lcbWorkingFolder(inv.harness!, dir),
  collectOutputs: collectLcbOutputs,
  staleOutputs: [LCB_OUTPUT_DIR],
  parse(inv, toolVersion) {
    const effective = lcbEffectiveArgs(inv);
    const file = findLcbEvalAll(inv.outDir, Number(effective.n), Number(effective.temperature));
    return lcbResult({ task: inv.task, json: readToolJson(file, 'LiveCodeBench'), args: effective, ...(toolVersion ? { toolVersion } : {}) });
  },
  async version(inv) {
    // Run from its clone (not on PyPI): its commit and local edits.
    const prov = inv.harness ? cloneProvenance(inv.harness, { fresh: true }) : undefined;
    return prov?.commit ? cloneVersion(prov) : undefined;
  },
  async preflight(inv, memo) {
    if (!inv.harness) return ['livecodebench: set eval.harness (or ABLATE_LIVECODEBENCH) to a clone of https://github.com/LiveCodeBench/LiveCodeBench (it runs from its clone)'];
    if (!existsSync(path.join(inv.harness, 'lcb_runner'))) return [`livecodebench: ${inv.harness} is not a LiveCodeBench clone (no lcb_runner/)`];
    const key = `lcb\0${inv.python}\0${inv.harness}`;
    let job = memo.get(key);
    if (!job) {
      // Its dependencies (vLLM, datasets), imported from the clone's root as the runner is.
      job = execa(inv.python, ['-c', 'import lcb_runner.runner.parser'], { reject: false, cwd: inv.harness }).then((r) => r.exitCode === 0, () => false);
      memo.set(key, job);
    }
    if (await job) return [];
    return [`livecodebench: ${inv.python} cannot import lcb_runner from ${inv.harness}; \`pip install -e .\` the clone (needs vLLM and a GPU) and set ABLATE_LCB_PYTHON to that env's python`];
  },
};
