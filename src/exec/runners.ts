import type { StageRunner, StageRunners } from './types.js';

type Loaded = Record<string, unknown>;

async function pick(modulePath: string, name: string): Promise<StageRunner> {
  const mod = (await import(modulePath)) as Loaded;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${modulePath} does not export ${name}()`);
  return fn as StageRunner;
}

/**
 * The real stage implementations, loaded on first use so `status`/`cancel` and SLURM jobs of one kind
 * do not pay for the others' imports.
 */
export async function defaultRunners(): Promise<StageRunners> {
  const lazy = (modulePath: string, name: string): StageRunner => {
    let loaded: Promise<StageRunner> | undefined;
    return async (ctx) => (await (loaded ??= pick(modulePath, name)))(ctx);
  };
  return {
    materialize: lazy('../data/materialize.js', 'materializeDataset'),
    train: lazy('../tools/llamafactory/index.js', 'runTrainStage'),
    eval: lazy('../tools/eval.js', 'runEvalStage'),
  };
}
