import type { Command } from 'commander';

interface FetchFlags {
  dryRun?: boolean;
  results?: string;
  json?: boolean;
}

/** `ablate fetch SPEC...`: everything the specs' stages read from the internet, into the caches they read offline. */
export function registerFetch(program: Command): void {
  program
    .command('fetch')
    .description('download everything the specs need (datasets at a resolved commit, base and annotator models, problem files, the Python tools) so runs work offline')
    .argument('<spec...>', 'experiment specs (YAML)')
    .option('--dry-run', 'list what would be downloaded, with sizes; download nothing')
    .option('--results <dir>', 'results root (default: execute.results, else results/); the lock records the resolved commits')
    .option('--json', 'print the artifact list as JSON')
    .action(async (specs: string[], flags: FetchFlags) => {
      const { fetchSpecs, renderFetchPlan } = await import('../../fetch/command.js');
      const out = await fetchSpecs(specs, { ...(flags.dryRun ? { dryRun: true } : {}), ...(flags.results ? { results: flags.results } : {}) });
      if (flags.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else process.stdout.write(renderFetchPlan(out));
    });
}
