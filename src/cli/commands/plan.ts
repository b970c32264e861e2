import type { Command } from 'commander';
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

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show the runs of a spec and the unique stages they need, with their status')
    .argument('<spec>', 'experiment spec file')
    .option('--json', 'machine-readable output')
    .option('--results <dir>', 'results root (default: execute.results of the spec, else ./results)')
    .action(async (file: string, opts: { json?: boolean; results?: string }) => {
      const { buildPlan } = await import('../../plan/build.js');
      const { describePlan } = await import('../../plan/describe.js');
      const { attachCommands } = await import('../../tools/commands.js');
      const plan = await buildPlan(file, { resultsRoot: opts.results });
      for (const w of await attachCommands(plan)) process.stderr.write(`warning: ${w}\n`);
      const data = describePlan(plan);
      const { estimateCost, renderCost } = await import('../../exec/cost.js');
      const { executeSettingsOf } = await import('../../exec/controller.js');
      const settings = executeSettingsOf(plan);
      const cost = estimateCost(plan, settings);
      const { preflight, renderPreflight } = await import('../preflightBlock.js');
      const pre = await preflight(plan, { spec: file, executor: settings.executor ?? 'local', gpus: settings.gpus ?? [] });
      process.stdout.write(opts.json ? `${JSON.stringify({ ...data, cost, preflight: pre }, null, 2)}\n` : `${renderPlanTable(data)}${renderCost(cost)}${renderPreflight(pre, file)}`);
    });
}
