/** The BigCode evaluation harness as an evaluation adapter (src/tools/evalAdapter.ts). */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { AblateError } from '../../errors.js';
import type { EvalAdapter } from '../evalAdapter.js';
import { cloneProvenance, cloneVersion } from '../../util/cloneProvenance.js';
import { readToolJson } from '../evalCommon.js';
import { BIGCODE_FILES, bigcodeSteps, checkBigcodeArgs } from './args.js';
import { checkBigcodeTasks } from './check.js';
import { bigcodeConsistencyWarning, bigcodeResult } from './parse.js';

/** Shown in dry runs and plans in place of the harness folder when none is configured. */
export const HARNESS_PLACEHOLDER = '<ABLATE_BIGCODE_HARNESS>';

/** The commit of a harness clone (for `ablate tools` and provenance); undefined when it is not a git checkout of its own. */
export async function harnessCommit(dir: string): Promise<string | undefined> {
  const top = await execa('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { reject: false });
  // A folder inside some other repository (a vendored copy) has no commit of its own.
  if (top.exitCode !== 0 || realpathSync(top.stdout.trim()) !== realpathSync(dir)) return undefined;
  const head = await execa('git', ['-C', dir, 'rev-parse', 'HEAD'], { reject: false });
  return head.exitCode === 0 ? head.stdout.trim() : undefined;
}

export const bigcodeAdapter: EvalAdapter = {
  name: 'bigcode',
  pythonEnvVar: 'ABLATE_BIGCODE_PYTHON',
  harnessPlaceholder: HARNESS_PLACEHOLDER,
  unconfiguredWarning: `the BigCode harness is not configured: its commands show ${HARNESS_PLACEHOLDER}; set eval.harness or ABLATE_BIGCODE_HARNESS to your clone`,
  checkTasks(tasks, opts) {
    const args = opts.args ?? {};
    const issues = checkBigcodeTasks(tasks, args);
    // Argument issues are the same for every task: report them once.
    const first = tasks[0];
    return first === undefined ? issues : [...issues, ...checkBigcodeArgs(first, args)];
  },
  steps: bigcodeSteps,
  checkReady(inv, dryRun) {
    if (dryRun && inv.harness === HARNESS_PLACEHOLDER) return;
    if (!inv.harness) throw new AblateError('bigcode evaluation needs the harness: set eval.harness to your bigcode-evaluation-harness clone (or ABLATE_BIGCODE_HARNESS)');
    if (!existsSync(path.join(inv.harness, 'main.py'))) throw new AblateError(`${inv.harness} is not a bigcode-evaluation-harness clone (no main.py)`);
  },
  // `tmp/`: where older versions put the harness's TMPDIR, inside the stage folder.
  staleOutputs: [BIGCODE_FILES.metrics, BIGCODE_FILES.perProblem, 'tmp/'],
  parse(inv, toolVersion) {
    return bigcodeResult({
      task: inv.task,
      metricsJson: readToolJson(path.join(inv.outDir, BIGCODE_FILES.metrics), 'the bigcode harness'),
      perProblemJson: readToolJson(path.join(inv.outDir, BIGCODE_FILES.perProblem), 'score_generations.py'),
      ...(toolVersion ? { toolVersion } : {}),
    });
  },
  async version(inv) {
    // Commit plus local edits: a patched clone is recorded (and set up) as what it is.
    const prov = inv.harness ? cloneProvenance(inv.harness, { fresh: true }) : undefined;
    return prov?.commit ? cloneVersion(prov) : undefined;
  },
  async preflight(inv) {
    const problems: string[] = [];
    if (!inv.harness) problems.push('bigcode: set eval.harness (or ABLATE_BIGCODE_HARNESS) to a clone of https://github.com/bigcode-project/bigcode-evaluation-harness (git clone, then `pip install -e .` in its Python env)');
    else if (!existsSync(path.join(inv.harness, 'main.py'))) problems.push(`bigcode: ${inv.harness} is not a bigcode-evaluation-harness clone (no main.py)`);
    const accelerate = path.join(path.dirname(inv.python), 'accelerate');
    if (!existsSync(accelerate)) problems.push(`bigcode: no ${accelerate}; set ABLATE_BIGCODE_PYTHON to the python of the env where the harness is installed (pip install -e . in the clone)`);
    return problems;
  },
  consistencyWarning: bigcodeConsistencyWarning,
};
