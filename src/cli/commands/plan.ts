import { InvalidArgumentError, type Command } from 'commander';
import Table from 'cli-table3';

import type { PlanJson } from '../../plan/describe.js';

export function renderPlanTable(p: PlanJson): string {
  const table = new Table({ head: ['run', 'materialize', 'train', 'eval'], style: { head: [], border: [] } });
  const cell = (stages: PlanJson['runs'][number]['stages'], kind: string): string =>
    stages.filter((s) => s.kind === kind).map((s) => `${s.task ? `${s.task} ` : ''}${s.id.slice(0, 8)} ${s.status}`).join('\n') || '-';
  for (const r of p.runs) table.push([r.name, cell(r.stages, 'materialize'), cell(r.stages, 'train'), cell(r.stages, 'eval')]);
  const pending = new Set(p.runs.flatMap((r) => r.stages.filter((s) => s.status === 'pending').map((s) => s.id))).size;
  return `${p.experiment}: ${p.runs.length} runs; unique stages: ${p.unique.materialize} materialize, ${p.unique.train} train, ${p.unique.eval} eval (${pending} pending)\nresults: ${p.results}\n${table.toString()}\n`;
}

function rate(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError('expected a share of problems in (0, 1], e.g. 0.15');
  return x;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show the runs of a spec and the unique stages they need, with their status, and the pass@1 differences the study can detect')
    .argument('<spec>', 'experiment spec file')
    .option('--json', 'machine-readable output')
    .option('--results <dir>', 'results root (default: execute.results of the spec, else ./results)')
    .option('--discordance <rate>', 'share of problems on which two arms differ, for the detectable differences', rate)
    .option('--pilot <csv...>', "per-problem outcome CSVs of a pilot run (compare's format): the discordance is measured on them")
    .action(async (file: string, opts: { json?: boolean; results?: string; discordance?: number; pilot?: string[] }) => {
      const { discordanceFrom, detectableDifferences, renderDetectable } = await import('../../results/detectable.js');
      const discordance = await discordanceFrom(opts);
      const { buildPlan } = await import('../../plan/build.js');
      const { toolRules } = await import('../../tools/rules.js');
      const { describePlan } = await import('../../plan/describe.js');
      const { attachCommands } = await import('../../tools/commands.js');
      const plan = await buildPlan(file, { resultsRoot: opts.results, rules: toolRules });
      for (const w of await attachCommands(plan)) process.stderr.write(`warning: ${w}\n`);
      const data = describePlan(plan);
      const { estimateCost, renderCost } = await import('../../exec/cost.js');
      const { executeSettingsOf } = await import('../../exec/controller.js');
      const settings = executeSettingsOf(plan);
      const cost = estimateCost(plan, settings);
      const detectable = detectableDifferences(plan, discordance);
      const { preflight, renderPreflight } = await import('../preflightBlock.js');
      const pre = await preflight(plan, { spec: file, executor: settings.executor ?? 'local', gpus: settings.gpus ?? [] });
      process.stdout.write(opts.json ? `${JSON.stringify({ ...data, cost, detectable, preflight: pre }, null, 2)}\n` : `${renderPlanTable(data)}${renderCost(cost)}${renderDetectable(detectable)}${renderPreflight(pre, file)}`);
    });
}
