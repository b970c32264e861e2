/** EvalPlus as an evaluation adapter (src/tools/evalAdapter.ts). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../exec/fsutil.js';
import { fileSha256Sync } from '../../util/fileHash.js';
import type { EvalAdapter } from '../evalAdapter.js';
import { canImport, dedupeIssues, pythonPackageVersion, readProblemLines, readToolJson } from '../evalCommon.js';
import { EVALPLUS_FILES, checkEvalplusTasks, evalplusEffectiveArgs, evalplusModel, evalplusResultsPath, evalplusSamplesPath, evalplusSteps } from './command.js';
import { evalplusResult } from './parse.js';

export const evalplusAdapter: EvalAdapter = {
  name: 'evalplus',
  needsMergedModel: true,
  checkTasks: (tasks, opts) => dedupeIssues(checkEvalplusTasks(tasks, opts)),
  steps: evalplusSteps,
  checkReady(inv) {
    evalplusModel(inv);
  },
  prepare(inv) {
    // EvalPlus evaluates every problem of its file, so a limit needs a cut file.
    if (!inv.problems || inv.limit === undefined) return;
    const lines = readProblemLines(inv.problems).slice(0, inv.limit);
    writeFileAtomic(path.join(inv.outDir, EVALPLUS_FILES.problems), lines.map((l) => `${l}\n`).join(''));
  },
  staleOutputs: [EVALPLUS_FILES.root],
  parse(inv, toolVersion) {
    const effective = evalplusEffectiveArgs(inv);
    const samples = evalplusSamplesPath(path.join(inv.outDir, EVALPLUS_FILES.root), inv.task, evalplusModel(inv), String(effective.backend), Number(effective.temperature ?? 0));
    const problemsSetup = inv.problems ? { problems_sha256: fileSha256Sync(inv.problems) } : {};
    return evalplusResult({ task: inv.task, json: readToolJson(evalplusResultsPath(samples), 'evalplus.evaluate'), args: { ...effective, ...problemsSetup, limit: inv.limit ?? null }, ...(toolVersion ? { toolVersion } : {}) });
  },
  version: (inv) => pythonPackageVersion(inv.python, 'evalplus'),
  async preflight(inv, memo) {
    // A missing managed env is installed next; a user's env (ABLATE_PYTHON_ENV) may lack EvalPlus.
    if (!existsSync(inv.python) || (await canImport(inv.python, 'evalplus', memo))) return [];
    return [`evalplus: ${inv.python} cannot import evalplus; \`${inv.python} -m pip install evalplus==0.3.1\` (the pinned version), or unset ABLATE_PYTHON_ENV and run \`ablate tools install\``];
  },
};
