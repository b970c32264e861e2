import type { Command } from 'commander';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerCompare } from './compare.js';

/** Every command of the CLI, in the order `ablate --help` lists them. */
export const commands: Array<(program: Command) => void> = [
  registerValidate,
  registerPlan,
  registerCompare,
];
