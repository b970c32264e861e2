/** `ablate cancel`: scancel every queued or running job of the experiment. */
import path from 'node:path';
import type { Plan } from '../../plan/types.js';
import { lockStage, type LockHolder } from '../lock.js';
import { defaultSlurmCli, SLURM_ACTIVE_STATES, type SlurmCli } from './cli.js';
import { queryJobStates } from './query.js';
import { arrayScriptDir, SBATCH_SCRIPT } from './script.js';
import { readSubmissions, submitLockDir } from './submissions.js';

/** Returns the cancelled ids. */
export async function cancelSlurm(plan: Plan, cli: SlurmCli = defaultSlurmCli, onWait?: (holder: LockHolder) => void): Promise<string[]> {
  // Under the submit lock: an `ablate run` submitting right now finishes first, so none of its jobs escape.
  const lock = await lockStage(submitLockDir(plan), 'ablate cancel', onWait ? { onWait } : {});
  try {
    const file = readSubmissions(plan);
    // Only a stage's latest job can still be queued: older ones ended before it was submitted.
    const ids = [...new Set(Object.values(file.jobs).map((subs) => subs.at(-1)!.jobId))];
    const states = await queryJobStates(cli, file.jobName, ids, { listAlways: true });
    const active = ids.filter((id) => SLURM_ACTIVE_STATES.has(states.get(id)?.state ?? ''));
    // Jobs of this experiment's stages (or its job arrays) that a killed controller submitted but never recorded.
    const scripts = new Set([...plan.stages.values()].map((s) => path.join(s.dir, SBATCH_SCRIPT)));
    const arrays = path.join(arrayScriptDir(plan), `${plan.experiment}-`);
    for (const [id, st] of states) {
      const ours = st.script !== undefined && (scripts.has(st.script) || st.script.startsWith(arrays));
      if (!active.includes(id) && ours && SLURM_ACTIVE_STATES.has(st.state)) active.push(id);
    }
    if (active.length) {
      const r = await cli('scancel', active);
      if (r.exitCode !== 0) throw new Error(`scancel failed: ${r.stderr.trim()}`);
    }
    return active;
  } finally {
    lock.release();
  }
}
