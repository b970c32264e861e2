import type { Command } from 'commander';
import { InputError, type Diagnostic } from '../../errors.js';

export interface ValidateReport {
  file: string;
  ok: boolean;
  runs?: number;
  diagnostics: Diagnostic[];
  /** What the valid spec needs on this machine (see preflightBlock.ts). */
  preflight?: import('../preflightBlock.js').Preflight;
}

/** Validates each spec; collects every file's problems instead of stopping at the first file. */
export async function validateFiles(files: string[]): Promise<ValidateReport[]> {
  const { validateSpec } = await import('../../spec/validate.js');
  const { toolRules } = await import('../../tools/rules.js');
  return files.map((file) => {
    try {
      const v = validateSpec(file, { rules: toolRules });
      return { file, ok: true, runs: v.runs.length, diagnostics: [] };
    } catch (err) {
      if (err instanceof InputError) return { file, ok: false, diagnostics: err.diagnostics };
      throw err;
    }
  });
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check specs against the schema and the tools, report every problem as FILE:LINE:COL')
    .argument('<spec...>', 'experiment spec files')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const reports = await validateFiles(files);
      const { buildPlan } = await import('../../plan/build.js');
      const { executeSettingsOf } = await import('../../exec/controller.js');
      const { preflight, renderPreflight } = await import('../preflightBlock.js');
      for (const r of reports) {
        if (!r.ok) continue;
        const { toolRules } = await import('../../tools/rules.js');
        const plan = await buildPlan(r.file, { rules: toolRules });
        const settings = executeSettingsOf(plan);
        r.preflight = await preflight(plan, { spec: r.file, executor: settings.executor ?? 'local', gpus: settings.gpus ?? [] });
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else for (const r of reports) if (r.ok) process.stdout.write(`${r.file}: ok (${r.runs} run${r.runs === 1 ? '' : 's'})\n${renderPreflight(r.preflight!, r.file)}`);
      const problems = reports.flatMap((r) => r.diagnostics);
      if (problems.length) throw new InputError(problems);
    });
}
