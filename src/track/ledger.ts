/**
 * What each tracker already has, per target: the tracker run of every ablate run, the hash of
 * every item sent, and which run owns (first produced) each shared stage. A cached re-run finds
 * everything sent and sends nothing; a resumed run finds its tracker run here and continues it.
 */
import path from 'node:path';
import { experimentDir } from '../bundle/lock.js';
import { readJsonIfExists, writeFileAtomic } from '../exec/fsutil.js';
import type { Plan } from '../plan/types.js';
import { targetKey, type TrackTarget } from './targets.js';

export interface LedgerRun {
  /** The tracker's run id (MLflow run_id, W&B run id). */
  id: string;
  name: string;
  /** Item (`metric:humaneval.pass_at_1`, `artifact:datacard/datacard.json`, ...) → hash of what was sent. */
  sent: Record<string, string>;
  /** Last status sent (RUNNING, FINISHED, FAILED, KILLED). */
  status?: string;
}

export interface Ledger {
  version: 1;
  target: TrackTarget;
  runs: Record<string, LedgerRun>;
  /** Stage id → the ablate run whose tracker run its tool reported into (the first tracked run that needs it). */
  owners: Record<string, string>;
}

export function trackingDir(plan: Pick<Plan, 'resultsRoot' | 'experiment'>): string {
  return path.join(experimentDir(plan.resultsRoot, plan.experiment), 'tracking');
}

export function ledgerPath(plan: Pick<Plan, 'resultsRoot' | 'experiment'>, target: TrackTarget): string {
  return path.join(trackingDir(plan), `${targetKey(target)}.json`);
}

export function readLedger(plan: Pick<Plan, 'resultsRoot' | 'experiment'>, target: TrackTarget): Ledger {
  const file = ledgerPath(plan, target);
  const found = readJsonIfExists<Ledger>(file);
  if (found && found.version === 1 && typeof found.runs === 'object' && found.runs !== null) return { ...found, owners: found.owners ?? {}, target };
  return { version: 1, target, runs: {}, owners: {} };
}

export function writeLedger(plan: Pick<Plan, 'resultsRoot' | 'experiment'>, ledger: Ledger): void {
  writeFileAtomic(ledgerPath(plan, ledger.target), `${JSON.stringify(ledger, null, 2)}\n`);
}
