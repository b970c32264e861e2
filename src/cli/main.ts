import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AblateError, EXIT } from '../errors.js';
import { commands } from './commands/index.js';
import { wantsVerboseVersion } from './version.js';

/** The package version, read from package.json beside dist/ (no JSON import attributes needed). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Entry point: builds the command tree, runs it, and turns every error into output + exit code in one place. */
export async function main(argv: string[]): Promise<void> {
  // A closed pipe (`ablate plan | head`) is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  // Every command declares its options here but loads its implementation (and heavy libraries such
  // as vega, @stdlib, transformers.js, listr2, execa) only inside its action: `--help` stays instant.
  const program = new Command('ablate')
    .description('Declarative instruction-data ablation studies for code LLMs.')
    .version(packageVersion(), '-V, --version', 'print the version of ablate')
    .option('--verbose', 'with --version: also Node, the Python tools and the BigCode harness, with their versions')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  try {
    if (wantsVerboseVersion(argv.slice(2))) {
      const { verboseVersion } = await import('./version.js');
      process.stdout.write(await verboseVersion(packageVersion()));
      return;
    }
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err, program.opts<{ debug?: boolean }>().debug === true);
  }
}

const DISK_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM']);

function exitCodeFor(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version are successful exits; anything else commander rejects is a usage error.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof AblateError) {
    process.stderr.write(`${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && DISK_ERRORS.has(code)) {
    // The machine, not ablate: a full disk or a read-only folder. Nothing was left half-written.
    process.stderr.write(`ablate: ${(err as Error).message}\n`);
    if (debug) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return EXIT.failed;
  }
  process.stderr.write(`ablate: internal error: ${(err as Error)?.message ?? String(err)}\n`);
  if (debug || !(err instanceof Error)) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT.failed;
}
