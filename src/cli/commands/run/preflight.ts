/**
 * What a real run checks before it starts anything, so it refuses with one clear message instead
 * of failing stage by stage: the artifacts its pending stages read offline (`ablate fetch`), the
 * evaluation tools, and enough GPUs for the largest stage on a local executor.
 */
import { AblateError, EXIT } from '../../../errors.js';
import { selectStages, type Selection } from '../../../exec/graph.js';
import { formatMissing, missingArtifacts, planArtifacts } from '../../../fetch/artifacts.js';
import { isStageDone } from '../../../plan/build.js';
import type { Plan, Stage, StageKind } from '../../../plan/types.js';

export interface PreflightOptions extends Selection {
  spec: string;
  executor: 'local' | 'slurm';
  gpus: number[];
  env?: NodeJS.ProcessEnv;
}

/** The stages this run will really execute: selected, and not done (or forced). */
export function pendingStages(plan: Plan, sel: Selection): Stage[] {
  const g = selectStages(plan, sel);
  return g.stages.filter((s) => g.forced.has(s.id) || !isStageDone(s));
}

/** Problems that stop the run before anything starts (empty: go). */
export async function preflightProblems(plan: Plan, o: PreflightOptions): Promise<string[]> {
  const env = o.env ?? process.env;
  const pending = pendingStages(plan, o);
  const problems: string[] = [];
  // ABLATE_HUB_ONLINE=1: the old way, each tool downloads on first use (a machine with internet).
  if (env.ABLATE_HUB_ONLINE !== '1') {
    const missing = missingArtifacts(planArtifacts(plan, { env, stages: pending }));
    if (missing.length) problems.push(formatMissing(missing, o.spec));
  }
  if (!o.until || o.until === 'eval') {
    const { preflightEvalTools } = await import('../../../tools/eval.js');
    const tools = await preflightEvalTools(plan, env);
    if (tools.length) problems.push(`evaluation tools are missing:\n  ${tools.join('\n  ')}\nInstall them, or run up to training with --until train.`);
  }
  if (o.executor === 'local') {
    const needs = Math.max(0, ...pending.map((s) => s.gpus));
    if (needs > o.gpus.length) {
      const kinds = [...new Set(pending.filter((s) => s.gpus > o.gpus.length).map((s) => s.kind))] as StageKind[];
      problems.push(
        `${kinds.join(' and ')} stages need ${needs} GPU(s) but ${o.gpus.length ? `only ${o.gpus.length} (${o.gpus.join(',')}) are` : 'none are'} configured on this machine: ` +
          'pass --gpus 0,1,... (or set execute.gpus), use --executor slurm, or set train.gpus / eval.gpus: 0 to run on the CPU. `--dry-run` shows the plan without GPUs.',
      );
    }
  }
  return problems;
}

export async function preflightRun(plan: Plan, o: PreflightOptions): Promise<void> {
  const problems = await preflightProblems(plan, o);
  if (problems.length) throw new AblateError(`cannot start (nothing was run):\n${problems.join('\n')}`, EXIT.usage);
}
