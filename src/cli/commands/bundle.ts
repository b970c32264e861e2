import type { Command } from 'commander';
import { AblateError, EXIT } from '../../errors.js';
import path from 'node:path';
import type { VerifyReport } from '../../bundle/verify.js';
import type { UnpackResult } from '../../bundle/unpack.js';
import { formatBytes } from '../../util/bytes.js';

export function renderVerify(r: VerifyReport): string {
  const lines = r.arms.map((a) => `${a.status === 'match' ? 'ok     ' : a.status === 'differs' ? 'DIFFERS' : 'MISSING'} ${a.run}${a.reasons.length ? `\n          ${a.reasons.join('\n          ')}` : ''}`);
  for (const f of r.files ?? []) lines.push(`DAMAGED ${f}`);
  const differ = r.arms.filter((a) => a.status !== 'match').length;
  lines.push(
    r.ok
      ? `verified: every arm of ${r.experiment} re-materializes to the locked data (${r.datasets.checked} datasets), every bundled file matches its recorded hash`
      : `verification FAILED: ${differ} of ${r.arms.length} arms differ from the lock${r.files?.length ? `; ${r.files.length} bundled file(s) do not match their recorded hashes` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** What `import` unpacked, and the commands that read it (they work from the folder alone). */
export function renderImport(r: UnpackResult): string {
  const specs = r.files.filter((f) => /^spec\/[^/]+\.ya?ml$/.test(f));
  const spec = specs.length === 1 ? path.join(r.targetDir, specs[0]!) : path.join(r.targetDir, 'spec', '<spec>.yaml');
  return [
    `unpacked ${r.files.length} files (${formatBytes(r.totalBytes)}) into ${r.targetDir}`,
    `  results: ablate results ${spec}   (report, status and verify work the same)`,
    '',
  ].join('\n');
}

export function registerBundle(program: Command): void {
  program
    .command('export')
    .description('bundle a spec, its local inputs, the lock, data cards, metrics and per-problem outcomes')
    .argument('<spec>', 'experiment spec file')
    .requiredOption('-o, --output <file>', 'bundle to write (NAME.tar.gz)')
    .option('--with-data', 'include the materialized subsets')
    .option('--no-sources', 'do not ship local source files')
    .option('--results <dir>', 'results root')
    .action(async (file: string, opts: { output: string; withData?: boolean; sources?: boolean; results?: string }) => {
      const { validateSpec } = await import('../../spec/validate.js');
      const { toolRules } = await import('../../tools/rules.js');
      const { planFromValidated } = await import('../../plan/build.js');
      const { exportBundle } = await import('../../bundle/export.js');
      const v = validateSpec(file, { rules: toolRules });
      const plan = planFromValidated(v, { resultsRoot: opts.results });
      const { members } = await exportBundle(v, plan, opts.output, { withData: opts.withData, withSources: opts.sources });
      process.stdout.write(`wrote ${opts.output} (${members} files)\n`);
    });
  program
    .command('import')
    .description('unpack a bundle safely into a new folder')
    .argument('<bundle>', 'bundle file (.tar.gz)')
    .argument('<dir>', 'target folder (must not exist or be empty)')
    .option('--json', 'machine-readable output')
    .action(async (bundle: string, dir: string, opts: { json?: boolean }) => {
      const { unpackBundle } = await import('../../bundle/unpack.js');
      const r = await unpackBundle(bundle, dir);
      process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : renderImport(r));
    });
  program
    .command('verify')
    .description('re-materialize every dataset of a bundle from its sources and check it against the lock; of a results folder, re-hash every finished stage and check the locks')
    .argument('<bundle>', 'bundle file, an imported bundle folder, or a results folder')
    .option('--json', 'machine-readable output')
    .action(async (bundle: string, opts: { json?: boolean }) => {
      const { isResultsFolder, renderResultsVerify, verifyResultsFolder } = await import('../../bundle/verifyResults.js');
      if (isResultsFolder(bundle)) {
        const r = verifyResultsFolder(bundle);
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : renderResultsVerify(r));
        if (!r.ok) throw new AblateError(`results folder ${bundle} does not match its records`, EXIT.failed);
        return;
      }
      const { defaultRunners } = await import('../../stages/runners.js');
      const { verifyBundle } = await import('../../bundle/verify.js');
      const runners = await defaultRunners();
      const report = await verifyBundle(bundle, runners.materialize, { log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderVerify(report));
      if (!report.ok) throw new AblateError(`bundle ${bundle} does not reproduce its lock`, EXIT.failed);
    });
}
