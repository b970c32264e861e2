import { isStageDone } from './build.js';
import type { Plan, StageCommand, StageKind } from './types.js';

export type StageStatus = 'pending' | 'done';

export interface PlanJson {
  experiment: string;
  results: string;
  runs: Array<{
    id: string;
    name: string;
    axes: Record<string, unknown>;
    repeat: number;
    seed: number;
    stages: Array<{ kind: StageKind; id: string; status: StageStatus; dir: string; task?: string; /** The evaluator clone's provenance (`git:<commit>[+dirty:<hash>]`), part of the id. */ toolClone?: string; command?: StageCommand }>;
  }>;
  unique: Record<StageKind, number>;
}

/** The plan as data for `ablate plan` (both the table and `--json` render this). */
export function describePlan(plan: Plan, statusOf: (id: string) => StageStatus = (id) => (isStageDone(plan.stages.get(id)!) ? 'done' : 'pending')): PlanJson {
  const unique: Record<StageKind, number> = { materialize: 0, train: 0, eval: 0 };
  for (const s of plan.stages.values()) unique[s.kind]++;
  return {
    experiment: plan.experiment,
    results: plan.resultsRoot,
    runs: plan.runs.map((r) => ({
      id: r.id,
      name: r.name,
      axes: r.axes,
      repeat: r.repeat,
      seed: r.samplingSeed,
      stages: r.stages.map((id) => {
        const s = plan.stages.get(id)!;
        return { kind: s.kind, id: s.id, status: statusOf(id), dir: s.dir, ...(s.task ? { task: s.task } : {}), ...(typeof s.inputs.toolClone === 'string' ? { toolClone: s.inputs.toolClone } : {}), ...(s.command ? { command: s.command } : {}) };
      }),
    })),
    unique,
  };
}
