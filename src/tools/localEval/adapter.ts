/** ablate's own HumanEval-format evaluator (runners/local_eval.py) as an evaluation adapter (src/tools/evalAdapter.ts). */
import path from 'node:path';
import { fileSha256Sync } from '../../util/fileHash.js';
import type { EvalAdapter } from '../evalAdapter.js';
import { dedupeIssues, readToolJson } from '../evalCommon.js';
import { LOCAL_FILES, checkLocalTasks, localEffectiveArgs, localSteps } from './command.js';
import { localResult } from './parse.js';

export const localAdapter: EvalAdapter = {
  name: 'local',
  checkTasks: (tasks, opts) => dedupeIssues(checkLocalTasks(tasks, opts)),
  steps: localSteps,
  staleOutputs: [LOCAL_FILES.result, LOCAL_FILES.generations],
  parse(inv, toolVersion) {
    const problemsSetup = inv.problems ? { problems_sha256: fileSha256Sync(inv.problems) } : {};
    return localResult({ task: inv.task, json: readToolJson(path.join(inv.outDir, LOCAL_FILES.result), 'local_eval.py'), args: { ...localEffectiveArgs(inv), ...problemsSetup }, ...(toolVersion ? { toolVersion } : {}) });
  },
  // The runner is ablate's own code: its content is its version.
  version: async (inv) => `local_eval.py:${fileSha256Sync(path.join(inv.runnersDir, 'local_eval.py')).slice(0, 12)}`,
};
