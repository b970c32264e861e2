import type { StageRunner, StageRunners } from '../exec/types.js';

/** A runner whose module loads on first use, so `status`/`cancel` and SLURM jobs of one kind do not pay for the others' imports. */
function lazy(load: () => Promise<StageRunner>): StageRunner {
  let loaded: Promise<StageRunner> | undefined;
  return async (ctx) => (await (loaded ??= load()))(ctx);
}

/** The real stage implementations, by kind. */
export async function defaultRunners(): Promise<StageRunners> {
  return {
    materialize: lazy(async () => (await import('../data/materialize.js')).materializeDataset),
    train: lazy(async () => (await import('../tools/llamafactory/index.js')).runTrainStage),
    eval: lazy(async () => (await import('../tools/eval.js')).runEvalStage),
  };
}
