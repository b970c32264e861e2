import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildLock, lockPath } from '../bundle/lock.js';
import { overlapForPlan } from '../data/overlap.js';
import { writeFileAtomic } from '../exec/fsutil.js';
import type { Plan } from '../plan/types.js';

export interface FinishedExperiment {
  /** Loud warnings: identical or near-identical arms. */
  warnings: string[];
  lockFile: string;
}

/**
 * After a run: checks that arms which should differ do (overlap across every materialized
 * dataset, written into the data cards) and writes the experiment's lock file.
 */
export async function finishExperiment(plan: Plan): Promise<FinishedExperiment> {
  const overlap = await overlapForPlan(plan);
  const lockFile = lockPath(plan);
  mkdirSync(path.dirname(lockFile), { recursive: true });
  writeFileAtomic(lockFile, `${JSON.stringify(buildLock(plan), null, 2)}\n`);
  return { warnings: overlap.warnings, lockFile };
}
