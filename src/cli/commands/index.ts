import type { Command } from 'commander';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerCompare } from './compare.js';
import { registerResults } from './results.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerFetch } from './fetch.js';
import { registerStatus } from './status.js';
import { registerCancel } from './cancel.js';
import { registerTools } from './tools.js';
import { registerBundle } from './bundle.js';

/** Every command of the CLI, in the order `ablate --help` lists them. */
export const commands: Array<(program: Command) => void> = [
  registerValidate,
  registerPlan,
  registerFetch,
  registerRun,
  registerStatus,
  registerCancel,
  registerResults,
  registerReport,
  registerCompare,
  registerBundle,
  registerTools,
];
