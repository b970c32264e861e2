import type { Plan } from '../plan/types.js';
import { attachEvalCommands } from './eval.js';
import { trainStageCommand } from './llamafactory/stage.js';

/**
 * Fills each stage's exact external command (argument array and environment) so `ablate plan --json`
 * shows what will run. The tool adapters build the commands; this only asks them. Materialize
 * stages run in-process and have none. Returns warnings (placeholders for unconfigured paths).
 */
export async function attachCommands(plan: Plan): Promise<string[]> {
  for (const stage of plan.stages.values()) if (stage.kind === 'train') stage.command = await trainStageCommand(stage);
  return attachEvalCommands(plan);
}
